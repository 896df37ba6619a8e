"""Every AUMENTO_PRODUCTIVIDAD rule on hand-built cases (real files, real Parquet, the real engine).

Producer unit UP-0042 of producer 63555123, enrolled by OP-041 on 2025-01-15 (E). The baseline
is the latest measurement in [E − 12 months, E] = [2024-01-15, 2025-01-15]; the follow-up
counts in [E + 10 months, E + 24 months] = [2025-11-15, 2027-01-15]. The baseline below is
600 kg of cocoa on 2 ha (300 kg/ha): a follow-up needs the same crop, 1.8–2.2 ha and at least
360 kg/ha. Measurements are delivered the month after they are taken (lag 1).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenario import Scenario, contract

PRODUCER, UNIT = "63555123", "UP-0042"
ENROLLED_ON = "2025-01-15"


def agro_contract(operator: str = "OP-041", **overrides) -> dict:
    return contract(operator, contract_id=f"AGR-{operator}", programme="AGRO",
                    milestones={"AUMENTO_PRODUCTIVIDAD": {"price_cop": 5_000_000}}, **overrides)


@pytest.fixture
def world(tmp_path) -> Scenario:
    scenario = Scenario(tmp_path, contracts=[agro_contract("OP-041"), agro_contract("OP-042")])
    return scenario.enrol_unit("2025-01", PRODUCER, UNIT, ENROLLED_ON, operator="OP-041")


def claim(world: Scenario, month: str, on: str, operator: str = "OP-041", support: str = "") -> Scenario:
    return world.claim(month, PRODUCER, "AUMENTO_PRODUCTIVIDAD", on, operator=operator, programme="AGRO", support=support)


def with_baseline(world: Scenario) -> Scenario:
    return world.harvest("2025-01", PRODUCER, UNIT, "2024-12-10", 600, "2,0")


def test_the_same_crop_on_about_the_same_area_yielding_a_fifth_more_verifies(world):
    with_baseline(world).harvest("2026-01", PRODUCER, UNIT, "2025-12-05", 800, "2.0")
    claim(world, "2025-12", "2025-12-05").write()
    assert world.verdict("2025-12") == ("PENDING", None)  # not delivered yet
    assert world.verdict("2026-01") == ("VERIFIED", None)
    row = world.verdicts("2026-01").row(0, named=True)
    assert row["outcome_on"] == dt.date(2025, 12, 5)
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2024, 1, 15), dt.date(2027, 1, 15))
    shown = [(e["registry"], e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [
        ("productivity_measurements", dt.date(2024, 12, 10), "baseline window · CACAO · 600 kg on 2.0000 ha · 300 kg/ha", True),
        ("productivity_measurements", dt.date(2025, 12, 5), "follow-up window · CACAO · 800 kg on 2.0000 ha · 400 kg/ha", True),
    ]
    assert not any(UNIT in e["shows"] for e in row["evidence_rows"])  # the unit's id stays out


@pytest.mark.parametrize(("kilograms", "hectares", "verdict"), [
    (720, "2,0", ("VERIFIED", None)),  # exactly 20% more: 360 kg/ha
    (719, "2,0", ("PENDING", None)),  # a kilogram short
    (792, "2,2", ("VERIFIED", None)),  # area +10% exactly, 360 kg/ha
    (800, "2,2001", ("PENDING", None)),  # area just beyond +10%
    (648, "1,8", ("VERIFIED", None)),  # area −10% exactly, 360 kg/ha
    (700, "1,7999", ("PENDING", None)),  # area just beyond −10%
])
def test_the_yield_rise_and_the_area_tolerance(world, kilograms, hectares, verdict):
    with_baseline(world).harvest("2026-01", PRODUCER, UNIT, "2025-12-05", kilograms, hectares)
    claim(world, "2026-01", "2025-12-05").write()
    assert world.verdict("2026-01") == verdict


@pytest.mark.parametrize(("measured_on", "verdict"), [
    ("2025-11-15", ("VERIFIED", None)),  # E + 10 months exactly
    ("2025-11-14", ("REJECTED", "NO_YIELD_RISE")),  # a day early
    ("2027-01-15", ("VERIFIED", None)),  # E + 24 months exactly
    ("2027-01-16", ("REJECTED", "NO_YIELD_RISE")),  # a day late
])
def test_the_follow_up_window(world, measured_on, verdict):
    with_baseline(world).harvest("2027-01" if measured_on < "2027-01-16" else "2027-02", PRODUCER, UNIT, measured_on, 900, "2")
    claim(world, "2025-12", "2025-11-15").write()
    assert world.verdict("2027-02") == verdict  # horizon 2027-01-31: the window is over


def test_another_crop_does_not_count(world):
    with_baseline(world).harvest("2026-01", PRODUCER, UNIT, "2025-12-05", 900, "2", crop="CAFE")
    claim(world, "2026-01", "2025-12-05").write()
    assert world.verdict("2026-01") == ("PENDING", None)


@pytest.mark.parametrize(("measured_on", "verdict"), [
    ("2024-01-15", ("VERIFIED", None)),  # E − 12 months exactly
    ("2024-01-14", ("REJECTED", "NO_BASELINE")),
    ("2025-01-15", ("VERIFIED", None)),  # on E
])
def test_the_baseline_window(world, measured_on, verdict):
    world.harvest("2025-02", PRODUCER, UNIT, measured_on, 600, "2").harvest("2026-01", PRODUCER, UNIT, "2025-12-05", 800, "2")
    claim(world, "2026-01", "2025-12-05").write()
    assert world.verdict("2026-01") == verdict


def test_no_baseline_is_pending_until_enrolment_has_passed(world):
    claim(world, "2025-01", "2025-01-20").write()
    assert world.verdict("2025-01") == ("PENDING", None)  # horizon 2024-12-31
    assert world.verdict("2025-02") == ("REJECTED", "NO_BASELINE")  # horizon 2025-01-31


def test_the_latest_baseline_decides(world):
    world.harvest("2025-01", PRODUCER, UNIT, "2024-06-10", 300, "2")  # 150 kg/ha
    with_baseline(world).harvest("2026-01", PRODUCER, UNIT, "2025-12-05", 700, "2")  # 350 kg/ha: +16.7% over 300
    claim(world, "2026-01", "2025-12-05").write()
    assert world.verdict("2026-01") == ("PENDING", None)


def test_a_claim_is_about_the_unit_its_support_names(world):
    world.enrol_unit("2025-01", PRODUCER, "UP-0043", ENROLLED_ON, operator="OP-041")
    with_baseline(world).harvest("2025-01", PRODUCER, "UP-0043", "2024-12-10", 600, "2")
    world.harvest("2026-01", PRODUCER, "UP-0043", "2025-12-05", 800, "2")  # only the second unit rose
    claim(world, "2026-01", "2025-12-05", support="up-0043")
    claim(world, "2026-01", "2025-12-05").write()  # no support: the producer's first unit
    verdicts = world.verdicts("2026-01").sort("source_row")
    assert verdicts.select("status", "reason").rows() == [("VERIFIED", None), ("PENDING", None)]
    assert verdicts["document"].to_list() == ["UP:UP-0043", "UP:UP-0042"]


def test_a_unit_enrolled_by_two_operators_belongs_to_the_first(world):
    world.enrol_unit("2025-03", PRODUCER, UNIT, "2025-03-01", operator="OP-042")
    with_baseline(world).harvest("2026-01", PRODUCER, UNIT, "2025-12-05", 800, "2")
    claim(world, "2026-01", "2025-12-05", operator="OP-041")
    claim(world, "2026-01", "2025-12-05", operator="OP-042").write()
    verdicts = world.verdicts("2026-01").sort("operator")
    assert verdicts.select("operator", "status", "reason").rows() == [
        ("OP-041", "VERIFIED", None), ("OP-042", "REJECTED", "OTHER_OPERATOR")]


def test_a_producer_no_roster_names_is_not_enrolled(world):
    world.claim("2025-06", "1098000111", "AUMENTO_PRODUCTIVIDAD", "2025-06-01", operator="OP-041", programme="AGRO", support="")
    world.write()
    assert world.verdict("2025-06") == ("REJECTED", "NOT_ENROLLED")
