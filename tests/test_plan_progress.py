"""Progress against the Plan's targets on small hand-built frames, and the rules of metas_plan
through the real intake (real files)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pbr_pipeline.city.plan_progress import plan_progress
from pbr_pipeline.intake.tables import PLAN_TARGETS
from tests.test_validation_rules import validate_rows

TARGET = {"programa": "EMPLEO", "resultado": "COLOCACION", "grupo": "", "meta": "18680", "desde": "2024-01",
          "hasta": "2027-12"}


def targets(*rows: tuple[str, str, str | None, int, str, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"programme": pl.String, "outcome": pl.String, "group": pl.String,
                                      "target": pl.Int64, "period_from": pl.String, "period_to": pl.String}, orient="row")


def verdicts(*rows: tuple[str, str, str, str, dt.date | None]) -> pl.DataFrame:
    """(person_key, programme, outcome, status, outcome_on) claims."""
    return pl.DataFrame(rows, schema={"person_key": pl.String, "programme": pl.String, "outcome": pl.String,
                                      "status": pl.String, "outcome_on": pl.Date}, orient="row")


def unclaimed(*rows: tuple[str, str, str, dt.date]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"person_key": pl.String, "programme": pl.String, "outcome": pl.String,
                                      "outcome_on": pl.Date}, orient="row")


def subjects(*rows: tuple[str, str, str | None, str | None, list[str]]) -> pl.DataFrame:
    """(person_key, programme, sex, role, groups) as the owners' rosters record them."""
    return pl.DataFrame(rows, schema={"person_key": pl.String, "programme": pl.String, "sex": pl.String,
                                      "role": pl.String, "groups": pl.List(pl.String)}, orient="row")


D = dt.date(2025, 3, 10)
NO_UNCLAIMED = unclaimed()


def test_a_subject_counts_once_whether_claimed_twice_or_also_found_unclaimed():
    table = plan_progress(
        targets(("EMPLEO", "COLOCACION", None, 100, "2025-01", "2025-12")),
        verdicts(("a", "EMPLEO", "COLOCACION", "VERIFIED", D), ("a", "EMPLEO", "COLOCACION", "VERIFIED", D),
                 ("b", "EMPLEO", "COLOCACION", "REJECTED", None), ("c", "EMPLEO", "COLOCACION", "PENDING", None),
                 ("d", "EMPLEO", "RETENCION_3M", "VERIFIED", D)),
        unclaimed(("a", "EMPLEO", "COLOCACION", D), ("e", "EMPLEO", "COLOCACION", D), ("e", "EMPLEO", "COLOCACION", D)),
        subjects(), None, "2025-03")
    assert table.select("verified_to_date", "claimed", "unclaimed", "month_increment").row(0) == (2, 1, 1, 2)


def test_only_outcomes_dated_in_the_period_count():
    table = plan_progress(
        targets(("AGRO", "AUMENTO_PRODUCTIVIDAD", None, 30, "2025-02", "2025-03")),
        verdicts(("a", "AGRO", "AUMENTO_PRODUCTIVIDAD", "VERIFIED", dt.date(2025, 1, 31)),
                 ("b", "AGRO", "AUMENTO_PRODUCTIVIDAD", "VERIFIED", dt.date(2025, 2, 1)),
                 ("c", "AGRO", "AUMENTO_PRODUCTIVIDAD", "VERIFIED", dt.date(2025, 3, 31)),
                 ("d", "AGRO", "AUMENTO_PRODUCTIVIDAD", "VERIFIED", dt.date(2025, 4, 1))),
        NO_UNCLAIMED, subjects(), None, "2025-04")
    assert table["verified_to_date"].to_list() == [2]


def test_groups_count_roles_women_and_population_groups_from_the_owners_roster():
    table = plan_progress(
        targets(("BILINGUISMO", "CERTIFICACION_B1", "DOCENTE", 1280, "2024-01", "2027-12"),
                ("BILINGUISMO", "CERTIFICACION_B1", "ESTUDIANTE", 12800, "2024-01", "2027-12"),
                ("BILINGUISMO", "CERTIFICACION_B1", "MUJER", 10, "2024-01", "2027-12"),
                ("BILINGUISMO", "CERTIFICACION_B1", "MIGRANTE", 10, "2024-01", "2027-12")),
        verdicts(("t", "BILINGUISMO", "CERTIFICACION_B1", "VERIFIED", D), ("s", "BILINGUISMO", "CERTIFICACION_B1", "VERIFIED", D)),
        unclaimed(("u", "BILINGUISMO", "CERTIFICACION_B1", D)),
        subjects(("t", "BILINGUISMO", "F", "DOCENTE", ["MIGRANTE", "VICTIMA"]), ("s", "BILINGUISMO", "M", "ESTUDIANTE", []),
                 ("u", "BILINGUISMO", "F", "ESTUDIANTE", None),
                 # The same key in another programme says nothing of this one.
                 ("s", "EMPLEO", "F", None, ["MIGRANTE"])),
        None, "2025-03")
    assert table.select("group", "verified_to_date", "claimed", "unclaimed").rows() == [
        ("DOCENTE", 1, 1, 0), ("ESTUDIANTE", 2, 1, 1), ("MUJER", 2, 1, 1), ("MIGRANTE", 1, 1, 0)]


