"""The English programme (BILINGUISMO) in the synthetic-data generator: its files, the exam
registry, its claims and the oracle that decides them, and the employment data it leaves as
it was.

Files are read back with plain Python, openpyxl and polars (the helpers of test_synthetic),
never with pipeline code; the verdicts are re-derived here from the files alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.core.months import add_months, parse_month_range
from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.synthetic import generate
from pbr_pipeline.synthetic.bilinguismo import SCENARIOS, operator_count
from pbr_pipeline.synthetic.bilinguismo.verdicts import Claim, Exam, Listing, Oracle, Rules, decide, identity_key
from pbr_pipeline.synthetic.bilinguismo.verdicts import add_months as oracle_months
from synthetic_checks import (ClaimsFromFiles, check_verdicts, data_set_fixtures, invalid_rows, month_end,
                              people_by_document, plus_months, truth_of)
from test_synthetic import number_key, read_registries, tree_hashes

SEED = 7
MONTHS = parse_month_range("2025-01..2025-08")
SAMPLE = dict(people=400, months=MONTHS, operators=3)
MAKE_SAMPLE = dict(seed=20250101, people=400, months=MONTHS, operators=3)
"""The arguments `make sample` gives."""
CONTRACT = (dt.date(2024, 12, 1), dt.date(2025, 12, 31))
"""The span the generator gives every BILINGUISMO contract for these months."""
LEVELS = {"PRE_A1": 0, "A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "A0": 0, "A-": 0, "B+": 4, "C": 5}
CERTIFIED = {"TRUE_CLAIM", "EARLY_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "TI_CC",
             "ENTRY_TEST_DAY_30", "ENTRY_TEST_LATEST_DECIDES", "ENTRY_TEST_BEFORE_WINDOW", "EXIT_AT_WINDOW_END",
             "EXIT_RETAKEN"}

EMPLEO_DIGESTS = {
    "inbox": "bf9c547d24347593fa6354eac84102400237d7b9efbe78ff15684c027ff660af",
    "ground_truth/claims.csv": "f7fc91d598e5ae9193198ddc13ddb19d78cc1c0f51a903c1b742c233a9c20a5f",
    "ground_truth/people.csv": "c1f958a5989bbb425f3feb86501f89c7db7cf235544ec08bd3f534b72ff8df23",
    "ground_truth/files.csv": "34959f111a93fa09846e1fe56d2f8e4e75c68d4ee80b87feac85dff07d015ba0",
    "ground_truth/invalid_rows.csv": "ddfdf708dd2dadbd960da28d645921572ea47437260d0a9718f7b66e08f9c12f",
    "ground_truth/outcomes_unclaimed.csv": "820ad716761e0bb124017b5d2d08a77b5da46419f9a0efe7e365ee8d1830077f",
}
"""SHA-256 of the employment part of the `make sample` data set as it was before the English
programme was added: the employment inbox files and reference tables, and the employment rows
of each ground-truth CSV (header included). Adding to or changing the English programme must
leave them as they are."""


# Fixtures --------------------------------------------------------------------------------

out, truth, files = data_set_fixtures("bilinguismo", "_bilinguismo_", seed=SEED, **SAMPLE)
"""The data set, its ground truth, and the programme's roster and claims files read back."""


@pytest.fixture(scope="module")
def exams(out, truth) -> pl.DataFrame:
    return read_registries(out, truth["files"], "examenes_ingles")


def bilingual(claims: pl.DataFrame) -> pl.DataFrame:
    return claims.filter(pl.col("source_file").str.contains("_bilinguismo_"))


# Operators, files and people -------------------------------------------------------------

def test_a_quarter_of_the_operators_run_the_english_programme():
    assert [operator_count(n) for n in (1, 3, 5, 12)] == [1, 1, 2, 4]


def test_files_hold_one_operator_and_one_programme(truth, files):
    assert files and {path.split("/")[-1].split("_")[0] for path in files} == {"op-004"}
    for path, (facts, records) in files.items():
        month = path.split("/")[1]
        assert path.endswith((f"op-004_bilinguismo_{month}.csv", f"op-004_bilinguismo_{month}.xlsx")), path
        for record in records.values():
            assert (record["operador"], record["programa"]) == ("OP-004", "BILINGUISMO")
        if "/inscripciones/" in path:
            assert "rol" in records[min(records)]
    shapes = truth["files"].filter(pl.col("path").str.contains("_bilinguismo_")).select("format", "encoding").unique()
    assert {"csv", "xlsx"} <= set(shapes["format"]) and {"utf-8", "cp1252"} <= set(shapes["encoding"])


