"""AGRO rows that validation must reject, one rule each, each about a producer and a unit that
appear nowhere else (so quarantining it changes no verdict)."""

from __future__ import annotations

import numpy as np

from ..invalid import InvalidRow, ProgrammeDraws, add_row
from ..layout import CLAIMS, PRODUCTIVITY, ROSTERS
from ..population import Population
from ..timeline import Timeline, first_day, to_date

PROGRAMME = "AGRO"
MEASUREMENTS = PRODUCTIVITY
INVALID_PEOPLE = 6
"""Extra producers, one per invalid row."""


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...], ops: np.ndarray,
                       timeline: Timeline, registry_month: int) -> list[InvalidRow]:
    """Two roster rows, a claim and three measurements (in the CSV extract of `registry_month`),
    each of its own producer and unit."""
    draws = ProgrammeDraws(rng, extras, codes, ops, timeline, PROGRAMME, INVALID_PEOPLE)
    serials = rng.choice(np.arange(1, 10_000), INVALID_PEOPLE, replace=False)
    unit = [f"UP-68001-{serial:04d}X" for serial in serials.tolist()]
    rows: list[InvalidRow] = []
    values = {**draws.roster(0), "unidad_productiva": None}
    draws.add(rows, ROSTERS, 0, values, "unidad_productiva", "unit_required_for_agro",
              "an AGRO roster row without its producer unit")
    values = {**draws.roster(1), "unidad_productiva": unit[1].replace("-", "/", 2).replace("/", "-", 1)}
    draws.add(rows, ROSTERS, 1, values, "unidad_productiva", "unit_id_shape",
              "a unit id with a slash, which no measurement can name")
    draws.add(rows, CLAIMS, 2, draws.claim(2, "CREDITO_DESEMBOLSADO"), "resultado", "outcome_belongs_to_programme",
              "CREDITO_DESEMBOLSADO is a CREDITO_MIPYME outcome, not an AGRO one")

    def measurement(index: int) -> dict[str, object]:
        return {"tipo_documento": "CC", "numero_documento": str(extras.doc_number[index]),
                "unidad_productiva": unit[index], "cultivo": "CAFE",
                "fecha_medicion": to_date(first_day(registry_month - 1) + int(rng.integers(0, 25))),
                "produccion_kg": "2600", "area_ha": "2,5"}

    values = measurement(3)
    values["produccion_kg"] = "2600000"
    add_row(rows, MEASUREMENTS, -1, registry_month, values, "produccion_kg", "yield_physically_possible",
            "the harvest was written in grams: 1,040,000 kg of coffee per hectare")
    values = measurement(4)
    values["area_ha"] = "0"
    add_row(rows, MEASUREMENTS, -1, registry_month, values, "area_ha", "area_in_hectares", "an area of 0 hectares")
    values = measurement(5)
    values["cultivo"] = "YUCA"
    add_row(rows, MEASUREMENTS, -1, registry_month, values, "cultivo", "crop_known",
            "YUCA is not one of the crops (CACAO, CAFE, BANANO, OTRO)")
    return rows
