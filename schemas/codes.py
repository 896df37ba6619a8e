"""Colombian codes and code lists that the published formats use (docs/formats.md).

This module is the ground floor: the pandera models, the engine and the synthetic-data
generator all read their code lists from here, so a new alias or outcome code is added once.
"""

from __future__ import annotations

DOCUMENT_TYPES: tuple[str, ...] = ("CC", "TI", "CE", "PA", "RC", "CD", "SC", "PT", "PE", "NIT")
"""Canonical document type codes after alias normalisation."""

DOCUMENT_TYPE_ALIASES: dict[str, str] = {
    "PPT": "PT",
    "PEP": "PE",
}
"""Spellings operators use for a canonical code. Dots and spaces are removed before lookup,
so `C.C.` and `C C` already read as `CC`."""

DIGITS_ONLY_DOCUMENT_TYPES: frozenset[str] = frozenset({"CC", "TI", "RC", "SC", "NIT"})
"""Types whose numbers hold digits only; CE, PA, CD, PT and PE may hold letters."""

MAX_DOCUMENT_NUMBER_LENGTH = 16
"""PILA gives the document number 16 characters."""

PERSON_DOCUMENT_TYPES: frozenset[str] = frozenset(set(DOCUMENT_TYPES) - {"NIT"})

PROGRAMMES: tuple[str, ...] = (
    "EMPLEO",
    "BILINGUISMO",
    "SALUD_MATERNA",
    "SALUD_TRANSMISIBLES",
    "HABITANZA_CALLE",
    "EMPRENDIMIENTO",
    "CREDITO_MIPYME",
    "AGRO",
)

FIRM_PROGRAMMES: frozenset[str] = frozenset({"CREDITO_MIPYME"})
"""Programmes that enrol and pay firms (by NIT) instead of people."""
UNIT_PROGRAMMES: frozenset[str] = frozenset({"AGRO"})
"""Programmes that enrol and pay producer units (`unidad_productiva`, with the producer's document)."""

OUTCOMES_BY_PROGRAMME: dict[str, tuple[str, ...]] = {
    "EMPLEO": ("COLOCACION", "RETENCION_3M", "RETENCION_6M"),
    "BILINGUISMO": ("CERTIFICACION_B1",),
    "SALUD_MATERNA": ("CONTROLES_PRENATALES",),
    "SALUD_TRANSMISIBLES": ("CASO_ADHERENTE",),
    "HABITANZA_CALLE": ("SUPERA_POBREZA_EXTREMA",),
    "EMPRENDIMIENTO": ("EMPRENDIMIENTO_CREADO", "AUMENTO_INGRESOS"),
    "CREDITO_MIPYME": ("CREDITO_DESEMBOLSADO",),
    "AGRO": ("AUMENTO_PRODUCTIVIDAD",),
}

PROGRAMME_OUTCOME_PAIRS: tuple[str, ...] = tuple(
    f"{programme}/{outcome}"
    for programme, outcomes in OUTCOMES_BY_PROGRAMME.items()
    for outcome in outcomes
)
"""`PROGRAMA/RESULTADO` strings, the form the claims schema checks membership against."""

POPULATION_GROUPS: tuple[str, ...] = (
    "MIGRANTE",
    "DISCAPACIDAD",
    "VICTIMA",
    "MADRE_CABEZA_HOGAR",
    "ETNICO",
)

SEX_CODES: tuple[str, ...] = ("F", "M")
SEX_ALIASES: dict[str, str] = {"MUJER": "F", "HOMBRE": "M", "FEMENINO": "F", "MASCULINO": "M"}

ROLES: tuple[str, ...] = ("DOCENTE", "ESTUDIANTE")

DEPENDENT_CONTRIBUTOR_TYPES: frozenset[int] = frozenset({1, 2, 22, 30, 51})
"""PILA contributor types that are dependent (salaried) work: the only ones a placement counts."""

DEFAULT_MUNICIPALITY = "68001"
"""DIVIPOLA code of Bucaramanga, the default `municipio` of an enrolment."""

NIT_WEIGHTS: tuple[int, ...] = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
"""DIAN weights for the NIT check digit, applied from the rightmost digit."""


def nit_check_digit(nit: str) -> int:
    """The DIAN check digit (DV) of a NIT given without its check digit.

    Modulo 11 over the digits weighted from the right; a remainder of 0 or 1 is the digit
    itself, any other remainder r gives 11 - r.
    """
    if not nit.isdigit() or len(nit) > len(NIT_WEIGHTS):
        raise ValueError(f"a NIT is 1 to {len(NIT_WEIGHTS)} digits, got {nit!r}")
    total = sum(int(digit) * weight for digit, weight in zip(reversed(nit), NIT_WEIGHTS))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder

REVIEW_DECISIONS: tuple[str, ...] = ("ACCEPT", "REJECT")
REVIEW_DECISION_ALIASES: dict[str, str] = {"ACEPTAR": "ACCEPT", "ACEPTADO": "ACCEPT", "RECHAZAR": "REJECT", "RECHAZADO": "REJECT"}

CEFR_LEVELS: tuple[str, ...] = ("PRE_A1", "A1", "A2", "B1", "B2", "C1", "C2")
"""Common European Framework levels, lowest first: the order certification compares."""
CEFR_LEVEL_ALIASES: dict[str, str] = {"A0": "PRE_A1", "A-": "PRE_A1", "PREA1": "PRE_A1", "B+": "B2", "C": "C1"}
"""How exam bodies write levels: Saber 11 reports A- and B+, Aptis A0 and C."""

ENGLISH_TESTS: tuple[str, ...] = ("APTIS_GENERAL", "APTIS_DOCENTES", "SABER11", "OTRA")
EXAM_MOMENTS: tuple[str, ...] = ("ENTRADA", "SALIDA")
"""An entry test (before or just after enrolment) or an exit test (the certification)."""

POVERTY_LINE_DOMAINS: tuple[str, ...] = ("NACIONAL", "CABECERAS", "CENTROS_POBLADOS_RURAL_DISPERSO", "BUCARAMANGA_AM")
"""DANE's domains for the monetary poverty lines that a contract may name (the national line,
urban and rural areas, and Bucaramanga's metropolitan area)."""

REGISTRATION_STATES: tuple[str, ...] = ("ACTIVA", "CANCELADA")
"""States of a matrícula mercantil in the chamber of commerce's registry (`estado_matricula`)."""
ACTIVE_REGISTRATION, CANCELLED_REGISTRATION = REGISTRATION_STATES

FIRM_SIZES: tuple[str, ...] = ("MICRO", "PEQUENA", "MEDIANA", "GRANDE")
"""Firm sizes as credit registries report them (PEQUEÑA reads as PEQUENA)."""

CROPS: tuple[str, ...] = ("CACAO", "CAFE", "BANANO", "OTRO")
"""Crops the productivity measurements name (CAFÉ reads as CAFE)."""
MAX_YIELD_KG_PER_HA: dict[str, int] = {"CACAO": 5_000, "CAFE": 8_000, "BANANO": 100_000, "OTRO": 200_000}
"""Yields above these are not physically possible for the crop (record yields are a fraction of
them: cocoa about 3 t/ha, parchment coffee about 5 t/ha, bananas about 70 t/ha); a row above
is a typing mistake (kilograms for grams, hectares for square metres) and is quarantined."""
