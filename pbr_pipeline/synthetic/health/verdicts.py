"""CONTROLES_PRENATALES and CASO_ADHERENTE run by run: the generator's own oracle, in plain Python.

It reads what the generator made (roster listings with the sex they give, the RIPS rows with
the month each version was delivered, the operators' contract spans), never the files nor the
pipeline, so the pipeline can be checked against it. Identity is the document as written,
read as deterministic matching reads it (the BILINGUISMO oracle's `identity_key`: aliases
resolved, TI folded into CC, dots and leading zeros dropped).

In the run for inbox month M:
- the facts are the RIPS rows delivered up to M, a re-delivered key (document, invoice,
  consecutivo, service kind) replacing the earlier row, and only those dated up to the
  horizon, the last day of M - 2 (RIPS arrives with a lag of two months);
- the gates, in order: DUPLICATE, NOT_ENROLLED, OTHER_OPERATOR (the owner is the earliest
  enrolment in the claim's programme), NO_CONTRACT, as for every programme;
- then the programme's rule, with E the owner's enrolment date:

CONTROLES_PRENATALES: the owner's roster gives a sex other than F: NOT_ELIGIBLE. A control is
a CONSULTA or PROCEDIMIENTO with purpose 23 or a main diagnosis in Z34 or Z35, dated in
[E, E + 9 months]; a day counts once. Four days: VERIFIED on the fourth. Fewer, and
E + 9 months is on or before the horizon: NOT_ENOUGH_CONTROLS; else PENDING.

CASO_ADHERENTE: a row is of the group HIV (main diagnosis B20-B24, Z21) or TB (A15-A19).
D is the first CONSULTA or PROCEDIMIENTO of a group dated in [E - 30 days, E + 12 months]
(its group is the case's); none: NO_DIAGNOSIS once E + 12 months is on or before the
horizon, else PENDING. A row of the group in [D - 12 months, D): NOT_NEW_CASE. T is the first
MEDICAMENTO of the group in [D, D + 30 days]; none: NO_TREATMENT once D + 30 days is on or
before the horizon, else PENDING. The treatment days of the group's MEDICAMENTO rows dated in
[T, T + 6 months), added in date order, reach 80% of the span's days rounded up: VERIFIED on
the date of the row that reached it; otherwise NOT_ADHERENT once the span's last day is on
or before the horizon, else PENDING.

Months are calendar months on dates, clamped to the month's last day. Rows of one date are
taken in the order they were delivered (month, file, row), as the pipeline orders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import dated_verdicts
from ..dated_verdicts import (ClaimRow, Decided, Verdict, add_months, decide_in_order, identity_key, last_day_of,
                              seen_in_run, shift_month)
from ..verdicts import DUPLICATE, PENDING, REJECTED, VERIFIED, Key, enrolment_date, enrolment_gates, owner_listing
from .catalogue import GROUP_CATEGORIES

NO_CONTRACT = "NO_CONTRACT"
NOT_ELIGIBLE, NOT_ENOUGH_CONTROLS = "NOT_ELIGIBLE", "NOT_ENOUGH_CONTROLS"
NO_DIAGNOSIS, NOT_NEW_CASE, NO_TREATMENT, NOT_ADHERENT = "NO_DIAGNOSIS", "NOT_NEW_CASE", "NO_TREATMENT", "NOT_ADHERENT"
MATERNA, TRANSMISIBLES = "SALUD_MATERNA", "SALUD_TRANSMISIBLES"

__all__ = ["Rules", "Listing", "Row", "Verdict", "Oracle", "Claim", "Decided", "decide", "prenatal", "adherence",
           "identity_key", "add_months", "DUPLICATE", "PENDING", "REJECTED", "VERIFIED"]


@dataclass(frozen=True)
class Rules:
    """The default rules of both programmes; every number is a contract parameter."""

    controls_needed: int = 4
    window_months: int = 9
    control_purposes: tuple[str, ...] = ("23",)
    control_categories: tuple[str, ...] = ("Z34", "Z35")
    control_kinds: tuple[str, ...] = ("CONSULTA", "PROCEDIMIENTO")
    groups: tuple[frozenset[str], ...] = GROUP_CATEGORIES
    diagnosis_days_before: int = 30
    diagnosis_window_months: int = 12
    diagnosis_kinds: tuple[str, ...] = ("CONSULTA", "PROCEDIMIENTO")
    lookback_months: int = 12
    treatment_days: int = 30
    adherence_months: int = 6
    adherence_percent: int = 80
    lag: int = 2
    """Months between a service's month and the last extract that may bring it."""


@dataclass(frozen=True)
class Listing(dated_verdicts.Listing):
    """One valid roster row of a health programme, with the sex it gives."""

    sex: str
    """As the row gives it: F or M."""


@dataclass(frozen=True)
class Row:
    """One delivered RIPS row (a correction is another Row with the same `key`)."""

    kind: str
    date: dt.date
    purpose: str
    dx: str
    days: int | None
    key: tuple[str, int, str]
    """(num_factura, consecutivo, tipo_servicio): with the document, what a correction repeats."""
    order: tuple[str, str, int]
    """(inbox month, file, row): the delivery order."""

    @property
    def delivered(self) -> str:
        return self.order[0]


def _group(rules: Rules, dx: str) -> int | None:
    category = dx[:3]
    return next((index for index, group in enumerate(rules.groups) if category in group), None)


