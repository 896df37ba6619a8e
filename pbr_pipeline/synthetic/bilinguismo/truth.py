"""The English programme's rows of the ground truth: each claim's scenario and verdicts, the
certifications nobody claimed, and the people.

Scenario labels come from what the generator did (the operator's intent, the person's entry
and exit story, the document as written), never from the verdicts; the tests check that
labels and verdicts agree.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..dated_claims import not_owned_label, spelling_label
from ..population import DOC_TYPES
from ..timeline import index_month, month_of, to_date
from ..truth import dated_claim_truth, dated_unclaimed, people_rows, with_operators
from .claims import Claims
from .exams import (E_ADVANCED, E_DAY30, E_DAY31, E_LATEST, E_NONE, E_OLD_B1, LEVELS, TESTS, X_AFTER_WINDOW,
                    X_BEFORE_CONTRACT, X_CORRECTED, X_FAIL, X_NONE, X_NOT_ACCEPTED, X_RETAKE, X_WINDOW_END,
                    add_months)
from .people import ROLES
from .verdicts import Decided, Key, Oracle
from .world import World

SCENARIOS: tuple[str, ...] = (
    "TRUE_CLAIM", "EARLY_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "TI_CC", "ENTRY_TEST_DAY_30",
    "ENTRY_TEST_LATEST_DECIDES", "ENTRY_TEST_BEFORE_WINDOW", "EXIT_AT_WINDOW_END", "EXIT_RETAKEN", "DUPLICATE",
    "NOT_ENROLLED", "OTHER_OPERATOR", "RESULT_BEFORE_ENROLMENT", "NO_CONTRACT", "NO_ENTRY_TEST", "ENTRY_TEST_DAY_31",
    "NOT_ADDITIONAL", "NOT_CERTIFIED", "EXIT_TEST_NOT_ACCEPTED", "EXIT_AFTER_WINDOW", "REGISTRY_CORRECTION",
    "INVALID_ROW",
)
"""Every scenario of a CERTIFICACION_B1 claim (the first eleven are certified claims)."""

OUTCOME = "CERTIFICACION_B1"


def _date(day: int) -> str:
    return to_date(int(day)).isoformat()


def label(world: World, claims: Claims, index: int, duplicate_of: str | None) -> tuple[str, str]:
    """(scenario, why) of one valid claim."""
    if duplicate_of is not None:
        return "DUPLICATE", f"repeats the claim in {duplicate_of}"
    intent = int(claims.intent[index])
    e, exams = world.enrolments, world.exams
    rows, stories = exams.rows, exams.stories
    enrolment = int(claims.enrolment[index])
    fecha = int(claims.fecha[index])
    not_owned = not_owned_label(intent, enrolment, fecha, programme="BILINGUISMO", enrolments=e, codes=world.codes,
                                before_enrolment="is the entry test's date, before the enrolment")
    if not_owned is not None:
        return not_owned
    start = int(e.date[enrolment])
    entry, exit_ = int(stories.entry[enrolment]), int(stories.exit[enrolment])
    row = int(claims.exam_row[index])

    def exam(position: int) -> str:
        return f"{TESTS[rows.test[position]]} {LEVELS[rows.level[position]]} on {_date(rows.day[position])}"

    if exit_ == X_BEFORE_CONTRACT:
        return "NO_CONTRACT", (f"the exit test of {_date(fecha)} is before the contract began on "
                               f"{_date(world.contract_start)}")
    if exit_ == X_CORRECTED:
        correction = int(np.flatnonzero(rows.corrects == row)[0])
        return "REGISTRY_CORRECTION", (f"{exam(row)} verified the claim when received; the extract of "
                                       f"{index_month(rows.delivered[correction])} corrected it to "
                                       f"{LEVELS[rows.level[correction]]}")
    entry_row = int(exams.entry_row[enrolment])
    window = f"[{_date(_add(start, -3))}, {_date(start + 30)}]"
    if entry == E_ADVANCED:
        return "NOT_ADDITIONAL", f"the latest entry test in {window} is {exam(entry_row)}"
    if entry == E_NONE:
        return "NO_ENTRY_TEST", f"no entry test dated in {window}"
    if entry == E_DAY31:
        return "ENTRY_TEST_DAY_31", f"the only entry test is on day E + 31 ({_date(start + 31)}), outside {window}"
    window_end = _add(start, 12)
    if exit_ == X_FAIL:
        return "NOT_CERTIFIED", f"the exit tests are below B1 (the claim names {exam(row)})"
    if exit_ == X_NONE:
        return "NOT_CERTIFIED", "no exit test of the person in the registry"
    if exit_ == X_NOT_ACCEPTED:
        return "EXIT_TEST_NOT_ACCEPTED", f"{exam(row)} is not an accepted exit test"
    if exit_ == X_AFTER_WINDOW:
        return "EXIT_AFTER_WINDOW", f"{exam(row)}, the day after the window closed on {_date(window_end)}"

    why = f"exit {exam(row)}, entry {exam(entry_row)}, enrolled {_date(start)}"
    if claims.month[index] <= month_of(int(rows.day[row])):
        return "EARLY_CLAIM", (f"claimed in {index_month(claims.month[index])}, before the extract of "
                               f"{index_month(rows.delivered[row])} carried the exit test; {why}")
    if entry == E_DAY30:
        return "ENTRY_TEST_DAY_30", f"the only entry test is on day E + 30 ({_date(start + 30)}); {why}"
    if entry == E_LATEST:
        return "ENTRY_TEST_LATEST_DECIDES", f"an earlier B1 placement test is overridden by the later one; {why}"
    if entry == E_OLD_B1:
        return "ENTRY_TEST_BEFORE_WINDOW", f"an older B1 test before {window} does not count; {why}"
    if exit_ == X_WINDOW_END:
        return "EXIT_AT_WINDOW_END", f"the exit test is on the window's last day, E + 12 months; {why}"
    if exit_ == X_RETAKE:
        return "EXIT_RETAKEN", f"a first exit test below B1, then a pass; {why}"
    person = int(claims.person[index])
    shown = world.population.doc_type_at(np.array([person]), np.array([start, fecha]))
    if shown[0] != shown[1]:
        return "TI_CC", f"enrolled with {DOC_TYPES[shown[0]]}, claimed with {DOC_TYPES[shown[1]]} (turned 18); {why}"
    return spelling_label(int(claims.cosmetic[index]), claims.doc_type[index], why)


def _add(day: int, months: int) -> int:
    return int(add_months(np.array([day]), months)[0])


def claim_truth(world: World, claims: Claims, decided: list[Decided], positions: dict[tuple[str, int], int],
                person_ids: list[str]) -> list[dict]:
    """Rows of claims.csv for the valid claims. `positions` maps (file, row) to the claim
    index; `person_ids` gives each claim's true person ("" for nobody)."""
    return dated_claim_truth(decided, positions, person_ids, OUTCOME,
                             lambda index, repeated: label(world, claims, index, repeated))


def unclaimed(oracle: Oracle, decided: list[Decided], person_of_key: dict[Key, str], last: str) -> pl.DataFrame:
    """Certifications the registry verifies as of `last` for enrolled people whose owner never
    claimed CERTIFICACION_B1 under the document (whatever the verdict). Read by document, as
    deterministic matching reads them. `outcome_month` is the month of the certifying exit test;
    `placement_month` is left empty."""
    return dated_unclaimed(oracle, decided, person_of_key, last, OUTCOME, oracle.certification)


def people_truth(world: World, listed: pl.DataFrame) -> pl.DataFrame:
    """The programme's people, then the people of its invalid rows, in the columns of
    people.csv. `kind` is BILINGUISMO_DOCENTE or BILINGUISMO_ESTUDIANTE (the person's role in
    the programme), or INVALID_ROW_ONLY. `listed` holds every roster listing (person, op code,
    date) of the programme."""
    kinds = np.array([f"BILINGUISMO_{role}" for role in ROLES])[world.role]
    people = pl.concat([people_rows(world.population, kinds), people_rows(world.extras, "INVALID_ROW_ONLY")])
    listed = listed.unique(["person", "code"], keep="first").sort(["person", "date", "code"])
    return with_operators(people, world.population, listed)
