"""EMPRENDIMIENTO: a new business registered after enrolment and still alive six months on
(EMPRENDIMIENTO_CREADO), and the household's income per head up after it (AUMENTO_INGRESOS),
verified against the chamber of commerce's business registry (`registro_mercantil`) and the
household income measurements (`mediciones_ingreso`, `programmes/income.py`).

The rule, after the shared gates (E is the owner's enrolment date; every number is a contract
parameter):
- EMPRENDIMIENTO_CREADO is judged on the person's first matrícula registered in
  [E, E + 12 months]. None, and E + 12 months has passed: REJECTED NO_BUSINESS. It must
  survive to C = its registration date + 6 months: cancelled on or before C (CANCELADA with
  fecha_cancelacion ≤ C) is REJECTED NOT_ACTIVE, at once, even before C has passed. Once C has
  passed: if C is after 31 March of a year Y later than the registration's (every matrícula
  is renewed by 31 March, Código de Comercio art. 33), `ultimo_ano_renovado` must be Y or
  later, else REJECTED NOT_ACTIVE; otherwise VERIFIED, on C. Before C has passed: PENDING.
  The state, the cancellation and the renewed year are as the registry shows them in the run.
- AUMENTO_INGRESOS: the baseline is the latest measurement in [E − 3 months, E + 1 month];
  none, and E + 1 month has passed: REJECTED NO_BASELINE. The person's EMPRENDIMIENTO_CREADO,
  judged here from the registry whether or not it was claimed, must be VERIFIED: REJECTED
  (for any reason) is REJECTED NO_BUSINESS. The first measurement in [E + 6 months,
  E + 18 months] whose income per head is at least 20% above the baseline's (in whole pesos,
  by multiplying: income × baseline people × 100 ≥ baseline income × people × 120; a baseline
  of 0 is risen from by any income above 0) makes it VERIFIED, on that measurement's date,
  once the business is VERIFIED. None, and E + 18 months has passed: REJECTED NO_INCOME_RISE.
  Otherwise PENDING. The reasons apply in this order.
A window's end has passed in the run for M when it is on or before the registry's horizon
(the last day of M − 1 for both registries). Facts already seen decide as soon as they are
seen; the claim's date does not limit the evidence.

A registry row's fact date is its `fecha_matricula`: the registration is the fact, complete
once the horizon reaches its date. Its state, renewal and cancellation are what the registry
says of it in the latest delivery, and a delivery that changes them (a cancellation, a
renewal) replaces the row from the month it arrives in, whatever their own dates: a
cancellation dated after the horizon is seen at once, so it cannot hide the registration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.income import (
    IN_BASELINE, IN_FOLLOW_UP, INCOME_MEASUREMENTS, IncomeWindowRules, baselines, first_follow_up, income_shows,
    measurements_of, with_windows,
)
from pbr_pipeline.programmes.spec import PERSON, Facts, Programme, Registry, Whole, parameter
from pbr_pipeline.verify.evidence import evidence_rows, verdict
from schemas.codes import CANCELLED_REGISTRATION
from schemas.outcomes import NO_BASELINE, NO_BUSINESS, NO_INCOME_RISE, NOT_ACTIVE, PENDING, REJECTED, VERIFIED
from schemas.registries.registro_mercantil import BusinessRegistry

BUSINESS_REGISTRY = Registry(
    table=InputTable(
        "business_registry", BusinessRegistry, inbox_folder="registros/registro_mercantil",
        raw_description="Chamber of commerce business registry extracts received this month (`inbox/<month>/registros/registro_mercantil/`), every cell as written.",
        description="Valid matrículas mercantiles received this month: number, registration date, ACTIVA or CANCELADA, last renewed year, cancellation date, CIIU class.",
    ),
    correction_key=("registration_number",),
    # The registration is the fact; its later state travels with the row (module docstring).
    fact_date=lambda: pl.col("registered_on"),
    lag_months=1,
)

BUSINESS_CREATED = "EMPRENDIMIENTO_CREADO"
INCOME_RISE = "AUMENTO_INGRESOS"

RENEWAL_DEADLINE_MONTH, RENEWAL_DEADLINE_DAY = 3, 31
"""A matrícula is renewed for year Y by 31 March of Y (Código de Comercio art. 33): the law,
not a contract, sets it."""


@dataclass(frozen=True)
class EntrepreneurshipRules(IncomeWindowRules):
    """How the EMPRENDIMIENTO outcomes are verified: the income windows, the registration
    window, how long the business must last and how much the income must rise."""

    registration_window_months: int = parameter(
        12, Whole(1, 36, "months"), "Months after enrolment within which the first matrícula must be registered.")
    survival_months: int = parameter(
        6, Whole(1, 36, "months"), "Months after its registration the business must still be active (and renewed) on.")
    income_rise_percent: int = parameter(
        20, Whole(1, 500, "percent"), "How much higher than the baseline's the follow-up's income per head must be.")


# --- EMPRENDIMIENTO_CREADO, for every claim of the programme ---------------------------------

IN_REGISTRATION_WINDOW = pl.col("registered_on").is_between(pl.col("enrolled_on"), pl.col("registration_window_end"))
IS_JUDGED = (pl.col("source_file") == pl.col("judged_file")) & (pl.col("source_row") == pl.col("judged_row"))
"""The registry row is the first matrícula of the window, the one the business is judged on."""


def _renewal_year(survives_to: pl.Expr) -> pl.Expr:
    """The latest year whose renewal deadline (31 March) is before `survives_to`."""
    year = survives_to.dt.year()
    deadline = pl.date(year, RENEWAL_DEADLINE_MONTH, RENEWAL_DEADLINE_DAY)
    return pl.when(survives_to > deadline).then(year).otherwise(year - 1)


def business_verdicts(claims: pl.DataFrame, registrations: pl.DataFrame, horizon: dt.date) -> pl.DataFrame:
    """Per claim, the person's EMPRENDIMIENTO_CREADO verdict (the module docstring's rule):
    claim_id, business_status, business_reason, survives_to (C), renewal_year (the year that
    must be renewed by C, null when none) and the judged row (`judged_file`, `judged_row`)."""
    first = (
        claims.select("claim_id", "document", "enrolled_on", "registration_window_end")
        .join(registrations, on="document")
        .filter(IN_REGISTRATION_WINDOW)
        .sort("claim_id", "registered_on", "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .first()
        .select("claim_id", "registered_on", "registration_status", "cancelled_on", "last_renewed_year",
                pl.col("source_file").alias("judged_file"), pl.col("source_row").alias("judged_row"))
    )
    frame = claims.select("claim_id", "registration_window_end", "survival_months").join(first, on="claim_id", how="left")
    survives_to = pl.col("registered_on").dt.offset_by(pl.format("{}mo", "survival_months"))
    frame = frame.with_columns(survives_to.alias("survives_to")).with_columns(
        # A renewal is owed only for a year after the registration's: registering is that year's.
        pl.when(_renewal_year(pl.col("survives_to")) > pl.col("registered_on").dt.year())
        .then(_renewal_year(pl.col("survives_to"))).alias("renewal_year"),
    )
    seen = pl.col("judged_file").is_not_null()
    cancelled_by_then = (pl.col("registration_status") == CANCELLED_REGISTRATION) & (pl.col("cancelled_on") <= pl.col("survives_to"))
    not_renewed = pl.col("renewal_year").is_not_null() & ~(pl.col("last_renewed_year") >= pl.col("renewal_year")).fill_null(False)
    decided = (
        pl.when(~seen & (pl.col("registration_window_end") <= horizon)).then(verdict(REJECTED, NO_BUSINESS))
        .when(~seen).then(verdict(PENDING, None))
        .when(cancelled_by_then).then(verdict(REJECTED, NOT_ACTIVE))
        .when(pl.col("survives_to") > horizon).then(verdict(PENDING, None))
        .when(not_renewed).then(verdict(REJECTED, NOT_ACTIVE))
        .otherwise(verdict(VERIFIED, None))
    )
    return (
        frame.with_columns(decided.alias("verdict")).unnest("verdict")
        .rename({"status": "business_status", "reason": "business_reason"})
        .select("claim_id", "business_status", "business_reason", "survives_to", "renewal_year", "judged_file", "judged_row")
    )


def registration_shows() -> pl.Expr:
    """What a matrícula row showed, in words: its number, state and renewal, and for the judged
    one what it must last to. Never the business's name (personal data)."""
    state = (
        pl.when(pl.col("registration_status") == CANCELLED_REGISTRATION)
        .then(pl.format("{} on {}", "registration_status", "cancelled_on"))
        .otherwise(pl.col("registration_status"))
    )
    renewal = (
        pl.when(pl.col("last_renewed_year").is_null()).then(pl.lit("not renewed since registered"))
        .otherwise(pl.format("renewed for {}", "last_renewed_year"))
    )
    judged = (
        pl.when(~IS_JUDGED).then(pl.lit(" · a later matrícula of the window"))
        .when(pl.col("renewal_year").is_null()).then(pl.format(" · the first of the window: must last to {}", "survives_to"))
        .otherwise(pl.format(" · the first of the window: must last to {}, renewed for {}", "survives_to", "renewal_year"))
    )
    return pl.format("matrícula {} · {} · {}{}", "registration_number", state, renewal, judged)


