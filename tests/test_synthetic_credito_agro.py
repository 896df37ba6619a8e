"""CREDITO_MIPYME (firms) and AGRO (producer units) in the synthetic-data generator: their files
as docs/formats.md describes them, and a ground truth that the real pipeline reproduces.

The programmes' files of a generated data set (rosters, claims, `desembolsos_credito`,
`mediciones_productividad`, the reference tables) are run month by month through the real job,
with one contract per operator spanning what the generator assumes; every verdict when received
and in the last run, the quarantine and the unclaimed outcomes must be the ground truth's. The
files are also read back with plain Python and polars (the helpers of test_synthetic), and the
generators' oracles are checked on hand-built cases.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.core.keys import person_key_secret, with_person_keys
from pbr_pipeline.core.months import parse_month_range
from pbr_pipeline.core.settings import Settings
from pbr_pipeline.core.warehouse import read_partition, scan_table
from pbr_pipeline.identity.matching import canonical_document
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.runner import run_month
from pbr_pipeline.synthetic import agro, credito, generate
from pbr_pipeline.synthetic.agro.verdicts import Measurement, UnitClaim, UnitListing
from pbr_pipeline.synthetic.agro.verdicts import Oracle as AgroOracle, Rules as AgroRules
from pbr_pipeline.synthetic.credito.verdicts import Oracle as CreditOracle, Report, Rules as CreditRules
from pbr_pipeline.synthetic.dated_verdicts import Listing
from schemas.codes import nit_check_digit
from synthetic_checks import data_set_fixtures, invalid_rows, truth_of
from test_synthetic import day_iso, read_operator_file, tree_hashes

SEED = 7
MONTHS = parse_month_range("2025-01..2025-08")
PROGRAMMES = {"CREDITO_MIPYME": ("_credito_mipyme_", "/desembolsos_credito/", "CREDITO_DESEMBOLSADO"),
              "AGRO": ("_agro_", "/mediciones_productividad/", "AUMENTO_PRODUCTIVIDAD")}
"""Per programme: what its operator files' names hold, its registry folder, its outcome."""
CONTRACT = ("2024-12-01", "2025-12-31")
"""The span the generator gives every contract for these months."""


SAMPLE = dict(people=400, months=MONTHS, operators=3)
"""The committed sample's size (its seed is another)."""


def mine(frame: pl.DataFrame, column: str = "source_file") -> pl.DataFrame:
    """The rows of `frame` whose file belongs to one of the two programmes."""
    marks = [mark for marks in PROGRAMMES.values() for mark in marks[:2]]
    return frame.filter(pl.col(column).str.contains_any(marks))


out, truth, files = data_set_fixtures("credito_agro", "_credito_mipyme_|_agro_", seed=SEED, **SAMPLE)


def read_extracts(out: Path, truth: dict[str, pl.DataFrame], folder: str) -> pl.DataFrame:
    """Every extract of a registry as text, tagged with its month (`received`), file and row."""
    frames = []
    for path, month, fmt in truth["files"].filter(pl.col("path").str.contains(folder)).select(
            "path", "month", "format").iter_rows():
        if fmt == "parquet":
            frame, first = pl.read_parquet(out / path).select(pl.all().cast(pl.String)), 1
        else:
            text = (out / path).read_text(encoding="utf-8")
            delimiter = ";" if text.splitlines()[0].count(";") > 1 else ","
            frame, first = pl.read_csv(out / path, separator=delimiter, infer_schema=False), 2
        frames.append(frame.with_columns(pl.lit(month).alias("received"), pl.lit(path).alias("path"),
                                         pl.int_range(first, first + pl.len()).alias("row")))
    return pl.concat(frames)


@pytest.fixture(scope="module")
def reports(out, truth) -> pl.DataFrame:
    return read_extracts(out, truth, "/desembolsos_credito/")


@pytest.fixture(scope="module")
def measurements(out, truth) -> pl.DataFrame:
    return read_extracts(out, truth, "/mediciones_productividad/")


# Files ---------------------------------------------------------------------------------------

def test_same_seed_gives_the_same_bytes(out, tmp_path):
    generate(tmp_path, seed=SEED, **SAMPLE)
    assert tree_hashes(tmp_path) == tree_hashes(out)