def prenatal(rules: Rules, rows: list[Row], start: dt.date, sex: str, horizon: dt.date) -> Verdict:
    """CONTROLES_PRENATALES on `rows` (the facts seen) for a person enrolled on `start`."""
    if sex != "F":
        return Verdict(REJECTED, NOT_ELIGIBLE)
    end = add_months(start, rules.window_months)
    days = sorted({row.date for row in rows
                   if row.kind in rules.control_kinds and start <= row.date <= end
                   and (row.purpose in rules.control_purposes or row.dx[:3] in rules.control_categories)})
    if len(days) >= rules.controls_needed:
        return Verdict(VERIFIED, outcome_date=days[rules.controls_needed - 1])
    return Verdict(REJECTED, NOT_ENOUGH_CONTROLS) if end <= horizon else Verdict(PENDING)


def adherence(rules: Rules, rows: list[Row], start: dt.date, horizon: dt.date) -> Verdict:
    """CASO_ADHERENTE on `rows` (the facts seen) for a person enrolled on `start`."""
    ordered = sorted(rows, key=lambda row: (row.date, row.order))
    low, high = start - dt.timedelta(days=rules.diagnosis_days_before), add_months(start, rules.diagnosis_window_months)
    diagnosis = next((row for row in ordered if row.kind in rules.diagnosis_kinds and low <= row.date <= high
                      and _group(rules, row.dx) is not None), None)
    if diagnosis is None:
        return Verdict(REJECTED, NO_DIAGNOSIS) if high <= horizon else Verdict(PENDING)
    group, day = _group(rules, diagnosis.dx), diagnosis.date
    mine = [row for row in ordered if _group(rules, row.dx) == group]
    lookback = add_months(day, -rules.lookback_months)
    if any(lookback <= row.date < day for row in mine):
        return Verdict(REJECTED, NOT_NEW_CASE)
    medicines = [row for row in mine if row.kind == "MEDICAMENTO"]
    deadline = day + dt.timedelta(days=rules.treatment_days)
    start_row = next((row for row in medicines if day <= row.date <= deadline), None)
    if start_row is None:
        return Verdict(REJECTED, NO_TREATMENT) if deadline <= horizon else Verdict(PENDING)
    treated = start_row.date
    span_end = add_months(treated, rules.adherence_months)
    needed = -(-(span_end - treated).days * rules.adherence_percent // 100)
    total = 0
    for row in medicines:
        if treated <= row.date < span_end:
            total += row.days or 0
            if total >= needed:
                return Verdict(VERIFIED, outcome_date=row.date)
    return Verdict(REJECTED, NOT_ADHERENT) if span_end - dt.timedelta(days=1) <= horizon else Verdict(PENDING)


@dataclass
class Oracle:
    rules: Rules
    listings: dict[tuple[str, Key], list[Listing]]
    """Per (programme, document): the valid roster rows."""
    rows: dict[Key, list[Row]]
    """Per document as written: every delivered RIPS row, corrections included."""
    contracts: dict[tuple[str, str], list[tuple[dt.date, dt.date]]]
    """Per (programme, operator): the (valid_from, valid_to) spans of its contracts."""
    _ordered: dict[Key, list[Row]] = field(default_factory=dict, init=False, repr=False)

    def horizon(self, run: str) -> dt.date:
        return last_day_of(shift_month(run, -self.rules.lag))

    def seen(self, key: Key, run: str) -> list[Row]:
        if key not in self._ordered:
            self._ordered[key] = sorted(self.rows.get(key, ()), key=lambda row: row.order)
        return seen_in_run(self._ordered[key], run, self.horizon(run))

    def rule(self, programme: str, key: Key, owner: Listing, run: str) -> Verdict:
        """The programme's rule alone, for the person of `key` owned as `owner` records."""
        rows, horizon = self.seen(key, run), self.horizon(run)
        if programme == MATERNA:
            return prenatal(self.rules, rows, owner.date, owner.sex, horizon)
        return adherence(self.rules, rows, owner.date, horizon)

    def judge(self, *, programme: str, key: Key, op: str, fecha: dt.date, claim_month: str, run: str,
              duplicate: bool) -> Verdict:
        stopped, owner = enrolment_gates(_Rosters(self, programme), key=key, op=op, fecha=fecha,
                                         claim_month=claim_month, run=run, duplicate=duplicate)
        if stopped:
            return Verdict(*stopped)
        if not any(start <= fecha <= end for start, end in self.contracts.get((programme, op), ())):
            return Verdict(REJECTED, NO_CONTRACT)
        return self.rule(programme, key, owner, run)

    def owner(self, programme: str, key: Key, run: str) -> Listing | None:
        return owner_listing(self.listings.get((programme, key), ()), run)


@dataclass(frozen=True)
class _Rosters:
    """One programme's listings, as the shared gates ask for them."""

    oracle: Oracle
    programme: str

    def enrolment(self, key: Key, op: str, by_month: str) -> dt.date | None:
        return enrolment_date(self.oracle.listings.get((self.programme, key), ()), op, by_month)

    def owner(self, key: Key, run: str) -> Listing | None:
        return self.oracle.owner(self.programme, key, run)


@dataclass(frozen=True)
class Claim(ClaimRow):
    programme: str
    outcome: str
    key: Key
    fecha: dt.date


def decide(oracle: Oracle, claims: list[Claim], last: str) -> list[Decided]:
    """Every claim in verdict order (month received, file, row), judged in the run of its own
    month and in the run of `last`; a claim repeats an earlier one of its operator about the
    same document, programme and outcome."""
    def judge(claim: Claim, run: str, duplicate: bool) -> Verdict:
        return oracle.judge(programme=claim.programme, key=claim.key, op=claim.op, fecha=claim.fecha,
                            claim_month=claim.month, run=run, duplicate=duplicate)

    return decide_in_order(claims, last, lambda claim: (claim.op, claim.programme, claim.key, claim.outcome), judge)
