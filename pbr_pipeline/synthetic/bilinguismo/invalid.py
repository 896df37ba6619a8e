"""Rows of the English programme that validation must reject: two roster rows, two claims and
three exam rows, each about an extra person who has no other row anywhere (so quarantining
it changes no verdict)."""

from __future__ import annotations

import numpy as np

from ..claims import with_dots
from ..invalid import InvalidRow, _future, add_row, person_values, roster_values
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
    later = np.arange(min(timeline.first + 1, timeline.last), timeline.last + 1)
    months = rng.choice(later, INVALID_PEOPLE)
    chosen_ops = rng.choice(ops, INVALID_PEOPLE)
    rows: list[InvalidRow] = []

    def roster(index: int) -> dict[str, object]:
        enrolled = to_date(first_day(int(months[index])) + int(rng.integers(0, 25)))
        return roster_values(extras, index, operador=codes[int(chosen_ops[index])], programme=PROGRAMME,
                             enrolled=enrolled)

    def claim(index: int) -> dict[str, object]:
        month = int(months[index])
        return {
            "operador": codes[int(chosen_ops[index])], "programa": PROGRAMME, "tipo_documento": "CC",
            "numero_documento": with_dots(str(extras.doc_number[index])), "resultado": "CERTIFICACION_B1",
            "fecha_resultado": to_date(first_day(month) + int(rng.integers(0, 20))),
            "soporte": f"APT{int(month // 12 + 1970)}-{int(rng.integers(800_000_000, 900_000_000))}",
        }

    values = roster(0)
    values["rol"] = None
    add_row(rows, ROSTERS, int(chosen_ops[0]), int(months[0]), values, "rol", "role_required_for_bilingualism",
            "a BILINGUISMO roster row needs rol (DOCENTE or ESTUDIANTE); it is empty")
    values = roster(1)
    values["rol"] = "PROFESOR"
    add_row(rows, ROSTERS, int(chosen_ops[1]), int(months[1]), values, "rol", "role_known",
            "rol is DOCENTE or ESTUDIANTE; PROFESOR is not a role code")

    values = claim(2)
    values["resultado"] = "COLOCACION"
    add_row(rows, CLAIMS, int(chosen_ops[2]), int(months[2]), values, "resultado", "outcome_belongs_to_programme",
            "COLOCACION is an EMPLEO outcome, not a BILINGUISMO one")
    values = claim(3)
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    add_row(rows, CLAIMS, int(chosen_ops[3]), int(months[3]), values, "fecha_resultado", "outcome_date_not_in_future",
            "the outcome date lies years after the month of the file")

    def exam(index: int) -> dict[str, object]:
        values = person_values(extras, index)
        values.update({
            "fecha_nacimiento": to_date(extras.birth[index]), "sexo": "F" if extras.sex[index] == 0 else "M",
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
