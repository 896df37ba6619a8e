"""The verdict of every claim as of a month (EMPLEO), from the registry and the contracts.

Decisions, in order (the first that applies wins):
1. DUPLICATE: the same operator already claimed that person and outcome (claims ordered by
   month received, file, row).
2. REJECTED NOT_ENROLLED: no enrolment of the person by that operator in that programme,
   received by the claim's month, dated on or before the outcome date.
3. REJECTED OTHER_OPERATOR: another operator enrolled the person first (earliest
   `fecha_inscripcion`, then lowest operator code) and owns the person's outcomes.
4. REJECTED NO_CONTRACT: no contract of the operator and programme covers the outcome date.
5. REJECTED NOT_ADDITIONAL: a qualifying month in the lookback months before the enrolment
   month E.
6. The evidence. Placement month P: the first qualifying month from E to E + window.
   COLOCACION: VERIFIED when P falls in E .. min(month of the outcome date + 1, E + window);
   else PENDING until the registry horizon reaches that end, then NO_FORMAL_JOB.
   RETENCION_3M / _6M: VERIFIED when P .. P + N − 1 all qualify (with one employer if the
   contract says so); NOT_RETAINED once an observable month of that span does not; PENDING
   while undecided; with no placement yet, PENDING until E + window, then NO_FORMAL_JOB.

Months are integer month indexes here (pbr_pipeline.core.months.month_index); text at the edges.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.programmes.empleo import current_rows, qualifying_months, qualifying_rows, rule_sets, with_rule_set
from pbr_pipeline.identity.matching import NONE, link_method
from pbr_pipeline.core.months import index_month_expr, month_index, month_index_expr
from pbr_pipeline.identity.links import link_claims
from schemas.outcomes import (
    DUPLICATE,
    MATCH_IN_REVIEW,
    NO_CONTRACT,
    NO_FORMAL_JOB,
    NOT_ADDITIONAL,
    NOT_ENROLLED,
    NOT_RETAINED,
    OTHER_OPERATOR,
    PENDING,
    REJECTED,
    REVIEW,
    VERIFIED,
)

RETENTION_MONTHS = {"RETENCION_3M": 3, "RETENCION_6M": 6}
PLACEMENT = "COLOCACION"

_CONTRACT_COLUMNS = (
    "contract_id", "operator", "programme", "valid_from", "valid_to", "additionality_lookback_months",
    "placement_window_months", "retention_same_employer", "rule_set",
)


def contract_terms(contracts: pl.DataFrame) -> pl.DataFrame:
    """One row per contract with the rule parameters verdicts need."""
    return with_rule_set(contracts).select(_CONTRACT_COLUMNS).unique(subset="contract_id").sort("contract_id")


def owners(enrolments: pl.DataFrame) -> pl.DataFrame:
    """Per (document, programme): the owning operator, its enrolment date and month index,
    and the person's groups and sex as the owner recorded them."""
    ordered = enrolments.sort("enrolled_on", "operator", "inbox_index", "source_file", "source_row")
    first = ordered.group_by("document", "programme", maintain_order=True).first().select(
        "document", "programme",
        pl.col("operator").alias("owner_operator"),
        pl.col("enrolled_on").alias("owner_enrolled_on"),
        pl.col("sex"),
    )
    groups = (
        ordered.join(first.select("document", "programme", "owner_operator"), on=["document", "programme"])
        .filter(pl.col("operator") == pl.col("owner_operator"))
        .group_by("document", "programme")
        .agg(pl.col("groups").str.split("|").list.explode(keep_nulls=False, empty_as_null=False).unique().sort().alias("groups"))
    )
    return first.join(groups, on=["document", "programme"], how="left").with_columns(
        month_index_expr(pl.col("owner_enrolled_on")).alias("enrolment_index")
    )