def test_teachers_are_adults_and_most_students_minors_with_a_ti(truth, files):
    people = truth["people"].filter(pl.col("kind").str.starts_with("BILINGUISMO_"))
    teachers = people.filter(pl.col("kind") == "BILINGUISMO_DOCENTE")
    students = people.filter(pl.col("kind") == "BILINGUISMO_ESTUDIANTE")
    assert teachers.height and (teachers["tipo_documento"] == "CC").all()
    assert (students["tipo_documento"] == "TI").sum() > students.height / 2
    assert (students["tipo_documento"] == "CC").any()
    role_of = {number_key(*documents.split("|")[0].split(":")): kind.removeprefix("BILINGUISMO_")
               for kind, documents in people.select("kind", "documentos").iter_rows()}
    for path, (_, records) in files.items():
        if "/inscripciones/" in path:
            for record in records.values():
                key = number_key(record["tipo_documento"], record["numero_documento"])
                if key in role_of:  # not an invalid row's extra person
                    assert record["rol"] == role_of[key], record
    # Someone enrolled with a TI shows a CC with the same number in a later record.
    scenarios = set(bilingual(truth["claims"])["scenario"])
    assert "TI_CC" in scenarios


# The exam registry -----------------------------------------------------------------------

def test_exams_arrive_the_month_after_they_are_taken(exams, truth):
    first = MONTHS[0]
    checked = exams.filter(pl.col("prueba").is_in(["APTIS_GENERAL", "APTIS_DOCENTES", "SABER11", "OTRA"])
                           & pl.col("momento").is_in(["ENTRADA", "SALIDA"]))
    for month, taken in checked.select("received", "fecha_examen").iter_rows():
        assert taken[:7] < month
        assert month == first or taken[:7] == add_months(month, -1) or taken[:7] < add_months(month, -1)
    # The first extract carries the history; later ones the month before (and corrections).
    assert checked.filter(pl.col("received") == first)["fecha_examen"].str.slice(0, 7).n_unique() > 3
    assert set(truth["files"].filter(pl.col("kind") == "examenes_ingles")["format"]) == {"csv", "parquet"}
    assert set(truth["files"].filter(pl.col("kind") == "examenes_ingles")["month"]) == set(MONTHS)


def test_a_later_extract_corrects_a_result_by_its_key(exams):
    key = ["tipo_documento", "numero_documento", "prueba", "momento", "fecha_examen"]
    assert exams.group_by([*key, "received"]).len()["len"].max() == 1
    versions = exams.group_by(key).agg(pl.col("received").n_unique().alias("extracts"),
                                       pl.col("nivel_mcer").str.to_uppercase().n_unique().alias("levels"))
    assert versions.filter((pl.col("extracts") > 1) & (pl.col("levels") > 1)).height >= 1


def test_levels_come_in_every_spelling(exams):
    written = set(exams["nivel_mcer"])
    assert {"A0", "A-", "B+", "C"} <= written
    assert any(level != level.upper() for level in written)
    assert written - {"B3"} <= set(LEVELS) | {level.lower() for level in LEVELS}
    filled = exams.filter(pl.col("prueba") != "TOEFL")
    assert filled["primer_nombre"].null_count() < filled.height / 4
    assert filled["fecha_nacimiento"].null_count() < filled.height / 3
    assert filled["sexo"].null_count() < filled.height / 4


# Claims and their verdicts ---------------------------------------------------------------

