"""Rows of HABITANZA_CALLE that validation must reject: two roster rows, two claims and three
income measurements, each about an extra person who has no other row anywhere (so quarantining
it changes no verdict)."""

from __future__ import annotations

import numpy as np

from ..invalid import InvalidRow, ProgrammeDraws, _future, add_row, registry_person_values
from ..layout import CLAIMS, INCOMES, ROSTERS
from ..population import Population
from ..timeline import Timeline, first_day, to_date

PROGRAMME = "HABITANZA_CALLE"
INVALID_PEOPLE = 7


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...], ops: np.ndarray,
                       timeline: Timeline, income_month: int) -> list[InvalidRow]:
    """Seven rows, one per rule, on seven extra people; the measurements go to the extract of
    `income_month` (a CSV one)."""
    draws = ProgrammeDraws(rng, extras, codes, ops, timeline, PROGRAMME, INVALID_PEOPLE)
    rows: list[InvalidRow] = []
    values = draws.roster(0)
    values["grupos"] = "HABITANTE_CALLE"
    draws.add(rows, ROSTERS, 0, values, "grupos", "groups_known",
              "HABITANTE_CALLE is the programme, not a population group")
    values = draws.roster(1)
    values["municipio"] = "6800"
    draws.add(rows, ROSTERS, 1, values, "municipio", "municipality_code_shape",
              "the DIVIPOLA code has 5 digits; a digit is missing")
    values = draws.claim(2, "CASO_ADHERENTE")
    draws.add(rows, CLAIMS, 2, values, "resultado", "outcome_belongs_to_programme",
              "CASO_ADHERENTE is a SALUD_TRANSMISIBLES outcome, not a HABITANZA_CALLE one")
    values = draws.claim(3, "SUPERA_POBREZA_EXTREMA")
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    draws.add(rows, CLAIMS, 3, values, "fecha_resultado", "outcome_date_not_in_future",
              "the outcome date lies years after the month of the file")

    def measurement(index: int) -> dict[str, object]:
        values = registry_person_values(extras, index)
        values.update({
            "fecha_medicion": to_date(first_day(income_month - 1) + int(rng.integers(0, 28))),
            "ingreso_mensual_hogar": str(int(rng.integers(60, 200)) * 1000), "personas_hogar": "1",
            "fuente": "SEGUIMIENTO",
        })
        return values

    values = measurement(4)
    values["personas_hogar"] = "0"
    add_row(rows, INCOMES, -1, income_month, values, "personas_hogar", "household_size_positive",
            "a household has at least one person; 0 was typed")
    values = measurement(5)
    values["ingreso_mensual_hogar"] = f"{int(rng.integers(150, 400))}000,50"
    add_row(rows, INCOMES, -1, income_month, values, "ingreso_mensual_hogar", "income_whole_pesos",
            "the income has centavos; the registry takes whole pesos")
    values = measurement(6)
    values["fecha_medicion"] = _future(values["fecha_medicion"])
    add_row(rows, INCOMES, -1, income_month, values, "fecha_medicion", "measured_on_not_in_future",
            "the measurement is dated years after the month of the extract")
    return rows