def _enrolment_links(claims: pl.DataFrame, enrolments: pl.DataFrame) -> pl.DataFrame:
    """Per claim: whether the claiming operator enrolled the person in time, and how the
    claim's document matched that enrolment."""
    candidates = claims.select(
        "claim_id", "document", "operator", "programme", "inbox_index", "outcome_date", "document_type", "document_number"
    ).join(
        enrolments.select(
            "document", "operator", "programme", "enrolled_on",
            pl.col("inbox_index").alias("enrolment_received"),
            pl.col("document_type").alias("enrolment_type"),
            pl.col("document_number").alias("enrolment_number"),
        ),
        on=["document", "operator", "programme"],
    ).filter((pl.col("enrolment_received") <= pl.col("inbox_index")) & (pl.col("enrolled_on") <= pl.col("outcome_date")))
    return (
        candidates.sort("claim_id", "enrolled_on", "enrolment_received")
        .group_by("claim_id", maintain_order=True)
        .first()
        .select(
            "claim_id",
            pl.lit(True).alias("enrolled"),
            link_method(pl.col("document_type"), pl.col("document_number"), pl.col("enrolment_type"), pl.col("enrolment_number")).alias("match_method"),
        )
    )


def _contract_of_claims(claims: pl.DataFrame, terms: pl.DataFrame) -> pl.DataFrame:
    covering = claims.select("claim_id", "operator", "programme", "outcome_date").join(terms, on=["operator", "programme"]).filter(
        pl.col("outcome_date").is_between(pl.col("valid_from"), pl.col("valid_to"))
    )
    return covering.select(
        "claim_id", "contract_id", "additionality_lookback_months", "placement_window_months", "retention_same_employer", "rule_set"
    )


