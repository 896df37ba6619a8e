"""Household income measurements of the programme's people: what `mediciones_ingreso` holds.

The city's social services measure a homeless person's household income when an operator
enrols the person (the characterisation: the baseline), and again in follow-up surveys about
6, 12 and 18 months later; a SISBÉN visit measures someone now and then, enrolled or not. A
measurement gives the household's monthly income in whole pesos and the people in it (1-8,
mostly 1-4: many live alone), compared per head with DANE's extreme-poverty line of the
measurement's year (2024's stands in for 2025, whose line DANE has not published).

Each enrolment gets a baseline story and a follow-up story, drawn with fixed shares, and a few
are set aside so that every edge of the rule shows up even in a small data set:

- baseline: one measurement below the line around the enrolment date E (the usual case); one
  at or above it (not additional); none in [E - 3 months, E + 1 month] (no baseline); set
  aside: none at all, or one above the line (in case no drawn one is claimed); an earlier
  baseline above the line then a later one below (the latest decides); the
  only baseline exactly on E - 3 months or on E + 1 month (both count), or on E + 1 month and
  a day (does not); a baseline exactly at the line times the household (not additional);
- follow-up: the household rises above the line at one of the follow-ups (the first above is
  the outcome); it stays below at every follow-up; no follow-up at all; it rose above before
  the window opened, at an interim measurement, and fell back; set aside: a follow-up exactly
  at the line times the household (above), one peso short of it (below), the only rise exactly
  on E + 6 months or E + 18 months (both count), or on E + 18 months and a day (does not), the
  rise on E + 6 months less a day (does not), and a rise later corrected below the line by a
  re-delivered row with the same date.

Rows are delivered with lag 1: a measurement of month X arrives in the extract of month X + 1,
everything before the first inbox month in the first extract; a fifth of follow-ups arrive a
month or two late. A few rows are corrected in a later extract without changing which side of
the line they are on (a household size typed wrong). Days are day numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import add_months, between
from ..claims import ClaimBatch
from ..operators import Enrolments, SetAside
from ..reference import POVERTY_LINES
from ..timeline import Timeline, first_day, last_day, month_of_day

DOMAIN = "NACIONAL"
EXTREME_LINES: dict[int, int] = {year: extreme for year, domain, extreme, _ in POVERTY_LINES
                                 if domain == DOMAIN and extreme is not None}
"""DANE's national extreme-poverty line (COP per person per month) by year, as reference/ writes it."""

BASELINE_BEFORE, BASELINE_AFTER = 3, 1
"""The baseline is dated in [E - 3 months, E + 1 month] ..."""
FOLLOW_FROM, FOLLOW_TO = 6, 18
"""... the outcome in [E + 6 months, E + 18 months]."""