def test_every_scenario_appears(truth):
    claims = bilingual(truth["claims"])
    # One operator runs the programme in this data set: nobody else enrols first.
    assert set(SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"]) <= set(SCENARIOS)
    assert {"VERIFIED", "PENDING", "REJECTED", "DUPLICATE"} <= set(claims["final_status"])
    assert "PENDING" in set(claims["status_when_received"])
    assert truth["outcomes_unclaimed"].filter(pl.col("resultado") == "CERTIFICACION_B1").height > 0


def test_the_committed_sample_shows_every_scenario():
    claims = bilingual(truth_of(SAMPLE_DATA_DIR)["claims"])
    assert set(SCENARIOS) - {"OTHER_OPERATOR"} <= set(claims["scenario"])
    assert claims.filter(pl.col("final_status") == "VERIFIED").height >= 10
    assert (SAMPLE_DATA_DIR / "contracts" / "op-004_bilinguismo_2025.yaml").exists()


def test_with_two_operators_one_claims_a_person_the_other_enrolled_first(tmp_path):
    generate(tmp_path, seed=SEED, people=400, months=MONTHS, operators=5)
    claims = bilingual(truth_of(tmp_path)["claims"])
    assert {path.split("/")[-1][:6] for path in claims["source_file"]} == {"op-006", "op-007"}
    assert set(SCENARIOS) <= set(claims["scenario"])
    assert set(claims.filter(pl.col("scenario") == "OTHER_OPERATOR")["final_reason"]) == {"OTHER_OPERATOR"}


def test_verdicts_agree_with_scenarios(truth):
    expected = {
        **{scenario: {"VERIFIED/"} for scenario in CERTIFIED},
        "EARLY_CLAIM": {"VERIFIED/", "PENDING/"},
        "DUPLICATE": {"DUPLICATE/DUPLICATE"}, "NOT_ENROLLED": {"REJECTED/NOT_ENROLLED"},
        "RESULT_BEFORE_ENROLMENT": {"REJECTED/NOT_ENROLLED"}, "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"},
        "NO_CONTRACT": {"REJECTED/NO_CONTRACT"}, "NO_ENTRY_TEST": {"REJECTED/NO_ENTRY_TEST"},
        "ENTRY_TEST_DAY_31": {"REJECTED/NO_ENTRY_TEST"}, "NOT_ADDITIONAL": {"REJECTED/NOT_ADDITIONAL"},
        "NOT_CERTIFIED": {"REJECTED/NOT_CERTIFIED", "PENDING/"},
        "EXIT_TEST_NOT_ACCEPTED": {"REJECTED/NOT_CERTIFIED", "PENDING/"},
        "EXIT_AFTER_WINDOW": {"REJECTED/NOT_CERTIFIED", "PENDING/"},
        "REGISTRY_CORRECTION": {"REJECTED/NOT_CERTIFIED", "PENDING/"}, "INVALID_ROW": {"/"},
    }
    for claim in bilingual(truth["claims"]).iter_rows(named=True):
        scenario = claim["scenario"]
        assert f"{claim['final_status']}/{claim['final_reason']}" in expected[scenario], claim
        if scenario == "EARLY_CLAIM":
            assert claim["status_when_received"] == "PENDING", claim
        elif scenario in CERTIFIED or scenario == "REGISTRY_CORRECTION":
            assert claim["status_when_received"] == "VERIFIED", claim
        if scenario != "INVALID_ROW":
            assert claim["resultado"] == "CERTIFICACION_B1"
    correction = bilingual(truth["claims"]).filter(pl.col("scenario") == "REGISTRY_CORRECTION").row(0, named=True)
    assert correction["final_status"] == "REJECTED"


class FromFiles(ClaimsFromFiles):
    """The rule applied to the files as written: rosters, exam extracts and claims. A person is
    the document as matching compares it."""

    def __init__(self, files, exams: pl.DataFrame, invalid: pl.DataFrame) -> None:
        bad = invalid_rows(invalid)
        super().__init__(files, bad)
        self.exams = defaultdict(list)
        for path, row, month, kind, number, test, moment, day, level in exams.select(
                "path", "row", "received", "tipo_documento", "numero_documento", "prueba", "momento", "fecha_examen",
                "nivel_mcer").iter_rows():
            if (path, row) not in bad:
                self.exams[number_key(kind, number)].append((month, row, test, moment, dt.date.fromisoformat(day),
                                                             LEVELS[level.upper()]))

    def identity(self, record: dict[str, str]) -> tuple[str, str]:
        return number_key(record["tipo_documento"], record["numero_documento"])

    def seen(self, key, run: str) -> list[tuple]:
        latest = {}
        for month, _, test, moment, day, level in sorted(self.exams[key]):
            if month <= run:
                latest[(test, moment, day)] = (test, moment, day, level)
        horizon = month_end(add_months(run, -1))
        return [exam for exam in latest.values() if exam[2] <= horizon]

    def rule(self, key, owner: tuple, run: str) -> tuple[str, str]:
        start = owner[0]
        horizon = month_end(add_months(run, -1))
        exams = self.seen(key, run)
        low, high = plus_months(start, -3), start + dt.timedelta(days=30)
        entries = sorted((day, level) for _, moment, day, level in exams if moment == "ENTRADA" and low <= day <= high)
        if not entries:
            return ("REJECTED", "NO_ENTRY_TEST") if high <= horizon else ("PENDING", "")
        if entries[-1][1] >= 3:
            return "REJECTED", "NOT_ADDITIONAL"
        end = plus_months(start, 12)
        if any(moment == "SALIDA" and test in {"APTIS_GENERAL", "APTIS_DOCENTES"} and level >= 3 and start <= day <= end
               for test, moment, day, level in exams):
            return "VERIFIED", ""
        return ("REJECTED", "NOT_CERTIFIED") if end <= horizon else ("PENDING", "")


