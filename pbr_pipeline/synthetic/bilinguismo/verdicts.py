"""The CERTIFICACION_B1 rule run by run: the generator's own oracle, in plain Python over dates.

It reads what the generator made (roster listings, exam rows with the month each version was
delivered, the operators' contract spans) and never the files nor the pipeline, so the
pipeline can be checked against it. Identity is the document as written, read the way
deterministic matching reads it: type aliases resolved, TI folded into CC (a TI becomes a CC
with the same number at 18), dots, spaces and dashes dropped, and leading zeros dropped from
digits-only numbers.

In the run for inbox month M:
- the facts are the exam rows delivered in extracts up to M, a re-delivered key (document,
  prueba, momento, fecha_examen) replacing the earlier row, and only those dated up to the
  horizon, the last day of M - lag;
- gates, in order: a claim of the same operator, person and outcome came earlier (by month
  received, file, row): DUPLICATE; no enrolment of the person by that operator in the
  programme received by the claim's month and dated on or before `fecha_resultado`:
  NOT_ENROLLED; the earliest enrolment (the owner's; ties to the lowest operator code) is
  another operator's: OTHER_OPERATOR; no contract of the operator covers `fecha_resultado`:
  NO_CONTRACT;
- then the rule, with E the owner's enrolment date: the entry tests are the ENTRADA rows (any
  test) dated in [E - 3 months, E + 30 days]; with none, NO_ENTRY_TEST once the horizon has
  reached E + 30 days (PENDING before); the latest decides, and at B1 or above the person is
  NOT_ADDITIONAL; the first SALIDA row of an accepted test at B1 or above dated in
  [E, E + 12 months] verifies the claim (its date is the outcome date); without one,
  NOT_CERTIFIED once E + 12 months is on or before the horizon, PENDING before.

Months are calendar months on dates, clamped to the month's last day (31 May - 3 months is
28 February; 29 February + 12 months is 28 February).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from schemas.codes import DIGITS_ONLY_DOCUMENT_TYPES

from ..dated_verdicts import ClaimRow, Decided, Listing, Verdict, decide_in_order, seen_in_run
from ..verdicts import (NOT_ADDITIONAL, PENDING, REJECTED, VERIFIED, Key, enrolment_date, enrolment_gates,
                        owner_listing)
from ..verdicts import identity_key as employment_identity_key

NO_CONTRACT, NO_ENTRY_TEST, NOT_CERTIFIED = "NO_CONTRACT", "NO_ENTRY_TEST", "NOT_CERTIFIED"

LEVEL_ORDER: tuple[str, ...] = ("PRE_A1", "A1", "A2", "B1", "B2", "C1", "C2")


def identity_key(doc_type: str, number: str) -> Key:
    """(type, number) as deterministic matching compares them: as the EMPLEO oracle reads them,
    and leading zeros dropped from digits-only numbers (operators of this programme write some)."""
    kind, number = employment_identity_key(doc_type, number)
    if kind in DIGITS_ONLY_DOCUMENT_TYPES:
        number = number.lstrip("0") or "0"
    return kind, number


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the last day of the month reached."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _month_length(year, month + 1)))


def _month_length(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_day_of(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, _month_length(year, mon))


def shift_month(month: str, months: int) -> str:
    return month_key(add_months(dt.date(int(month[:4]), int(month[5:7]), 1), months))


@dataclass(frozen=True)
class Rules:
    """The default CERTIFICACION_B1 rule; every number is a contract parameter."""

    entry_test_days_after_enrolment: int = 30
    entry_test_months_before_enrolment: int = 3
    certification_window_months: int = 12
    accepted_exit_tests: tuple[str, ...] = ("APTIS_GENERAL", "APTIS_DOCENTES")
    certified_level: str = "B1"
    lag: int = 1
    """Months between an exam's month and the extract that completes it."""