def test_rosters_name_firms_by_nit_and_units_with_their_producer(files, truth):
    firms = agro_units = 0
    for path, (_, records) in files.items():
        if "/inscripciones/" not in path:
            continue
        for record in records.values():
            if record["programa"] == "CREDITO_MIPYME":
                firms += 1
                # The NIT without its check digit (a few with dots), the firm's name, no person.
                assert record["tipo_documento"] == "NIT" and re.fullmatch(r"[\d.]{8,13}", record["numero_documento"])
                assert "primer_nombre" not in record and "fecha_nacimiento" not in record
            else:
                agro_units += 1
                assert record["tipo_documento"] == "CC" and record["primer_nombre"] and record["fecha_nacimiento"]
                assert record.get("unidad_productiva", "") == "" or re.fullmatch(
                    r"UP-\d{5}-\d{4}X?|UP-\d{5}/\d{4}X", record["unidad_productiva"])
    assert firms > 60 and agro_units > 45
    kinds = dict(truth["people"].group_by("kind").len().iter_rows())
    assert kinds["CREDITO_MIPYME"] == 60 and kinds["AGRO_UNIT"] > 45 and kinds["AGRO"] > 30
    units = truth["people"].filter(pl.col("kind") == "AGRO_UNIT")
    assert units["documentos"].str.contains(r"^UP:UP-\d{5}-\d{4}$").all()


def test_some_firms_are_enrolled_by_two_operators_and_some_producers_have_two_units(truth, files):
    firms = truth["people"].filter(pl.col("kind") == "CREDITO_MIPYME")
    assert firms.filter(pl.col("operadores").str.contains("|", literal=True)).height >= 1
    units_of = defaultdict(set)
    for path, (_, records) in files.items():
        if "/inscripciones/" in path and "_agro_" in path:
            for record in records.values():
                if record.get("unidad_productiva"):
                    units_of[record["numero_documento"]].add(record["unidad_productiva"])
    assert sum(len(units) == 2 for units in units_of.values()) >= 3
    assert max(len(units) for units in units_of.values()) == 2


def test_disbursement_reports_follow_formats_md(reports, truth):
    assert reports.columns[:9] == ["tipo_documento", "numero_documento", "razon_social", "entidad", "numero_obligacion",
                                   "fecha_desembolso", "monto", "tamano_empresa", "plazo_meses"]
    bad = invalid_rows(truth["invalid_rows"])
    valid = reports.filter(~pl.struct("path", "row").map_elements(lambda r: (r["path"], r["row"]) in bad,
                                                                   return_dtype=pl.Boolean))
    assert (valid["tipo_documento"] == "NIT").all()
    styles = set()
    for lender in valid["entidad"]:
        digits = lender.replace(".", "")
        assert re.fullmatch(r"\d{9}(-\d)?", digits), lender
        if "-" in digits:
            nit, dv = digits.split("-")
            assert int(dv) == nit_check_digit(nit), lender
        styles.add(("dv" if "-" in lender else "plain") + ("+dots" if "." in lender else ""))
    assert {"dv", "plain", "dv+dots"} <= styles
    sizes = {size.upper().replace("Ñ", "N") for size in valid["tamano_empresa"]}
    assert sizes == {"MICRO", "PEQUENA", "MEDIANA", "GRANDE"}
    assert valid["monto"].str.contains(r"^\d{1,3}(\.\d{3})+$").any() and valid["monto"].str.contains(r"^\d+$").any()
    # Reported in the month of the disbursement or up to four months later (the oldest in the first extract).
    first = valid.sort("received").group_by("numero_documento", "numero_obligacion", maintain_order=True).first()
    lags = {(int(month[:4]) * 12 + int(month[5:])) - (int(day_iso(day)[:4]) * 12 + int(day_iso(day)[5:7]))
            for month, day in first.filter(pl.col("received") > MONTHS[0]).select("received", "fecha_desembolso")
            .iter_rows()}
    assert lags <= {0, 1, 2, 3, 4} and {1, 4} <= lags
    # A correction: the same firm and obligation again in a later month, with other values.
    repeated = valid.group_by("numero_documento", "numero_obligacion").agg(
        pl.len(), pl.col("received").n_unique().alias("months"),
        pl.struct("monto", "tamano_empresa", "plazo_meses").n_unique().alias("versions"))
    corrected = repeated.filter(pl.col("len") > 1)
    assert corrected.height >= 2 and (corrected["months"] == corrected["len"]).all()
    assert (corrected["versions"] > 1).all()


CROP_YIELDS = {"CACAO": (280, 1_400), "CAFE": (600, 2_800), "BANANO": (11_000, 50_000), "OTRO": (3_500, 25_000)}
"""Yields the generator keeps within, kg per hectare: what each crop gives in Santander, with room
for a harvest corrected by up to 15%."""


