"""The probabilistic second pass as assets: the month's cases, the review sheet, the audit."""

import dagster as dg
import polars as pl

from assets.metadata import counts_by, frame_schema, table_metadata
from assets.partitions import monthly_partitions
from assets.verification import AS_OF_MONTHS, PREVIOUS_MONTH, first_inbox_month, known_as_of, stored_state
from pbr_pipeline.identity.model_store import Training, linkage_folder, model_in_force, store_model
from pbr_pipeline.verify.as_of import load_reviews, registry_scan
from pbr_pipeline.identity.linkage import write_charts
from pbr_pipeline.identity.linkage_config import load_thresholds
from pbr_pipeline.identity.links import CLAIM_CASE, REGISTRY_CASE, REVIEW, links_as_of
from pbr_pipeline.core.months import month_index
from assets.resources import InboxResource, WarehouseResource
from pbr_pipeline.identity.review_sheet import review_sheet, write_review_sheets
from pbr_pipeline.identity.reviews import review_audit
from pbr_pipeline.programmes import LINKAGE_REGISTRY, REGISTRIES, paying_for, readers_of
from pbr_pipeline.programmes.spec import PERSON
from pbr_pipeline.identity.claim_cases import NAMES
from pbr_pipeline.identity.registry_cases import find_registry_links
from pbr_pipeline.identity.second_pass import enrolled_people, find_links, frozen_links, frozen_of, registry_inputs, registry_people
from pbr_pipeline.core.warehouse import atomic_write_bytes

LINKAGE_INPUTS = [dg.AssetDep(name, partition_mapping=AS_OF_MONTHS)
                  for name in ("enrolments", "claims", *(registry.name for registry in REGISTRIES), "reviews")]


@dg.asset(partitions_def=monthly_partitions, group_name="linkage", kinds={"splink", "parquet"}, tags={"pbr/access": "restricted"},
          deps=[*LINKAGE_INPUTS, dg.AssetDep("person_links", partition_mapping=PREVIOUS_MONTH)])
def person_links(context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource) -> dg.Output[pl.DataFrame]:
    """The second pass as of the month: every claim whose document matches nobody its operator
    enrolled, and every enrolled person absent from the registry the second pass links people
    through, with the best candidate, probability, weight, ambiguity and the matcher's decision
    (ACCEPT, REVIEW, NONE). Links the month before published stay as they were (its stored
    partition is read); new and open cases are scored by the stored model of the month before,
    or by a model trained this month (first month, a retraining the data team asked for, or a
    registry twice the size it was at training; `model_origin` in the metadata says which). The
    model in force, where it comes from (`training.json`) and the match-weights and waterfall
    charts are written to `<warehouse>/linkage/month=YYYY-MM/`, with the claim cases' own model
    (`claims_model.json`) and employer evidence (`claims_employer_evidence.json`).
    Holds documents: data team only."""
    known = known_as_of(context, warehouse, inbox, with_registries=False)
    month = context.partition_key
    thresholds = load_thresholds(inbox.path)
    # The second pass works on the programmes that read the registry it links people through.
    readers = pl.col("programme").is_in(readers_of(LINKAGE_REGISTRY))
    enrolled, claims = known.enrolments.filter(readers), known.claims.filter(readers)
    registry, employers = registry_inputs(registry_scan(warehouse.path, month, LINKAGE_REGISTRY.name), enrolled)
    first_month = first_inbox_month(inbox)
    in_force = model_in_force(warehouse.path, month, first_month, registry.height)
    previous = stored_state(warehouse, inbox, "person_links", month)
    frozen = frozen_links(previous)
    result = find_links(claims, enrolled, registry, employers, thresholds, registry_name=LINKAGE_REGISTRY.name,
                        model=in_force.model, frozen=frozen_of(frozen, LINKAGE_REGISTRY.name, with_claims=True))
    # Every other registry a programme reads: its own registry cases, scored by the same model.
    cases = [result.cases]
    for other in REGISTRIES:
        if other is LINKAGE_REGISTRY:
            continue
        # Only people are linked probabilistically: firms (NIT) and producer units are
        # named by identifiers that either match or do not.
        person_readers = set(readers_of(other)) & set(paying_for(PERSON))
        people = enrolled_people(known.enrolments.filter(pl.col("programme").is_in(sorted(person_readers))))
        if people.height:
            cases.append(find_registry_links(people, registry_people(registry_scan(warehouse.path, month, other.name)).collect(),
                                             result.model, thresholds, registry_name=other.name,
                                             frozen=frozen_of(frozen, other.name)))
    all_cases = pl.concat(cases, how="diagonal_relaxed").sort("kind", "registry", "case_id")
    training = in_force.training or Training(trained_in=month, enrolled_people=enrolled["document"].n_unique(),
                                             registry_people=registry.height)
    folder = linkage_folder(warehouse.path, month)
    model_path = store_model(warehouse.path, month, result.model, training)
    claims_model_path = result.claims_model.save(folder / "claims_model.json")
    atomic_write_bytes(folder / "claims_employer_evidence.json", (result.employer_evidence.to_json() + "\n").encode("utf-8"))
    in_review = all_cases.filter((pl.col("matcher_decision") == REVIEW) & pl.col("registry").fill_null(LINKAGE_REGISTRY.name).eq(
        LINKAGE_REGISTRY.name)).select("case_id", "left", "document")
    reviewed_pairs = result.explanations.join(
        in_review.select(pl.col("left").alias("left_id"), pl.col("document").alias("right_id")), on=["left_id", "right_id"], how="semi"
    )
    charts = write_charts(result.model, reviewed_pairs, folder)
    context.log.info(f"linkage model: {result.model.note}")
    return dg.Output(
        all_cases,
        metadata=table_metadata(
            all_cases,
            frame_schema(all_cases),
            {
                "cases": counts_by(all_cases, "kind", "registry", "matcher_decision"),
                "model_origin": in_force.why,
                "model_trained": result.model.trained,
                "model_note": result.model.note,
                "thresholds": f"accept ≥ {thresholds.accept}, review ≥ {thresholds.review}, ambiguity margin {thresholds.ambiguity_margin} bits",
                "model_json": dg.MetadataValue.path(str(model_path)),
                "claims_model_json": dg.MetadataValue.path(str(claims_model_path)),
                "claims_employer_m": result.employer_evidence.m,
                "charts": ", ".join(path.name for path in charts) or "none",
            },
        ),
    )


