"""Every EMPLEO outcome rule on hand-built cases (real files, real Parquet, the real engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenario import EMPLOYER, OTHER_EMPLOYER, SMMLV, Scenario, contract

PERSON = "1098765432"


@pytest.fixture
def world(tmp_path) -> Scenario:
    return Scenario(tmp_path)


def placed(world: Scenario, periods: list[str], **job) -> Scenario:
    """A person enrolled by OP-001 in January 2025, with PILA rows for `periods`, each
    delivered the month after its period."""
    world.enrol("2025-01", PERSON, "2025-01-10")
    for period in periods:
        from pbr_pipeline.core.months import add_months

        world.job(add_months(period, 1), PERSON, [period], **job)
    return world


def test_a_placement_in_the_window_is_verified(world):
    placed(world, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    assert world.verdict("2025-03") == ("VERIFIED", None)
    row = world.verdicts("2025-03").row(0, named=True)
    assert row["outcome_on"] == dt.date(2025, 2, 1) and row["match_method"] == "EXACT"
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert [(e["registry"], e["fact_date"], e["source_row"], e["counts"]) for e in row["evidence_rows"]] == [
        ("pila", dt.date(2025, 2, 1), 2, True)]
    assert row["evidence_rows"][0]["shows"].startswith("period 2025-02 · employer 800197268")
    assert row["evidence_rows"][0]["source_file"] == "inbox/2025-03/registros/pila/pila_2025-03.csv"


def test_a_placement_is_pending_until_the_registry_horizon_reaches_the_window_end(world):
    placed(world, ["2025-02"]).claim("2025-02", PERSON, "COLOCACION", "2025-02-03").write()
    assert world.verdict("2025-02") == ("PENDING", None)  # horizon 2025-01 < window end 2025-03
    assert world.verdict("2025-03") == ("VERIFIED", None)  # the 2025-02 contribution arrived


def test_no_qualifying_month_is_pending_then_no_formal_job(world):
    placed(world, []).claim("2025-02", PERSON, "COLOCACION", "2025-02-10").write()
    world.job("2025-04", "5555555", ["2025-03"])  # somebody else's job keeps the months busy
    assert world.verdict("2025-03") == ("PENDING", None)
    assert world.verdict("2025-04") == ("REJECTED", "NO_FORMAL_JOB")


@pytest.mark.parametrize(("claimed_on", "verdict"), [("2025-02-28", ("REJECTED", "NO_FORMAL_JOB")), ("2025-03-01", ("VERIFIED", None))])
def test_the_window_ends_the_month_after_the_claimed_date(world, claimed_on, verdict):
    placed(world, ["2025-04"]).claim("2025-03", PERSON, "COLOCACION", claimed_on).write()
    assert world.verdict("2025-05") == verdict


@pytest.mark.parametrize(
    ("period", "days", "ibc", "contributor_type", "qualifies"),
    [
        ("2025-02", 30, SMMLV[2025], 1, True),
        ("2025-02", 30, SMMLV[2025] - 1, 1, False),  # one peso below the year's minimum wage
        ("2025-01", 30, SMMLV[2024], 1, False),  # last year's minimum is not this year's
        ("2024-12", 30, SMMLV[2024], 1, True),
        ("2025-02", 15, SMMLV[2025] // 2, 1, True),
        ("2025-02", 14, SMMLV[2025], 1, False),  # 14 days: below the floor whatever the IBC
        ("2025-02", 15, SMMLV[2025] // 2 - 1, 1, False),  # prorated minimum, one peso short
        ("2025-02", 30, SMMLV[2025], 3, False),  # independent contributor
        ("2025-02", 30, SMMLV[2025], 59, False),  # independent with a service contract
        ("2025-02", 30, SMMLV[2025], 51, True),  # part-time dependent
        ("2025-02", 30, SMMLV[2025], 2, True),  # domestic service
    ],
)
def test_qualifying_month(world, period, days, ibc, contributor_type, qualifies):
    world.enrol("2024-12", PERSON, "2024-12-02")
    world.job("2025-03", PERSON, [period], days=days, ibc=ibc, contributor_type=contributor_type)
    world.claim("2025-03", PERSON, "COLOCACION", f"{period}-20").write()
    status, reason = world.verdict("2025-04")
    assert (status == "VERIFIED") is qualifies, (status, reason)


def test_a_job_in_the_three_months_before_enrolment_is_not_additional(world):
    world.enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-01", PERSON, ["2024-11"])  # E - 2
    world.job("2025-03", PERSON, ["2025-02"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    assert world.verdict("2025-03") == ("REJECTED", "NOT_ADDITIONAL")
    evidence = world.verdicts("2025-03")["evidence_rows"][0]
    assert [e["fact_date"] for e in evidence] == [dt.date(2024, 11, 1)]


def test_a_job_four_months_before_enrolment_does_not_count(world):
    world.enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-01", PERSON, ["2024-09"])  # E - 4: outside the lookback
    world.job("2025-03", PERSON, ["2025-02"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    assert world.verdict("2025-03") == ("VERIFIED", None)


def test_three_consecutive_months_verify_retention_and_a_gap_breaks_it(world, tmp_path):
    placed(world, ["2025-02", "2025-03", "2025-04"]).claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30").write()
    assert world.verdict("2025-05") == ("VERIFIED", None)

    gap = placed(Scenario(tmp_path / "gap"), ["2025-02", "2025-04"]).claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30").write()
    assert gap.verdict("2025-05") == ("REJECTED", "NOT_RETAINED")  # 2025-03 is observable and empty


def test_retention_claimed_early_stays_pending_until_its_months_are_observable(world):
    placed(world, ["2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"])
    world.claim("2025-04", PERSON, "RETENCION_6M", "2025-04-01").write()
    assert world.verdict("2025-04") == ("PENDING", None)
    assert world.verdict("2025-07") == ("PENDING", None)  # horizon 2025-06, window ends 2025-07
    assert world.verdict("2025-08") == ("VERIFIED", None)


@pytest.mark.parametrize(("same_employer", "verdict"), [(False, ("VERIFIED", None)), (True, ("REJECTED", "NOT_RETAINED"))])
def test_retention_with_a_change_of_employer(world, same_employer, verdict):
    world.contracts = [contract("OP-001", rules={"retention_same_employer": same_employer})]
    world.enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-03", PERSON, ["2025-02"], employer=EMPLOYER)
    world.job("2025-04", PERSON, ["2025-03"], employer=OTHER_EMPLOYER)
    world.job("2025-05", PERSON, ["2025-04"], employer=OTHER_EMPLOYER)
    world.claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30").write()
    assert world.verdict("2025-05") == verdict


def test_same_employer_retention_holds_with_one_employer_throughout(world):
    world.contracts = [contract("OP-001", rules={"retention_same_employer": True})]
    placed(world, ["2025-02", "2025-03", "2025-04"]).job("2025-04", PERSON, ["2025-03"], employer=OTHER_EMPLOYER)
    world.claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30").write()
    assert world.verdict("2025-05") == ("VERIFIED", None)


def test_retention_without_any_placement_waits_for_the_whole_window(world):
    placed(world, []).claim("2025-03", PERSON, "RETENCION_3M", "2025-03-01").write()
    world.job("2026-02", "5555555", ["2026-01"])
    assert world.verdict("2025-06") == ("PENDING", None)
    assert world.verdict("2026-01") == ("PENDING", None)  # horizon 2025-12 < E + 12 = 2026-01
    assert world.verdict("2026-02") == ("REJECTED", "NO_FORMAL_JOB")


def test_the_operator_who_enrolled_first_owns_the_outcomes(world):
    world.enrol("2025-01", PERSON, "2025-01-20", operator="OP-002")
    world.enrol("2025-01", PERSON, "2025-01-05", operator="OP-001")
    world.job("2025-03", PERSON, ["2025-02"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15", operator="OP-002")
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15", operator="OP-001").write()
    verdicts = world.verdicts("2025-03").sort("operator")
    assert verdicts.select("operator", "status", "reason", "owner_operator").rows() == [
        ("OP-001", "VERIFIED", None, "OP-001"),
        ("OP-002", "REJECTED", "OTHER_OPERATOR", "OP-001"),
    ]


def test_on_the_same_enrolment_date_the_lowest_operator_code_owns(world):
    world.enrol("2025-01", PERSON, "2025-01-10", operator="OP-002")
    world.enrol("2025-01", PERSON, "2025-01-10", operator="OP-001")
    world.job("2025-03", PERSON, ["2025-02"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15", operator="OP-002").write()
    assert world.verdict("2025-03") == ("REJECTED", "OTHER_OPERATOR")


@pytest.mark.parametrize(
    ("enrolled_in", "enrolled_on", "operator"),
    [
        ("2025-01", "2025-01-10", "OP-002"),  # another operator's enrolment does not count
        ("2025-01", "2025-02-20", "OP-001"),  # enrolled after the outcome date
        ("2025-04", "2025-01-10", "OP-001"),  # the roster arrived after the claim
    ],
)
def test_not_enrolled(world, enrolled_in, enrolled_on, operator):
    world.enrol(enrolled_in, PERSON, enrolled_on, operator=operator)
    world.job("2025-03", PERSON, ["2025-02"])
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    assert world.verdict("2025-04") == ("REJECTED", "NOT_ENROLLED")


def test_a_claim_made_twice_is_a_duplicate_of_the_first(world):
    placed(world, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15")
    world.claim("2025-04", PERSON, "COLOCACION", "2025-02-16", doc_type="C.C.").write()
    verdicts = world.verdicts("2025-04").sort("inbox_index")
    assert verdicts["status"].to_list() == ["VERIFIED", "DUPLICATE"]
    assert verdicts["duplicate_of"][1] == verdicts["claim_id"][0]


def test_an_outcome_no_contract_covers_is_rejected(world):
    world.contracts = [contract("OP-001", valid_from="2025-03-01")]
    placed(world, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15").write()
    assert world.verdict("2025-03") == ("REJECTED", "NO_CONTRACT")


def test_a_ti_holder_who_turns_18_is_matched_to_the_cc_in_the_registry(world):
    world.enrol("2025-01", PERSON, "2025-01-10", doc_type="TI")
    world.job("2025-03", PERSON, ["2025-02"], doc_type="CC")
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15", doc_type="CC").write()
    row = world.verdicts("2025-03").row(0, named=True)
    assert (row["status"], row["match_method"]) == ("VERIFIED", "TI_CC")


def test_leading_zeros_are_compared_as_a_number(world):
    world.enrol("2025-01", "0012345678", "2025-01-10")
    world.job("2025-03", "12345678", ["2025-02"])
    world.claim("2025-03", "12.345.678", "COLOCACION", "2025-02-15").write()
    row = world.verdicts("2025-03").row(0, named=True)
    assert (row["status"], row["match_method"]) == ("VERIFIED", "LEADING_ZEROS")


def test_a_registry_correction_changes_the_verdict_from_the_month_it_arrives(world):
    placed(world, ["2025-02", "2025-03", "2025-04"]).claim("2025-05", PERSON, "RETENCION_3M", "2025-04-30")
    world.job("2025-06", PERSON, ["2025-03"], days=10)  # same key (document, period, employer): replaces
    world.write()
    assert world.verdict("2025-05") == ("VERIFIED", None)
    assert world.verdict("2025-06") == ("REJECTED", "NOT_RETAINED")