def test_verdicts_follow_from_the_files(truth, files, exams):
    derived = FromFiles(files, exams, truth["invalid_rows"]).verdicts(MONTHS[-1], CONTRACT)
    check_verdicts(bilingual(truth["claims"]), derived, more_than=30)


def test_unclaimed_certifications_follow_from_the_files(truth, files, exams):
    person_of = people_by_document(truth["people"], "BILINGUISMO_")
    unclaimed = FromFiles(files, exams, truth["invalid_rows"]).unclaimed(person_of, MONTHS[-1])
    expected = {(person_of[key], owner[1], owner[0].isoformat()[:7]) for key, owner in unclaimed}
    rows = truth["outcomes_unclaimed"].filter(pl.col("resultado") == "CERTIFICACION_B1")
    assert set(rows.select("person_id", "operador", "enrolment_month").rows()) == expected and expected
    assert (rows["placement_month"] == "").all() and (rows["outcome_month"] >= rows["enrolment_month"]).all()


# The oracle on hand-built cases ----------------------------------------------------------

E = dt.date(2025, 1, 15)
KEY = ("CC", "1098765432")


def oracle(*exams: tuple[str, str, str, str, str], listings=None, contracts=None) -> Oracle:
    """Exams as (momento, prueba, fecha_examen, level, delivered month)."""
    rows = [Exam(test, moment, dt.date.fromisoformat(day), level, delivered)
            for moment, test, day, level, delivered in exams]
    return Oracle(Rules(), listings or {KEY: [Listing("2025-01", E, "OP-004")]}, {KEY: rows},
                  contracts or {"OP-004": [CONTRACT]})


def certification(run: str, *exams) -> tuple[str, str]:
    verdict = oracle(*exams).certification(KEY, E, run)
    return verdict.status, verdict.reason


EXIT = ("SALIDA", "APTIS_GENERAL", "2025-06-10", "B1", "2025-07")


@pytest.mark.parametrize(("entry_on", "verdict"), [
    ("2025-02-14", ("VERIFIED", "")),  # E + 30 days counts
    ("2025-02-15", ("REJECTED", "NO_ENTRY_TEST")),  # E + 31 days does not
    ("2024-10-15", ("VERIFIED", "")),  # E - 3 months counts
    ("2024-10-14", ("REJECTED", "NO_ENTRY_TEST")),  # a day earlier does not
])
def test_the_entry_window_edges(entry_on, verdict):
    entry = ("ENTRADA", "SABER11", entry_on, "A2", "2025-03")
    assert certification("2025-08", entry, EXIT) == verdict


def test_without_an_entry_test_the_claim_waits_until_e_plus_30_days_has_passed():
    # The horizon of the run for 2025-02 is 2025-01-31, before E + 30 days (2025-02-14).
    assert certification("2025-02") == ("PENDING", "")
    assert certification("2025-03") == ("REJECTED", "NO_ENTRY_TEST")


