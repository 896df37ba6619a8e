"""The month's output tables, assembled from the engine: what the assets write.

Each function takes what the city knows as of the month (`Known`), the contracts, the
reference tables and, where a table builds on the month before, the stored state of M − 1,
and returns a frame in its published schema (schemas/outcomes.py, schemas/payments.py).
Documents are replaced by subject keys here, at the last step, so no output table holds one.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.keys import with_person_keys
from pbr_pipeline.identity.matching import EXACT, LEADING_ZEROS, TI_CC
from pbr_pipeline.money.ledger import payments_and_adjustments
from pbr_pipeline.money.pricing import payable_outcomes
from pbr_pipeline.verify.as_of import Known
from pbr_pipeline.verify.evidence import EMPTY_EVIDENCE
from pbr_pipeline.verify.judge import judge_claims
from pbr_pipeline.verify.state import carried_verified_since
from pbr_pipeline.verify.unclaimed import unclaimed_outcomes
from schemas.outcomes import DUPLICATE, PENDING, REJECTED, REVIEW, VERIFIED, ClaimsVerified, OutcomesUnclaimed, PersonIndex
from schemas.payments import NO_CAP, Adjustments, PayableOutcomes, Payments, PaymentSummary


def _columns(model) -> list[str]:
    return list(model.to_schema().columns)


def claims_verified(known: Known, contracts: pl.DataFrame, reference: dict[str, pl.DataFrame], previous: pl.DataFrame | None,
                    secret: bytes, cases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every claim received up to the month with its verdict, evidence and subject key;
    `verified_since` carries on from `previous` (the stored claims_verified of M − 1)."""
    verdicts = judge_claims(known, contracts, reference, cases=cases)
    verdicts = verdicts.with_columns(carried_verified_since(verdicts, previous, known.month))
    table = (
        with_person_keys(verdicts, secret)
        .rename({"inbox_month": "received_month"})
        .sort("received_month", "source_file", "source_row")
        .select(_columns(ClaimsVerified))
    )
    return ClaimsVerified.validate(table)


def outcomes_unclaimed(known: Known, contracts: pl.DataFrame, reference: dict[str, pl.DataFrame], secret: bytes,
                       cases: pl.DataFrame | None = None) -> pl.DataFrame:
    found = unclaimed_outcomes(known, contracts, reference, cases)
    table = with_person_keys(found, secret).sort("person_key", "programme", "outcome").select(_columns(OutcomesUnclaimed))
    return OutcomesUnclaimed.validate(table)


def person_index(known: Known, secret: bytes) -> pl.DataFrame:
    """The people enrolments and claims mention, and how their records were linked."""
    records = pl.concat(
        [
            known.enrolments.select("document", "document_type", "document_number", pl.lit("enrolments").alias("source")),
            known.claims.select("document", "document_type", "document_number", pl.lit("claims").alias("source")),
        ]
    )
    registry = pl.concat([rows.select("document") for rows in known.registries.values()]).unique()
    people = records.group_by("document").agg(
        pl.col("document_type").unique().sort().alias("document_types"),
        pl.col("document_number").n_unique().alias("numbers"),
        (pl.col("source") == "enrolments").any().alias("in_enrolments"),
        (pl.col("source") == "claims").any().alias("in_claims"),
    )
    methods = pl.concat_list(
        pl.lit([EXACT]),
        pl.when(pl.col("document_types").list.len() > 1).then(pl.lit([TI_CC])).otherwise(pl.lit([], pl.List(pl.String))),
        pl.when(pl.col("numbers") > 1).then(pl.lit([LEADING_ZEROS])).otherwise(pl.lit([], pl.List(pl.String))),
    )
    table = (
        people.with_columns(
            pl.col("document").str.split(":").list.first().alias("document_class"),
            pl.col("document").is_in(registry.get_column("document").implode()).alias("in_registry"),
            methods.alias("match_methods"),
        )
        .pipe(with_person_keys, secret)
        .sort("person_key")
        .select(_columns(PersonIndex))
    )
    return PersonIndex.validate(table)


def ledger(known: Known, contracts: pl.DataFrame, verified: pl.DataFrame, paid_before: pl.DataFrame,
           secret: bytes) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(payable as of the month, the month's payments, the month's adjustments), each row
    carrying the registry evidence of its claim as of the month. `verified` is the month's
    claims_verified; `paid_before` what the stored ledger says was paid (verify.state)."""
    # The owner's groups, sex and role as known this month set the premium and the price.
    # Claims are keyed by the subject they were linked to, so a milestone belongs to that subject.
    subjects = with_person_keys(known.owners, secret).select("person_key", "programme", "groups", "sex")
    priced = verified.filter(pl.col("status") == VERIFIED).join(subjects, on=["person_key", "programme"], how="left")
    payable = payable_outcomes(priced, contracts)
    payments, adjustments = payments_and_adjustments(payable, paid_before, known.month)
    evidence = verified.select("claim_id", "evidence_rows")

    def with_evidence(frame: pl.DataFrame, model) -> pl.DataFrame:
        table = frame.join(evidence, on="claim_id", how="left").with_columns(pl.col("evidence_rows").fill_null(EMPTY_EVIDENCE))
        return model.validate(table.select(_columns(model)))

    return (
        with_evidence(payable.sort("contract_id", "cap_order"), PayableOutcomes),
        with_evidence(payments, Payments),
        with_evidence(adjustments, Adjustments),
    )


def payment_summary(verified: pl.DataFrame, payable: pl.DataFrame, payments: pl.DataFrame,
                    adjustments: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """Per operator, programme, contract and role: claims by status, this month's money, the state to date."""
    keys = ["operator", "programme", "contract_id", "role"]
    claims = verified.group_by(keys).agg(
        (pl.col("status") == VERIFIED).sum().alias("claims_verified"),
        (pl.col("status") == PENDING).sum().alias("claims_pending"),
        pl.col("status").is_in([REJECTED, DUPLICATE]).sum().alias("claims_rejected"),
        (pl.col("status") == REVIEW).sum().alias("claims_in_review"),
    )
    paid = payments.group_by(keys).agg(pl.len().alias("payments"), pl.col("amount_cop").sum().alias("paid_cop"))
    adjusted = adjustments.group_by(keys).agg(pl.len().alias("adjustments"), pl.col("amount_cop").sum().alias("adjusted_cop"))
    to_date = payable.group_by(keys).agg(
        pl.col("amount_cop").sum().alias("payable_to_date_cop"),
        (pl.col("cap_effect") != NO_CAP).sum().alias("held_back"),
        pl.col("cap_reduction_cop").sum().alias("held_back_cop"),
    )
    budgets = contracts.select("contract_id", "budget_cop").unique()
    table = (
        claims.join(paid, on=keys, how="full", coalesce=True, nulls_equal=True)
        .join(adjusted, on=keys, how="full", coalesce=True, nulls_equal=True)
        .join(to_date, on=keys, how="full", coalesce=True, nulls_equal=True)
        .join(budgets, on="contract_id", how="left")
        .with_columns(
            pl.col("claims_verified", "claims_pending", "claims_rejected", "claims_in_review", "payments", "adjustments", "held_back")
            .fill_null(0).cast(pl.Int64),
            pl.col("paid_cop", "adjusted_cop", "payable_to_date_cop", "held_back_cop").fill_null(0).cast(pl.Int64),
        )
        .with_columns((pl.col("paid_cop") + pl.col("adjusted_cop")).alias("net_cop"))
        .sort(keys, nulls_last=True)
        .select(_columns(PaymentSummary))
    )
    return PaymentSummary.validate(table)
