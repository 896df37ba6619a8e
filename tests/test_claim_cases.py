"""The evidence a claim case is scored on: the employer it names, the registry's names for its
document, and the document comparison conditioned on no exact match."""

from __future__ import annotations

import math

import polars as pl
import pytest

from pbr_pipeline.identity.claim_cases import (
    EMPLOYER_AGREES,
    EMPLOYER_DIFFERS,
    EMPLOYER_M_FALLBACK,
    EMPLOYER_M_MIN_CLAIMS,
    claim_candidates,
    claim_records,
    claimed_employer,
    claims_model,
    employer_evidence,
    with_employer_evidence,
)
from pbr_pipeline.identity.linkage import normalise_people
from pbr_pipeline.identity.linkage.model import M_FLOOR, fallback_model


@pytest.mark.parametrize(
    ("outcome", "support", "employer"),
    [
        ("COLOCACION", "800197268", "800197268"),
        ("RETENCION_3M", "800197268-5", "800197268"),
        ("COLOCACION", " 800.197.268-5 ", "800197268"),
        ("COLOCACION", "CERT-2025-001", None),
        ("COLOCACION", "8001972", None),
        ("COLOCACION", None, None),
        ("CERTIFICACION_B1", "800197268", None),  # a certificate number is not an employer
    ],
)
def test_the_employer_a_claim_names(outcome, support, employer):
    frame = pl.DataFrame({"outcome": [outcome], "support": [support]}, schema={"outcome": pl.String, "support": pl.String})
    assert frame.select(claimed_employer())["claimed_employer"][0] == employer


def document_levels(model) -> dict[str, float]:
    document = next(c for c in model.settings["comparisons"] if c["output_column_name"] == "document")
    return {level["label_for_charts"]: level["m_probability"] for level in document["comparison_levels"] if not level.get("is_null_level")}


def test_claim_cases_condition_the_document_on_no_exact_match():
    model = fallback_model(5000, 5000, "test")
    before, after = document_levels(model), document_levels(claims_model(model, roster_size=250))
    assert after["exact, same type"] == M_FLOOR
    assert math.isclose(sum(after.values()), 1.0, rel_tol=1e-9)
    # The other levels keep their proportions, each larger by 1 / (1 - m_exact).
    assert math.isclose(after["one edit"] / after["else"], before["one edit"] / before["else"], rel_tol=1e-9)
    assert after["one edit"] > 10 * before["one edit"]
    assert claims_model(model, roster_size=250).settings["probability_two_random_records_match"] == 1 / 250


def test_a_claim_takes_the_names_the_registry_holds_for_its_document():
    cases = pl.DataFrame({"id": ["c1", "c2"], "document": ["CC:1", "CC:2"], "document_type": ["CC", "CC"], "document_number": ["1", "2"]})
    registry = pl.DataFrame({"id": ["CC:1"], "inbox_index": [24301], "first_name": ["ANA"], "second_name": [None],
                             "first_surname": ["PEÑA"], "second_surname": ["RUIZ"]}, schema_overrides={"second_name": pl.String})
    records = claim_records(cases, registry).sort("id")
    assert records["first_name"].to_list() == ["ANA", None]
    assert records["names_index"].to_list() == [24301, None]


def roster(operator: str, people: int) -> pl.DataFrame:
    return pl.DataFrame({"document": [f"CC:{operator}{n}" for n in range(people)], "operator": [operator] * people})


def test_employer_m_is_estimated_from_the_claims_linked_by_document_and_u_per_employer():
    rosters = roster("A", 200)
    # 150 of the first 150 people worked at 900000001, and one of them also at 900000002.
    employers = pl.DataFrame({"document": [f"CC:A{n}" for n in range(150)] + ["CC:A0"],
                              "employer_nit": ["900000001"] * 150 + ["900000002"], "inbox_index": [1] * 151})
    # 120 linked claims name an employer; 108 name one the person's rows show.
    named = ["900000001"] * 108 + ["900000009"] * 12
    claims = pl.DataFrame({"document": [f"CC:A{n}" for n in range(120)], "operator": ["A"] * 120,
                           "outcome": ["COLOCACION"] * 120, "support": named})
    evidence = employer_evidence(claims, rosters, employers)
    assert evidence.m == pytest.approx(108 / 120) and evidence.estimated_from == 120
    u = dict(zip(evidence.u_by_employer["claimed_employer"], evidence.u_by_employer["u"], strict=True))
    assert u == {"900000001": pytest.approx(150 / 200), "900000002": pytest.approx(1 / 200)}

    few = employer_evidence(claims.head(EMPLOYER_M_MIN_CLAIMS - 1), rosters, employers)
    assert few.m == EMPLOYER_M_FALLBACK and few.estimated_from == 0


