"""The gates every claim passes before its programme's rule, the same for every programme.

In order (the first that applies decides):
1. DUPLICATE: the same operator already claimed that subject and outcome (claims ordered by
   month received, file, row).
2. REVIEW (MATCH_IN_REVIEW): the probabilistic link of the claim waits for a reviewer.
3. REJECTED NOT_ENROLLED: no enrolment of the subject by that operator in that programme,
   received by the claim's month, dated on or before the claimed outcome date.
4. REJECTED OTHER_OPERATOR: another operator enrolled the subject first (earliest
   `fecha_inscripcion`, then lowest operator code) and owns its outcomes.
5. REJECTED NO_CONTRACT: no contract of the operator and programme covers the outcome date.
6. REVIEW (MATCH_IN_REVIEW): the subject's link to the registry waits for a reviewer.
A claim past every gate goes to its programme's rule (pbr_pipeline.programmes).
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.identity.matching import link_method
from pbr_pipeline.verify.evidence import verdict
from schemas.outcomes import DUPLICATE, MATCH_IN_REVIEW, NO_CONTRACT, NOT_ENROLLED, OTHER_OPERATOR, REJECTED, REVIEW


def owners(enrolments: pl.DataFrame) -> pl.DataFrame:
    """Per (document, programme): the owning operator, its enrolment date, and the subject's
    sex, role and groups as the owner's first roster row recorded them."""
    ordered = enrolments.sort("enrolled_on", "operator", "inbox_index", "source_file", "source_row")
    first = ordered.group_by("document", "programme", maintain_order=True).first().select(
        "document", "programme",
        pl.col("operator").alias("owner_operator"),
        pl.col("enrolled_on").alias("owner_enrolled_on"),
        "sex", "role",
    )
    groups = (
        ordered.join(first.select("document", "programme", "owner_operator"), on=["document", "programme"])
        .filter(pl.col("operator") == pl.col("owner_operator"))
        .group_by("document", "programme")
        .agg(pl.col("groups").str.split("|").list.explode(keep_nulls=False, empty_as_null=False).unique().sort().alias("groups"))
    )
    return first.join(groups, on=["document", "programme"], how="left")


def with_duplicates(claims: pl.DataFrame) -> pl.DataFrame:
    """`is_duplicate` and `first_claim` per claim: the first claim of an operator, programme,
    subject and outcome stands; later ones are duplicates of it."""
    ordered = claims.sort("inbox_index", "source_file", "source_row")
    group = ["operator", "programme", "document", "outcome"]
    return ordered.with_columns(
        pl.col("claim_id").first().over(group).alias("first_claim"),
        (pl.int_range(pl.len()).over(group) > 0).alias("is_duplicate"),
    )


def enrolment_links(claims: pl.DataFrame, enrolments: pl.DataFrame) -> pl.DataFrame:
    """Per claim whose operator enrolled the subject in time: `enrolled` and how the claim's
    document matched that enrolment (`match_method`)."""
    candidates = claims.select(
        "claim_id", "document", "operator", "programme", "inbox_index", "outcome_date", "document_type", "document_number"
    ).join(
        enrolments.select(
            "document", "operator", "programme", "enrolled_on",
            pl.col("inbox_index").alias("enrolment_received"),
            pl.col("document_type").alias("enrolment_type"),
            pl.col("document_number").alias("enrolment_number"),
        ),
        on=["document", "operator", "programme"],
    ).filter((pl.col("enrolment_received") <= pl.col("inbox_index")) & (pl.col("enrolled_on") <= pl.col("outcome_date")))
    return (
        candidates.sort("claim_id", "enrolled_on", "enrolment_received")
        .group_by("claim_id", maintain_order=True)
        .first()
        .select(
            "claim_id",
            pl.lit(True).alias("enrolled"),
            link_method(pl.col("document_type"), pl.col("document_number"), pl.col("enrolment_type"), pl.col("enrolment_number")).alias("match_method"),
        )
    )


def covering_contracts(claims: pl.DataFrame, terms: pl.DataFrame, date: str = "outcome_date") -> pl.DataFrame:
    """Per claim, the contract of its operator and programme whose validity covers `date`
    (validity never overlaps for one operator and programme, so there is at most one)."""
    return (
        claims.select("claim_id", "operator", "programme", date)
        .join(terms.select("contract_id", "operator", "programme", "valid_from", "valid_to"), on=["operator", "programme"])
        .filter(pl.col(date).is_between(pl.col("valid_from"), pl.col("valid_to")))
        .select("claim_id", "contract_id")
    )


def gate_verdict() -> pl.Expr:
    """The (status, reason) of the first gate a claim does not pass; null when it passes all.
    Needs is_duplicate, in_review, enrolled, owner_operator, operator, contract_id and
    registry_review."""
    return (
        pl.when(pl.col("is_duplicate")).then(verdict(DUPLICATE, DUPLICATE))
        .when(pl.col("in_review")).then(verdict(REVIEW, MATCH_IN_REVIEW))
        .when(~pl.col("enrolled")).then(verdict(REJECTED, NOT_ENROLLED))
        .when(pl.col("owner_operator") != pl.col("operator")).then(verdict(REJECTED, OTHER_OPERATOR))
        .when(pl.col("contract_id").is_null()).then(verdict(REJECTED, NO_CONTRACT))
        .when(pl.col("registry_review")).then(verdict(REVIEW, MATCH_IN_REVIEW))
    )
