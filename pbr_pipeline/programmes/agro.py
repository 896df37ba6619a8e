"""AGRO: producer units whose yield rises (AUMENTO_PRODUCTIVIDAD), verified against the
productivity measurements (`mediciones_productividad`).

The subject is a producer unit (`unidad_productiva`): operators enrol it with the producer's
document, the ledger pays once per unit, and analyst tables carry the unit's key, never its id.
Yield is production over area (kg per hectare); areas are whole square metres, and every
comparison is made by multiplying whole numbers, so no rounding decides a verdict. The rule,
after the shared gates (E is the owner's enrolment date; every number is a contract parameter):
- Baseline: the latest measurement of the unit dated in [E − 12 months, E]. None, and E has
  passed: REJECTED NO_BASELINE.
- Follow-up: the first measurement of the baseline's crop dated in [E + 10 months, E + 24
  months] whose area is within ±10% of the baseline's (|area − baseline area| × 100 ≤ 10 ×
  baseline area) and whose yield is at least 20% above the baseline's (production × baseline
  area × 100 ≥ baseline production × area × 120): VERIFIED, on that measurement's date.
  None, and E + 24 months has passed: REJECTED NO_YIELD_RISE. Otherwise PENDING.
A window's end has passed in the run for M when it is on or before the registry's horizon
(the last day of M − 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.income import first_follow_up
from pbr_pipeline.programmes.spec import UNIT, Facts, Programme, Registry, Whole, parameter
from pbr_pipeline.verify.evidence import evidence_rows, verdict
from schemas.outcomes import NO_BASELINE, NO_YIELD_RISE, PENDING, REJECTED, VERIFIED
from schemas.registries.mediciones_productividad import ProductivityMeasurements

PRODUCTIVITY_MEASUREMENTS = Registry(
    table=InputTable(
        "productivity_measurements", ProductivityMeasurements, inbox_folder="registros/mediciones_productividad",
        raw_description="Productivity measurements received this month (`inbox/<month>/registros/mediciones_productividad/`), every cell as written.",
        description="Valid productivity measurements received this month: producer unit, crop, date, production (kg), area (m²).",
    ),
    correction_key=("measured_on",),
    fact_date=lambda: pl.col("measured_on"),
    lag_months=1,
    unit_column="unit_id",
)

YIELD_RISE = "AUMENTO_PRODUCTIVIDAD"


@dataclass(frozen=True)
class YieldRules:
    """How an AUMENTO_PRODUCTIVIDAD is verified against the productivity measurements."""

    baseline_months_before: int = parameter(
        12, Whole(0, 36, "months"), "Months before enrolment from which a measurement can be the baseline.")
    follow_up_from_months: int = parameter(
        10, Whole(1, 48, "months"), "Months after enrolment from which a measurement can show the rise.")
    follow_up_to_months: int = parameter(
        24, Whole(1, 60, "months"), "Months after enrolment up to which a measurement can show the rise.")
    area_tolerance_percent: int = parameter(
        10, Whole(0, 100, "percent"), "How far the follow-up's area may be from the baseline's, either way.")
    yield_rise_percent: int = parameter(
        20, Whole(1, 1000, "percent"), "How much higher than the baseline's the follow-up's yield must be.")

    def contradictions(self) -> tuple[tuple[str, str], ...]:
        if self.follow_up_from_months > self.follow_up_to_months:
            return (("follow_up_from_months", f"({self.follow_up_from_months}) is after follow_up_to_months "
                                              f"({self.follow_up_to_months}): the follow-up window would be empty"),)
        return ()


def _shows() -> pl.Expr:
    """A measurement in words: crop, harvest, area in hectares, yield (never the unit's id)."""
    hectares = pl.format("{}.{}", pl.col("area_m2") // 10_000, (pl.col("area_m2") % 10_000).cast(pl.String).str.pad_start(4, "0"))
    return pl.format("{} · {} kg on {} ha · {} kg/ha", "crop", "production_kg", hectares,
                     pl.col("production_kg") * 10_000 // pl.col("area_m2"))


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the productivity measurements the run sees (the module docstring's rule)."""
    horizon = facts.horizons[PRODUCTIVITY_MEASUREMENTS.name]
    enrolled = pl.col("enrolled_on")
    claims = facts.claims.with_columns(
        enrolled.dt.offset_by(pl.format("-{}mo", "baseline_months_before")).alias("baseline_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "follow_up_from_months")).alias("follow_up_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "follow_up_to_months")).alias("follow_up_to"),
    )
    measured = claims.select(
        "claim_id", "document", "enrolled_on", "baseline_from", "follow_up_from", "follow_up_to",
        "area_tolerance_percent", "yield_rise_percent",
    ).join(facts.registries[PRODUCTIVITY_MEASUREMENTS.name], on="document")
    in_baseline = pl.col("measured_on").is_between(pl.col("baseline_from"), pl.col("enrolled_on"))
    in_follow_up = pl.col("measured_on").is_between(pl.col("follow_up_from"), pl.col("follow_up_to"))
    baselines = (
        measured.filter(in_baseline)
        .sort("claim_id", "measured_on", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .last()
        .select("claim_id", pl.col("crop").alias("baseline_crop"), pl.col("production_kg").alias("baseline_kg"),
                pl.col("area_m2").alias("baseline_m2"), pl.col("source_file").alias("baseline_file"),
                pl.col("source_row").alias("baseline_row"))
    )
    compared = measured.join(baselines, on="claim_id", how="left")
    same_area = (pl.col("area_m2") - pl.col("baseline_m2")).abs() * 100 <= pl.col("area_tolerance_percent") * pl.col("baseline_m2")
    risen = (pl.col("production_kg") * pl.col("baseline_m2") * 100
             >= pl.col("baseline_kg") * pl.col("area_m2") * (100 + pl.col("yield_rise_percent")))
    # The same window columns as the income rules: their "first follow-up that shows it" serves.
    first_rise = first_follow_up(compared, (pl.col("crop") == pl.col("baseline_crop")) & same_area & risen, "risen")
    frame = claims.join(baselines, on="claim_id", how="left").join(first_rise, on="claim_id", how="left")
    seen = pl.col("baseline_kg").is_not_null()
    decided = (
        pl.when(~seen & (pl.col("enrolled_on") <= horizon)).then(verdict(REJECTED, NO_BASELINE))
        .when(~seen).then(verdict(PENDING, None))
        .when(pl.col("risen_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(pl.col("follow_up_to") <= horizon).then(verdict(REJECTED, NO_YIELD_RISE))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict")
    # Every measurement of both windows is shown; the baseline and the rise count.
    is_baseline = (pl.col("source_file") == pl.col("baseline_file")) & (pl.col("source_row") == pl.col("baseline_row"))
    is_rise = (pl.col("source_file") == pl.col("risen_file")) & (pl.col("source_row") == pl.col("risen_row"))
    rows = evidence_rows(
        frame.select("claim_id", "risen_file", "risen_row"),
        compared.drop("document"),
        on=["claim_id"],
        within=in_baseline | in_follow_up,
        registry=PRODUCTIVITY_MEASUREMENTS.name,
        shows=pl.format("{} · {}", pl.when(in_baseline).then(pl.lit("baseline window")).otherwise(pl.lit("follow-up window")), _shows()),
        counts=is_baseline | is_rise,
        order=["measured_on"],
    )
    return frame.join(rows, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("risen_on")).alias("outcome_on"),
        pl.col("baseline_from").alias("evidence_from"),
        pl.col("follow_up_to").alias("evidence_to"),
        "evidence_rows",
    )


AGRO = Programme(
    code="AGRO",
    outcomes=(YIELD_RISE,),
    subject=UNIT,
    registries=(PRODUCTIVITY_MEASUREMENTS,),
    rules=YieldRules,
    evidence=evidence,
    description="Producer units whose yield of the same crop, on about the same area, rises by a fifth within two years of enrolment.",
)
