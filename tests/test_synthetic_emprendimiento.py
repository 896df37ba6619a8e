"""EMPRENDIMIENTO in the synthetic-data generator: its files, the chamber of commerce's business
registry, the programme's income measurements, its claims of both outcomes and the oracle that
decides them.

Files are read back with plain Python and polars (the helpers of test_synthetic), never with
pipeline code; the verdicts are re-derived here from the files alone (rosters, claims,
matrículas, income extracts), with a third implementation of both rules, and the generator's
oracle is checked on hand-built cases. test_sample runs the committed sample through the real
pipeline against the same ground truth.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import polars as pl
import pytest

from pbr_pipeline.core.months import add_months, parse_month_range
from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.synthetic import generate
from pbr_pipeline.synthetic.emprendimiento import operator_count
from pbr_pipeline.synthetic.emprendimiento.registry import COLUMNS
from pbr_pipeline.synthetic.emprendimiento.truth import GATE_SCENARIOS, SCENARIOS, VERIFIED_SCENARIOS
from pbr_pipeline.synthetic.emprendimiento.verdicts import Listing, Matricula, Measurement, Oracle, Rules
from pbr_pipeline.synthetic.timeline import month_index
from synthetic_checks import (ClaimsFromFiles, check_verdicts, data_set_fixtures, invalid_rows, month_end,
                              people_by_document, plus_months, truth_of)
from test_synthetic import day_iso, number_key, read_registries

SEED = 7
MONTHS = parse_month_range("2025-01..2025-08")
SAMPLE = dict(people=400, months=MONTHS, operators=3)
CONTRACT = (dt.date(2024, 12, 1), dt.date(2025, 12, 31))
CREATED, RISE = "EMPRENDIMIENTO_CREADO", "AUMENTO_INGRESOS"


def entrepreneurs(claims: pl.DataFrame) -> pl.DataFrame:
    return claims.filter(pl.col("source_file").str.contains("_emprendimiento_"))


out, truth, files = data_set_fixtures("emprendimiento", "_emprendimiento_", seed=SEED, **SAMPLE)
"""The data set, its ground truth, and the programme's roster and claims files read back."""


@pytest.fixture(scope="module")
def businesses(out, truth) -> pl.DataFrame:
    return read_registries(out, truth["files"], "registro_mercantil")


@pytest.fixture(scope="module")
def incomes(out, truth) -> pl.DataFrame:
    """The programme's income extracts, beside HABITANZA_CALLE's in the same folder."""
    return read_registries(out, truth["files"].filter(pl.col("path").str.contains("/mediciones_emprendedores_")),
                           "mediciones_ingreso")


# Operators, files and people ---------------------------------------------------------------

def test_one_operator_after_the_others_sending_csv(truth, files):
    assert [operator_count(n) for n in (1, 3, 5, 12)] == [1, 1, 2, 4]
    assert files and {path.split("/")[-1].split("_")[0] for path in files} == {"op-008"}
    for path, (facts, records) in files.items():
        assert path.endswith(f"op-008_emprendimiento_{path.split('/')[1]}.csv") and facts["format"] == "csv", path
        for record in records.values():
            assert (record["operador"], record["programa"]) == ("OP-008", "EMPRENDIMIENTO")
    claims = entrepreneurs(truth["claims"])
    assert {CREATED, RISE} <= set(claims["resultado"])


def test_entrepreneurs_are_adults_mostly_women(truth):
    people = truth["people"].filter(pl.col("kind") == "EMPRENDIMIENTO")
    assert people.height >= 80 and (people["sexo"] == "F").sum() > 0.5 * people.height
    born = people["fecha_nacimiento"].str.to_date()
    assert born.max() <= dt.date(2007, 1, 31) and born.min() >= dt.date(1963, 1, 1)


# The business registry ---------------------------------------------------------------------

