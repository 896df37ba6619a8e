"""The synthetic population: documents, names, birth dates, sex and population groups.

Everything is a numpy column indexed by person (0-based); `person_id` is `P` and the 1-based
index, so ids are stable for a seed and say nothing about the person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
NEVER = np.iinfo(np.int64).max
"""`renewal` of a person whose document never changes number."""


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
    renewal: np.ndarray
    """Day number from which a PEP holder shows a PT with `new_number` instead (NEVER for
    everyone else)."""
    new_number: np.ndarray
    """The PT number of a renewed PEP holder, "" for everyone else."""

    @property
    def size(self) -> int:
        return len(self.sex)

    def person_ids(self, persons: np.ndarray | None = None) -> pl.Series:
        index = np.arange(self.size) if persons is None else np.asarray(persons)
        number = pl.Series(index + 1 + self.id_offset, dtype=pl.Int64).cast(pl.String).str.zfill(7)
        return pl.select(pl.lit("P") + number).to_series().alias("person_id")

    def doc_type_at(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Document type a person shows on a day: a TI holder shows CC from the 18th birthday;
        a renewed PEP holder shows PT from the renewal."""
        held = self.doc_type[persons]
        shown = np.where((held == TI) & (days >= self.adult[persons]), CC, held)
        return np.where(days >= self.renewal[persons], PT, shown)

    def document_at(self, persons: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(type index, number) a person shows on a day."""
        persons = np.asarray(persons, dtype=np.int64)
        days = np.broadcast_to(np.asarray(days, dtype=np.int64), persons.shape)
        renewed = days >= self.renewal[persons]
        return self.doc_type_at(persons, days), np.where(renewed, self.new_number[persons], self.doc_number[persons])

    def shown_variant(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """0 where a person shows the document held at the start, 1 where the later one (the
        CC of a TI holder, the PT of a renewed PEP holder)."""
        persons = np.asarray(persons, dtype=np.int64)
        return (self.doc_type_at(persons, days) != self.doc_type[persons]).astype(np.int64)

    def documents(self, persons: np.ndarray | None = None) -> list[list[tuple[str, str]]]:
        """Every (type, number) each person shows at some time, the held one first."""
        index = np.arange(self.size) if persons is None else np.asarray(persons)
        result = []
        for person in index.tolist():
            kind, number = DOC_TYPES[int(self.doc_type[person])], str(self.doc_number[person])
            shown = [(kind, number)]
            if kind == "TI":
                shown.append(("CC", number))
            if self.renewal[person] != NEVER:
                shown.append(("PT", str(self.new_number[person])))
            result.append(shown)
        return result

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
    birth_month, birth, adult = draw_birth_days(rng, age, timeline)

    draw = rng.random(size)
    doc_type = np.select([age == 17, draw < 0.08, draw < 0.095, draw < 0.11], [TI, PT, PE, CE], CC).astype(np.uint8)
    if only_cc:
        doc_type[:] = CC
    birth_year = 1970 + birth_month // 12
    numbers = unique_numbers(rng, doc_type, sex, birth_year, taken)

    female = sex == 0
    names = draw_names(rng, sex)
    groups = draw_groups(rng, migrant=draw_migrants(rng, doc_type), disability=0.03, victim=0.10,
                         head_candidates=female & (age >= 20), head_share=0.20, ethnic=0.04)
    return new_population(id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type, numbers=numbers,
                          names=names, groups=groups)


def draw_adults(rng: np.random.Generator, sex: np.ndarray, timeline: Timeline, *, age: tuple[float, float, int, int],
                pt: float, ce: float, id_offset: int, taken: np.ndarray, disability: float, victim: float,
                head_share: float, ethnic: float) -> Population:
    """Adults of `sex` (drawn by the caller), their age normal (`age`: mean, deviation, lowest,
    highest) at the first inbox month; a share `pt` hold a PT, `ce` a CE, the others a CC, with
    unique numbers avoiding `taken`; groups drawn with the given shares (MADRE_CABEZA_HOGAR among
    the women of 20 or more)."""
    size = len(sex)
    mean, deviation, lowest, highest = age
    years = np.clip(np.round(rng.normal(mean, deviation, size)), lowest, highest).astype(np.int64)
    birth_month, birth, adult = draw_birth_days(rng, years, timeline)
    draw = rng.random(size)
    doc_type = np.select([draw < pt, draw < pt + ce], [PT, CE], CC).astype(np.uint8)
    numbers = unique_numbers(rng, doc_type, sex, 1970 + birth_month // 12, taken)
    names = draw_names(rng, sex)
    groups = draw_groups(rng, migrant=draw_migrants(rng, doc_type), disability=disability, victim=victim,
                         head_candidates=(sex == 0) & (years >= 20), head_share=head_share, ethnic=ethnic)
    return new_population(id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type,
                          numbers=numbers, names=names, groups=groups)


def draw_birth_days(rng: np.random.Generator, age: np.ndarray,
                    timeline: Timeline) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(birth month, birth day, 18th birthday) of people `age` years old (and 0-11 months) at the
    first inbox month. Days of month are 1-28, so adding years is month arithmetic."""
    size = len(age)
    birth_month = timeline.first - age * 12 - rng.integers(0, 12, size)
    day = rng.integers(1, 29, size)
    birth = first_day(birth_month) + day - 1
    adult = first_day(birth_month + ADULT_MONTHS) + day - 1
    return birth_month, birth, adult


def draw_migrants(rng: np.random.Generator, doc_type: np.ndarray) -> np.ndarray:
    """Who is a migrant: every PT and PEP holder and about half the CE holders."""
    return (doc_type == PT) | (doc_type == PE) | ((doc_type == CE) & (rng.random(len(doc_type)) < 0.5))


def draw_groups(rng: np.random.Generator, *, migrant: np.ndarray | None, disability: float, victim: float,
                head_candidates: np.ndarray, head_share: float | np.ndarray, ethnic: float) -> np.ndarray:
    """Population groups as a GROUP_BIT mask: MIGRANTE where `migrant` (None: nobody), DISCAPACIDAD,
    VICTIMA and ETNICO for the given shares of everyone, MADRE_CABEZA_HOGAR for `head_share` of
    `head_candidates`. Draws in that order."""
    size = len(head_candidates)
    groups = np.zeros(size, dtype=np.uint8)
    if migrant is not None:
        groups |= np.where(migrant, GROUP_BIT["MIGRANTE"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < disability, GROUP_BIT["DISCAPACIDAD"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < victim, GROUP_BIT["VICTIMA"], 0).astype(np.uint8)
    head = head_candidates & (rng.random(size) < head_share)
    groups |= np.where(head, GROUP_BIT["MADRE_CABEZA_HOGAR"], 0).astype(np.uint8)
    groups |= np.where(rng.random(size) < ethnic, GROUP_BIT["ETNICO"], 0).astype(np.uint8)
    return groups


def new_population(*, id_offset: int, sex: np.ndarray, birth: np.ndarray, adult: np.ndarray, doc_type: np.ndarray,
                   numbers: np.ndarray, names: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                   groups: np.ndarray) -> Population:
    """People as drawn, none with a renewed document yet: `numbers` as `unique_numbers` draws
    them, `names` as `draw_names` does."""
    given1, given2, surname1, surname2 = names
    text = numbers.astype(str)
    return Population(
        id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type, doc_number=text,
        given1=given1.astype(np.int32), given2=given2.astype(np.int32), surname1=surname1.astype(np.int32),
        surname2=surname2.astype(np.int32), groups=groups, renewal=np.full(len(sex), NEVER, dtype=np.int64),
        new_number=np.full(len(sex), "", dtype=text.dtype),
    )


def draw_names(rng: np.random.Generator, sex: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two given names (the second for 70%) and two surnames (the second for 97%) per person,
    as indices into names.GIVEN and names.SURNAMES (-1 for none)."""
    size = len(sex)
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
    return given1, given2, surname1, surname2


def renew_peps(rng: np.random.Generator, population: Population, rate: float, listed_until: np.ndarray,
               window: tuple[int, int], taken: np.ndarray, days_after_listing: tuple[int, int] = (1, 90)) -> Population:
    """Replace the PEP of a share of PEP holders by a PT with a new number.

    `listed_until` is, per person, the day of the latest `fecha_inscripcion` any roster gives
    the person (-1 for people nobody enrols): an enrolled person's PEP is replaced a number of
    days in `days_after_listing` (first and last) after it, so every roster keeps the PEP while
    the registry and later claims show the PT. Others change on a day in `window` (first and
    last day numbers)."""
    from .noise import pick

    peps = population.doc_type == PE
    enrolled = listed_until >= 0
    chosen = pick(rng, peps & enrolled, rate) | pick(rng, peps & ~enrolled, rate)
    index = np.flatnonzero(chosen)
    if not len(index):
        return population
    soonest, latest = days_after_listing
    day = np.where(enrolled[index], listed_until[index] + rng.integers(soonest, latest + 1, len(index)),
                   rng.integers(window[0], window[1] + 1, len(index)))
    numbers = unique_numbers(rng, np.full(len(index), PT, dtype=np.uint8), population.sex[index],
                              np.zeros(len(index), dtype=np.int64), np.asarray(taken, dtype=np.int64))
    renewal = population.renewal.copy()
    renewal[index] = day
    new_number = population.new_number.copy()
    new_number[index] = numbers.astype(str)
    return replace(population, renewal=renewal, new_number=new_number)


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


def unique_numbers(rng, doc_type, sex, birth_year, taken) -> np.ndarray:
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
