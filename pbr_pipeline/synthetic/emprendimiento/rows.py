"""What the two registries hold of the entrepreneurs: matrículas in the chamber of commerce's
registry (`registro_mercantil`) and household income measurements (`mediciones_ingreso`).

A matrícula is delivered in the extract of the month after its registration (everything older
than the first inbox month in the first extract), and again, with the whole row as it then
stands, in the extract of the month after each change: a renewal (by 31 March every year after
the registration's, between January and March), a cancellation. Changes in one month show in
one row, the latest state. A corrected business's cancellation, dated before C, arrives months
after the operator's claim. People nobody enrolled have matrículas of their own now and then.

Income: a baseline around enrolment and follow-ups near 6, 12 and 18 months after it (some
missed, a fifth a month or two late), the household's size as at the baseline. A follow-up of a
rising story is the rise (per head at least a fifth above the baseline, exactly a fifth, a
peso short of it, or any income from a baseline of none); the follow-ups before it stay about
flat (within 15% of the baseline), those after it either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import add_months, between
from ..habitanza.incomes import MeasurementBatch
from ..operators import Enrolments
from ..timeline import Timeline, first_day, last_day, month_of_day
from .stories import (BZ_30_SEPTEMBER, BZ_CANCELLED, BZ_CANCELLED_AFTER_C, BZ_CANCELLED_ON_C, BZ_CORRECTED,
                      BZ_NOT_RENEWED, BZ_SECOND, IN_EXACT, IN_FROM_ZERO, IN_NO_BASELINE, IN_NONE, IN_SHORT, RISING,
                      Stories)

ACTIVE, CANCELLED = "ACTIVA", "CANCELADA"
BUSINESS_KINDS: tuple[tuple[str, str], ...] = (
    ("TIENDA", "4711"), ("MISCELANEA", "4719"), ("PANADERIA", "1081"), ("CONFECCIONES", "1410"),
    ("PELUQUERIA", "9602"), ("COMIDAS RAPIDAS", "5619"), ("VARIEDADES", "4774"), ("TALLER", "4520"),
    ("CACHARRERIA", "4759"), ("GRANJA", "0145"),
)
"""(the kind of business a name starts with, its CIIU rev. 4 class): shops, bakeries, clothing,
hairdressers, food stalls, workshops; a few keep hens at the edge of the city (0145)."""

FLAT, RISE, EXACT, SHORT = range(4)
"""A follow-up's income per head against the baseline's: within 15%, a fifth or more above,
exactly a fifth above, a peso short of a fifth."""
BASELINE, FOLLOW_UP = range(2)
HOUSEHOLD_SHARES = (0.15, 0.25, 0.27, 0.2, 0.09, 0.04)
"""People in an entrepreneur's household, 1 to 6."""


@dataclass(frozen=True)
class Matriculas:
    """Every delivered version of every matrícula, as columns."""

    person: np.ndarray
    number: np.ndarray
    """The matrícula (text)."""
    registered: np.ndarray
    status: np.ndarray
    """ACTIVA or CANCELADA."""
    renewed_for: np.ndarray
    """`ultimo_ano_renovado`, -1 for none."""
    renewed_on: np.ndarray
    """`fecha_renovacion`, -1 for none."""
    cancelled_on: np.ndarray
    """`fecha_cancelacion`, -1 for none."""
    kind: np.ndarray
    """Index into BUSINESS_KINDS."""
    owner: np.ndarray
    """The enrolment whose story made it, -1 for someone nobody enrolled."""
    delivered: np.ndarray
    """Inbox month of the extract that carries the version."""
    version: np.ndarray
    """0 for the row as first delivered, 1 and more for the versions after a change."""

    @property
    def size(self) -> int:
        return len(self.person)


@dataclass
class _Matricula:
    person: int
    owner: int
    registered: int
    kind: int
    renewals: list[int]
    cancelled: int = -1
    cancel_delivered: int = -1
    """Inbox month the cancellation arrives in (-1: the month after it)."""


