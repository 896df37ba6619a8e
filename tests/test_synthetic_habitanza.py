"""HABITANZA_CALLE in the synthetic-data generator: its files, the household income measurements
registry, its claims and the oracle that decides them.

Files are read back with plain Python, openpyxl and polars (the helpers of test_synthetic),
never with pipeline code; the verdicts are re-derived here from the files alone (rosters,
claims, income extracts and `reference/lineas_pobreza.csv`), with a third implementation of
the rule, and the generator's oracle is checked on hand-built cases. test_sample runs the
committed sample through the real pipeline against the same ground truth.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict

import polars as pl
import pytest

from pbr_pipeline.core.months import add_months, parse_month_range
from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.synthetic import generate
from pbr_pipeline.synthetic.habitanza import SCENARIOS, operator_count
from pbr_pipeline.synthetic.habitanza.incomes import extreme_line
from pbr_pipeline.synthetic.habitanza.registry import COLUMNS
from pbr_pipeline.synthetic.habitanza.truth import VERIFIED_SCENARIOS
from pbr_pipeline.synthetic.habitanza.verdicts import Listing, Measurement, Oracle, Rules
from pbr_pipeline.synthetic.timeline import month_index
from synthetic_checks import (ClaimsFromFiles, check_verdicts, data_set_fixtures, invalid_rows, month_end,
                              people_by_document, plus_months, truth_of)
from test_synthetic import day_iso, number_key, read_registries, tree_hashes

SEED = 7
MONTHS = parse_month_range("2025-01..2025-08")
SAMPLE = dict(people=400, months=MONTHS, operators=3)
CONTRACT = (dt.date(2024, 12, 1), dt.date(2025, 12, 31))
"""The span the generator gives every HABITANZA_CALLE contract for these months."""
OUTCOME = "SUPERA_POBREZA_EXTREMA"
LINE_2024 = 227_220
"""DANE's national extreme-poverty line for 2024, COP per person per month (2025's not published)."""


def homeless(claims: pl.DataFrame) -> pl.DataFrame:
    return claims.filter(pl.col("source_file").str.contains("_habitanza_calle_"))


out, truth, files = data_set_fixtures("habitanza", "_habitanza_calle_", seed=SEED, **SAMPLE)
"""The data set, its ground truth, and the programme's roster and claims files read back."""


@pytest.fixture(scope="module")
def incomes(out, truth) -> pl.DataFrame:
    """The programme's income extracts (EMPRENDIMIENTO's sit beside them in the same folder)."""
    return read_registries(out, truth["files"].filter(pl.col("path").str.contains("/mediciones_ingreso_")),
                           "mediciones_ingreso")


@pytest.fixture(scope="module")
def lines(out) -> dict[int, int]:
    """The national extreme-poverty lines of the data set's reference table, by year."""
    rows = csv.DictReader(io.StringIO((out / "reference" / "lineas_pobreza.csv").read_text()))
    return {int(row["anio"]): int(row["pobreza_extrema"]) for row in rows
            if row["dominio"] == "NACIONAL" and row["pobreza_extrema"]}


# Determinism, operators, files and people ---------------------------------------------------

def test_same_seed_gives_the_same_bytes(out, tmp_path):
    generate(tmp_path, seed=SEED, **SAMPLE)
    mine = tree_hashes(tmp_path)
    assert mine == tree_hashes(out)
    assert any("/registros/mediciones_ingreso/" in name for name in mine)


def test_one_operator_after_the_others(truth, files):
    assert [operator_count(n) for n in (1, 3, 5, 12)] == [1, 1, 2, 4]
    assert files and {path.split("/")[-1].split("_")[0] for path in files} == {"op-007"}
    for path, (_, records) in files.items():
        month = path.split("/")[1]
        assert path.endswith((f"op-007_habitanza_calle_{month}.csv", f"op-007_habitanza_calle_{month}.xlsx")), path
        for record in records.values():
            assert (record["operador"], record["programa"]) == ("OP-007", "HABITANZA_CALLE")
            if "/reportes/" in path:
                assert record["resultado"] in (OUTCOME, "CASO_ADHERENTE")  # one invalid row names another outcome


