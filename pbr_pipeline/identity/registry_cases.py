"""Registry cases of every registry besides the one the second pass is trained on.

An enrolled person of a programme whose document has no row in a registry the programme
reads is scored against that registry's people, on the fields the registry holds (its schema
says which: `second_pass.PERSON_FIELDS`). The comparisons and their m and u are the trained
model's; the prior is one person among the registry's people.

A registry without names (RIPS: document, birth date and sex) is where a careless matcher
links strangers: thousands of people share a birth date and a sex. So its candidates always
share the document, up to one edit (`claim_cases.deletion_keys`): the same number under
another type (TI→CC at 18), or one digit off and the same birth date. A pair whose document
disagrees is never accepted whatever else agrees; one digit off goes to a reviewer at best
(twins and people registered days apart hold consecutive numbers, the same birth date and
often the same sex: `make bench-health-linkage` measured 147 false links among 468 accepted
without this cap); and a document renewed with a new number
(a PEP that became a PT) is left unlinked there: without names nothing tells the new number
is the same person's.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.identity.claim_cases import deletion_keys
from pbr_pipeline.identity.linkage import LinkageModel, Thresholds, decide, normalise_people, score, score_candidates
from pbr_pipeline.identity.linkage.model import canonical_json
from pbr_pipeline.identity.linkage.settings import rule_sql
from pbr_pipeline.identity.links import ACCEPT, NONE, REGISTRY_CASE, REVIEW
from pbr_pipeline.identity.second_pass import blocked_for_registry, has_names

NAMELESS_BLOCKING_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("doc_number", "doc_number"),),
    (("birth_date", "birth_date"),),
)
"""The blocking rules saved with a nameless registry's model, for a reader of the model (every
candidate shares the number or the birth date); the pairs actually scored are exactly
`nameless_candidates` (scoring.score_candidates)."""

DOCUMENT_DISAGREES = "else"
"""The document comparison's last level: the numbers are more than one edit apart."""
DOCUMENT_ONE_EDIT = "one edit"
"""The document comparison's level for numbers one digit changed, added, dropped or swapped."""


def nameless_candidates(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """left_id, right_id of folded people: the same number, or numbers one edit apart with the
    same birth date (neither missing)."""
    # Only registry people who share a number or a birth date with someone enrolled can be a
    # candidate: a month of RIPS holds hundreds of thousands of patients, a programme enrols
    # thousands, and their deletion keys are all that is worked out.
    right = right.filter(
        pl.col("doc_number").is_in(left["doc_number"].drop_nulls().implode())
        | pl.col("birth_date").is_in(left["birth_date"].drop_nulls().implode())
    )
    keys = deletion_keys(left).join(deletion_keys(right), on="key", suffix="_r").select("unique_id", "unique_id_r").unique()
    born = keys.join(left.select("unique_id", "doc_number", "birth_date"), on="unique_id").join(
        right.select(pl.col("unique_id").alias("unique_id_r"), pl.col("doc_number").alias("doc_number_r"),
                     pl.col("birth_date").alias("birth_date_r")), on="unique_id_r")
    kept = born.filter((pl.col("doc_number") == pl.col("doc_number_r")) | (pl.col("birth_date") == pl.col("birth_date_r")))
    return kept.select(pl.col("unique_id").alias("left_id"), pl.col("unique_id_r").alias("right_id"))


def registry_model(model: LinkageModel, registry_people: int, named: bool) -> LinkageModel:
    """The trained comparisons with the prior of one person among the registry's people, and,
    for a registry without names, the nameless blocking rules."""
    settings = model.settings
    settings["probability_two_random_records_match"] = min(1.0, 1.0 / max(registry_people, 1))
    if named:
        settings = blocked_for_registry(LinkageModel(model_json=canonical_json(settings), trained=model.trained,
                                                     note=model.note)).settings
    else:
        settings["blocking_rules_to_generate_predictions"] = [rule_sql(rule) for rule in NAMELESS_BLOCKING_RULES]
    note = f"{model.note}; prior 1/{registry_people:,} (registry people){'' if named else ', no names: document required'}"
    return LinkageModel(model_json=canonical_json(settings), trained=model.trained, note=note)


def find_registry_links(enrolled: pl.DataFrame, registry: pl.DataFrame, model: LinkageModel, thresholds: Thresholds, *,
                        registry_name: str, frozen: pl.DataFrame | None = None) -> pl.DataFrame:
    """The registry cases of `registry_name`, in the columns of `SecondPass.cases`.

    `enrolled`: one record per enrolled person of the programmes that read the registry
    (`second_pass.enrolled_people`); `registry`: the registry's people (`registry_people`);
    `frozen`: this registry's cases an earlier month accepted, returned unchanged."""
    person_columns = [c for c in enrolled.columns if c not in ("operator", "inbox_index")]
    cases = enrolled.join(registry.select("id"), on="id", how="anti")
    if frozen is not None and frozen.height:
        cases = cases.join(frozen.select(pl.col("left").alias("id")), on="id", how="anti")
    named = has_names(registry)
    scoring = registry_model(model, registry.height, named)
    if named:
        pairs = score(cases.select(person_columns), registry.drop("inbox_index"), scoring)
    else:
        left, right = normalise_people(cases.select(person_columns), "id"), normalise_people(registry.drop("inbox_index"), "id")
        pairs = score_candidates(left, right, nameless_candidates(left, right), scoring)
    decided = decide(pairs, thresholds)
    if not named:
        # Birth date and sex alone never link: a pair whose document disagrees is no link. A
        # number one digit off with the same birth date and sex is as often a twin or a person
        # registered days apart (consecutive numbers) as a typo, and the model, which takes the
        # document and the birth date as independent, overrates it: a reviewer decides it.
        level = pl.col("level_document")
        decided = decided.join(pairs.select("left_id", "right_id", "level_document"), on=["left_id", "right_id"], how="left").with_columns(
            pl.when(level == DOCUMENT_DISAGREES).then(pl.lit(NONE))
            .when((level == DOCUMENT_ONE_EDIT) & (pl.col("decision") == ACCEPT)).then(pl.lit(REVIEW))
            .otherwise("decision").alias("decision")
        ).drop("level_document")
    field_columns = [c for c in pairs.columns if c.startswith(("weight_", "level_"))]
    decided = (
        decided.join(cases.select(pl.col("id").alias("left_id"), pl.col("inbox_index").alias("_left")), on="left_id")
        .join(registry.select(pl.col("id").alias("right_id"), pl.col("inbox_index").alias("_right")), on="right_id", how="left")
        .with_columns(pl.max_horizontal("_left", "_right").alias("known_index"))
        .drop("_left", "_right")
    )
    table = (
        decided.with_columns(pl.lit(REGISTRY_CASE).alias("kind"), stable_ids(decided, pl.lit("pair"), pl.lit(registry_name), "left_id", "right_id", name="case_id"))
        .join(pairs.select("left_id", "right_id", *field_columns), on=["left_id", "right_id"], how="left")
        .with_columns(
            pl.when(pl.col("ambiguous") & (pl.col("decision") == ACCEPT)).then(pl.lit(REVIEW)).otherwise(pl.col("decision")).alias("matcher_decision"),
            pl.lit(registry_name).alias("registry"),
        )
        .select("case_id", "kind", "registry", pl.col("left_id").alias("left"), pl.col("right_id").alias("document"),
                "match_probability", "match_weight", "ambiguous", "matcher_decision", "known_index", *field_columns)
    )
    if frozen is not None and frozen.height:
        table = pl.concat([table, frozen], how="diagonal_relaxed")
    return table.sort("kind", "case_id")
