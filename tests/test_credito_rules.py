"""Every CREDITO_DESEMBOLSADO rule on hand-built cases (real files, real Parquet, the real engine).

A firm (NIT 900123456) enrolled by OP-031 on 2025-01-15 (E). A disbursement counts in
[E, E + 12 months] = [2025-01-15, 2026-01-15]; one in [E − 12 months, E) = [2024-01-15,
2025-01-14] means the firm already had credit. Intermediaries report up to four months late:
in the run for M, disbursements dated up to the last day of M − 4 are complete.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pbr_pipeline.money.contracts import ContractError, load_contracts
from tests.scenario import Scenario, contract

FIRM = "900123456"
ENROLLED_ON = "2025-01-15"


def credit_contract(operator: str = "OP-031", **overrides) -> dict:
    return contract(operator, contract_id=f"CRE-{operator}", programme="CREDITO_MIPYME",
                    milestones={"CREDITO_DESEMBOLSADO": {"price_cop": 800_000}}, **overrides)


@pytest.fixture
def world(tmp_path) -> Scenario:
    scenario = Scenario(tmp_path, contracts=[credit_contract("OP-031"), credit_contract("OP-032")])
    return scenario.enrol_firm("2025-01", FIRM, ENROLLED_ON, operator="OP-031")


def claim(world: Scenario, month: str, on: str, operator: str = "OP-031") -> Scenario:
    return world.claim(month, FIRM, "CREDITO_DESEMBOLSADO", on, operator=operator, doc_type="NIT", programme="CREDITO_MIPYME",
                       support="")


def test_a_disbursement_to_a_small_firm_after_enrolment_verifies_once_the_lag_has_passed(world):
    world.disbursement("2025-05", FIRM, "2025-03-10", size="MICRO")
    claim(world, "2025-05", "2025-03-10").write()
    assert world.verdict("2025-05") == ("PENDING", None)  # horizon 2025-01-31: March is not complete yet
    assert world.verdict("2025-07") == ("VERIFIED", None)  # horizon 2025-03-31
    row = world.verdicts("2025-07").row(0, named=True)
    assert row["outcome_on"] == dt.date(2025, 3, 10)
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2024, 1, 15), dt.date(2026, 1, 15))
    shown = [(e["registry"], e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [("credit_disbursements", dt.date(2025, 3, 10),
                      "after enrolment · disbursement of 25000000 COP · firm size MICRO · term 36 months", True)]
    assert not any("890903938" in e["shows"] or FIRM in e["shows"] for e in row["evidence_rows"])  # no NIT in the clear


@pytest.mark.parametrize(("disbursed_on", "verdict"), [
    ("2025-01-15", ("VERIFIED", None)),  # on E
    ("2026-01-15", ("VERIFIED", None)),  # E + 12 months exactly
    ("2026-01-16", ("REJECTED", "NO_CREDIT")),  # a day after the window
    ("2025-01-14", ("REJECTED", "NOT_ADDITIONAL")),  # the day before E
    ("2024-01-15", ("REJECTED", "NOT_ADDITIONAL")),  # E − 12 months exactly
    ("2024-01-14", ("REJECTED", "NO_CREDIT")),  # before the look-back
])
def test_the_window_and_the_look_back(world, disbursed_on, verdict):
    world.disbursement("2026-02", FIRM, disbursed_on, size="PEQUEÑA")
    claim(world, "2025-06", "2025-06-01").write()
    assert world.verdict("2026-05") == verdict  # horizon 2026-01-31: the window is over


def test_no_credit_waits_until_the_window_is_over_and_complete(world):
    claim(world, "2025-06", "2025-06-01").write()
    assert world.verdict("2026-04") == ("PENDING", None)  # horizon 2025-12-31
    assert world.verdict("2026-05") == ("REJECTED", "NO_CREDIT")  # horizon 2026-01-31


def test_credit_reported_only_for_a_large_firm_is_not_eligible(world):
    world.disbursement("2025-06", FIRM, "2025-02-01", size="GRANDE")
    claim(world, "2025-06", "2025-02-01").write()
    assert world.verdict("2026-04") == ("PENDING", None)  # an eligible disbursement may still come
    assert world.verdict("2026-05") == ("REJECTED", "NOT_ELIGIBLE")


def test_a_later_eligible_disbursement_verifies_after_a_large_one(world):
    world.disbursement("2025-06", FIRM, "2025-02-01", size="GRANDE").disbursement("2025-10", FIRM, "2025-06-20", size="MEDIANA")
    claim(world, "2025-10", "2025-06-20").write()
    row = world.verdicts("2025-10").row(0, named=True)
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 6, 20))
    assert [e["counts"] for e in row["evidence_rows"]] == [False, True]


def test_the_contract_sets_the_eligible_sizes(tmp_path):
    terms = credit_contract("OP-031", rules={"eligible_sizes": ["MICRO"]})
    world = Scenario(tmp_path, contracts=[terms]).enrol_firm("2025-01", FIRM, ENROLLED_ON, operator="OP-031")
    world.disbursement("2025-06", FIRM, "2025-02-01", size="MEDIANA")
    claim(world, "2025-06", "2025-02-01").write()
    assert world.verdict("2026-05") == ("REJECTED", "NOT_ELIGIBLE")


def test_a_firm_enrolled_by_two_operators_belongs_to_the_first(world):
    world.enrol_firm("2025-02", FIRM, "2025-02-03", operator="OP-032")
    world.disbursement("2025-07", FIRM, "2025-03-10")
    claim(world, "2025-07", "2025-03-10", operator="OP-031")
    claim(world, "2025-07", "2025-03-10", operator="OP-032").write()
    verdicts = world.verdicts("2025-07").sort("operator")
    assert verdicts.select("operator", "status", "reason").rows() == [
        ("OP-031", "VERIFIED", None), ("OP-032", "REJECTED", "OTHER_OPERATOR")]


def test_a_corrected_report_replaces_the_disbursement(world):
    world.disbursement("2025-07", FIRM, "2025-03-10", size="MICRO", obligation="OB-1")
    world.disbursement("2025-08", FIRM, "2025-03-10", size="GRANDE", obligation="OB-1")  # the same obligation, corrected
    claim(world, "2025-07", "2025-03-10").write()
    assert world.verdict("2025-07") == ("VERIFIED", None)
    assert world.verdict("2025-08") == ("PENDING", None)


def test_population_premiums_are_refused_in_a_firms_contract(tmp_path):
    terms = credit_contract("OP-031", premiums={"stacking": "highest", "percent": {"MUJER": 10}})
    Scenario(tmp_path, contracts=[terms]).enrol_firm("2025-01", FIRM, ENROLLED_ON, operator="OP-031").write()
    with pytest.raises(ContractError, match=r"premiums CREDITO_MIPYME pays firms \(by NIT\): population premiums \(MUJER\) are for people"):
        load_contracts(tmp_path / "data")
