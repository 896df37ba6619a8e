"""The probabilistic second pass: links deterministic matching missed, or left for review.

Two kinds of case, each with a stable `case_id` a reviewer can decide:
- **claim**: a claim whose document matches no person the claiming operator enrolled. It is
  scored against that operator's enrolled people on its document (a typo, a transposition, a
  wrong type), the names the registry holds for that document, and the employer it names
  (`claim_cases`). `case_id` = the claim_id.
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

from pbr_pipeline.identity.claim_cases import (
    NAMES,
    EmployerEvidence,
    claim_records,
    claim_candidates,
    claimed_employer,
    claims_model,
    employer_evidence,
    person_employers,
    with_employer_evidence,
)
from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.identity.linkage import LinkageModel, Thresholds, decide, normalise_people, score, score_candidates, train_model
from pbr_pipeline.identity.linkage.model import canonical_json
from pbr_pipeline.identity.linkage.settings import rule_sql
from pbr_pipeline.identity.links import ACCEPT, CLAIM_CASE, REGISTRY_CASE, REVIEW


@dataclass(frozen=True)
class SecondPass:
    cases: pl.DataFrame
    """One row per case as the matcher scored it: case_id, kind, registry (for a registry case,
    the registry it links to), left (claim_id or enrolled
    document), document (best candidate's document), match_probability, match_weight,
    ambiguous, matcher_decision, known_index (the month index from which both sides and the
    evidence are known), and the best pair's weight_<field> (log2 Bayes factor) and
    level_<field> (the level it hit) per field, employer included for claim cases."""
    explanations: pl.DataFrame
    """Per-field weights of every scored pair (from `score`)."""
    model: LinkageModel
    """The model trained on the month's records (registry cases score with it)."""
    claims_model: LinkageModel
    """The same comparisons as claim cases score them (`claim_cases.claims_model`)."""
    employer_evidence: EmployerEvidence


def frozen_links(previous: pl.DataFrame | None) -> pl.DataFrame | None:
    """The cases the month before accepted (by the matcher): links a month published stay with
    their claim or person in every later month. A reviewer's decision still applies on top
    (identity.links.links_as_of), since review decisions are inputs of the month they arrive."""
    if previous is None:
        return None
    return previous.filter(pl.col("matcher_decision") == ACCEPT)


def frozen_of(frozen: pl.DataFrame | None, registry: str, *, with_claims: bool = False) -> pl.DataFrame | None:
    """The frozen registry cases of `registry` (and the frozen claim cases, `with_claims`)."""
    if frozen is None:
        return None
    mine = (pl.col("kind") == REGISTRY_CASE) & (pl.col("registry") == registry)
    return frozen.filter(mine | (pl.col("kind") == CLAIM_CASE) if with_claims else mine)


def enrolled_people(enrolments: pl.DataFrame) -> pl.DataFrame:
    """One person record per canonical document: the earliest enrolment row's fields."""
    return (
        enrolments.sort("enrolled_on", "inbox_index", "source_file", "source_row")
        .group_by("document", maintain_order=True)
        .first()
        .select(pl.col("document").alias("id"), "operator", "inbox_index", "document_type", "document_number",
                *NAMES, "birth_date", "sex")
    )


PERSON_FIELDS = ("document_type", "document_number", *NAMES, "birth_date", "sex")
"""What a registry may hold of a person. Each registry holds its own subset (PILA: names, no
birth date; RIPS: birth date and sex, no names); what it lacks weighs nothing."""


def registry_people(rows: pl.LazyFrame) -> pl.LazyFrame:
    """One person record per canonical document in the registry: the person fields the registry
    has (PERSON_FIELDS) as its first row holds them, and the month index it was first
    delivered in."""
    has = [field for field in PERSON_FIELDS if field in rows.collect_schema().names()]
    return (
        rows.sort("inbox_index", "source_file", "source_row")
        .group_by("document", maintain_order=True)
        .first()
        .select(pl.col("document").alias("id"), "inbox_index", *has)
    )


def has_names(people: pl.DataFrame) -> bool:
    return any(name in people.columns for name in NAMES)


def registry_inputs(pila: pl.LazyFrame, enrolments: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the second pass reads of the registry, collected together from one PILA scan: its
    people (`registry_people`) and the employers of the enrolled people (`person_employers`)."""
    enrolled = enrolments.select("document").unique().lazy()
    people, employers = pl.collect_all([registry_people(pila), person_employers(pila, enrolled)])
    return people, employers


def blocked_for_registry(model: LinkageModel) -> LinkageModel:
    """The model's rules plus the full name: PILA has no birth dates, so a person whose document
    was renewed (a PEP that became a PT, with a new number) shares only the name with the
    registry. The left side is small (enrolled people absent from PILA), so the pairs stay few."""
    full_name = (("first_name", "first_name"), ("first_surname", "first_surname"), ("second_surname", "second_surname"))
    settings = model.settings
    settings["blocking_rules_to_generate_predictions"].append(rule_sql(full_name))
    return LinkageModel(model_json=canonical_json(settings), trained=model.trained, note=model.note)


def score_within_rosters(left: pl.DataFrame, claim_cases: pl.DataFrame, people: pl.DataFrame, rosters: pl.DataFrame,
                         model: LinkageModel) -> pl.DataFrame:
    """Score each operator's claim cases against that operator's roster only, and only the
    pairs `claim_candidates` admits. The model uses no term frequencies, so a pair scores the
    same whoever else is in the tables; scoring every claim against every roster and keeping
    the own roster's pairs afterwards gave the same pairs at ten times the work, and blocking
    on half a document number scored hundreds of pairs per claim to keep a handful (and missed
    a digit added or dropped, which shifts the halves)."""
    left_folded, people_folded = normalise_people(left, "id"), normalise_people(people, "id")
    parts = []
    for operator in claim_cases.get_column("operator").unique().sort().to_list():
        claims_of = left_folded.join(claim_cases.filter(pl.col("operator") == operator).select(pl.col("id").alias("unique_id")),
                                     on="unique_id", how="semi")
        roster = people_folded.join(rosters.filter(pl.col("operator") == operator).select(pl.col("document").alias("unique_id")),
                                    on="unique_id", how="semi")
        parts.append(claim_candidates(claims_of, roster))
    candidates = pl.concat(parts, how="vertical").unique() if parts else pl.DataFrame()
    if candidates.height == 0:
        return score(left.clear(), people.clear(), model)
    # Every operator's candidates scored in one linker: a pair's score does not depend on who
    # else is in the tables, and one DuckDB database per operator cost more than the scoring.
    # No sort here: the employer evidence re-weighs and re-sorts the pairs.
    return score_candidates(
        left_folded.join(candidates.select(pl.col("left_id").alias("unique_id")).unique(), on="unique_id", how="semi"),
        people_folded.join(candidates.select(pl.col("right_id").alias("unique_id")).unique(), on="unique_id", how="semi"),
        candidates, model)


def find_links(claims: pl.DataFrame, enrolments: pl.DataFrame, registry: pl.DataFrame, employers: pl.DataFrame,
               thresholds: Thresholds, *, registry_name: str, seed: int = 1, model: LinkageModel | None = None,
               frozen: pl.DataFrame | None = None) -> SecondPass:
    """Score every open case once (all records as of the run), with `model`, or with a model
    trained on these records when none is given.

    `registry` and `employers`: the registry's people and the enrolled people's employers
    (`registry_inputs`). `frozen`: cases an earlier month accepted (`frozen_links`); their
    links stay as they were published, so they are not scored again and come back unchanged."""
    people = enrolled_people(enrolments)
    # Who each operator enrolled: a person enrolled by two operators belongs to both rosters.
    rosters = enrolments.select("document", "operator").unique()
    # A claim is a case when its operator had not enrolled its document by the month the claim
    # arrived. A roster row that arrives later does not take the case away: the runs of the
    # months in between linked (and may have paid) the claim through it, and every later run
    # recomputes those months the same way.
    enrolled_by_then = enrolments.select("document", "operator", pl.col("inbox_index").alias("_enrolled")).group_by(
        "document", "operator").agg(pl.col("_enrolled").min())
    claim_cases = claims.join(enrolled_by_then, on=["document", "operator"], how="left").filter(
        pl.col("_enrolled").is_null() | (pl.col("_enrolled") > pl.col("inbox_index"))
    ).select(
        pl.col("claim_id").alias("id"), "operator", "inbox_index", "document", "document_type", "document_number",
        claimed_employer(),
    )
    registry_cases = people.join(registry.select("id"), on="id", how="anti")
    if frozen is not None and frozen.height:
        claim_cases = claim_cases.join(frozen.filter(pl.col("kind") == CLAIM_CASE).select(pl.col("left").alias("id")), on="id", how="anti")
        registry_cases = registry_cases.join(frozen.filter(pl.col("kind") == REGISTRY_CASE).select(pl.col("left").alias("id")),
                                             on="id", how="anti")
    person_columns = [c for c in people.columns if c not in ("operator", "inbox_index")]
    if model is None:
        model = train_model(people.select(person_columns), registry.drop("inbox_index"), seed=seed)

    roster_size = rosters.height / max(rosters["operator"].n_unique(), 1)
    claim_model = claims_model(model, roster_size)
    evidence = employer_evidence(claims, rosters, employers)
    claim_left = claim_records(claim_cases, registry)
    # A claim is only ever linked to a person its own operator enrolled, and never to a roster
    # row with its own document (a later enrolment: deterministic matching's business).
    claim_pairs = (
        score_within_rosters(claim_left.drop("names_index"), claim_cases, people.select(person_columns), rosters, claim_model)
        .join(claim_cases.select(pl.col("id").alias("left_id"), pl.col("document").alias("_own")), on="left_id")
        .filter(pl.col("right_id") != pl.col("_own"))
        .drop("_own")
    )
    claim_pairs = with_employer_evidence(claim_pairs, claim_cases, employers, evidence)
    registry_pairs = score(registry_cases.select(person_columns), registry.drop("inbox_index"), blocked_for_registry(model))

    def known_from(decided: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame, evidence: list[str]) -> pl.DataFrame:
        """The month index from which a run knows the case: both records and the registry rows
        whose names or employer weighed in its best pair."""
        return decided.join(left.select(pl.col("id").alias("left_id"), pl.col("inbox_index").alias("_left")), on="left_id").join(
            right.select(pl.col("id").alias("right_id"), pl.col("inbox_index").alias("_right")), on="right_id", how="left"
        ).with_columns(pl.max_horizontal("_left", "_right", *evidence).alias("known_index")).drop("_left", "_right", *evidence)

    claim_evidence = claim_pairs.select("left_id", "right_id", "employer_index").join(
        claim_left.select(pl.col("id").alias("left_id"), "names_index"), on="left_id", how="left")
    claims_decided = known_from(
        decide(claim_pairs, thresholds).join(claim_evidence, on=["left_id", "right_id"], how="left"),
        claim_cases, people, ["employer_index", "names_index"],
    ).with_columns(pl.lit(CLAIM_CASE).alias("kind"), pl.col("left_id").alias("case_id"))
    registry_decided = known_from(decide(registry_pairs, thresholds), registry_cases, registry, [])
    registry_decided = registry_decided.with_columns(
        pl.lit(REGISTRY_CASE).alias("kind"),
        stable_ids(registry_decided, pl.lit("pair"), "left_id", "right_id", name="case_id"),
    )
    explanations = pl.concat([claim_pairs.drop("employer_index"), registry_pairs], how="diagonal_relaxed")
    field_columns = [c for c in explanations.columns if c.startswith(("weight_", "level_"))]
    cases = (
        pl.concat([claims_decided, registry_decided], how="diagonal_relaxed")
        .join(explanations.select("left_id", "right_id", *field_columns), on=["left_id", "right_id"], how="left")
        .with_columns(
            pl.when(pl.col("ambiguous") & (pl.col("decision") == ACCEPT)).then(pl.lit(REVIEW)).otherwise(pl.col("decision")).alias("matcher_decision")
        )
        .with_columns(pl.when(pl.col("kind") == REGISTRY_CASE).then(pl.lit(registry_name)).alias("registry"))
        .select("case_id", "kind", "registry", pl.col("left_id").alias("left"), pl.col("right_id").alias("document"),
                "match_probability", "match_weight", "ambiguous", "matcher_decision", "known_index", *field_columns)
    )
    if frozen is not None and frozen.height:
        cases = pl.concat([cases, frozen], how="diagonal_relaxed")
    cases = cases.sort("kind", "case_id")
    return SecondPass(cases=cases, explanations=explanations, model=model, claims_model=claim_model, employer_evidence=evidence)