def test_homeless_people_are_adults_mostly_men_with_a_cc(truth):
    people = truth["people"].filter(pl.col("kind") == "HABITANZA_CALLE")
    assert people.height >= 100
    assert (people["sexo"] == "M").sum() > 0.75 * people.height and (people["sexo"] == "F").any()
    assert set(people["tipo_documento"]) <= {"CC", "PT", "CE"} and (people["tipo_documento"] == "CC").mean() > 0.7
    born = people["fecha_nacimiento"].str.to_date()
    assert born.max() <= dt.date(2007, 1, 31) and born.min() >= dt.date(1950, 1, 1)
    # Most were enrolled before the data set (under the earlier agreement), some up to 20 months before.
    enrolled = people.filter(pl.col("owner") != "")
    assert enrolled.height > 0.75 * people.height


# The income registry -----------------------------------------------------------------------

def test_extracts_have_the_columns_and_shapes_of_formats_md(out, truth, incomes):
    listed = truth["files"].filter((pl.col("kind") == "mediciones_ingreso") & pl.col("path").str.contains(
        "/mediciones_ingreso_"))
    assert sorted(listed["month"]) == MONTHS
    assert {"parquet", "csv"} == set(listed["format"]) and {",", ";"} <= set(listed["delimiter"])
    for path, fmt in listed.select("path", "format").iter_rows():
        assert re.fullmatch(r"inbox/(\d{4}-\d{2})/registros/mediciones_ingreso/mediciones_ingreso_\1\.(csv|parquet)",
                            path)
        columns = (pl.read_parquet(out / path).columns if fmt == "parquet"
                   else (out / path).read_text().splitlines()[0].replace(";", ",").split(","))
        assert tuple(columns) == COLUMNS
    # Spanish-style CSV exports write thousands with dots and DD/MM/YYYY dates.
    spanish = listed.filter(pl.col("delimiter") == ";")["path"]
    text = "".join((out / path).read_text() for path in spanish)
    assert re.search(r";\d{1,3}\.\d{3}(\.\d{3})*;\d;", text) and re.search(r";\d{2}/\d{2}/\d{4};", text)
    bad = invalid_rows(truth["invalid_rows"])
    valid = incomes.filter(~pl.struct("path", "row").map_elements(lambda cell: (cell["path"], cell["row"]) in bad,
                                                                  return_dtype=pl.Boolean))
    assert valid["ingreso_mensual_hogar"].str.contains(r"^\d+$").all() and valid["personas_hogar"].str.contains(
        r"^[1-8]$").all()
    # Names where the measuring body holds them: follow-up surveys mostly give the document alone.
    assert 0 < valid["primer_nombre"].null_count() < valid.height


def test_households_are_small_and_incomes_sit_around_the_line(incomes, truth):
    bad = invalid_rows(truth["invalid_rows"])
    rows = [row for row in incomes.iter_rows(named=True) if (row["path"], row["row"]) not in bad]
    sizes = [int(row["personas_hogar"]) for row in rows]
    assert set(sizes) <= set(range(1, 9)) and sum(size <= 4 for size in sizes) > 0.75 * len(sizes)
    assert max(sizes) >= 6 and sizes.count(1) == max(sizes.count(size) for size in set(sizes))
    per_head = [int(row["ingreso_mensual_hogar"]) / int(row["personas_hogar"]) / LINE_2024 for row in rows]
    below, above = sum(value < 1 for value in per_head), sum(value >= 1 for value in per_head)
    assert below > above > 0.1 * len(rows) and max(per_head) < 4
    assert any(row["ingreso_mensual_hogar"] == "0" for row in rows)  # a household with no income at all


def test_measurements_arrive_the_month_after_some_late_and_some_corrected(incomes, truth):
    first = MONTHS[0]
    bad = invalid_rows(truth["invalid_rows"])
    lags = defaultdict(int)
    keys = defaultdict(list)
    for row in incomes.iter_rows(named=True):
        if (row["path"], row["row"]) in bad:
            continue
        measured = row["fecha_medicion"][:7]
        assert row["fecha_medicion"] <= month_end(row["received"]).isoformat()
        keys[(number_key(row["tipo_documento"], row["numero_documento"]), row["fecha_medicion"])].append(row)
        if row["received"] == first and measured < first:
            lags["history"] += 1
        else:
            lags[month_index(row["received"]) - month_index(measured)] += 1
    assert lags[1] > lags[2] > 0 and lags["history"] > 0 and not lags[0]
    # A later delivery of a key is a correction: the same person and date, other values.
    corrected = [rows for rows in keys.values() if len(rows) > 1]
    assert len(corrected) >= 2
    for rows in corrected:
        assert len({row["received"] for row in rows}) == len(rows)
        assert len({(row["ingreso_mensual_hogar"], row["personas_hogar"]) for row in rows}) == len(rows)


