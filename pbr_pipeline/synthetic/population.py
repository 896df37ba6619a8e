"""The synthetic population: documents, names, birth dates, sex and population groups.

Everything is a numpy column indexed by person (0-based); `person_id` is `P` and the 1-based
index, so ids are stable for a seed and say nothing about the person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from schemas.codes import POPULATION_GROUPS

from . import names
from .timeline import Timeline, first_day

DOC_TYPES: tuple[str, ...] = ("CC", "TI", "CE", "PT", "PE")
"""Document types the synthetic people hold (codes of schemas.codes.DOCUMENT_TYPES)."""
CC, TI, CE, PT, PE = range(len(DOC_TYPES))

GROUP_BIT: dict[str, int] = {group: 1 << i for i, group in enumerate(POPULATION_GROUPS)}

ADULT_MONTHS = 18 * 12


@dataclass(frozen=True)
class Population:
    """People as columns. Birth days are kept between 1 and 28 so that adding years to a birth
    date is month arithmetic."""

    id_offset: int
    sex: np.ndarray
    """0 = F, 1 = M."""
    birth: np.ndarray
    """Day number of the birth date."""
    adult: np.ndarray
    """Day number of the 18th birthday: from it a TI holder shows CC with the same number."""
    doc_type: np.ndarray
    """Index into DOC_TYPES of the document held at the start (TI for 17-year-olds)."""
    doc_number: np.ndarray
    """Document number as text (numpy unicode)."""
    given1: np.ndarray
    given2: np.ndarray
    surname1: np.ndarray
    surname2: np.ndarray
    """Name indices into names.GIVEN / names.SURNAMES; -1 where the person has none."""
    groups: np.ndarray
    """Bit mask over POPULATION_GROUPS (GROUP_BIT)."""

    @property
    def size(self) -> int:
        return len(self.sex)

    def person_ids(self, persons: np.ndarray | None = None) -> pl.Series:
        index = np.arange(self.size) if persons is None else np.asarray(persons)
        number = pl.Series(index + 1 + self.id_offset, dtype=pl.Int64).cast(pl.String).str.zfill(7)
        return pl.select(pl.lit("P") + number).to_series().alias("person_id")

    def doc_type_at(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Document type a person shows on a day: a TI holder shows CC from the 18th birthday."""
        held = self.doc_type[persons]
        return np.where((held == TI) & (days >= self.adult[persons]), CC, held)

    def groups_text(self, persons: np.ndarray | None = None) -> pl.Series:
        """`MIGRANTE|VICTIMA` style text, empty when the person belongs to no group."""
        bits = self.groups if persons is None else self.groups[persons]
        parts = [
            pl.when(pl.Series((bits & bit) > 0)).then(pl.lit(group)).otherwise(None)
            for group, bit in GROUP_BIT.items()
        ]
        return pl.select(pl.concat_str(parts, separator="|", ignore_nulls=True)).to_series().fill_null("")


