"""Operators and their enrolments: who enrols whom, on what date, and which roster reports it.

An enrolment is reported in the roster of the month of its `fecha_inscripcion`, a few in the
next month's roster (late reporting); some people are listed again later with `fecha_egreso`;
a few are enrolled by a second operator at a later date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .timeline import Timeline, first_day, last_day, month_of_day

ENROLLED_SHARE = 0.65
"""Share of the population some operator enrols; the rest are workers nobody enrolled."""


def operator_codes(count: int) -> tuple[str, ...]:
    if count < 1:
        raise ValueError("generate at least one operator")
    return tuple(f"OP-{i + 1:03d}" for i in range(count))


@dataclass(frozen=True)
class Enrolments:
    """First enrolment of every enrolled person (the owner's), one entry per person."""

    codes: tuple[str, ...]
    person: np.ndarray
    """Enrolled persons, ascending."""
    op: np.ndarray
    """Owner: index into `codes`."""
    date: np.ndarray
    """`fecha_inscripcion` (day number)."""
    month: np.ndarray
    """Enrolment month E (month index)."""
    received: np.ndarray
    """Inbox month of the roster that lists it."""
    row_of: np.ndarray
    """Per person of the population: index into the arrays above, -1 if not enrolled."""


@dataclass(frozen=True)
class ExtraEnrolments:
    """Roster rows beyond the first listing: exits re-listed, or second operators."""

    person: np.ndarray
    op: np.ndarray
    date: np.ndarray
    """`fecha_inscripcion` as this row gives it."""
    exit: np.ndarray
    """`fecha_egreso` (day number) or -1."""
    received: np.ndarray


def build_enrolments(rng: np.random.Generator, population_size: int, codes: tuple[str, ...],
                     timeline: Timeline) -> Enrolments:
    count = round(population_size * ENROLLED_SHARE)
    person, op = choose_enrolled(rng, population_size, count, np.arange(len(codes)))
    # A few enrolments of the month before the first one arrive late, in the first roster.
    early = rng.random(count) < 0.04
    month = np.where(early, timeline.first - 1, rng.integers(timeline.first, timeline.last + 1, count))
    return enrolments_in(rng, population_size, codes, person, op, month, timeline)


def choose_enrolled(rng: np.random.Generator, size: int, count: int,
                    ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`count` of `size` people (ascending) and the operator among `ops` that enrols each, some
    operators enrolling up to three times as many as others."""
    person = np.sort(rng.choice(size, size=count, replace=False))
    weights = 0.5 + rng.random(len(ops))
    op = np.asarray(ops)[rng.choice(len(ops), size=count, p=weights / weights.sum())]
    return person, op


def enrolments_in(rng: np.random.Generator, size: int, codes: tuple[str, ...], person: np.ndarray, op: np.ndarray,
                  month: np.ndarray, timeline: Timeline) -> Enrolments:
    """The enrolments of `person` by `op`, each on a day of its `month`. A few are reported in
    the next month's roster; those before the first inbox month all in the first roster."""
    count = len(person)
    length = last_day(month) - first_day(month) + 1
    date = first_day(month) + (rng.random(count) * length).astype(np.int64)
    late = (rng.random(count) < 0.05) & (month + 1 <= timeline.last)
    received = np.where(month < timeline.first, timeline.first, month + late)
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[person] = np.arange(count)
    return Enrolments(codes, person, op, date, month, received, row_of)


def exit_listings(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline,
                  days: tuple[int, int] = (45, 181)) -> ExtraEnrolments:
    """About a quarter of the enrolled are listed again, with `fecha_egreso`, when they leave:
    `days` (from, to exclusive) after the enrolment. The row never comes in a roster before the
    one that listed the enrolment."""
    count = len(enrolments.person)
    exit_day = enrolments.date + rng.integers(*days, count)
    received = np.maximum(month_of_day(exit_day) + (rng.random(count) < 0.2), enrolments.received)
    keep = (rng.random(count) < 0.25) & (received <= timeline.last)
    return ExtraEnrolments(
        enrolments.person[keep], enrolments.op[keep], enrolments.date[keep], exit_day[keep], received[keep]
    )


def second_enrolments(rng: np.random.Generator, enrolments: Enrolments, placement_day: np.ndarray,
                      timeline: Timeline) -> tuple[ExtraEnrolments, np.ndarray]:
    """People a second operator enrols after the first one did.

    Half are chosen among people placed at least 20 days after their first enrolment, and
    enrolled by the second operator before that job starts, so that operator can claim the
    placement (and be told another operator owns it). Returns the rows and, per row, whether
    it was made for such a claim.
    """
    eligible = ((placement_day >= 0) & (placement_day >= enrolments.date + 20)
                & (month_of_day(placement_day) <= timeline.last))

    def dates(rows: np.ndarray, for_claim: np.ndarray) -> np.ndarray:
        first = enrolments.date[rows]
        gap = np.maximum(placement_day[rows] - first - 10, 1)
        return np.where(for_claim, first + 10 + (rng.random(len(rows)) * gap).astype(np.int64),
                        first + rng.integers(30, 151, len(rows)))

    return enrol_again(rng, enrolments, np.arange(len(enrolments.codes)), eligible, timeline, dates)


def other_operators(rng: np.random.Generator, ops: np.ndarray, current: np.ndarray) -> np.ndarray:
    """For each operator of `current` (among `ops`, ascending), another one of `ops`, drawn."""
    position = np.searchsorted(ops, current)
    return np.asarray(ops)[(position + rng.integers(1, len(ops), len(current))) % len(ops)]


def claimed_by_another(rng: np.random.Generator, enrolments: Enrolments, seconds: np.ndarray, ops: np.ndarray,
                       count: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to `count` enrolments, drawn among those of people nobody enrolled again (`seconds`),
    and for each an operator of `ops` other than the one that enrolled the person: one that claims
    an outcome of the person without enrolling them."""
    alone = np.flatnonzero(~np.isin(enrolments.person, seconds))
    picked = rng.permutation(alone)[:count]
    return picked, other_operators(rng, ops, enrolments.op[picked])


def enrol_again(rng: np.random.Generator, enrolments: Enrolments, ops: np.ndarray, eligible: np.ndarray,
                timeline: Timeline,
                dates: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> tuple[ExtraEnrolments, np.ndarray]:
    """Enrolments (3%, at least two) that another operator among `ops` (ascending) enrols again;
    none with a single operator. Half are chosen among the `eligible` ones, for the second
    operator to claim. `dates(rows, for_claim)` gives the new rows' `fecha_inscripcion`. Returns
    the rows and, per row, whether it was made for a claim."""
    enrolled = len(enrolments.person)
    if len(ops) < 2 or enrolled == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ExtraEnrolments(empty, empty, empty, empty, empty), np.zeros(0, dtype=bool)
    total = max(2, round(0.03 * enrolled))
    claimers = rng.permutation(np.flatnonzero(eligible))[: (total + 1) // 2]
    others = rng.permutation(np.setdiff1d(np.arange(enrolled), claimers))[: total - len(claimers)]
    rows = np.concatenate([claimers, others])
    for_claim = np.arange(len(rows)) < len(claimers)
    op = other_operators(rng, ops, enrolments.op[rows])
    date = dates(rows, for_claim)
    # The second roster never arrives before the first: the owner stays the owner in every run.
    received = np.maximum(month_of_day(date), enrolments.received[rows])
    keep = received <= timeline.last
    none = np.full(int(keep.sum()), -1, dtype=np.int64)
    extra = ExtraEnrolments(enrolments.person[rows][keep], op[keep], date[keep], none, received[keep])
    return extra, for_claim[keep]


class SetAside:
    """Enrolments set aside, one (or a few) per edge of a rule, so that every edge shows up even
    in a small data set. Each enrolment has a story of each kind (`stories`: kind -> (array of
    the stories, in place; the usual story)); an enrolment taken for an edge gets the edge's
    story of its kind and the usual story of every other kind."""

    def __init__(self, rng: np.random.Generator, stories: dict[str, tuple[np.ndarray, int]]) -> None:
        self.rng, self.stories = rng, stories
        self.chosen = np.zeros(len(next(iter(stories.values()))[0]), dtype=bool)

    def take(self, kind: str, value: int, eligible: np.ndarray, prefer: np.ndarray | None = None,
             how_many: int = 1) -> None:
        """Set aside `how_many` enrolments among the `eligible` ones not set aside yet (among the
        `prefer`red ones when any is left) for the story `value` of `kind`."""
        for _ in range(how_many):
            pool = eligible & ~self.chosen
            if prefer is not None and (pool & prefer).any():
                pool &= prefer
            if not pool.any():
                return
            chosen = int(self.rng.choice(np.flatnonzero(pool)))
            self.chosen[chosen] = True
            for name, (stories, usual) in self.stories.items():
                stories[chosen] = value if name == kind else usual
