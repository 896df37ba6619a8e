"""Outcomes the registries show for enrolled subjects that their owner never claimed.

For every programme the pipeline verifies, each owner (the operator that enrolled the subject
first) gets one would-be claim per outcome of the programme, judged by the programme's own
rule with the widest window (no claimed date limits it) under the owner's contract covering
the enrolment date, or the programme's default rules when none does. Those the registry
verifies and that the owner never claimed, whatever became of the claim, are unclaimed
outcomes: for operators to see what they could claim, for verifiers to see what nobody asked
for.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.months import month_index
from pbr_pipeline.identity.links import link_claims
from pbr_pipeline.programmes import PROGRAMMES
from pbr_pipeline.verify.as_of import Known
from pbr_pipeline.verify.gates import covering_contracts
from pbr_pipeline.verify.evidence import redacted
from pbr_pipeline.verify.judge import PROGRAMME_REGISTRIES, programme_facts, sensitive_registries
from schemas.outcomes import EVIDENCE_ROWS, VERIFIED

DEFAULT_RULES = "(default rules)"
"""Contract id shown for an outcome judged under the programme's default rules."""


def unclaimed_outcomes(known: Known, contracts: pl.DataFrame, reference: dict[str, pl.DataFrame],
                       cases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Rows of the `OutcomesUnclaimed` schema, with `document` standing in for the subject key."""
    _, registries = link_claims(known.claims, known.registries, cases, known.reviews, month_index(known.month), PROGRAMME_REGISTRIES)
    people = known.owners
    terms = contracts.select("contract_id", "operator", "programme", "valid_from", "valid_to").unique()
    claimed = known.claims.select(pl.col("operator").alias("owner_operator"), "document", "programme", "outcome").unique()
    found = []
    for programme in PROGRAMMES:
        # A VERIFIED outcome always rests on a registry fact: people with no row in the
        # programme's registries, and outcomes the owner already claimed, need no judging.
        with_facts = pl.concat([registries[registry.name].select("document") for registry in programme.registries]).unique()
        mine = people.filter(pl.col("programme") == programme.code).join(with_facts, on="document", how="semi")
        if mine.height == 0:
            continue
        would_be = (
            mine.join(pl.DataFrame({"outcome": list(programme.outcomes)}), how="cross")
            .join(claimed, on=["owner_operator", "document", "programme", "outcome"], how="anti")
            .with_columns(
                pl.concat_str("document", pl.lit("/"), "outcome").alias("claim_id"),
                pl.col("owner_operator").alias("operator"),
                pl.col("owner_enrolled_on").alias("enrolled_on"),
                pl.lit(None, pl.Date).alias("outcome_date"),
            )
        )
        would_be = would_be.join(covering_contracts(would_be, terms, date="enrolled_on"), on="claim_id", how="left")
        shown = redacted(programme.evidence(programme_facts(programme, would_be, contracts, known, registries, reference)),
                         sensitive_registries(programme))
        found.append(
            would_be.join(shown.filter(pl.col("status") == VERIFIED), on="claim_id")
            .select(
                "document", "programme", "outcome", "owner_operator",
                pl.col("contract_id").fill_null(DEFAULT_RULES),
                pl.col("enrolled_on").dt.strftime("%Y-%m").alias("enrolment_month"),
                "outcome_on",
                pl.col("outcome_on").dt.strftime("%Y-%m").alias("outcome_month"),
                "evidence_rows",
            )
        )
    if not found:
        return pl.DataFrame(schema=_SCHEMA)
    return pl.concat(found, how="vertical").sort("document", "programme", "outcome")


_SCHEMA = {
    "document": pl.String, "programme": pl.String, "outcome": pl.String, "owner_operator": pl.String,
    "contract_id": pl.String, "enrolment_month": pl.String, "outcome_on": pl.Date, "outcome_month": pl.String,
    "evidence_rows": EVIDENCE_ROWS,
}