def build_population(rng: np.random.Generator, size: int, timeline: Timeline, *, id_offset: int = 0,
                     taken: np.ndarray | None = None, only_cc: bool = False) -> Population:
    """Draw `size` people aged 17-60 at the first inbox month (adults holding a CC when
    `only_cc`); document numbers are unique and avoid the numbers in `taken`."""
    sex = (rng.random(size) >= 0.52).astype(np.uint8)
    # Job seekers are young: a few 17-year-olds (TI), most 18-40.
    band = rng.choice(4, size=size, p=[0.0, 0.5, 0.3, 0.2] if only_cc else [0.04, 0.46, 0.30, 0.20])
    low = np.array([17, 18, 29, 41])[band]
    high = np.array([17, 28, 40, 60])[band]
    age = rng.integers(low, high + 1)
    birth_month = timeline.first - age * 12 - rng.integers(0, 12, size)
    day = rng.integers(1, 29, size)
    birth = first_day(birth_month) + day - 1
    adult = first_day(birth_month + ADULT_MONTHS) + day - 1

    draw = rng.random(size)
    doc_type = np.select([age == 17, draw < 0.08, draw < 0.095, draw < 0.11], [TI, PT, PE, CE], CC).astype(np.uint8)
    if only_cc:
        doc_type[:] = CC
    birth_year = 1970 + birth_month // 12
    numbers = _unique_numbers(rng, doc_type, sex, birth_year, taken)

    female = sex == 0
    given1 = np.where(
        female,
        rng.choice(np.arange(*names.FEMALE_RANGE), size=size, p=names.FEMALE_WEIGHTS),
        rng.choice(np.arange(*names.MALE_RANGE), size=size, p=names.MALE_WEIGHTS),
    )
    given2 = np.where(
        female,
        rng.choice(np.arange(*names.FEMALE_RANGE), size=size, p=names.FEMALE_WEIGHTS),
        rng.choice(np.arange(*names.MALE_RANGE), size=size, p=names.MALE_WEIGHTS),
    )
    # Nobody is called JUAN JUAN: a repeated name moves to its neighbour in the same table.
    upper = np.where(female, names.FEMALE_RANGE[1], names.MALE_RANGE[1])
    lower = np.where(female, names.FEMALE_RANGE[0], names.MALE_RANGE[0])
    given2 = np.where(given2 == given1, np.where(given2 + 1 < upper, given2 + 1, lower), given2)
    given2 = np.where(rng.random(size) < 0.7, given2, -1)
    surname1 = rng.choice(len(names.SURNAMES), size=size, p=names.SURNAME_WEIGHTS)
    surname2 = rng.choice(len(names.SURNAMES), size=size, p=names.SURNAME_WEIGHTS)
    surname2 = np.where(rng.random(size) < 0.97, surname2, -1)

    groups = np.zeros(size, dtype=np.uint8)
    migrant = (doc_type == PT) | (doc_type == PE) | ((doc_type == CE) & (rng.random(size) < 0.5))
    groups |= np.where(migrant, GROUP_BIT["MIGRANTE"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < 0.03, GROUP_BIT["DISCAPACIDAD"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < 0.10, GROUP_BIT["VICTIMA"], 0).astype(np.uint8)
    head = female & (age >= 20) & (rng.random(size) < 0.20)
    groups |= np.where(head, GROUP_BIT["MADRE_CABEZA_HOGAR"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < 0.04, GROUP_BIT["ETNICO"], 0).astype(np.uint8)

    return Population(
        id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type,
        doc_number=numbers.astype(str), given1=given1.astype(np.int32), given2=given2.astype(np.int32),
        surname1=surname1.astype(np.int32), surname2=surname2.astype(np.int32), groups=groups,
    )


def _draw_numbers(rng: np.random.Generator, doc_type: np.ndarray, sex: np.ndarray,
                  birth_year: np.ndarray) -> np.ndarray:
    """Numbers of realistic length: old cédulas have 8 digits (Santander series 63... for women,
    91... for men), cédulas issued since the late 1990s and TI carry the 10-digit NUIP, CE 6-7
    digits, PT 7 digits, PE 15 digits."""
    size = len(doc_type)
    old_cc = np.where(sex == 0, rng.integers(63_000_000, 64_000_000, size), rng.integers(91_000_000, 92_000_000, size))
    nuip = rng.integers(1_095_000_000, 1_103_000_000, size)
    return np.select(
        [(doc_type == CC) & (birth_year <= 1987), (doc_type == CC) | (doc_type == TI), doc_type == CE, doc_type == PT],
        [old_cc, nuip, rng.integers(100_000, 10_000_000, size), rng.integers(1_000_000, 7_000_000, size)],
        rng.integers(900_000_000_000_000, 1_000_000_000_000_000, size),
    )


def _unique_numbers(rng, doc_type, sex, birth_year, taken) -> np.ndarray:
    """Draw numbers and redraw the repeated ones until every number is new. Numbers are unique
    across types too, so a typo or a fabricated number can be checked against one set."""
    numbers = _draw_numbers(rng, doc_type, sex, birth_year)
    taken = np.zeros(0, dtype=np.int64) if taken is None else np.asarray(taken, dtype=np.int64)
    while True:
        repeated = np.ones(len(numbers), dtype=bool)
        repeated[np.unique(numbers, return_index=True)[1]] = False
        repeated |= np.isin(numbers, taken)
        if not repeated.any():
            return numbers
        numbers[repeated] = _draw_numbers(rng, doc_type[repeated], sex[repeated], birth_year[repeated])
