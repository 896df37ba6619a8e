"""EMPLEO: a formal job after enrolment (COLOCACION), kept 3 and 6 months (RETENCION_3M/_6M),
verified against PILA, the social-security contribution registry.

A **qualifying month** is a PILA row with a dependent contributor type, at least `min_days`
days, and an IBC of at least the minimum wage of the period's year prorated by days
(`ibc × 30 ≥ smmlv × days`: integer arithmetic, no rounding). A period's contributions are
complete a month later, so the run for month M sees periods up to M − 1 (lag 1).

The rule, after the shared gates (E is the month of the owner's enrolment):
- NOT_ADDITIONAL: a qualifying month in the `additionality_lookback_months` before E.
- Placement month P: the first qualifying month from E to E + `placement_window_months`.
- COLOCACION: VERIFIED when P falls in E .. min(month of the claimed date + 1, E + window);
  PENDING until the horizon reaches that end; then NO_FORMAL_JOB.
- RETENCION_3M / _6M: VERIFIED when P .. P + N − 1 all qualify (with one employer when the
  contract says so); NOT_RETAINED once an observable month of that span does not; PENDING
  while undecided; with no placement yet, PENDING until E + window, then NO_FORMAL_JOB.
The outcome date is the first day of the month that completed the outcome (P, or P + N − 1).
Months are integer month indexes inside this module (core.months.month_index).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from pbr_pipeline.core.months import index_month_expr, month_index, month_index_expr, period_index_expr
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.spec import PERSON, Facts, Flag, Programme, Registry, Whole, WholeList, parameter
from pbr_pipeline.verify.evidence import evidence_rows, index_to_month_end, index_to_month_start, verdict
from schemas.outcomes import NO_FORMAL_JOB, NOT_ADDITIONAL, NOT_RETAINED, PENDING, REJECTED, VERIFIED
from schemas.registries.pila import PilaContributions

PILA = Registry(
    table=InputTable(
        "pila", PilaContributions, inbox_folder="registros/pila",
        raw_description="PILA contribution extracts received this month (`inbox/<month>/registros/pila/`), every cell as written.",
        description="Valid PILA contribution rows received this month (corrections included as delivered).",
    ),
    correction_key=("period", "employer_nit"),
    fact_date=lambda: pl.col("period").str.to_date("%Y-%m"),
    lag_months=1,
    names_people=True,
)

PLACEMENT = "COLOCACION"
RETENTION_MONTHS = {"RETENCION_3M": 3, "RETENCION_6M": 6}


@dataclass(frozen=True)
class EmploymentRules:
    """How an EMPLEO outcome is verified against PILA. The defaults are the usual rules of the
    Colombian employment bonds."""

    qualifying_contributor_types: tuple[int, ...] = parameter(
        (1, 2, 22, 30, 51), WholeList("[1, 2, 22, 30, 51]"),
        "PILA `tipo_cotizante` values that count as a formal dependent job.")
    min_days: int = parameter(15, Whole(0, 30, "days"), "Days contributed in a month from which the month can qualify.")
    ibc_at_least_prorated_minimum_wage: bool = parameter(
        True, Flag(), "The month qualifies only if IBC >= SMMLV x days / 30.")
    additionality_lookback_months: int = parameter(
        3, Whole(0, 12, "months"), "Months before the enrolment month in which a qualifying job makes a person not additional.")
    placement_window_months: int = parameter(12, Whole(1, 24, "months"), "Months after the enrolment month in which a placement counts.")
    retention_same_employer: bool = parameter(False, Flag(), "Whether retention months must all be with the placement employer.")


_QUALIFYING_PARAMETERS = ("qualifying_contributor_types", "min_days", "ibc_at_least_prorated_minimum_wage")


def _with_rule_set(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `rule_set`, a readable id of the qualifying-month parameters: claims whose contracts
    share them share one evaluation of each PILA row."""
    # One id per distinct parameter set (a handful), not per claim.
    sets = frame.select(_QUALIFYING_PARAMETERS).unique(maintain_order=True)
    ids = [json.dumps(rules, sort_keys=True) for rules in sets.iter_rows(named=True)]
    return frame.join(sets.with_columns(pl.Series("rule_set", ids, dtype=pl.String)), on=list(_QUALIFYING_PARAMETERS),
                      how="left", nulls_equal=True, maintain_order="left")


