"""The CREDITO_DESEMBOLSADO rule run by run: the generator's own oracle, in plain Python over
dates (the gates every claim passes first are `dated_verdicts.DatedOracle`'s).

A firm is its NIT as written, read as deterministic matching reads it: the type's aliases
resolved, dots, spaces and dashes dropped (so a check digit run into the number makes another
NIT), leading zeros dropped. In the run for M the disbursements are those reported by M, an
obligation reported again replacing the earlier report, dated up to the last day of M - 4.
With E the owner's enrolment date:
- one dated in [E - 12 months, E): REJECTED NOT_ADDITIONAL, at once;
- the first dated in [E, E + 12 months] reported MICRO, PEQUENA or MEDIANA: VERIFIED on its date;
- E + 12 months on or before the horizon: NOT_ELIGIBLE when the window holds only GRANDE
  reports, NO_CREDIT when it holds none; PENDING before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dated_verdicts import DatedOracle, Listing, Verdict, add_months, identity_key
from ..verdicts import NOT_ADDITIONAL, PENDING, REJECTED, VERIFIED, Key

NOT_ELIGIBLE, NO_CREDIT = "NOT_ELIGIBLE", "NO_CREDIT"

__all__ = ["Rules", "Report", "Oracle", "identity_key", "NOT_ELIGIBLE", "NO_CREDIT"]


@dataclass(frozen=True)
class Rules:
    """The default CREDITO_DESEMBOLSADO rule; every number is a contract parameter."""

    window_months: int = 12
    additionality_lookback_months: int = 12
    eligible_sizes: tuple[str, ...] = ("MEDIANA", "MICRO", "PEQUENA")
    lag: int = 4
    """Months between a disbursement's month and the report that completes it."""


@dataclass(frozen=True)
class Report:
    """One delivered disbursement report (a correction is another Report with the same key)."""

    key: str
    """`numero_obligacion`."""
    date: dt.date
    size: str
    """The size as validation reads it (PEQUEÑA is PEQUENA)."""
    delivered: str


@dataclass
class Oracle(DatedOracle):
    rules: Rules
    listings: dict[Key, list[Listing]]
    reports: dict[Key, list[Report]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]

    @property
    def registry(self) -> dict[Key, list[Report]]:
        return self.reports

    def rule(self, key: Key, start: dt.date, run: str) -> Verdict:
        rules, horizon = self.rules, self.horizon(run)
        reports = self.seen(key, run)
        lookback_from = add_months(start, -rules.additionality_lookback_months)
        window_end = add_months(start, rules.window_months)
        if any(lookback_from <= report.date < start for report in reports):
            return Verdict(REJECTED, NOT_ADDITIONAL)
        window = [report for report in reports if start <= report.date <= window_end]
        eligible = sorted(report.date for report in window if report.size in rules.eligible_sizes)
        if eligible:
            return Verdict(VERIFIED, outcome_date=eligible[0])
        if window_end <= horizon:
            return Verdict(REJECTED, NOT_ELIGIBLE if window else NO_CREDIT)
        return Verdict(PENDING)