B_BELOW, B_ABOVE, B_NONE, B_LATEST, B_AT_START, B_AT_END, B_AFTER, B_AT_LINE = range(8)
BASELINE_SHARES = (0.84, 0.08, 0.08, 0.0, 0.0, 0.0, 0.0, 0.0)
F_RISES, F_STAYS, F_NONE, F_EARLY, F_AT_LINE, F_SHORT, F_AT_START, F_AT_END, F_AFTER_END, F_CORRECTED = range(10)
FOLLOW_SHARES = (0.46, 0.30, 0.14, 0.10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
"""Stories drawn; the others are only set aside (see `plan_stories`)."""
RISEN = (F_RISES, F_AT_LINE, F_AT_START, F_AT_END, F_CORRECTED)
"""Follow-up stories whose rows (before any correction) hold a rise above the line in the window."""

BELOW, ABOVE, EXACT, SHORT = range(4)
"""What a row's income is against the line times the household: below, above, exactly at, a peso short."""
BASELINE, OLD, INTERIM, FOLLOW_UP, VISIT = range(5)
"""What a row is to its story: the baseline, a measurement before the baseline window, one between
the baseline and follow-up windows, a follow-up (in the window or after), a SISBÉN visit of
someone nobody enrolled."""
SOURCES = ("CARACTERIZACION", "SISBEN IV", "SEGUIMIENTO", "SEGUIMIENTO", "SISBEN IV")
"""`fuente` by role."""

HOUSEHOLD_SHARES = (0.40, 0.20, 0.14, 0.10, 0.07, 0.05, 0.025, 0.015)
"""People in the household, 1 to 8."""


def extreme_line(days: np.ndarray) -> np.ndarray:
    """The extreme-poverty line each day is compared with: that of its year, or the latest
    earlier year's while DANE has not published it (-1 where there is none)."""
    years = 1970 + month_of_day(days) // 12
    known = np.array(sorted(EXTREME_LINES), dtype=np.int64)
    values = np.array([EXTREME_LINES[int(year)] for year in known], dtype=np.int64)
    position = np.searchsorted(known, years, side="right") - 1
    return np.where(position >= 0, values[np.maximum(position, 0)], -1)


@dataclass(frozen=True)
class Stories:
    """Per enrolment (aligned with Enrolments): its baseline and follow-up story."""

    baseline: np.ndarray
    follow: np.ndarray
    set_aside: np.ndarray
    """Chosen to show an edge: the owner claims it for sure, a month after the measurement."""


def windows(date: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(baseline from, baseline to, follow-up from, follow-up to) of enrolments on `date`."""
    return (add_months(date, -BASELINE_BEFORE), add_months(date, BASELINE_AFTER), add_months(date, FOLLOW_FROM),
            add_months(date, FOLLOW_TO))


def plan_stories(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline, contract_start: int,
                 corrections: int) -> Stories:
    """Draw the stories, then set aside one enrolment for each edge (and `corrections` corrected
    rises), choosing where the edge can show within the data set: its rise dated under the
    contract and seen by the last run."""
    count = len(enrolments.person)
    baseline = rng.choice(len(BASELINE_SHARES), size=count, p=BASELINE_SHARES)
    follow = rng.choice(len(FOLLOW_SHARES), size=count, p=FOLLOW_SHARES)
    _, _, low, high = windows(enrolments.date)
    seen_until = int(last_day(timeline.last - 1))

    def shown(day: np.ndarray) -> np.ndarray:
        return (day >= contract_start) & (day <= seen_until)

    rises = np.maximum(low, contract_start) <= np.minimum(high, seen_until)
    closes = high < seen_until
    edges = SetAside(rng, {"baseline": (baseline, B_BELOW), "follow": (follow, F_RISES)})
    take, set_aside = edges.take, edges.chosen
    take("follow", F_AT_END, shown(high))
    take("follow", F_AFTER_END, shown(high + 1))
    take("follow", F_AT_START, shown(low))
    take("follow", F_EARLY, shown(low - 1))
    take("follow", F_CORRECTED, np.maximum(low, contract_start) <= np.minimum(high, last_day(timeline.last - 2)),
         prefer=closes, how_many=corrections)
    take("follow", F_AT_LINE, rises)
    take("follow", F_SHORT, rises, prefer=closes)
    for kind in (B_NONE, B_ABOVE, B_LATEST, B_AT_START, B_AT_END, B_AFTER, B_AT_LINE):
        take("baseline", kind, rises)
    return Stories(baseline, follow, set_aside)


@dataclass(frozen=True)
class Rows:
    """Measurement rows as columns, corrections included (a correction repeats the person and
    date of the row it corrects with other values and a later delivery)."""

    person: np.ndarray
    day: np.ndarray
    """`fecha_medicion`."""
    income: np.ndarray
    """`ingreso_mensual_hogar`, whole COP."""
    members: np.ndarray
    """`personas_hogar`."""
    level: np.ndarray
    """BELOW, ABOVE, EXACT or SHORT (of the values written)."""
    role: np.ndarray
    owner: np.ndarray
    """The enrolment whose story made the row, -1 for a visit of someone nobody enrolled."""
    delivered: np.ndarray
    """Inbox month of the extract that carries the row, -1 if never delivered."""
    corrects: np.ndarray
    """Index of the row this one corrects, -1 for an ordinary row."""

    @property
    def size(self) -> int:
        return len(self.person)

    @property
    def source(self) -> np.ndarray:
        return np.array(SOURCES, dtype=object)[self.role]


@dataclass(frozen=True)
class Measurements:
    rows: Rows
    stories: Stories
    claimed_row: np.ndarray
    """Per enrolment: the row its operator believes shows the household above the line (see
    `_claimed_rows`), -1 if none."""
    baseline_row: np.ndarray
    """Per enrolment: the baseline that decides (the latest in the window), -1 if none."""
    rise_row: np.ndarray
    """Per enrolment of a rising story: the row of the rise (the outcome, or the edge that
    misses it), -1 for the others."""


class MeasurementBatch(ClaimBatch):
    """Income measurement rows as they are drawn (HABITANZA_CALLE's and EMPRENDIMIENTO's)."""

    def __init__(self) -> None:
        names = ("person", "day", "level", "role", "owner", "late")
        super().__init__(names, {name: np.int64 for name in names})

    def add(self, mask, person, day, level, role, owner, late=False) -> np.ndarray:
        """Add the masked rows; returns, per input position, the index of its row (-1 if none).
        `late` rows may arrive a month or two after the usual lag."""
        return self.add_group(mask, (person, day, level, role, owner, late))


def build_measurements(rng: np.random.Generator, enrolments: Enrolments, stories: Stories, timeline: Timeline,
                       contract_start: int, benign_corrections: int = 2) -> Measurements:
    """Every measurement row of the programme's people (enrolled or not: `enrolments.row_of`),
    with the corrections. A rise set aside to show an edge is dated under the contract, from
    `contract_start`."""
    e = enrolments
    count = len(e.person)
    person, date, owner = e.person, e.date, np.arange(count)
    base, follow, aside = stories.baseline, stories.follow, stories.set_aside
    b_from, b_to, f_from, f_to = windows(date)
    rows = MeasurementBatch()

    # Baselines.
    usual = np.clip(date + rng.integers(-45, 26, count), b_from, b_to)
    latest = base == B_LATEST
    day = np.select([base == B_AT_START, base == B_AT_END, base == B_AFTER, latest],
                    [b_from, b_to, b_to + 1, date + rng.integers(0, 26, count)], usual)
    level = np.select([base == B_ABOVE, base == B_AT_LINE], [ABOVE, EXACT], BELOW)
    baseline_row = rows.add(base != B_NONE, person, day, level, BASELINE, owner)
    baseline_row = np.where(base == B_AFTER, -1, baseline_row)
    # The latest decides: an earlier baseline above the line, in the window before E.
    rows.add(latest, person, between(rng, b_from, date - 15), ABOVE, BASELINE, owner)
    # A measurement before the window (a SISBÉN visit), which does not count.
    old = (base == B_NONE) & (rng.random(count) < 0.5) | (base == B_BELOW) & ~aside & (rng.random(count) < 0.1)
    rows.add(old, person, between(rng, b_from - 200, b_from - 1), np.where(rng.random(count) < 0.8, BELOW, ABOVE), OLD,
             owner)

    # Between the windows: an interim measurement, below the line unless the household rose
    # early (and fell back before the window).
    early = follow == F_EARLY
    interim_day = np.where(aside & early, f_from - 1, between(rng, add_months(date, 3), f_from - 1))
    interim = early | ~aside & (rng.random(count) < 0.3)
    rows.add(interim, person, interim_day, np.where(early, ABOVE, BELOW), INTERIM, owner, late=True)

    # Follow-ups near E + 6, 12 and 18 months; some are missed, and people lost to follow-up
    # have none.
    scheduled = np.stack([between(rng, f_from, f_from + 40), add_months(date, 12) + rng.integers(-20, 21, count),
                          between(rng, f_to - 40, f_to)], axis=1)
    attended = (rng.random((count, 3)) < 0.75) & (follow != F_NONE)[:, None]
    # Stories whose outcome is one particular follow-up: the others before it are below the line.
    # Most households that rise do so by the first follow-up; fewer by the second or the third.
    slot = rng.choice(3, size=count, p=[0.55, 0.3, 0.15])
    rise_day = np.select(
        [follow == F_AT_START, follow == F_AT_END, follow == F_AFTER_END],
        [f_from, f_to, f_to + 1], scheduled[np.arange(count), slot])
    edge = np.isin(follow, (F_AT_START, F_AT_END, F_AFTER_END))
    # A rise set aside to show an edge is seen by the last run: drawn where the data set shows it.
    shown_until = int(last_day(timeline.last - 1))
    if_aside = between(rng, np.maximum(f_from, contract_start),
                       np.minimum(f_to, np.where(follow == F_CORRECTED, last_day(timeline.last - 2), shown_until)))
    rise_day = np.where(aside & ~edge & np.isin(follow, (F_RISES, F_AT_LINE, F_SHORT, F_CORRECTED)), if_aside,
                        rise_day)
    rising = np.isin(follow, (F_RISES, F_AT_LINE, F_SHORT, F_AT_START, F_AT_END, F_AFTER_END, F_CORRECTED))
    rise_level = np.select([follow == F_AT_LINE, follow == F_SHORT], [EXACT, SHORT], ABOVE)
    rise_row = rows.add(rising, person, rise_day, rise_level, FOLLOW_UP, owner, late=~aside)
    for slot in range(3):
        when = scheduled[:, slot]
        before = when < rise_day - 10
        # Before the rise, below the line; after it (an ordinary rise) either way.
        after = ~before & (when > rise_day + 10) & (follow == F_RISES) & ~aside
        keep = attended[:, slot] & np.where(rising, before | after, True)
        level = np.where(after & (rng.random(count) < 0.7), ABOVE, BELOW)
        rows.add(keep, person, when, level, FOLLOW_UP, owner, late=~aside)

    # SISBÉN visits of people nobody enrolled (half of them), at any time.
    others = np.flatnonzero(e.row_of < 0)
    visited = others[rng.random(len(others)) < 0.5]
    twice = np.concatenate([visited, visited[rng.random(len(visited)) < 0.3]])
    rows.add(np.ones(len(twice), dtype=bool), twice,
             rng.integers(first_day(timeline.first - 12), last_day(timeline.last) + 1, len(twice)),
             np.where(rng.random(len(twice)) < 0.8, BELOW, ABOVE), VISIT, -1)

    columns = rows.arrays()
    claimed_row = _claimed_rows(columns, count, b_to)
    return _finish(rng, columns, stories, claimed_row, baseline_row, rise_row, e.received, timeline,
                   contract_start, benign_corrections)


def _claimed_rows(columns: dict[str, np.ndarray], count: int, baseline_to: np.ndarray) -> np.ndarray:
    """Per enrolment, the first row after the baseline window the operator takes for a rise:
    above the line, exactly at it, or a peso short of it (the operator rounds)."""
    owner, day, level = columns["owner"], columns["day"], columns["level"]
    claimed = np.full(count, -1, dtype=np.int64)
    above = np.flatnonzero((owner >= 0) & np.isin(level, (ABOVE, EXACT, SHORT)))
    above = above[day[above] > baseline_to[owner[above]]]
    for row in above[np.lexsort((day[above], owner[above]))][::-1].tolist():
        claimed[owner[row]] = row
    return claimed


def _finish(rng: np.random.Generator, columns: dict[str, np.ndarray], stories: Stories, claimed_row: np.ndarray,
            baseline_row: np.ndarray, rise_row: np.ndarray, received: np.ndarray, timeline: Timeline,
            contract_start: int, benign: int) -> Measurements:
    """Households, incomes, deliveries and corrections of the rows drawn (`received`: the inbox
    month of each enrolment's roster)."""
    size = len(columns["person"])
    person, day, level = columns["person"], columns["day"], columns["level"]
    # A household keeps its size, now and then one more or one fewer.
    people = int(person.max()) + 1 if size else 0
    household = rng.choice(np.arange(1, 9), size=people, p=HOUSEHOLD_SHARES)
    drift = rng.choice(np.array([-1, 0, 1]), size=size, p=[0.07, 0.86, 0.07])
    members = np.clip(household[person] + drift, 1, 8)
    income = incomes(rng, level, members, extreme_line(day))

    month = month_of_day(day)
    lag = 1 + np.where(columns["late"].astype(bool), rng.choice(3, size=size, p=[0.8, 0.15, 0.05]), 0)
    # At least one ordinary rise arrives late where the data set shows it.
    aside = stories.set_aside
    ordinary = rise_row[(stories.follow == F_RISES) & (stories.baseline == B_BELOW) & ~aside]
    ordinary = ordinary[ordinary >= 0]
    listed = np.maximum(received[columns["owner"][ordinary]], timeline.first)
    may_be_late = ordinary[(month[ordinary] >= listed) & (month[ordinary] + 2 <= timeline.last)
                           & (day[ordinary] >= contract_start)]
    if len(may_be_late) and not (lag[may_be_late] > 1).any():
        lag[int(rng.choice(may_be_late))] = 2
    delivered = np.maximum(month + lag, timeline.first)
    delivered = np.where(delivered <= timeline.last, delivered, -1)
    corrects = np.full(size, -1, dtype=np.int64)

    # Corrections: the rises set aside to be corrected (below the line from the later extract),
    # and a few household sizes typed wrong (the row stays on its side of the line).
    flipped = rise_row[(stories.follow == F_CORRECTED) & aside]
    flipped = flipped[flipped >= 0]
    owner = columns["owner"]
    ordinary = (delivered >= 0) & (delivered < timeline.last) & np.isin(level, (BELOW, ABOVE)) & (
        (owner < 0) | ~aside[np.maximum(owner, 0)])
    ordinary &= (level == BELOW) & (members < 8) | (level == ABOVE) & (members > 1)
    typed = rng.permutation(np.flatnonzero(ordinary))[:benign]
    fixed = np.concatenate([flipped, typed]).astype(np.int64)
    if len(fixed):
        new_members = np.where(level[typed] == BELOW, members[typed] + 1, members[typed] - 1)
        flipped_members = members[flipped]
        new_income = np.concatenate([incomes(rng, np.full(len(flipped), BELOW), flipped_members,
                                             extreme_line(day[flipped])), income[typed]])
        columns = {name: np.concatenate([values, values[fixed]]) for name, values in columns.items()}
        members = np.concatenate([members, flipped_members, new_members])
        income = np.concatenate([income, new_income])
        level = np.concatenate([level, np.full(len(flipped), BELOW), level[typed]])
        # The correction arrives at least a month after the owner's claim (filed the month the
        # rise was delivered), by the last inbox month.
        delivered = np.concatenate([delivered, rng.integers(delivered[fixed] + 1, timeline.last + 1)])
        corrects = np.concatenate([corrects, fixed])
    rows = Rows(columns["person"], columns["day"], income, members, level, columns["role"], columns["owner"], delivered,
                corrects)
    return Measurements(rows, stories, claimed_row, baseline_row, rise_row)


def incomes(rng: np.random.Generator, level: np.ndarray, members: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Household incomes in whole pesos for rows of `level` against `line` per head: round
    thousands below or above it (a few households below it have no income at all), or
    exactly the line times the household, or a peso short of it."""
    size = len(level)
    needed = line * members
    below = np.floor(rng.uniform(0.15, 0.92, size) * needed / 1000) * 1000
    below = np.where(rng.random(size) < 0.08, 0, below)
    above = np.ceil(rng.uniform(1.03, 1.9, size) * needed / 1000) * 1000
    return np.select([level == BELOW, level == ABOVE, level == EXACT], [below, above, needed],
                     needed - 1).astype(np.int64)