def test_the_latest_entry_test_decides():
    b1_then_a2 = [("ENTRADA", "OTRA", "2024-12-01", "B1", "2025-01"), ("ENTRADA", "APTIS_GENERAL", "2025-01-20", "A2",
                                                                       "2025-02")]
    assert certification("2025-08", *b1_then_a2, EXIT) == ("VERIFIED", "")
    a2_then_b1 = [("ENTRADA", "OTRA", "2024-12-01", "A2", "2025-01"), ("ENTRADA", "SABER11", "2025-01-20", "B2",
                                                                       "2025-02")]
    assert certification("2025-08", *a2_then_b1, EXIT) == ("REJECTED", "NOT_ADDITIONAL")


@pytest.mark.parametrize(("exit_on", "run", "verdict"), [
    ("2026-01-15", "2026-02", ("VERIFIED", "")),  # E + 12 months, the window's last day
    ("2026-01-16", "2026-02", ("REJECTED", "NOT_CERTIFIED")),  # a day later; the window has passed
    ("2026-01-16", "2026-01", ("PENDING", "")),  # horizon 2025-12-31: the window is still open
])
def test_the_certification_window_end(exit_on, run, verdict):
    entry = ("ENTRADA", "APTIS_GENERAL", "2025-01-10", "A1", "2025-02")
    delivered = add_months(exit_on[:7], 1)
    assert certification(run, entry, ("SALIDA", "APTIS_GENERAL", exit_on, "B2", delivered)) == verdict


def test_only_accepted_tests_certify_and_the_first_pass_is_the_outcome():
    entry = ("ENTRADA", "APTIS_GENERAL", "2025-01-10", "A1", "2025-02")
    saber = ("SALIDA", "SABER11", "2025-05-02", "B2", "2025-06")
    assert certification("2026-02", entry, saber) == ("REJECTED", "NOT_CERTIFIED")
    passes = [("SALIDA", "APTIS_DOCENTES", "2025-09-01", "C1", "2025-10"), ("SALIDA", "APTIS_GENERAL", "2025-06-01",
                                                                             "B1", "2025-07")]
    assert oracle(entry, saber, *passes).certification(KEY, E, "2025-12").outcome_date == dt.date(2025, 6, 1)


def test_a_correction_applies_from_the_extract_that_brings_it():
    entry = ("ENTRADA", "APTIS_GENERAL", "2025-01-10", "A1", "2025-02")
    first = ("SALIDA", "APTIS_GENERAL", "2025-03-05", "B1", "2025-04")
    corrected = ("SALIDA", "APTIS_GENERAL", "2025-03-05", "A2", "2025-06")
    assert certification("2025-05", entry, first, corrected) == ("VERIFIED", "")
    assert certification("2025-06", entry, first, corrected) == ("PENDING", "")
    assert certification("2026-02", entry, first, corrected) == ("REJECTED", "NOT_CERTIFIED")


def test_facts_after_the_horizon_are_not_used_even_when_delivered():
    entry = ("ENTRADA", "APTIS_GENERAL", "2025-01-10", "A1", "2025-02")
    assert certification("2025-06", entry, ("SALIDA", "APTIS_GENERAL", "2025-06-02", "B1", "2025-06")) == (
        "PENDING", "")


def test_the_gates_come_first_in_their_order():
    listings = {KEY: [Listing("2025-01", E, "OP-004"), Listing("2025-02", dt.date(2025, 2, 1), "OP-005"),
                      Listing("2025-05", dt.date(2025, 5, 1), "OP-006")]}
    contracts = {"OP-004": [CONTRACT], "OP-005": [CONTRACT]}
    exams = [("ENTRADA", "APTIS_GENERAL", "2025-01-10", "A1", "2025-02"), EXIT]
    judge = oracle(*exams, listings=listings, contracts=contracts)
    claims = [
        Claim("a.csv", 2, "2025-07", "OP-004", KEY, dt.date(2025, 6, 10)),
        Claim("a.csv", 3, "2025-07", "OP-004", identity_key("T.I.", "001098765432"), dt.date(2025, 6, 10)),
        Claim("b.csv", 2, "2025-07", "OP-005", KEY, dt.date(2025, 6, 10)),
        Claim("c.csv", 2, "2025-04", "OP-006", KEY, dt.date(2025, 4, 10)),  # its roster comes in 2025-05
        Claim("c.csv", 3, "2025-07", "OP-006", ("CC", "1"), dt.date(2025, 6, 10)),
        Claim("d.csv", 2, "2025-07", "OP-007", KEY, dt.date(2025, 6, 10)),
    ]
    verdicts = [(d.final.status, d.final.reason) for d in decide(judge, claims, "2025-08")]
    assert verdicts == [("REJECTED", "NOT_ENROLLED"), ("VERIFIED", ""), ("DUPLICATE", "DUPLICATE"),
                        ("REJECTED", "OTHER_OPERATOR"), ("REJECTED", "NOT_ENROLLED"), ("REJECTED", "NOT_ENROLLED")]
    before = oracle(*exams).judge(key=KEY, op="OP-004", fecha=dt.date(2025, 1, 10), claim_month="2025-03",
                                  run="2025-03", duplicate=False)
    assert (before.status, before.reason) == ("REJECTED", "NOT_ENROLLED")  # dated before the enrolment
    late = oracle(*exams, contracts={"OP-004": [(dt.date(2025, 7, 1), dt.date(2025, 12, 31))]}).judge(
        key=KEY, op="OP-004", fecha=dt.date(2025, 6, 10), claim_month="2025-07", run="2025-07", duplicate=False)
    assert (late.status, late.reason) == ("REJECTED", "NO_CONTRACT")


