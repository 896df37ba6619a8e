"""Rows of EMPRENDIMIENTO that validation must reject: two roster rows, two claims and three
matrículas, each about an extra person who has no other row anywhere (so quarantining it changes
no verdict)."""

from __future__ import annotations

import numpy as np

from ..invalid import InvalidRow, ProgrammeDraws, _future, add_row, person_values
from ..layout import CLAIMS, ROSTERS
from ..population import Population
from ..timeline import Timeline, first_day, to_date
from .registry import BUSINESS_REGISTRY

PROGRAMME = "EMPRENDIMIENTO"
INVALID_PEOPLE = 7


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...], ops: np.ndarray,
                       timeline: Timeline, business_month: int) -> list[InvalidRow]:
    """Seven rows, one per rule, on seven extra people; the matrículas go to the extract of
    `business_month` (a CSV one)."""
    draws = ProgrammeDraws(rng, extras, codes, ops, timeline, PROGRAMME, INVALID_PEOPLE)
    rows: list[InvalidRow] = []
    values = draws.roster(0)
    values["sexo"] = None
    draws.add(rows, ROSTERS, 0, values, "sexo", "sex_required", "sexo is empty")
    values = draws.roster(1)
    values["fecha_egreso"] = to_date(first_day(int(draws.months[1]) - 2) + 3)
    draws.add(rows, ROSTERS, 1, values, "fecha_egreso", "exit_date_not_before_enrolment",
              "the exit date is months before the enrolment date")
    values = draws.claim(2, "SUPERA_POBREZA_EXTREMA")
    draws.add(rows, CLAIMS, 2, values, "resultado", "outcome_belongs_to_programme",
              "SUPERA_POBREZA_EXTREMA is a HABITANZA_CALLE outcome, not an EMPRENDIMIENTO one")
    values = draws.claim(3, "EMPRENDIMIENTO_CREADO")
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    draws.add(rows, CLAIMS, 3, values, "fecha_resultado", "outcome_date_not_in_future",
              "the outcome date lies years after the month of the file")

    def matricula(index: int) -> dict[str, object]:
        values = person_values(extras, index)
        registered = to_date(first_day(business_month - 1) + int(rng.integers(0, 28)))
        values.update({
            "codigo_camara": "04", "matricula": str(int(rng.integers(900_000, 1_000_000))), "razon_social": None,
            "fecha_matricula": registered, "estado_matricula": "ACTIVA", "ultimo_ano_renovado": None,
            "fecha_renovacion": None, "fecha_cancelacion": None, "cod_ciiu": "4711",
        })
        return values

    values = matricula(4)
    values["estado_matricula"] = "ACTIVO"
    add_row(rows, BUSINESS_REGISTRY, -1, business_month, values, "estado_matricula", "registration_status_known",
            "estado_matricula is ACTIVA or CANCELADA; ACTIVO is not one of them")
    values = matricula(5)
    values["fecha_cancelacion"] = values["fecha_matricula"]
    add_row(rows, BUSINESS_REGISTRY, -1, business_month, values, "fecha_cancelacion",
            "cancelled_on_only_when_cancelled", "an ACTIVA matrícula has no cancellation date")
    values = matricula(6)
    values["cod_ciiu"] = "145"
    add_row(rows, BUSINESS_REGISTRY, -1, business_month, values, "cod_ciiu", "ciiu_code_shape",
            "the CIIU class 0145 lost its leading zero in a spreadsheet")
    return rows
