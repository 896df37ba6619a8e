"""Enrolment rosters (`inscripciones`) as operators write them.

Each row is a listing: a new enrolment, a second operator's enrolment, or a person listed
again with `fecha_egreso`. Rows carry the defects of hand-typed rosters at the rates of a
`Noise` level: swapped surnames, a missing second name, accents dropped, lower or mixed case,
a mistyped document number or a wrong document type, a birth date off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import names
from .claims import PROGRAMME, with_dots
from .layout import ROSTERS, Layout
from .noise import (ACCENTS_DROPPED, CASE_CHANGED, MISSING_SECOND_GIVEN, MISSING_SECOND_SURNAME, SWAPPED_SURNAMES,
                    TYPO, WRONG_TYPE, Noise, at_least_one, labels, mistype, pick, shift_birth_dates, wrong_type)
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

    def listed(self, codes: tuple[str, ...]) -> pl.DataFrame:
        """Who each row lists (`person`), by which operator (`code`) and when (`date`)."""
        return pl.DataFrame({"person": self.person, "code": np.array(codes)[self.op], "date": self.date})


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
                   codes: tuple[str, ...], *, noise: Noise, noise_rng: np.random.Generator,
                   taken: set[str], programme: str = PROGRAMME) -> pl.DataFrame:
    """One frame of every roster row as written: text cells, dates as dates (each file formats
    them its own way), plus `path`, `order` (position key inside the file) and `noise` (the
    labels of the noise on the row). `rng` draws what rosters always had, `noise_rng` the
    noise kinds added later, so a level's rates leave the other draws alone; mistyped numbers
    avoid `taken` and join it."""
    size = roster.size
    person = roster.person
    files = [layout.operator_file(ROSTERS, op, month)
             for op, month in zip(roster.op.tolist(), roster.received.tolist())]
    file_case = np.array([file.name_case for file in files], dtype=np.int64)
    sex_words = np.array([file.sex_words for file in files], dtype=bool)

    has_given2, has_surname2 = population.given2[person] >= 0, population.surname2[person] >= 0
    everyone = np.ones(size, dtype=bool)
    recased = at_least_one(noise_rng, rng.random(size) < noise.roster_case_changed, everyone,
                           noise.roster_case_changed)
    case = np.where(recased, rng.integers(0, 3, size), file_case)
    strip = at_least_one(noise_rng, rng.random(size) < noise.roster_accents_dropped, everyone,
                         noise.roster_accents_dropped)
    swap = at_least_one(noise_rng, rng.random(size) < noise.roster_swapped_surnames, has_surname2,
                        noise.roster_swapped_surnames) & has_surname2
    drop = at_least_one(noise_rng, rng.random(size) < noise.roster_missing_second_given, has_given2,
                        noise.roster_missing_second_given)
    variant = names.variant(case, strip)
    given = names.spellings(names.GIVEN)
    surnames = names.spellings(names.SURNAMES)
    first_surname = np.where(swap, population.surname2[person], population.surname1[person])
    second_surname = np.where(swap, population.surname1[person], population.surname2[person])

    shown_type, shown_number = population.document_at(person, roster.date)
    doc_type = np.array(DOC_TYPES)[shown_type].astype(object)
    doc_type[(doc_type == DOC_TYPES[PT]) & (rng.random(size) < 0.3)] = "PPT"
    doc_number = shown_number.astype(object)
    dotted = np.flatnonzero((rng.random(size) < 0.02) & (np.char.str_len(shown_number) >= 7))

    # The noise kinds added with linkage, from their own stream.
    typo = pick(noise_rng, everyone, noise.roster_typo)
    for index in np.flatnonzero(typo).tolist():
        doc_number[index] = mistype(noise_rng, doc_number[index], taken)
    retyped = pick(noise_rng, ~typo, noise.roster_wrong_type)
    for index in np.flatnonzero(retyped).tolist():
        doc_type[index] = wrong_type(noise_rng, DOC_TYPES[shown_type[index]])
    no_surname2 = pick(noise_rng, has_surname2, noise.roster_missing_second_surname)
    second_surname = np.where(no_surname2, -1, second_surname)
    birth, birth_labels = shift_birth_dates(noise_rng, population.birth[person],
                                            pick(noise_rng, everyone, noise.roster_birth_date_shifted))

    for index in dotted.tolist():
        doc_number[index] = with_dots(doc_number[index])
    sex = np.where(population.sex[person] == 0, np.where(sex_words, "MUJER", "F"), np.where(sex_words, "HOMBRE", "M"))
    draw = rng.random(size)
    municipio = np.where(draw < 0.8, "68001", np.where(draw < 0.95, "", METRO[rng.integers(0, len(METRO), size)]))

    # Rosters run in date order; people listed again with their exit come at the end.
    span = (last_day(roster.received) - first_day(roster.received - 1) + 1).astype(float)
    order = np.where(roster.kind == EXIT, 2.0 + rng.random(size),
                     (roster.date - first_day(roster.received - 1)) / span + rng.random(size) * 1e-3)

    given2 = np.where(drop, -1, population.given2[person])
    flags = {
        TYPO: typo, WRONG_TYPE: retyped,
        SWAPPED_SURNAMES: names.visibly_swapped(swap, population.surname1[person], population.surname2[person], strip),
        MISSING_SECOND_GIVEN: drop & has_given2,
        MISSING_SECOND_SURNAME: no_surname2,
        ACCENTS_DROPPED: strip & names.any_accented(population.given1[person], given2, first_surname, second_surname),
        CASE_CHANGED: case != file_case,
    }
    return pl.DataFrame({
        "path": [file.path for file in files],
        "order": order,
        "operador": np.array(codes)[roster.op],
        "programa": programme,
        "tipo_documento": pl.Series(doc_type, dtype=pl.String),
        "numero_documento": pl.Series(doc_number, dtype=pl.String),
        "primer_nombre": names.spell(given, len(names.GIVEN), population.given1[person], variant),
        "segundo_nombre": names.spell(given, len(names.GIVEN), given2, variant),
        "primer_apellido": names.spell(surnames, len(names.SURNAMES), first_surname, variant),
        "segundo_apellido": names.spell(surnames, len(names.SURNAMES), second_surname, variant),
        "fecha_nacimiento": date_series(birth, optional=False),
        "sexo": sex,
        "grupos": population.groups_text(person),
        "fecha_inscripcion": date_series(roster.date),
        "fecha_egreso": date_series(roster.exit),
        "municipio": municipio,
        "noise": labels(flags, size, birth_labels),
    })