def judge_claims(
    claims: pl.DataFrame,
    enrolments: pl.DataFrame,
    pila: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    contracts: pl.DataFrame,
    as_of: str,
    with_evidence: bool = True,
    cases: pl.DataFrame | None = None,
    reviews: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Verdicts of every claim received up to `as_of`, from inputs received up to `as_of`.

    The frames are those of `pbr_pipeline.verify.as_of.Known` (they may hold later months too; they
    are cut to `as_of` here, so one load serves a whole history). `cases` are the second
    pass's scored cases and `reviews` the reviewers' decisions (pbr_pipeline.identity.second_pass).
    """
    run = month_index(as_of)
    claims = claims.filter(pl.col("inbox_index") <= run)
    enrolments = enrolments.filter(pl.col("inbox_index") <= run)
    claims, pila = link_claims(claims, pila, cases, reviews, run)
    judged_rows = registry_as_of(pila, minimum_wages, contracts, run)
    frame = _with_duplicates(claims)
    frame = (
        frame.join(_enrolment_links(frame, enrolments), on="claim_id", how="left")
        .join(owners(enrolments), on=["document", "programme"], how="left")
        .join(_contract_of_claims(frame, contract_terms(contracts)), on="claim_id", how="left")
        .with_columns(
            pl.col("enrolled").fill_null(False),
            pl.coalesce("link_method", "match_method", pl.lit(NONE)).alias("match_method"),
            month_index_expr(pl.col("outcome_date")).alias("outcome_index"),
        )
    )
    return decide(frame, judged_rows, run, with_evidence)


def registry_as_of(pila: pl.DataFrame, minimum_wages: pl.DataFrame, contracts: pl.DataFrame, run: int) -> pl.DataFrame:
    """The PILA rows the run for month index `run` sees, judged under every contract's rules."""
    return qualifying_rows(current_rows(pila, run), minimum_wages, rule_sets(contracts))


def decide(frame: pl.DataFrame, judged_rows: pl.DataFrame, run: int, with_evidence: bool = True) -> pl.DataFrame:
    """Steps 5 and 6 (and the status of steps 1–4) for a frame of claims that carries the
    enrolment, owner and contract facts; shared with the search for unclaimed outcomes."""
    horizon = run - 1
    frame = frame.with_columns(
        pl.col("outcome").replace_strict(RETENTION_MONTHS, default=None, return_dtype=pl.Int32).alias("retention_months")
    )
    frame = _with_evidence_facts(frame, qualifying_months(judged_rows), horizon)
    frame = _with_status(frame, horizon)
    return _with_evidence_rows(frame, judged_rows) if with_evidence else frame


def _with_duplicates(claims: pl.DataFrame) -> pl.DataFrame:
    ordered = claims.sort("inbox_index", "source_file", "source_row")
    group = ["operator", "programme", "document", "outcome"]
    return ordered.with_columns(
        pl.col("claim_id").first().over(group).alias("first_claim"),
        (pl.int_range(pl.len()).over(group) > 0).alias("is_duplicate"),
    )


def _with_evidence_facts(frame: pl.DataFrame, months: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """Lookback hit, placement month P, and the retention counts each claim needs."""
    keys = frame.filter(pl.col("contract_id").is_not_null() & pl.col("enrolment_index").is_not_null()).select(
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
    placement_end = pl.min_horizontal(pl.col("outcome_index") + 1, start + window)
    retention_end = placement + pl.col("retention_months") - 1
    retained = pl.col("retained_months") == pl.col("retention_months")
    broken = pl.col("retained_observable") < pl.col("span_observable_months")

    def verdict(status: str, reason: str | None) -> pl.Expr:
        return pl.struct(status=pl.lit(status), reason=pl.lit(reason, pl.String))

    decided = (
        pl.when(pl.col("is_duplicate")).then(verdict(DUPLICATE, DUPLICATE))
        .when(pl.col("in_review")).then(verdict(REVIEW, MATCH_IN_REVIEW))
        .when(~pl.col("enrolled")).then(verdict(REJECTED, NOT_ENROLLED))
        .when(pl.col("owner_operator") != pl.col("operator")).then(verdict(REJECTED, OTHER_OPERATOR))
        .when(pl.col("contract_id").is_null()).then(verdict(REJECTED, NO_CONTRACT))
        .when(pl.col("registry_review")).then(verdict(REVIEW, MATCH_IN_REVIEW))
        .when(pl.col("lookback_hit")).then(verdict(REJECTED, NOT_ADDITIONAL))
        .when(is_placement & placement.is_not_null() & (placement <= placement_end)).then(verdict(VERIFIED, None))
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
        .when(is_placement & placement.is_not_null() & (placement <= placement_end)).then(placement)
        .when(is_placement).then(placement_end)
        .when(placement.is_null()).then(start + window)
        .otherwise(retention_end)
    )
    rejected_before_evidence = pl.col("is_duplicate") | pl.col("in_review") | pl.col("registry_review") | ~pl.col("enrolled") | (pl.col("owner_operator") != pl.col("operator")) | pl.col("contract_id").is_null()
    return frame.with_columns(decided.alias("verdict")).unnest("verdict").with_columns(
        pl.when(pl.col("is_duplicate")).then("first_claim").alias("duplicate_of"),
        pl.when(rejected_before_evidence).then(None).otherwise(evidence_start).alias("evidence_start_index"),
        pl.when(rejected_before_evidence).then(None).otherwise(evidence_end).alias("evidence_end_index"),
        index_month_expr(start).alias("enrolment_month"),
        index_month_expr(placement).alias("placement_month"),
    )


def _with_evidence_rows(frame: pl.DataFrame, judged_rows: pl.DataFrame) -> pl.DataFrame:
    """The PILA rows of each claim's evidence span, as (file, row, period, employer, qualifies)."""
    spans = frame.filter(pl.col("evidence_start_index").is_not_null()).select(
        "claim_id", "document", "rule_set", "evidence_start_index", "evidence_end_index"
    )
    rows = (
        spans.join(judged_rows, on=["rule_set", "document"])
        .filter(pl.col("period_index").is_between(pl.col("evidence_start_index"), pl.col("evidence_end_index")))
        .sort("claim_id", "period", "employer_nit", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .agg(pl.struct("source_file", "source_row", "period", "employer_nit", "qualifies").alias("evidence_rows"))
    )
    return frame.join(rows, on="claim_id", how="left").with_columns(
        pl.col("evidence_rows").fill_null(pl.lit([], dtype=rows.schema["evidence_rows"])),
        index_month_expr(pl.col("evidence_start_index")).alias("evidence_start"),
        index_month_expr(pl.col("evidence_end_index")).alias("evidence_end"),
    )
