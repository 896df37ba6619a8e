"""Every SUPERA_POBREZA_EXTREMA rule on hand-built cases (real files, real Parquet, the real engine).

A homeless person enrolled by OP-021 on 2025-01-15 (E). The baseline is the latest income
measurement in [E − 3 months, E + 1 month] = [2024-10-15, 2025-02-15]; the follow-up counts
in [E + 6 months, E + 18 months] = [2025-07-15, 2026-07-15]. Measurements are delivered the
month after they are taken (lag 1). The national extreme-poverty line is 227,220 COP per head
for 2024; 2025 has no line yet, so 2024's stands in (provisional). Two people in the household:
the line for them is 454,440 COP.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pbr_pipeline.money.contracts import ContractError, load_contracts
from tests.scenario import Scenario, contract

PERSON = "1098123456"
ENROLLED_ON = "2025-01-15"
LINE_FOR_TWO = 2 * 227_220


def homeless_contract(operator: str = "OP-021", **overrides) -> dict:
    return contract(operator, contract_id=f"HAB-{operator}", programme="HABITANZA_CALLE",
                    milestones={"SUPERA_POBREZA_EXTREMA": {"price_cop": 3_000_000}}, **overrides)


@pytest.fixture
def world(tmp_path) -> Scenario:
    scenario = Scenario(tmp_path, contracts=[homeless_contract("OP-021")])
    return scenario.enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-021", programme="HABITANZA_CALLE")


def claim(world: Scenario, month: str, on: str) -> Scenario:
    return world.claim(month, PERSON, "SUPERA_POBREZA_EXTREMA", on, operator="OP-021", programme="HABITANZA_CALLE", support="")


def below_at_enrolment(world: Scenario) -> Scenario:
    """A baseline of 300,000 COP for two people (150,000 per head) taken at enrolment."""
    return world.income("2025-02", PERSON, "2025-01-10", 300_000, 2)


def test_a_baseline_below_the_line_and_a_follow_up_at_or_above_it_verify(world):
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", 500_000, 2)
    claim(world, "2025-08", "2025-08-20").write()
    assert world.verdict("2025-08") == ("PENDING", None)  # the follow-up is not delivered yet
    assert world.verdict("2025-09") == ("VERIFIED", None)
    row = world.verdicts("2025-09").row(0, named=True)
    assert row["outcome_on"] == dt.date(2025, 8, 20)
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2024, 10, 15), dt.date(2026, 7, 15))
    shown = [(e["registry"], e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [
        ("income_measurements", dt.date(2025, 1, 10), "baseline window · household income 300000 COP, 2 people, 150000 COP per head"
         " · extreme-poverty line 227220 COP (of 2024: provisional)", True),
        ("income_measurements", dt.date(2025, 8, 20), "follow-up window · household income 500000 COP, 2 people, 250000 COP per head"
         " · extreme-poverty line 227220 COP (of 2024: provisional)", True),
    ]


@pytest.mark.parametrize(("income", "verdict"), [
    (LINE_FOR_TWO, ("VERIFIED", None)),  # exactly the line times the household
    (LINE_FOR_TWO - 1, ("PENDING", None)),  # a peso short: the window is still open
])
def test_income_exactly_at_the_line_times_the_household_is_above_it(world, income, verdict):
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", income, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == verdict


@pytest.mark.parametrize(("measured_on", "verdict"), [
    ("2025-07-15", ("VERIFIED", None)),  # E + 6 months exactly
    ("2025-07-14", ("REJECTED", "NOT_ABOVE_LINE")),  # a day early: not a follow-up
    ("2026-07-15", ("VERIFIED", None)),  # E + 18 months exactly
    ("2026-07-16", ("REJECTED", "NOT_ABOVE_LINE")),  # E + 18 months and a day
])
def test_the_follow_up_window(world, measured_on, verdict):
    below_at_enrolment(world).income("2026-07" if measured_on < "2026-07-16" else "2026-08", PERSON, measured_on, 600_000, 2)
    claim(world, "2025-08", "2025-07-15").write()
    assert world.verdict("2026-08") == verdict  # horizon 2026-07-31: the window is over


def test_not_above_the_line_waits_until_e_plus_18_months_has_passed(world):
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", 400_000, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2026-07") == ("PENDING", None)  # horizon 2026-06-30
    assert world.verdict("2026-08") == ("REJECTED", "NOT_ABOVE_LINE")  # horizon 2026-07-31


def test_no_baseline_is_pending_until_e_plus_1_month_has_passed(world):
    world.income("2025-09", PERSON, "2025-08-20", 500_000, 2)
    claim(world, "2025-02", "2025-01-31").write()
    assert world.verdict("2025-02") == ("PENDING", None)  # horizon 2025-01-31 < E + 1 month
    assert world.verdict("2025-03") == ("REJECTED", "NO_BASELINE")  # horizon 2025-02-28


@pytest.mark.parametrize(("measured_on", "verdict"), [
    ("2024-10-15", ("VERIFIED", None)),  # E − 3 months: a baseline
    ("2024-10-14", ("REJECTED", "NO_BASELINE")),
    ("2025-02-15", ("VERIFIED", None)),  # E + 1 month: a baseline
    ("2025-02-16", ("REJECTED", "NO_BASELINE")),
])
def test_the_baseline_window(world, measured_on, verdict):
    world.income("2025-03", PERSON, measured_on, 300_000, 2).income("2025-09", PERSON, "2025-08-20", 500_000, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == verdict


def test_a_baseline_at_or_above_the_line_is_not_additional(world):
    world.income("2025-02", PERSON, "2025-01-10", LINE_FOR_TWO, 2)
    claim(world, "2025-02", "2025-01-31").write()
    assert world.verdict("2025-02") == ("REJECTED", "NOT_ADDITIONAL")  # decided as soon as seen


def test_the_latest_baseline_decides(world):
    world.income("2025-02", PERSON, "2024-11-02", 900_000, 2).income("2025-02", PERSON, "2025-01-10", 300_000, 2)
    world.income("2025-09", PERSON, "2025-08-20", 500_000, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == ("VERIFIED", None)


def test_the_first_follow_up_above_the_line_is_the_outcome(world):
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-01", 400_000, 2)
    world.income("2025-10", PERSON, "2025-09-12", 800_000, 4).income("2025-11", PERSON, "2025-10-03", 900_000, 2)
    claim(world, "2025-11", "2025-10-03").write()
    row = world.verdicts("2025-11").row(0, named=True)
    # 200,000 per head on 2025-08-01 and again on 2025-09-12 (four people), 450,000 on 2025-10-03.
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 10, 3))
    assert [e["counts"] for e in row["evidence_rows"]] == [True, False, False, True]


def test_a_year_whose_line_arrives_later_is_judged_again_with_it(world):
    # 235,000 per head: above 2024's line (provisional for 2025), below 2025's once published.
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", 470_000, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == ("VERIFIED", None)
    world.poverty_lines[(2025, "NACIONAL")] = 240_000
    world.write()
    assert world.verdict("2025-09") == ("PENDING", None)
    shows = [e["shows"] for e in world.verdicts("2025-09").row(0, named=True)["evidence_rows"]]
    assert shows[1].endswith("extreme-poverty line 240000 COP (2025)")


def test_the_contract_names_the_lines_domain(tmp_path):
    terms = homeless_contract("OP-021", rules={"poverty_line_domain": "BUCARAMANGA_AM"})
    world = Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-021", programme="HABITANZA_CALLE")
    world.poverty_lines[(2024, "BUCARAMANGA_AM")] = 260_000
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", 500_000, 2)  # 250,000 per head
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == ("PENDING", None)  # below the metropolitan line
    world.income("2025-10", PERSON, "2025-09-20", 520_000, 2).write()
    assert world.verdict("2025-10") == ("VERIFIED", None)


def test_a_domain_without_a_line_leaves_the_claim_pending(tmp_path):
    terms = homeless_contract("OP-021", rules={"poverty_line_domain": "CABECERAS"})
    world = Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-021", programme="HABITANZA_CALLE")
    below_at_enrolment(world).income("2026-08", PERSON, "2025-08-20", 900_000, 2)
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2026-08") == ("PENDING", None)  # no line to compare with, even after the window
    shows = [e["shows"] for e in world.verdicts("2026-08").row(0, named=True)["evidence_rows"]]
    assert all(text.endswith("no extreme-poverty line for its year in the domain") for text in shows)


def test_a_corrected_measurement_replaces_the_one_delivered_before(world):
    below_at_enrolment(world).income("2025-09", PERSON, "2025-08-20", 500_000, 2)
    world.income("2025-10", PERSON, "2025-08-20", 420_000, 2)  # the same date again: a correction
    claim(world, "2025-09", "2025-08-20").write()
    assert world.verdict("2025-09") == ("VERIFIED", None)
    assert world.verdict("2025-10") == ("PENDING", None)


def test_a_follow_up_window_that_ends_before_it_starts_is_refused(tmp_path):
    terms = homeless_contract("OP-021", rules={"follow_up_from_months": 20, "follow_up_to_months": 18})
    Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-021", programme="HABITANZA_CALLE").write()
    with pytest.raises(ContractError, match=r"rules\.follow_up_from_months \(20\) is after follow_up_to_months \(18\)"):
        load_contracts(tmp_path / "data")
