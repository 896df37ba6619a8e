"""EMPRENDIMIENTO's rows of the ground truth: each claim's scenario and verdicts, the outcomes
nobody claimed, and the people.

Scenario labels come from what the generator did (the operator's intent, the person's business
and income stories, the document as written, when the registry shows the outcome), never from
the verdicts; the tests check that labels and verdicts agree.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..dated_claims import gate_label, spelling_label
from ..bilinguismo.exams import add_months
from ..timeline import index_month, last_day, month_of, to_date
from ..truth import dated_unclaimed, people_rows, unclaimed_frame, with_operators
from .claims import CREATED, OUTCOMES, Claims
from .stories import (BZ_30_SEPTEMBER, BZ_ACTIVE, BZ_AFTER_END, BZ_AT_END, BZ_AT_START, BZ_BEFORE, BZ_CANCELLED,
                      BZ_CANCELLED_AFTER_C, BZ_CANCELLED_ON_C, BZ_CORRECTED, BZ_LATE, BZ_NONE, BZ_NOT_RENEWED,
                      BZ_SECOND, IN_EXACT, IN_FLAT, IN_FROM_ZERO, IN_NO_BASELINE, IN_NONE, IN_SHORT,
                      REGISTRATION_MONTHS, Stories)
from .verdicts import CREATED as CREATED_CODE, RISE as RISE_CODE, Decided, Key, Oracle

PROGRAMME = "EMPRENDIMIENTO"

GATE_SCENARIOS: tuple[str, ...] = (
    "DUPLICATE", "NOT_ENROLLED", "OTHER_OPERATOR", "RESULT_BEFORE_ENROLMENT", "NO_CONTRACT", "CLAIM_DOC_TYPO",
    "INVALID_ROW",
)
"""Scenarios of the claims the gates stop (or validation), of either outcome."""
SCENARIOS: dict[str, tuple[str, ...]] = {
    "EMPRENDIMIENTO_CREADO": (
        "TRUE_CLAIM", "EARLY_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "REGISTERED_ON_ENROLMENT",
        "REGISTERED_ON_WINDOW_END", "CANCELLED_DAY_AFTER_C", "NO_RENEWAL_OWED_YET",
        "NO_BUSINESS", "BUSINESS_BEFORE_ENROLMENT", "REGISTERED_AFTER_WINDOW", "CANCELLED", "CANCELLED_ON_C",
        "NOT_RENEWED", "FIRST_MATRICULA_DECIDES", "REGISTRY_CORRECTION",
    ),
    "AUMENTO_INGRESOS": (
        "TRUE_CLAIM", "EARLY_CLAIM", "RISE_OF_EXACTLY_20_PERCENT", "RISE_FROM_NO_INCOME", "NO_BASELINE",
        "NO_BUSINESS", "NO_INCOME_RISE", "RISE_PESO_SHORT",
    ),
}
"""The scenarios of each outcome's own rule (besides GATE_SCENARIOS)."""
VERIFIED_SCENARIOS = ("TRUE_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "REGISTERED_ON_ENROLMENT",
                      "REGISTERED_ON_WINDOW_END", "CANCELLED_DAY_AFTER_C", "NO_RENEWAL_OWED_YET",
                      "RISE_OF_EXACTLY_20_PERCENT", "RISE_FROM_NO_INCOME")
"""Scenarios the registries verify when received and at the end (EARLY_CLAIM waits first)."""

_BUSINESS_LABELS = {
    BZ_NONE: ("NO_BUSINESS", "no matrícula: the business stayed informal"),
    BZ_BEFORE: ("BUSINESS_BEFORE_ENROLMENT", "the matrícula of {r} is older than the enrolment of {e}"),
    BZ_LATE: ("REGISTERED_AFTER_WINDOW", "registered on {r}, after E + 12 months ({end})"),
    BZ_AFTER_END: ("REGISTERED_AFTER_WINDOW", "registered on {r}, E + 12 months and a day"),
    BZ_CANCELLED: ("CANCELLED", "registered on {r}, cancelled on {x}, before its six months ({c})"),
    BZ_CANCELLED_ON_C: ("CANCELLED_ON_C", "registered on {r}, cancelled on C ({c}): not active on C"),
    BZ_NOT_RENEWED: ("NOT_RENEWED", "registered on {r}; C ({c}) is after 31 March and the year's renewal never came"),
    BZ_SECOND: ("FIRST_MATRICULA_DECIDES", "the first matrícula ({r}) was cancelled on {x}; a second one later "
                                           "does not replace it"),
}
_BUSINESS_EDGES = {
    BZ_AT_START: ("REGISTERED_ON_ENROLMENT", "registered on E itself"),
    BZ_AT_END: ("REGISTERED_ON_WINDOW_END", "registered on E + 12 months, the window's last day"),
    BZ_CANCELLED_AFTER_C: ("CANCELLED_DAY_AFTER_C", "cancelled the day after C: active on C"),
    BZ_30_SEPTEMBER: ("NO_RENEWAL_OWED_YET", "registered on 30 September: C is 30 March, before that year's renewal "
                                             "is due"),
}
_INCOME_LABELS = {
    IN_NO_BASELINE: ("NO_BASELINE", "no income measurement around the enrolment"),
    IN_FLAT: ("NO_INCOME_RISE", "income per head stayed within 15% of the baseline; claimed on the operator's word"),
    IN_NONE: ("NO_INCOME_RISE", "no follow-up measurement; claimed on the operator's word"),
    IN_SHORT: ("RISE_PESO_SHORT", "the follow-up of {d} is a peso short of a fifth above the baseline per head"),
}
_INCOME_EDGES = {
    IN_EXACT: ("RISE_OF_EXACTLY_20_PERCENT", "the follow-up is exactly a fifth above the baseline per head"),
    IN_FROM_ZERO: ("RISE_FROM_NO_INCOME", "the baseline household had no income; any income rises"),
}
_VERIFYING_BUSINESS = (BZ_ACTIVE, BZ_AT_START, BZ_AT_END, BZ_CANCELLED_AFTER_C, BZ_30_SEPTEMBER)


