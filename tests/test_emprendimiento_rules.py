"""Every EMPRENDIMIENTO rule on hand-built cases (real files, real Parquet, the real engine),
and the business registry's validation rules.

A person enrolled by OP-041 on 2025-01-15 (E). The first matrícula counts when registered in
[E, E + 12 months] = [2025-01-15, 2026-01-15] and must last to C = its date + 6 months. The
income baseline is the latest measurement in [2024-10-15, 2025-02-15]; the follow-up counts in
[2025-07-15, 2026-07-15]. Both registries arrive a month late (lag 1): the run for M sees
facts dated up to the last day of M − 1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pbr_pipeline.money.contracts import ContractError, load_contracts
from pbr_pipeline.programmes.emprendimiento import BUSINESS_REGISTRY
from tests.conftest import MONTH
from tests.scenario import Scenario, contract
from tests.test_validation_rules import validate_rows

PERSON = "1098765000"
ENROLLED_ON = "2025-01-15"
CREATED, RISE = "EMPRENDIMIENTO_CREADO", "AUMENTO_INGRESOS"


def business_contract(operator: str = "OP-041", **overrides) -> dict:
    return contract(operator, contract_id=f"EMP-{operator}-NEG", programme="EMPRENDIMIENTO",
                    milestones={CREATED: {"price_cop": 1_500_000}, RISE: {"price_cop": 2_000_000}}, **overrides)


def world_with(tmp_path, **rules) -> Scenario:
    terms = business_contract("OP-041", rules=rules) if rules else business_contract("OP-041")
    return Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, ENROLLED_ON, operator="OP-041", programme="EMPRENDIMIENTO")


@pytest.fixture
def world(tmp_path) -> Scenario:
    return world_with(tmp_path)


def claim(world: Scenario, month: str, outcome: str, on: str) -> Scenario:
    return world.claim(month, PERSON, outcome, on, operator="OP-041", programme="EMPRENDIMIENTO", support="")


def registered_in_march(world: Scenario) -> Scenario:
    """A shop registered on 2025-03-10 (C = 2025-09-10), active, delivered in April's extract."""
    return world.business("2025-04", PERSON, "2025-03-10")


# --- EMPRENDIMIENTO_CREADO ---------------------------------------------------------------------


