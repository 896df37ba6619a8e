"""Months as integers, and the calendar one generated data set spans.

Month arithmetic over whole arrays needs integers, so the generator counts months from
1970-01 (the origin of numpy's `datetime64[M]`) and days from 1970-01-01 (the origin of
`datetime64[D]`), and turns them back into `YYYY-MM` strings and dates only when it writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from pbr_pipeline.core.months import add_months, month_range, parse_month

from .reference import SMMLV

_ORIGIN = "1970-01"
_EPOCH = dt.date(1970, 1, 1)

HISTORY_MONTHS = 6
"""The first extract holds the month before the first inbox month and these months before it."""

FUTURE_MONTHS = 12
"""Months simulated after the last inbox month. They are never written; they only let the
ground truth say whether a claim still pending at the end is true (enrolment windows run 12
months)."""

MAX_PERIODS = 62
"""Qualifying months are kept as one bit per period in an int64 per person."""


def month_index(month: str) -> int:
    """`YYYY-MM` as months since 1970-01."""
    year, mon = (int(part) for part in parse_month(month).split("-"))
    return (year - 1970) * 12 + mon - 1


def index_month(index: int) -> str:
    """Months since 1970-01 back to `YYYY-MM`."""
    return add_months(_ORIGIN, int(index))


def first_day(months) -> np.ndarray:
    """Day number of the first day of each month index."""
    return np.asarray(months, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def last_day(months) -> np.ndarray:
    """Day number of the last day of each month index."""
    return first_day(np.asarray(months, dtype=np.int64) + 1) - 1


def month_of_day(days) -> np.ndarray:
    """Month index of each day number."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def year_of_month(months) -> np.ndarray:
    return 1970 + np.asarray(months, dtype=np.int64) // 12


def to_date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


@dataclass(frozen=True)
class Timeline:
    """The inbox months of one data set and the registry periods around them.

    Period p is delivered in the extract of inbox month p + 1; the first extract also carries
    the history, so every period up to the last inbox month minus one is observable by then.
    """

    months: tuple[str, ...]

    @classmethod
    def of(cls, months: list[str]) -> "Timeline":
        if not months:
            raise ValueError("give at least one month to generate")
        if list(months) != month_range(months[0], months[-1]):
            raise ValueError("the months to generate must be consecutive, oldest first (YYYY-MM..YYYY-MM)")
        timeline = cls(tuple(months))
        if timeline.world_end - timeline.period0 + 1 > MAX_PERIODS:
            most = MAX_PERIODS - HISTORY_MONTHS - 1 - FUTURE_MONTHS
            raise ValueError(f"at most {most} months can be generated at once")
        years = {int(index_month(timeline.period0)[:4]), int(index_month(timeline.last_period)[:4])}
        if not years <= set(SMMLV):
            raise ValueError(
                f"the minimum-wage table covers {min(SMMLV)}-{max(SMMLV)}; registry periods "
                f"{index_month(timeline.period0)}..{index_month(timeline.last_period)} fall outside it"
            )
        return timeline

    @cached_property
    def first(self) -> int:
        return month_index(self.months[0])

    @cached_property
    def last(self) -> int:
        return month_index(self.months[-1])

    @property
    def inbox(self) -> range:
        return range(self.first, self.last + 1)

    @cached_property
    def period0(self) -> int:
        """Oldest period delivered (in the first extract)."""
        return self.first - 1 - HISTORY_MONTHS

    @property
    def last_period(self) -> int:
        """Newest period delivered (in the last extract)."""
        return self.last - 1

    @property
    def world_end(self) -> int:
        """Newest period simulated."""
        return self.last + FUTURE_MONTHS

    def delivery(self, period: int) -> int:
        """Inbox month whose extract normally carries `period`."""
        return max(period + 1, self.first)

    def bit(self, period: int) -> int:
        return 1 << (period - self.period0)

    def observable(self, run: int) -> int:
        """Bit mask of the periods observable in the run of inbox month `run` (periods < run)."""
        count = run - self.period0
        return (1 << count) - 1 if count > 0 else 0


def month_of(day: int) -> int:
    """Month index of one day number (scalar form of month_of_day)."""
    date = to_date(day)
    return (date.year - 1970) * 12 + date.month - 1


def date_series(days, *, optional: bool = True) -> pl.Series:
    """Day numbers as a polars Date column.

    An optional date (an exit, a novelty date) marks "no date" with a negative number. Birth
    dates are never optional and may fall before 1970, so they pass `optional=False`.
    """
    days = np.asarray(days, dtype=np.int64)
    series = pl.Series(days).cast(pl.Int32).cast(pl.Date)
    if not optional:
        return series
    return pl.select(pl.when(pl.Series(days >= 0)).then(series).otherwise(None)).to_series()
