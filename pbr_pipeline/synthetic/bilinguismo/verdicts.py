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
from dataclasses import dataclass

from ..dated_verdicts import (NO_CONTRACT, Claim, DatedOracle, Decided, Listing, Verdict, add_months, decide,
                              identity_key, last_day_of, month_key, shift_month)
from ..verdicts import NOT_ADDITIONAL, PENDING, REJECTED, VERIFIED, Key

__all__ = ["Rules", "Exam", "Oracle", "Claim", "Decided", "Listing", "Verdict", "decide", "identity_key",
           "add_months", "last_day_of", "month_key", "shift_month", "NO_CONTRACT", "NO_ENTRY_TEST", "NOT_CERTIFIED",
           "NOT_ADDITIONAL", "PENDING", "REJECTED", "VERIFIED", "Key"]

NO_ENTRY_TEST, NOT_CERTIFIED = "NO_ENTRY_TEST", "NOT_CERTIFIED"

LEVEL_ORDER: tuple[str, ...] = ("PRE_A1", "A1", "A2", "B1", "B2", "C1", "C2")


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
class Oracle(DatedOracle):
    rules: Rules
    listings: dict[Key, list[Listing]]
    exams: dict[Key, list[Exam]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]
    """Per operator code, the (valid_from, valid_to) spans of its contracts of the programme."""

    @property
    def registry(self) -> dict[Key, list[Exam]]:
        return self.exams

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

    rule = certification


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level)