def test_productivity_measurements_follow_formats_md(measurements, truth):
    assert measurements.columns[:7] == ["tipo_documento", "numero_documento", "unidad_productiva", "cultivo",
                                        "fecha_medicion", "produccion_kg", "area_ha"]
    bad = invalid_rows(truth["invalid_rows"])
    marks = set()
    for path, row, unit, crop, kg, area in measurements.select(
            "path", "row", "unidad_productiva", "cultivo", "produccion_kg", "area_ha").iter_rows():
        if (path, row) in bad:
            continue
        assert re.fullmatch(r"UP-\d{5}-\d{4}", unit.upper()), unit
        assert re.fullmatch(r"\d+([.,]\d{1,4})?", area), area
        marks.add("," if "," in area else "." if "." in area else "")
        hectares = float(area.replace(",", "."))
        low, high = CROP_YIELDS[crop.upper().replace("É", "E")]
        assert low <= int(kg) / hectares <= high, (crop, kg, area)
    assert {",", "."} <= marks


def test_invalid_rows_are_each_about_one_rule(truth):
    invalid = mine(truth["invalid_rows"])
    assert set(invalid["rule"]) == {
        "business_name_required", "enrolment_date_not_in_future", "outcome_belongs_to_programme",
        "lender_nit_check_digit", "amount_whole_pesos", "firm_size_known", "unit_required_for_agro", "unit_id_shape",
        "yield_physically_possible", "area_in_hectares", "crop_known"}
    assert invalid.height == 12


# Scenarios -----------------------------------------------------------------------------------

SCENARIOS = {"CREDITO_MIPYME": credito.SCENARIOS, "AGRO": agro.SCENARIOS}


def claims_of(claims: pl.DataFrame, programme: str) -> pl.DataFrame:
    return claims.filter(pl.col("source_file").str.contains(PROGRAMMES[programme][0]))


def test_every_scenario_appears_and_verdicts_agree_with_it(truth):
    for programme, scenarios in SCENARIOS.items():
        claims = claims_of(truth["claims"], programme)
        # One operator runs AGRO here: nobody else enrols its units first.
        expected = set(scenarios) - ({"OTHER_OPERATOR"} if programme == "AGRO" else set())
        assert expected <= set(claims["scenario"]) <= set(scenarios), (programme, expected - set(claims["scenario"]))
        for claim in claims.iter_rows(named=True):
            assert f"{claim['final_status']}/{claim['final_reason']}" in scenarios[claim["scenario"]], claim
        assert claims.filter(pl.col("final_status") == "VERIFIED").height >= 6, programme
        assert {"VERIFIED", "PENDING", "REJECTED", "DUPLICATE"} <= set(claims["final_status"]), programme
    assert {"CREDITO_DESEMBOLSADO", "AUMENTO_PRODUCTIVIDAD"} <= set(truth["outcomes_unclaimed"]["resultado"])


def test_with_seven_operators_agro_has_two_and_a_second_operator_claims_a_unit(tmp_path):
    generate(tmp_path, seed=SEED, **{**SAMPLE, "operators": 7})
    claims = claims_of(truth_of(tmp_path)["claims"], "AGRO")
    # Seven employment operators, ten of the programmes after them, two of CREDITO_MIPYME (OP-018,
    # OP-019), two of AGRO.
    assert {path.split("/")[-1][:6] for path in claims["source_file"]} == {"op-020", "op-021"}
    assert set(claims.filter(pl.col("scenario") == "OTHER_OPERATOR")["final_reason"]) == {"OTHER_OPERATOR"}


def test_bench_scale_gives_the_plans_targets_three_times_over():
    assert credito.enrolled_count(300_000) == 36_000 and agro.enrolled_count(300_000) == 90
    assert credito.enrolled_count(400) == credito.MIN_FIRMS and agro.enrolled_count(400) == agro.MIN_UNITS


