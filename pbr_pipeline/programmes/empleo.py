"""Formal employment as the registry shows it in the run for a month: which months qualify.

A qualifying month (domain.md §3, contract parameters): a PILA row with a dependent
contributor type, at least `min_days` days, and an IBC of at least the minimum wage of the
period's year prorated by days (`ibc × 30 ≥ smmlv × days`: integer arithmetic, no rounding).

What the run for month V sees: every row delivered in inbox months up to V, a later delivery
of the same key (document, period, employer) replacing the earlier one, and only periods up
to V − 1 (the registry horizon: a period's contributions are complete a month later).
"""

from __future__ import annotations

import json

import polars as pl


RULE_COLUMNS = ("qualifying_contributor_types", "min_days", "ibc_at_least_prorated_minimum_wage")
DEFAULT_RULE_SET = json.dumps({"qualifying_contributor_types": [1, 2, 22, 30, 51], "min_days": 15,
                               "ibc_at_least_prorated_minimum_wage": True}, sort_keys=True)
"""The issue's default rule, for people whose outcomes no contract prices (unclaimed outcomes)."""


def with_rule_set(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `rule_set`, a readable id of the qualifying-month parameters: contracts that share
    them share one evaluation of each PILA row."""
    ids = [json.dumps(rules, sort_keys=True) for rules in frame.select(RULE_COLUMNS).iter_rows(named=True)]
    return frame.with_columns(pl.Series("rule_set", ids, dtype=pl.String))


def rule_sets(contracts: pl.DataFrame) -> pl.DataFrame:
    """Distinct qualifying-month rules of the contracts, and the default rule."""
    defaults = pl.DataFrame(
        [json.loads(DEFAULT_RULE_SET)],
        schema={"qualifying_contributor_types": pl.List(pl.Int64), "min_days": pl.Int64,
                "ibc_at_least_prorated_minimum_wage": pl.Boolean},
    )
    rules = with_rule_set(pl.concat([contracts.select(RULE_COLUMNS), defaults], how="vertical"))
    return rules.unique(subset="rule_set").sort("rule_set")


def current_rows(pila: pl.DataFrame, as_of_index: int) -> pl.DataFrame:
    """Rows known in the run for month index `as_of_index`: latest delivery of each key, periods
    up to the horizon. `pila` carries `document`, `inbox_index` and `period_index`."""
    delivered = pila.filter(pl.col("inbox_index") <= as_of_index)
    return (
        delivered.sort("inbox_index", "source_file", "source_row")
        .unique(subset=["document", "period", "employer_nit"], keep="last", maintain_order=True)
        .filter(pl.col("period_index") <= as_of_index - 1)
    )


def qualifying_rows(rows: pl.DataFrame, minimum_wages: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Each row under each rule set, with `qualifies`. A period whose year has no minimum wage
    in the reference table never qualifies (and the run's checks say so)."""
    wages = minimum_wages.select(pl.col("year").cast(pl.Int32).alias("period_year"), pl.col("amount").alias("minimum_wage"))
    with_wage = rows.with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("period_year")).join(
        wages, on="period_year", how="left"
    )
    judged = with_wage.join(rules, how="cross").with_columns(
        (
            pl.col("qualifying_contributor_types").list.contains(pl.col("contributor_type"))
            & (pl.col("days_contributed") >= pl.col("min_days"))
            & (
                ~pl.col("ibc_at_least_prorated_minimum_wage")
                | (pl.col("ibc") * 30 >= pl.col("minimum_wage") * pl.col("days_contributed"))
            )
        )
        .fill_null(False)
        .alias("qualifies")
    )
    return judged.select(
        "rule_set", "document", "period", "period_index", "employer_nit", "contributor_type",
        "days_contributed", "ibc", "minimum_wage", "qualifies", "source_file", "source_row",
    )


def qualifying_months(judged: pl.DataFrame) -> pl.DataFrame:
    """One row per (rule set, document, period) that qualifies, with the employers that make it so."""
    return (
        judged.filter(pl.col("qualifies"))
        .group_by("rule_set", "document", "period_index")
        .agg(pl.col("employer_nit").unique().sort().alias("employers"))
    )