def qualifying_rows(rows: pl.DataFrame, minimum_wages: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Each PILA row under each rule set, with `qualifies`. A period whose year has no minimum
    wage in the reference table never qualifies (and the run's checks say so)."""
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
        "rule_set", "document", "period", period_index_expr(pl.col("period")).alias("period_index"), "fact_date",
        "employer_nit", "contributor_type", "days_contributed", "ibc", "minimum_wage", "qualifies", "source_file", "source_row",
    )


def qualifying_months(judged: pl.DataFrame) -> pl.DataFrame:
    """One row per (rule set, document, period) that qualifies, with the employers that make it so."""
    return (
        judged.filter(pl.col("qualifies"))
        .group_by("rule_set", "document", "period_index")
        .agg(pl.col("employer_nit").unique().sort().alias("employers"))
    )


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the PILA rows the run sees (the module docstring's rule)."""
    horizon = month_index(facts.horizons[PILA.name].strftime("%Y-%m"))
    claims = _with_rule_set(facts.claims).with_columns(
        month_index_expr(pl.col("enrolled_on")).alias("enrolment_index"),
        month_index_expr(pl.col("outcome_date")).alias("outcome_index"),
        pl.col("outcome").replace_strict(RETENTION_MONTHS, default=None, return_dtype=pl.Int32).alias("retention_months"),
    )
    rules = claims.select("rule_set", *_QUALIFYING_PARAMETERS).unique(subset="rule_set").sort("rule_set")
    judged = qualifying_rows(facts.registries[PILA.name], facts.reference["minimum_wages"], rules)
    frame = _with_evidence_facts(claims, qualifying_months(judged), horizon)
    frame = _with_status(frame, horizon)
    rows = evidence_rows(
        frame.select("claim_id", "document", "rule_set", "evidence_start_index", "evidence_end_index"),
        judged,
        on=["rule_set", "document"],
        within=pl.col("period_index").is_between(pl.col("evidence_start_index"), pl.col("evidence_end_index")),
        registry=PILA.name,
        shows=pl.format(
            "period {} · employer {} · contributor type {} · {} days · IBC {} (minimum wage {})",
            "period", "employer_nit", "contributor_type", "days_contributed", "ibc", "minimum_wage",
        ),
        counts=pl.col("qualifies"),
        order=["period", "employer_nit"],
    )
    return frame.join(rows, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        index_to_month_start(pl.col("outcome_index_verified")).alias("outcome_on"),
        index_to_month_start(pl.col("evidence_start_index")).alias("evidence_from"),
        index_to_month_end(pl.col("evidence_end_index")).alias("evidence_to"),
        "evidence_rows",
    )


def _with_evidence_facts(frame: pl.DataFrame, months: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """Lookback hit, placement month P, and the retention counts each claim needs."""
    keys = frame.select(
        "claim_id", "document", "rule_set", "enrolment_index", "additionality_lookback_months",
        "placement_window_months", "retention_months", "retention_same_employer",
    )
    hits = keys.join(months, on=["rule_set", "document"])
    start, window = pl.col("enrolment_index"), pl.col("placement_window_months")
    period = pl.col("period_index")
    facts = hits.group_by("claim_id").agg(
        period.is_between(start - pl.col("additionality_lookback_months"), start - 1).any().alias("lookback_hit"),
        period.filter(period.is_between(start, start + window)).min().alias("placement_index"),
    )
    with_placement = keys.join(facts, on="claim_id", how="left")

    # Retention: count qualifying months in P .. P+N-1 (any employer, and per employer).
    spans = with_placement.filter(pl.col("retention_months").is_not_null() & pl.col("placement_index").is_not_null())
    span_end = pl.col("placement_index") + pl.col("retention_months") - 1
    in_span = spans.join(months, on=["rule_set", "document"]).filter(period.is_between(pl.col("placement_index"), span_end))
    observable_end = pl.min_horizontal(span_end, pl.lit(horizon))
    any_employer = in_span.group_by("claim_id").agg(
        pl.len().alias("span_qualifying"),
        period.filter(period <= horizon).len().alias("span_observable_qualifying"),
    )
    per_employer = (
        in_span.explode("employers")
        .group_by("claim_id", "employers")
        .agg(pl.len().alias("months"), period.filter(period <= horizon).len().alias("observable"))
        .group_by("claim_id")
        .agg(pl.col("months").max().alias("span_qualifying_one_employer"),
             pl.col("observable").max().alias("span_observable_one_employer"))
    )
    spans = (
        spans.select("claim_id", "placement_index", "retention_months", "retention_same_employer")
        .join(any_employer, on="claim_id", how="left")
        .join(per_employer, on="claim_id", how="left")
        .with_columns(
            pl.col("span_qualifying", "span_observable_qualifying", "span_qualifying_one_employer", "span_observable_one_employer").fill_null(0),
            (observable_end - pl.col("placement_index") + 1).clip(lower_bound=0).alias("span_observable_months"),
        )
        .select(
            "claim_id",
            pl.when(pl.col("retention_same_employer")).then("span_qualifying_one_employer").otherwise("span_qualifying").alias("retained_months"),
            pl.when(pl.col("retention_same_employer")).then("span_observable_one_employer").otherwise("span_observable_qualifying").alias("retained_observable"),
            "span_observable_months",
        )
    )
    return (
        frame.join(with_placement.select("claim_id", "lookback_hit", "placement_index"), on="claim_id", how="left")
        .join(spans, on="claim_id", how="left")
        .with_columns(pl.col("lookback_hit").fill_null(False))
    )


def _with_status(frame: pl.DataFrame, horizon: int) -> pl.DataFrame:
    start, window = pl.col("enrolment_index"), pl.col("placement_window_months")
    placement = pl.col("placement_index")
    is_placement = pl.col("outcome") == PLACEMENT
    # A would-be claim (no claimed date) takes the widest window: min_horizontal skips nulls.
    placement_end = pl.min_horizontal(pl.col("outcome_index") + 1, start + window)
    retention_end = placement + pl.col("retention_months") - 1
    retained = pl.col("retained_months") == pl.col("retention_months")
    broken = pl.col("retained_observable") < pl.col("span_observable_months")
    placed_in_time = is_placement & placement.is_not_null() & (placement <= placement_end)

    decided = (
        pl.when(pl.col("lookback_hit")).then(verdict(REJECTED, NOT_ADDITIONAL))
        .when(placed_in_time).then(verdict(VERIFIED, None))
        .when(is_placement & (horizon < placement_end)).then(verdict(PENDING, None))
        .when(is_placement).then(verdict(REJECTED, NO_FORMAL_JOB))
        .when(placement.is_null() & (horizon < start + window)).then(verdict(PENDING, None))
        .when(placement.is_null()).then(verdict(REJECTED, NO_FORMAL_JOB))
        .when(retained).then(verdict(VERIFIED, None))
        .when(broken).then(verdict(REJECTED, NOT_RETAINED))
        .otherwise(verdict(PENDING, None))
    )
    # The months whose PILA rows the verdict looked at, or waits for.
    evidence_start = (
        pl.when(pl.col("lookback_hit")).then(start - pl.col("additionality_lookback_months"))
        .when(placement.is_null()).then(start)
        .otherwise(placement)
    )
    evidence_end = (
        pl.when(pl.col("lookback_hit")).then(start - 1)
        .when(placed_in_time).then(placement)
        .when(is_placement).then(placement_end)
        .when(placement.is_null()).then(start + window)
        .otherwise(retention_end)
    )
    return frame.with_columns(decided.alias("verdict")).unnest("verdict").with_columns(
        evidence_start.alias("evidence_start_index"),
        evidence_end.alias("evidence_end_index"),
        pl.when(pl.col("status") == VERIFIED).then(pl.when(is_placement).then(placement).otherwise(retention_end))
        .alias("outcome_index_verified"),
        index_month_expr(placement).alias("placement_month"),
    )


EMPLEO = Programme(
    code="EMPLEO",
    outcomes=(PLACEMENT, *RETENTION_MONTHS),
    subject=PERSON,
    registries=(PILA,),
    rules=EmploymentRules,
    evidence=evidence,
    description="A formal dependent job after enrolment, and that job kept 3 and 6 months, as PILA shows it.",
)