# The real pipeline ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ran(out, truth, tmp_path_factory) -> Settings:
    """The two programmes' files, the reference tables and one contract per operator, run month
    by month through the real job."""
    data = tmp_path_factory.mktemp("credito_agro_data")
    for path in mine(truth["files"], "path")["path"]:
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / path, data / path)
    shutil.copytree(out / "reference", data / "reference")
    (data / "contracts").mkdir()
    operators = {(path.split("/")[-1][:6].upper(), programme) for programme, (mark, _, _) in PROGRAMMES.items()
                 for path in truth["files"]["path"] if mark in path}
    for operator, programme in sorted(operators):
        (data / "contracts" / f"{operator.lower()}.yaml").write_text(
            f"contract_id: {programme[:3]}-{operator}\noperator: {operator}\nprogramme: {programme}\n"
            f"valid_from: {CONTRACT[0]}\nvalid_to: {CONTRACT[1]}\nbudget_cop: 900000000000\n"
            f"milestones:\n  {PROGRAMMES[programme][2]}: {{price_cop: 1000000}}\n")
    settings = Settings(data_dir=data, warehouse=tmp_path_factory.mktemp("credito_agro_warehouse"))
    runs = [run_month(settings, month) for month in inbox_months(data)]
    assert [run.month for run in runs] == MONTHS
    assert all(run.success and not run.failed_checks for run in runs), runs
    return settings


def _verdicts(settings: Settings, month: str) -> dict[tuple[str, int], tuple[str, str]]:
    frame = read_partition(settings.warehouse, "claims_verified", month)
    return {(path, row): (status, reason or "") for path, row, status, reason in
            frame.select("source_file", "source_row", "status", "reason").iter_rows()}


def test_the_pipeline_reproduces_every_verdict_when_received_and_final(ran, truth):
    claims = mine(truth["claims"]).filter(pl.col("scenario") != "INVALID_ROW")
    final = _verdicts(ran, MONTHS[-1])
    assert len(final) == claims.height > 60
    by_month = {month: _verdicts(ran, month) for month in MONTHS}
    for claim in claims.iter_rows(named=True):
        place = (claim["source_file"], int(claim["source_row"]))
        assert by_month[claim["received_month"]][place] == (claim["status_when_received"],
                                                            claim["reason_when_received"]), claim
        assert final[place] == (claim["final_status"], claim["final_reason"]), claim


def test_the_pipeline_quarantines_exactly_the_invalid_rows(ran, truth):
    quarantine = scan_table(ran.warehouse, "rejected_rows").collect()
    expected = mine(truth["invalid_rows"])
    assert sorted(quarantine.select("source_file", "source_row", "column", "rule").rows()) == sorted(
        (path, int(row), column, rule) for path, row, column, rule in
        expected.select("source_file", "source_row", "column", "rule").iter_rows())


def test_the_pipeline_finds_the_unclaimed_outcomes_of_firms_and_units(ran, truth):
    people = with_person_keys(truth["people"].select(
        "person_id", pl.col("tipo_documento").alias("document_type"),
        pl.col("numero_documento").alias("document_number")).with_columns(canonical_document()), person_key_secret())
    outcomes = [outcome for _, _, outcome in PROGRAMMES.values()]
    unclaimed = truth["outcomes_unclaimed"].filter(pl.col("resultado").is_in(outcomes))
    expected = set(unclaimed.join(people, on="person_id").select(
        "person_key", "resultado", "operador", "outcome_month").rows())
    found = read_partition(ran.warehouse, "outcomes_unclaimed", MONTHS[-1])
    assert set(found.filter(pl.col("outcome").is_in(outcomes)).select(
        "person_key", "outcome", "owner_operator", "outcome_month").rows()) == expected
    assert len(expected) == unclaimed.height
    assert {outcome for _, outcome, _, _ in expected} == set(outcomes)


# The oracles on hand-built cases -------------------------------------------------------------

E = dt.date(2024, 3, 15)
FAR = "2030-01"
NIT = ("NIT", "900123456")


def credit(*reports: tuple[str, str, str], run: str = FAR) -> tuple[str, str]:
    """The CREDITO_DESEMBOLSADO rule for a firm enrolled on E with these (date, size, delivered) reports."""
    rows = [Report(f"OB{n}", dt.date.fromisoformat(day), size, delivered)
            for n, (day, size, delivered) in enumerate(reports)]
    oracle = CreditOracle(CreditRules(), {NIT: [Listing("2024-03", E, "OP-004")]}, {NIT: rows}, {})
    verdict = oracle.rule(NIT, E, run)
    return verdict.status, verdict.reason