def test_invalid_rows_point_at_the_offending_cell(truth, files, incomes):
    by_place = {(row["path"], row["row"]): row for row in incomes.iter_rows(named=True)}
    invalid = truth["invalid_rows"].filter(pl.col("source_file").str.contains("_habitanza_calle_|/mediciones_ingreso/"))
    checks = {
        "groups_known": lambda v, _: "HABITANTE_CALLE" in v,
        "municipality_code_shape": lambda v, _: not re.fullmatch(r"\d{5}", v),
        "outcome_belongs_to_programme": lambda v, _: v != OUTCOME,
        "outcome_date_not_in_future": lambda v, _: day_iso(v) > f"{MONTHS[-1]}-31",
        "household_size_positive": lambda v, _: not 1 <= int(v) <= 30,
        "income_whole_pesos": lambda v, _: not re.fullmatch(r"\d+", v),
        "measured_on_not_in_future": lambda v, row: v > month_end(row["received"]).isoformat(),
    }
    for path, row, column, rule in invalid.select("source_file", "source_row", "column", "rule").iter_rows():
        record = by_place[(path, int(row))] if "/mediciones_ingreso/" in path else files[path][1][int(row)]
        assert checks[rule](record[column] or "", record), (path, row, column, rule)
    assert set(invalid["rule"]) == set(checks)


# Claims and their verdicts -----------------------------------------------------------------

ALLOWED = {
    **{scenario: {"VERIFIED/"} for scenario in VERIFIED_SCENARIOS},
    "EARLY_CLAIM": {"VERIFIED/", "PENDING/"}, "LATE_DELIVERY": {"VERIFIED/", "PENDING/"},
    "DUPLICATE": {"DUPLICATE/DUPLICATE"}, "NOT_ENROLLED": {"REJECTED/NOT_ENROLLED"},
    "RESULT_BEFORE_ENROLMENT": {"REJECTED/NOT_ENROLLED"}, "CLAIM_DOC_TYPO": {"REJECTED/NOT_ENROLLED"},
    "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"}, "NO_CONTRACT": {"REJECTED/NO_CONTRACT"},
    "NO_BASELINE": {"REJECTED/NO_BASELINE", "PENDING/"}, "BASELINE_AFTER_WINDOW": {"REJECTED/NO_BASELINE"},
    "NOT_ADDITIONAL": {"REJECTED/NOT_ADDITIONAL"}, "BASELINE_AT_LINE": {"REJECTED/NOT_ADDITIONAL"},
    **{scenario: {"REJECTED/NOT_ABOVE_LINE", "PENDING/"} for scenario in (
        "NOT_ABOVE_LINE", "FOLLOW_UP_PESO_SHORT", "ROSE_BEFORE_WINDOW", "REGISTRY_CORRECTION")},
    "FOLLOW_UP_AFTER_WINDOW": {"REJECTED/NOT_ABOVE_LINE"},
    "INVALID_ROW": {"/"},
}


