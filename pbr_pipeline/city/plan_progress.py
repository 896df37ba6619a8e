"""Progress against the Development Plan's targets (`reference/metas_plan`).

A target counts subjects, not claims: each subject whose outcome the registries verified as of
the month counts once, whether its operator claimed it (a VERIFIED claim) or the pipeline found
it unclaimed, and only when the outcome's date falls in the target's period. A group narrows
the count to a BILINGUISMO role, to women (sex F) or to a population group, as the owner's
roster records them. The expectation is the straight line from nothing at the start of the
period to the target at its end.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.months import month_index, month_index_expr, period_index_expr
from schemas.codes import ROLES
from schemas.outcomes import VERIFIED

WOMEN = "MUJER"
CLAIMED, UNCLAIMED = "CLAIMED", "UNCLAIMED"

COLUMNS = ("programme", "outcome", "group", "target", "period_from", "period_to", "verified_to_date",
           "claimed", "unclaimed", "month_increment", "share_of_target", "expected_to_date", "gap_to_expected")


def counted_outcomes(verified: pl.DataFrame, unclaimed: pl.DataFrame) -> pl.DataFrame:
    """One row per subject and outcome the registries verified as of the month: `source`
    CLAIMED when some claim of it is VERIFIED (the earliest verified date counts), else
    UNCLAIMED; `outcome_on` the date of the fact that shows it."""
    keys = ["programme", "outcome", "person_key"]
    claimed = (
        verified.filter(pl.col("status") == VERIFIED)
        .group_by(keys).agg(pl.col("outcome_on").min())
        .with_columns(pl.lit(CLAIMED).alias("source"))
    )
    found = (
        unclaimed.group_by(keys).agg(pl.col("outcome_on").min())
        .join(claimed.select(keys), on=keys, how="anti")
        .with_columns(pl.lit(UNCLAIMED).alias("source"))
    )
    return pl.concat([claimed, found]).select(*keys, "outcome_on", "source")


def _in_group(group: pl.Expr) -> pl.Expr:
    return (
        pl.when(group.is_null()).then(True)
        .when(group == WOMEN).then(pl.col("sex") == "F")
        .when(group.is_in(ROLES)).then(pl.col("role") == group)
        .otherwise(pl.col("groups").list.contains(group))
        .fill_null(False)
    )


def plan_progress(targets: pl.DataFrame, verified: pl.DataFrame, unclaimed: pl.DataFrame, subjects: pl.DataFrame,
                  previous: pl.DataFrame | None, month: str) -> pl.DataFrame:
    """Per target of `targets` (plan_targets): subjects verified to date in its period (claimed
    and unclaimed), the month's increment over `previous` (the stored plan_progress of the month
    before; None: nothing counted before), the share of the target and the straight-line
    expectation for the month. `subjects` holds each subject's person_key, programme, sex, role
    and groups (list) as its owner's roster records them."""
    outcomes = counted_outcomes(verified, unclaimed).join(
        subjects.select("person_key", "programme", "sex", "role", "groups"), on=["person_key", "programme"], how="left")
    current = month_index(month)
    frame = (
        targets.select("programme", "outcome", "group", "target", "period_from", "period_to")
        .with_row_index("target_row")
        .join(outcomes, on=["programme", "outcome"], how="left")
        .with_columns(
            (pl.col("person_key").is_not_null()
             & month_index_expr(pl.col("outcome_on")).is_between(period_index_expr(pl.col("period_from")),
                                                                    period_index_expr(pl.col("period_to")))
             & _in_group(pl.col("group"))).alias("counts"))
        .group_by("target_row", "programme", "outcome", "group", "target", "period_from", "period_to")
        .agg(
            pl.col("counts").sum().cast(pl.Int64).alias("verified_to_date"),
            (pl.col("counts") & (pl.col("source") == CLAIMED)).sum().cast(pl.Int64).alias("claimed"),
            (pl.col("counts") & (pl.col("source") == UNCLAIMED)).sum().cast(pl.Int64).alias("unclaimed"),
        )
        .sort("target_row")
    )
    keys = {"programme": pl.String, "outcome": pl.String, "group": pl.String}
    stored = previous if previous is not None else pl.DataFrame(schema={**keys, "verified_to_date": pl.Int64})
    before = stored.select(*keys, pl.col("verified_to_date").alias("before"))
    frame = frame.join(before, on=list(keys), how="left", nulls_equal=True)
    total = period_index_expr(pl.col("period_to")) - period_index_expr(pl.col("period_from")) + 1
    elapsed = (pl.lit(current) - period_index_expr(pl.col("period_from")) + 1).clip(0, total)
    # Whole subjects, rounded half up in integers: target × elapsed / total.
    expected = (pl.col("target") * elapsed * 2 + total) // (total * 2)
    return frame.with_columns(
        (pl.col("verified_to_date") - pl.col("before").fill_null(0)).alias("month_increment"),
        (pl.col("verified_to_date") / pl.col("target")).round(6).alias("share_of_target"),
        expected.cast(pl.Int64).alias("expected_to_date"),
    ).with_columns((pl.col("expected_to_date") - pl.col("verified_to_date")).alias("gap_to_expected")).select(COLUMNS)
