"""SALUD_TRANSMISIBLES: people newly diagnosed with a communicable disease who start and keep
their treatment (CASO_ADHERENTE), verified against the health services registry (RIPS,
`programmes/rips.py`).

The rule, after the shared gates (E is the owner's enrolment date; every number is a contract
parameter). A row is of a condition group when its main diagnosis is in one of the group's
CIE-10 categories (HIV: B20–B24 and Z21; TB: A15–A19).
- Diagnosis D: the first CONSULTA or PROCEDIMIENTO of a group dated in [E − 30 days,
  E + 12 months]; the first diagnosis of any group decides the group, and rows of other
  groups are not read. None, and E + 12 months has passed: REJECTED NO_DIAGNOSIS.
- A new case only: any row of D's group (any kind of service) dated in [D − 12 months, D):
  REJECTED NOT_NEW_CASE.
- Treatment start T: the first MEDICAMENTO of D's group dated in [D, D + 30 days]. None, and
  D + 30 days has passed: REJECTED NO_TREATMENT.
- Adherence: the treatment days of the group's MEDICAMENTO rows dated in [T, T + 6 months)
  add up to at least 80% of the days of that span, rounded up to a whole day (80% of 181
  days is 145): VERIFIED, on the date of the dispensation that reached it. Fewer, and the
  span's last day has passed: REJECTED NOT_ADHERENT. Otherwise PENDING.
A window's end has passed in the run for M when it is on or before the registry's horizon
(RIPS: the last day of M − 2). Facts already seen decide as soon as they are seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.programmes.rips import CIE10_ITEMS, RIPS, cie10_item, code_table, rips_evidence, services
from pbr_pipeline.programmes.spec import PERSON, CodeGroups, CodeList, Codes, Facts, Programme, Whole, parameter
from pbr_pipeline.verify.evidence import verdict
from schemas.outcomes import NO_DIAGNOSIS, NO_TREATMENT, NOT_ADHERENT, NOT_NEW_CASE, PENDING, REJECTED, VERIFIED
from schemas.registries.rips import CONSULTA, MEDICAMENTO, PROCEDIMIENTO, SERVICE_KINDS

ADHERENT_CASE = "CASO_ADHERENTE"


@dataclass(frozen=True)
class AdherenceRules:
    """How a CASO_ADHERENTE is verified against RIPS."""

    condition_groups: tuple[str, ...] = parameter(
        ("HIV:B20-B24", "HIV:Z21", "TB:A15-A19"),
        CodeGroups(CodeList(cie10_item, CIE10_ITEMS, "[B20-B24, Z21]"), "{HIV: [B20-B24, Z21], TB: [A15-A19]}"),
        "Condition groups and the CIE-10 categories of the main diagnosis that put a row in each; "
        "written in a contract as a mapping, kept as GROUP:ITEM texts.")
    diagnosis_days_before_enrolment: int = parameter(
        30, Whole(0, 365, "days"), "Days before enrolment from which a diagnosis still counts.")
    diagnosis_window_months: int = parameter(
        12, Whole(1, 36, "months"), "Months after enrolment within which the diagnosis must be made.")
    diagnosis_service_kinds: tuple[str, ...] = parameter(
        (CONSULTA, PROCEDIMIENTO), Codes(SERVICE_KINDS), "RIPS service kinds that can make the diagnosis.")
    new_case_lookback_months: int = parameter(
        12, Whole(0, 60, "months"), "Months before the diagnosis in which any row of its group means an old case.")
    treatment_start_days: int = parameter(
        30, Whole(0, 365, "days"), "Days after the diagnosis by which the first dispensation must be made.")
    adherence_months: int = parameter(
        6, Whole(1, 24, "months"), "Months from the treatment start over which adherence is measured.")
    adherence_share_percent: int = parameter(
        80, Whole(1, 100, "percent"), "Share of the days of that span the dispensed treatment days must cover.")


def _first(rows: pl.DataFrame, *columns: pl.Expr) -> pl.DataFrame:
    """Per claim, the first row of `rows` by date, file and row."""
    return rows.sort("claim_id", "service_date", "source_file", "source_row").group_by("claim_id", maintain_order=True).first().select(
        "claim_id", *columns)


def _judged(facts: Facts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each claim's verdict (EVIDENCE_COLUMNS but the evidence rows), and the RIPS rows it
    shows: claim_id, the row's columns, `shows` and `counts`."""
    horizon = facts.horizons[RIPS.name]
    enrolled = pl.col("enrolled_on")
    claims = facts.claims.with_columns(
        (enrolled - pl.duration(days=pl.col("diagnosis_days_before_enrolment"))).alias("diagnosis_from"),
        enrolled.dt.offset_by(pl.format("{}mo", "diagnosis_window_months")).alias("diagnosis_to"),
    )
    # Every row of some condition group, for each claim of its person.
    grouped = (
        claims.select("claim_id", "document", "diagnosis_service_kinds")
        .join(services(facts), on="document")
        .join(code_table(claims, "condition_groups", grouped=True), left_on=["claim_id", "category"],
              right_on=["claim_id", "code"])
    )
    date = pl.col("service_date")
    diagnosis = _first(
        grouped.join(claims.select("claim_id", "diagnosis_from", "diagnosis_to"), on="claim_id").filter(
            pl.col("diagnosis_service_kinds").list.contains(pl.col("service_kind"))
            & date.is_between(pl.col("diagnosis_from"), pl.col("diagnosis_to"))),
        "group", date.alias("diagnosed_on"), pl.col("source_file").alias("diagnosis_file"), pl.col("source_row").alias("diagnosis_row"),
    )
    frame = claims.join(diagnosis, on="claim_id", how="left").with_columns(
        pl.col("diagnosed_on").dt.offset_by(pl.format("-{}mo", "new_case_lookback_months")).alias("lookback_from"),
        (pl.col("diagnosed_on") + pl.duration(days=pl.col("treatment_start_days"))).alias("treatment_by"),
    )
    # Only rows of the diagnosis's group are read from here on.
    of_group = grouped.join(
        frame.select("claim_id", "group", "diagnosed_on", "diagnosis_file", "diagnosis_row", "lookback_from", "treatment_by"),
        on=["claim_id", "group"],
    )
    earlier = of_group.filter(date.is_between(pl.col("lookback_from"), pl.col("diagnosed_on"), closed="left"))
    dispensed = of_group.filter(pl.col("service_kind") == MEDICAMENTO)
    start = _first(dispensed.filter(date.is_between(pl.col("diagnosed_on"), pl.col("treatment_by"))), date.alias("treated_on"),
                   pl.col("source_file").alias("start_file"), pl.col("source_row").alias("start_row"))
    frame = frame.join(start, on="claim_id", how="left").with_columns(
        pl.col("treated_on").dt.offset_by(pl.format("{}mo", "adherence_months")).alias("span_end"),
    ).with_columns(
        (pl.col("span_end") - pl.duration(days=1)).alias("span_last"),
        # Whole days needed: the share of the span's days, rounded up.
        (((pl.col("span_end") - pl.col("treated_on")).dt.total_days() * pl.col("adherence_share_percent") + 99) // 100)
        .alias("days_needed"),
    )
    span = (
        dispensed.join(frame.select("claim_id", "treated_on", "start_file", "start_row", "span_end", "days_needed"), on="claim_id")
        .filter(date.is_between(pl.col("treated_on"), pl.col("span_end"), closed="left"))
        .sort("claim_id", "service_date", "source_file", "source_row")
        .with_columns(pl.col("treatment_days").fill_null(0).cum_sum().over("claim_id").alias("days_so_far"))
    )
    adherent = (
        span.filter(pl.col("days_so_far") >= pl.col("days_needed"))
        .group_by("claim_id").agg(pl.col("service_date").min().alias("adherent_on"))
    )
    old_case = earlier.select("claim_id").unique().with_columns(pl.lit(True).alias("old_case"))
    frame = frame.join(adherent, on="claim_id", how="left").join(old_case, on="claim_id", how="left").with_columns(
        pl.col("old_case").fill_null(False))

    diagnosed, treated = pl.col("diagnosed_on").is_not_null(), pl.col("treated_on").is_not_null()
    decided = (
        pl.when(~diagnosed & (pl.col("diagnosis_to") <= horizon)).then(verdict(REJECTED, NO_DIAGNOSIS))
        .when(~diagnosed).then(verdict(PENDING, None))
        .when(pl.col("old_case")).then(verdict(REJECTED, NOT_NEW_CASE))
        .when(~treated & (pl.col("treatment_by") <= horizon)).then(verdict(REJECTED, NO_TREATMENT))
        .when(~treated).then(verdict(PENDING, None))
        .when(pl.col("adherent_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(pl.col("span_last") <= horizon).then(verdict(REJECTED, NOT_ADHERENT))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict")
    verdicts = frame.select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("adherent_on")).alias("outcome_on"),
        pl.min_horizontal("diagnosis_from", "lookback_from").alias("evidence_from"),
        # The last day the verdict looked at, or waits for.
        pl.when(~diagnosed).then(pl.col("diagnosis_to"))
        .when(pl.col("old_case")).then(pl.col("diagnosed_on"))
        .when(~treated).then(pl.col("treatment_by"))
        .otherwise(pl.col("span_last")).alias("evidence_to"),
    )
    # Shown: the diagnosis, the earlier rows of its group, and (for a new case) the span's
    # dispensations; those up to the one that reached the share count.
    is_diagnosis = (pl.col("source_file") == pl.col("diagnosis_file")) & (pl.col("source_row") == pl.col("diagnosis_row"))
    new_case = frame.filter(~pl.col("old_case")).select("claim_id")
    shown = pl.concat([
        of_group.filter(is_diagnosis).join(frame.select("claim_id", "old_case"), on="claim_id").with_columns(
            pl.format("diagnosis · {}", "service_kind").alias("shows"), (~pl.col("old_case")).alias("counts")),
        earlier.with_columns(
            pl.format("earlier service of the condition group · {}", "service_kind").alias("shows"), pl.lit(False).alias("counts")),
        span.join(new_case, on="claim_id").with_columns(
            pl.when((pl.col("source_file") == pl.col("start_file")) & (pl.col("source_row") == pl.col("start_row")))
            .then(pl.format("treatment start · dispensation {} days", pl.col("treatment_days").fill_null(0)))
            .otherwise(pl.format("dispensation {} days", pl.col("treatment_days").fill_null(0))).alias("shows"),
            (pl.col("days_so_far") - pl.col("treatment_days").fill_null(0) < pl.col("days_needed")).alias("counts")),
    ], how="diagonal_relaxed")
    return verdicts, shown


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the RIPS rows the run sees (the module docstring's rule)."""
    return rips_evidence(*_judged(facts))


SALUD_TRANSMISIBLES = Programme(
    code="SALUD_TRANSMISIBLES",
    outcomes=(ADHERENT_CASE,),
    subject=PERSON,
    registries=(RIPS,),
    rules=AdherenceRules,
    evidence=evidence,
    description="People newly diagnosed with HIV or tuberculosis who start treatment within 30 days and keep at least "
                "80% of it for six months.",
)
