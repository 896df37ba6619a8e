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
NO_ENTRY_TEST = "NO_ENTRY_TEST"
NOT_CERTIFIED = "NOT_CERTIFIED"
NOT_ELIGIBLE = "NOT_ELIGIBLE"
NOT_ENOUGH_CONTROLS = "NOT_ENOUGH_CONTROLS"
NO_DIAGNOSIS = "NO_DIAGNOSIS"
NOT_NEW_CASE = "NOT_NEW_CASE"
NO_TREATMENT = "NO_TREATMENT"
NOT_ADHERENT = "NOT_ADHERENT"
NO_BASELINE = "NO_BASELINE"
NOT_ABOVE_LINE = "NOT_ABOVE_LINE"
NO_CREDIT = "NO_CREDIT"
NO_YIELD_RISE = "NO_YIELD_RISE"
NO_BUSINESS = "NO_BUSINESS"
NOT_ACTIVE = "NOT_ACTIVE"
NO_INCOME_RISE = "NO_INCOME_RISE"
GATE_REASONS = (DUPLICATE, MATCH_IN_REVIEW, NOT_ENROLLED, OTHER_OPERATOR, NO_CONTRACT)
"""Reasons of the gates every programme shares, in the order they apply."""
RULE_REASONS = (
    NOT_ADDITIONAL, NO_FORMAL_JOB, NOT_RETAINED, NO_ENTRY_TEST, NOT_CERTIFIED,
    NOT_ELIGIBLE, NOT_ENOUGH_CONTROLS, NO_DIAGNOSIS, NOT_NEW_CASE, NO_TREATMENT, NOT_ADHERENT,
    NO_BASELINE, NOT_ABOVE_LINE, NO_BUSINESS, NOT_ACTIVE, NO_INCOME_RISE, NO_CREDIT, NO_YIELD_RISE,
)
"""Reasons the programmes' own rules give."""
REASONS = (*GATE_REASONS, *RULE_REASONS)

MATCH_METHODS = ("EXACT", "LEADING_ZEROS", "TI_CC", "PROBABILISTIC", "REVIEWED", "NONE")
"""How a claim's document found the operator's enrolment: deterministic (EXACT, LEADING_ZEROS,
TI_CC), by the probabilistic matcher, or by a reviewer's decision."""

EVIDENCE_ROW = pl.Struct(
    {"registry": pl.String, "source_file": pl.String, "source_row": pl.Int64, "fact_date": pl.Date, "shows": pl.String,
     "counts": pl.Boolean}
)
"""One registry row behind a verdict: which registry, the file and row a verifier opens, the
date of the fact, what the row showed, and whether it counts toward the outcome."""
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
    match_method: str = pa.Field(isin=MATCH_METHODS, description="How the claim's document matched the operator's enrolment: EXACT, LEADING_ZEROS, TI_CC, PROBABILISTIC, REVIEWED, or NONE.")
    owner_operator: str = pa.Field(nullable=True, description="Operator that enrolled the person first in the programme, who owns the person's outcomes.")
    role: str = pa.Field(nullable=True, description="The subject's role on the owner's roster (DOCENTE, ESTUDIANTE) where the programme has roles.")
    enrolled_on: pl.Date = pa.Field(nullable=True, description="The owner's enrolment date (E): the rules' windows start here.")
    contract_id: str = pa.Field(nullable=True, description="Contract whose rules and prices apply.")
    status: str = pa.Field(isin=STATUSES, description="VERIFIED, PENDING, REJECTED, DUPLICATE or REVIEW (a probabilistic link waits for a reviewer; not paid).")
    reason: str = pa.Field(nullable=True, isin=REASONS, description="Why a claim is REJECTED, DUPLICATE or in REVIEW; empty otherwise.")
    duplicate_of: str = pa.Field(nullable=True, description="For a DUPLICATE, the claim_id of the first claim.")
    outcome_on: pl.Date = pa.Field(nullable=True, description="For a VERIFIED claim, the date of the registry fact that verified it (EMPLEO: the first day of the month that completed it).")
    evidence_from: pl.Date = pa.Field(nullable=True, description="First day of the window of facts the programme's rule looked at.")
    evidence_to: pl.Date = pa.Field(nullable=True, description="Last day of that window; a claim stays PENDING until the registry horizon reaches it.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="Registry rows (registry, file, row, fact date, what it showed, whether it counts) the verdict rests on.")
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
    contract_id: str = pa.Field(description="The owner's contract whose rules judged it, or `(default rules)`.")
    enrolment_month: str = pa.Field(description="Month of the owner's enrolment (E).")
    outcome_on: pl.Date = pa.Field(description="Date of the registry fact that shows the outcome.")
    outcome_month: str = pa.Field(description="Month of that date (EMPLEO: P, P+2 or P+5).")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="Registry rows that show the outcome.")

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
    in_registry: bool = pa.Field(description="Appears in the rows of some registry received up to the month.")
    match_methods: pl.List(pl.String) = pa.Field(description="How records were linked to this key: EXACT, LEADING_ZEROS, TI_CC.")

    class Config:
        strict = True
        ordered = True
