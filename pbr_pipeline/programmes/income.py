"""The household income measurements registry (`mediciones_ingreso`) and what the income
rules share: the baseline, income per head, and the extreme-poverty line of a year.

HABITANZA_CALLE (a homeless person's household above the extreme-poverty line) and
EMPRENDIMIENTO (income up after a new business) read the same registry: the measurement
nearest before enrolment is the baseline, a later one the follow-up. Income per head is
`ingreso_mensual_hogar / personas_hogar`; it is compared in whole pesos by multiplying
instead of dividing, so that no rounding decides a verdict (ingreso ≥ line × personas).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.spec import Registry, Whole, parameter
from schemas.registries.mediciones_ingreso import IncomeMeasurements

INCOME_MEASUREMENTS = Registry(
    table=InputTable(
        "income_measurements", IncomeMeasurements, inbox_folder="registros/mediciones_ingreso",
        raw_description="Household income measurements received this month (`inbox/<month>/registros/mediciones_ingreso/`), every cell as written.",
        description="Valid household income measurements received this month: date, monthly household income (whole COP), people in the household.",
    ),
    correction_key=("measured_on",),
    fact_date=lambda: pl.col("measured_on"),
    lag_months=1,
)


@dataclass(frozen=True)
class IncomeWindowRules:
    """The baseline and follow-up windows of an income rule: a programme's Rules extend this
    with what its follow-up must show."""

    baseline_months_before: int = parameter(
        3, Whole(0, 12, "months"), "Months before enrolment from which a measurement can be the baseline.")
    baseline_months_after: int = parameter(
        1, Whole(0, 6, "months"), "Months after enrolment up to which a measurement can be the baseline.")
    follow_up_from_months: int = parameter(
        6, Whole(1, 36, "months"), "Months after enrolment from which a measurement can show the outcome.")
    follow_up_to_months: int = parameter(
        18, Whole(1, 48, "months"), "Months after enrolment up to which a measurement can show the outcome.")

    def contradictions(self) -> tuple[tuple[str, str], ...]:
        if self.follow_up_from_months > self.follow_up_to_months:
            return (("follow_up_from_months", f"({self.follow_up_from_months}) is after follow_up_to_months "
                                              f"({self.follow_up_to_months}): the follow-up window would be empty"),)
        return ()


def income_shows() -> pl.Expr:
    """What a measurement row showed, in words (income, household, income per head)."""
    per_head = pl.col("household_income") // pl.col("household_size")
    return pl.format("household income {} COP, {} people, {} COP per head", "household_income", "household_size", per_head)


def with_windows(claims: pl.DataFrame) -> pl.DataFrame:
    """Claims with the baseline window [E − before, E + after] and the follow-up window
    [E + from, E + to] (month arithmetic on the enrolment date, clamped to the month's end),
    from the `IncomeWindowRules` columns every claim carries."""
    enrolled = pl.col("enrolled_on")
    return claims.with_columns(
        enrolled.dt.offset_by(pl.format("-{}mo", "baseline_months_before")).alias("baseline_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "baseline_months_after")).alias("baseline_to"),
        enrolled.dt.offset_by(pl.format("{}mo", "follow_up_from_months")).alias("follow_up_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "follow_up_to_months")).alias("follow_up_to"),
    )


def measurements_of(claims: pl.DataFrame, rows: pl.DataFrame, *carried: str) -> pl.DataFrame:
    """Every measurement of each claim's subject: claim_id, the windows, `carried` claim
    columns and the measurement's columns."""
    return claims.select(
        "claim_id", "document", "baseline_from", "baseline_to", "follow_up_from", "follow_up_to", *carried
    ).join(rows, on="document")


IN_BASELINE = pl.col("measured_on").is_between(pl.col("baseline_from"), pl.col("baseline_to"))
IN_FOLLOW_UP = pl.col("measured_on").is_between(pl.col("follow_up_from"), pl.col("follow_up_to"))


def baselines(measured: pl.DataFrame) -> pl.DataFrame:
    """Per claim, the latest measurement of its baseline window: claim_id, baseline_on,
    baseline_income, baseline_size, and its file and row (`baseline_file`, `baseline_row`)."""
    return (
        measured.filter(IN_BASELINE)
        .sort("claim_id", "measured_on", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .last()
        .select(
            "claim_id", pl.col("measured_on").alias("baseline_on"), pl.col("household_income").alias("baseline_income"),
            pl.col("household_size").alias("baseline_size"), pl.col("source_file").alias("baseline_file"),
            pl.col("source_row").alias("baseline_row"),
        )
    )


def first_follow_up(measured: pl.DataFrame, shows_outcome: pl.Expr, name: str) -> pl.DataFrame:
    """Per claim, the first measurement of the follow-up window for which `shows_outcome`
    holds: claim_id, `<name>_on` (its date) and its file and row (`<name>_file`, `<name>_row`)."""
    return (
        measured.filter(IN_FOLLOW_UP & shows_outcome)
        .sort("claim_id", "measured_on", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .first()
        .select("claim_id", pl.col("measured_on").alias(f"{name}_on"), pl.col("source_file").alias(f"{name}_file"),
                pl.col("source_row").alias(f"{name}_row"))
    )


def extreme_lines(poverty_lines: pl.DataFrame | None) -> pl.DataFrame:
    """The extreme-poverty lines the reference table gives: domain, line_year, line (whole COP
    per person per month), one per domain and year (the first row of the file when a year is
    written twice)."""
    schema = {"domain": pl.String, "line_year": pl.Int64, "line": pl.Int64}
    if poverty_lines is None or "extreme_poverty_line" not in poverty_lines.columns:
        return pl.DataFrame(schema=schema)
    return (
        poverty_lines.filter(pl.col("extreme_poverty_line").is_not_null())
        .sort("domain", "year", "source_row")
        .unique(["domain", "year"], keep="first", maintain_order=True)
        .select("domain", pl.col("year").cast(pl.Int64).alias("line_year"), pl.col("extreme_poverty_line").cast(pl.Int64).alias("line"))
    )


def with_line(frame: pl.DataFrame, lines: pl.DataFrame, *, date: str, domain: str, prefix: str) -> pl.DataFrame:
    """`frame` with the extreme-poverty line of the year of its `date` column in its `domain`
    column: `<prefix>_line`, `<prefix>_line_year` and `<prefix>_provisional` (true when the
    table has no line for that year yet and the latest earlier year's stands in: DANE
    publishes a year's line in the July after). Null where the domain has no line up to
    that year."""
    keys = frame.select(pl.col(domain).alias("domain"), pl.col(date).dt.year().cast(pl.Int64).alias("year")).unique()
    chosen = (
        keys.join(lines, on="domain")
        .filter(pl.col("line_year") <= pl.col("year"))
        .sort("domain", "year", "line_year")
        .group_by("domain", "year", maintain_order=True)
        .last()
        .select(
            pl.col("domain").alias(domain), pl.col("year").alias("_year"), pl.col("line").alias(f"{prefix}_line"),
            pl.col("line_year").alias(f"{prefix}_line_year"), (pl.col("line_year") != pl.col("year")).alias(f"{prefix}_provisional"),
        )
    )
    return (
        frame.with_columns(pl.col(date).dt.year().cast(pl.Int64).alias("_year"))
        .join(chosen, on=[domain, "_year"], how="left")
        .drop("_year")
    )


def at_or_above_line(income: str, size: str, line: str) -> pl.Expr:
    """Income per head at or above the line, in whole pesos: income ≥ line × people."""
    return pl.col(income) >= pl.col(line) * pl.col(size)


def line_words(prefix: str) -> pl.Expr:
    """How a line shows in an evidence row: its year, amount and whether it is provisional."""
    return (
        pl.when(pl.col(f"{prefix}_line").is_null()).then(pl.lit("no extreme-poverty line for its year in the domain"))
        .when(pl.col(f"{prefix}_provisional")).then(pl.format("extreme-poverty line {} COP (of {}: provisional)",
                                                               f"{prefix}_line", f"{prefix}_line_year"))
        .otherwise(pl.format("extreme-poverty line {} COP ({})", f"{prefix}_line", f"{prefix}_line_year"))
    )
