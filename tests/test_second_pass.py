"""The second pass in the monthly job: typos and renewed documents linked or sent to review,
reviewers' decisions applied from the month they arrive, the review sheet and the audit."""

from __future__ import annotations

import polars as pl

from pbr_pipeline.linkage import LinkageModel
from pbr_pipeline.months import month_range
from pbr_pipeline.runner import run_month
from pbr_pipeline.warehouse import read_partition
from tests.scenario import Scenario

PERSON = "1098765432"
TYPO = "1098765423"  # the last two digits swapped


def run_all(world: Scenario, last: str) -> None:
    for month in month_range(world.months()[0], last):
        outcome = run_month(world.settings, month)
        assert outcome.success and not outcome.failed_checks, outcome


def table(world: Scenario, name: str, month: str) -> pl.DataFrame:
    return read_partition(world.settings.warehouse, name, month)


def typo_world(tmp_path) -> Scenario:
    # Two enrolled people make a tiny file: the fallback prior is high, so a strict `accept`
    # (linkage.yaml) puts the typo in the grey band, as the sample's larger rosters do.
    world = Scenario(tmp_path, thresholds={"accept": 0.999999, "review": 0.5}).enrol("2025-01", PERSON, "2025-01-10")
    world.enrol("2025-01", "52111222", "2025-01-12", first_name="LUIS")  # somebody else on the same roster
    world.job("2025-03", PERSON, ["2025-02"]).claim("2025-03", TYPO, "COLOCACION", "2025-02-15")
    return world


def test_a_mistyped_claim_waits_for_review_and_is_decided_from_the_month_the_decision_arrives(tmp_path):
    world = typo_world(tmp_path).write()
    run_all(world, "2025-03")
    claim = table(world, "claims_verified", "2025-03").row(0, named=True)
    assert (claim["status"], claim["reason"]) == ("REVIEW", "MATCH_IN_REVIEW")
    assert table(world, "payments", "2025-03").height == 0
    sheet = table(world, "review_queue", "2025-03")
    assert sheet.select("kind", "id_caso", "right_document_number").rows() == [("claim", claim["claim_id"], PERSON)]
    assert "document_number" not in sheet["agreed"][0]

    world.review("2025-05", claim["claim_id"], "ACEPTAR").write()
    run_all(world, "2025-05")
    assert table(world, "claims_verified", "2025-04")["status"][0] == "REVIEW"  # not before its month
    accepted = table(world, "claims_verified", "2025-05").row(0, named=True)
    assert (accepted["status"], accepted["match_method"], accepted["verified_since"]) == ("VERIFIED", "REVIEWED", "2025-05")
    assert table(world, "payments", "2025-05")["amount_cop"].to_list() == [1_400_000]
    audit = table(world, "review_decisions", "2025-05").row(0, named=True)
    assert (audit["decision"], audit["outcome"], audit["reviewer"]) == ("ACCEPT", "APPLIED", "ana.pena@bucaramanga.gov.co")


def test_a_rejected_link_leaves_the_claim_not_enrolled_and_unknown_ids_are_audited(tmp_path):
    world = typo_world(tmp_path).write()
    run_all(world, "2025-03")
    claim_id = table(world, "claims_verified", "2025-03")["claim_id"][0]
    world.review("2025-04", claim_id, "REJECT").review("2025-04", "ffffffffffffffff", "ACCEPT").write()
    run_all(world, "2025-04")
    assert table(world, "claims_verified", "2025-04").select("status", "reason").row(0) == ("REJECTED", "NOT_ENROLLED")
    audit = table(world, "review_decisions", "2025-04").sort("case_id")
    assert audit.select("case_id", "outcome").rows() == [(claim_id, "APPLIED"), ("ffffffffffffffff", "UNKNOWN_CASE")]


def test_review_sheets_are_written_with_and_without_the_score(tmp_path):
    world = typo_world(tmp_path).write()
    run_all(world, "2025-03")
    folder = world.settings.warehouse / "review_sheets" / "month=2025-03"
    assert sorted(path.name for path in folder.iterdir()) == ["revision.csv", "revision.xlsx", "revision_ciega.csv", "revision_ciega.xlsx"]
    assert "match_probability" in (folder / "revision.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "match_probability" not in (folder / "revision_ciega.csv").read_text(encoding="utf-8-sig").splitlines()[0]


def test_the_model_of_each_run_is_saved_and_reloads(tmp_path):
    world = typo_world(tmp_path).write()
    run_all(world, "2025-03")
    path = world.settings.warehouse / "linkage" / "month=2025-03" / "model.json"
    model = LinkageModel.load(path)
    assert not model.trained and "fallback" in model.note
    assert model.save(tmp_path / "again.json").read_text() == path.read_text()


def test_a_renewed_document_is_linked_to_the_registry_by_name_and_birth(tmp_path):
    world = Scenario(tmp_path).enrol("2025-01", "4455667", "2025-01-10", doc_type="PEP")
    world.job("2025-03", "9988776", ["2025-02"], doc_type="PT")  # the same person, renewed as PT
    world.claim("2025-03", "4455667", "COLOCACION", "2025-02-15", doc_type="PEP").write()
    run_all(world, "2025-03")
    links = table(world, "person_links", "2025-03").filter(pl.col("kind") == "registry")
    assert links["matcher_decision"].to_list() in (["ACCEPT"], ["REVIEW"])
    status = table(world, "claims_verified", "2025-03")["status"][0]
    assert status == ("VERIFIED" if links["matcher_decision"][0] == "ACCEPT" else "REVIEW")
