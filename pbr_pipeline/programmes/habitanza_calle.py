"""HABITANZA_CALLE: homeless people whose household rises above the extreme-poverty line
(SUPERA_POBREZA_EXTREMA), verified against the household income measurements registry
(`mediciones_ingreso`, `programmes/income.py`) and the DANE lines of `reference/lineas_pobreza`.

The rule, after the shared gates (E is the owner's enrolment date; every number and the line's
domain are contract parameters):
- Baseline: the latest measurement dated in [E − 3 months, E + 1 month]. None, and E + 1 month
  has passed: REJECTED NO_BASELINE. Its income per head at or above the extreme-poverty line
  of its own year: REJECTED NOT_ADDITIONAL (the person was not below the line).
- Follow-up: the first measurement dated in [E + 6 months, E + 18 months] whose income per
  head is at or above the line of the measurement's year (household income ≥ line × people):
  VERIFIED, on that measurement's date. None, and E + 18 months has passed: REJECTED
  NOT_ABOVE_LINE. Otherwise PENDING.
- The line is that of the contract's domain (NACIONAL unless the contract names another). A
  year the table has no line for yet (DANE publishes year Y in July of Y + 1) takes the
  latest earlier year's, and the evidence row says the line is provisional; the run that
  first reads the year's own line judges with it, and a changed verdict is an adjustment of
  that month. A domain with no line up to a measurement's year leaves the claim PENDING.
A window's end has passed in the run for M when it is on or before the registry's horizon
(the last day of M − 1). Facts already seen decide as soon as they are seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.programmes.income import (
    IN_BASELINE, IN_FOLLOW_UP, INCOME_MEASUREMENTS, IncomeWindowRules, at_or_above_line, baselines, extreme_lines,
    first_follow_up, income_shows, line_words, measurements_of, with_line, with_windows,
)
from pbr_pipeline.programmes.spec import PERSON, Code, Facts, Programme, parameter
from pbr_pipeline.verify.evidence import evidence_rows, verdict
from schemas.codes import POVERTY_LINE_DOMAINS
from schemas.outcomes import NO_BASELINE, NOT_ABOVE_LINE, NOT_ADDITIONAL, PENDING, REJECTED, VERIFIED

ABOVE_EXTREME_POVERTY = "SUPERA_POBREZA_EXTREMA"


@dataclass(frozen=True)
class ExtremePovertyRules(IncomeWindowRules):
    """How a SUPERA_POBREZA_EXTREMA is verified against the income measurements: the income
    windows, and the line the follow-up must reach."""

    poverty_line_domain: str = parameter(
        "NACIONAL", Code(POVERTY_LINE_DOMAINS), "DANE domain of the extreme-poverty line (reference/lineas_pobreza).")


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the income measurements the run sees (the module docstring's rule)."""
    horizon = facts.horizons[INCOME_MEASUREMENTS.name]
    lines = extreme_lines(facts.reference.get("poverty_lines"))
    claims = with_windows(facts.claims)
    measured = with_line(
        measurements_of(claims, facts.registries[INCOME_MEASUREMENTS.name], "poverty_line_domain"),
        lines, date="measured_on", domain="poverty_line_domain", prefix="m",
    )
    above = at_or_above_line("household_income", "household_size", "m_line").fill_null(False)
    first_above = first_follow_up(measured, above, "above")
    frame = (
        claims.join(baselines(measured), on="claim_id", how="left")
        .pipe(with_line, lines, date="baseline_on", domain="poverty_line_domain", prefix="b")
        .join(first_above, on="claim_id", how="left")
    )
    seen = pl.col("baseline_on").is_not_null()
    decided = (
        pl.when(~seen & (pl.col("baseline_to") <= horizon)).then(verdict(REJECTED, NO_BASELINE))
        .when(~seen | pl.col("b_line").is_null()).then(verdict(PENDING, None))
        .when(at_or_above_line("baseline_income", "baseline_size", "b_line")).then(verdict(REJECTED, NOT_ADDITIONAL))
        .when(pl.col("above_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(pl.col("follow_up_to") <= horizon).then(verdict(REJECTED, NOT_ABOVE_LINE))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict")
    # Every measurement of both windows is shown with the line it was compared with; the
    # baseline counts when it was below the line, the follow-up that verified counts.
    is_baseline = (pl.col("source_file") == pl.col("baseline_file")) & (pl.col("source_row") == pl.col("baseline_row"))
    is_above = (pl.col("source_file") == pl.col("above_file")) & (pl.col("source_row") == pl.col("above_row"))
    rows = evidence_rows(
        frame.select("claim_id", "baseline_file", "baseline_row", "above_file", "above_row"),
        measured.drop("document"),
        on=["claim_id"],
        within=IN_BASELINE | IN_FOLLOW_UP,
        registry=INCOME_MEASUREMENTS.name,
        shows=pl.format("{} · {} · {}", pl.when(IN_BASELINE).then(pl.lit("baseline window")).otherwise(pl.lit("follow-up window")),
                        income_shows(), line_words("m")),
        counts=pl.when(IN_BASELINE).then(is_baseline & ~above).otherwise(is_above),
        order=["measured_on"],
    )
    return frame.join(rows, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("above_on")).alias("outcome_on"),
        pl.col("baseline_from").alias("evidence_from"),
        pl.col("follow_up_to").alias("evidence_to"),
        "evidence_rows",
    )


HABITANZA_CALLE = Programme(
    code="HABITANZA_CALLE",
    outcomes=(ABOVE_EXTREME_POVERTY,),
    subject=PERSON,
    registries=(INCOME_MEASUREMENTS,),
    rules=ExtremePovertyRules,
    evidence=evidence,
    description="Homeless people whose household income per head rises above the extreme-poverty line within 18 months of enrolment.",
)
