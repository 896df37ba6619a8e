"""Rows of the health programmes that validation must reject: two roster rows, two claims and
three RIPS rows (two in a pharmacy's flat CSV, one in a RIPS JSON without an invoice), each
about an extra person who has no other row anywhere (so quarantining it changes no verdict)."""

from __future__ import annotations

import numpy as np

from ..invalid import InvalidRow, _future, add_row, roster_values
from ..layout import CLAIMS, ROSTERS
from ..population import Population
from ..timeline import Timeline, first_day, to_date
from .people import OUTCOMES, PROGRAMMES
from .rips import RIPS

INVALID_PEOPLE = 7


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...],
                       ops: tuple[np.ndarray, np.ndarray], timeline: Timeline, rips_month: int) -> list[InvalidRow]:
    """Seven rows, one per rule, on seven extra people; the RIPS rows go to the files of
    `rips_month` (a month the pharmacy sends a CSV)."""
    later = np.arange(min(timeline.first + 1, timeline.last), timeline.last + 1)
    months = rng.choice(later, INVALID_PEOPLE)
    programme_of = [0, 1, 0, 1]
    chosen_ops = [int(rng.choice(ops[programme])) for programme in programme_of]
    rows: list[InvalidRow] = []

    def roster(index: int) -> dict[str, object]:
        enrolled = to_date(first_day(int(months[index])) + int(rng.integers(0, 25)))
        values = roster_values(extras, index, operador=codes[chosen_ops[index]],
                               programme=PROGRAMMES[programme_of[index]], enrolled=enrolled)
        values["sexo"] = "F" if programme_of[index] == 0 else values["sexo"]
        return values

    def claim(index: int) -> dict[str, object]:
        month = int(months[index])
        return {
            "operador": codes[chosen_ops[index]], "programa": PROGRAMMES[programme_of[index]], "tipo_documento": "CC",
            "numero_documento": str(extras.doc_number[index]), "resultado": OUTCOMES[programme_of[index]],
            "fecha_resultado": to_date(first_day(month) + int(rng.integers(0, 20))), "soporte": None,
        }

    values = roster(0)
    values["sexo"] = "X"
    add_row(rows, ROSTERS, chosen_ops[0], int(months[0]), values, "sexo", "sex_known",
            "sexo is F or M (MUJER or HOMBRE); X is not one of them")
    values = roster(1)
    values["fecha_egreso"] = to_date(first_day(int(months[1]) - 3) + 4)
    add_row(rows, ROSTERS, chosen_ops[1], int(months[1]), values, "fecha_egreso", "exit_date_not_before_enrolment",
            "the exit date is months before the enrolment date")
    values = claim(2)
    values["resultado"] = OUTCOMES[1]
    add_row(rows, CLAIMS, chosen_ops[2], int(months[2]), values, "resultado", "outcome_belongs_to_programme",
            "CASO_ADHERENTE is a SALUD_TRANSMISIBLES outcome, not a SALUD_MATERNA one")
    values = claim(3)
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    add_row(rows, CLAIMS, chosen_ops[3], int(months[3]), values, "fecha_resultado", "outcome_date_not_in_future",
            "the outcome date lies years after the month of the file")

    def service(index: int, *, kind: str, code: str, purpose: str | None, dx: str | None) -> dict[str, object]:
        day = int(first_day(rips_month - 1)) + int(rng.integers(0, 25))
        return {
            "num_factura": f"FAR{int(rng.integers(90_000, 99_999))}",
            "tipo_documento": "CC", "numero_documento": str(extras.doc_number[index]),
            "fecha_nacimiento": to_date(int(extras.birth[index])).isoformat(), "tipo_servicio": kind,
            "cod_prestador": "680010110501", "fecha_atencion": f"{to_date(day).isoformat()} 10:15",
            "cod_tecnologia": code, "finalidad": purpose, "dx_principal": dx, "_day": day,
        }

    values = service(4, kind="PROCEDIMIENTO", code="903841", purpose="12", dx="E119")
    values["cod_prestador"] = "6800101105"
    add_row(rows, RIPS, -1, rips_month, values, "cod_prestador", "provider_code_shape",
            "the REPS code has 10 digits; it has 12")
    values = service(5, kind="LABORATORIO", code="902210", purpose="12", dx="D649")
    add_row(rows, RIPS, -1, rips_month, values, "tipo_servicio", "service_kind_known",
            "LABORATORIO is not a RIPS service kind (a laboratory test is a PROCEDIMIENTO)")
    values = service(6, kind="CONSULTA", code="890201", purpose="99", dx="J00X")
    values.update({"cod_prestador": "680010078101", "_json": True, "num_nota": f"RS{int(rng.integers(1000, 9999))}"})
    add_row(rows, RIPS, -1, rips_month, values, "finalidad", "purpose_known",
            "finalidadTecnologiaSalud 99 is not in the RIPS table (11 to 44)")
    return rows
