"""The month's output tables, assembled from the engine: what the assets write.

Each function takes what the city knows as of the month (`Known`), the contracts and the
minimum wages, and returns a frame in its published schema (schemas/outcomes.py,
schemas/payments.py). Documents are replaced by person keys here, at the last step, so no
output table holds one.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.verify.as_of import Known
from pbr_pipeline.money.ledger import payable_by_month, payments_and_adjustments
from pbr_pipeline.identity.links import link_claims
from pbr_pipeline.identity.matching import EXACT, LEADING_ZEROS, TI_CC
from pbr_pipeline.core.months import month_index
from pbr_pipeline.core.keys import with_person_keys
from pbr_pipeline.verify.unclaimed import unclaimed_outcomes
from pbr_pipeline.verify.verdicts import judge_claims, registry_as_of
from schemas.outcomes import DUPLICATE, PENDING, REJECTED, REVIEW, VERIFIED, ClaimsVerified, OutcomesUnclaimed, PersonIndex
from schemas.payments import NO_CAP, Adjustments, PayableOutcomes, Payments, PaymentSummary

_EMPTY_EVIDENCE = pl.lit([], dtype=ClaimsVerified.to_schema().columns["evidence_rows"].dtype.type)


def _columns(model) -> list[str]:
    return list(model.to_schema().columns)


def claims_verified(known: Known, minimum_wages: pl.DataFrame, contracts: pl.DataFrame,
                    history: pl.DataFrame, secret: bytes, cases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every claim received up to the month with its verdict, evidence and person key."""
    verdicts = judge_claims(known.claims, known.enrolments, known.pila, minimum_wages, contracts, known.month,
                            cases=cases, reviews=known.reviews)
    since = history.filter(pl.col("as_of_month") == known.month).select("claim_id", "verified_since")
    table = (
        with_person_keys(verdicts, secret)
        .join(since, on="claim_id", how="left")
        .rename({"inbox_month": "received_month"})
        .sort("received_month", "source_file", "source_row")
        .select(_columns(ClaimsVerified))
    )
    return ClaimsVerified.validate(table)


def outcomes_unclaimed(known: Known, minimum_wages: pl.DataFrame, contracts: pl.DataFrame, secret: bytes,
                       cases: pl.DataFrame | None = None) -> pl.DataFrame:
    run = month_index(known.month)
    _, pila = link_claims(known.claims, known.pila, cases, known.reviews, run)
    judged = registry_as_of(pila, minimum_wages, contracts, run)
    found = unclaimed_outcomes(known.claims, known.enrolments, judged, contracts, known.month)
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
    registry = known.pila.select("document").unique()
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


def ledger(known: Known, contracts: pl.DataFrame, history: pl.DataFrame, verified: pl.DataFrame,
           months: list[str], secret: bytes, cases: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(payable as of the month, the month's payments, the month's adjustments), each row
    carrying the PILA evidence of its claim as of the month."""
    payable = payable_by_month(history, known.claims, known.enrolments, contracts, months, secret, cases, known.reviews)
    evidence = verified.select("claim_id", "evidence_rows")
    if known.month not in payable:
        return _empty(PayableOutcomes), _empty(Payments), _empty(Adjustments)

    def with_evidence(frame: pl.DataFrame, model) -> pl.DataFrame:
        table = frame.join(evidence, on="claim_id", how="left").with_columns(pl.col("evidence_rows").fill_null(_EMPTY_EVIDENCE))
        return model.validate(table.select(_columns(model)))

    payments, adjustments = payments_and_adjustments(payable, known.month)
    return (
        with_evidence(payable[known.month].sort("contract_id", "cap_order"), PayableOutcomes),
        with_evidence(payments, Payments),
        with_evidence(adjustments, Adjustments),
    )


def _empty(model) -> pl.DataFrame:
    return pl.DataFrame(schema={name: column.dtype.type for name, column in model.to_schema().columns.items()})


def payment_summary(verified: pl.DataFrame, payable: pl.DataFrame, payments: pl.DataFrame,
                    adjustments: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """Per operator, programme and contract: claims by status, this month's money, the state to date."""
    keys = ["operator", "programme", "contract_id"]
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