def test_a_matricula_still_active_six_months_on_verifies_on_that_day(world):
    registered_in_march(world)
    claim(world, "2025-04", CREATED, "2025-03-10").write()
    assert world.verdict("2025-09") == ("PENDING", None)  # horizon 2025-08-31 < C
    row = world.verdicts("2025-10").row(0, named=True)  # horizon 2025-09-30
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 9, 10))
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2025, 1, 15), dt.date(2026, 1, 15))
    shown = [(e["registry"], e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [("business_registry", dt.date(2025, 3, 10),
                      "matrícula 05-123456 · ACTIVA · not renewed since registered · the first of the window: must last to 2025-09-10",
                      True)]


def test_the_business_name_never_reaches_the_evidence(world):
    registered_in_march(world)
    claim(world, "2025-04", CREATED, "2025-03-10").write()
    shows = " ".join(e["shows"] for e in world.verdicts("2025-10").row(0, named=True)["evidence_rows"])
    assert "05-123456" in shows and "DOÑA" not in shows and "TIENDA" not in shows


@pytest.mark.parametrize(("month", "verdict"), [
    ("2025-09", ("PENDING", None)),  # horizon 2025-08-31
    ("2025-10", ("VERIFIED", None)),  # horizon 2025-09-30 = C
])
def test_c_exactly_on_the_horizon_has_passed(world, month, verdict):
    world.business("2025-04", PERSON, "2025-03-31")  # C = 2025-09-30 (31 March + 6 months, clamped)
    claim(world, "2025-04", CREATED, "2025-03-31").write()
    assert world.verdict(month) == verdict


@pytest.mark.parametrize(("registered_on", "verdict"), [
    ("2025-01-15", ("VERIFIED", None)),  # E itself
    ("2025-01-14", ("REJECTED", "NO_BUSINESS")),  # the day before enrolment
    ("2026-01-15", ("VERIFIED", None)),  # E + 12 months exactly
    ("2026-01-16", ("REJECTED", "NO_BUSINESS")),  # a day after
])
def test_the_registration_window(world, registered_on, verdict):
    world.business("2026-02", PERSON, registered_on)
    claim(world, "2026-02", CREATED, "2026-01-31").write()
    assert world.verdict("2026-08") == verdict  # horizon 2026-07-31: C of the latest has passed


def test_no_matricula_is_pending_until_e_plus_12_months_has_passed(world):
    claim(world, "2025-06", CREATED, "2025-06-01").write()
    assert world.verdict("2026-01") == ("PENDING", None)  # horizon 2025-12-31
    assert world.verdict("2026-02") == ("REJECTED", "NO_BUSINESS")  # horizon 2026-01-31
    assert world.verdicts("2026-02").row(0, named=True)["evidence_rows"] == []


def test_the_first_matricula_of_the_window_is_judged(world):
    # A first shop cancelled within its six months; a second one that lasted does not save it.
    world.business("2025-04", PERSON, "2025-03-10", matricula="111", status="CANCELADA", cancelled_on="2025-04-30")
    world.business("2025-06", PERSON, "2025-05-02", matricula="222")
    claim(world, "2025-06", CREATED, "2025-05-02").write()
    row = world.verdicts("2025-12").row(0, named=True)
    assert (row["status"], row["reason"]) == ("REJECTED", "NOT_ACTIVE")
    assert [(e["shows"], e["counts"]) for e in row["evidence_rows"]] == [
        ("matrícula 111 · CANCELADA on 2025-04-30 · not renewed since registered · the first of the window: must last to 2025-09-10", False),
        ("matrícula 222 · ACTIVA · not renewed since registered · a later matrícula of the window", False),
    ]


@pytest.mark.parametrize(("cancelled_on", "verdict"), [
    ("2025-09-10", ("REJECTED", "NOT_ACTIVE")),  # cancelled on C: it did not last to C
    ("2025-09-11", ("VERIFIED", None)),  # the day after C
])
def test_cancelled_on_c_or_the_day_after(world, cancelled_on, verdict):
    registered_in_march(world).business("2025-10", PERSON, "2025-03-10", status="CANCELADA", cancelled_on=cancelled_on)
    claim(world, "2025-04", CREATED, "2025-03-10").write()
    assert world.verdict("2025-10") == verdict


def test_a_cancellation_before_c_rejects_at_once(world):
    # Cancelled on 2025-05-20, after the horizon of the run for 2025-05 (2025-04-30) and long
    # before C: the registration is the fact dated 2025-03-10, its state is as delivered.
    registered_in_march(world).business("2025-05", PERSON, "2025-03-10", status="CANCELADA", cancelled_on="2025-05-20")
    claim(world, "2025-04", CREATED, "2025-03-10").write()
    assert world.verdict("2025-04") == ("PENDING", None)
    assert world.verdict("2025-05") == ("REJECTED", "NOT_ACTIVE")


@pytest.mark.parametrize(("registered_on", "renewed_for", "verdict"), [
    ("2025-08-31", None, ("VERIFIED", None)),  # C = 2026-03-31: 2026's renewal is not due yet
    ("2025-09-01", None, ("REJECTED", "NOT_ACTIVE")),  # C = 2026-04-01: 2026's renewal was due
    ("2025-09-01", 2025, ("REJECTED", "NOT_ACTIVE")),
    ("2025-09-01", 2026, ("VERIFIED", None)),
])
def test_the_renewal_deadline_is_31_march(tmp_path, registered_on, renewed_for, verdict):
    # Seven months to survive: six from a registration date never end on 31 March.
    world = world_with(tmp_path, survival_months=7)
    world.business("2026-04", PERSON, registered_on, renewed_for=renewed_for)
    claim(world, "2026-04", CREATED, "2026-04-01").write()
    assert world.verdict("2026-05") == verdict  # horizon 2026-04-30: C has passed either way


@pytest.mark.parametrize(("registered_on", "renewed_for", "verdict"), [
    ("2025-09-30", None, ("VERIFIED", None)),  # C = 2026-03-30
    ("2025-10-01", None, ("REJECTED", "NOT_ACTIVE")),  # C = 2026-04-01
    ("2025-10-01", 2026, ("VERIFIED", None)),
])
def test_six_months_across_the_renewal_deadline(world, registered_on, renewed_for, verdict):
    world.business("2026-04", PERSON, registered_on, renewed_for=renewed_for)
    claim(world, "2026-04", CREATED, "2026-04-01").write()
    assert world.verdict("2026-05") == verdict


def test_not_renewed_waits_for_c(world):
    # Due to renew for 2026 by C = 2026-04-01; the state before C does not decide.
    world.business("2025-11", PERSON, "2025-10-01")
    claim(world, "2025-11", CREATED, "2025-10-01").write()
    assert world.verdict("2026-04") == ("PENDING", None)  # horizon 2026-03-31
    assert world.verdict("2026-05") == ("REJECTED", "NOT_ACTIVE")


def test_a_corrected_matricula_replaces_the_one_delivered_before(world):
    registered_in_march(world)
    claim(world, "2025-04", CREATED, "2025-03-10").write()
    assert world.verdict("2025-10") == ("VERIFIED", None)
    # November's extract says it had been cancelled on 2025-08-01: from November on, NOT_ACTIVE.
    world.business("2025-11", PERSON, "2025-03-10", status="CANCELADA", cancelled_on="2025-08-01").write()
    assert world.verdict("2025-10") == ("VERIFIED", None)
    assert world.verdict("2025-11") == ("REJECTED", "NOT_ACTIVE")


# --- AUMENTO_INGRESOS ------------------------------------------------------------------------


def with_baseline(world: Scenario) -> Scenario:
    """A baseline of 1,000,000 COP for two people (500,000 per head) taken at enrolment:
    a rise of 20% is 600,000 per head."""
    return world.income("2025-02", PERSON, "2025-01-10", 1_000_000, 2)


@pytest.mark.parametrize(("income", "verdict"), [
    (1_800_000, ("VERIFIED", None)),  # three people, 600,000 per head: exactly 20% up
    (1_799_999, ("PENDING", None)),  # a peso short: the window is still open
])
def test_income_up_exactly_twenty_percent_per_head_rises(world, income, verdict):
    registered_in_march(with_baseline(world)).income("2025-09", PERSON, "2025-08-20", income, 3)
    claim(world, "2025-09", RISE, "2025-08-20").write()
    assert world.verdict("2025-10") == verdict


def test_a_business_nobody_claimed_still_makes_the_income_rise(world):
    registered_in_march(with_baseline(world)).income("2025-09", PERSON, "2025-08-20", 1_200_000, 2)
    claim(world, "2025-09", RISE, "2025-08-20").write()  # EMPRENDIMIENTO_CREADO never claimed
    assert world.verdict("2025-09") == ("PENDING", None)  # the business has not reached C yet
    row = world.verdicts("2025-10").row(0, named=True)
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 8, 20))
    assert (row["evidence_from"], row["evidence_to"]) == (dt.date(2024, 10, 15), dt.date(2026, 7, 15))
    shown = [(e["registry"], e["shows"], e["counts"]) for e in row["evidence_rows"]]
    assert shown == [
        ("business_registry", "matrícula 05-123456 · ACTIVA · not renewed since registered · the first of the window: must last to "
         "2025-09-10", True),
        ("income_measurements", "baseline window · household income 1000000 COP, 2 people, 500000 COP per head", True),
        ("income_measurements", "follow-up window · household income 1200000 COP, 2 people, 600000 COP per head · at least 20% above "
         "the baseline per head", True),
    ]


