"""SALUD_MATERNA: pregnant women who attend their prenatal controls (CONTROLES_PRENATALES),
verified against the health services registry (RIPS, `programmes/rips.py`).

The rule, after the shared gates (E is the owner's enrolment date; every number is a contract
parameter):
- Only women: when the owner's roster gives the person's sex as anything but F, REJECTED
  NOT_ELIGIBLE, at once.
- A prenatal control is a CONSULTA or PROCEDIMIENTO row whose purpose (finalidad) is 23 or
  whose main diagnosis is in CIE-10 Z34 or Z35 (supervision of a normal or a high-risk
  pregnancy). Controls count in [E, E + 9 months]; controls on the same day count once.
- 4 controls on distinct days in that window: VERIFIED, on the day of the 4th. Fewer, and
  E + 9 months has passed: REJECTED NOT_ENOUGH_CONTROLS. Otherwise PENDING.
A window's end has passed in the run for M when it is on or before the registry's horizon
(RIPS: the last day of M − 2). Facts already seen decide as soon as they are seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.programmes.rips import (
    CIE10_ITEMS, PURPOSE_ITEMS, RIPS, cie10_item, code_table, purpose_item, rips_evidence, services,
)
from pbr_pipeline.programmes.spec import PERSON, CodeList, Codes, Facts, Programme, Whole, parameter
from pbr_pipeline.verify.evidence import verdict
from schemas.outcomes import NOT_ELIGIBLE, NOT_ENOUGH_CONTROLS, PENDING, REJECTED, VERIFIED
from schemas.registries.rips import CONSULTA, PRENATAL_CARE, PROCEDIMIENTO, SERVICE_KINDS

PRENATAL_CONTROLS = "CONTROLES_PRENATALES"
WOMAN = "F"


@dataclass(frozen=True)
class PrenatalRules:
    """How a CONTROLES_PRENATALES is verified against RIPS."""

    controls_needed: int = parameter(4, Whole(1, 20, "controls"), "Prenatal controls, on distinct days, that make the outcome.")
    window_months: int = parameter(9, Whole(1, 12, "months"), "Months after enrolment within which the controls count.")
    control_purposes: tuple[str, ...] = parameter(
        (PRENATAL_CARE,), CodeList(purpose_item, PURPOSE_ITEMS, "[23]"), "RIPS purposes (finalidad) that make a service a prenatal control.")
    control_dx_prefixes: tuple[str, ...] = parameter(
        ("Z34", "Z35"), CodeList(cie10_item, CIE10_ITEMS, "[Z34, Z35]"),
        "CIE-10 categories of the main diagnosis that make a service a prenatal control.")
    control_service_kinds: tuple[str, ...] = parameter(
        (CONSULTA, PROCEDIMIENTO), Codes(SERVICE_KINDS), "RIPS service kinds a prenatal control can be.")


def _controls(facts: Facts, claims: pl.DataFrame) -> pl.DataFrame:
    """Every prenatal control of each eligible claim's window, in date, file and row order,
    with `day` (1 for the first day with a control, 2 for the next, …) and `first_of_day`."""
    dx_codes = code_table(claims, "control_dx_prefixes").with_columns(pl.lit(True).alias("control_dx"))
    return (
        claims.filter("eligible")
        .select("claim_id", "document", "enrolled_on", "window_end", "controls_needed", "control_purposes", "control_service_kinds")
        .join(services(facts), on="document")
        .join(dx_codes, left_on=["claim_id", "category"], right_on=["claim_id", "code"], how="left")
        .filter(
            pl.col("control_service_kinds").list.contains(pl.col("service_kind"))
            & (pl.col("control_purposes").list.contains(pl.col("purpose")).fill_null(False) | pl.col("control_dx").fill_null(False))
            & pl.col("service_date").is_between(pl.col("enrolled_on"), pl.col("window_end"))
        )
        .sort("claim_id", "service_date", "source_file", "source_row")
        .with_columns(
            pl.col("service_date").rank("dense").over("claim_id").cast(pl.Int64).alias("day"),
            pl.col("service_date").is_first_distinct().over("claim_id").alias("first_of_day"),
        )
    )


def _judged(facts: Facts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each claim's verdict (EVIDENCE_COLUMNS but the evidence rows), and the RIPS rows it
    shows: claim_id, the row's columns, `shows` and `counts`."""
    horizon = facts.horizons[RIPS.name]
    claims = facts.claims.with_columns(
        pl.col("enrolled_on").dt.offset_by(pl.format("{}mo", "window_months")).alias("window_end"),
        (pl.col("sex") == WOMAN).fill_null(False).alias("eligible"),
    )
    controls = _controls(facts, claims)
    reached = (
        controls.filter(pl.col("day") == pl.col("controls_needed"))
        .group_by("claim_id").agg(pl.col("service_date").min().alias("reached_on"))
    )
    frame = claims.join(reached, on="claim_id", how="left")
    decided = (
        pl.when(~pl.col("eligible")).then(verdict(REJECTED, NOT_ELIGIBLE))
        .when(pl.col("reached_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(pl.col("window_end") <= horizon).then(verdict(REJECTED, NOT_ENOUGH_CONTROLS))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("reached_on")).alias("outcome_on"),
        pl.col("enrolled_on").alias("evidence_from"),
        pl.col("window_end").alias("evidence_to"),
    )
    # Every control of the window is shown; the first row of each of the first N days counts.
    shown = controls.with_columns(
        pl.when(pl.col("first_of_day")).then(pl.format("prenatal control · {}", "service_kind"))
        .otherwise(pl.format("prenatal control · {} · same day as an earlier control", "service_kind")).alias("shows"),
        (pl.col("first_of_day") & (pl.col("day") <= pl.col("controls_needed"))).alias("counts"),
    )
    return frame, shown


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the RIPS rows the run sees (the module docstring's rule)."""
    return rips_evidence(*_judged(facts))


SALUD_MATERNA = Programme(
    code="SALUD_MATERNA",
    outcomes=(PRENATAL_CONTROLS,),
    subject=PERSON,
    registries=(RIPS,),
    rules=PrenatalRules,
    evidence=evidence,
    description="Pregnant women who attend at least four prenatal controls within nine months of enrolment.",
)
