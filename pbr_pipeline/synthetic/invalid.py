"""Rows that validation must reject, and one file it cannot read.

Each invalid row is about an extra person who has no other row anywhere, so quarantining it
changes no claim verdict. The broken file holds only fabricated documents for the same reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .claims import PROGRAMME, fresh_number, with_dots
from .employment import Employers
from .layout import CLAIMS, PILA, ROSTERS, inbox_folder
from .names import GIVEN, SURNAMES
from .population import Population
from .reference import smmlv_by_year
from .timeline import Timeline, first_day, index_month, to_date, year_of_month
from .writers import csv_bytes

@dataclass(frozen=True)
class InvalidRow:
    id: int
    kind: str
    """inscripciones, reportes or pila."""
    op: int
    """Operator index; -1 for registry rows."""
    month: int
    """Inbox month of the file that carries it."""
    values: dict[str, object]
    """Canonical column -> written value (text, date or None)."""
    column: str
    rule: str
    why: str
    person: int
    """Index into the extra population."""


@dataclass(frozen=True)
class BrokenFile:
    path: str
    op: int
    month: int
    data: bytes
    rows: int
    column: str
    rule: str
    why: str


def _future(day: dt.date) -> dt.date:
    """The year typed with its last two digits swapped (2025 → 2052), a classic slip."""
    text = str(day.year)
    year = int(text[:2] + text[3] + text[2])
    return day.replace(year=year if year > day.year + 1 else day.year + 30)


def person_values(extras: Population, index: int) -> dict[str, object]:
    """The document and names of extra person `index`, in the canonical (upper, accented)
    spellings."""
    return {
        "tipo_documento": "CC", "numero_documento": str(extras.doc_number[index]),
        "primer_nombre": GIVEN[extras.given1[index]],
        "segundo_nombre": GIVEN[extras.given2[index]] if extras.given2[index] >= 0 else None,
        "primer_apellido": SURNAMES[extras.surname1[index]],
        "segundo_apellido": SURNAMES[extras.surname2[index]] if extras.surname2[index] >= 0 else None,
    }


def roster_values(extras: Population, index: int, *, operador: str, programme: str,
                  enrolled: dt.date) -> dict[str, object]:
    """A roster row about extra person `index`, valid until a rule is broken in it."""
    values = person_values(extras, index)
    values.update({
        "operador": operador, "programa": programme,
        "fecha_nacimiento": to_date(extras.birth[index]), "sexo": "F" if extras.sex[index] == 0 else "M",
        "grupos": "", "fecha_inscripcion": enrolled, "fecha_egreso": None, "municipio": "68001",
    })
    return values


def registry_person_values(extras: Population, index: int) -> dict[str, object]:
    """A registry row's person columns for extra person `index`: document, names, birth date, sex."""
    return {**person_values(extras, index), "fecha_nacimiento": to_date(extras.birth[index]),
            "sexo": "F" if extras.sex[index] == 0 else "M"}


class ProgrammeDraws:
    """The inbox months (after the first, where there is one) and operators of an added
    programme's invalid operator rows, one extra person each, and those rows valid until a
    rule is broken in them."""

    def __init__(self, rng: np.random.Generator, extras: Population, codes: tuple[str, ...], ops: np.ndarray,
                 timeline: Timeline, programme: str, count: int) -> None:
        later = np.arange(min(timeline.first + 1, timeline.last), timeline.last + 1)
        self.months = rng.choice(later, count)
        self.ops = rng.choice(ops, count)
        self.rng, self.extras, self.codes, self.programme = rng, extras, codes, programme

    def roster(self, index: int) -> dict[str, object]:
        """A roster row about extra person `index`, enrolled in the first 25 days of its month."""
        enrolled = to_date(first_day(int(self.months[index])) + int(self.rng.integers(0, 25)))
        return roster_values(self.extras, index, operador=self.codes[int(self.ops[index])], programme=self.programme,
                             enrolled=enrolled)

    def claim(self, index: int, outcome: str, number: str | None = None) -> dict[str, object]:
        """A claim about extra person `index` (the CC `number` as written, the held one by
        default), dated in the first 20 days of its month, without `soporte`."""
        month = int(self.months[index])
        return {
            "operador": self.codes[int(self.ops[index])], "programa": self.programme, "tipo_documento": "CC",
            "numero_documento": number or str(self.extras.doc_number[index]), "resultado": outcome,
            "fecha_resultado": to_date(first_day(month) + int(self.rng.integers(0, 20))), "soporte": None,
        }

    def add(self, rows: list[InvalidRow], kind: str, index: int, values: dict[str, object], column: str, rule: str,
            why: str) -> None:
        """Append the operator row of extra person `index` to `rows` (see `add_row`)."""
        add_row(rows, kind, int(self.ops[index]), int(self.months[index]), values, column, rule, why)


def add_row(rows: list[InvalidRow], kind: str, op: int, month: int, values: dict[str, object], column: str,
            rule: str, why: str) -> None:
    """Append an invalid row to `rows`: the n-th row is about the n-th extra person."""
    rows.append(InvalidRow(len(rows), kind, op, month, values, column, rule, why, len(rows)))


