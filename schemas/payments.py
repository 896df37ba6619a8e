"""What the city owes: payable outcomes as of a month, the payments and adjustments of the
month, and their summary. Money is whole pesos (Int64) everywhere.

Amounts are computed once, in `pbr_pipeline.money.pricing`: premium = round half up of
price × percent / 100; the cap then reduces the gross amount (price + premium).
"""

from __future__ import annotations

import pandera.polars as pa

from schemas.outcomes import EVIDENCE_ROWS

NO_CAP = "NONE"
BUDGET_PARTIAL = "BUDGET_PARTIAL"
BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED"
COUNT_CAP = "COUNT_CAP"
CAP_EFFECTS = (NO_CAP, BUDGET_PARTIAL, BUDGET_EXHAUSTED, COUNT_CAP)

WITHDRAWN = "WITHDRAWN"
REINSTATED = "REINSTATED"
AMOUNT_CHANGED = "AMOUNT_CHANGED"
ADJUSTMENT_REASONS = (WITHDRAWN, REINSTATED, AMOUNT_CHANGED)

_KEY = r"^[0-9a-f]{16}$"


class _Milestone(pa.DataFrameModel):
    """The columns that say which milestone of whom, under which contract and claim."""

    milestone_id: str = pa.Field(str_matches=_KEY, description="Hash of person_key, programme and outcome: one milestone of one person, ever.")
    contract_id: str = pa.Field(description="Contract that prices it.")
    contract_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the contract file that priced it (contracts table: source_sha256).")
    operator: str = pa.Field(description="Operator paid.")
    programme: str = pa.Field(description="Programme code.")
    outcome: str = pa.Field(description="Milestone (outcome code).")
    role: str = pa.Field(nullable=True, description="The subject's roster role (DOCENTE, ESTUDIANTE) where the programme has roles.")
    person_key: str = pa.Field(str_matches=r"^[0-9a-f]{32}$", description="Pseudonymous subject key.")
    claim_id: str = pa.Field(str_matches=_KEY, description="The verified claim it pays (see claims_verified).")
    claim_source_file: str = pa.Field(description="Claims file of that claim.")
    claim_source_row: int = pa.Field(ge=1, description="Row of that claim in its file.")


class PayableOutcomes(_Milestone):
    """Every verified milestone as of the month, priced and passed through the caps in a fixed
    order (verified_since, then claim_id). Held-back milestones stay here with amount 0."""

    verified_since: str = pa.Field(description="First run month of the claim's current VERIFIED streak.")
    cap_order: int = pa.Field(ge=1, description="Position in the contract's cap order.")
    base_price_cop: int = pa.Field(gt=0, description="Contract price of the milestone.")
    premium_percent: int = pa.Field(ge=0, description="Percent added for the person's groups (contract's stacking rule; stacked percents may pass 100).")
    premium_groups: str = pa.Field(nullable=True, description="Groups that earned the premium, `|`-separated.")
    premium_cop: int = pa.Field(ge=0, description="round_half_up(base × percent / 100).")
    gross_cop: int = pa.Field(gt=0, description="base_price_cop + premium_cop.")
    cap_effect: str = pa.Field(isin=CAP_EFFECTS, description="NONE, BUDGET_PARTIAL, BUDGET_EXHAUSTED or COUNT_CAP.")
    cap_reduction_cop: int = pa.Field(ge=0, description="gross_cop − amount_cop.")
    amount_cop: int = pa.Field(ge=0, description="What the city owes for this milestone as of the month.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="Registry rows behind the verdict.")

    class Config:
        strict = True
        ordered = True


class Payments(_Milestone):
    """Milestones payable for the first time this month: each milestone appears here once, ever."""

    payment_id: str = pa.Field(unique=True, str_matches=_KEY, description="Stable id of the payment.")
    month_verified: str = pa.Field(description="Run month from which the claim has been VERIFIED.")
    base_price_cop: int = pa.Field(gt=0, description="Contract price of the milestone.")
    premium_percent: int = pa.Field(ge=0, description="Premium percent applied.")
    premium_cop: int = pa.Field(ge=0, description="Premium in pesos.")
    cap_effect: str = pa.Field(isin=CAP_EFFECTS, description="Effect of the contract's caps.")
    cap_reduction_cop: int = pa.Field(ge=0, description="Pesos the cap took off.")
    amount_cop: int = pa.Field(ge=0, description="Amount paid, whole pesos.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="Registry rows that prove the outcome.")

    class Config:
        strict = True
        ordered = True


class Adjustments(_Milestone):
    """Changes this month to milestones paid before: a correction is an adjustment, not an edit."""

    adjustment_id: str = pa.Field(unique=True, str_matches=_KEY, description="Stable id of the adjustment.")
    payment_id: str = pa.Field(str_matches=_KEY, description="The original payment of the milestone.")
    reason: str = pa.Field(isin=ADJUSTMENT_REASONS, description="WITHDRAWN (no longer payable), REINSTATED, or AMOUNT_CHANGED.")
    previous_amount_cop: int = pa.Field(ge=0, description="What the ledger had paid for the milestone before this month.")
    new_amount_cop: int = pa.Field(ge=0, description="Amount payable as of this month.")
    amount_cop: int = pa.Field(description="new − previous: negative is money the operator returns.")
    evidence_rows: EVIDENCE_ROWS = pa.Field(description="Registry rows behind the verdict as of this month (empty when withdrawn).")

    class Config:
        strict = True
        ordered = True


class PaymentSummary(pa.DataFrameModel):
    """Per operator, programme, contract and role: what the month paid and adjusted, and the state to date."""

    operator: str = pa.Field(description="Operator.")
    programme: str = pa.Field(description="Programme code.")
    contract_id: str = pa.Field(nullable=True, description="Contract (empty for claims no contract covers).")
    role: str = pa.Field(nullable=True, description="Roster role (DOCENTE, ESTUDIANTE) where the programme has roles; teachers and students are counted apart.")
    claims_verified: int = pa.Field(ge=0, description="Claims VERIFIED as of the month.")
    claims_pending: int = pa.Field(ge=0, description="Claims PENDING as of the month.")
    claims_rejected: int = pa.Field(ge=0, description="Claims REJECTED or DUPLICATE as of the month.")
    claims_in_review: int = pa.Field(ge=0, description="Claims whose person link waits for a reviewer (not paid).")
    payments: int = pa.Field(ge=0, description="Payments made this month.")
    paid_cop: int = pa.Field(ge=0, description="Sum of this month's payments.")
    adjustments: int = pa.Field(ge=0, description="Adjustments made this month.")
    adjusted_cop: int = pa.Field(description="Sum of this month's adjustments (negative: returned).")
    net_cop: int = pa.Field(description="paid_cop + adjusted_cop.")
    payable_to_date_cop: int = pa.Field(ge=0, description="Everything payable as of the month (= all payments + adjustments to date).")
    held_back: int = pa.Field(ge=0, description="Verified milestones held back by a cap as of the month.")
    held_back_cop: int = pa.Field(ge=0, description="Pesos held back by caps as of the month.")
    budget_cop: int = pa.Field(nullable=True, description="Contract budget.")

    class Config:
        strict = True
        ordered = True
