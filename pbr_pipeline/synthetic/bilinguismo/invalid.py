"""Rows of the English programme that validation must reject: two roster rows, two claims and
three exam rows, each about an extra person who has no other row anywhere (so quarantining
it changes no verdict)."""

from __future__ import annotations

import numpy as np

from ..claims import with_dots
from ..invalid import InvalidRow, ProgrammeDraws, _future, add_row, registry_person_values
from ..layout import CLAIMS, EXAMS, ROSTERS
from ..population import Population
from ..timeline import Timeline, first_day, to_date
from .exams import SALIDA, MOMENTS, TESTS

PROGRAMME = "BILINGUISMO"
INVALID_PEOPLE = 7


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...], ops: np.ndarray,
                       timeline: Timeline, exam_month: int) -> list[InvalidRow]:
    """Seven rows, one per rule, on seven extra people; the exam rows go to the extract of
    `exam_month` (a CSV one)."""
    draws = ProgrammeDraws(rng, extras, codes, ops, timeline, PROGRAMME, INVALID_PEOPLE)
    rows: list[InvalidRow] = []

    def claim(index: int) -> dict[str, object]:
        values = draws.claim(index, "CERTIFICACION_B1", with_dots(str(extras.doc_number[index])))
        month = int(draws.months[index])
        values["soporte"] = f"APT{int(month // 12 + 1970)}-{int(rng.integers(800_000_000, 900_000_000))}"
        return values

    values = draws.roster(0)
    values["rol"] = None
    draws.add(rows, ROSTERS, 0, values, "rol", "role_required_for_bilingualism",
              "a BILINGUISMO roster row needs rol (DOCENTE or ESTUDIANTE); it is empty")
    values = draws.roster(1)
    values["rol"] = "PROFESOR"
    draws.add(rows, ROSTERS, 1, values, "rol", "role_known",
              "rol is DOCENTE or ESTUDIANTE; PROFESOR is not a role code")

    values = claim(2)
    values["resultado"] = "COLOCACION"
    draws.add(rows, CLAIMS, 2, values, "resultado", "outcome_belongs_to_programme",
              "COLOCACION is an EMPLEO outcome, not a BILINGUISMO one")
    values = claim(3)
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    draws.add(rows, CLAIMS, 3, values, "fecha_resultado", "outcome_date_not_in_future",
              "the outcome date lies years after the month of the file")

    def exam(index: int) -> dict[str, object]:
        values = registry_person_values(extras, index)
        values.update({
            "prueba": TESTS[0], "momento": MOMENTS[SALIDA],
            "fecha_examen": to_date(first_day(exam_month - 1) + int(rng.integers(0, 28))), "nivel_mcer": "B1",
            "puntaje": str(int(rng.integers(140, 170))), "numero_certificado": None,
        })
        return values

    values = exam(4)
    values["prueba"] = "TOEFL"
    add_row(rows, EXAMS, -1, exam_month, values, "prueba", "test_known",
            "prueba is APTIS_GENERAL, APTIS_DOCENTES, SABER11 or OTRA; TOEFL is not one of them")
    values = exam(5)
    values["momento"] = "FINAL"
    add_row(rows, EXAMS, -1, exam_month, values, "momento", "moment_known", "momento is ENTRADA or SALIDA")
    values = exam(6)
    values["nivel_mcer"] = "B3"
    add_row(rows, EXAMS, -1, exam_month, values, "nivel_mcer", "level_known", "B3 is not a CEFR level")
    return rows