@dg.asset(partitions_def=monthly_partitions, group_name="linkage", deps=LINKAGE_INPUTS, kinds={"polars", "xlsx"},
          tags={"pbr/access": "restricted"})
def review_queue(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource, person_links: pl.DataFrame
) -> dg.Output[pl.DataFrame]:
    """The cases waiting for a reviewer as of the month, both records side by side with the
    fields that agreed and disagreed. Exported for the people who review as XLSX and CSV in
    `<warehouse>/review_sheets/month=YYYY-MM/`, once with the score and once blind (no score)."""
    known = known_as_of(context, warehouse, inbox, with_registries=False)
    month = context.partition_key
    in_review = links_as_of(person_links, known.reviews, month_index(month)).filter(pl.col("decision") == REVIEW)
    # Per registry, only the registry people the cases point at: the filter is pushed into the
    # scan. Registry cases show the registry person; claim cases (those of the registry the
    # second pass is trained on) the registry names of the claim's document.
    sheets = []
    for registry_def in REGISTRIES:
        mine = in_review.filter(pl.col("registry").fill_null(LINKAGE_REGISTRY.name) == registry_def.name)
        if registry_def is not LINKAGE_REGISTRY and mine.height == 0:
            continue
        claim_documents = known.claims.join(mine.filter(pl.col("kind") == CLAIM_CASE).select(pl.col("left").alias("claim_id")),
                                            on="claim_id", how="semi").select("document")
        wanted = pl.concat([mine.filter(pl.col("kind") == REGISTRY_CASE).select("document"), claim_documents]).unique().lazy()
        registry = registry_people(registry_scan(warehouse.path, month, registry_def.name).join(wanted, on="document", how="semi")).collect()
        # A registry without names (RIPS) shows them empty.
        registry = registry.with_columns(pl.lit(None, pl.String).alias(name) for name in NAMES if name not in registry.columns)
        sheets.append(review_sheet(mine, known.claims, known.enrolments, registry))
    sheet = pl.concat(sheets, how="diagonal_relaxed").sort("kind", "id_caso")
    written = write_review_sheets(sheet, warehouse.path / "review_sheets" / f"month={month}")
    return dg.Output(sheet, metadata=table_metadata(sheet, frame_schema(sheet), {
        "cases_in_review": sheet.height, "files": ", ".join(path.name for path in written)}))


@dg.asset(partitions_def=monthly_partitions, group_name="linkage", deps=LINKAGE_INPUTS, kinds={"polars", "parquet"},
          tags={"pbr/access": "analysts"})
def review_decisions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, person_links: pl.DataFrame
) -> dg.Output[pl.DataFrame]:
    """The audit of review decisions received up to the month: which case, ACCEPT or REJECT,
    who, when, the note, the file and row it came in, and what became of it (APPLIED,
    SUPERSEDED by a later decision, or UNKNOWN_CASE)."""
    audit = review_audit(load_reviews(warehouse.path, context.partition_key), person_links)
    return dg.Output(audit, metadata=table_metadata(audit, frame_schema(audit), {"by_outcome": counts_by(audit, "outcome", "decision")}))
