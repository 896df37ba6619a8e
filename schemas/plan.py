"""Progress against the Development Plan's targets: the table the city and analysts read."""

from __future__ import annotations

import pandera.polars as pa

SOURCES = ("CLAIMED", "UNCLAIMED")


class PlanProgress(pa.DataFrameModel):
    """Per Plan target, as of the month: subjects whose outcome is verified, each counted once."""

    programme: str = pa.Field(description="Programme code.")
    outcome: str = pa.Field(description="Outcome code the target counts.")
    group: str = pa.Field(nullable=True, description="Empty (everyone), a role (DOCENTE, ESTUDIANTE), MUJER (sex F on the owner's roster) or a population group.")
    target: int = pa.Field(gt=0, description="Subjects the Plan aims for over the period (reference/metas_plan).")
    period_from: str = pa.Field(str_matches=r"^\d{4}-\d{2}$", description="First month of the target's period.")
    period_to: str = pa.Field(str_matches=r"^\d{4}-\d{2}$", description="Last month of the target's period.")
    verified_to_date: int = pa.Field(ge=0, description="Subjects with the outcome verified as of the month and dated in the period, each once: claimed + unclaimed.")
    claimed: int = pa.Field(ge=0, description="Of those, subjects with a VERIFIED claim of the outcome.")
    unclaimed: int = pa.Field(ge=0, description="Of those, subjects whose outcome the registries show and no operator claimed (outcomes_unclaimed).")
    month_increment: int = pa.Field(description="verified_to_date minus the month before's (negative when a registry correction took outcomes back).")
    share_of_target: float = pa.Field(ge=0, description="verified_to_date / target.")
    expected_to_date: int = pa.Field(ge=0, description="The straight line from 0 at the start of the period to the target at its end, at this month (months elapsed / months in the period, rounded half up).")
    gap_to_expected: int = pa.Field(description="expected_to_date − verified_to_date: positive is behind the line.")

    class Config:
        strict = True
        ordered = True