def test_the_increment_is_over_the_stored_month_before_and_may_be_negative():
    plan = targets(("EMPLEO", "COLOCACION", None, 100, "2025-01", "2025-12"),
                   ("EMPLEO", "COLOCACION", "MUJER", 50, "2025-01", "2025-12"))
    previous = pl.DataFrame({"programme": ["EMPLEO", "EMPLEO"], "outcome": ["COLOCACION"] * 2, "group": [None, "MUJER"],
                             "verified_to_date": [3, 0]})
    table = plan_progress(plan, verdicts(("a", "EMPLEO", "COLOCACION", "VERIFIED", D)), NO_UNCLAIMED,
                          subjects(("a", "EMPLEO", "F", None, [])), previous, "2025-04")
    assert table.select("group", "verified_to_date", "month_increment").rows() == [(None, 1, -2), ("MUJER", 1, 1)]


@pytest.mark.parametrize(("month", "expected"), [
    ("2023-12", 0),        # before the period
    ("2024-01", 389),      # 18,680 × 1/48 = 389.17
    ("2025-12", 9_340),    # 24 of 48 months: half
    ("2024-06", 2_335),    # 6/48 exactly
    ("2027-12", 18_680),   # the last month: the target
    ("2028-06", 18_680),   # after the period
])
def test_the_expected_line_is_straight_and_rounded_half_up(month, expected):
    table = plan_progress(targets(("EMPLEO", "COLOCACION", None, 18_680, "2024-01", "2027-12")), verdicts(), NO_UNCLAIMED,
                          subjects(), None, month)
    assert table.select("expected_to_date", "gap_to_expected", "share_of_target").row(0) == (expected, expected, 0.0)


def test_half_a_subject_rounds_up():
    table = plan_progress(targets(("AGRO", "AUMENTO_PRODUCTIVIDAD", None, 3, "2025-01", "2025-02")), verdicts(),
                          NO_UNCLAIMED, subjects(), None, "2025-01")
    assert table["expected_to_date"].to_list() == [2]  # 1.5


def test_a_target_nobody_reached_yet_is_listed_with_zero():
    table = plan_progress(targets(("HABITANZA_CALLE", "SUPERA_POBREZA_EXTREMA", None, 600, "2024-01", "2027-12")),
                          verdicts(("a", "EMPLEO", "COLOCACION", "VERIFIED", D)), NO_UNCLAIMED, subjects(), None, "2025-03")
    assert table.select("verified_to_date", "claimed", "unclaimed", "share_of_target").row(0) == (0, 0, 0, 0.0)


@pytest.mark.parametrize(("change", "rule"), [
    ({"resultado": "CERTIFICACION_B1"}, "outcome_of_programme"),
    ({"grupo": "JOVEN"}, "group_known"),
    ({"meta": "0"}, "target_positive"),
    ({"meta": "12,5"}, "target_positive"),
    ({"meta": "18.680"}, "target_positive"),
    ({"desde": "2024-13"}, "period_from_shape"),
    ({"hasta": "2023-12"}, "period_to_after_from"),
])
def test_a_target_row_breaking_a_rule_is_quarantined(data_dir, change, rule):
    result = validate_rows(data_dir, PLAN_TARGETS, [TARGET | change])
    assert result.valid.height == 0
    assert rule in result.rejected.get_column("rule").to_list()


def test_targets_are_typed_and_a_repeated_target_is_refused(data_dir):
    rows = [TARGET, TARGET | {"grupo": "mujer"}, TARGET | {"grupo": "MUJER", "meta": "9000"},
            TARGET | {"programa": "AGRO", "resultado": "AUMENTO_PRODUCTIVIDAD", "meta": "30"}]
    result = validate_rows(data_dir, PLAN_TARGETS, rows)
    assert result.valid.select("programme", "group", "target", "period_from").rows() == [
        ("EMPLEO", None, 18_680, "2024-01"), ("AGRO", None, 30, "2024-01")]
    assert sorted(zip(result.rejected["source_row"], result.rejected["rule"])) == [
        (3, "one_target_per_group"), (4, "one_target_per_group")]


def test_the_check_notices_a_lost_target_and_a_subject_counted_twice():
    from assets.city import plan_progress_counts_each_subject_once as check

    plan = targets(("EMPLEO", "COLOCACION", None, 100, "2025-01", "2025-12"),
                   ("AGRO", "AUMENTO_PRODUCTIVIDAD", None, 30, "2025-01", "2025-12"))
    verified = verdicts(("a", "EMPLEO", "COLOCACION", "VERIFIED", D))
    table = plan_progress(plan, verified, NO_UNCLAIMED, subjects(), None, "2025-03")
    assert check(table, verified, NO_UNCLAIMED, plan).passed
    assert not check(table.head(1), verified, NO_UNCLAIMED, plan).passed
    twice = table.with_columns(pl.col("verified_to_date") * 2, pl.col("claimed") * 2)
    assert not check(twice, verified, NO_UNCLAIMED, plan).passed