def test_the_first_follow_up_that_rises_is_the_outcome(world):
    registered_in_march(with_baseline(world)).income("2025-09", PERSON, "2025-08-01", 1_100_000, 2)
    world.income("2025-11", PERSON, "2025-10-03", 1_300_000, 2).income("2025-12", PERSON, "2025-11-03", 1_400_000, 2)
    claim(world, "2025-12", RISE, "2025-11-03").write()
    row = world.verdicts("2025-12").row(0, named=True)
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 10, 3))
    assert [e["counts"] for e in row["evidence_rows"]] == [True, True, False, True, False]


def test_a_baseline_without_income_rises_with_any_income(world):
    world.income("2025-02", PERSON, "2025-01-10", 0, 2).income("2025-09", PERSON, "2025-08-01", 0, 2)
    registered_in_march(world).income("2025-10", PERSON, "2025-09-15", 1, 2)
    claim(world, "2025-10", RISE, "2025-09-15").write()
    row = world.verdicts("2025-10").row(0, named=True)
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 9, 15))  # 0 is no rise from 0


def test_no_baseline_comes_before_no_business(world):
    claim(world, "2025-02", RISE, "2025-02-01").write()
    assert world.verdict("2025-02") == ("PENDING", None)  # horizon 2025-01-31 < E + 1 month
    assert world.verdict("2025-03") == ("REJECTED", "NO_BASELINE")
    assert world.verdict("2026-02") == ("REJECTED", "NO_BASELINE")  # no business either by now


