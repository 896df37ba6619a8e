"""The programmes the city pays for: one module each, and this list.

Adding a programme is a registry model in `schemas/registries/`, a module here that builds
its `Programme` (spec.py says what it declares), and one line in `PROGRAMMES`. The gates,
unclaimed outcomes, pricing, the ledger and linkage never learn a programme's name.
"""

from __future__ import annotations

from pbr_pipeline.programmes.agro import AGRO
from pbr_pipeline.programmes.bilinguismo import BILINGUISMO
from pbr_pipeline.programmes.credito_mipyme import CREDITO_MIPYME
from pbr_pipeline.programmes.empleo import EMPLEO
from pbr_pipeline.programmes.emprendimiento import EMPRENDIMIENTO
from pbr_pipeline.programmes.habitanza_calle import HABITANZA_CALLE
from pbr_pipeline.programmes.salud_materna import SALUD_MATERNA
from pbr_pipeline.programmes.salud_transmisibles import SALUD_TRANSMISIBLES
from pbr_pipeline.programmes.spec import Programme, Registry

PROGRAMMES: tuple[Programme, ...] = (
    EMPLEO,
    BILINGUISMO,
    SALUD_MATERNA,
    SALUD_TRANSMISIBLES,
    HABITANZA_CALLE,
    EMPRENDIMIENTO,
    CREDITO_MIPYME,
    AGRO,
)

BY_CODE: dict[str, Programme] = {programme.code: programme for programme in PROGRAMMES}

REGISTRIES: tuple[Registry, ...] = tuple(
    {registry.name: registry for programme in PROGRAMMES for registry in programme.registries}.values()
)
"""Every registry some programme reads, once each, in programme order."""


LINKAGE_REGISTRY: Registry = next(registry for registry in REGISTRIES if registry.names_people)
"""The registry the probabilistic second pass links people through (the first that names them)."""


def paying_for(subject: str) -> tuple[str, ...]:
    """Codes of the programmes whose subject is `subject` (PERSON, FIRM or UNIT)."""
    return tuple(programme.code for programme in PROGRAMMES if programme.subject == subject)


def readers_of(registry: Registry) -> tuple[str, ...]:
    """Codes of the programmes that read `registry`."""
    return tuple(programme.code for programme in PROGRAMMES if registry in programme.registries)


def programme(code: str) -> Programme | None:
    """The programme with this code, or None when the pipeline does not verify it yet."""
    return BY_CODE.get(code)
