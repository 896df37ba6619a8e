"""Homeless people of HABITANZA_CALLE (habitantes de calle), and who enrols them when.

Most are men (the city's censuses of people living in the street count about nine men in ten)
between 18 and 70, mostly 25-55; most hold a CC, some Venezuelan migrants a PT or a CE. Every
document number is new: it avoids the numbers of the other programmes, so two programmes never
share a person by accident.

Operators enrol most of these people. The programme ran under the earlier agreement the city
took over, so a large cohort enrolled up to a year and a half before the first inbox month is
listed in the first roster: the follow-up window (6 to 18 months after enrolment) of many of
them opens within the data set, and that of the oldest closes within it.
"""

from __future__ import annotations

import numpy as np

from .. import operators
from ..operators import Enrolments, ExtraEnrolments, choose_enrolled, enrol_again, enrolments_in
from ..population import Population, draw_adults
from ..timeline import Timeline

MEN_SHARE = 0.86
ENROLLED_SHARE = 0.85
"""People some operator enrols; the others appear only in the income registry or in a claim."""
CARRIED_SHARE = 0.8
"""Enrolments dated 1-18 months before the first inbox month, listed in the first roster."""
CARRIED_MONTHS = 18
OLDEST_MONTHS = (19, 21)
"""A few carried-over enrolments are placed 19-20 months before the first inbox month, so that
the 18-month follow-up window of some closes within a data set of a few months."""


def build_people(rng: np.random.Generator, size: int, timeline: Timeline, *, id_offset: int,
                 taken: np.ndarray) -> Population:
    """`size` homeless adults; document numbers avoid `taken`."""
    sex = (rng.random(size) < MEN_SHARE).astype(np.uint8)
    return draw_adults(rng, sex, timeline, age=(41, 11, 18, 70), pt=0.12, ce=0.02, id_offset=id_offset,
                       taken=taken, disability=0.12, victim=0.18, head_share=0.15, ethnic=0.05)


def build_enrolments(rng: np.random.Generator, size: int, ops: np.ndarray, codes: tuple[str, ...],
                     timeline: Timeline, *, carried_share: float = CARRIED_SHARE, carried_months: int = CARRIED_MONTHS,
                     oldest_months: tuple[int, int] = OLDEST_MONTHS) -> Enrolments:
    """First enrolment (the owner's) of the enrolled people; `ops` are the programme's operator
    indices into `codes`. New enrolments thin out month by month; the carried-over cohort
    (`carried_share` of them, from 1 to `carried_months` months before the first inbox month)
    thins out going back, and a few are placed `oldest_months` (from, to exclusive) back."""
    count = round(size * ENROLLED_SHARE)
    person, op = choose_enrolled(rng, size, count, ops)
    carried = rng.random(count) < carried_share
    span = timeline.last - timeline.first + 1
    decay = 0.8 ** np.arange(span)
    month = timeline.first + rng.choice(span, size=count, p=decay / decay.sum())
    back = 0.93 ** np.arange(carried_months)
    old = timeline.first - 1 - rng.choice(carried_months, size=count, p=back / back.sum())
    oldest = np.flatnonzero(carried)[: max(3, count // 15)]
    old[oldest] = rng.integers(timeline.first - oldest_months[1] + 1, timeline.first - oldest_months[0] + 1,
                               len(oldest))
    month = np.where(carried, old, month)
    return enrolments_in(rng, size, codes, person, op, month, timeline)


def exit_listings(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline) -> ExtraEnrolments:
    """About a quarter are listed again with `fecha_egreso` when they leave the programme (6 to
    18 months in: housed, back with their family, or lost)."""
    return operators.exit_listings(rng, enrolments, timeline, days=(180, 541))


def second_enrolments(rng: np.random.Generator, enrolments: Enrolments, ops: np.ndarray, timeline: Timeline,
                      claimable: np.ndarray) -> tuple[ExtraEnrolments, np.ndarray]:
    """People a second operator of the programme enrols 20-120 days after the first (none with a
    single operator); half among `claimable` (an outcome the data set shows), for the second
    operator to claim."""
    return enrol_again(rng, enrolments, ops, claimable, timeline,
                       lambda rows, for_claim: enrolments.date[rows] + rng.integers(20, 121, len(rows)))