def registration_evidence(frame: pl.DataFrame, registrations: pl.DataFrame) -> pl.DataFrame:
    """Per claim, every matrícula of the registration window as evidence rows; the judged one
    counts unless it is what rejected the business."""
    return evidence_rows(
        frame.select("claim_id", "document", "enrolled_on", "registration_window_end", "business_status",
                     "survives_to", "renewal_year", "judged_file", "judged_row"),
        registrations,
        on=["document"],
        within=IN_REGISTRATION_WINDOW,
        registry=BUSINESS_REGISTRY.name,
        shows=registration_shows(),
        counts=IS_JUDGED & (pl.col("business_status") != REJECTED),
        order=["registered_on"],
    )


# --- AUMENTO_INGRESOS -------------------------------------------------------------------------


def rises(percent: str) -> pl.Expr:
    """A measurement's income per head is at least `percent`% above the baseline's, in whole
    pesos by multiplying (income × baseline people × 100 ≥ baseline income × people ×
    (100 + percent)); from a baseline of 0 any income above 0 rises."""
    follow_up = pl.col("household_income") * pl.col("baseline_size") * 100
    needed = pl.col("baseline_income") * pl.col("household_size") * (100 + pl.col(percent))
    return (follow_up >= needed) & (pl.col("household_income") > 0)


