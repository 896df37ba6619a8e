"""The probabilistic second pass: links deterministic matching missed, or left for review.

Two kinds of case, each with a stable `case_id` a reviewer can decide:
- **claim**: a claim whose document matches no person the claiming operator enrolled. It is
  scored against that operator's enrolled people (the claim carries only a document, so the
  document-number comparison carries the evidence: a typo, a transposition, a wrong type).
  `case_id` = the claim_id.
- **registry**: an enrolled person whose document has no PILA row. The person (names, birth
  date, sex) is scored against the registry's people (PILA carries names, not birth dates):
  a PEP that became a PT, a mistyped number in the roster. `case_id` = hash of both documents.

Each case ends ACCEPT (above the upper threshold, not ambiguous), REVIEW (in the grey band, or
two candidates close together), or no link. A reviewer's decision received up to the month
overrides the matcher: ACCEPT links, REJECT unlinks. What the rest of the pipeline sees is
the `document` of the linked person, exactly as if deterministic matching had found it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.linkage import LinkageModel, Thresholds, decide, score, train_model
from pbr_pipeline.linkage.model import canonical_json
from pbr_pipeline.linkage.settings import rule_sql
from pbr_pipeline.links import ACCEPT, CLAIM_CASE, REGISTRY_CASE, REVIEW
from pbr_pipeline.ids import stable_ids


_NAMES = ("first_name", "second_name", "first_surname", "second_surname")


@dataclass(frozen=True)
class SecondPass:
    cases: pl.DataFrame
    """One row per case as the matcher scored it: case_id, kind, left (claim_id or enrolled
    document), document (best candidate's document), match_probability, match_weight,
    ambiguous, matcher_decision, known_index (the month index from which both sides are known)."""
    explanations: pl.DataFrame
    """Per-field weights of every scored pair (from `score`)."""
    model: LinkageModel


def enrolled_people(enrolments: pl.DataFrame) -> pl.DataFrame:
    """One person record per canonical document: the earliest enrolment row's fields."""
    return (
        enrolments.sort("enrolled_on", "inbox_index", "source_file", "source_row")
        .group_by("document", maintain_order=True)
        .first()
        .select(pl.col("document").alias("id"), "operator", "inbox_index", "document_type", "document_number",
                *_NAMES, "birth_date", "sex")
    )


def registry_people(pila: pl.LazyFrame) -> pl.DataFrame:
    """One person record per canonical document in the registry: the names of its first row,
    and the month index it was first delivered in."""
    return (
        pila.sort("inbox_index", "source_file", "source_row")
        .group_by("document", maintain_order=True)
        .first()
        .select(pl.col("document").alias("id"), "inbox_index", "document_type", "document_number", *_NAMES)
        .collect()
    )


def _adjusted(model: LinkageModel, rules: list[str], prior: float | None = None, note: str | None = None) -> LinkageModel:
    """The same trained comparisons with other blocking rules (and prior) for one kind of case."""
    settings = model.settings
    settings["blocking_rules_to_generate_predictions"] = rules
    if prior is not None:
        settings["probability_two_random_records_match"] = prior
    return LinkageModel(model_json=canonical_json(settings), trained=model.trained,
                        note=model.note if note is None else f"{model.note}; {note}")


def for_claims(model: LinkageModel, roster_size: float) -> LinkageModel:
    """The same model for claims: blocking on the two halves of the document number only, and
    the prior of a claim among its operator's roster.

    A claim carries no names, so the model's name-based blocking rules would never pair a
    mistyped number with its owner; one edit leaves one half of the number intact. A claim is
    only ever compared with its own operator's enrolled people and names one of them, so the
    chance that a claim and a random enrolled person of that operator are the same person is
    1 / (people the operator enrolled), not 1 / (everybody)."""
    return _adjusted(
        model,
        rules=[rule_sql(rule) for rule in ((("doc_number", "doc_number"),), (("doc_head", "doc_head"),), (("doc_tail", "doc_tail"),))],
        prior=min(1.0, 1.0 / max(roster_size, 1.0)),
        note=f"claims: prior 1/{roster_size:,.0f} (people per operator)",
    )


def blocked_for_registry(model: LinkageModel) -> LinkageModel:
    """The model's rules plus the full name: PILA has no birth dates, so a person whose document
    was renewed (a PEP that became a PT, with a new number) shares only the name with the
    registry. The left side is small (enrolled people absent from PILA), so the pairs stay few."""
    full_name = (("first_name", "first_name"), ("first_surname", "first_surname"), ("second_surname", "second_surname"))
    return _adjusted(model, [*model.settings["blocking_rules_to_generate_predictions"], rule_sql(full_name)])


def find_links(claims: pl.DataFrame, enrolments: pl.DataFrame, registry: pl.DataFrame, thresholds: Thresholds,
               seed: int = 1) -> SecondPass:
    """Score every open case once, with a model trained on these records (all as of the run)."""
    people = enrolled_people(enrolments)
    # Who each operator enrolled: a person enrolled by two operators belongs to both rosters.
    rosters = enrolments.select("document", "operator").unique()
    claim_cases = claims.join(rosters, on=["document", "operator"], how="anti").select(
        pl.col("claim_id").alias("id"), "operator", "inbox_index", "document_type", "document_number"
    )
    registry_cases = people.join(registry.select("id"), on="id", how="anti")
    person_columns = [c for c in people.columns if c not in ("operator", "inbox_index")]
    model = train_model(people.select(person_columns), registry.drop("inbox_index"), seed=seed)

    roster_size = rosters.height / max(rosters["operator"].n_unique(), 1)
    claim_pairs = score(claim_cases.select("id", "document_type", "document_number"), people.select(person_columns),
                        for_claims(model, roster_size))
    # A claim is only ever linked to a person its own operator enrolled.
    claim_pairs = (
        claim_pairs.join(claim_cases.select(pl.col("id").alias("left_id"), "operator"), on="left_id")
        .join(rosters.rename({"document": "right_id"}), on=["right_id", "operator"], how="semi")
        .drop("operator")
    )
    registry_pairs = score(registry_cases.select(person_columns), registry.drop("inbox_index"), blocked_for_registry(model))

    def known_from(decided: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
        return decided.join(left.select(pl.col("id").alias("left_id"), pl.col("inbox_index").alias("_left")), on="left_id").join(
            right.select(pl.col("id").alias("right_id"), pl.col("inbox_index").alias("_right")), on="right_id", how="left"
        ).with_columns(pl.max_horizontal("_left", "_right").alias("known_index")).drop("_left", "_right")

    claims_decided = known_from(decide(claim_pairs, thresholds), claim_cases, people).with_columns(
        pl.lit(CLAIM_CASE).alias("kind"), pl.col("left_id").alias("case_id")
    )
    registry_decided = known_from(decide(registry_pairs, thresholds), registry_cases, registry)
    registry_decided = registry_decided.with_columns(
        pl.lit(REGISTRY_CASE).alias("kind"),
        stable_ids(registry_decided, pl.lit("pair"), "left_id", "right_id", name="case_id"),
    )
    cases = (
        pl.concat([claims_decided, registry_decided], how="diagonal_relaxed")
        .with_columns(
            pl.when(pl.col("ambiguous") & (pl.col("decision") == ACCEPT)).then(pl.lit(REVIEW)).otherwise(pl.col("decision")).alias("matcher_decision")
        )
        .select("case_id", "kind", pl.col("left_id").alias("left"), pl.col("right_id").alias("document"),
                "match_probability", "match_weight", "ambiguous", "matcher_decision", "known_index")
        .sort("kind", "case_id")
    )
    explanations = pl.concat([claim_pairs, registry_pairs], how="diagonal_relaxed")
    return SecondPass(cases=cases, explanations=explanations, model=model)