def test_a_rare_employer_weighs_more_than_a_common_one_and_a_different_one_weighs_against():
    rosters = roster("A", 200)
    employers = pl.DataFrame({"document": [f"CC:A{n}" for n in range(100)] + ["CC:A100"],
                              "employer_nit": ["900000001"] * 100 + ["900000002"], "inbox_index": [1] * 101})
    claims = pl.DataFrame({"document": [f"CC:A{n}" for n in range(101)], "operator": ["A"] * 101,
                           "outcome": ["COLOCACION"] * 101, "support": ["900000001"] * 100 + ["900000002"]})
    evidence = employer_evidence(claims, rosters, employers)
    cases = pl.DataFrame({"id": ["common", "rare", "differs", "none"], "operator": ["A"] * 4,
                          "claimed_employer": ["900000001", "900000002", "900000002", None]})
    pairs = pl.DataFrame({"left_id": ["common", "rare", "differs", "none"], "right_id": ["CC:A0", "CC:A100", "CC:A0", "CC:A0"],
                          "match_probability": [0.5] * 4, "match_weight": [0.0] * 4})
    scored = {row["left_id"]: row for row in with_employer_evidence(pairs, cases, employers, evidence).iter_rows(named=True)}
    assert scored["common"]["level_employer"] == scored["rare"]["level_employer"] == EMPLOYER_AGREES
    assert scored["rare"]["weight_employer"] == pytest.approx(math.log2(evidence.m / (1 / 200)))
    assert scored["rare"]["weight_employer"] > scored["common"]["weight_employer"] > 0
    assert scored["differs"]["level_employer"] == EMPLOYER_DIFFERS and scored["differs"]["weight_employer"] < 0
    assert (scored["none"]["level_employer"], scored["none"]["weight_employer"]) == ("null", 0.0)
    # Weights add: the probability follows the new match weight.
    rare = scored["rare"]
    assert rare["match_weight"] == pytest.approx(rare["weight_employer"])
    assert rare["match_probability"] == pytest.approx(1 / (1 + 2 ** -rare["match_weight"]))


def _people(rows: list[tuple[str, str, str | None]]) -> pl.DataFrame:
    return normalise_people(pl.DataFrame(
        [{"id": id_, "document_type": "CC", "document_number": number, "first_name": name, "second_name": None,
          "first_surname": "ROJAS" if name else None, "second_surname": "PINTO" if name else None} for id_, number, name in rows],
        schema={"id": pl.String, "document_type": pl.String, "document_number": pl.String, "first_name": pl.String,
                "second_name": pl.String, "first_surname": pl.String, "second_surname": pl.String},
    ), "id")


def test_claim_candidates_are_one_edit_away_or_share_the_full_name():
    claim = _people([("claim", "1098765432", None), ("named", "5550001", "ANA")])
    roster = _people([
        ("same", "1098765432", None),          # the number itself (another type in real life)
        ("changed", "1098765482", None),       # one digit changed
        ("dropped", "109876543", None),        # one digit dropped
        ("added", "10987654321", None),        # one digit added
        ("swapped", "1098756432", None),       # two neighbours swapped
        ("half", "1098700000", None),          # shares the first half only: not a candidate
        ("short", "10987", None),              # too short to be one edit of a 10-digit number
        ("namesake", "7770001", "ANA"),        # same full name, unrelated number
        ("other_name", "8880001", "EVA"),
    ])
    pairs = claim_candidates(claim, roster).sort("left_id", "right_id")
    assert pairs.filter(pl.col("left_id") == "claim")["right_id"].to_list() == ["added", "changed", "dropped", "same", "swapped"]
    assert pairs.filter(pl.col("left_id") == "named")["right_id"].to_list() == ["namesake"]


def test_short_numbers_are_only_candidates_when_equal():
    claim = _people([("claim", "12345", None)])
    roster = _people([("same", "12345", None), ("changed", "12346", None)])
    assert claim_candidates(claim, roster)["right_id"].to_list() == ["same"]


def test_scoring_candidates_scores_exactly_those_pairs_even_when_a_digit_is_dropped():
    from pbr_pipeline.identity.linkage import score_candidates
    from pbr_pipeline.identity.linkage.scoring import candidate_blocks

    claim = _people([("dropped", "1098765432", None), ("alone", "5550001", None)])
    roster = _people([("short", "109876543", None), ("added", "10987654321", None), ("far", "2222222222", None)])
    candidates = claim_candidates(claim, roster)
    assert sorted(candidates["right_id"]) == ["added", "short"]
    left_blocks, right_blocks = candidate_blocks(candidates)
    assert left_blocks["candidate_block"].n_unique() == 1 and set(right_blocks["unique_id"]) == {"added", "short"}
    pairs = score_candidates(claim, roster, candidates, fallback_model(2, 3, "test"))
    assert sorted(zip(pairs["left_id"], pairs["right_id"])) == [("dropped", "added"), ("dropped", "short")]
    assert set(pairs["level_document"]) == {"one edit"}
