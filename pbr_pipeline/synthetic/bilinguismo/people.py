"""Teachers and students of the English programme, and who enrols them when.

Teachers are adults with a CC. Students are mostly minors of 14-17 holding a TI (the few who
turn 18 during the course show a CC with the same number from their birthday on, as every
TI holder does) and some adult students with a CC. Every document number is new: it avoids
the numbers of the employment world, so the two programmes never share a person by accident.

Operators enrol most of these people. A cohort enrolled before the first inbox month (under
the earlier agreement the city took over) is listed in the first roster, so a small data set
already holds enrolments whose 12-month certification window closes within it.
"""

from __future__ import annotations

import numpy as np

from .. import operators
from ..operators import Enrolments, ExtraEnrolments, choose_enrolled, enrol_again, enrolments_in
from ..population import CC, TI, Population, draw_birth_days, draw_groups, draw_names, new_population, unique_numbers
from ..timeline import Timeline

DOCENTE, ESTUDIANTE = 0, 1
ROLES: tuple[str, ...] = ("DOCENTE", "ESTUDIANTE")
"""`rol` of a roster row, by the role index."""

TEACHER_SHARE = 0.12
"""The Plan targets 1,280 teachers and 12,800 students; a few more teachers than that ratio so
that a small data set has some."""
MINOR_SHARE = 0.8
"""Students aged 14-17 (TI); the others are adult students of 18-24 (CC)."""
ENROLLED_SHARE = 0.85
"""People some operator enrols; the others appear only in the exam registry or in a claim."""
CARRIED_SHARE = 0.18
"""Enrolments dated 2-9 months before the first inbox month, listed in the first roster."""
CARRIED_OLDEST = 6
"""Carried-over enrolments placed 6-9 months before the first inbox month, so that windows
that close (E + 12 months) are passed within 8 inbox months."""


def build_people(rng: np.random.Generator, size: int, timeline: Timeline, *, id_offset: int,
                 taken: np.ndarray) -> tuple[Population, np.ndarray]:
    """`size` people and their role (DOCENTE or ESTUDIANTE index); numbers avoid `taken`."""
    teacher = rng.random(size) < TEACHER_SHARE
    role = np.where(teacher, DOCENTE, ESTUDIANTE)
    # Most teachers are women.
    sex = np.where(teacher, rng.random(size) >= 0.65, rng.random(size) >= 0.5).astype(np.uint8)
    minor = ~teacher & (rng.random(size) < MINOR_SHARE)
    age = np.select([teacher, minor], [rng.integers(24, 61, size), rng.integers(14, 18, size)],
                    rng.integers(18, 25, size))
    birth_month, birth, adult = draw_birth_days(rng, age, timeline)
    doc_type = np.where(minor, TI, CC).astype(np.uint8)
    numbers = unique_numbers(rng, doc_type, sex, 1970 + birth_month // 12, taken)
    names = draw_names(rng, sex)
    groups = draw_groups(rng, migrant=None, disability=0.02, victim=0.08, head_candidates=teacher & (sex == 0),
                         head_share=0.15, ethnic=0.05)
    population = new_population(id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type,
                                numbers=numbers, names=names, groups=groups)
    return population, role


def build_enrolments(rng: np.random.Generator, size: int, ops: np.ndarray, codes: tuple[str, ...],
                     timeline: Timeline) -> Enrolments:
    """First enrolment (the owner's) of the enrolled people. `ops` are the programme's operator
    indices into `codes`. New enrolments thin out month by month (a course fills up early)."""
    count = round(size * ENROLLED_SHARE)
    person, op = choose_enrolled(rng, size, count, ops)
    carried = rng.random(count) < CARRIED_SHARE
    span = timeline.last - timeline.first + 2
    decay = 0.75 ** np.arange(span)
    month = timeline.first - 1 + rng.choice(span, size=count, p=decay / decay.sum())
    old = rng.integers(timeline.first - 9, timeline.first - 1, count)
    oldest = np.flatnonzero(carried)[:CARRIED_OLDEST]
    old[oldest] = rng.integers(timeline.first - 9, timeline.first - 5, len(oldest))
    month = np.where(carried, old, month)
    return enrolments_in(rng, size, codes, person, op, month, timeline)


def exit_listings(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline) -> ExtraEnrolments:
    """About a quarter are listed again when the 80-100 hour course ends, with `fecha_egreso`."""
    return operators.exit_listings(rng, enrolments, timeline, days=(90, 131))


def second_enrolments(rng: np.random.Generator, enrolments: Enrolments, ops: np.ndarray, timeline: Timeline,
                      claimable: np.ndarray) -> tuple[ExtraEnrolments, np.ndarray]:
    """People a second operator of the programme enrols 10-60 days after the first did (none
    with a single operator). Half are chosen among the `claimable` enrolments (a pass the data
    set shows), for the second operator to claim and be told another operator owns it. Returns
    the rows and, per row, whether the second operator claims."""
    return enrol_again(rng, enrolments, ops, claimable, timeline,
                       lambda rows, for_claim: enrolments.date[rows] + rng.integers(10, 61, len(rows)))
