"""BILINGUISMO: teachers and students certified in English at B1 or above (CERTIFICACION_B1),
verified against the English exam results registry (`examenes_ingles`).

The rule, after the shared gates (E is the owner's enrolment date; every number is a contract
parameter):
- Entry tests are ENTRADA exams (any test) dated in [E − 3 months, E + 30 days]; the latest
  decides. None and E + 30 days has passed: REJECTED NO_ENTRY_TEST. The latest at or above
  the certified level: REJECTED NOT_ADDITIONAL (the person already had the level).
- Certification: the first SALIDA exam of an accepted test (APTIS_GENERAL, APTIS_DOCENTES)
  at or above B1 dated in [E, E + 12 months]: VERIFIED, on the exam's date. None and
  E + 12 months has passed: REJECTED NOT_CERTIFIED. Otherwise PENDING.
A window's end has passed in the run for M when it is on or before the registry's horizon
(the last day of M − 1). Facts already seen decide as soon as they are seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.spec import PERSON, Code, Codes, Facts, Programme, Registry, Whole, parameter
from pbr_pipeline.verify.evidence import evidence_rows, verdict
from schemas.codes import CEFR_LEVELS, ENGLISH_TESTS
from schemas.outcomes import NO_ENTRY_TEST, NOT_ADDITIONAL, NOT_CERTIFIED, PENDING, REJECTED, VERIFIED
from schemas.registries.examenes_ingles import EnglishExams

ENGLISH_EXAMS = Registry(
    table=InputTable(
        "english_exams", EnglishExams, inbox_folder="registros/examenes_ingles",
        raw_description="English exam results received this month (`inbox/<month>/registros/examenes_ingles/`), every cell as written.",
        description="Valid English exam results received this month: test, entry or exit, date, CEFR level.",
    ),
    correction_key=("test", "moment", "exam_date"),
    fact_date=lambda: pl.col("exam_date"),
    lag_months=1,
)

CERTIFICATION = "CERTIFICACION_B1"
ENTRY, EXIT = "ENTRADA", "SALIDA"


@dataclass(frozen=True)
class CertificationRules:
    """How a CERTIFICACION_B1 is verified against the exam registry."""

    entry_test_days_after_enrolment: int = parameter(
        30, Whole(0, 120, "days"), "Days after enrolment by which the entry test must have been taken.")
    entry_test_months_before_enrolment: int = parameter(
        3, Whole(0, 12, "months"), "Months before enrolment from which an entry test still counts.")
    certification_window_months: int = parameter(
        12, Whole(1, 36, "months"), "Months after enrolment within which the exit exam must certify the level.")
    accepted_exit_tests: tuple[str, ...] = parameter(
        ("APTIS_DOCENTES", "APTIS_GENERAL"), Codes(ENGLISH_TESTS), "Tests whose SALIDA result certifies.")
    certified_level: str = parameter("B1", Code(CEFR_LEVELS), "CEFR level to reach (and not to have at entry).")


def _rank(level: pl.Expr) -> pl.Expr:
    return level.replace_strict(CEFR_LEVELS, list(range(len(CEFR_LEVELS))), default=None, return_dtype=pl.Int32)


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the exam results the run sees (the module docstring's rule)."""
    horizon = facts.horizons[ENGLISH_EXAMS.name]
    enrolled = pl.col("enrolled_on")
    claims = facts.claims.with_columns(
        enrolled.dt.offset_by(pl.format("-{}mo", "entry_test_months_before_enrolment")).alias("entry_from"),
        (enrolled + pl.duration(days=pl.col("entry_test_days_after_enrolment"))).alias("entry_to"),
        enrolled.dt.offset_by(pl.format("{}mo", "certification_window_months")).alias("window_end"),
        _rank(pl.col("certified_level")).alias("target_rank"),
    )
    exams = facts.registries[ENGLISH_EXAMS.name].with_columns(_rank(pl.col("level")).alias("level_rank"))
    pairs = claims.select(
        "claim_id", "document", "enrolled_on", "entry_from", "entry_to", "window_end", "target_rank", "accepted_exit_tests"
    ).join(exams, on="document")
    is_entry = (pl.col("moment") == ENTRY) & pl.col("exam_date").is_between(pl.col("entry_from"), pl.col("entry_to"))
    certifies = (
        (pl.col("moment") == EXIT)
        & pl.col("accepted_exit_tests").list.contains(pl.col("test"))
        & (pl.col("level_rank") >= pl.col("target_rank"))
        & pl.col("exam_date").is_between(pl.col("enrolled_on"), pl.col("window_end"))
    )
    latest_entry = (
        pairs.filter(is_entry)
        .sort("claim_id", "exam_date", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .last()
        .select("claim_id", pl.col("level_rank").alias("entry_rank"))
    )
    first_certificate = pairs.filter(certifies).group_by("claim_id").agg(pl.col("exam_date").min().alias("certified_on"))
    frame = claims.join(latest_entry, on="claim_id", how="left").join(first_certificate, on="claim_id", how="left")

    entry_seen = pl.col("entry_rank").is_not_null()
    decided = (
        pl.when(~entry_seen & (pl.col("entry_to") <= horizon)).then(verdict(REJECTED, NO_ENTRY_TEST))
        .when(entry_seen & (pl.col("entry_rank") >= pl.col("target_rank"))).then(verdict(REJECTED, NOT_ADDITIONAL))
        .when(entry_seen & pl.col("certified_on").is_not_null()).then(verdict(VERIFIED, None))
        .when(pl.col("window_end") <= horizon).then(verdict(REJECTED, NOT_CERTIFIED))
        .otherwise(verdict(PENDING, None))
    )
    frame = frame.with_columns(decided.alias("verdict")).unnest("verdict")
    # The verdict rests on the entry tests of the entry window and the exit exams of the
    # certification window: every such row is shown, `counts` marks those that decided.
    rows = evidence_rows(
        frame.select("claim_id", "document", "entry_from", "entry_to", "window_end", "enrolled_on", "target_rank", "accepted_exit_tests"),
        exams,
        on=["document"],
        within=is_entry | ((pl.col("moment") == EXIT) & pl.col("exam_date").is_between(pl.col("enrolled_on"), pl.col("window_end"))),
        registry=ENGLISH_EXAMS.name,
        shows=pl.format("{} {} {}", "moment", "test", "level"),
        counts=pl.when(pl.col("moment") == ENTRY).then(pl.col("level_rank") < pl.col("target_rank")).otherwise(certifies),
        order=["exam_date", "moment", "test"],
    )
    return frame.join(rows, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") == VERIFIED).then(pl.col("certified_on")).alias("outcome_on"),
        pl.col("entry_from").alias("evidence_from"),
        pl.max_horizontal("entry_to", "window_end").alias("evidence_to"),
        "evidence_rows",
    )


BILINGUISMO = Programme(
    code="BILINGUISMO",
    outcomes=(CERTIFICATION,),
    subject=PERSON,
    registries=(ENGLISH_EXAMS,),
    rules=CertificationRules,
    evidence=evidence,
    description="Teachers and students certified in English at B1 or above after the course, with an entry test below it.",
)