def test_matriculas_have_the_columns_of_formats_md(out, truth, businesses):
    listed = truth["files"].filter(pl.col("kind") == "registro_mercantil")
    assert sorted(listed["month"]) == MONTHS and set(listed["format"]) == {"csv"}
    for path in listed["path"]:
        assert re.fullmatch(r"inbox/(\d{4}-\d{2})/registros/registro_mercantil/registro_mercantil_\1\.csv", path)
        header = (out / path).read_text().splitlines()[0]
        assert tuple(header.replace(";", ",").split(",")) == COLUMNS
    bad = invalid_rows(truth["invalid_rows"])
    rows = [row for row in businesses.iter_rows(named=True) if (row["path"], row["row"]) not in bad]
    for row in rows:
        assert row["estado_matricula"] in {"ACTIVA", "CANCELADA"}
        assert (row["estado_matricula"] == "CANCELADA") == bool(row["fecha_cancelacion"]), row
        assert re.fullmatch(r"\d{4}", row["cod_ciiu"]) and re.fullmatch(r"\d{6}", row["matricula"])
        assert row["fecha_matricula"] <= month_end(row["received"]).isoformat()
        if row["ultimo_ano_renovado"]:
            assert row["fecha_matricula"][:4] < row["ultimo_ano_renovado"] == row["fecha_renovacion"][:4]
            assert row["fecha_renovacion"][5:7] in {"01", "02", "03"}
    assert any(row["cod_ciiu"].startswith("0") for row in rows)  # a class with its leading zero kept
    assert any(row["razon_social"] for row in rows) and any(not row["razon_social"] for row in rows)


def test_matriculas_arrive_the_month_after_and_again_when_they_change(businesses, truth):
    bad = invalid_rows(truth["invalid_rows"])
    versions = defaultdict(list)
    for row in businesses.sort("received", "row").iter_rows(named=True):
        if (row["path"], row["row"]) not in bad:
            versions[(number_key(row["tipo_documento"], row["numero_documento"]), row["matricula"])].append(row)
    renewed = cancelled = 0
    for rows in versions.values():
        first = rows[0]
        lag = month_index(first["received"]) - month_index(first["fecha_matricula"][:7])
        assert lag == 1 or (first["received"] == MONTHS[0] and lag > 1), first
        assert len({row["received"] for row in rows}) == len(rows)  # one version per extract
        for earlier, later in zip(rows, rows[1:]):
            changed = {name for name in ("estado_matricula", "ultimo_ano_renovado", "fecha_cancelacion")
                       if earlier[name] != later[name]}
            assert changed, (earlier, later)
            renewed += "ultimo_ano_renovado" in changed
            cancelled += "fecha_cancelacion" in changed
    assert renewed > 3 and cancelled >= 2


def test_income_measurements_sit_beside_habitanzas(out, truth, incomes):
    listed = truth["files"].filter(pl.col("path").str.contains("/mediciones_emprendedores_"))
    assert sorted(listed["month"]) == MONTHS and set(listed["kind"]) == {"mediciones_ingreso"}
    households = defaultdict(set)
    for row in incomes.iter_rows(named=True):
        households[number_key(row["tipo_documento"], row["numero_documento"])].add(row["personas_hogar"])
        assert row["fecha_medicion"] <= month_end(row["received"]).isoformat()
    assert all(len(sizes) == 1 for sizes in households.values())
    assert (incomes["ingreso_mensual_hogar"] == "0").any()  # a household with no income at its baseline


def test_invalid_rows_point_at_the_offending_cell(truth, files, businesses):
    by_place = {(row["path"], row["row"]): row for row in businesses.iter_rows(named=True)}
    invalid = truth["invalid_rows"].filter(pl.col("source_file").str.contains("_emprendimiento_|/registro_mercantil/"))
    checks = {
        "sex_required": lambda v, _: v == "",
        "exit_date_not_before_enrolment": lambda v, row: day_iso(v) < day_iso(row["fecha_inscripcion"]),
        "outcome_belongs_to_programme": lambda v, _: v not in (CREATED, RISE),
        "outcome_date_not_in_future": lambda v, _: day_iso(v) > f"{MONTHS[-1]}-31",
        "registration_status_known": lambda v, _: v not in {"ACTIVA", "CANCELADA"},
        "cancelled_on_only_when_cancelled": lambda v, row: v != "" and row["estado_matricula"] == "ACTIVA",
        "ciiu_code_shape": lambda v, _: not re.fullmatch(r"\d{4}", v),
    }
    for path, row, column, rule in invalid.select("source_file", "source_row", "column", "rule").iter_rows():
        record = by_place[(path, int(row))] if "/registro_mercantil/" in path else files[path][1][int(row)]
        assert checks[rule](record[column] or "", record), (path, row, column, rule)
    assert set(invalid["rule"]) == set(checks)


# Claims and their verdicts -----------------------------------------------------------------

