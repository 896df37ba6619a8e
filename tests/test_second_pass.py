"""The second pass in the monthly job: typos and renewed documents linked or sent to review,
reviewers' decisions applied from the month they arrive, the review sheet and the audit."""

from __future__ import annotations

import polars as pl

from pbr_pipeline.verify.as_of import registry_scan
from pbr_pipeline.identity.claim_cases import EMPLOYER_AGREES
from pbr_pipeline.identity.linkage import LinkageModel, Thresholds
from pbr_pipeline.core.months import month_index, month_range
from pbr_pipeline.runner import run_month
from pbr_pipeline.identity.second_pass import find_links, frozen_links, registry_inputs
from pbr_pipeline.core.warehouse import read_partition
from tests.scenario import EMPLOYER, Scenario

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


def roster_typo_world(tmp_path, registry_first_name: str) -> Scenario:
    """The roster mistyped the number; the claim and the registry give the right one."""
    world = Scenario(tmp_path).enrol("2025-01", TYPO, "2025-01-10")
    world.enrol("2025-01", "52111222", "2025-01-12", first_name="LUIS")
    world.job("2025-03", PERSON, ["2025-02"], first_name=registry_first_name)
    world.claim("2025-03", PERSON, "COLOCACION", "2025-02-15")
    return world


def test_a_claim_is_compared_by_the_names_the_registry_holds_for_its_document(tmp_path):
    world = roster_typo_world(tmp_path / "agree", "ANA").write()
    run_all(world, "2025-03")
    case = table(world, "person_links", "2025-03").filter(pl.col("kind") == "claim").row(0, named=True)
    # Nobody here has a second given name: the first agrees and the second is missing.
    assert (case["level_document"], case["level_given_names"], case["level_surnames"]) == (
        "one edit", "first equal, second missing", "both equal")
    assert case["weight_given_names"] > 0 and case["matcher_decision"] == "ACCEPT"
    claim = table(world, "claims_verified", "2025-03").row(0, named=True)
    assert (claim["status"], claim["match_method"]) == ("VERIFIED", "PROBABILISTIC")

    other = roster_typo_world(tmp_path / "differ", "MARTA").write()  # the registry knows the number as somebody else
    run_all(other, "2025-03")
    case = table(other, "person_links", "2025-03").filter(pl.col("kind") == "claim").row(0, named=True)
    assert case["level_given_names"] == "else" and case["weight_given_names"] < 0


def claim_case_as_of(world: Scenario, month: str) -> dict:
    known = world.known(month)
    registry, employers = registry_inputs(registry_scan(world.settings.warehouse, month), known.enrolments)
    second = find_links(known.claims, known.enrolments, registry, employers, Thresholds(), registry_name="pila")
    return second.cases.filter(pl.col("kind") == "claim").row(0, named=True)


def test_accepted_links_stay_as_published_and_are_not_scored_again(tmp_path):
    world = roster_typo_world(tmp_path, "ANA").write()
    known = world.known("2025-03")
    registry, employers = registry_inputs(registry_scan(world.settings.warehouse, "2025-03"), known.enrolments)
    first = find_links(known.claims, known.enrolments, registry, employers, Thresholds(), registry_name="pila")
    accepted = frozen_links(first.cases)
    assert "claim" in accepted["kind"].to_list()
    # Thresholds no link could pass now: the accepted link still comes back as it was published.
    strict = Thresholds(accept=0.999999999999, review=0.99999999999)
    second = find_links(known.claims, known.enrolments, registry, employers, strict, registry_name="pila",
                        model=first.model, frozen=accepted)
    kept = second.cases.join(accepted.select("case_id"), on="case_id", how="semi").select(accepted.columns)
    assert kept.equals(accepted)
    assert second.explanations.filter(pl.col("left_id").is_in(accepted["left"].implode())).height == 0
    assert first.explanations.filter(pl.col("left_id").is_in(accepted["left"].implode())).height > 0


def test_a_link_resting_on_registry_rows_is_known_only_from_the_month_they_arrive(tmp_path):
    # The registry names the claim's document in April: the names weigh from then on.
    names = Scenario(tmp_path / "names").enrol("2025-01", TYPO, "2025-01-10").enrol("2025-01", "52111222", "2025-01-12", first_name="LUIS")
    names.claim("2025-02", PERSON, "COLOCACION", "2025-01-20").job("2025-04", PERSON, ["2025-01"]).write()
    case = claim_case_as_of(names, "2025-04")
    assert case["level_given_names"] == "first equal, second missing" and case["known_index"] == month_index("2025-04")

    # The claim is mistyped; April's registry shows the enrolled person at the claimed employer.
    employer = Scenario(tmp_path / "employer").enrol("2025-01", PERSON, "2025-01-10").enrol("2025-01", "52111222", "2025-01-12", first_name="LUIS")
    employer.claim("2025-02", TYPO, "COLOCACION", "2025-01-20", support=f"{EMPLOYER}-5").job("2025-04", PERSON, ["2025-01"]).write()
    case = claim_case_as_of(employer, "2025-04")
    assert case["level_employer"] == EMPLOYER_AGREES and case["weight_employer"] > 0
    assert case["known_index"] == month_index("2025-04")


def test_a_claim_linked_before_its_document_was_enrolled_stays_with_its_person_and_the_ledger_balances(tmp_path):
    # The roster mistyped the number; the claim is linked and paid in March. In April the
    # operator enrols the right number too: the claim keeps its link (paid once, no reversal).
    world = roster_typo_world(tmp_path, "ANA")
    world.enrol("2025-04", PERSON, "2025-01-10").write()
    run_all(world, "2025-04")
    paid = table(world, "payments", "2025-03")
    assert paid["amount_cop"].to_list() == [1_400_000]
    april = table(world, "claims_verified", "2025-04").row(0, named=True)
    assert (april["status"], april["match_method"]) == ("VERIFIED", "PROBABILISTIC")
    assert table(world, "payments", "2025-04").height == 0 and table(world, "adjustments", "2025-04").height == 0