def test_no_business_once_the_registration_window_has_passed(world):
    with_baseline(world).income("2025-09", PERSON, "2025-08-20", 1_200_000, 2)
    claim(world, "2025-09", RISE, "2025-08-20").write()
    assert world.verdict("2026-01") == ("PENDING", None)  # a matrícula may still come
    assert world.verdict("2026-02") == ("REJECTED", "NO_BUSINESS")


def test_a_business_that_did_not_last_is_no_business_at_once(world):
    with_baseline(world).business("2025-05", PERSON, "2025-03-10", status="CANCELADA", cancelled_on="2025-05-02")
    world.income("2025-09", PERSON, "2025-08-20", 1_200_000, 2)
    claim(world, "2025-05", CREATED, "2025-03-10")
    claim(world, "2025-05", RISE, "2025-05-02").write()
    assert world.verdict("2025-05", row=0) == ("REJECTED", "NOT_ACTIVE")
    assert world.verdict("2025-05", row=1) == ("REJECTED", "NO_BUSINESS")
    assert world.verdict("2025-10", row=1) == ("REJECTED", "NO_BUSINESS")  # the rise does not save it


def test_no_income_rise_waits_until_e_plus_18_months_has_passed(world):
    registered_in_march(with_baseline(world)).income("2025-09", PERSON, "2025-08-20", 1_100_000, 2)
    claim(world, "2025-09", RISE, "2025-08-20").write()
    assert world.verdict("2026-07") == ("PENDING", None)  # horizon 2026-06-30
    assert world.verdict("2026-08") == ("REJECTED", "NO_INCOME_RISE")  # horizon 2026-07-31


def test_the_contract_sets_the_rise(tmp_path):
    world = world_with(tmp_path, income_rise_percent=50)
    registered_in_march(with_baseline(world)).income("2025-09", PERSON, "2025-08-20", 1_200_000, 2)
    world.income("2025-12", PERSON, "2025-11-20", 1_500_000, 2)
    claim(world, "2025-12", RISE, "2025-11-20").write()
    row = world.verdicts("2025-12").row(0, named=True)
    assert (row["status"], row["outcome_on"]) == ("VERIFIED", dt.date(2025, 11, 20))
    assert row["evidence_rows"][2]["shows"].endswith("less than 50% above the baseline per head")


def test_a_follow_up_window_that_ends_before_it_starts_is_refused(tmp_path):
    world = world_with(tmp_path, follow_up_from_months=20, follow_up_to_months=18).write()
    with pytest.raises(ContractError, match=r"rules\.follow_up_from_months \(20\) is after follow_up_to_months \(18\)"):
        load_contracts(world.data_dir)


# --- the registry's rows ---------------------------------------------------------------------

