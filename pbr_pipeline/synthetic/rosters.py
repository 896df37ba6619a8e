"""Enrolment rosters (`inscripciones`) as operators write them.

Each row is a listing: a new enrolment, a second operator's enrolment, or a person listed
again with `fecha_egreso`. Names carry the defects of hand-typed rosters: swapped surnames,
a missing second name, accents dropped, lower or mixed case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import names
from .claims import PROGRAMME, with_dots
from .layout import ROSTERS, Layout
from .operators import Enrolments, ExtraEnrolments
from .population import DOC_TYPES, PT, Population
from .timeline import date_series, first_day, last_day

NEW, SECOND, EXIT = range(3)

ROSTER_COLUMNS: tuple[str, ...] = (
    "operador", "programa", "tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre",
    "primer_apellido", "segundo_apellido", "fecha_nacimiento", "sexo", "grupos", "fecha_inscripcion",
    "fecha_egreso", "municipio",
)
METRO = np.array(["68276", "68307", "68547"])
"""Floridablanca, Girón, Piedecuesta: neighbours of Bucaramanga that sometimes appear."""


@dataclass(frozen=True)
class Roster:
    """Roster rows as columns."""

    person: np.ndarray
    op: np.ndarray
    date: np.ndarray
    """`fecha_inscripcion`."""
    exit: np.ndarray
    """`fecha_egreso` or -1."""
    received: np.ndarray
    kind: np.ndarray

    @property
    def size(self) -> int:
        return len(self.person)


def build_roster(enrolments: Enrolments, exits: ExtraEnrolments, seconds: ExtraEnrolments) -> Roster:
    """Every listing: first enrolments, second operators' enrolments, exits."""
    first = ExtraEnrolments(enrolments.person, enrolments.op, enrolments.date,
                            np.full(len(enrolments.person), -1), enrolments.received)
    parts = ((first, NEW), (seconds, SECOND), (exits, EXIT))

    def column(name: str) -> np.ndarray:
        return np.concatenate([np.asarray(getattr(part, name), dtype=np.int64) for part, _ in parts])

    kind = np.concatenate([np.full(len(part.person), kind) for part, kind in parts])
    return Roster(column("person"), column("op"), column("date"), column("exit"), column("received"), kind)


def written_roster(rng: np.random.Generator, roster: Roster, population: Population, layout: Layout,
                   codes: tuple[str, ...]) -> pl.DataFrame:
    """One frame of every roster row as written: text cells, dates as dates (each file formats
    them its own way), plus `path` and `order` (position key inside the file)."""
    size = roster.size
    person = roster.person
    files = [layout.operator_file(ROSTERS, op, month)
             for op, month in zip(roster.op.tolist(), roster.received.tolist())]
    file_case = np.array([file.name_case for file in files], dtype=np.int64)
    sex_words = np.array([file.sex_words for file in files], dtype=bool)

    case = np.where(rng.random(size) < 0.05, rng.integers(0, 3, size), file_case)
    strip = rng.random(size) < 0.15
    swap = (rng.random(size) < 0.05) & (population.surname2[person] >= 0)
    drop = rng.random(size) < 0.08
    variant = names.variant(case, strip)
    given = names.spellings(names.GIVEN)
    surnames = names.spellings(names.SURNAMES)
    first_surname = np.where(swap, population.surname2[person], population.surname1[person])
    second_surname = np.where(swap, population.surname1[person], population.surname2[person])

    doc_type = np.array(DOC_TYPES)[population.doc_type_at(person, roster.date)].astype(object)
    doc_type[(doc_type == DOC_TYPES[PT]) & (rng.random(size) < 0.3)] = "PPT"
    doc_number = population.doc_number[person].astype(object)
    dotted = np.flatnonzero((rng.random(size) < 0.02) & (np.char.str_len(population.doc_number[person]) >= 7))
    for index in dotted.tolist():
        doc_number[index] = with_dots(doc_number[index])
    sex = np.where(population.sex[person] == 0, np.where(sex_words, "MUJER", "F"), np.where(sex_words, "HOMBRE", "M"))
    draw = rng.random(size)
    municipio = np.where(draw < 0.8, "68001", np.where(draw < 0.95, "", METRO[rng.integers(0, len(METRO), size)]))

    # Rosters run in date order; people listed again with their exit come at the end.
    span = (last_day(roster.received) - first_day(roster.received - 1) + 1).astype(float)
    order = np.where(roster.kind == EXIT, 2.0 + rng.random(size),
                     (roster.date - first_day(roster.received - 1)) / span + rng.random(size) * 1e-3)

    return pl.DataFrame({
        "path": [file.path for file in files],
        "order": order,
        "operador": np.array(codes)[roster.op],
        "programa": PROGRAMME,
        "tipo_documento": pl.Series(doc_type, dtype=pl.String),
        "numero_documento": pl.Series(doc_number, dtype=pl.String),
        "primer_nombre": names.spell(given, len(names.GIVEN), population.given1[person], variant),
        "segundo_nombre": names.spell(given, len(names.GIVEN), np.where(drop, -1, population.given2[person]), variant),
        "primer_apellido": names.spell(surnames, len(names.SURNAMES), first_surname, variant),
        "segundo_apellido": names.spell(surnames, len(names.SURNAMES), second_surname, variant),
        "fecha_nacimiento": date_series(population.birth[person], optional=False),
        "sexo": sex,
        "grupos": population.groups_text(person),
        "fecha_inscripcion": date_series(roster.date),
        "fecha_egreso": date_series(roster.exit),
        "municipio": municipio,
    })