def test_every_scenario_appears(truth):
    claims = homeless(truth["claims"])
    # One operator runs the programme in this data set: nobody else enrols first.
    assert set(SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"]) <= set(SCENARIOS)
    assert {"VERIFIED", "PENDING", "REJECTED", "DUPLICATE"} <= set(claims["final_status"])
    reasons = set(claims["final_reason"])
    assert {"NO_BASELINE", "NOT_ADDITIONAL", "NOT_ABOVE_LINE", "NO_CONTRACT", "NOT_ENROLLED"} <= reasons
    assert "PENDING" in set(claims["status_when_received"])
    assert truth["outcomes_unclaimed"].filter(pl.col("resultado") == OUTCOME).height > 0


def test_verdicts_agree_with_scenarios(truth):
    for claim in homeless(truth["claims"]).iter_rows(named=True):
        scenario = claim["scenario"]
        assert f"{claim['final_status']}/{claim['final_reason']}" in ALLOWED[scenario], claim
        if scenario in ("EARLY_CLAIM", "LATE_DELIVERY"):
            assert claim["status_when_received"] == "PENDING", claim
        elif scenario in VERIFIED_SCENARIOS or scenario == "REGISTRY_CORRECTION":
            assert claim["status_when_received"] == "VERIFIED", claim
        if scenario != "INVALID_ROW":
            assert claim["resultado"] == OUTCOME
    correction = homeless(truth["claims"]).filter(pl.col("scenario") == "REGISTRY_CORRECTION").row(0, named=True)
    assert correction["final_status"] == "REJECTED"


class FromFiles(ClaimsFromFiles):
    """The rule applied to the files as written: rosters, income extracts, claims and the
    reference table of lines. A person is the document as matching compares it."""

    def __init__(self, files, incomes: pl.DataFrame, invalid: pl.DataFrame, lines: dict[int, int]) -> None:
        bad = invalid_rows(invalid)
        super().__init__(files, bad)
        self.lines = lines
        self.rows = defaultdict(list)
        for path, row, month, kind, number, day, income, people in incomes.select(
                "path", "row", "received", "tipo_documento", "numero_documento", "fecha_medicion",
                "ingreso_mensual_hogar", "personas_hogar").iter_rows():
            if (path, row) not in bad:
                self.rows[number_key(kind, number)].append((month, row, dt.date.fromisoformat(day), int(income),
                                                            int(people)))

    def identity(self, record: dict[str, str]) -> tuple[str, str]:
        return number_key(record["tipo_documento"], record["numero_documento"])

    def line(self, day: dt.date) -> int:
        return self.lines[max(year for year in self.lines if year <= day.year)]

    def seen(self, key, run: str) -> list[tuple[dt.date, bool]]:
        """(date, at or above the line) of each measurement the run sees, in date order."""
        latest = {}
        for month, _, day, income, people in sorted(self.rows[key]):
            if month <= run:
                latest[day] = income >= self.line(day) * people
        horizon = month_end(add_months(run, -1))
        return sorted((day, above) for day, above in latest.items() if day <= horizon)

    def rule(self, key, owner: tuple, run: str) -> tuple[str, str]:
        start = owner[0]
        horizon = month_end(add_months(run, -1))
        measured = self.seen(key, run)
        baseline_to = plus_months(start, 1)
        baselines = [above for day, above in measured if plus_months(start, -3) <= day <= baseline_to]
        if not baselines:
            return ("REJECTED", "NO_BASELINE") if baseline_to <= horizon else ("PENDING", "")
        if baselines[-1]:
            return "REJECTED", "NOT_ADDITIONAL"
        end = plus_months(start, 18)
        if any(above and plus_months(start, 6) <= day <= end for day, above in measured):
            return "VERIFIED", ""
        return ("REJECTED", "NOT_ABOVE_LINE") if end <= horizon else ("PENDING", "")


def test_verdicts_follow_from_the_files(truth, files, incomes, lines):
    derived = FromFiles(files, incomes, truth["invalid_rows"], lines).verdicts(MONTHS[-1], CONTRACT)
    check_verdicts(homeless(truth["claims"]), derived, more_than=30)


def test_unclaimed_rises_follow_from_the_files(truth, files, incomes, lines):
    person_of = people_by_document(truth["people"], "HABITANZA_CALLE")
    unclaimed = FromFiles(files, incomes, truth["invalid_rows"], lines).unclaimed(person_of, MONTHS[-1])
    expected = {(person_of[key], owner[1], owner[0].isoformat()[:7]) for key, owner in unclaimed}
    rows = truth["outcomes_unclaimed"].filter(pl.col("resultado") == OUTCOME)
    assert set(rows.select("person_id", "operador", "enrolment_month").rows()) == expected and expected
    assert (rows["placement_month"] == "").all() and (rows["outcome_month"] >= rows["enrolment_month"]).all()


def test_with_five_operators_one_claims_a_person_the_other_enrolled_first(tmp_path):
    generate(tmp_path, seed=SEED, people=400, months=MONTHS, operators=5)
    claims = homeless(truth_of(tmp_path)["claims"])
    assert {path.split("/")[-1][:6] for path in claims["source_file"]} == {"op-012", "op-013"}
    assert set(SCENARIOS) <= set(claims["scenario"])
    assert set(claims.filter(pl.col("scenario") == "OTHER_OPERATOR")["final_reason"]) == {"OTHER_OPERATOR"}


def test_the_committed_sample_shows_every_scenario():
    claims = homeless(truth_of(SAMPLE_DATA_DIR)["claims"])
    assert set(SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"])
    assert claims.filter(pl.col("final_status") == "VERIFIED").height >= 10
    assert (SAMPLE_DATA_DIR / "contracts" / "op-007_habitanza_calle_2025.yaml").exists()


# The oracle on hand-built cases ------------------------------------------------------------

E = dt.date(2025, 1, 15)
KEY = ("CC", "1098123456")
LINES = {2023: 218_846, 2024: LINE_2024}


def rule(run: str, *rows: tuple[str, int, int, str], start: dt.date = E, lines: dict[int, int] = LINES) -> tuple:
    """The rule for measurements (fecha_medicion, income, people, delivered month)."""
    measured = [Measurement(dt.date.fromisoformat(day), income, people, delivered)
                for day, income, people, delivered in rows]
    oracle = Oracle(Rules(), {KEY: [Listing("2025-01", start, "OP-007")]}, {KEY: measured}, lines,
                    {"OP-007": [CONTRACT]})
    verdict = oracle.rule(KEY, start, run)
    return verdict.status, verdict.reason, verdict.outcome_date


BELOW = ("2025-01-10", 300_000, 2, "2025-02")


@pytest.mark.parametrize(("income", "verdict"), [
    (2 * LINE_2024, ("VERIFIED", "", dt.date(2025, 8, 20))),  # exactly the line times the household
    (2 * LINE_2024 - 1, ("PENDING", "", None)),  # a peso short: the window is still open
])
def test_the_line_times_the_household_is_above_it(income, verdict):
    assert rule("2025-09", BELOW, ("2025-08-20", income, 2, "2025-09")) == verdict


@pytest.mark.parametrize(("day", "verdict"), [
    ("2025-07-15", "VERIFIED"), ("2025-07-14", "REJECTED"),  # E + 6 months is the window's first day
    ("2026-07-15", "VERIFIED"), ("2026-07-16", "REJECTED"),  # E + 18 months its last
])
def test_the_follow_up_window(day, verdict):
    assert rule("2026-08", BELOW, (day, 600_000, 2, "2026-08"))[0] == verdict


@pytest.mark.parametrize(("day", "verdict"), [
    ("2024-10-15", ("VERIFIED", "")), ("2024-10-14", ("REJECTED", "NO_BASELINE")),
    ("2025-02-15", ("VERIFIED", "")), ("2025-02-16", ("REJECTED", "NO_BASELINE")),
])
def test_the_baseline_window(day, verdict):
    assert rule("2025-09", (day, 300_000, 2, "2025-03"), ("2025-08-20", 500_000, 2, "2025-09"))[:2] == verdict


def test_without_a_baseline_the_claim_waits_until_e_plus_1_month_has_passed():
    assert rule("2025-02")[:2] == ("PENDING", "")  # horizon 2025-01-31, before E + 1 month
    assert rule("2025-03")[:2] == ("REJECTED", "NO_BASELINE")


def test_the_latest_baseline_decides_and_a_baseline_at_the_line_is_not_additional():
    above_then_below = [("2024-11-02", 900_000, 2, "2025-01"), BELOW, ("2025-08-20", 500_000, 2, "2025-09")]
    assert rule("2025-09", *above_then_below)[0] == "VERIFIED"
    assert rule("2025-02", ("2025-01-10", 2 * LINE_2024, 2, "2025-02"))[:2] == ("REJECTED", "NOT_ADDITIONAL")


def test_each_measurement_is_compared_with_the_line_of_its_year():
    # 220,000 per head: above 2023's line (218,846), below 2024's (227,220, provisional for 2025).
    enrolled = dt.date(2024, 1, 10)
    assert rule("2024-09", ("2023-12-20", 220_000, 1, "2024-01"), start=enrolled)[:2] == ("REJECTED", "NOT_ADDITIONAL")
    assert rule("2025-03", ("2024-01-05", 220_000, 1, "2024-02"), ("2025-01-20", 220_000, 1, "2025-02"),
                start=enrolled)[:2] == ("PENDING", "")
    days = [(dt.date(year, 6, 1) - dt.date(1970, 1, 1)).days for year in (2021, 2023, 2024, 2025)]
    assert [int(line) for line in extreme_line(days)] == [-1, 218_846, 227_220, 227_220]


def test_a_correction_applies_from_the_extract_that_brings_it():
    rise = ("2025-08-20", 500_000, 2, "2025-09")
    corrected = ("2025-08-20", 420_000, 2, "2025-10")
    assert rule("2025-09", BELOW, rise, corrected)[0] == "VERIFIED"
    assert rule("2025-10", BELOW, rise, corrected)[0] == "PENDING"
    assert rule("2026-08", BELOW, rise, corrected)[:2] == ("REJECTED", "NOT_ABOVE_LINE")


def test_facts_after_the_horizon_wait_even_when_delivered():
    assert rule("2025-08", BELOW, ("2025-08-01", 800_000, 2, "2025-08"))[0] == "PENDING"
