"""CREDITO_MIPYME rows that validation must reject, one rule each, each about a firm that
appears nowhere else (so quarantining it changes no verdict)."""

from __future__ import annotations

import numpy as np

from schemas.codes import nit_check_digit

from ..invalid import InvalidRow, _future, add_row
from ..layout import CLAIMS, CREDITS, ROSTERS
from ..timeline import Timeline, first_day, to_date
from .firms import Firms

PROGRAMME = "CREDITO_MIPYME"
DISBURSEMENTS = CREDITS
INVALID_FIRMS = 6
"""Extra firms, one per invalid row."""


def build_invalid_rows(rng: np.random.Generator, extras: Firms, codes: tuple[str, ...], ops: np.ndarray,
                       timeline: Timeline, registry_month: int, lender_nit: str) -> list[InvalidRow]:
    """Two roster rows, a claim and three report rows (in the CSV extract of `registry_month`;
    `lender_nit` is an intermediary's NIT without check digit)."""
    later = np.arange(min(timeline.first + 1, timeline.last), timeline.last + 1)
    months = rng.choice(later, INVALID_FIRMS)
    owners = rng.choice(ops, INVALID_FIRMS)
    rows: list[InvalidRow] = []

    def roster(index: int) -> dict[str, object]:
        return {"operador": codes[int(owners[index])], "programa": PROGRAMME, "tipo_documento": "NIT",
                "numero_documento": str(extras.nit[index]), "razon_social": str(extras.name[index]),
                "fecha_inscripcion": to_date(first_day(int(months[index])) + int(rng.integers(0, 25))),
                "fecha_egreso": None, "municipio": "68001"}

    def operator_row(kind: str, index: int, values: dict, column: str, rule: str, why: str) -> None:
        add_row(rows, kind, int(owners[index]), int(months[index]), values, column, rule, why)

    values = roster(0)
    values["razon_social"] = None
    operator_row(ROSTERS, 0, values, "razon_social", "business_name_required", "a firm's roster row without its name")
    values = roster(1)
    values["fecha_inscripcion"] = _future(values["fecha_inscripcion"])
    operator_row(ROSTERS, 1, values, "fecha_inscripcion", "enrolment_date_not_in_future",
                 "the enrolment date lies years after the month of the file")
    operator_row(CLAIMS, 2, {
        "operador": codes[int(owners[2])], "programa": PROGRAMME, "tipo_documento": "NIT",
        "numero_documento": str(extras.nit[2]), "resultado": "AUMENTO_PRODUCTIVIDAD",
        "fecha_resultado": to_date(first_day(int(months[2])) + int(rng.integers(0, 20))), "soporte": None,
    }, "resultado", "outcome_belongs_to_programme",
        "AUMENTO_PRODUCTIVIDAD is an AGRO outcome, not a CREDITO_MIPYME one")

    def report(index: int) -> dict[str, object]:
        return {"tipo_documento": "NIT", "numero_documento": str(extras.nit[index]),
                "razon_social": str(extras.name[index]), "entidad": f"{lender_nit}-{nit_check_digit(lender_nit)}",
                "numero_obligacion": str(int(rng.integers(4_500_000_000, 9_999_999_999))),
                "fecha_desembolso": to_date(first_day(registry_month - 1) + int(rng.integers(0, 25))),
                "monto": "18000000", "tamano_empresa": "MICRO", "plazo_meses": "24"}

    values = report(3)
    wrong = (nit_check_digit(lender_nit) + int(rng.integers(1, 10))) % 10
    values["entidad"] = f"{lender_nit}-{wrong}"
    add_row(rows, DISBURSEMENTS, -1, registry_month, values, "entidad", "lender_nit_check_digit",
            "the check digit after the dash is not the intermediary's DV")
    values = report(4)
    values["monto"] = "0"
    add_row(rows, DISBURSEMENTS, -1, registry_month, values, "monto", "amount_whole_pesos",
            "a disbursement of 0 pesos")
    values = report(5)
    values["tamano_empresa"] = "MICROEMPRESA"
    add_row(rows, DISBURSEMENTS, -1, registry_month, values, "tamano_empresa", "firm_size_known",
            "MICROEMPRESA is not one of the sizes (MICRO, PEQUENA, MEDIANA, GRANDE)")
    return rows
