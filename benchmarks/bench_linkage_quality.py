"""Benchmark: linkage quality on the generator's data with realistic noise.

    make bench-linkage           # 60,000 people, 2025-01..2025-06, 6 operators, realistic noise
    python benchmarks/bench_linkage_quality.py --people 20000 --noise high

Links every claim to the claiming operator's enrolled people and every enrolled person to the
registry, as the monthly run does (deterministic first, then the Splink second pass), and
compares each link with the generator's truth of who is who (`ground_truth/records.parquet`).
Prints the confusion counts, precision and recall over all links, and the share of claims
left in review. Targets: precision ≥ 0.999, recall ≥ 0.995, review < 1% of claims.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import polars as pl

from pbr_pipeline.verify.as_of import load_known, registry_scan
from pbr_pipeline.intake.ingest import inbox_months, ingest_table
from pbr_pipeline.identity.linkage_config import load_thresholds
from pbr_pipeline.identity.links import ACCEPT, CLAIM_CASE, REGISTRY_CASE, REVIEW, links_as_of
from pbr_pipeline.identity.matching import canonical_document
from pbr_pipeline.core.months import month_index, parse_month_range
from pbr_pipeline.identity.second_pass import find_links, registry_inputs
from pbr_pipeline.core.settings import PROJECT_ROOT
from pbr_pipeline.synthetic import LEVELS, generate
from pbr_pipeline.intake.tables import CLAIMS, ENROLMENTS, PILA, REVIEWS
from pbr_pipeline.intake.validate import validate_table
from pbr_pipeline.core.warehouse import write_partition


def prepare(args: argparse.Namespace) -> tuple[Path, Path]:
    params = {"people": args.people, "months": args.months, "operators": args.operators, "seed": args.seed, "noise": args.noise}
    data_dir, warehouse, stamp = args.work / "data", args.work / "warehouse", args.work / "params.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != params:
        shutil.rmtree(args.work, ignore_errors=True)
        started = time.perf_counter()
        generate(data_dir, seed=args.seed, people=args.people, months=parse_month_range(args.months),
                 operators=args.operators, noise=LEVELS[args.noise])
        print(f"generate: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for month in inbox_months(data_dir):
            for table in (ENROLMENTS, CLAIMS, PILA, REVIEWS):
                write_partition(validate_table(ingest_table(data_dir, month, table).frame, table).valid, warehouse, table.name, month)
        print(f"ingest and validate: {time.perf_counter() - started:.1f} s")
        stamp.write_text(json.dumps(params))
    return data_dir, warehouse


def truth_of_documents(records: pl.DataFrame, source: str) -> pl.DataFrame:
    """canonical document → true person, for one kind of record (a typo'd document still
    belongs to the person who wrote it)."""
    return (
        records.filter((pl.col("source") == source) & pl.col("person_id").is_not_null())
        .select(pl.col("tipo_documento").alias("document_type"), pl.col("numero_documento").alias("document_number"), "person_id")
        .with_columns(pl.col("document_type").str.to_uppercase().str.replace_all(r"[.\s]", "").replace({"PPT": "PT", "PEP": "PE"}),
                      pl.col("document_number").str.to_uppercase().str.replace_all(r"[.\s\-]", ""))
        .with_columns(canonical_document())
        .select("document", "person_id")
        .unique()
    )


def confusion(frame: pl.DataFrame, kind: str) -> dict:
    """frame: true_person, linkable (bool), predicted_person (null: no link), review (bool)."""
    linked = frame.filter(pl.col("predicted_person").is_not_null())
    true_positive = linked.filter(pl.col("predicted_person") == pl.col("true_person")).height
    false_positive = linked.height - true_positive
    linkable = frame.filter(pl.col("linkable")).height
    return {
        "kind": kind, "records": frame.height, "linkable": linkable, "true_links": true_positive,
        "false_links": false_positive, "missed": linkable - true_positive, "in_review": frame.filter(pl.col("review")).height,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=60_000)
    parser.add_argument("--months", default="2025-01..2025-06")
    parser.add_argument("--operators", type=int, default=6)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--noise", default="realistic", choices=sorted(LEVELS))
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench-linkage")
    parser.add_argument("--debug", action="store_true", help="break the missed claim links down by scenario")
    args = parser.parse_args()

    data_dir, warehouse = prepare(args)
    month = inbox_months(data_dir)[-1]
    known = load_known(warehouse, data_dir, month)
    started = time.perf_counter()
    registry, employers = registry_inputs(registry_scan(warehouse, month), known.enrolments)
    second = find_links(known.claims, known.enrolments, registry, employers, load_thresholds(data_dir), registry_name="pila")
    links = links_as_of(second.cases, known.reviews, month_index(month))
    print(f"second pass: {time.perf_counter() - started:.1f} s; model: {second.model.note}")

    records = pl.read_parquet(data_dir / "ground_truth" / "records.parquet")
    enrolled_truth = truth_of_documents(records, "inscripciones")
    registry_truth = truth_of_documents(records, "pila")

    # Claims → the operator's enrolled people.
    claim_truth = records.filter(pl.col("source") == "reportes").select("source_file", "source_row", pl.col("person_id").alias("true_person"))
    enrolled_by = known.enrolments.select("document", "operator").unique().join(enrolled_truth, on="document")
    claim_links = links.filter(pl.col("kind") == CLAIM_CASE).select(pl.col("left").alias("claim_id"), pl.col("document").alias("linked"), "decision")
    claims = (
        known.claims.select("claim_id", "operator", "document", "source_file", "source_row")
        .join(claim_truth, on=["source_file", "source_row"], how="left")
        .join(claim_links, on="claim_id", how="left")
        .with_columns(
            pl.when(pl.col("decision").is_null()).then("document").when(pl.col("decision") == ACCEPT).then("linked").alias("predicted_document"),
            (pl.col("decision") == REVIEW).fill_null(False).alias("review"),
        )
        .join(enrolled_by.rename({"document": "predicted_document", "person_id": "predicted_person"}), on=["predicted_document", "operator"], how="left")
        .join(enrolled_by.select("operator", pl.col("person_id").alias("true_person"), pl.lit(True).alias("linkable")).unique(),
              on=["operator", "true_person"], how="left")
        .with_columns(pl.col("linkable").fill_null(False))
    )

    # Enrolled people → the registry.
    registry_links = links.filter(pl.col("kind") == REGISTRY_CASE).select(pl.col("left").alias("document"), pl.col("document").alias("linked"), "decision")
    in_registry = registry.select(pl.col("id").alias("document"))
    people = (
        known.enrolments.select("document").unique()
        .join(enrolled_truth.rename({"person_id": "true_person"}), on="document", how="left")
        .join(registry_links, on="document", how="left")
        .with_columns(
            pl.when(pl.col("document").is_in(in_registry["document"].implode())).then("document")
            .when(pl.col("decision") == ACCEPT).then("linked").alias("predicted_document"),
            (pl.col("decision") == REVIEW).fill_null(False).alias("review"),
        )
        .join(registry_truth.rename({"document": "predicted_document", "person_id": "predicted_person"}), on="predicted_document", how="left")
        .with_columns(pl.col("true_person").is_in(registry_truth["person_id"].implode()).alias("linkable"))
    )

    if args.debug:
        missed = claims.filter(pl.col("linkable") & pl.col("predicted_person").is_null())
        print(missed.group_by("decision").len())
        truth = pl.read_csv(data_dir / "ground_truth" / "claims.csv", infer_schema=False).with_columns(pl.col("source_row").cast(pl.Int64))
        print(missed.join(truth, on=["source_file", "source_row"]).group_by("scenario", "decision").len().sort("len", descending=True))
    rows = [confusion(claims, "claim → enrolment"), confusion(people, "enrolled person → registry")]
    table = pl.DataFrame(rows)
    print(table)
    total = table.select(pl.col("true_links", "false_links", "missed", "linkable").sum()).row(0, named=True)
    precision = total["true_links"] / max(total["true_links"] + total["false_links"], 1)
    recall = total["true_links"] / max(total["linkable"], 1)
    review_share = claims.filter(pl.col("review")).height / max(claims.height, 1)
    print(f"all links: precision {precision:.5f} (target ≥ 0.999), recall {recall:.5f} (target ≥ 0.995), "
          f"claims in review {review_share:.2%} (target < 1%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
