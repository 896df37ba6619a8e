"""The background registry rows of a large data set (synthetic/background.py): every file is read
by the real intake and every row passes the real registry models; sizes follow the constants;
no document, NIT or unit id is one the other generated files use; same seed, same bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.intake.ingest import ingest_table
from pbr_pipeline.intake.validate import validate_table
from pbr_pipeline.programmes.agro import PRODUCTIVITY_MEASUREMENTS
from pbr_pipeline.programmes.credito_mipyme import CREDIT_DISBURSEMENTS
from pbr_pipeline.programmes.emprendimiento import BUSINESS_REGISTRY
from pbr_pipeline.programmes.income import INCOME_MEASUREMENTS
from pbr_pipeline.synthetic import background
from pbr_pipeline.synthetic.background import BACKGROUND_FROM, write_background
from pbr_pipeline.synthetic.timeline import Timeline

SEED = 5
PEOPLE = BACKGROUND_FROM
MONTHS = ["2025-01", "2025-02", "2025-03"]
TABLES = {
    "registro_mercantil": (BUSINESS_REGISTRY.table, "registro_mercantil"),
    "desembolsos_credito": (CREDIT_DISBURSEMENTS.table, "desembolsos"),
    "mediciones_productividad": (PRODUCTIVITY_MEASUREMENTS.table, "mediciones_productividad"),
    "mediciones_ingreso": (INCOME_MEASUREMENTS.table, "mediciones"),
}
"""Registry folder -> the pipeline's input table and the files' stem."""
AGRO_UNIT = re.compile(r"^UP-\d{5}-\d{4}$")


def write(out: Path, taken: set[str], people: int = PEOPLE):
    lines: list[str] = []
    records = write_background(out, seed=SEED, people=people, timeline=Timeline.of(MONTHS), taken=set(taken),
                               say=lines.append)
    return records, lines


def tree(out: Path) -> dict[str, str]:
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def taken(tmp_path_factory) -> set[str]:
    """Numbers the other files hold: some of those a first draw with the same seed gives the
    background in every registry (so avoiding them is tested for real), half of them with
    leading zeros (the pipeline reads `00123` as `123`)."""
    first = tmp_path_factory.mktemp("first")
    records, _ = write(first, set())
    drawn = []
    for folder in TABLES:
        numbers = pl.concat([pl.read_parquet(first / record.path, columns=["numero_documento"])
                             for record in records if record.kind == folder])
        drawn += numbers["numero_documento"].unique().sort().to_list()[::20]
    return set(drawn[::2]) | {"00" + number for number in drawn[1::2]}


@pytest.fixture(scope="module")
def written(tmp_path_factory, taken):
    out = tmp_path_factory.mktemp("background")
    records, lines = write(out, taken)
    return out, records, lines


@pytest.fixture(scope="module")
def valid(written) -> dict[str, dict[str, pl.DataFrame]]:
    """Per registry folder and inbox month, the rows the real intake and validation keep;
    every row must be kept."""
    out, records, _ = written
    kept: dict[str, dict[str, pl.DataFrame]] = {}
    for folder, (table, _) in TABLES.items():
        for month in MONTHS:
            ingested = ingest_table(out, month, table)
            assert [report.error for report in ingested.files] == [None]
            checked = validate_table(ingested.frame, table)
            assert checked.rejected.height == 0, checked.rejected.head(5)
            record = next(r for r in records if r.kind == folder and r.month == month)
            assert checked.valid.height == record.data_rows == ingested.frame.height
            kept.setdefault(folder, {})[month] = checked.valid
    return kept


def test_one_parquet_file_per_registry_and_month(written):
    out, records, lines = written
    expected = {f"inbox/{month}/registros/{folder}/{stem}_otros_{month}.parquet"
                for folder, (_, stem) in TABLES.items() for month in MONTHS}
    assert {record.path for record in records} == expected == set(tree(out))
    assert len(records) == 12
    assert all(record.format == "parquet" and record.operador == "" and record.header_row is None
               and record.encoding == "" and record.delimiter == "" and not record.broken for record in records)
    # Progress lines: counts with thousands separators, no document.
    assert len(lines) == 4 and all(re.search(r"\d,\d{3} rows", line) for line in lines)
    assert not any(re.search(r"\d{4}", line) for line in lines)


def test_every_row_is_read_and_valid(valid, written):
    # The intake rejects a file without rows as a whole: no month may be empty at this size.
    assert min(record.data_rows for record in written[1]) > 0
    assert {folder: sum(frame.height for frame in months.values()) > 0 for folder, months in valid.items()} == {
        folder: True for folder in TABLES}


def test_the_business_registry_has_a_metropolitan_stock_renewed_registered_and_cancelled(valid):
    months = valid["registro_mercantil"]
    stock = months["2025-01"]
    assert abs(stock.height - 0.25 * PEOPLE) <= 0.1 * 0.25 * PEOPLE
    assert set(stock["registration_status"]) == {"ACTIVA"}
    assert stock["registration_number"].n_unique() == stock.height == stock["document_number"].n_unique()
    later = pl.concat([months["2025-02"], months["2025-03"]])
    # Renewed for 2025 in January and February: 59 of the 90 days of the renewal season.
    renewed = later.filter(pl.col("last_renewed_year") == 2025).height
    assert abs(renewed - background.RENEWING * stock.height * 59 / 90) <= 0.1 * renewed
    new = later.join(stock, on="registration_number", how="anti")
    assert abs(new.height - background.REGISTERING * stock.height * 2 / 12) <= 0.3 * new.height
    cancelled = later.filter(pl.col("registration_status") == "CANCELADA")
    assert abs(cancelled.height - background.CANCELLING * stock.height * 2 / 12) <= 0.3 * cancelled.height
    # A cancelled matrícula is cancelled after it is registered and carries the date.
    assert cancelled["cancelled_on"].null_count() == 0
    assert (cancelled["cancelled_on"] >= cancelled["registered_on"]).all()


def test_disbursements_units_and_incomes_follow_the_constants(valid):
    credits = valid["desembolsos_credito"]
    for month in MONTHS[1:]:
        assert abs(credits[month].height - 0.1 * PEOPLE / 12) <= 0.3 * 0.1 * PEOPLE / 12
        incomes = valid["mediciones_ingreso"][month]
        assert abs(incomes.height - 0.05 * PEOPLE / 12) <= 0.3 * 0.05 * PEOPLE / 12
    # The first month also carries the year before it.
    assert credits["2025-01"].height > 8 * credits["2025-02"].height
    every = pl.concat(credits.values())
    assert every["document_number"].n_unique() <= 0.08 * PEOPLE
    assert every["obligation"].n_unique() == every.height
    shares = every.group_by("firm_size").len().with_columns(pl.col("len") / every.height)
    assert dict(shares.iter_rows())["MICRO"] == pytest.approx(0.72, abs=0.05)
    units = pl.concat(valid["mediciones_productividad"].values())
    assert abs(units["unit_id"].n_unique() - 0.01 * PEOPLE) <= 0.1 * 0.01 * PEOPLE
    assert not units["unit_id"].str.contains(AGRO_UNIT.pattern).any()
    # Two visits a year, six months apart, after the crop's harvests.
    visits = units.group_by("unit_id").agg(pl.col("measured_on").dt.month().unique().sort().alias("months"), pl.len())
    assert visits["len"].is_between(1, 3).all()
    assert set(visits["months"].list.len()) <= {1, 2}
    assert visits.filter(pl.col("months").list.len() == 2).select(
        (pl.col("months").list.last() - pl.col("months").list.first() == 6).all()).item()


def test_no_number_is_taken_or_names_two_kinds_of_subject(valid, taken):
    in_use = {number.lstrip("0") for number in taken}
    documents = {folder: set(pl.concat(months.values())["document_number"].to_list())
                 for folder, months in valid.items()}
    for folder, numbers in documents.items():
        assert not numbers & in_use, folder
    folders = list(documents)
    for position, folder in enumerate(folders):
        for other in folders[position + 1:]:
            assert not documents[folder] & documents[other], (folder, other)
    lenders = {nit.split("-")[0] for nit in pl.concat(valid["desembolsos_credito"].values())["lender_nit"].to_list()}
    assert len(lenders) == len(background.LENDERS)
    assert not lenders & (in_use | documents["desembolsos_credito"])
    # A producer per unit, a household per measurement.
    units = pl.concat(valid["mediciones_productividad"].values())
    assert units.select("unit_id", "document_number").unique().height == units["unit_id"].n_unique()
    incomes = pl.concat(valid["mediciones_ingreso"].values())
    assert incomes["document_number"].n_unique() == incomes.height


def test_the_same_seed_gives_the_same_bytes_and_a_small_data_set_none(written, taken, tmp_path):
    out, _, _ = written
    write(tmp_path / "again", taken)
    assert tree(tmp_path / "again") == tree(out)
    other = write_background(tmp_path / "other", seed=SEED + 1, people=PEOPLE, timeline=Timeline.of(MONTHS),
                             taken=set(taken), say=lambda line: None)
    assert tree(tmp_path / "other") != tree(out) and len(other) == 12
    assert write(tmp_path / "small", taken, people=BACKGROUND_FROM - 1) == ([], [])
    assert not (tmp_path / "small").exists() or not any((tmp_path / "small").rglob("*"))
