"""Every CERTIFICACION_B1 rule on hand-built cases (real files, real Parquet, the real engine).

A teacher enrolled by OP-004 on 2025-01-15 (E). Entry tests count in [E − 3 months, E + 30
days] = [2024-10-15, 2025-02-14]; the exit exam certifies in [E, E + 12 months] =
[2025-01-15, 2026-01-15]. Exams are delivered the month after they are taken (lag 1).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenario import Scenario, contract

PERSON = "63555123"
ENROLLED_ON = "2025-01-15"


def bilingual_contract(operator: str = "OP-004", **overrides) -> dict:
    return contract(operator, contract_id=f"BIL-{operator}", programme="BILINGUISMO",
                    milestones={"CERTIFICACION_B1": {"price_cop_by_role": {"DOCENTE": 2_500_000, "ESTUDIANTE": 900_000}}},
                    **overrides)


@pytest.fixture
def world(tmp_path) -> Scenario:
    scenario = Scenario(tmp_path, contracts=[bilingual_contract("OP-004"), bilingual_contract("OP-005")])
    return scenario.enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-004", programme="BILINGUISMO", role="DOCENTE")


def claim(world: Scenario, month: str, on: str, operator: str = "OP-004", **kwargs) -> Scenario:
    return world.claim(month, PERSON, "CERTIFICACION_B1", on, operator=operator, programme="BILINGUISMO", support="CERT-1", **kwargs)


def test_an_entry_test_below_b1_and_a_b1_exit_exam_certify(world):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A2").exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1")
    claim(world, "2025-06", "2025-06-10").write()
    assert world.verdict("2025-06") == ("PENDING", None)  # the exit exam is not delivered yet
    assert world.verdict("2025-07") == ("VERIFIED", None)
    row = world.verdicts("2025-07").row(0, named=True)
    assert row["outcome_on"] == dt.date(2025, 6, 10)
    shown = [(e["registry"], e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [
        ("english_exams", dt.date(2025, 1, 20), "ENTRADA APTIS_GENERAL A2", True),
        ("english_exams", dt.date(2025, 6, 10), "SALIDA APTIS_GENERAL B1", True),
    ]


@pytest.mark.parametrize(("entry_on", "verdict"), [
    ("2025-02-14", ("VERIFIED", None)),  # E + 30 days: counts
    ("2025-02-15", ("REJECTED", "NO_ENTRY_TEST")),  # E + 31 days: too late
    ("2024-10-15", ("VERIFIED", None)),  # E − 3 months: counts
    ("2024-10-14", ("REJECTED", "NO_ENTRY_TEST")),  # a day earlier: too early
])
def test_the_entry_test_window(world, entry_on, verdict):
    world.exam("2025-03", PERSON, "ENTRADA", entry_on, "A1").exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B2")
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2025-07") == verdict


def test_no_entry_test_is_pending_until_e_plus_30_days_has_passed(world):
    world.exam("2025-02", PERSON, "SALIDA", "2025-01-31", "B1")
    claim(world, "2025-02", "2025-01-31").write()
    assert world.verdict("2025-02") == ("PENDING", None)  # horizon 2025-01-31 < E + 30 days
    assert world.verdict("2025-03") == ("REJECTED", "NO_ENTRY_TEST")  # horizon 2025-02-28


@pytest.mark.parametrize(("level", "verdict"), [
    ("B1", ("REJECTED", "NOT_ADDITIONAL")),
    ("B+", ("REJECTED", "NOT_ADDITIONAL")),  # Saber 11's B+ reads as B2
    ("A2", ("VERIFIED", None)),
    ("A-", ("VERIFIED", None)),  # reads as PRE_A1
    ("a0", ("VERIFIED", None)),
])
def test_an_entry_test_at_b1_or_above_is_not_additional(world, level, verdict):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-10", level, test="SABER11")
    world.exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1")
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2025-07") == verdict


def test_the_latest_entry_test_decides(world):
    world.exam("2025-02", PERSON, "ENTRADA", "2024-11-02", "B1").exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A2")
    world.exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1")
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2025-07") == ("VERIFIED", None)


@pytest.mark.parametrize(("test", "level", "verdict"), [
    ("APTIS_DOCENTES", "C", ("VERIFIED", None)),  # C reads as C1
    ("APTIS_GENERAL", "A2", ("REJECTED", "NOT_CERTIFIED")),
    ("SABER11", "B1", ("REJECTED", "NOT_CERTIFIED")),  # not an accepted exit test
    ("OTRA", "C2", ("REJECTED", "NOT_CERTIFIED")),
])
def test_only_an_accepted_exit_test_at_b1_or_above_certifies(world, test, level, verdict):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A1").exam("2025-07", PERSON, "SALIDA", "2025-06-10", level, test=test)
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2026-02") == verdict


@pytest.mark.parametrize(("exit_on", "verdict"), [
    ("2026-01-15", ("VERIFIED", None)),  # E + 12 months exactly
    ("2026-01-16", ("REJECTED", "NOT_CERTIFIED")),  # a day after the window
])
def test_the_certification_window_ends_twelve_months_after_enrolment(world, exit_on, verdict):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A1").exam("2026-02", PERSON, "SALIDA", exit_on, "B1")
    claim(world, "2026-02", exit_on).write()
    assert world.verdict("2026-02") == verdict


def test_without_an_exit_exam_the_claim_is_pending_until_the_window_has_passed(world):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A1")
    claim(world, "2025-03", "2025-03-01").write()
    assert world.verdict("2026-01") == ("PENDING", None)  # horizon 2025-12-31 < 2026-01-15
    assert world.verdict("2026-02") == ("REJECTED", "NOT_CERTIFIED")  # horizon 2026-01-31


def test_a_corrected_exam_result_changes_the_verdict_from_the_month_it_arrives(world):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A1").exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1")
    world.exam("2025-09", PERSON, "SALIDA", "2025-06-10", "A2")  # same key, corrected level
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2025-08") == ("VERIFIED", None)
    assert world.verdict("2025-09") == ("PENDING", None)  # the window is still open


def test_the_gates_apply_before_the_rule(world):
    world.exam("2025-02", PERSON, "ENTRADA", "2025-01-20", "A1").exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1")
    world.enrol("2025-02", PERSON, "2025-02-01", operator="OP-005", programme="BILINGUISMO", role="DOCENTE")
    claim(world, "2025-07", "2025-06-10")
    claim(world, "2025-07", "2025-06-10")  # the same claim again
    claim(world, "2025-07", "2025-06-10", operator="OP-005")  # enrolled later by another operator
    world.claim("2025-07", "1234567", "CERTIFICACION_B1", "2025-06-10", operator="OP-004", programme="BILINGUISMO")
    world.write()
    verdicts = world.verdicts("2025-07").sort("source_file", "source_row")
    assert sorted(zip(verdicts["status"], verdicts["reason"]), key=str) == sorted([
        ("VERIFIED", None), ("DUPLICATE", "DUPLICATE"), ("REJECTED", "OTHER_OPERATOR"), ("REJECTED", "NOT_ENROLLED"),
    ], key=str)


def test_a_contract_sets_the_rule_parameters(tmp_path):
    world = Scenario(tmp_path, contracts=[bilingual_contract(rules={"entry_test_days_after_enrolment": 45,
                                                                      "accepted_exit_tests": ["APTIS_GENERAL", "SABER11"]})])
    world.enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-004", programme="BILINGUISMO", role="ESTUDIANTE")
    world.exam("2025-03", PERSON, "ENTRADA", "2025-02-20", "A1")  # E + 36 days: within 45
    world.exam("2025-07", PERSON, "SALIDA", "2025-06-10", "B1", test="SABER11")
    claim(world, "2025-07", "2025-06-10").write()
    assert world.verdict("2025-07") == ("VERIFIED", None)