def _date(day: int) -> str:
    return to_date(int(day)).isoformat()


class Labeller:
    """What the generator knows about each claim, in words."""

    def __init__(self, *, claims: Claims, stories: Stories, enrolments, codes: tuple[str, ...], contract_start: int,
                 cancelled: dict[int, int], corrected: dict[int, int], rise_delivered: np.ndarray,
                 last: int) -> None:
        self.claims, self.stories, self.e, self.codes = claims, stories, enrolments, codes
        self.contract_start, self.last = contract_start, last
        self.cancelled = cancelled
        """Per enrolment with a cancelled (first) matrícula: the cancellation's day."""
        self.corrected = corrected
        """Per enrolment of a corrected business: the inbox month the cancellation arrives in."""
        self.rise_delivered = rise_delivered
        """Per enrolment: the inbox month of the rise's extract (-1: none, or never delivered)."""

    def label(self, index: int, duplicate_of: str | None) -> tuple[str, str]:
        claims, stories = self.claims, self.stories
        gated = gate_label(claims, index, duplicate_of, programme=PROGRAMME, enrolments=self.e, codes=self.codes,
                           before_enrolment="is the registration of a business the person had before the enrolment",
                           contract_start=self.contract_start)
        if gated is not None:
            return gated
        enrolment, fecha = int(claims.enrolment[index]), int(claims.fecha[index])
        business, income = int(stories.business[enrolment]), int(stories.income[enrolment])
        r, c = int(stories.registered[enrolment]), int(stories.survives_to[enrolment])
        start = int(self.e.date[enrolment])
        facts = dict(r=_date(r) if r >= 0 else "", c=_date(c) if c >= 0 else "", e=_date(start),
                     x=_date(self.cancelled[enrolment]) if enrolment in self.cancelled else "",
                     end=_date(add_months(np.array([start]), REGISTRATION_MONTHS)[0]), d=_date(fecha))
        month = int(claims.month[index])
        if int(claims.outcome[index]) == CREATED:
            if business == BZ_CORRECTED:
                return "REGISTRY_CORRECTION", (f"the matrícula of {facts['r']} verified the claim when received; the "
                                               f"extract of {index_month(self.corrected[enrolment])} cancels it the "
                                               f"day before C ({facts['c']})")
            if business in _BUSINESS_LABELS:
                scenario, why = _BUSINESS_LABELS[business]
                return scenario, why.format(**facts)
            why = f"registered {facts['r']}, active and renewed when due on C ({facts['c']}), enrolled {facts['e']}"
            if month <= month_of(c) or c > self.seen_until:
                return "EARLY_CLAIM", f"claimed in {index_month(month)}, before C had passed in the registry; {why}"
            if business in _BUSINESS_EDGES:
                scenario, text = _BUSINESS_EDGES[business]
                return scenario, f"{text}; {why}"
            return spelling_label(int(claims.cosmetic[index]), claims.doc_type[index], why)
        if income == IN_NO_BASELINE:
            return _INCOME_LABELS[income][0], _INCOME_LABELS[income][1]
        if business not in _VERIFYING_BUSINESS:
            return "NO_BUSINESS", "the person's business does not verify (EMPRENDIMIENTO_CREADO is rejected)"
        if income in _INCOME_LABELS:
            scenario, why = _INCOME_LABELS[income]
            return scenario, why.format(**facts)
        why = f"a fifth or more above the baseline per head on {facts['d']}; the business verified on C ({facts['c']})"
        delivered = int(self.rise_delivered[enrolment])
        if delivered < 0 or month < max(delivered, month_of(c) + 1) or c > self.seen_until:
            return "EARLY_CLAIM", f"claimed in {index_month(month)}, before the registries showed both; {why}"
        if income in _INCOME_EDGES:
            scenario, text = _INCOME_EDGES[income]
            return scenario, f"{text}; {why}"
        return "TRUE_CLAIM", why

    @property
    def seen_until(self) -> int:
        """The last run's horizon, as a day number."""
        return int(last_day(self.last - 1))


def unclaimed(oracle: Oracle, decided: list[Decided], person_of_key: dict[Key, str], last: str) -> pl.DataFrame:
    """Outcomes the registries verify as of `last` for enrolled people whose owner never claimed
    that outcome under the document (whatever the verdict), each outcome on its own."""
    frames = []
    for outcome in (CREATED_CODE, RISE_CODE):
        mine = [entry for entry in decided if entry.claim.outcome == outcome]
        frames.append(dated_unclaimed(oracle, mine, person_of_key, last, outcome,
                                      lambda key, start, run, outcome=outcome: oracle.rule(key, start, run,
                                                                                            outcome=outcome)))
    return pl.concat(frames) if frames else unclaimed_frame([])


def people_truth(population, extras, listed: pl.DataFrame) -> pl.DataFrame:
    """The programme's people (kind EMPRENDIMIENTO), then the people of its invalid rows, in the
    columns of people.csv."""
    people = pl.concat([people_rows(population, PROGRAMME), people_rows(extras, "INVALID_ROW_ONLY")])
    listed = listed.unique(["person", "code"], keep="first").sort(["person", "date", "code"])
    return with_operators(people, population, listed)


__all__ = ["SCENARIOS", "GATE_SCENARIOS", "VERIFIED_SCENARIOS", "OUTCOMES", "Labeller", "unclaimed", "people_truth"]
