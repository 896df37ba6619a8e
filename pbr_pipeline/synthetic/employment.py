"""Employers and employment spells: who works where, from which day to which day, on what terms.

A spell is one job with one employer. Enrolled people get spells drawn around their enrolment
month (a past job, perhaps one in the three months before enrolment, a placement some months
after it, job changes and gaps); people nobody enrolled get a working life of one to three jobs.
Everything is drawn for all people at once as numpy columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.codes import DEPENDENT_CONTRIBUTOR_TYPES, nit_check_digit

from .operators import Enrolments
from .timeline import Timeline, first_day, last_day

DEPENDENT = np.array(sorted(DEPENDENT_CONTRIBUTOR_TYPES))
INDEPENDENT = np.array([3, 59])
APPRENTICE = np.array([12, 19])

MONTH_END = 31
"""`end_day` of a spell that ends on the last day of its month (30 PILA days)."""

PRE, MAIN, SWITCH, POST, WORK = range(5)
"""Spell roles: a job before enrolment, the placement, the job after a change of employer
within the placement, a later job, the job of someone nobody enrolled."""

NONE, OLD, RECENT, ONGOING, INDEPENDENT_WORK, APPRENTICESHIP = range(6)
"""What an enrolled person did before enrolment. RECENT and ONGOING make the person not
additional (a dependent job in the three months before enrolment)."""
_PAST_SHARES = [0.55, 0.22, 0.10, 0.03, 0.06, 0.04]

_PLACEMENT_TYPES = np.array([1, 51, 2, 22, 30, 3, 59, 12, 19])
_PLACEMENT_SHARES = [0.74, 0.05, 0.03, 0.01, 0.02, 0.04, 0.04, 0.04, 0.03]
_WORKER_SHARES = [0.68, 0.05, 0.04, 0.03, 0.03, 0.07, 0.05, 0.03, 0.02]


@dataclass(frozen=True)
class Employers:
    """Contributing firms. Most write their NIT without check digit in PILA, some as `NIT-DV`."""

    nit: np.ndarray
    """9-digit NIT as text."""
    dv: np.ndarray
    """Check digit as text."""
    with_dv: np.ndarray
    """The firm writes `NIT-DV` in its PILA returns."""
    weights: np.ndarray

    def written(self, index: np.ndarray, with_dv: np.ndarray | None = None) -> np.ndarray:
        """NITs as a file writes them: with `-DV` where `with_dv` (default: the firm's habit)."""
        flag = self.with_dv[index] if with_dv is None else with_dv
        nit = self.nit[index]
        return np.where(flag, np.char.add(np.char.add(nit, "-"), self.dv[index]), nit)


def build_employers(rng: np.random.Generator, people: int) -> Employers:
    count = max(25, people // 12)
    nit = rng.permutation(np.unique(rng.integers(800_000_000, 902_000_000, count * 2)))[:count].astype(str)
    # The check digit loops over firms (thousands, not rows), with the shared helper.
    dv = np.array([str(nit_check_digit(value)) for value in nit.tolist()])
    # Few large employers, many small ones.
    weights = 1.0 / np.arange(1, count + 1) ** 0.8
    return Employers(nit, dv, rng.random(count) < 0.12, weights / weights.sum())


@dataclass(frozen=True)
class Spells:
    """Jobs as columns, sorted by person and start; the spell id is the position."""

    person: np.ndarray
    start: np.ndarray
    """Month index of the first month."""
    start_day: np.ndarray
    """Day of month of `fecha_ingreso` (1-28)."""
    end: np.ndarray
    """Month index of the last month (far in the future for jobs that go on)."""
    end_day: np.ndarray
    """Day of month of `fecha_retiro` (1-28) or MONTH_END."""
    tipo: np.ndarray
    """PILA contributor type."""
    employer: np.ndarray
    mult: np.ndarray
    """Salary as a multiple of the minimum wage (exactly 1.0 for minimum-wage jobs)."""
    under: np.ndarray
    """The employer reports an IBC just below the prorated minimum wage."""
    role: np.ndarray

    @property
    def size(self) -> int:
        return len(self.person)

    def start_date(self, ids) -> np.ndarray:
        return first_day(self.start[ids]) + self.start_day[ids] - 1

    def end_date(self, ids) -> np.ndarray:
        end_day = self.end_day[ids]
        return np.where(end_day == MONTH_END, last_day(self.end[ids]), first_day(self.end[ids]) + end_day - 1)


@dataclass(frozen=True)
class Placements:
    """Per enrolment (aligned with Enrolments): the job the operator knows about."""

    main: np.ndarray
    """Spell id of the placement (first part when the person changed employer), -1 if none."""
    ongoing: np.ndarray
    """Spell id of a job held since before enrolment (the person is not additional), -1 if none."""
    start: np.ndarray
    """Day number the placement started, -1 if none."""
    until: np.ndarray
    """Day number the person stopped working in the placement (after any change of employer)."""
    before_enrolment: np.ndarray
    """The placement started in the enrolment month a few days before the enrolment date."""


class _Collector:
    """Appends spell columns slot by slot; one concatenation at the end."""

    def __init__(self) -> None:
        names = ("person", "start", "start_day", "end", "end_day", "tipo", "role", "tag")
        self.columns: dict[str, list[np.ndarray]] = {key: [] for key in names}

    def add(self, mask, person, start, start_day, end, end_day, tipo, role, tag) -> None:
        size = len(person)
        values = dict(person=person, start=start, start_day=start_day, end=end, end_day=end_day, tipo=tipo,
                      role=np.full(size, role), tag=tag)
        for key, value in values.items():
            self.columns[key].append(np.broadcast_to(np.asarray(value, dtype=np.int64), (size,))[mask])

    def arrays(self) -> dict[str, np.ndarray]:
        return {key: np.concatenate(parts) for key, parts in self.columns.items()}


def _dependent_types(rng: np.random.Generator, size: int) -> np.ndarray:
    """Contributor types of salaried jobs, in the proportions of placements."""
    shares = np.array(_PLACEMENT_SHARES[:5])
    return rng.choice(_PLACEMENT_TYPES[:5], size=size, p=shares / shares.sum())


def _end_days(rng, size) -> np.ndarray:
    """Many jobs end on the last day of a month; the rest on any day."""
    return np.where(rng.random(size) < 0.4, MONTH_END, rng.integers(1, 29, size))


def build_spells(rng: np.random.Generator, population_size: int, enrolments: Enrolments,
                 employers: Employers, timeline: Timeline) -> tuple[Spells, Placements]:
    """Draw every job of every person."""
    spells = _Collector()
    count = len(enrolments.person)
    person, month = enrolments.person, enrolments.month
    enrol_day = enrolments.date - first_day(month) + 1
    tag = np.arange(count)  # ties a spell back to its enrolment until the spells are sorted

    # Before enrolment.
    past = rng.choice(len(_PAST_SHARES), size=count, p=_PAST_SHARES)
    past_end = np.select(
        [past == OLD, past == RECENT, past == ONGOING, past == INDEPENDENT_WORK],
        [month - rng.integers(4, 11, count), month - rng.integers(1, 4, count), month + rng.integers(2, 25, count),
         month - rng.integers(0, 4, count)],
        month - rng.integers(1, 4, count),
    )
    past_start = np.where(past == ONGOING, month - rng.integers(2, 25, count), past_end - rng.integers(1, 24, count))
    past_type = np.select(
        [past == INDEPENDENT_WORK, past == APPRENTICESHIP],
        [rng.choice(INDEPENDENT, count), rng.choice(APPRENTICE, count)],
        _dependent_types(rng, count),
    )
    spells.add(past != NONE, person, past_start, rng.integers(1, 29, count), past_end, _end_days(rng, count),
               past_type, PRE, tag)

    # The placement: some months after enrolment, on or after the enrolment day.
    placed = (past != ONGOING) & (rng.random(count) < 0.6)
    delay = rng.choice(9, size=count, p=[0.22, 0.28, 0.18, 0.12, 0.07, 0.05, 0.04, 0.02, 0.02])
    same_month = delay == 0
    late_in_month = same_month & (enrol_day > 28)
    start = month + delay + late_in_month
    start_day = rng.integers(1, 29, count)
    after_enrolment = enrol_day + (rng.random(count) * (29 - np.minimum(enrol_day, 28))).astype(np.int64)
    start_day = np.where(same_month & ~late_in_month, np.minimum(after_enrolment, 28), start_day)
    # A few jobs start in the enrolment month a few days before the enrolment itself.
    candidates = np.flatnonzero(placed & same_month & ~late_in_month & (enrol_day >= 3))
    before = rng.permutation(candidates)[: max(1, round(0.012 * placed.sum()))] if len(candidates) else candidates
    start_day[before] = 1 + (rng.random(len(before)) * (enrol_day[before] - 1)).astype(np.int64)

    bucket = rng.choice(8, size=count, p=[0.06, 0.08, 0.08, 0.08, 0.08, 0.07, 0.20, 0.35])
    span = np.select([bucket < 6, bucket == 6], [bucket, rng.integers(6, 12, count)], rng.integers(12, 41, count))
    end = start + span
    end_day = _end_days(rng, count)
    tipo = rng.choice(_PLACEMENT_TYPES, size=count, p=_PLACEMENT_SHARES)

    # Some change employer mid-placement: RET on day r and ING on day r + 1 of the same month.
    switch = placed & (span >= 3) & np.isin(tipo, DEPENDENT) & (rng.random(count) < 0.15)
    switch_month = start + 1 + (rng.random(count) * (span - 1)).astype(np.int64)
    switch_day = rng.integers(5, 26, count)
    spells.add(placed, person, start, start_day, np.where(switch, switch_month, end),
               np.where(switch, switch_day, end_day), tipo, MAIN, tag)
    spells.add(switch, person, switch_month, switch_day + 1, end, end_day, 1, SWITCH, tag)

    # A later job after a gap.
    later = placed & (rng.random(count) < 0.35)
    later_start = end + rng.integers(1, 7, count)
    spells.add(later, person, later_start, rng.integers(1, 29, count), later_start + rng.integers(0, 24, count),
               _end_days(rng, count), _dependent_types(rng, count), POST, tag)

    _worker_spells(rng, spells, np.setdiff1d(np.arange(population_size), person), timeline)

    columns = spells.arrays()
    total = len(columns["person"])
    # A job that starts and ends in one month ends on or after its first day.
    same = (columns["start"] == columns["end"]) & (columns["end_day"] < columns["start_day"])
    columns["end_day"] = np.where(same, MONTH_END, columns["end_day"])
    employer = rng.choice(len(employers.nit), size=total, p=employers.weights)
    mult = np.where(rng.random(total) < 0.55, 1.0, np.clip(np.exp(rng.normal(0.35, 0.4, total)), 1.05, 8.0))
    under = np.isin(columns["tipo"], DEPENDENT) & (rng.random(total) < 0.025)

    order = np.lexsort((columns["role"], columns["start_day"], columns["start"], columns["person"]))
    position = np.empty(total, dtype=np.int64)
    position[order] = np.arange(total)
    role, tag_of = columns["role"], columns["tag"]
    main_of_tag = np.full(count, -1, dtype=np.int64)
    main_of_tag[tag_of[role == MAIN]] = np.flatnonzero(role == MAIN)
    switched = np.flatnonzero(role == SWITCH)

    employer = _separate_employers(columns["person"][order], columns["start"][order], columns["end"][order],
                                   employer[order], len(employers.nit))
    result = Spells(
        person=columns["person"][order], start=columns["start"][order], start_day=columns["start_day"][order],
        end=columns["end"][order], end_day=columns["end_day"][order], tipo=columns["tipo"][order],
        employer=employer, mult=mult[order], under=under[order], role=role[order].astype(np.uint8),
    )
    main = np.where(main_of_tag >= 0, position[np.maximum(main_of_tag, 0)], -1)
    ongoing_of_tag = np.full(count, -1, dtype=np.int64)
    pre_ids = np.flatnonzero(role == PRE)
    ongoing_of_tag[tag_of[pre_ids]] = np.where(past[tag_of[pre_ids]] == ONGOING, position[pre_ids], -1)
    switch_of_tag = np.full(count, -1, dtype=np.int64)
    switch_of_tag[tag_of[switched]] = position[switched]
    last_part = np.where(switch_of_tag >= 0, switch_of_tag, main)
    placements = Placements(
        main=main,
        ongoing=ongoing_of_tag,
        start=np.where(main >= 0, result.start_date(np.maximum(main, 0)), -1),
        until=np.where(last_part >= 0, result.end_date(np.maximum(last_part, 0)), -1),
        before_enrolment=np.isin(np.arange(count), before),
    )
    return result, placements


def _worker_spells(rng: np.random.Generator, spells: _Collector, workers: np.ndarray, timeline: Timeline) -> None:
    """People nobody enrolled: one to three jobs, one after another, most of them visible in
    the delivered periods."""
    size = len(workers)
    no_tag = np.full(size, -1)
    job_start = rng.integers(timeline.period0 - 24, timeline.last_period + 1, size)
    alive = np.ones(size, dtype=bool)
    for chance in (1.0, 0.45, 0.3):
        has = alive & (rng.random(size) < chance)
        job_span = np.where(rng.random(size) < 0.3, rng.integers(0, 6, size), rng.integers(6, 60, size))
        spells.add(has, workers, job_start, rng.integers(1, 29, size), job_start + job_span, _end_days(rng, size),
                   rng.choice(_PLACEMENT_TYPES, size=size, p=_WORKER_SHARES), WORK, no_tag)
        job_start = job_start + job_span + rng.integers(1, 7, size)
        alive = has


def _separate_employers(person: np.ndarray, start: np.ndarray, end: np.ndarray, employer: np.ndarray,
                        count: int) -> np.ndarray:
    """Two jobs a person holds in the same month are with two employers: the row key of PILA is
    (document, period, employer), and a repeated key means a correction. Spells come sorted by
    person and start, and a person holds at most three at once, so near neighbours suffice."""
    employer = employer.copy()
    for _ in range(2):
        for step in (1, 2):
            later = np.arange(step, len(person))
            earlier = later - step
            clash = (person[later] == person[earlier]) & (start[later] <= end[earlier]) & (
                employer[later] == employer[earlier])
            employer[later[clash]] = (employer[later[clash]] + 1) % count
    return employer
