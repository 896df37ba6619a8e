"""EMPRENDIMIENTO_CREADO and AUMENTO_INGRESOS run by run: the generator's own oracle, in plain
Python over dates.

It reads what the generator made (roster listings, the matrículas and income measurements with
the month each version was delivered, the operators' contract spans), never the files nor the
pipeline. Identity is the document as written, read as deterministic matching reads it.

In the run for inbox month M (both registries have a lag of 1: the horizon is the last day of
M - 1):
- the facts: the matrículas delivered up to M, each (document, matrícula) in its latest
  version, registered up to the horizon (its state, renewal and cancellation as that version
  shows them, whatever their dates); the measurements delivered up to M, each (document,
  fecha_medicion) in its latest version, dated up to the horizon;
- the gates, in order: DUPLICATE (an earlier claim of the operator, person and outcome),
  NOT_ENROLLED, OTHER_OPERATOR, NO_CONTRACT, as for every programme;
- then, with E the owner's enrolment date:

EMPRENDIMIENTO_CREADO: the first matrícula registered in [E, E + 12 months] (by date, then
delivery); none: NO_BUSINESS once E + 12 months is on or before the horizon, else PENDING. C is
its registration + 6 months. CANCELADA with a cancellation on or before C: NOT_ACTIVE. C after
the horizon: PENDING. When C is after 31 March of a year later than the registration's, the
matrícula must be renewed for that year, else NOT_ACTIVE. Otherwise VERIFIED on C.

AUMENTO_INGRESOS: the baseline is the latest measurement in [E - 3 months, E + 1 month]; none
and E + 1 month on or before the horizon: NO_BASELINE. The business (the rule above) REJECTED:
NO_BUSINESS. The first measurement in [E + 6 months, E + 18 months] whose income per head is at
least 20% above the baseline's (income x baseline people x 100 >= baseline income x people x
120, and an income above 0) with the business VERIFIED: VERIFIED on its date. No such
measurement and E + 18 months on or before the horizon: NO_INCOME_RISE. Otherwise PENDING.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dated_verdicts import (NO_CONTRACT, Claim, DatedOracle, Decided, Listing, Verdict, add_months, decide_in_order,
                              identity_key, seen_in_run)
from ..habitanza.verdicts import Measurement
from ..verdicts import PENDING, REJECTED, VERIFIED, Key

NO_BUSINESS, NOT_ACTIVE, NO_BASELINE, NO_INCOME_RISE = "NO_BUSINESS", "NOT_ACTIVE", "NO_BASELINE", "NO_INCOME_RISE"
CREATED, RISE = "EMPRENDIMIENTO_CREADO", "AUMENTO_INGRESOS"
OUTCOMES = (CREATED, RISE)

__all__ = ["Rules", "Matricula", "Measurement", "Oracle", "OutcomeClaim", "Decided", "Listing", "Verdict", "decide",
           "identity_key", "NO_CONTRACT", "NO_BUSINESS", "NOT_ACTIVE", "NO_BASELINE", "NO_INCOME_RISE", "PENDING",
           "REJECTED", "VERIFIED", "CREATED", "RISE", "OUTCOMES", "Key"]


@dataclass(frozen=True)
class Rules:
    """The default EMPRENDIMIENTO rules; every number is a contract parameter."""

    registration_window_months: int = 12
    survival_months: int = 6
    renewal_month: int = 3
    renewal_day: int = 31
    """Every matrícula is renewed by 31 March (Código de Comercio art. 33): the law, not a contract."""
    baseline_months_before: int = 3
    baseline_months_after: int = 1
    follow_up_from_months: int = 6
    follow_up_to_months: int = 18
    income_rise_percent: int = 20
    lag: int = 1


@dataclass(frozen=True)
class Matricula:
    """One delivered version of a matrícula (a later version repeats its number)."""

    number: str
    date: dt.date
    """`fecha_matricula`: the registration, the row's fact date."""
    cancelled: dt.date | None
    """`fecha_cancelacion` of a CANCELADA one."""
    renewed_for: int | None
    delivered: str

    @property
    def key(self) -> str:
        return self.number