def test_credit_window_lookback_sizes_and_the_four_month_lag():
    assert credit(("2025-03-15", "PEQUENA", "2025-03")) == ("VERIFIED", "")
    assert credit(("2025-03-16", "PEQUENA", "2025-03")) == ("REJECTED", "NO_CREDIT")
    assert credit(("2023-03-15", "MICRO", "2023-03"), ("2024-06-01", "MICRO", "2024-06")) == (
        "REJECTED", "NOT_ADDITIONAL")
    assert credit(("2023-03-14", "MICRO", "2023-03"), ("2024-06-01", "MICRO", "2024-06")) == ("VERIFIED", "")
    assert credit(("2024-06-01", "GRANDE", "2024-06")) == ("REJECTED", "NOT_ELIGIBLE")
    # E + 12 months is 2025-03-15: the run of 2025-07 sees facts up to 2025-03-31.
    assert credit(run="2025-07") == ("REJECTED", "NO_CREDIT") and credit(run="2025-06") == ("PENDING", "")
    assert credit(("2024-06-01", "MICRO", "2024-10"), run="2024-09") == ("PENDING", "")
    # A later report of the obligation replaces the first from the month it arrives in.
    late = [("2024-06-01", "MICRO", "2024-07"), ("2024-06-01", "GRANDE", "2024-12")]
    rows = [Report("OB1", dt.date.fromisoformat(day), size, delivered) for day, size, delivered in late]
    oracle = CreditOracle(CreditRules(), {}, {NIT: rows}, {})
    assert [oracle.rule(NIT, E, run).status for run in ("2024-10", "2024-12", "2025-07")] == [
        "VERIFIED", "PENDING", "REJECTED"]


PRODUCER = ("CC", "63555123")


def listing(unit: str, day: str, op: str = "OP-005", row: int = 2) -> UnitListing:
    return UnitListing("2024-03", dt.date.fromisoformat(day), op, unit, "inbox/2024-03/inscripciones/x.csv", row)


def harvest(day: str, kg: int, m2: int, crop: str = "CACAO", delivered: str = "2025-09") -> Measurement:
    on = dt.date.fromisoformat(day)
    return Measurement(on, on, crop, kg, m2, delivered)


def rise(*rows: Measurement, run: str = FAR) -> tuple[str, str]:
    oracle = AgroOracle(AgroRules(), {PRODUCER: [listing("UP-68001-0042", "2024-03-15")]},
                        {("UP", "UP-68001-0042"): list(rows)}, {})
    verdict = oracle.rule(("UP", "UP-68001-0042"), E, run)
    return verdict.status, verdict.reason


def test_yield_rise_baseline_area_crop_and_windows():
    base = harvest("2024-01-20", 500, 10_000)
    assert rise(base, harvest("2025-01-15", 600, 10_000)) == ("VERIFIED", "")  # E + 10 months
    assert rise(base, harvest("2025-01-14", 600, 10_000)) == ("REJECTED", "NO_YIELD_RISE")
    assert rise(base, harvest("2025-07-20", 599, 10_000)) == ("REJECTED", "NO_YIELD_RISE")
    assert rise(base, harvest("2025-07-20", 660, 11_000)) == ("VERIFIED", "")  # area +10%, yield +20%
    assert rise(base, harvest("2025-07-20", 700, 11_001)) == ("REJECTED", "NO_YIELD_RISE")  # area just over
    assert rise(base, harvest("2025-07-20", 900, 10_000, crop="CAFE")) == ("REJECTED", "NO_YIELD_RISE")
    assert rise(harvest("2023-03-14", 500, 10_000), harvest("2025-07-20", 900, 10_000)) == ("REJECTED", "NO_BASELINE")
    assert rise(harvest("2023-03-14", 500, 10_000), run="2024-03") == ("PENDING", "")
    # The latest baseline decides; the window ends at E + 24 months, on or before the horizon.
    assert rise(base, harvest("2024-03-10", 700, 10_000), harvest("2025-07-20", 800, 10_000)) == (
        "REJECTED", "NO_YIELD_RISE")
    assert rise(base, run="2026-04") == ("REJECTED", "NO_YIELD_RISE") and rise(base, run="2026-03") == ("PENDING", "")


def test_a_producers_claim_is_about_the_unit_soporte_names_else_the_operators_first():
    oracle = AgroOracle(AgroRules(), {PRODUCER: [listing("UP-68001-0043", "2024-03-20", row=3),
                                                 listing("UP-68001-0042", "2024-03-15", op="OP-006"),
                                                 listing("UP-68001-0044", "2024-03-20", row=2)]}, {}, {})

    def about(support: str, op: str = "OP-005") -> str:
        claim = UnitClaim("x", 1, "2025-01", op, PRODUCER, dt.date(2025, 1, 15), support)
        return oracle.subject(claim, "2025-01")[1]

    assert about(" up-68001-0042 ") == "UP-68001-0042"
    assert about("") == "UP-68001-0044"  # its own, the earliest enrolled, then the first row of the roster
    assert about("", op="OP-007") == "UP-68001-0042"
