"""Payments through real Dagster runs: paid once, corrected by adjustments, capped, premiums."""

from __future__ import annotations

import polars as pl
import pytest

from pbr_pipeline.core.months import month_range
from pbr_pipeline.runner import run_month
from pbr_pipeline.core.warehouse import read_partition, scan_table
from tests.scenario import Scenario, contract

PERSON, SECOND, THIRD = "1098765432", "63741432", "91444228"


def run_all(world: Scenario, last: str) -> None:
    for month in month_range(world.months()[0], last):
        outcome = run_month(world.settings, month)
        assert outcome.success and not outcome.failed_checks and not outcome.warnings, outcome


def table(world: Scenario, name: str, month: str | None = None) -> pl.DataFrame:
    if month:
        return read_partition(world.settings.warehouse, name, month)
    return scan_table(world.settings.warehouse, name).collect().sort("month")


def test_a_claim_pending_then_verified_is_paid_once_in_the_month_it_is_verified(tmp_path):
    world = Scenario(tmp_path).enrol("2025-01", PERSON, "2025-01-10")
    world.claim("2025-02", PERSON, "COLOCACION", "2025-02-03").job("2025-03", PERSON, ["2025-02"]).write()
    world.job("2025-04", "5555555", ["2025-03"]).write()
    run_all(world, "2025-04")

    assert table(world, "claims_verified", "2025-02")["status"].to_list() == ["PENDING"]
    verified = table(world, "claims_verified", "2025-04").row(0, named=True)
    assert (verified["status"], verified["verified_since"]) == ("VERIFIED", "2025-03")
    payments = table(world, "payments")
    assert payments.select("month", "outcome", "amount_cop", "month_verified").rows() == [("2025-03", "COLOCACION", 1_400_000, "2025-03")]
    assert payments["claim_id"][0] == verified["claim_id"]
    assert payments["evidence_rows"][0][0]["source_file"] == "inbox/2025-03/registros/pila/pila_2025-03.csv"
    assert table(world, "adjustments").height == 0
    summary = table(world, "payment_summary", "2025-04").row(0, named=True)
    assert (summary["payments"], summary["payable_to_date_cop"]) == (0, 1_400_000)


def test_a_registry_correction_is_an_adjustment_in_the_month_it_arrives(tmp_path):
    world = Scenario(tmp_path).enrol("2025-01", PERSON, "2025-01-10")
    for period, received in [("2025-02", "2025-03"), ("2025-03", "2025-04"), ("2025-04", "2025-05")]:
        world.job(received, PERSON, [period])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15").claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30")
    world.job("2025-06", PERSON, ["2025-03"], days=10).write()  # the correction
    run_all(world, "2025-06")

    payments = table(world, "payments")
    assert payments.select("month", "outcome", "amount_cop").rows() == [
        ("2025-03", "COLOCACION", 1_400_000),
        ("2025-05", "RETENCION_3M", 1_400_000),
    ]
    adjustment = table(world, "adjustments").row(0, named=True)
    assert (adjustment["month"], adjustment["outcome"], adjustment["reason"], adjustment["amount_cop"]) == (
        "2025-06", "RETENCION_3M", "WITHDRAWN", -1_400_000,
    )
    assert adjustment["payment_id"] == payments.filter(pl.col("outcome") == "RETENCION_3M")["payment_id"][0]
    assert table(world, "claims_verified", "2025-06").filter(pl.col("outcome") == "RETENCION_3M")["reason"][0] == "NOT_RETAINED"
    assert int(payments["amount_cop"].sum()) + adjustment["amount_cop"] == int(table(world, "payable_outcomes", "2025-06")["amount_cop"].sum())


def test_caps_hold_back_in_a_fixed_order_and_are_reported(tmp_path):
    world = Scenario(tmp_path, contracts=[contract("OP-001", budget_cop=2_000_000)])
    for person in (PERSON, SECOND, THIRD):
        world.enrol("2025-01", person, "2025-01-10")
    world.job("2025-03", PERSON, ["2025-02"]).job("2025-03", SECOND, ["2025-02"]).job("2025-04", THIRD, ["2025-03"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15").claim("2025-03", SECOND, "COLOCACION", "2025-02-15")
    world.claim("2025-04", THIRD, "COLOCACION", "2025-03-15").write()
    run_all(world, "2025-04")

    payable = table(world, "payable_outcomes", "2025-04").sort("cap_order")
    assert payable.select("verified_since", "cap_effect", "amount_cop", "cap_reduction_cop").rows() == [
        ("2025-03", "NONE", 1_400_000, 0),
        ("2025-03", "BUDGET_PARTIAL", 600_000, 800_000),
        ("2025-04", "BUDGET_EXHAUSTED", 0, 1_400_000),
    ]
    first_two = payable.head(2)["claim_id"].to_list()
    assert first_two == sorted(first_two), "same verification month: claim_id decides"
    assert table(world, "payments")["amount_cop"].to_list() == [1_400_000, 600_000]
    summary = table(world, "payment_summary", "2025-04").row(0, named=True)
    assert (summary["held_back"], summary["held_back_cop"], summary["payable_to_date_cop"]) == (2, 2_200_000, 2_000_000)


def test_a_count_cap_holds_the_milestones_past_it(tmp_path):
    capped = contract("OP-001")
    capped["milestones"]["COLOCACION"]["max_count"] = 1
    world = Scenario(tmp_path, contracts=[capped])
    for person in (PERSON, SECOND):
        world.enrol("2025-01", person, "2025-01-10").job("2025-03", person, ["2025-02"]).claim("2025-03", person, "COLOCACION", "2025-02-15")
    world.write()
    run_all(world, "2025-03")
    assert sorted(table(world, "payable_outcomes", "2025-03")["cap_effect"]) == ["COUNT_CAP", "NONE"]
    assert table(world, "payments").height == 1


@pytest.mark.parametrize(("stacking", "amount"), [("highest", 1_680_000), ("stack", 1_820_000)])
def test_population_group_premiums(tmp_path, stacking, amount):
    terms = contract("OP-001", premiums={"stacking": stacking, "percent": {"VICTIMA": 20, "MUJER": 10}})
    world = Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, "2025-01-10", groups="VICTIMA", sex="F")
    world.job("2025-03", PERSON, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    run_all(world, "2025-03")
    payment = table(world, "payments").row(0, named=True)
    assert payment["amount_cop"] == amount
    assert payment["premium_cop"] == amount - 1_400_000


def test_no_output_table_holds_a_document_number_or_a_name(tmp_path):
    world = Scenario(tmp_path).enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-03", PERSON, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    run_all(world, "2025-03")
    for name in ("claims_verified", "outcomes_unclaimed", "person_index", "payable_outcomes", "payments",
                 "adjustments", "payment_summary", "rejected_rows"):
        text = repr(table(world, name, "2025-03").rows())
        assert PERSON not in text and "PEÑA" not in text, name


def test_the_pricing_check_notices_a_verified_claim_that_is_not_payable(tmp_path):
    from assets.ledger_checks import payable_outcomes_hold_every_priced_verified_claim as check

    world = Scenario(tmp_path).enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-03", PERSON, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    run_all(world, "2025-03")
    payable, claims, contracts = (table(world, name, "2025-03") for name in ("payable_outcomes", "claims_verified", "contracts"))
    assert check(payable_outcomes=payable, claims_verified=claims, contracts=contracts).passed
    assert not check(payable_outcomes=payable.clear(), claims_verified=claims, contracts=contracts).passed