ALLOWED = {
    **{scenario: {"VERIFIED/"} for scenario in VERIFIED_SCENARIOS},
    "EARLY_CLAIM": {"VERIFIED/", "PENDING/"},
    "DUPLICATE": {"DUPLICATE/DUPLICATE"}, "NOT_ENROLLED": {"REJECTED/NOT_ENROLLED"},
    "RESULT_BEFORE_ENROLMENT": {"REJECTED/NOT_ENROLLED"}, "CLAIM_DOC_TYPO": {"REJECTED/NOT_ENROLLED"},
    "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"}, "NO_CONTRACT": {"REJECTED/NO_CONTRACT"},
    **{scenario: {"REJECTED/NO_BUSINESS", "PENDING/"} for scenario in (
        "NO_BUSINESS", "BUSINESS_BEFORE_ENROLMENT", "REGISTERED_AFTER_WINDOW")},
    **{scenario: {"REJECTED/NOT_ACTIVE"} for scenario in (
        "CANCELLED", "CANCELLED_ON_C", "NOT_RENEWED", "FIRST_MATRICULA_DECIDES", "REGISTRY_CORRECTION")},
    "NO_BASELINE": {"REJECTED/NO_BASELINE"},
    **{scenario: {"REJECTED/NO_INCOME_RISE", "PENDING/"} for scenario in ("NO_INCOME_RISE", "RISE_PESO_SHORT")},
    "INVALID_ROW": {"/"},
}


