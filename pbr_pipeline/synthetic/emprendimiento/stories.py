"""What happens to each entrepreneur: a business story (the matrícula in the chamber of
commerce) and an income story (the household's income per head against the baseline's).

Business stories, drawn: a matrícula registered within a year of enrolment (E) that stays
active and is renewed by 31 March every year; none at all (an informal business); one
cancelled before it is six months old; one the person already had before enrolling; one
registered too late, after E + 12 months. Set aside so that every edge shows: registered on E
(counts) or on E + 12 months (counts) or the day after (does not); cancelled exactly on C (its
registration + 6 months: not active) or the day after (active); registered on 30 September
(C on 30 March: no renewal owed yet) or between October and December and never renewed (C
after 31 March: the year's renewal is owed); a first matrícula cancelled and a second one
active (the first decides); and an active one whose cancellation, dated the day before C,
arrives in a later extract (a correction).

Income stories, drawn: per head at least 20% above the baseline at a follow-up (6 to 18 months
after E); about flat; no follow-up; no baseline. Set aside: a rise of exactly 20% (counts), a
peso short of it (does not), from a baseline of no income at all (any income rises), and a rise
whose business never came (no business), and a household measured only after the baseline
window (no baseline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import add_months, between
from ..operators import Enrolments, SetAside
from ..timeline import Timeline, first_day, last_day, month_of_day

REGISTRATION_MONTHS, SURVIVAL_MONTHS = 12, 6
"""The first matrícula counts when registered in [E, E + 12 months] and must last 6 months."""

(BZ_ACTIVE, BZ_NONE, BZ_CANCELLED, BZ_BEFORE, BZ_LATE, BZ_AT_START, BZ_AT_END, BZ_AFTER_END, BZ_CANCELLED_ON_C,
 BZ_CANCELLED_AFTER_C, BZ_30_SEPTEMBER, BZ_NOT_RENEWED, BZ_SECOND, BZ_CORRECTED) = range(14)
BUSINESS_SHARES = (0.55, 0.25, 0.10, 0.05, 0.05, 0, 0, 0, 0, 0, 0, 0, 0, 0)
REGISTERED = (BZ_ACTIVE, BZ_CANCELLED, BZ_BEFORE, BZ_LATE, BZ_AT_START, BZ_AT_END, BZ_AFTER_END, BZ_CANCELLED_ON_C,
              BZ_CANCELLED_AFTER_C, BZ_30_SEPTEMBER, BZ_NOT_RENEWED, BZ_SECOND, BZ_CORRECTED)
"""Stories with a matrícula."""
IN_RISES, IN_FLAT, IN_NONE, IN_NO_BASELINE, IN_EXACT, IN_SHORT, IN_FROM_ZERO, IN_NO_BUSINESS = range(8)
INCOME_SHARES = (0.5, 0.3, 0.1, 0.1, 0, 0, 0, 0)
RISING = (IN_RISES, IN_EXACT, IN_SHORT, IN_FROM_ZERO, IN_NO_BUSINESS)
"""Income stories with a follow-up the operator takes for the rise."""


@dataclass(frozen=True)
class Stories:
    """Per enrolment (aligned with Enrolments): its business and income story, and for a
    registered business the day of its (first) matrícula and of the rise the operator sees."""

    business: np.ndarray
    income: np.ndarray
    set_aside: np.ndarray
    """Chosen to show an edge: the owner claims it for sure."""
    registered: np.ndarray
    """Day of the (first) matrícula, -1 for none."""
    rise: np.ndarray
    """Day of the follow-up the operator takes for the rise, -1 for none."""

    @property
    def survives_to(self) -> np.ndarray:
        """C: the day the first matrícula must last to (-1 for none)."""
        return np.where(self.registered >= 0, add_months(np.maximum(self.registered, 0), SURVIVAL_MONTHS), -1)


def _in_year_span(date: np.ndarray, month: int, day: int, months_after: int) -> np.ndarray:
    """The first `month`/`day` (a day of the year) on or after `date`, -1 where it is more than
    `months_after` months after it."""
    month_index = month_of_day(date)
    year = month_index // 12
    candidate = first_day(year * 12 + month - 1) + day - 1
    candidate = np.where(candidate >= date, candidate, first_day((year + 1) * 12 + month - 1) + day - 1)
    return np.where(candidate <= add_months(date, months_after), candidate, -1)


def plan_stories(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline, contract_start: int,
                 corrections: int) -> Stories:
    """Draw the stories and days, then set aside one enrolment for each edge (and `corrections`
    corrected businesses) where the data set can show it: C (or the rise) dated under the
    contract and seen by the last run."""
    count = len(enrolments.person)
    date = enrolments.date
    business = rng.choice(len(BUSINESS_SHARES), size=count, p=BUSINESS_SHARES)
    income = rng.choice(len(INCOME_SHARES), size=count, p=INCOME_SHARES)
    seen = int(last_day(timeline.last - 1))
    window_end = add_months(date, REGISTRATION_MONTHS)
    # A business the person already had is a few months old at enrolment: its six months end after E.
    before = date - rng.integers(30, 151, count)
    registered = np.select(
        [business == BZ_BEFORE, business == BZ_LATE],
        [before, window_end + rng.integers(1, 91, count)],
        between(rng, date + 15, add_months(date, 10)))
    follow_from, follow_to = add_months(date, 6), add_months(date, 18)
    rise = between(rng, follow_from, np.minimum(follow_to, follow_from + 200))

    def shown(day: np.ndarray, until: int = seen) -> np.ndarray:
        return (day >= contract_start) & (day <= until)

    # Days the edges need, where they exist.
    on_c = add_months(date + 15, SURVIVAL_MONTHS)
    september = _in_year_span(date, 9, 30, REGISTRATION_MONTHS)
    autumn = _in_year_span(date, 10, 1, REGISTRATION_MONTHS)
    autumn_day = np.where(autumn >= 0, autumn + rng.integers(0, 92, count), -1)
    autumn_day = np.where((autumn_day >= 0) & (autumn_day > window_end), autumn, autumn_day)
    verified_by = np.minimum(window_end, add_months(np.full(count, seen), -SURVIVAL_MONTHS))
    can_verify = date + 15 <= verified_by
    rise_seen = np.maximum(follow_from, contract_start) <= np.minimum(follow_to, seen)

    edges = SetAside(rng, {"business": (business, BZ_ACTIVE), "income": (income, IN_FLAT)})
    take = edges.take
    take("business", BZ_AT_START, shown(add_months(date, SURVIVAL_MONTHS)))
    take("business", BZ_AT_END, shown(add_months(window_end, SURVIVAL_MONTHS)))
    take("business", BZ_AFTER_END, shown(add_months(window_end + 1, SURVIVAL_MONTHS)))
    take("business", BZ_CANCELLED_ON_C, shown(on_c))
    take("business", BZ_CANCELLED_AFTER_C, shown(on_c + 1))
    take("business", BZ_30_SEPTEMBER, (september >= 0) & shown(add_months(np.maximum(september, 0), SURVIVAL_MONTHS)))
    take("business", BZ_NOT_RENEWED, (autumn_day >= 0) & shown(add_months(np.maximum(autumn_day, 0), SURVIVAL_MONTHS)))
    take("business", BZ_SECOND, shown(on_c))
    take("business", BZ_CORRECTED, shown(on_c, int(last_day(timeline.last - 2))), how_many=corrections)
    # Two: one claimed six months on, one with its registration's date (before the enrolment).
    take("business", BZ_BEFORE, shown(add_months(before, SURVIVAL_MONTHS)), how_many=2)
    for kind in (IN_EXACT, IN_SHORT, IN_FROM_ZERO):
        take("income", kind, can_verify & rise_seen)
    take("income", IN_NO_BUSINESS, rise_seen & shown(on_c))
    take("income", IN_NO_BASELINE, (add_months(date, 1) <= seen) & rise_seen)
    aside = edges.chosen
    # A rise whose business never came.
    business[aside & (income == IN_NO_BUSINESS)] = BZ_NONE
    # Set-aside businesses and rises are dated where the edge shows.
    registered = np.select(
        [aside & (business == BZ_AT_START), aside & (business == BZ_AT_END), aside & (business == BZ_AFTER_END),
         aside & (business == BZ_30_SEPTEMBER), aside & (business == BZ_NOT_RENEWED),
         aside & np.isin(business, (BZ_CANCELLED_ON_C, BZ_CANCELLED_AFTER_C, BZ_SECOND, BZ_CORRECTED, BZ_BEFORE)),
         aside & (business == BZ_ACTIVE)],
        [date, window_end, window_end + 1, september, autumn_day, np.where(business == BZ_BEFORE, before, date + 15),
         between(rng, date, np.maximum(date, verified_by))],
        registered)
    registered = np.where(business == BZ_NONE, -1, registered)
    rise = np.where(aside & np.isin(income, RISING),
                    between(rng, np.maximum(follow_from, contract_start), np.minimum(follow_to, seen)), rise)
    return Stories(business, income, aside, registered, rise)