def _renewals(rng: np.random.Generator, registered: int, until: int, stop: int = -1) -> list[int]:
    """Renewal days, one a year after the registration's, between 10 January and 31 March,
    up to `until` (and before the cancellation `stop`)."""
    days = []
    year = 1970 + int(month_of_day(registered)) // 12 + 1
    while True:
        day = int(first_day((year - 1970) * 12)) + 9 + int(rng.integers(0, 80))
        if day > until or (0 <= stop <= day):
            return days
        days.append(day)
        year += 1


def build_matriculas(rng: np.random.Generator, enrolments: Enrolments, stories: Stories, people: int,
                     timeline: Timeline, first_number: int) -> Matriculas:
    """Every version of every matrícula the extracts deliver: the entrepreneurs' (their stories)
    and those of a third of the people nobody enrolled."""
    until = int(last_day(timeline.last))
    made: list[_Matricula] = []
    business = stories.business
    survives_to = stories.survives_to
    for index in np.flatnonzero(stories.registered >= 0).tolist():
        story, day, c = int(business[index]), int(stories.registered[index]), int(survives_to[index])
        person, kind = int(enrolments.person[index]), int(rng.integers(0, len(BUSINESS_KINDS)))
        if story == BZ_SECOND:
            made.append(_Matricula(person, index, day, kind, [], cancelled=day + 60))
            day = int(add_months(np.array([day]), 3)[0])
            made.append(_Matricula(person, index, day, int(rng.integers(0, len(BUSINESS_KINDS))),
                                   _renewals(rng, day, until)))
            continue
        cancelled = {BZ_CANCELLED: day + int(rng.integers(20, 151)), BZ_CANCELLED_ON_C: c,
                     BZ_CANCELLED_AFTER_C: c + 1, BZ_CORRECTED: c - 1}.get(story, -1)
        renewed = [] if story in (BZ_30_SEPTEMBER, BZ_NOT_RENEWED) else _renewals(rng, day, until, cancelled)
        entry = _Matricula(person, index, day, kind, renewed, cancelled)
        if story == BZ_CORRECTED:
            # Reported long after: at least a month after the owner's claim (the month after C).
            entry.cancel_delivered = int(rng.integers(month_of_day(c) + 2, timeline.last + 1))
        made.append(entry)
    others = np.flatnonzero(enrolments.row_of < 0)
    for person in others[rng.random(len(others)) < 0.35].tolist():
        day = int(rng.integers(first_day(timeline.first - 24), until + 1))
        made.append(_Matricula(person, -1, day, int(rng.integers(0, len(BUSINESS_KINDS))), _renewals(rng, day, until)))
    return _versions(made, timeline, first_number)