def test_every_scenario_appears(truth):
    claims = entrepreneurs(truth["claims"])
    for outcome, scenarios in SCENARIOS.items():
        mine = claims.filter(pl.col("resultado") == outcome)
        assert set(scenarios) <= set(mine["scenario"]) <= set(scenarios) | set(GATE_SCENARIOS), outcome
        assert {"VERIFIED", "PENDING", "REJECTED"} <= set(mine["final_status"]), outcome
    # One operator runs the programme in this data set: nobody else enrols first.
    assert set(GATE_SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"])
    assert {"NO_BUSINESS", "NOT_ACTIVE", "NO_BASELINE", "NO_INCOME_RISE"} <= set(claims["final_reason"])
    assert {CREATED, RISE} <= set(truth["outcomes_unclaimed"]["resultado"])


def test_verdicts_agree_with_scenarios(truth):
    for claim in entrepreneurs(truth["claims"]).iter_rows(named=True):
        scenario = claim["scenario"]
        assert f"{claim['final_status']}/{claim['final_reason']}" in ALLOWED[scenario], claim
        if scenario == "EARLY_CLAIM":
            assert claim["status_when_received"] == "PENDING", claim
        elif scenario in VERIFIED_SCENARIOS or scenario == "REGISTRY_CORRECTION":
            assert claim["status_when_received"] == "VERIFIED", claim


class FromFiles(ClaimsFromFiles):
    """Both rules applied to the files as written. A person is the document as matching
    compares it; a claim says its outcome."""

    def __init__(self, files, businesses: pl.DataFrame, incomes: pl.DataFrame, invalid: pl.DataFrame) -> None:
        bad = invalid_rows(invalid)
        super().__init__(files, bad)
        # A claim's identity carries its outcome (a claim repeats an earlier one of its operator,
        # person and outcome); a person's listings serve both outcomes.
        outcome = {(path, row): record["resultado"] for path, (_, records) in files.items() if "/reportes/" in path
                   for row, record in records.items()}
        self.claims = [(month, path, row, op, (key, outcome[(path, row)]), fecha)
                       for month, path, row, op, key, fecha in self.claims]
        self.listings = defaultdict(list, {(key, name): rows for key, rows in list(self.listings.items())
                                           for name in (CREATED, RISE)})
        self.matriculas = defaultdict(list)
        for path, row, month, kind, number, matricula, registered, status, cancelled, renewed in businesses.select(
                "path", "row", "received", "tipo_documento", "numero_documento", "matricula", "fecha_matricula",
                "estado_matricula", "fecha_cancelacion", "ultimo_ano_renovado").iter_rows():
            if (path, row) not in bad:
                self.matriculas[number_key(kind, number)].append((month, row, matricula, dt.date.fromisoformat(
                    registered), status, cancelled, int(renewed) if renewed else 0))
        self.incomes = defaultdict(list)
        for month, row, kind, number, day, income, people in incomes.select(
                "received", "row", "tipo_documento", "numero_documento", "fecha_medicion", "ingreso_mensual_hogar",
                "personas_hogar").iter_rows():
            self.incomes[number_key(kind, number)].append((month, row, dt.date.fromisoformat(day), int(income),
                                                           int(people)))

    def identity(self, record: dict[str, str]) -> tuple[str, str]:
        return number_key(record["tipo_documento"], record["numero_documento"])

    def business(self, key, start: dt.date, run: str) -> tuple[str, str]:
        horizon = month_end(add_months(run, -1))
        latest = {}
        for month, _, matricula, registered, status, cancelled, renewed in sorted(self.matriculas[key]):
            if month <= run:
                latest[matricula] = (registered, status, cancelled, renewed)
        found = sorted(value for value in latest.values() if start <= value[0] <= plus_months(start, 12)
                       and value[0] <= horizon)
        if not found:
            return ("REJECTED", "NO_BUSINESS") if plus_months(start, 12) <= horizon else ("PENDING", "")
        registered, status, cancelled, renewed = found[0]
        c = plus_months(registered, 6)
        if status == "CANCELADA" and dt.date.fromisoformat(cancelled) <= c:
            return "REJECTED", "NOT_ACTIVE"
        if c > horizon:
            return "PENDING", ""
        owed = c.year if c > dt.date(c.year, 3, 31) else c.year - 1
        if owed > registered.year and renewed < owed:
            return "REJECTED", "NOT_ACTIVE"
        return "VERIFIED", ""

    def rule(self, identity, owner: tuple, run: str) -> tuple[str, str]:
        key, outcome = identity
        start = owner[0]
        business = self.business(key, start, run)
        if outcome == CREATED:
            return business
        horizon = month_end(add_months(run, -1))
        latest = {}
        for month, _, day, income, people in sorted(self.incomes[key]):
            if month <= run and day <= horizon:
                latest[day] = (income, people)
        measured = sorted(latest.items())
        baselines = [value for day, value in measured if plus_months(start, -3) <= day <= plus_months(start, 1)]
        if not baselines and plus_months(start, 1) <= horizon:
            return "REJECTED", "NO_BASELINE"
        if business[0] == "REJECTED":
            return "REJECTED", "NO_BUSINESS"
        end = plus_months(start, 18)
        base_income, base_people = baselines[-1] if baselines else (0, 0)
        rose = baselines and any(plus_months(start, 6) <= day <= end and income > 0
                                 and income * base_people * 100 >= base_income * people * 120
                                 for day, (income, people) in measured)
        if rose and business[0] == "VERIFIED":
            return "VERIFIED", ""
        return ("REJECTED", "NO_INCOME_RISE") if not rose and end <= horizon else ("PENDING", "")


def test_verdicts_follow_from_the_files(truth, files, businesses, incomes):
    derived = FromFiles(files, businesses, incomes, truth["invalid_rows"]).verdicts(MONTHS[-1], CONTRACT)
    check_verdicts(entrepreneurs(truth["claims"]), derived, more_than=40)


def test_unclaimed_outcomes_follow_from_the_files(truth, files, businesses, incomes):
    person_of = people_by_document(truth["people"], "EMPRENDIMIENTO")
    checker = FromFiles(files, businesses, incomes, truth["invalid_rows"])
    found = checker.unclaimed([(key, outcome) for key in person_of for outcome in (CREATED, RISE)], MONTHS[-1])
    expected = {(person_of[key], owner[1], outcome, owner[0].isoformat()[:7]) for (key, outcome), owner in found}
    rows = truth["outcomes_unclaimed"].filter(pl.col("resultado").is_in([CREATED, RISE]))
    assert set(rows.select("person_id", "operador", "resultado", "enrolment_month").rows()) == expected and expected


def test_with_five_operators_a_second_operator_claims_a_business_another_enrolled_first(tmp_path):
    generate(tmp_path, seed=SEED, people=400, months=MONTHS, operators=5)
    claims = entrepreneurs(truth_of(tmp_path)["claims"])
    assert {path.split("/")[-1][:6] for path in claims["source_file"]} == {"op-014", "op-015"}
    for outcome, scenarios in SCENARIOS.items():
        assert set(scenarios) <= set(claims.filter(pl.col("resultado") == outcome)["scenario"]), outcome
    assert set(GATE_SCENARIOS) <= set(claims["scenario"])


def test_the_committed_sample_shows_every_scenario():
    claims = entrepreneurs(truth_of(SAMPLE_DATA_DIR)["claims"])
    for outcome, scenarios in SCENARIOS.items():
        mine = claims.filter(pl.col("resultado") == outcome)
        assert set(scenarios) <= set(mine["scenario"]), outcome
        assert mine.filter(pl.col("final_status") == "VERIFIED").height >= 4, outcome
    assert set(GATE_SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"])
    assert (SAMPLE_DATA_DIR / "contracts" / "op-008_emprendimiento_2025.yaml").exists()


# The oracle on hand-built cases ------------------------------------------------------------

E = dt.date(2025, 1, 15)
KEY = ("CC", "1098765000")


def oracle(matriculas=(), measurements=()) -> Oracle:
    """Matrículas as (number, registered, cancelled, renewed for, delivered); measurements as
    (day, income, people, delivered)."""
    rows = [Matricula(number, dt.date.fromisoformat(day), cancelled and dt.date.fromisoformat(cancelled), renewed,
                      delivered) for number, day, cancelled, renewed, delivered in matriculas]
    incomes = [Measurement(dt.date.fromisoformat(day), income, people, delivered)
               for day, income, people, delivered in measurements]
    return Oracle(Rules(), {KEY: [Listing("2025-01", E, "OP-008")]}, {KEY: rows}, {KEY: incomes},
                  {"OP-008": [CONTRACT]})


def created(run: str, *matriculas) -> tuple:
    verdict = oracle(matriculas).business(KEY, E, run)
    return verdict.status, verdict.reason, verdict.outcome_date


def test_a_matricula_alive_six_months_on_verifies_on_c():
    assert created("2025-09", ("1", "2025-03-10", None, None, "2025-04")) == ("PENDING", "", None)
    assert created("2025-10", ("1", "2025-03-10", None, None, "2025-04")) == ("VERIFIED", "", dt.date(2025, 9, 10))
    assert created("2026-02", ("1", "2026-01-16", None, None, "2026-02"))[:2] == ("REJECTED", "NO_BUSINESS")
    assert created("2026-02", ("1", "2026-01-15", None, None, "2026-02"))[:2] == ("PENDING", "")  # E + 12 months


def test_a_cancellation_on_or_before_c_rejects_at_once():
    registered = ("1", "2025-03-10", None, None, "2025-04")
    on_c = ("1", "2025-03-10", "2025-09-10", None, "2025-05")
    assert created("2025-05", registered, on_c)[:2] == ("REJECTED", "NOT_ACTIVE")  # before C has passed
    day_after = ("1", "2025-03-10", "2025-09-11", None, "2025-10")
    assert created("2025-10", registered, day_after)[0] == "VERIFIED"


def test_the_renewal_of_31_march_is_owed_only_once_c_is_after_it():
    september = oracle([("1", "2025-09-30", None, None, "2025-10")])
    start = dt.date(2025, 9, 1)
    assert september.business(KEY, start, "2026-04").status == "VERIFIED"  # C = 2026-03-30: none owed yet
    october = [("1", "2025-10-01", None, None, "2025-11")]
    assert oracle(october).business(KEY, start, "2026-05").reason == "NOT_ACTIVE"  # C = 2026-04-01: 2026's owed
    renewed = october + [("1", "2025-10-01", None, 2026, "2026-03")]
    assert oracle(renewed).business(KEY, start, "2026-05").status == "VERIFIED"


def test_the_first_matricula_decides():
    first = ("1", "2025-02-01", "2025-04-01", None, "2025-05")
    second = ("2", "2025-05-01", None, None, "2025-06")
    assert created("2026-02", first, second)[:2] == ("REJECTED", "NOT_ACTIVE")


def rise(run: str, *measurements, business=("1", "2025-02-01", None, None, "2025-03")) -> tuple:
    verdict = oracle([business] if business else [], measurements).income(KEY, E, run)
    return verdict.status, verdict.reason


def test_a_fifth_more_per_head_after_a_verified_business():
    baseline = ("2025-01-10", 500_000, 1, "2025-02")
    assert rise("2025-09", baseline, ("2025-07-20", 600_000, 1, "2025-08")) == ("VERIFIED", "")  # exactly +20%
    assert rise("2025-09", baseline, ("2025-07-20", 599_999, 1, "2025-08")) == ("PENDING", "")
    assert rise("2025-09", baseline, ("2025-07-20", 1_200_000, 2, "2025-08")) == ("VERIFIED", "")  # per head
    assert rise("2025-09", ("2025-01-10", 0, 2, "2025-02"), ("2025-07-20", 1, 2, "2025-08")) == ("VERIFIED", "")
    no_business = ("2025-07-20", 900_000, 1, "2025-08")
    assert rise("2025-09", baseline, no_business, business=None) == ("PENDING", "")  # E + 12 months to come
    assert rise("2026-02", baseline, no_business, business=None) == ("REJECTED", "NO_BUSINESS")
    assert rise("2025-03", ("2025-02-16", 500_000, 1, "2025-03")) == ("REJECTED", "NO_BASELINE")
    assert rise("2026-08", baseline, ("2025-07-20", 550_000, 1, "2025-08")) == ("REJECTED", "NO_INCOME_RISE")
