"""HABITANZA_CALLE's rows of the ground truth: each claim's scenario and verdicts, the rises
nobody claimed, and the people.

Scenario labels come from what the generator did (the operator's intent, the person's baseline
and follow-up story, the document as written, when the registry delivered the rise), never
from the verdicts; the tests check that labels and verdicts agree.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..dated_claims import gate_label, spelling_label
from ..timeline import index_month, month_of, to_date
from ..truth import dated_claim_truth, dated_unclaimed, people_rows, with_operators
from .claims import Claims
from .incomes import (B_ABOVE, B_AFTER, B_AT_END, B_AT_LINE, B_AT_START, B_LATEST, B_NONE, F_AFTER_END, F_AT_END,
                      F_AT_LINE, F_AT_START, F_CORRECTED, F_EARLY, F_NONE, F_SHORT, F_STAYS, Measurements,
                      extreme_line, windows)
from .verdicts import Decided, Key, Oracle

PROGRAMME = "HABITANZA_CALLE"
OUTCOME = "SUPERA_POBREZA_EXTREMA"

SCENARIOS: tuple[str, ...] = (
    "TRUE_CLAIM", "EARLY_CLAIM", "LATE_DELIVERY", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER",
    "FOLLOW_UP_AT_LINE", "FOLLOW_UP_ON_WINDOW_START", "FOLLOW_UP_ON_WINDOW_END", "LATEST_BASELINE_DECIDES",
    "BASELINE_ON_WINDOW_START", "BASELINE_ON_WINDOW_END",
    "DUPLICATE", "NOT_ENROLLED", "OTHER_OPERATOR", "RESULT_BEFORE_ENROLMENT", "NO_CONTRACT", "CLAIM_DOC_TYPO",
    "NO_BASELINE", "BASELINE_AFTER_WINDOW", "NOT_ADDITIONAL", "BASELINE_AT_LINE", "NOT_ABOVE_LINE",
    "FOLLOW_UP_PESO_SHORT", "ROSE_BEFORE_WINDOW", "FOLLOW_UP_AFTER_WINDOW", "REGISTRY_CORRECTION", "INVALID_ROW",
)
"""Every scenario of a SUPERA_POBREZA_EXTREMA claim (the first twelve are claims the registry verifies).
CLAIM_DOC_TYPO is a claim whose document has a mistyped digit (DOC_TYPO in EMPLEO, where the
second pass may link it)."""
VERIFIED_SCENARIOS = SCENARIOS[:12]

_BASELINE_LABELS = {
    B_NONE: ("NO_BASELINE", "no measurement dated in the baseline window {window}"),
    B_AFTER: ("BASELINE_AFTER_WINDOW", "the only baseline is on E + 1 month and a day ({day}), outside {window}"),
    B_ABOVE: ("NOT_ADDITIONAL", "the baseline of {day} is above the line: {values}"),
    B_AT_LINE: ("BASELINE_AT_LINE", "the baseline of {day} is exactly the line times the household: {values}"),
}
_FOLLOW_LABELS = {
    F_STAYS: ("NOT_ABOVE_LINE", "every follow-up measurement is below the line; claimed on the operator's word"),
    F_NONE: ("NOT_ABOVE_LINE", "no follow-up measurement (lost to follow-up); claimed on the operator's word"),
    F_EARLY: ("ROSE_BEFORE_WINDOW", "above the line on {day}, before the follow-up window {window}, and below in it"),
    F_SHORT: ("FOLLOW_UP_PESO_SHORT", "the follow-up of {day} is one peso short of the line times the household: "
                                      "{values}"),
    F_AFTER_END: ("FOLLOW_UP_AFTER_WINDOW", "above the line on {day}, E + 18 months and a day, after the window "
                                            "{window}"),
}
_EDGE_LABELS = {
    F_AT_LINE: ("FOLLOW_UP_AT_LINE", "the follow-up is exactly the line times the household"),
    F_AT_START: ("FOLLOW_UP_ON_WINDOW_START", "the rise is on E + 6 months, the window's first day"),
    F_AT_END: ("FOLLOW_UP_ON_WINDOW_END", "the rise is on E + 18 months, the window's last day"),
}
_BASELINE_EDGES = {
    B_LATEST: ("LATEST_BASELINE_DECIDES", "an earlier baseline above the line is overridden by the later one below"),
    B_AT_START: ("BASELINE_ON_WINDOW_START", "the only baseline is on E - 3 months, the window's first day"),
    B_AT_END: ("BASELINE_ON_WINDOW_END", "the only baseline is on E + 1 month, the window's last day"),
}


def _date(day: int) -> str:
    return to_date(int(day)).isoformat()


class Labeller:
    """What the generator knows about each claim, in words."""

    def __init__(self, *, claims: Claims, measurements: Measurements, enrolments, codes: tuple[str, ...],
                 contract_start: int, last: int) -> None:
        self.claims, self.m, self.e, self.codes = claims, measurements, enrolments, codes
        self.contract_start, self.last = contract_start, last

    def values(self, row: int) -> str:
        rows = self.m.rows
        line = int(extreme_line(rows.day[row:row + 1])[0])
        return (f"{rows.income[row]} COP for {rows.members[row]} (line {line} x {rows.members[row]} = "
                f"{line * rows.members[row]})")

    def label(self, index: int, duplicate_of: str | None) -> tuple[str, str]:
        claims, m = self.claims, self.m
        gated = gate_label(claims, index, duplicate_of, programme=PROGRAMME, enrolments=self.e, codes=self.codes,
                           before_enrolment="is the baseline measurement's date, before the enrolment",
                           contract_start=self.contract_start, outcome="rise")
        if gated is not None:
            return gated
        enrolment, fecha = int(claims.enrolment[index]), int(claims.fecha[index])
        start = int(self.e.date[enrolment])
        b_from, b_to, f_from, f_to = (int(day[0]) for day in windows(np.array([start])))
        facts = dict(day=_date(fecha), window=f"[{_date(f_from)}, {_date(f_to)}]")
        stories = m.stories
        baseline, follow = int(stories.baseline[enrolment]), int(stories.follow[enrolment])
        if baseline in _BASELINE_LABELS:
            scenario, why = _BASELINE_LABELS[baseline]
            row = int(m.baseline_row[enrolment])
            return scenario, why.format(window=f"[{_date(b_from)}, {_date(b_to)}]",
                                        day=_date(m.rows.day[row]) if row >= 0 else _date(b_to + 1),
                                        values=self.values(row) if row >= 0 else "")
        row = int(claims.row[index])
        if follow == F_CORRECTED:
            correction = int(np.flatnonzero(m.rows.corrects == row)[0])
            return "REGISTRY_CORRECTION", (f"the follow-up of {_date(fecha)} ({self.values(row)}) verified the claim "
                                           f"when received; the extract of "
                                           f"{index_month(m.rows.delivered[correction])} corrected it to "
                                           f"{self.values(correction)}")
        if follow in _FOLLOW_LABELS:
            scenario, why = _FOLLOW_LABELS[follow]
            return scenario, why.format(values=self.values(row) if row >= 0 else "", **facts)
        base = int(m.baseline_row[enrolment])
        why = (f"baseline {_date(m.rows.day[base])} {self.values(base)}, above the line on {_date(fecha)} "
               f"{self.values(row)}, enrolled {_date(start)}")
        delivered = int(m.rows.delivered[row])
        month = int(claims.month[index])
        if delivered < 0 or month < delivered:
            if delivered < 0 or month <= month_of(fecha):
                return "EARLY_CLAIM", (f"claimed in {index_month(month)}, before the registry carried the "
                                       f"measurement; {why}")
            return "LATE_DELIVERY", (f"claimed in {index_month(month)}; the measurement arrived late, in the "
                                     f"extract of {index_month(delivered)}; {why}")
        if follow in _EDGE_LABELS:
            scenario, text = _EDGE_LABELS[follow]
            return scenario, f"{text}; {why}"
        if baseline in _BASELINE_EDGES:
            scenario, text = _BASELINE_EDGES[baseline]
            return scenario, f"{text}; {why}"
        return spelling_label(int(claims.cosmetic[index]), claims.doc_type[index], why)


def claim_truth(labeller: Labeller, decided: list[Decided], positions: dict[tuple[str, int], int],
                person_ids: list[str]) -> list[dict]:
    """Rows of claims.csv for the valid claims. `positions` maps (file, row) to the claim
    index; `person_ids` gives each claim's true person ("" for nobody)."""
    return dated_claim_truth(decided, positions, person_ids, OUTCOME, labeller.label)


def unclaimed(oracle: Oracle, decided: list[Decided], person_of_key: dict[Key, str], last: str) -> pl.DataFrame:
    """Rises the registry verifies as of `last` for enrolled people whose owner never claimed
    SUPERA_POBREZA_EXTREMA under the document (whatever the verdict). Read by document, as
    deterministic matching reads them. `outcome_month` is the month of the measurement above the
    line; `placement_month` is left empty."""
    return dated_unclaimed(oracle, decided, person_of_key, last, OUTCOME, oracle.rule)


def people_truth(population, extras, listed: pl.DataFrame) -> pl.DataFrame:
    """The programme's people (kind HABITANZA_CALLE), then the people of its invalid rows
    (INVALID_ROW_ONLY), in the columns of people.csv. `listed` holds every roster listing
    (person, op code, date) of the programme."""
    people = pl.concat([people_rows(population, PROGRAMME), people_rows(extras, "INVALID_ROW_ONLY")])
    listed = listed.unique(["person", "code"], keep="first").sort(["person", "date", "code"])
    return with_operators(people, population, listed)
