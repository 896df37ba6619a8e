"""Links from the probabilistic second pass, as a given month's run sees them.

The matcher scores every case once per run (pbr_pipeline.identity.second_pass); here the cases are cut
to what the run for month V knew (both sides received by V) and reviewers' decisions received
by V are applied, then the links are folded into the claims and PILA rows the rules read. No
Splink here: plain polars over the scored cases.
"""

from __future__ import annotations

import polars as pl

ACCEPT, REVIEW, NONE = "ACCEPT", "REVIEW", "NONE"
PROBABILISTIC, REVIEWED = "PROBABILISTIC", "REVIEWED"
CLAIM_CASE, REGISTRY_CASE = "claim", "registry"


def links_as_of(cases: pl.DataFrame, reviews: pl.DataFrame, run: int) -> pl.DataFrame:
    """The cases the run for month index `run` knows, with the latest review decision received
    by then: decision (ACCEPT, REVIEW, NONE), method (PROBABILISTIC or REVIEWED), reviewer."""
    latest = (
        reviews.filter(pl.col("inbox_index") <= run)
        .sort("reviewed_on", "inbox_index", "source_file", "source_row")
        .group_by("case_id", maintain_order=True)
        .last()
        .select("case_id", pl.col("decision").alias("review_decision"), "reviewer")
    )
    reviewed = pl.col("review_decision").is_not_null()
    return (
        cases.filter(pl.col("known_index") <= run)
        .join(latest, on="case_id", how="left")
        .with_columns(
            pl.when(pl.col("review_decision") == "ACCEPT").then(pl.lit(ACCEPT))
            .when(pl.col("review_decision") == "REJECT").then(pl.lit(NONE))
            .otherwise(pl.col("matcher_decision"))
            .alias("decision"),
            pl.when(reviewed).then(pl.lit(REVIEWED)).otherwise(pl.lit(PROBABILISTIC)).alias("method"),
        )
    )


def apply_to_claims(claims: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Claims with an accepted link take the linked person's document; `link_method` says how,
    `in_review` marks claims whose link waits for a reviewer."""
    claim_links = links.filter(pl.col("kind") == CLAIM_CASE).select(
        pl.col("left").alias("claim_id"), pl.col("document").alias("_linked"), "decision", "method"
    )
    return (
        claims.join(claim_links, on="claim_id", how="left")
        .with_columns(
            pl.when(pl.col("decision") == ACCEPT).then("_linked").otherwise("document").alias("document"),
            pl.when(pl.col("decision") == ACCEPT).then("method").alias("link_method"),
            (pl.col("decision") == REVIEW).fill_null(False).alias("in_review"),
        )
        .drop("_linked", "decision", "method")
    )


def registry_documents(links: pl.DataFrame) -> pl.DataFrame:
    """Accepted registry links: registry, enrolled document (`document`) → registry document
    (`registry_document`)."""
    return links.filter((pl.col("kind") == REGISTRY_CASE) & (pl.col("decision") == ACCEPT)).select(
        "registry", pl.col("left").alias("document"), pl.col("document").alias("registry_document")
    )


def people_in_review(links: pl.DataFrame) -> pl.DataFrame:
    """Enrolled documents whose link to a registry waits for a reviewer: registry, document."""
    return links.filter((pl.col("kind") == REGISTRY_CASE) & (pl.col("decision") == REVIEW)).select(
        "registry", pl.col("left").alias("document")).unique()


def with_linked_registry_rows(rows: pl.DataFrame, linked: pl.DataFrame) -> pl.DataFrame:
    """Add, for each accepted link to this registry, the registry person's rows under the
    enrolled person's document, so the rules find the facts where the link says they are."""
    if linked.height == 0:
        return rows
    borrowed = rows.join(linked.rename({"document": "enrolled_document", "registry_document": "document"}), on="document").with_columns(
        pl.col("enrolled_document").alias("document")
    ).drop("enrolled_document")
    return pl.concat([rows, borrowed.select(rows.columns)], how="vertical")


def link_claims(claims: pl.DataFrame, registries: dict[str, pl.DataFrame], cases: pl.DataFrame | None,
                reviews: pl.DataFrame | None, run: int, reads: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Claims and registry rows as the run for month index `run` sees them after the second
    pass: claims gain `link_method`, `in_review` (their own link waits for a reviewer) and
    `registry_review` (their person's link to a registry their programme reads does; `reads`
    lists programme × registry)."""
    if cases is None or cases.height == 0:
        return claims.with_columns(
            pl.lit(None, pl.String).alias("link_method"), pl.lit(False).alias("in_review"), pl.lit(False).alias("registry_review")
        ), registries
    links = links_as_of(cases, reviews, run)
    linked_claims = apply_to_claims(claims, links)
    waiting = people_in_review(links).join(reads, on="registry").select("document", "programme").unique()
    accepted = registry_documents(links)
    return (
        linked_claims.join(waiting.with_columns(pl.lit(True).alias("registry_review")), on=["document", "programme"], how="left")
        .with_columns(pl.col("registry_review").fill_null(False)),
        {name: with_linked_registry_rows(rows, accepted.filter(pl.col("registry") == name).drop("registry"))
         for name, rows in registries.items()},
    )