def income_evidence(rises_found: pl.DataFrame, compared: pl.DataFrame) -> pl.DataFrame:
    """Per claim, every measurement of the baseline and follow-up windows as evidence rows, the
    follow-ups with whether they rose enough; the baseline and the first rise count.
    `compared` holds each claim's measurements with its baseline; `rises_found` each claim's
    first rise (`rise_file`, `rise_row`)."""
    is_baseline = (pl.col("source_file") == pl.col("baseline_file")) & (pl.col("source_row") == pl.col("baseline_row"))
    is_rise = (pl.col("source_file") == pl.col("rise_file")) & (pl.col("source_row") == pl.col("rise_row"))
    against_baseline = (
        pl.when(pl.col("baseline_income").is_null()).then(pl.lit("no baseline to compare with"))
        .when(rises("income_rise_percent")).then(pl.format("at least {}% above the baseline per head", "income_rise_percent"))
        .otherwise(pl.format("less than {}% above the baseline per head", "income_rise_percent"))
    )
    return evidence_rows(
        rises_found.select("claim_id", "rise_file", "rise_row"),
        compared.drop("document"),
        on=["claim_id"],
        within=IN_BASELINE | IN_FOLLOW_UP,
        registry=INCOME_MEASUREMENTS.name,
        shows=pl.when(IN_BASELINE).then(pl.format("baseline window · {}", income_shows()))
        .otherwise(pl.format("follow-up window · {} · {}", income_shows(), against_baseline)),
        counts=pl.when(IN_BASELINE).then(is_baseline).otherwise(is_rise),
        order=["measured_on"],
    )


