"""Every SALUD_MATERNA and SALUD_TRANSMISIBLES rule on hand-built cases: typed RIPS rows and
claims as the as-of state hands them to the programme (`Facts`), judged by the real rule; the
contracts' `rules:` read from real YAML files by the real loader.

RIPS is delivered with a lag of 2 months: in the run for M, services dated up to the last day
of M − 2 are complete (run 2025-12 → horizon 2025-10-31).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from pbr_pipeline.money.contracts import ContractError, load_contracts
from pbr_pipeline.programmes import BY_CODE, REGISTRIES
from pbr_pipeline.programmes.rips import RIPS
from pbr_pipeline.programmes.salud_materna import SALUD_MATERNA, PrenatalRules
from pbr_pipeline.programmes.salud_transmisibles import SALUD_TRANSMISIBLES, AdherenceRules
from pbr_pipeline.programmes.spec import EVIDENCE_COLUMNS, Facts, Programme
from schemas.typed import polars_schema

PERSON = "1098123456"

RIPS_SCHEMA = {
    "document_type": pl.String, "document_number": pl.String, "document": pl.String, "birth_date": pl.Date, "sex": pl.String,
    "invoice_number": pl.String, "service_number": pl.Int64, "service_kind": pl.String, "provider_code": pl.String,
    "service_date": pl.Date, "technology_code": pl.String, "purpose": pl.String, "dx_main": pl.String, "dx_related": pl.String,
    "treatment_days": pl.Int64, "prenatal_visits": pl.Int64, "locator": pl.String,
    "source_file": pl.String, "source_row": pl.Int64, "fact_date": pl.Date,
}
"""The validated RIPS table as the rules read it (provenance and the as-of `fact_date` included)."""


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def service(on: str, kind: str = "CONSULTA", dx: str = "Z340", purpose: str | None = "23", days: int | None = None,
            person: str = PERSON, technology: str = "890201", provider: str = "680010012301") -> dict[str, Any]:
    """One RIPS service row (source_row is set when the rows are put together)."""
    return {
        "document_type": "CC", "document_number": person, "document": f"CC:{person}", "birth_date": day("1995-04-02"),
        "sex": "F", "invoice_number": f"FE-{on}", "service_number": 1, "service_kind": kind, "provider_code": provider,
        "service_date": day(on), "technology_code": technology, "purpose": purpose, "dx_main": dx, "dx_related": None,
        "treatment_days": days, "prenatal_visits": None, "locator": f"usuarios[0].servicios.{kind.lower()}[0]",
        "source_file": "inbox/2026-01/registros/rips/rips.json", "fact_date": day(on),
    }


def facts(programme: Programme, month: str, rows: list[dict[str, Any]], *, enrolled_on: str, sex: str = "F",
          rules: Any = None, claims: int = 1) -> Facts:
    """The Facts of one claim (or `claims` would-be claims alike) of PERSON in the run for `month`."""
    rule_columns = programme.rule_columns({"C-1": rules or programme.rules()})
    claim_rows = pl.DataFrame({
        "claim_id": [f"claim-{index}" for index in range(claims)],
        "document": [f"CC:{PERSON}"] * claims,
        "outcome": [programme.outcomes[0]] * claims,
        "enrolled_on": [day(enrolled_on)] * claims,
        "outcome_date": [None] * claims,
        "contract_id": ["C-1"] * claims,
        "sex": [sex] * claims,
        "role": [None] * claims,
        "groups": [[]] * claims,
    }, schema_overrides={"outcome_date": pl.Date, "role": pl.String, "groups": pl.List(pl.String)})
    registry = pl.DataFrame([row | {"source_row": index + 2} for index, row in enumerate(rows)], schema=RIPS_SCHEMA, orient="row")
    return Facts(
        month=month,
        claims=claim_rows.join(rule_columns, on="contract_id"),
        registries={RIPS.name: registry},
        horizons={RIPS.name: RIPS.horizon(month)},
        reference={},
    )


def judge(programme: Programme, month: str, rows: list[dict[str, Any]], **kwargs) -> dict[str, Any]:
    judged = programme.evidence(facts(programme, month, rows, **kwargs))
    assert judged.columns == list(EVIDENCE_COLUMNS) and judged.height == 1
    return judged.row(0, named=True)


def verdict_of(programme: Programme, month: str, rows: list[dict[str, Any]], **kwargs) -> tuple[str, str | None]:
    row = judge(programme, month, rows, **kwargs)
    return row["status"], row["reason"]


def shown(row: dict[str, Any]) -> list[tuple[dt.date, str, bool]]:
    return [(e["fact_date"], e["shows"], e["counts"]) for e in row["evidence_rows"]]


def test_the_health_programmes_read_rips_with_a_two_month_lag():
    assert BY_CODE["SALUD_MATERNA"] is SALUD_MATERNA and BY_CODE["SALUD_TRANSMISIBLES"] is SALUD_TRANSMISIBLES
    assert SALUD_MATERNA.registries == SALUD_TRANSMISIBLES.registries == (RIPS,)
    assert [registry.name for registry in REGISTRIES].count("rips") == 1
    assert (RIPS.table.inbox_folder, RIPS.lag_months, RIPS.names_people, RIPS.sensitive) == ("registros/rips", 2, False, True)
    assert RIPS.correction_key == ("invoice_number", "service_number", "service_kind")
    assert RIPS.horizon("2025-12") == dt.date(2025, 10, 31)


def test_the_hand_built_rows_are_typed_as_the_validated_rips_table():
    # `document` (the canonical document) and `fact_date` are added by the as-of state.
    typed = polars_schema(RIPS.table.typed_schema)
    assert {name: dtype for name, dtype in RIPS_SCHEMA.items() if name not in ("document", "fact_date")} == {
        name: typed[name] for name in RIPS_SCHEMA if name not in ("document", "fact_date")}


# --- SALUD_MATERNA: CONTROLES_PRENATALES ----------------------------------------------------
# A woman enrolled on 2025-01-15 (E): controls count in [E, E + 9 months] = [2025-01-15, 2025-10-15].

ENROLLED = "2025-01-15"


def controls(*days: str, **kwargs) -> list[dict[str, Any]]:
    return [service(on, **kwargs) for on in days]


def prenatal(month: str, rows: list[dict[str, Any]], **kwargs) -> tuple[str, str | None]:
    return verdict_of(SALUD_MATERNA, month, rows, enrolled_on=kwargs.pop("enrolled_on", ENROLLED), **kwargs)


def test_four_controls_on_distinct_days_verify_on_the_fourth():
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05", "2025-07-01", "2025-08-20")
    row = judge(SALUD_MATERNA, "2025-10", rows, enrolled_on=ENROLLED)  # horizon 2025-08-31
    assert (row["status"], row["reason"], row["outcome_on"]) == ("VERIFIED", None, day("2025-07-01"))
    assert (row["evidence_from"], row["evidence_to"]) == (day("2025-01-15"), day("2025-10-15"))
    assert shown(row) == [
        (day("2025-02-03"), "prenatal control · CONSULTA", True),
        (day("2025-03-10"), "prenatal control · CONSULTA", True),
        (day("2025-05-05"), "prenatal control · CONSULTA", True),
        (day("2025-07-01"), "prenatal control · CONSULTA", True),
        (day("2025-08-20"), "prenatal control · CONSULTA", False),  # after the outcome
    ]
    assert {(e["registry"], e["source_file"]) for e in row["evidence_rows"]} == {("rips", "inbox/2026-01/registros/rips/rips.json")}
    assert [e["source_row"] for e in row["evidence_rows"]] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(("fourth", "verdict"), [
    ("2025-10-15", ("VERIFIED", None)),  # E + 9 months: the window's last day
    ("2025-10-16", ("REJECTED", "NOT_ENOUGH_CONTROLS")),  # the day after
])
def test_the_fourth_control_on_the_windows_last_day_and_the_day_after(fourth, verdict):
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05", fourth)
    assert prenatal("2025-12", rows) == verdict  # horizon 2025-10-31


def test_the_window_ends_on_the_same_day_nine_months_later_clamped_to_the_months_end():
    # E = 2025-05-31: E + 9 months is 2026-02-28.
    rows = controls("2025-06-02", "2025-08-01", "2025-11-03")
    assert prenatal("2026-04", rows + controls("2026-02-28"), enrolled_on="2025-05-31") == ("VERIFIED", None)
    assert prenatal("2026-04", rows + controls("2026-03-01"), enrolled_on="2025-05-31") == ("REJECTED", "NOT_ENOUGH_CONTROLS")


def test_two_controls_on_one_day_count_once():
    rows = controls("2025-02-03", "2025-03-10", "2025-03-10", "2025-05-05")
    rows[2] |= {"service_kind": "PROCEDIMIENTO", "invoice_number": "FE-other"}
    row = judge(SALUD_MATERNA, "2025-12", rows, enrolled_on=ENROLLED)
    assert (row["status"], row["reason"]) == ("REJECTED", "NOT_ENOUGH_CONTROLS")
    assert shown(row) == [
        (day("2025-02-03"), "prenatal control · CONSULTA", True),
        (day("2025-03-10"), "prenatal control · CONSULTA", True),
        (day("2025-03-10"), "prenatal control · PROCEDIMIENTO · same day as an earlier control", False),
        (day("2025-05-05"), "prenatal control · CONSULTA", True),
    ]
    assert prenatal("2025-12", rows + controls("2025-06-09")) == ("VERIFIED", None)


@pytest.mark.parametrize(("fourth", "is_control"), [
    (dict(purpose="23", dx="O266"), True),  # purpose 23 with a diagnosis outside Z34/Z35
    (dict(purpose="23", dx="R51X"), True),
    (dict(purpose="11", dx="Z349"), True),  # a Z34 diagnosis with another purpose
    (dict(purpose=None, dx="Z359"), True),
    (dict(purpose="11", dx="Z36X"), False),  # neither
    (dict(kind="PROCEDIMIENTO", purpose="23", dx="Z001"), True),
    (dict(kind="MEDICAMENTO", purpose="23", dx="Z340"), False),  # not a consultation or a procedure
    (dict(kind="URGENCIA", purpose="23", dx="Z340"), False),
])
def test_a_control_is_a_consultation_or_procedure_with_purpose_23_or_a_z34_z35_diagnosis(fourth, is_control):
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05") + [service("2025-07-01", **fourth)]
    assert prenatal("2025-12", rows) == (("VERIFIED", None) if is_control else ("REJECTED", "NOT_ENOUGH_CONTROLS"))


def test_controls_before_enrolment_do_not_count():
    rows = controls("2025-01-14", "2025-02-03", "2025-03-10", "2025-05-05")
    row = judge(SALUD_MATERNA, "2025-12", rows, enrolled_on=ENROLLED)
    assert (row["status"], row["reason"]) == ("REJECTED", "NOT_ENOUGH_CONTROLS")
    assert day("2025-01-14") not in [e["fact_date"] for e in row["evidence_rows"]]


@pytest.mark.parametrize("sex", ["M", None])
def test_a_man_enrolled_in_salud_materna_is_not_eligible(sex):
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05", "2025-07-01")
    row = judge(SALUD_MATERNA, "2025-03", rows, enrolled_on=ENROLLED, sex=sex)
    assert (row["status"], row["reason"], row["outcome_on"], row["evidence_rows"]) == ("REJECTED", "NOT_ELIGIBLE", None, [])


def test_pending_while_the_window_is_open_then_not_enough_controls():
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05")
    assert prenatal("2025-07", rows) == ("PENDING", None)
    assert prenatal("2025-11", rows) == ("PENDING", None)  # horizon 2025-09-30 < 2025-10-15
    assert prenatal("2025-12", rows) == ("REJECTED", "NOT_ENOUGH_CONTROLS")  # horizon 2025-10-31


def test_four_controls_seen_verify_while_the_window_is_open_and_later_facts_are_not_used():
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05", "2025-06-02")
    assert prenatal("2025-08", rows) == ("VERIFIED", None)  # horizon 2025-06-30
    row = judge(SALUD_MATERNA, "2025-07", rows, enrolled_on=ENROLLED)  # horizon 2025-05-31: the 4th is not complete yet
    assert (row["status"], [e["fact_date"] for e in row["evidence_rows"]]) == (
        "PENDING", [day("2025-02-03"), day("2025-03-10"), day("2025-05-05")])


def test_another_persons_controls_are_not_hers():
    rows = controls("2025-02-03", "2025-03-10", "2025-05-05") + controls("2025-06-02", person="63111222")
    assert prenatal("2025-12", rows) == ("REJECTED", "NOT_ENOUGH_CONTROLS")


# --- SALUD_TRANSMISIBLES: CASO_ADHERENTE ----------------------------------------------------
# Enrolled on 2025-01-10 (E); diagnosed D = 2024-12-28 (E − 13 days); treatment start
# T = 2025-01-01; the adherence span [T, T + 6 months) = [2025-01-01, 2025-07-01) has 181
# days, of which 80% rounded up is 145.

E = "2025-01-10"
D = "2024-12-28"
T = "2025-01-01"
MONTHLY = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]


def diagnosis(on: str = D, dx: str = "B24X", kind: str = "CONSULTA") -> dict[str, Any]:
    return service(on, kind=kind, dx=dx, purpose="15", technology="890201")


def dispensation(on: str, days: int = 30, dx: str = "B24X") -> dict[str, Any]:
    return service(on, kind="MEDICAMENTO", dx=dx, purpose=None, days=days, technology="19943544-1")


def adherent(days: list[int], starts: list[str] = MONTHLY, dx: str = "B24X") -> list[dict[str, Any]]:
    return [dispensation(on, n, dx=dx) for on, n in zip(starts, days)]


def case(month: str, rows: list[dict[str, Any]], **kwargs) -> tuple[str, str | None]:
    return verdict_of(SALUD_TRANSMISIBLES, month, rows, enrolled_on=kwargs.pop("enrolled_on", E), **kwargs)


def test_a_new_case_treated_and_adherent_is_verified_on_the_dispensation_that_reached_the_share():
    rows = [diagnosis()] + adherent([30, 30, 30, 30, 25, 30])  # 145 days by 2025-05-01
    row = judge(SALUD_TRANSMISIBLES, "2025-07", rows, enrolled_on=E)  # horizon 2025-05-31
    assert (row["status"], row["reason"], row["outcome_on"]) == ("VERIFIED", None, day("2025-05-01"))
    assert (row["evidence_from"], row["evidence_to"]) == (day("2023-12-28"), day("2025-06-30"))
    assert shown(row) == [
        (day(D), "diagnosis · CONSULTA", True),
        (day("2025-01-01"), "treatment start · dispensation 30 days", True),
        (day("2025-02-01"), "dispensation 30 days", True),
        (day("2025-03-01"), "dispensation 30 days", True),
        (day("2025-04-01"), "dispensation 30 days", True),
        (day("2025-05-01"), "dispensation 25 days", True),
    ]


@pytest.mark.parametrize(("fifth", "verdict"), [
    (24, ("REJECTED", "NOT_ADHERENT")),  # 144 of 181 days: 79.6%
    (25, ("VERIFIED", None)),  # 145 of 181 days: 80.1%
])
def test_adherence_at_79_and_80_percent(fifth, verdict):
    rows = [diagnosis()] + adherent([30, 30, 30, 30, fifth])
    assert case("2025-09", rows) == verdict  # horizon 2025-07-31: the span [2025-01-01, 2025-06-30] has passed


def test_not_adherent_waits_for_the_spans_last_day_and_dispensations_after_the_span_do_not_count():
    rows = [diagnosis()] + adherent([30, 30, 30, 30, 24]) + [dispensation("2025-07-01")]
    assert case("2025-07", rows) == ("PENDING", None)  # horizon 2025-05-31
    assert case("2025-08", rows) == ("REJECTED", "NOT_ADHERENT")  # horizon 2025-06-30 = the span's last day
    row = judge(SALUD_TRANSMISIBLES, "2025-09", rows, enrolled_on=E)
    assert day("2025-07-01") not in [e["fact_date"] for e in row["evidence_rows"]]


def test_dispensations_of_another_condition_do_not_count():
    rows = [diagnosis()] + adherent([30, 30, 30, 30]) + [dispensation("2025-05-01", 30, dx="A150")]
    assert case("2025-09", rows) == ("REJECTED", "NOT_ADHERENT")


def test_a_dispensation_dated_after_the_horizon_is_not_used():
    rows = [diagnosis()] + adherent([30, 30, 30, 30, 25])
    assert case("2025-06", rows) == ("PENDING", None)  # horizon 2025-04-30: the fifth is not complete
    assert case("2025-07", rows) == ("VERIFIED", None)


@pytest.mark.parametrize(("diagnosed_on", "verdict"), [
    ("2024-12-11", ("VERIFIED", None)),  # E − 30 days
    ("2024-12-10", ("REJECTED", "NO_DIAGNOSIS")),  # E − 31 days
    ("2026-01-10", ("VERIFIED", None)),  # E + 12 months
    ("2026-01-11", ("REJECTED", "NO_DIAGNOSIS")),  # a day after
])
def test_the_diagnosis_window(diagnosed_on, verdict):
    start = day(diagnosed_on) + dt.timedelta(days=1)
    starts = [(start + dt.timedelta(days=30 * n)).isoformat() for n in range(6)]
    rows = [diagnosis(diagnosed_on)] + adherent([30] * 6, starts=starts)
    assert case("2027-01", rows) == verdict


def test_no_diagnosis_is_pending_until_the_window_has_passed():
    assert case("2025-12", []) == ("PENDING", None)
    assert case("2026-02", []) == ("PENDING", None)  # horizon 2025-12-31 < 2026-01-10
    assert case("2026-03", []) == ("REJECTED", "NO_DIAGNOSIS")  # horizon 2026-01-31


def test_only_a_consultation_or_procedure_diagnoses():
    rows = [diagnosis(kind="URGENCIA")] + adherent([30] * 6)
    assert case("2026-03", rows) == ("REJECTED", "NO_DIAGNOSIS")
    rows = [diagnosis(kind="PROCEDIMIENTO")] + adherent([30] * 6)
    assert case("2026-03", rows) == ("VERIFIED", None)


@pytest.mark.parametrize(("earlier_on", "verdict"), [
    ("2023-12-27", ("VERIFIED", None)),  # 12 months and one day before D: still a new case
    ("2023-12-28", ("REJECTED", "NOT_NEW_CASE")),  # exactly 12 months before D
    ("2024-12-27", ("REJECTED", "NOT_NEW_CASE")),  # the day before D
])
def test_a_row_of_the_group_in_the_twelve_months_before_the_diagnosis_is_an_old_case(earlier_on, verdict):
    rows = [dispensation(earlier_on, dx="B230"), diagnosis()] + adherent([30] * 6)
    assert case("2025-09", rows) == verdict


def test_an_old_case_shows_the_earlier_rows_and_not_the_treatment():
    rows = [service("2024-03-02", kind="URGENCIA", dx="B24X", purpose=None), diagnosis()] + adherent([30] * 6)
    row = judge(SALUD_TRANSMISIBLES, "2025-09", rows, enrolled_on=E)
    assert (row["status"], row["reason"], row["outcome_on"]) == ("REJECTED", "NOT_NEW_CASE", None)
    assert (row["evidence_from"], row["evidence_to"]) == (day("2023-12-28"), day(D))
    assert shown(row) == [
        (day("2024-03-02"), "earlier service of the condition group · URGENCIA", False),
        (day(D), "diagnosis · CONSULTA", False),
    ]


def test_an_earlier_row_of_another_group_does_not_make_an_old_case():
    rows = [service("2024-06-02", dx="A169", purpose=None), diagnosis(dx="Z21X")] + adherent([30] * 6, dx="Z21X")
    assert case("2025-09", rows) == ("VERIFIED", None)


@pytest.mark.parametrize(("started_on", "verdict"), [
    ("2025-01-27", ("VERIFIED", None)),  # D + 30 days
    ("2025-01-28", ("REJECTED", "NO_TREATMENT")),  # D + 31 days
])
def test_treatment_must_start_within_thirty_days_of_the_diagnosis(started_on, verdict):
    start = day(started_on)
    starts = [(start + dt.timedelta(days=30 * n)).isoformat() for n in range(6)]
    rows = [diagnosis()] + adherent([30] * 6, starts=starts)
    assert case("2025-10", rows) == verdict


def test_no_treatment_is_pending_until_d_plus_thirty_days_has_passed():
    rows = [diagnosis("2025-02-20")]  # D + 30 days = 2025-03-22
    assert case("2025-04", rows) == ("PENDING", None)  # horizon 2025-02-28
    row = judge(SALUD_TRANSMISIBLES, "2025-05", rows, enrolled_on=E)  # horizon 2025-03-31
    assert (row["status"], row["reason"], row["evidence_to"]) == ("REJECTED", "NO_TREATMENT", day("2025-03-22"))
    assert shown(row) == [(day("2025-02-20"), "diagnosis · CONSULTA", True)]


def test_adherence_is_pending_while_the_span_is_open():
    rows = [diagnosis()] + adherent([30, 30])
    row = judge(SALUD_TRANSMISIBLES, "2025-05", rows, enrolled_on=E)  # horizon 2025-03-31
    assert (row["status"], row["reason"], row["outcome_on"], row["evidence_to"]) == ("PENDING", None, None, day("2025-06-30"))


def test_with_both_groups_the_first_diagnosis_decides():
    # TB diagnosed first, then HIV treated: the TB case has no treatment; HIV rows are not read.
    rows = [diagnosis("2025-01-05", dx="A150"), diagnosis("2025-01-20", dx="B24X")] + adherent([30] * 6, dx="B24X")
    row = judge(SALUD_TRANSMISIBLES, "2025-09", rows, enrolled_on=E)
    assert (row["status"], row["reason"]) == ("REJECTED", "NO_TREATMENT")
    assert shown(row) == [(day("2025-01-05"), "diagnosis · CONSULTA", True)]
    # The other way round, HIV first and treated: verified; the later TB row changes nothing.
    rows = [diagnosis(D, dx="B24X"), diagnosis("2025-01-20", dx="A150")] + adherent([30] * 6, dx="B24X")
    assert case("2025-09", rows) == ("VERIFIED", None)


# --- privacy: what evidence rows say --------------------------------------------------------


def test_evidence_rows_never_show_a_diagnosis_technology_provider_purpose_or_condition():
    prenatal_rows = controls("2025-02-03", "2025-03-10", "2025-03-10", "2025-05-05", "2025-07-01", dx="Z348", purpose="23")
    case_rows = [service("2024-03-02", kind="URGENCIA", dx="B24X", purpose="15"), diagnosis()] + adherent([30] * 6)
    texts = []
    for programme, rows, enrolled_on in ((SALUD_MATERNA, prenatal_rows, ENROLLED), (SALUD_TRANSMISIBLES, case_rows, E)):
        for month in ("2025-09", "2026-03"):
            texts += [e["shows"] for e in judge(programme, month, rows, enrolled_on=enrolled_on)["evidence_rows"]]
    fresh = [diagnosis()] + adherent([30] * 6)
    texts += [e["shows"] for e in judge(SALUD_TRANSMISIBLES, "2025-09", fresh, enrolled_on=E)["evidence_rows"]]
    assert len(texts) > 10
    for text in texts:
        assert not re.search(r"[A-Z]\d{2}|\d{3,}|\b(23|15)\b|HIV|VIH|TB|TBC|SIDA|finalidad|purpose", text), text


@pytest.mark.parametrize(("programme", "rows", "enrolled_on"), [
    (SALUD_MATERNA, controls("2025-02-03", "2025-03-10", "2025-03-10", "2025-05-05", "2025-07-01"), ENROLLED),
    (SALUD_TRANSMISIBLES, [service("2024-03-02", kind="URGENCIA", dx="B24X", purpose=None), diagnosis()], E),
    (SALUD_TRANSMISIBLES, [diagnosis()] + adherent([30] * 6), E),
])
def test_each_evidence_row_names_the_one_rips_row_behind_it(programme, rows, enrolled_on):
    # The verifier-only health_evidence table joins evidence rows back to RIPS by file and row.
    made = facts(programme, "2025-09", rows, enrolled_on=enrolled_on, claims=2)
    listed = programme.evidence(made).explode("evidence_rows").unnest("evidence_rows")
    assert listed.height > 2 and set(listed["claim_id"]) == {"claim-0", "claim-1"}
    joined = listed.join(made.registries["rips"], on=["source_file", "source_row"], how="left", suffix="_rips")
    assert joined.height == listed.height and joined.filter(pl.col("fact_date") != pl.col("service_date")).height == 0


# --- contracts: the rule parameters ---------------------------------------------------------


def health_contract(programme: str, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    outcome = BY_CODE[programme].outcomes[0]
    document = {
        "contract_id": f"{programme}-1", "operator": "OP-007", "programme": programme,
        "valid_from": "2025-01-01", "valid_to": "2025-12-31", "budget_cop": 50_000_000,
        "milestones": {outcome: {"price_cop": 600_000}},
    }
    return document | ({"rules": rules} if rules is not None else {})


def load_rules(tmp_path: Path, content: dict[str, Any] | str) -> Any:
    path = tmp_path / "contracts" / "c.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    (contract,) = load_contracts(tmp_path)
    return contract.rules


def test_a_contract_without_rules_takes_the_defaults(tmp_path):
    assert load_rules(tmp_path, health_contract("SALUD_MATERNA")) == PrenatalRules()
    assert dataclasses.asdict(PrenatalRules()) == {
        "controls_needed": 4, "window_months": 9, "control_purposes": ("23",), "control_dx_prefixes": ("Z34", "Z35"),
        "control_service_kinds": ("CONSULTA", "PROCEDIMIENTO"),
    }
    assert load_rules(tmp_path, health_contract("SALUD_TRANSMISIBLES")) == AdherenceRules()
    assert AdherenceRules().condition_groups == ("HIV:B20-B24", "HIV:Z21", "TB:A15-A19")


WRITTEN = """\
contract_id: TRA-2025-OP007
operator: OP-007
programme: SALUD_TRANSMISIBLES
valid_from: 2025-01-01
valid_to: 2025-12-31
budget_cop: 50000000
milestones:
  CASO_ADHERENTE: {price_cop: 600000}