@dataclass
class Oracle(DatedOracle):
    rules: Rules
    listings: dict[Key, list[Listing]]
    matriculas: dict[Key, list[Matricula]]
    """Per document as written: every delivered version of every matrícula."""
    measurements: dict[Key, list[Measurement]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]

    def _seen(self, rows: dict, key: Key, run: str) -> list:
        ordered = self.__dict__.setdefault("_sorted", {})
        if (id(rows), key) not in ordered:
            ordered[(id(rows), key)] = sorted(rows.get(key, ()), key=lambda row: row.delivered)
        return seen_in_run(ordered[(id(rows), key)], run, self.horizon(run))

    def business(self, key: Key, start: dt.date, run: str) -> Verdict:
        """EMPRENDIMIENTO_CREADO alone, for a person enrolled on `start`."""
        rules, horizon = self.rules, self.horizon(run)
        window_end = add_months(start, rules.registration_window_months)
        # Generated people never register two matrículas on one day.
        found = sorted((row for row in self._seen(self.matriculas, key, run) if start <= row.date <= window_end),
                       key=lambda row: row.date)
        if not found:
            return Verdict(REJECTED, NO_BUSINESS) if window_end <= horizon else Verdict(PENDING)
        first = found[0]
        survives_to = add_months(first.date, rules.survival_months)
        if first.cancelled is not None and first.cancelled <= survives_to:
            return Verdict(REJECTED, NOT_ACTIVE)
        if survives_to > horizon:
            return Verdict(PENDING)
        deadline = dt.date(survives_to.year, rules.renewal_month, rules.renewal_day)
        owed = survives_to.year if survives_to > deadline else survives_to.year - 1
        if owed > first.date.year and not (first.renewed_for or 0) >= owed:
            return Verdict(REJECTED, NOT_ACTIVE)
        return Verdict(VERIFIED, outcome_date=survives_to)

    def income(self, key: Key, start: dt.date, run: str) -> Verdict:
        """AUMENTO_INGRESOS alone, for a person enrolled on `start`."""
        rules, horizon = self.rules, self.horizon(run)
        rows = sorted(self._seen(self.measurements, key, run), key=lambda row: row.date)
        baseline_to = add_months(start, rules.baseline_months_after)
        baselines = [row for row in rows if add_months(start, -rules.baseline_months_before) <= row.date <= baseline_to]
        if not baselines and baseline_to <= horizon:
            return Verdict(REJECTED, NO_BASELINE)
        business = self.business(key, start, run)
        if business.status == REJECTED:
            return Verdict(REJECTED, NO_BUSINESS)
        follow_to = add_months(start, rules.follow_up_to_months)
        follow_from = add_months(start, rules.follow_up_from_months)
        rises = [row.date for row in rows if baselines and follow_from <= row.date <= follow_to
                 and _rose(baselines[-1], row, rules.income_rise_percent)]
        if rises and business.status == VERIFIED:
            return Verdict(VERIFIED, outcome_date=rises[0])
        if not rises and follow_to <= horizon:
            return Verdict(REJECTED, NO_INCOME_RISE)
        return Verdict(PENDING)

    def rule(self, key: Key, start: dt.date, run: str, outcome: str = CREATED) -> Verdict:
        return self.business(key, start, run) if outcome == CREATED else self.income(key, start, run)


def _rose(baseline: Measurement, row: Measurement, percent: int) -> bool:
    return (row.income > 0
            and row.income * baseline.members * 100 >= baseline.income * row.members * (100 + percent))


@dataclass(frozen=True)
class OutcomeClaim(Claim):
    """A claim of one of the programme's two outcomes."""

    outcome: str


def decide(oracle: Oracle, claims: list[OutcomeClaim], last: str) -> list[Decided]:
    """Every claim in verdict order, judged in the run of its own month and in the run of
    `last`; a claim repeats an earlier one of its operator about the same document and outcome."""
    def judge(claim: OutcomeClaim, run: str, duplicate: bool) -> Verdict:
        return oracle.judge(key=claim.key, op=claim.op, fecha=claim.fecha, claim_month=claim.month, run=run,
                            duplicate=duplicate, outcome=claim.outcome)

    return decide_in_order(claims, last, lambda claim: (claim.op, claim.key, claim.outcome), judge)