def test_calendar_months_clamp_to_the_month_end():
    assert oracle_months(dt.date(2025, 5, 31), -3) == dt.date(2025, 2, 28)
    assert oracle_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert identity_key("c.c", "1.098.765") == identity_key("TI", "001098765") == ("CC", "1098765")
    assert identity_key("CE", "00123") == ("CE", "00123")


# The employment data stays as it was -----------------------------------------------------

ADDED_AFTER = ("bilinguismo", "examenes_ingles", "_salud_", "/rips/", "_habitanza_calle_", "/mediciones_ingreso/",
               "_emprendimiento_", "/registro_mercantil/", "_credito_mipyme_", "/desembolsos_credito/", "_agro_",
               "/mediciones_productividad/", "metas_plan")
"""Marks of the files of the programmes added after the employment one (BILINGUISMO, then the
health programmes, then HABITANZA_CALLE and EMPRENDIMIENTO, then CREDITO_MIPYME and AGRO), and
of the reference tables added after it (the Plan's targets)."""


def employment_digests(root: Path) -> dict[str, str]:
    """SHA-256 of the employment inbox files and reference tables, and of the employment rows of
    every ground-truth CSV, as the text lines they are written in."""
    inbox = hashlib.sha256()
    for path in sorted([*(root / "inbox").rglob("*"), *(root / "reference").rglob("*")]):
        relative = str(path.relative_to(root))
        if path.is_file() and not any(mark in relative for mark in ADDED_AFTER):
            inbox.update(relative.encode() + b"\0" + path.read_bytes())
    digests = {"inbox": inbox.hexdigest()}
    for name in ("claims", "people", "files", "invalid_rows", "outcomes_unclaimed"):
        lines = (root / "ground_truth" / f"{name}.csv").read_bytes().splitlines(keepends=True)
        if name == "people":  # the added programmes' people (and their invalid rows' people) come last
            first = next((i for i, line in enumerate(lines) if b",BILINGUISMO_" in line), len(lines))
            kept = lines[:first]
        else:
            marks = ((b",CERTIFICACION_B1,", b",CONTROLES_PRENATALES,", b",CASO_ADHERENTE,", b",SUPERA_POBREZA_EXTREMA,",
                      b",EMPRENDIMIENTO_CREADO,", b",AUMENTO_INGRESOS,", b",CREDITO_DESEMBOLSADO,",
                      b",AUMENTO_PRODUCTIVIDAD,")
                     if name == "outcomes_unclaimed" else tuple(mark.encode() for mark in ADDED_AFTER))
            kept = [line for line in lines if not any(mark in line for mark in marks)]
        digests[f"ground_truth/{name}.csv"] = hashlib.sha256(b"".join(kept)).hexdigest()
    return digests


def test_the_committed_sample_is_what_make_sample_writes(tmp_path):
    generate(tmp_path, **MAKE_SAMPLE)
    committed = {name: digest for name, digest in tree_hashes(SAMPLE_DATA_DIR).items()
                 if not name.startswith("contracts/")}
    assert tree_hashes(tmp_path) == committed
    assert employment_digests(tmp_path) == EMPLEO_DIGESTS