def _versions(made: list[_Matricula], timeline: Timeline, first_number: int) -> Matriculas:
    """The delivered versions of `made`: the row as registered, then after each change."""
    columns: dict[str, list] = {name: [] for name in Matriculas.__dataclass_fields__}
    numbers = first_number + np.arange(len(made)) * 7
    for entry, number in zip(made, numbers.tolist()):
        events = [(entry.registered, "registered")] + [(day, "renewed") for day in entry.renewals]
        if entry.cancelled >= 0:
            events.append((entry.cancelled, "cancelled"))
        state = {"status": ACTIVE, "renewed_for": -1, "renewed_on": -1, "cancelled_on": -1}
        versions: dict[int, dict] = {}
        last_delivered = -1
        for day, what in sorted(events):
            if what == "renewed":
                state = {**state, "renewed_for": 1970 + int(month_of_day(day)) // 12, "renewed_on": day}
            elif what == "cancelled":
                state = {**state, "status": CANCELLED, "cancelled_on": day}
            delivered = max(int(month_of_day(day)) + 1, timeline.first, last_delivered)
            if what == "cancelled" and entry.cancel_delivered >= 0:
                delivered = max(entry.cancel_delivered, last_delivered)
            if delivered > timeline.last:
                break
            versions[delivered] = dict(state)
            last_delivered = delivered
        for version, (delivered, shown) in enumerate(sorted(versions.items())):
            for name, value in (("person", entry.person), ("number", str(number)), ("registered", entry.registered),
                                ("kind", entry.kind), ("owner", entry.owner), ("delivered", delivered),
                                ("version", version), *shown.items()):
                columns[name].append(value)
    return Matriculas(**{name: np.array(values, dtype=object if name in ("number", "status") else np.int64)
                         for name, values in columns.items()})


@dataclass(frozen=True)
class Incomes:
    """Income measurement rows as columns."""

    person: np.ndarray
    day: np.ndarray
    income: np.ndarray
    members: np.ndarray
    level: np.ndarray
    """FLAT, RISE, EXACT or SHORT for a follow-up; -1 for a baseline."""
    role: np.ndarray
    owner: np.ndarray
    delivered: np.ndarray

    @property
    def size(self) -> int:
        return len(self.person)


def build_incomes(rng: np.random.Generator, enrolments: Enrolments, stories: Stories, timeline: Timeline,
                  line: int) -> tuple[Incomes, np.ndarray]:
    """Every income measurement of the entrepreneurs, and per enrolment the row of the rise the
    operator sees (-1 for none). Baselines run from half to two and a half times `line` per head."""
    e, income_story, aside = enrolments, stories.income, stories.set_aside
    count = len(e.person)
    date, owner = e.date, np.arange(count)
    rows = MeasurementBatch()
    b_from, b_to = add_months(date, -3), add_months(date, 1)
    rows.add(income_story != IN_NO_BASELINE, e.person, np.clip(date + rng.integers(-40, 21, count), b_from, b_to), -1,
             BASELINE, owner)
    follow_from, follow_to = add_months(date, 6), add_months(date, 18)
    rising = np.isin(income_story, RISING)
    level = np.select([income_story == IN_EXACT, income_story == IN_SHORT], [EXACT, SHORT], RISE)
    rise_row = rows.add(rising, e.person, stories.rise, level, FOLLOW_UP, owner, late=~aside)
    scheduled = np.stack([between(rng, follow_from, follow_from + 40),
                          add_months(date, 12) + rng.integers(-20, 21, count),
                          between(rng, follow_to - 40, follow_to)], axis=1)
    attended = (rng.random((count, 3)) < 0.75) & (income_story != IN_NONE)[:, None]
    for slot in range(3):
        when = scheduled[:, slot]
        before = when < stories.rise - 10
        after = rising & (when > stories.rise + 10) & ~aside
        keep = attended[:, slot] & np.where(rising, before | after, True)
        rows.add(keep, e.person, when, np.where(after & (rng.random(count) < 0.6), RISE, FLAT), FOLLOW_UP, owner,
                 late=~aside)
    columns = rows.arrays()
    size = len(columns["person"])
    lag = 1 + np.where(columns["late"].astype(bool), rng.choice(3, size=size, p=[0.8, 0.15, 0.05]), 0)
    delivered = np.maximum(month_of_day(columns["day"]) + lag, timeline.first)
    delivered = np.where(delivered <= timeline.last, delivered, -1)

    # Incomes: the baseline per head, and each follow-up against it (same household).
    members = rng.choice(np.arange(1, 7), size=count, p=HOUSEHOLD_SHARES)
    baseline = np.floor(rng.uniform(0.5, 2.5, count) * line * members / 1000).astype(np.int64) * 1000
    baseline = np.where(income_story == IN_FROM_ZERO, 0, baseline)
    of = columns["owner"]
    base = baseline[of]
    draw = rng.uniform(0.85, 1.15, size)
    income = np.select(
        [columns["role"] == BASELINE, columns["level"] == FLAT, columns["level"] == RISE, columns["level"] == EXACT],
        [base, np.floor(base * draw / 1000) * 1000, np.ceil(base * rng.uniform(1.25, 1.9, size) / 1000) * 1000,
         base * 6 // 5], base * 6 // 5 - 1).astype(np.int64)
    # From a baseline of no income, the rise is an income of its own.
    zero_rise = (base == 0) & (columns["level"] == RISE)
    income = np.where(zero_rise, rng.integers(300, 901, size) * 1000, income)
    return Incomes(columns["person"], columns["day"], income, members[of], columns["level"], columns["role"], of,
                   delivered), rise_row
