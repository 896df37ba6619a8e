"""CREDITO_MIPYME: micro, small and medium firms that get credit (CREDITO_DESEMBOLSADO),
verified against the intermediaries' credit disbursement reports (`desembolsos_credito`).

The subject is a firm (its NIT): operators enrol firms, the ledger pays once per firm, and
analyst tables carry the firm's key, never its NIT. The rule, after the shared gates (E is the
owner's enrolment date; every number and the eligible sizes are contract parameters):
- A disbursement to the firm dated in [E − 12 months, E): REJECTED NOT_ADDITIONAL, at once
  (the firm already had credit; the credit would have happened anyway).
- The first disbursement dated in [E, E + 12 months] reported with an eligible size (MICRO,
  PEQUENA or MEDIANA): VERIFIED, on its date.
- E + 12 months has passed with disbursements in the window reported only as GRANDE:
  REJECTED NOT_ELIGIBLE; with none at all: REJECTED NO_CREDIT. Otherwise PENDING.
Intermediaries report up to four months late, so the registry's lag is 4: in the run for M,
disbursements dated up to the last day of M − 4 are taken as complete.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.spec import FIRM, Codes, Facts, Programme, Registry, Whole, parameter
from pbr_pipeline.verify.evidence import evidence_rows, verdict
from schemas.codes import FIRM_SIZES
from schemas.outcomes import NO_CREDIT, NOT_ADDITIONAL, NOT_ELIGIBLE, PENDING, REJECTED, VERIFIED
from schemas.registries.desembolsos_credito import CreditDisbursements

CREDIT_DISBURSEMENTS = Registry(
    table=InputTable(
        "credit_disbursements", CreditDisbursements, inbox_folder="registros/desembolsos_credito",
        raw_description="Credit disbursements reported this month (`inbox/<month>/registros/desembolsos_credito/`), every cell as written.",
        description="Valid credit disbursements reported this month: firm, intermediary, obligation, date, amount (whole COP), firm size, term.",
    ),
    correction_key=("obligation",),
    fact_date=lambda: pl.col("disbursed_on"),
    lag_months=4,
)

CREDIT_DISBURSED = "CREDITO_DESEMBOLSADO"


@dataclass(frozen=True)
class CreditRules:
    """How a CREDITO_DESEMBOLSADO is verified against the disbursement reports."""

    window_months: int = parameter(12, Whole(1, 36, "months"), "Months after enrolment within which the credit must be disbursed.")
    additionality_lookback_months: int = parameter(
        12, Whole(0, 36, "months"), "Months before enrolment in which a disbursement means the firm already had credit.")
    eligible_sizes: tuple[str, ...] = parameter(
        ("MEDIANA", "MICRO", "PEQUENA"), Codes(FIRM_SIZES), "Firm sizes the programme pays for.")


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the disbursements the run sees (the module docstring's rule)."""
    horizon = facts.horizons[CREDIT_DISBURSEMENTS.name]
    enrolled = pl.col("enrolled_on")
    claims = facts.claims.with_columns(
        enrolled.dt.offset_by(pl.format("-{}mo", "additionality_lookback_months")).alias("lookback_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "window_months")).alias("window_end"),
    )
    pairs = claims.select("claim_id", "document", "enrolled_on", "lookback_from", "window_end", "eligible_sizes").join(
        facts.registries[CREDIT_DISBURSEMENTS.name], on="document")
    before = (pl.col("disbursed_on") >= pl.col("lookback_from")) & (pl.col("disbursed_on") < pl.col("enrolled_on"))
    in_window = pl.col("disbursed_on").is_between(pl.col("enrolled_on"), pl.col("window_end"))
    eligible = in_window & pl.col("eligible_sizes").list.contains(pl.col("firm_size"))
    seen = pairs.group_by("claim_id").agg(
        before.any().alias("had_credit"),
        in_window.any().alias("any_in_window"),
        pl.col("disbursed_on").filter(eligible).min().alias("credited_on"),
    )
    frame = claims.join(seen, on="claim_id", how="left").with_columns(pl.col("had_credit", "any_in_window").fill_null(False))
    over = pl.col("window_end") <= horizon
    decided = (
        pl.when(pl.col("had_credit")).then(verdict(REJECTED, NOT_ADDITIONAL))
        .when(pl.col("credited_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(over & pl.col("any_in_window")).then(verdict(REJECTED, NOT_ELIGIBLE))
        .when(over).then(verdict(REJECTED, NO_CREDIT))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict")
    # Every disbursement of the look-back and the window is shown (amount, size, term; never
    # the intermediary's NIT); those that decided count.
    rows = evidence_rows(
        frame.select("claim_id", "document", "enrolled_on", "lookback_from", "window_end", "eligible_sizes", "credited_on"),
        facts.registries[CREDIT_DISBURSEMENTS.name],
        on=["document"],
        within=before | in_window,
        registry=CREDIT_DISBURSEMENTS.name,
        shows=pl.format("{} · disbursement of {} COP · firm size {} · term {} months",
                        pl.when(before).then(pl.lit("before enrolment")).otherwise(pl.lit("after enrolment")),
                        "amount", "firm_size", pl.col("term_months").cast(pl.String).fill_null("not reported")),
        counts=before | (eligible & (pl.col("disbursed_on") == pl.col("credited_on"))),
        order=["disbursed_on", "obligation"],
    )
    return frame.join(rows, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("credited_on")).alias("outcome_on"),
        pl.col("lookback_from").alias("evidence_from"),
        pl.col("window_end").alias("evidence_to"),
        "evidence_rows",
    )


CREDITO_MIPYME = Programme(
    code="CREDITO_MIPYME",
    outcomes=(CREDIT_DISBURSED,),
    subject=FIRM,
    registries=(CREDIT_DISBURSEMENTS,),
    rules=CreditRules,
    evidence=evidence,
    description="Micro, small and medium firms that get a credit disbursed within 12 months of enrolment, with none in the 12 months before.",
)
