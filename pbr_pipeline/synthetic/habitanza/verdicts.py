"""SUPERA_POBREZA_EXTREMA run by run: the generator's own oracle, in plain Python over dates.

It reads what the generator made (roster listings, the measurement rows with the month each
version was delivered, DANE's lines as reference/ writes them, the operators' contract spans),
never the files nor the pipeline, so the pipeline can be checked against it. Identity is the
document as written, read as deterministic matching reads it (the BILINGUISMO oracle's
`identity_key`: aliases resolved, dots and leading zeros of digits-only numbers dropped).

In the run for inbox month M:
- the facts are the measurement rows delivered in extracts up to M, a re-delivered key
  (document, fecha_medicion) replacing the earlier row, and only those dated up to the
  horizon, the last day of M - 1;
- the gates, in order: DUPLICATE, NOT_ENROLLED, OTHER_OPERATOR, NO_CONTRACT, as for every
  programme;
- then the rule, with E the owner's enrolment date. A household is at or above the line when
  its income is at least the line times its people, the line being the extreme-poverty line of
  the measurement's year (the latest earlier year's while DANE has not published it). The
  baseline is the latest measurement dated in [E - 3 months, E + 1 month]: none, and
  E + 1 month is on or before the horizon: NO_BASELINE (PENDING before); at or above the line:
  NOT_ADDITIONAL. The first measurement dated in [E + 6 months, E + 18 months] at or above
  the line verifies the claim (its date is the outcome date); without one, NOT_ABOVE_LINE
  once E + 18 months is on or before the horizon, PENDING before.

Months are calendar months on dates, clamped to the month's last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dated_verdicts import (NO_CONTRACT, Claim, DatedOracle, Decided, Listing, Verdict, add_months, decide,
                              identity_key)
from ..verdicts import NOT_ADDITIONAL, PENDING, REJECTED, VERIFIED, Key

NO_BASELINE, NOT_ABOVE_LINE = "NO_BASELINE", "NOT_ABOVE_LINE"

__all__ = ["Rules", "Measurement", "Oracle", "Claim", "Decided", "Listing", "Verdict", "decide", "identity_key",
           "add_months", "NO_CONTRACT", "NO_BASELINE", "NOT_ABOVE_LINE", "NOT_ADDITIONAL", "PENDING", "REJECTED",
           "VERIFIED", "Key"]


@dataclass(frozen=True)
class Rules:
    """The default SUPERA_POBREZA_EXTREMA rule; every number is a contract parameter."""

    baseline_months_before: int = 3
    baseline_months_after: int = 1
    follow_up_from_months: int = 6
    follow_up_to_months: int = 18
    lag: int = 1
    """Months between a measurement's month and the extract that completes it."""


@dataclass(frozen=True)
class Measurement:
    """One delivered measurement row (a correction is another Measurement with the same date)."""

    date: dt.date
    income: int
    members: int
    delivered: str
    """Inbox month of the extract that carried it."""

    @property
    def key(self) -> dt.date:
        return self.date


def line_for(lines: dict[int, int], year: int) -> int | None:
    """The extreme-poverty line a measurement of `year` is compared with: that year's, or the
    latest earlier year's (provisional); None when the table has none up to it."""
    known = [line_year for line_year in lines if line_year <= year]
    return lines[max(known)] if known else None


def at_or_above(measurement: Measurement, lines: dict[int, int]) -> bool | None:
    """Whether a household is at or above the line of its measurement's year (None: no line)."""
    line = line_for(lines, measurement.date.year)
    return None if line is None else measurement.income >= line * measurement.members


@dataclass
class Oracle(DatedOracle):
    rules: Rules
    listings: dict[Key, list[Listing]]
    measurements: dict[Key, list[Measurement]]
    """Per document as written: every delivered row, corrections included."""
    lines: dict[int, int]
    """The extreme-poverty line (COP per person per month) of the contract's domain by year."""
    contracts: dict[str, list[tuple[dt.date, dt.date]]]
    """Per operator code, the (valid_from, valid_to) spans of its contracts of the programme."""

    @property
    def registry(self) -> dict[Key, list[Measurement]]:
        return self.measurements

    def rule(self, key: Key, start: dt.date, run: str) -> Verdict:
        """The rule alone, for a person enrolled on `start`."""
        rules, horizon = self.rules, self.horizon(run)
        rows = sorted(self.seen(key, run), key=lambda row: row.date)
        baseline_to = add_months(start, rules.baseline_months_after)
        baselines = [row for row in rows
                     if add_months(start, -rules.baseline_months_before) <= row.date <= baseline_to]
        if not baselines:
            return Verdict(REJECTED, NO_BASELINE) if baseline_to <= horizon else Verdict(PENDING)
        above = at_or_above(baselines[-1], self.lines)
        if above is None:
            return Verdict(PENDING)
        if above:
            return Verdict(REJECTED, NOT_ADDITIONAL)
        follow_to = add_months(start, rules.follow_up_to_months)
        follow_from = add_months(start, rules.follow_up_from_months)
        risen = [row.date for row in rows if follow_from <= row.date <= follow_to and at_or_above(row, self.lines)]
        if risen:
            return Verdict(VERIFIED, outcome_date=risen[0])
        return Verdict(REJECTED, NOT_ABOVE_LINE) if follow_to <= horizon else Verdict(PENDING)