BUSINESS = BUSINESS_REGISTRY.table
BUSINESS_ROW = {
    "tipo_documento": "CC", "numero_documento": "1098765000", "codigo_camara": "04", "matricula": "05-123456",
    "razon_social": "Tienda Doña Ana", "fecha_matricula": "2024-06-10", "estado_matricula": "ACTIVA",
    "ultimo_ano_renovado": "2025", "fecha_renovacion": "2025-03-02", "fecha_cancelacion": "", "cod_ciiu": "4711",
}


@pytest.mark.parametrize(("change", "rule"), [
    ({"cod_ciiu": "471"}, "ciiu_code_shape"),
    ({"cod_ciiu": "47111"}, "ciiu_code_shape"),
    ({"cod_ciiu": "G471"}, "ciiu_code_shape"),
    ({"estado_matricula": "SUSPENDIDA"}, "registration_status_known"),
    ({"estado_matricula": ""}, "required_value_missing"),
    ({"ultimo_ano_renovado": "25"}, "last_renewed_year_shape"),
    ({"ultimo_ano_renovado": "dos mil veinticinco"}, "last_renewed_year_shape"),
    ({"ultimo_ano_renovado": "2023"}, "last_renewed_year_not_before_registration"),
    ({"ultimo_ano_renovado": "2026"}, "last_renewed_year_not_in_future"),
    ({"matricula": ""}, "required_value_missing"),
    ({"matricula": "05/123456"}, "registration_number_shape"),
    ({"fecha_matricula": "2025-04-01", "fecha_renovacion": ""}, "not_after_month_received"),
    ({"fecha_matricula": "31/02/2024"}, "is_a_date"),
    ({"fecha_renovacion": "2024-06-09"}, "not_before_registration"),
    ({"fecha_renovacion": "ayer"}, "is_a_date"),
    ({"estado_matricula": "CANCELADA"}, "cancelled_on_required_when_cancelled"),
    ({"fecha_cancelacion": "2025-01-20"}, "cancelled_on_only_when_cancelled"),
    ({"estado_matricula": "CANCELADA", "fecha_cancelacion": "2024-06-01"}, "not_before_registration"),
    ({"estado_matricula": "CANCELADA", "fecha_cancelacion": "2025-04-01"}, "not_after_month_received"),
])
def test_a_matricula_breaking_one_rule_is_quarantined_by_that_rule(data_dir, change, rule):
    result = validate_rows(data_dir, BUSINESS, [BUSINESS_ROW | change])
    assert result.valid.height == 0
    assert result.rejected.get_column("rule").to_list() == [rule]
    assert result.rejected.get_column("reason").str.len_chars().min() > 10


@pytest.mark.parametrize("change", [
    {},
    {"estado_matricula": "cancelada", "fecha_cancelacion": "15/01/2025"},
    {"codigo_camara": "", "razon_social": "", "ultimo_ano_renovado": "", "fecha_renovacion": "", "cod_ciiu": ""},
    {"cod_ciiu": "0111", "ultimo_ano_renovado": "2024"},
])
def test_a_matricula_within_the_rules_is_valid(data_dir, change):
    result = validate_rows(data_dir, BUSINESS, [BUSINESS_ROW | change])
    assert result.rejected.height == 0, result.rejected.select("column", "rule").rows()
    assert result.valid.height == 1


def test_a_matricula_is_typed(data_dir):
    row = validate_rows(data_dir, BUSINESS, [BUSINESS_ROW | {"estado_matricula": "Cancelada", "fecha_cancelacion": "2025-02-28",
                                                             "cod_ciiu": "0111"}]).valid.row(0, named=True)
    assert (row["registration_number"], row["registration_status"], row["ciiu_code"]) == ("05-123456", "CANCELADA", "0111")
    assert (row["registered_on"], row["cancelled_on"], row["last_renewed_year"]) == (dt.date(2024, 6, 10), dt.date(2025, 2, 28), 2025)
    assert row["inbox_month"] == MONTH


def test_the_business_name_and_the_document_are_personal_data():
    # Personal columns are withheld from the quarantine's values and logs (validate.py).
    assert {"razon_social", "numero_documento", "primer_nombre"} <= BUSINESS.personal_columns
    assert "matricula" not in BUSINESS.personal_columns