def evidence(facts: Facts) -> pl.DataFrame:
    """Each claim's verdict on the matrículas and income measurements the run sees (the module
    docstring's rule)."""
    business_horizon = facts.horizons[BUSINESS_REGISTRY.name]
    income_horizon = facts.horizons[INCOME_MEASUREMENTS.name]
    registrations = facts.registries[BUSINESS_REGISTRY.name]
    claims = with_windows(facts.claims).with_columns(
        pl.col("enrolled_on").dt.offset_by(pl.format("{}mo", "registration_window_months")).alias("registration_window_end"),
    )
    business = business_verdicts(claims, registrations, business_horizon)

    measured = measurements_of(claims, facts.registries[INCOME_MEASUREMENTS.name], "income_rise_percent")
    baseline = baselines(measured)
    compared = measured.join(baseline, on="claim_id", how="left")
    first_rise = first_follow_up(compared, rises("income_rise_percent").fill_null(False), "rise")
    frame = (
        claims.join(business, on="claim_id", how="left")
        .join(baseline, on="claim_id", how="left")
        .join(first_rise, on="claim_id", how="left")
    )
    income = (
        pl.when(pl.col("baseline_on").is_null() & (pl.col("baseline_to") <= income_horizon)).then(verdict(REJECTED, NO_BASELINE))
        .when(pl.col("business_status") == REJECTED).then(verdict(REJECTED, NO_BUSINESS))
        .when(pl.col("rise_on").is_not_null() & (pl.col("business_status") == VERIFIED)).then(verdict(VERIFIED, None))
        .when(pl.col("rise_on").is_null() & (pl.col("follow_up_to") <= income_horizon)).then(verdict(REJECTED, NO_INCOME_RISE))
        .otherwise(verdict(PENDING, None))
    )
    created = pl.struct(status=pl.col("business_status"), reason=pl.col("business_reason"))
    is_rise_claim = pl.col("outcome") == INCOME_RISE
    frame = frame.with_columns(pl.when(is_rise_claim).then(income).otherwise(created).alias("verdict")).unnest("verdict")

    shown = registration_evidence(frame, registrations).join(
        income_evidence(frame, compared), on="claim_id", suffix="_income",
    )
    return frame.join(shown, on="claim_id", how="left").select(
        "claim_id", "status", "reason",
        pl.when(pl.col("status") != VERIFIED).then(None).when(is_rise_claim).then(pl.col("rise_on"))
        .otherwise(pl.col("survives_to")).alias("outcome_on"),
        pl.when(is_rise_claim).then(pl.col("baseline_from")).otherwise(pl.col("enrolled_on")).alias("evidence_from"),
        pl.when(is_rise_claim).then(pl.max_horizontal("follow_up_to", "registration_window_end", "survives_to"))
        .otherwise(pl.max_horizontal("registration_window_end", "survives_to")).alias("evidence_to"),
        # A business claim rests on the matrículas; an income claim on them and the measurements.
        pl.when(is_rise_claim).then(pl.concat_list("evidence_rows", "evidence_rows_income"))
        .otherwise(pl.col("evidence_rows")).alias("evidence_rows"),
    )


EMPRENDIMIENTO = Programme(
    code="EMPRENDIMIENTO",
    outcomes=(BUSINESS_CREATED, INCOME_RISE),
    subject=PERSON,
    registries=(BUSINESS_REGISTRY, INCOME_MEASUREMENTS),
    rules=EntrepreneurshipRules,
    evidence=evidence,
    description="New businesses registered with the chamber of commerce within a year of enrolment and alive six months on, "
                "and their owners' household income per head up by a fifth.",
)