rules:
  condition_groups:            # CIE-10 categories of the main diagnosis, or ranges of them
    HIV: [B20-B24, Z21]
    TB: [A15-A19]
    HEPATITIS_B: [B16, B18]
  diagnosis_days_before_enrolment: 30
  diagnosis_window_months: 12
  new_case_lookback_months: 12
  treatment_start_days: 45
  adherence_months: 6
  adherence_share_percent: 50
"""


def test_the_documented_yaml_shape_reads_as_written(tmp_path):
    rules = load_rules(tmp_path, WRITTEN)
    assert rules == AdherenceRules(
        condition_groups=("HEPATITIS_B:B16", "HEPATITIS_B:B18", "HIV:B20-B24", "HIV:Z21", "TB:A15-A19"),
        treatment_start_days=45, adherence_share_percent=50)


def test_contract_parameters_override_the_defaults_of_salud_materna(tmp_path):
    rules = load_rules(tmp_path, health_contract("SALUD_MATERNA", {
        "controls_needed": 3, "window_months": 6, "control_purposes": [23, "11"], "control_dx_prefixes": ["Z30-Z39"],
        "control_service_kinds": ["CONSULTA"],
    }))
    assert rules == PrenatalRules(controls_needed=3, window_months=6, control_purposes=("11", "23"),
                                  control_dx_prefixes=("Z30-Z39",), control_service_kinds=("CONSULTA",))
    three = controls("2025-02-03", "2025-03-10", "2025-05-05")
    assert prenatal("2025-12", three) == ("REJECTED", "NOT_ENOUGH_CONTROLS")
    assert prenatal("2025-12", three, rules=rules) == ("VERIFIED", None)
    # Only the contract's window (E + 6 months = 2025-07-15) and kinds count.
    assert prenatal("2025-12", three[:2] + controls("2025-07-16"), rules=rules) == ("REJECTED", "NOT_ENOUGH_CONTROLS")
    assert prenatal("2025-12", three[:2] + controls("2025-05-05", kind="PROCEDIMIENTO"), rules=rules) == (
        "REJECTED", "NOT_ENOUGH_CONTROLS")
    assert prenatal("2025-12", three[:2] + controls("2025-05-05", purpose="11", dx="R51X"), rules=rules) == ("VERIFIED", None)
    assert prenatal("2025-12", three[:2] + controls("2025-05-05", purpose=None, dx="Z392"), rules=rules) == ("VERIFIED", None)


def test_contract_parameters_override_the_defaults_of_salud_transmisibles(tmp_path):
    rules = load_rules(tmp_path, WRITTEN)
    rows = [diagnosis(dx="B181")] + adherent([30, 30, 30], dx="B181")  # 90 of 181 days: 50% is 91
    assert case("2026-03", rows) == ("REJECTED", "NO_DIAGNOSIS")  # hepatitis B is no group by default
    assert case("2025-09", rows, rules=rules) == ("REJECTED", "NOT_ADHERENT")
    assert case("2025-09", rows + [dispensation("2025-04-01", 1, dx="B181")], rules=rules) == ("VERIFIED", None)
    late = [diagnosis()] + adherent([30] * 6, starts=["2025-02-10", "2025-03-10", "2025-04-10", "2025-05-10", "2025-06-10", "2025-07-10"])
    assert case("2025-10", late) == ("REJECTED", "NO_TREATMENT")  # D + 44 days
    assert case("2025-10", late, rules=rules) == ("VERIFIED", None)  # within 45 days


BAD_RULES = [
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": ["B20.1"]}},
     "contracts/c.yaml: rules.condition_groups.HIV[0] must be a CIE-10 category of 3 characters (a capital letter and two "
     "digits, e.g. B20) or a range of them (B20-B24), got 'B20.1'"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": ["b20"]}}, "rules.condition_groups.HIV[0] must be a CIE-10 category"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": ["B200"]}}, "rules.condition_groups.HIV[0] must be a CIE-10 category"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": [20]}}, "rules.condition_groups.HIV[0] must be a CIE-10 category of 3 "
                                                                 "characters (a capital letter and two digits, e.g. B20) or a range of them (B20-B24), got 20"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": ["B24-B20"]}},
     "rules.condition_groups.HIV[0] is a range that runs backwards (B24 after B20), got 'B24-B20'; write the lower code first"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": ["B20-B24"], "SIDA": ["B22"]}},
     "contracts/c.yaml: rules.condition_groups.SIDA holds B22, which HIV holds too; a code belongs to one group"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"hiv": ["B20"]}},
     "rules.condition_groups has the group name 'hiv'; name a group in capital letters, digits and _, e.g. HIV"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": []}}, "rules.condition_groups.HIV must be a list of CIE-10 categories"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {"HIV": "B20-B24"}},
     "rules.condition_groups.HIV must be a list of CIE-10 categories (B20) or ranges of them (B20-B24), such as "
     "[B20-B24, Z21], got 'B20-B24'"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": ["B20-B24"]},
     "contracts/c.yaml: rules.condition_groups must be a mapping such as {HIV: [B20-B24, Z21], TB: [A15-A19]}, got a list"),
    ("SALUD_TRANSMISIBLES", {"condition_groups": {}}, "rules.condition_groups is empty"),
    ("SALUD_TRANSMISIBLES", {"adherence_share_percent": 120},
     "contracts/c.yaml: rules.adherence_share_percent must be a whole number of percent from 1 to 100, got 120"),
    ("SALUD_TRANSMISIBLES", {"adherence_share_percent": "80%"}, "rules.adherence_share_percent must be a whole number of percent"),
    ("SALUD_TRANSMISIBLES", {"treatment_start_days": -1}, "rules.treatment_start_days must be a whole number of days from 0 to 365"),
    ("SALUD_TRANSMISIBLES", {"adherence_months": 0}, "rules.adherence_months must be a whole number of months from 1 to 24, got 0"),
    ("SALUD_TRANSMISIBLES", {"diagnosis_service_kinds": ["CONSULTAS"]},
     "rules.diagnosis_service_kinds holds 'CONSULTAS', which is not one of CONSULTA, PROCEDIMIENTO, MEDICAMENTO"),
    ("SALUD_TRANSMISIBLES", {"controls_needed": 3}, "rules.controls_needed is not a known key"),
    ("SALUD_MATERNA", {"window_month": 9}, "contracts/c.yaml: rules.window_month is not a known key; did you mean window_months?"),
    ("SALUD_MATERNA", {"controls_needed": 0}, "rules.controls_needed must be a whole number of controls from 1 to 20, got 0"),
    ("SALUD_MATERNA", {"window_months": 13}, "rules.window_months must be a whole number of months from 1 to 12, got 13"),
    ("SALUD_MATERNA", {"control_purposes": [123]},
     "contracts/c.yaml: rules.control_purposes[0] must be a RIPS purpose code (finalidad) from 11 to 44, e.g. 23, got 123"),
    ("SALUD_MATERNA", {"control_purposes": ["06"]}, "rules.control_purposes[0] must be a RIPS purpose code (finalidad) from 11 to 44"),
    ("SALUD_MATERNA", {"control_purposes": ["23", 23]}, "rules.control_purposes[1] repeats 23"),
    ("SALUD_MATERNA", {"control_purposes": "23"}, "rules.control_purposes must be a list of RIPS purpose codes"),
    ("SALUD_MATERNA", {"control_dx_prefixes": ["Z34", "z35"]}, "rules.control_dx_prefixes[1] must be a CIE-10 category"),
    ("SALUD_MATERNA", {"control_dx_prefixes": ["Z34.0"]}, "rules.control_dx_prefixes[0] must be a CIE-10 category"),
    ("SALUD_MATERNA", {"control_service_kinds": []}, "rules.control_service_kinds must be a list of codes out of CONSULTA"),
    ("SALUD_MATERNA", {"condition_groups": {"HIV": ["B20"]}}, "rules.condition_groups is not a known key"),
]


@pytest.mark.parametrize(("programme", "rules", "expected"), BAD_RULES)
def test_wrong_rule_parameters_are_refused_naming_the_field(tmp_path, programme, rules, expected):
    path = tmp_path / "contracts" / "c.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(health_contract(programme, rules), sort_keys=False), encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_contracts(tmp_path)
    assert any(expected in line for line in caught.value.problems), str(caught.value)


def test_the_contracts_table_holds_the_condition_groups_as_written(tmp_path):
    from pbr_pipeline.money.contracts import contracts_frame
    from pbr_pipeline.verify.judge import rule_frame

    load_rules(tmp_path, WRITTEN)
    frame = contracts_frame(load_contracts(tmp_path))
    assert '"condition_groups":["HEPATITIS_B:B16","HEPATITIS_B:B18","HIV:B20-B24","HIV:Z21","TB:A15-A19"]' in frame["rules"][0]
    # The run reads it back (JSON → rule columns) to the same parameters.
    columns = rule_frame(SALUD_TRANSMISIBLES, frame).filter(pl.col("rule_key") == "TRA-2025-OP007").row(0, named=True)
    assert columns["condition_groups"] == ["HEPATITIS_B:B16", "HEPATITIS_B:B18", "HIV:B20-B24", "HIV:Z21", "TB:A15-A19"]
    assert columns["treatment_start_days"] == 45
