"""The input tables the pipeline reads: operator submissions, review decisions, reference
tables, and every registry a programme declares (pbr_pipeline.programmes)."""

from __future__ import annotations

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes import REGISTRIES
from schemas.claims import OutcomeClaims
from schemas.enrolments import EnrolmentRoster
from schemas.reference import MinimumWages, PlanTargets, PovertyLines
from schemas.reviews import ReviewDecisions

ENROLMENTS = InputTable(
    "enrolments", EnrolmentRoster, inbox_folder="inscripciones",
    raw_description="Enrolment rosters operators sent this month (`inbox/<month>/inscripciones/`), every cell as written.",
    description="Valid enrolment rows of the month: typed, English column names, provenance kept.",
)
CLAIMS = InputTable(
    "claims", OutcomeClaims, inbox_folder="reportes",
    raw_description="Outcome claims operators sent this month (`inbox/<month>/reportes/`), every cell as written.",
    description="Valid outcome claims of the month: typed, English column names, provenance kept.",
)
MINIMUM_WAGES = InputTable(
    "minimum_wages", MinimumWages, reference_name="smmlv",
    raw_description="The minimum-wage table (`reference/smmlv.*`) as it stood when the month was run.",
    description="Minimum monthly wage (SMMLV) per year, whole COP, as in force for the month's run.",
)
POVERTY_LINES = InputTable(
    "poverty_lines", PovertyLines, reference_name="lineas_pobreza",
    raw_description="The poverty-line table (`reference/lineas_pobreza.*`) as it stood when the month was run.",
    description="DANE poverty lines per year and domain, whole COP, as in force for the month's run.",
)
PLAN_TARGETS = InputTable(
    "plan_targets", PlanTargets, reference_name="metas_plan",
    raw_description="The Development Plan's targets (`reference/metas_plan.*`) as they stood when the month was run.",
    description="Plan targets per programme, outcome and group: subjects aimed for and the period, as in force for the month's run.",
)
REVIEWS = InputTable(
    "reviews", ReviewDecisions, inbox_folder="revisiones",
    raw_description="Review decisions the city's reviewers sent this month (`inbox/<month>/revisiones/`), every cell as written.",
    description="Valid review decisions received this month: case id, ACCEPT or REJECT, reviewer, date, note.",
)
REGISTRY_TABLES: tuple[InputTable, ...] = tuple(registry.table for registry in REGISTRIES)

INPUT_TABLES: tuple[InputTable, ...] = (ENROLMENTS, CLAIMS, *REGISTRY_TABLES, MINIMUM_WAGES, POVERTY_LINES, PLAN_TARGETS, REVIEWS)
MONTHLY_TABLES: tuple[InputTable, ...] = tuple(table for table in INPUT_TABLES if table.inbox_folder)
"""Tables whose files arrive in the inbox month by month (the as-of state reads them all)."""
