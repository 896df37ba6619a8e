"""The verifier-only evidence of health outcomes: every health-data registry row a verdict
rests on, with what the row holds (service kind, date, diagnoses, purpose, technology,
provider, days of treatment, where it is in its file).

Diagnoses are sensitive personal data (Law 1581 of 2012, art. 5): analyst tables show a health
verdict, its date and the subject key only (`evidence.redacted`). A verifier retraces a health
payment here, by claim id, down to the RIPS file and service.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from pbr_pipeline.programmes import PROGRAMMES
from pbr_pipeline.verify.as_of import Known
from pbr_pipeline.verify.judge import judge_claims, sensitive_registries

_VERDICT = ("claim_id", "operator", "programme", "outcome", "status", "reason")
_ROW = ("registry", "source_file", "source_row", "fact_date", "shows", "counts")
_PERSON = ("document", "document_type", "document_number", "birth_date", "sex", "first_name", "second_name", "first_surname",
           "second_surname", "inbox_index", "inbox_month", "source_sha256", "fact_date")


def health_evidence(known: Known, contracts: pl.DataFrame, reference: dict[str, pl.DataFrame],
                    cases: pl.DataFrame | None) -> pl.DataFrame:
    """One row per health-data registry row behind a claim's verdict as of the month: the
    claim, its verdict, the evidence row (registry, file, row, fact date, what it showed,
    whether it counts) and the registry row's own columns. Empty when no programme reads a
    health-data registry or nobody claimed one."""
    programmes = [programme.code for programme in PROGRAMMES if sensitive_registries(programme)]
    sensitive = sorted({name for programme in PROGRAMMES for name in sensitive_registries(programme)})
    health = dataclasses.replace(known, claims=known.claims.filter(pl.col("programme").is_in(programmes)))
    verdicts = judge_claims(health, contracts, reference, cases=cases, redact=False)
    rows = (
        verdicts.select(*_VERDICT, "evidence_rows")
        .explode("evidence_rows")
        .drop_nulls("evidence_rows")
        .unnest("evidence_rows")
        .filter(pl.col("registry").is_in(sensitive))
    )
    details = []
    for name in sensitive:
        registry = known.registries.get(name)
        if registry is None or registry.height == 0:
            continue
        # A row linked to two people appears once per document in the as-of rows: one detail each.
        own = registry.select(pl.exclude(*_PERSON)).unique(subset=["source_file", "source_row"], keep="first", maintain_order=True)
        details.append(rows.filter(pl.col("registry") == name).join(own, on=["source_file", "source_row"], how="left"))
    table = pl.concat(details, how="diagonal_relaxed") if details else rows.select(*_VERDICT, *_ROW)
    return table.sort("claim_id", "fact_date", "source_file", "source_row", nulls_last=True)
