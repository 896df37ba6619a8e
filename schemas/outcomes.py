"""Verdicts and outcomes as of a month: the tables verifiers and analysts read.

No column holds a document number or a name: people appear by `person_key`, the HMAC of
their normalised document. Every verdict carries the evidence it rests on.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

VERIFIED, PENDING, REJECTED, DUPLICATE, REVIEW = "VERIFIED", "PENDING", "REJECTED", "DUPLICATE", "REVIEW"
STATUSES = (VERIFIED, PENDING, REJECTED, DUPLICATE, REVIEW)

NOT_ENROLLED = "NOT_ENROLLED"
OTHER_OPERATOR = "OTHER_OPERATOR"
NO_CONTRACT = "NO_CONTRACT"
NOT_ADDITIONAL = "NOT_ADDITIONAL"
NO_FORMAL_JOB = "NO_FORMAL_JOB"
NOT_RETAINED = "NOT_RETAINED"
MATCH_IN_REVIEW = "MATCH_IN_REVIEW"
REASONS = (NOT_ENROLLED, OTHER_OPERATOR, NO_CONTRACT, NOT_ADDITIONAL, NO_FORMAL_JOB, NOT_RETAINED, DUPLICATE, MATCH_IN_REVIEW)

MATCH_METHODS = ("EXACT", "LEADING_ZEROS", "TI_CC", "PROBABILISTIC", "REVIEWED", "NONE")
"""How a claim's document found the operator's enrolment: deterministic (EXACT, LEADING_ZEROS,
TI_CC), by the probabilistic matcher, or by a reviewer's decision."""

EVIDENCE_ROW = pl.Struct(
    {"source_file": pl.String, "source_row": pl.Int64, "period": pl.String, "employer_nit": pl.String, "qualifies": pl.Boolean}
)
"""One PILA row behind a verdict: the file and row a verifier opens."""
EVIDENCE_ROWS = pl.List(EVIDENCE_ROW)

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class ClaimsVerified(pa.DataFrameModel):
    """Every claim received up to the month, with its verdict as of the month."""

    claim_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Stable id: hash of the claim file's SHA-256 and row.")
    source_file: str = pa.Field(description="Claims file the claim came in.")
    source_sha256: str = pa.Field(description="SHA-256 of that file.")
    source_row: int = pa.Field(ge=1, description="Row of the claim in that file.")
    received_month: str = pa.Field(str_matches=_MONTH, description="Month the claims file was received.")
    operator: str = pa.Field(description="Operator that made the claim.")
    programme: str = pa.Field(description="Programme code.")
    outcome: str = pa.Field(description="Outcome claimed.")
    outcome_date: pl.Date = pa.Field(description="Date the operator says the outcome happened.")
    person_key: str = pa.Field(str_matches=r"^[0-9a-f]{32}$", description="Pseudonymous person key (HMAC of the normalised document).")
    match_method: str = pa.Field(isin=MATCH_METHODS, description="How the claim's document matched the operator's enrolment: EXACT, LEADING_ZEROS, TI_CC, or NONE.")
    owner_operator: str = pa.Field(nullable=True, description="Operator that enrolled the person first in the programme, who owns the person's outcomes.")
    enrolment_month: str = pa.Field(nullable=True, description="Month of the owner's enrolment (E).")
    contract_id: str = pa.Field(nullable=True, description="Contract whose rules and prices apply.")
    status: str = pa.Field(isin=STATUSES, description="VERIFIED, PENDING, REJECTED, DUPLICATE or REVIEW (a probabilistic link waits for a reviewer; not paid).")
    reason: str = pa.Field(nullable=True, isin=REASONS, description="Why a claim is REJECTED, DUPLICATE or in REVIEW; empty otherwise.")
    duplicate_of: str = pa.Field(nullable=True, description="For a DUPLICATE, the claim_id of the first claim.")
    placement_month: str = pa.Field(nullable=True, description="First qualifying month from E to E+12 (P), as known this month.")
    evidence_start: str = pa.Field(nullable=True, description="First month of the evidence window.")
    evidence_end: str = pa.Field(nullable=True, description="Last month of the evidence window; the claim stays PENDING until the registry horizon reaches it.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="PILA rows (file, row, period, employer, qualifies) the verdict rests on.")
    verified_since: str = pa.Field(nullable=True, description="First run month from which the claim has been VERIFIED without interruption.")

    class Config:
        strict = True
        ordered = True


class OutcomesUnclaimed(pa.DataFrameModel):
    """Outcomes the registry shows for enrolled people that their owner never claimed."""

    person_key: str = pa.Field(str_matches=r"^[0-9a-f]{32}$", description="Pseudonymous person key.")
    programme: str = pa.Field(description="Programme code.")
    outcome: str = pa.Field(description="Outcome the registry shows.")
    owner_operator: str = pa.Field(description="Operator that owns the person's outcomes.")
    enrolment_month: str = pa.Field(description="Month of the owner's enrolment (E).")
    placement_month: str = pa.Field(description="First qualifying month (P).")
    outcome_month: str = pa.Field(description="Month the outcome was complete: P, P+2 or P+5.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="PILA rows that show the outcome.")

    class Config:
        strict = True
        ordered = True


class PersonIndex(pa.DataFrameModel):
    """Every person the month's inputs mention, by pseudonymous key, and how they were linked."""

    person_key: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{32}$", description="HMAC-SHA256 of the normalised document.")
    document_class: str = pa.Field(description="Document type after folding TI into CC (a TI becomes a CC at 18 with the same number).")
    document_types: pl.List(pl.String) = pa.Field(description="Document types the person appears with.")
    in_enrolments: bool = pa.Field(description="Enrolled by some operator up to the month.")
    in_claims: bool = pa.Field(description="Claimed by some operator up to the month.")
    in_registry: bool = pa.Field(description="Appears in PILA rows received up to the month.")
    match_methods: pl.List(pl.String) = pa.Field(description="How records were linked to this key: EXACT, LEADING_ZEROS, TI_CC.")

    class Config:
        strict = True
        ordered = True
