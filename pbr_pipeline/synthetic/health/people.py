"""The people of the two health programmes, and who enrols them when.

Four kinds of people, each drawn with new document numbers (nobody in the other programmes
holds them):
- MOTHER: pregnant women (15-42; a 15-17-year-old holds a TI), among them Venezuelan migrants
  with a PT or a PEP (special permit) or a CE;
- MAN: men an operator enrols in SALUD_MATERNA by mistake (the programme is for women);
- CASE: people with HIV or tuberculosis, adults of both sexes;
- BACKGROUND: people who appear only in RIPS (nobody enrols them): the city's other patients.

Operators of SALUD_MATERNA enrol most mothers and every man; operators of
SALUD_TRANSMISIBLES most cases. A cohort enrolled before the first inbox month (under the
earlier agreement the city took over) is listed in the first roster, so that a small data set
holds enrolments whose windows close within it (nine months for prenatal controls, twelve for
a diagnosis).
"""

from __future__ import annotations

import numpy as np

from ..operators import Enrolments, ExtraEnrolments, choose_enrolled, enrol_again, enrolments_in
from ..operators import exit_listings as _exit_listings
from ..population import (CC, CE, PE, PT, TI, Population, draw_birth_days, draw_groups, draw_migrants, draw_names,
                          new_population, unique_numbers)
from ..population import renew_peps as _renew_peps
from ..timeline import Timeline

MOTHER, MAN, CASE, BACKGROUND = range(4)
KIND_NAMES: tuple[str, ...] = ("SALUD_MATERNA", "SALUD_MATERNA", "SALUD_TRANSMISIBLES", "SALUD_RIPS_ONLY")
"""`kind` in people.csv: the programme a person belongs to, or RIPS only."""

MATERNA, TRANSMISIBLES = range(2)
PROGRAMMES: tuple[str, ...] = ("SALUD_MATERNA", "SALUD_TRANSMISIBLES")
OUTCOMES: tuple[str, ...] = ("CONTROLES_PRENATALES", "CASO_ADHERENTE")

MAN_SHARE = 0.03
"""Men per mother, at least one: enrolled in SALUD_MATERNA by mistake."""
ENROLLED_SHARE = 0.85
"""Mothers and cases some operator enrols; the others appear only in RIPS or in a claim."""
CARRIED_SHARE = 0.2
"""Enrolments dated 2-12 months before the first inbox month, listed in the first roster."""


def build_people(rng: np.random.Generator, counts: tuple[int, int, int, int], timeline: Timeline, *,
                 id_offset: int, taken: np.ndarray) -> tuple[Population, np.ndarray]:
    """`counts` people of each kind (MOTHER, MAN, CASE, BACKGROUND), in that order, and the kind
    of each; numbers avoid `taken`."""
    kind = np.repeat(np.arange(4), counts)
    size = len(kind)
    mother, man, case = kind == MOTHER, kind == MAN, kind == CASE
    sex = np.select([mother, man, case], [0, 1, rng.random(size) < 0.65], rng.random(size) < 0.48).astype(np.uint8)
    age = np.select(
        [mother, man, case],
        [np.where(rng.random(size) < 0.08, rng.integers(15, 18, size), rng.integers(18, 43, size)),
         rng.integers(20, 46, size), rng.integers(18, 66, size)],
        rng.integers(16, 80, size),
    )
    birth_month, birth, adult = draw_birth_days(rng, age, timeline)
    draw = rng.random(size)
    migrant_pt, migrant_pe = np.where(mother, 0.10, 0.06), np.where(mother, 0.05, 0.03)
    doc_type = np.select(
        [age < 18, draw < migrant_pt, draw < migrant_pt + migrant_pe, draw < migrant_pt + migrant_pe + 0.01],
        [TI, PT, PE, CE], CC).astype(np.uint8)
    numbers = unique_numbers(rng, doc_type, sex, 1970 + birth_month // 12, taken)
    names = draw_names(rng, sex)
    groups = draw_groups(rng, migrant=draw_migrants(rng, doc_type), disability=0.02, victim=0.10,
                         head_candidates=(sex == 0) & (age >= 18), head_share=np.where(mother, 0.25, 0.12), ethnic=0.04)
    population = new_population(id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type,
                                numbers=numbers, names=names, groups=groups)
    return population, kind


def build_enrolments(rng: np.random.Generator, size: int, members: np.ndarray, always: np.ndarray, ops: np.ndarray,
                     codes: tuple[str, ...], timeline: Timeline) -> Enrolments:
    """First enrolment (the owner's) in one programme of `members` (population indices): most
    of them, and every one of `always`. New enrolments thin out month by month; a carried-over
    cohort is dated 2-12 months before the first inbox month (a few of them 10-12, so that
    twelve-month windows close within eight inbox months)."""
    wanted = max(1, round(len(members) * ENROLLED_SHARE))
    local, op = choose_enrolled(rng, len(members), wanted, ops)
    chosen = np.union1d(members[local], always)
    op_of = dict(zip(members[local].tolist(), op.tolist()))
    person = np.sort(chosen)
    op = np.array([op_of.get(p, int(rng.choice(ops))) for p in person.tolist()], dtype=np.int64)
    count = len(person)
    carried = rng.random(count) < CARRIED_SHARE
    span = timeline.last - timeline.first + 2
    decay = 0.8 ** np.arange(span)
    month = timeline.first - 1 + rng.choice(span, size=count, p=decay / decay.sum())
    old = rng.integers(timeline.first - 9, timeline.first - 1, count)
    oldest = np.flatnonzero(carried)[: max(2, count // 25)]
    old[oldest] = rng.integers(timeline.first - 12, timeline.first - 9, len(oldest))
    month = np.where(carried, old, month)
    return enrolments_in(rng, size, codes, person, op, month, timeline)


def exit_listings(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline,
                  days: tuple[int, int]) -> ExtraEnrolments:
    """About a quarter are listed again with `fecha_egreso` when they leave the programme."""
    return _exit_listings(rng, enrolments, timeline, days=days)


def second_enrolments(rng: np.random.Generator, enrolments: Enrolments, ops: np.ndarray, timeline: Timeline,
                      claimable: np.ndarray) -> tuple[ExtraEnrolments, np.ndarray]:
    """People a second operator of the programme enrols 10-60 days after the first (none with a
    single operator); half among `claimable`, for the second operator to claim."""
    return enrol_again(rng, enrolments, ops, claimable, timeline,
                       lambda rows, for_claim: enrolments.date[rows] + rng.integers(10, 61, len(rows)))


def renew_peps(rng: np.random.Generator, population: Population, rate: float, listed_until: np.ndarray,
               window: tuple[int, int], taken: np.ndarray) -> Population:
    """Replace the PEP of a share `rate` of PEP holders by a PT with a new number: an enrolled
    person 20-120 days after the last roster listing (rosters keep the PEP; RIPS and later
    claims show the PT), anyone else on a day of `window`."""
    return _renew_peps(rng, population, rate, listed_until, window, taken, days_after_listing=(20, 120))