@dataclass(frozen=True)
class Exam:
    """One delivered exam row (a correction is another Exam with the same key)."""

    test: str
    moment: str
    date: dt.date
    level: str
    """Canonical CEFR level (aliases resolved)."""
    delivered: str
    """Inbox month of the extract that carried it."""

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return self.test, self.moment, self.date


@dataclass
class Oracle:
    rules: Rules
    listings: dict[Key, list[Listing]]
    exams: dict[Key, list[Exam]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]
    """Per operator code, the (valid_from, valid_to) spans of its contracts of the programme."""
    _order: dict[Key, list[Exam]] = field(default_factory=dict, init=False, repr=False)

    def horizon(self, run: str) -> dt.date:
        return last_day_of(shift_month(run, -self.rules.lag))

    def seen(self, key: Key, run: str) -> list[Exam]:
        """The exam rows of a document in the run for `run`: delivered by then, each key in its
        latest version, dated up to the horizon."""
        if key not in self._order:
            self._order[key] = sorted(self.exams.get(key, ()), key=lambda exam: exam.delivered)
        return seen_in_run(self._order[key], run, self.horizon(run))

    def enrolment(self, key: Key, op: str, by_month: str) -> dt.date | None:
        return enrolment_date(self.listings.get(key, ()), op, by_month)

    def owner(self, key: Key, run: str) -> Listing | None:
        return owner_listing(self.listings.get(key, ()), run)

    def covered(self, op: str, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.contracts.get(op, ()))

    def judge(self, *, key: Key, op: str, fecha: dt.date, claim_month: str, run: str, duplicate: bool) -> Verdict:
        stopped, owner = enrolment_gates(self, key=key, op=op, fecha=fecha, claim_month=claim_month, run=run,
                                         duplicate=duplicate)
        if stopped:
            return Verdict(*stopped)
        if not self.covered(op, fecha):
            return Verdict(REJECTED, NO_CONTRACT)
        return self.certification(key, owner.date, run)

    def certification(self, key: Key, start: dt.date, run: str) -> Verdict:
        """The rule alone, for a person enrolled on `start`."""
        rules, horizon = self.rules, self.horizon(run)
        exams = self.seen(key, run)
        entry_from = add_months(start, -rules.entry_test_months_before_enrolment)
        entry_to = start + dt.timedelta(days=rules.entry_test_days_after_enrolment)
        entries = [exam for exam in exams if exam.moment == "ENTRADA" and entry_from <= exam.date <= entry_to]
        if not entries:
            return Verdict(REJECTED, NO_ENTRY_TEST) if entry_to <= horizon else Verdict(PENDING)
        # Generated people never take two entry tests on one day.
        latest = max(entries, key=lambda exam: (exam.date, _rank(exam.level)))
        certified = _rank(rules.certified_level)
        if _rank(latest.level) >= certified:
            return Verdict(REJECTED, NOT_ADDITIONAL)
        window_end = add_months(start, rules.certification_window_months)
        passes = sorted(exam.date for exam in exams
                        if exam.moment == "SALIDA" and exam.test in rules.accepted_exit_tests
                        and _rank(exam.level) >= certified and start <= exam.date <= window_end)
        if passes:
            return Verdict(VERIFIED, outcome_date=passes[0])
        return Verdict(REJECTED, NOT_CERTIFIED) if window_end <= horizon else Verdict(PENDING)


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


@dataclass(frozen=True)
class Claim(ClaimRow):
    """One valid claim row as the oracle needs it."""

    key: Key
    fecha: dt.date


def decide(oracle: Oracle, claims: list[Claim], last: str) -> list[Decided]:
    """Every claim in verdict order (month received, file, row), judged in the run of its own
    month and in the run of `last`; a claim repeats an earlier one of its operator about the
    same document."""
    def judge(claim: Claim, run: str, duplicate: bool) -> Verdict:
        return oracle.judge(key=claim.key, op=claim.op, fecha=claim.fecha, claim_month=claim.month, run=run,
                            duplicate=duplicate)

    return decide_in_order(claims, last, lambda claim: (claim.op, claim.key), judge)
