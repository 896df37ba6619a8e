"""The verdict of every claim as of a month: the shared gates, then the programme's rule.

The run for month M judges every claim received up to M once, with the links in force, the
registry rows the run sees and the contracts; it never judges an earlier month again (since
when a claim has been VERIFIED comes from the stored state of M − 1).
"""

from __future__ import annotations

import json

import polars as pl

from pbr_pipeline.core.months import month_index
from pbr_pipeline.identity.links import link_claims
from pbr_pipeline.identity.matching import NONE
from pbr_pipeline.programmes import PROGRAMMES
from pbr_pipeline.programmes.spec import EVIDENCE_COLUMNS, Facts, Programme
from pbr_pipeline.verify.as_of import Known, current_rows
from pbr_pipeline.verify.evidence import EMPTY_EVIDENCE, redacted
from pbr_pipeline.verify.gates import covering_contracts, enrolment_links, gate_verdict, with_duplicates
from schemas.outcomes import EVIDENCE_ROWS

_EVIDENCE_SCHEMA = {
    "claim_id": pl.String, "status": pl.String, "reason": pl.String, "outcome_on": pl.Date,
    "evidence_from": pl.Date, "evidence_to": pl.Date,
}


PROGRAMME_REGISTRIES = pl.DataFrame(
    [(programme.code, registry.name) for programme in PROGRAMMES for registry in programme.registries],
    schema={"programme": pl.String, "registry": pl.String}, orient="row",
)
"""Which registries each programme reads: a link in review to a registry holds only the claims
of programmes that read it."""


_DEFAULTS = ""
"""Rule-set key of claims without a contract (would-be claims of unclaimed outcomes)."""


def rule_frame(programme: Programme, contracts: pl.DataFrame) -> pl.DataFrame:
    """One row per contract of `programme` (`rule_key` = contract_id) and one for the
    programme's defaults (`rule_key` empty), with one column per rule parameter."""
    mine = contracts.filter(pl.col("programme") == programme.code).select("contract_id", "rules").unique("contract_id")
    rule_sets = {contract_id: programme.rules(**_as_fields(json.loads(text))) for contract_id, text in mine.iter_rows()}
    rule_sets[_DEFAULTS] = programme.rules()
    return programme.rule_columns(rule_sets).rename({"contract_id": "rule_key"})


def _as_fields(values: dict) -> dict:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in values.items()}


def programme_facts(programme: Programme, claims: pl.DataFrame, contracts: pl.DataFrame, known: Known,
                    registries: dict[str, pl.DataFrame], reference: dict[str, pl.DataFrame]) -> Facts:
    """What `programme.evidence` reads for `claims` (which carry contract_id, possibly null:
    a claim without a contract, a would-be claim of an unclaimed outcome, takes the defaults)."""
    with_rules = claims.with_columns(pl.col("contract_id").fill_null(_DEFAULTS).alias("rule_key")).join(
        rule_frame(programme, contracts), on="rule_key", how="left").drop("rule_key")
    subjects = claims.select("document").unique()
    seen = {
        registry.name: current_rows(registries[registry.name].join(subjects, on="document", how="semi"), registry, known.month)
        for registry in programme.registries
    }
    return Facts(
        month=known.month,
        claims=with_rules,
        registries=seen,
        horizons={registry.name: registry.horizon(known.month) for registry in programme.registries},
        reference=reference,
    )


def sensitive_registries(programme: Programme) -> tuple[str, ...]:
    """Names of the health-data registries `programme` reads (their rows stay out of analyst tables)."""
    return tuple(registry.name for registry in programme.registries if registry.sensitive)


def judge_by_programme(gated: pl.DataFrame, contracts: pl.DataFrame, known: Known, registries: dict[str, pl.DataFrame],
                       reference: dict[str, pl.DataFrame], redact: bool = True) -> pl.DataFrame:
    """EVIDENCE_COLUMNS for every claim of `gated` whose programme the pipeline verifies; with
    `redact`, evidence rows of health-data registries folded (`evidence.redacted`)."""
    judged = [pl.DataFrame(schema={**_EVIDENCE_SCHEMA, "evidence_rows": EVIDENCE_ROWS})]
    for programme in PROGRAMMES:
        claims = gated.filter(pl.col("programme") == programme.code)
        if claims.height:
            facts = programme_facts(programme, claims, contracts, known, registries, reference)
            evidence = programme.evidence(facts).select(EVIDENCE_COLUMNS)
            judged.append(redacted(evidence, sensitive_registries(programme)) if redact else evidence)
    return pl.concat(judged, how="diagonal_relaxed")


def judge_claims(known: Known, contracts: pl.DataFrame, reference: dict[str, pl.DataFrame],
                 cases: pl.DataFrame | None = None, redact: bool = True) -> pl.DataFrame:
    """Every claim received up to the month with its verdict as of the month, its owner,
    contract, match method and evidence; `document` is still the canonical document (the
    caller replaces it by the subject key). `cases` are the links in force (second pass).
    Without `redact`, health-data evidence rows stay whole (the verifier-only table)."""
    run = month_index(known.month)
    claims, registries = link_claims(known.claims, known.registries, cases, known.reviews, run, PROGRAMME_REGISTRIES)
    frame = with_duplicates(claims)
    frame = (
        frame.join(enrolment_links(frame, known.enrolments), on="claim_id", how="left")
        .join(known.owners, on=["document", "programme"], how="left")
        .join(covering_contracts(frame, contracts.select("contract_id", "operator", "programme", "valid_from", "valid_to").unique()),
              on="claim_id", how="left")
        .with_columns(
            pl.col("enrolled").fill_null(False),
            pl.coalesce("link_method", "match_method", pl.lit(NONE)).alias("match_method"),
            pl.col("owner_enrolled_on").alias("enrolled_on"),
        )
        .with_columns(gate_verdict().alias("gate"))
    )
    passed = frame.filter(pl.col("gate").is_null())
    judged = judge_by_programme(passed, contracts, known, registries, reference, redact)
    gate = pl.col("gate")
    return (
        frame.join(judged, on="claim_id", how="left")
        .with_columns(
            pl.coalesce(gate.struct.field("status"), pl.col("status")).alias("status"),
            pl.when(gate.is_not_null()).then(gate.struct.field("reason")).otherwise(pl.col("reason")).alias("reason"),
            pl.when(pl.col("is_duplicate")).then("first_claim").alias("duplicate_of"),
            pl.col("evidence_rows").fill_null(EMPTY_EVIDENCE),
        )
        .drop("gate")
    )