def build_invalid_rows(rng: np.random.Generator, extras: Population, codes: tuple[str, ...], timeline: Timeline,
                       employers: Employers, pila_month: int, dotted: bool) -> list[InvalidRow]:
    """Nine rows, one per rule, on nine extra people."""
    later = range(min(timeline.first + 1, timeline.last), timeline.last + 1)
    rows: list[InvalidRow] = []

    def roster(month: int, index: int, day: int) -> dict[str, object]:
        return roster_values(extras, index, operador=codes[op_of(index)], programme=PROGRAMME,
                             enrolled=to_date(first_day(month) + day - 1))

    def claim(month: int, index: int) -> dict[str, object]:
        return {
            "operador": codes[op_of(index)], "programa": PROGRAMME, "tipo_documento": "CC",
            "numero_documento": (with_dots if index % 2 else str)(str(extras.doc_number[index])),
            "resultado": "COLOCACION", "fecha_resultado": to_date(first_day(month) + int(rng.integers(0, 20))),
            "soporte": str(employers.nit[int(rng.integers(0, len(employers.nit)))]),
        }

    ops = rng.integers(0, len(codes), 9)
    months = rng.choice(np.array(list(later)), 9)

    def op_of(index: int) -> int:
        return int(ops[index])

    month = int(months[0])
    values = roster(month, 0, int(rng.integers(1, 25)))
    values["tipo_documento"] = "DNI"
    add_row(rows, ROSTERS, op_of(0), month, values, "tipo_documento", "document_type_known",
            "DNI is not a Colombian document type")

    month = int(months[1])
    values = roster(month, 1, int(rng.integers(1, 25)))
    number = str(values["numero_documento"])
    values["numero_documento"] = number[:4] + "A" + number[5:]
    add_row(rows, ROSTERS, op_of(1), month, values, "numero_documento", "document_number_digits_only",
            "a CC number holds digits only; a letter was typed in it")

    month = int(months[2])
    day = int(rng.integers(1, 9))
    values = roster(month, 2, day)
    values["fecha_nacimiento"] = to_date(first_day(month) + day - 1 + int(rng.integers(5, 16)))
    add_row(rows, ROSTERS, op_of(2), month, values, "fecha_inscripcion", "enrolment_date_not_before_birth",
            "the enrolment date is before the birth date")

    month = int(months[3])
    values = claim(month, 3)
    values["fecha_resultado"] = _future(values["fecha_resultado"])
    add_row(rows, CLAIMS, op_of(3), month, values, "fecha_resultado", "outcome_date_not_in_future",
            "the outcome date lies years after the month of the file")

    month = int(months[4])
    values = claim(month, 4)
    values["resultado"] = "CERTIFICACION_B1"
    add_row(rows, CLAIMS, op_of(4), month, values, "resultado", "outcome_belongs_to_programme",
            "CERTIFICACION_B1 is a BILINGUISMO outcome, not an EMPLEO one")

    month = int(months[5])
    values = claim(month, 5)
    values["fecha_resultado"] = None
    add_row(rows, CLAIMS, op_of(5), month, values, "fecha_resultado", "required_value_missing",
            "fecha_resultado is empty")

    # Registry rows, in a CSV extract.
    period = pila_month - 1
    smmlv = int(smmlv_by_year(year_of_month(period)))
    amount = with_dots(str(smmlv)) if dotted else str(smmlv)
    employer = int(rng.integers(0, len(employers.nit)))

    def pila(index: int) -> dict[str, object]:
        values = person_values(extras, index)
        values.update({"periodo": index_month(period), "nit_aportante": str(employers.nit[employer]),
                       "tipo_cotizante": "1", "dias_cotizados": "30", "salario_basico": amount, "ibc": amount,
                       "novedad_ing": None, "fecha_ingreso": None, "novedad_ret": None, "fecha_retiro": None})
        return values

    values = pila(6)
    values["periodo"] = f"{index_month(period)[:4]}-13"
    add_row(rows, PILA, -1, pila_month, values, "periodo", "period_shape", "month 13 does not exist")
    values = pila(7)
    values["dias_cotizados"] = "31"
    add_row(rows, PILA, -1, pila_month, values, "dias_cotizados", "days_contributed_range",
            "PILA days run from 0 to 30")
    values = pila(8)
    good = int(employers.dv[employer])
    values["nit_aportante"] = f"{employers.nit[employer]}-{(good + int(rng.integers(1, 10))) % 10}"
    add_row(rows, PILA, -1, pila_month, values, "nit_aportante", "employer_nit_check_digit",
            "the check digit after the dash is not the NIT's DV")
    return rows


def build_broken_file(rng: np.random.Generator, codes: tuple[str, ...], timeline: Timeline,
                      taken: set[str]) -> BrokenFile:
    """A claims CSV without the `resultado` column: the whole file is unreadable as claims. Its
    three documents are held by nobody and appear nowhere else."""
    month = timeline.first + (timeline.last - timeline.first + 1) // 2
    op = int(rng.integers(0, len(codes)))
    header = ["operador", "programa", "tipo_documento", "numero_documento", "fecha_resultado", "soporte"]
    taken = set(taken)
    rows = [[codes[op], PROGRAMME, "CC", fresh_number(rng, taken), to_date(first_day(month) + 3 * day).isoformat(), ""]
            for day in range(3)]
    path = f"{inbox_folder(month, CLAIMS)}/{codes[op].lower()}_empleo_{index_month(month)}_reenvio.csv"
    return BrokenFile(path, op, month, csv_bytes(header, rows, encoding="utf-8", delimiter=","), len(rows),
                      "resultado", "file_rejected", "the claims file has no resultado column")
