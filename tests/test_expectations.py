"""The great-expectations suites: real GE runs on small frames that satisfy the pandera models."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.verify.expectations import (
    CLAIM_STATUS,
    PARTIAL_UNEXPECTED,
    ExpectationReport,
    validate_claims_verified,
    validate_payments,
    write_report,
)
from schemas.outcomes import DUPLICATE, EVIDENCE_ROWS, NO_FORMAL_JOB, PENDING, REJECTED, VERIFIED, ClaimsVerified
from schemas.payments import Payments

STATUSES = [VERIFIED, PENDING, REJECTED, DUPLICATE, VERIFIED, VERIFIED]
_REASON = {VERIFIED: None, PENDING: None, REJECTED: NO_FORMAL_JOB, DUPLICATE: DUPLICATE}


def _hex(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def claims_verified_frame(statuses: list[str] = STATUSES) -> pl.DataFrame:
    """A valid claims_verified table (checked against the pandera model), one claim per status."""
    n = len(statuses)
    frame = pl.DataFrame(
        {
            "claim_id": [_hex(f"claim{i}", 16) for i in range(n)],
            "source_file": ["reportes/OP-001.csv"] * n,
            "source_sha256": [_hex("reportes/OP-001.csv", 64)] * n,
            "source_row": list(range(2, n + 2)),
            "received_month": ["2025-03"] * n,
            "operator": ["OP-001"] * n,
            "programme": ["EMPLEO"] * n,
            "outcome": ["COLOCACION"] * n,
            "outcome_date": [dt.date(2025, 3, 20)] * n,
            "person_key": [_hex(f"person{i}", 32) for i in range(n)],
            "match_method": ["EXACT"] * n,
            "owner_operator": ["OP-001"] * n,
            "role": [None] * n,
            "enrolled_on": [dt.date(2025, 1, 10)] * n,
            "contract_id": ["EMPLEO-2025"] * n,
            "status": statuses,
            "reason": [_REASON[s] for s in statuses],
            "duplicate_of": [_hex("claim0", 16) if s == DUPLICATE else None for s in statuses],
            "outcome_on": [dt.date(2025, 2, 1) if s == VERIFIED else None for s in statuses],
            "evidence_from": [dt.date(2025, 2, 1)] * n,
            "evidence_to": [dt.date(2025, 4, 30)] * n,
            "evidence_rows": [
                [
                    {"registry": "pila", "source_file": "pila/2025-02.csv", "source_row": i + 2, "fact_date": dt.date(2025, 2, 1),
                     "shows": "period 2025-02 · employer 800197268", "counts": True},
                    {"registry": "pila", "source_file": "pila/2025-03.csv", "source_row": i + 2, "fact_date": dt.date(2025, 3, 1),
                     "shows": "period 2025-03 · employer 800197268", "counts": True},
                ]
                for i in range(n)
            ],
            "verified_since": ["2025-03" if s == VERIFIED else None for s in statuses],
        },
        schema_overrides={"evidence_rows": EVIDENCE_ROWS, "reason": pl.String, "duplicate_of": pl.String, "verified_since": pl.String,
                          "role": pl.String, "outcome_on": pl.Date},
    )
    return ClaimsVerified.validate(frame)


def payments_frame(claims: pl.DataFrame) -> pl.DataFrame:
    """A valid payments table (checked against the pandera model): one payment per VERIFIED claim."""
    verified = claims.filter(pl.col("status") == VERIFIED)
    n = verified.height
    frame = pl.DataFrame(
        {
            "milestone_id": [_hex(f"milestone{c}", 16) for c in verified["claim_id"]],
            "contract_id": verified["contract_id"],
            "contract_sha256": [_hex("contracts/empleo.yaml", 64)] * n,
            "operator": verified["operator"],
            "programme": verified["programme"],
            "outcome": verified["outcome"],
            "role": verified["role"],
            "person_key": verified["person_key"],
            "claim_id": verified["claim_id"],
            "claim_source_file": verified["source_file"],
            "claim_source_row": verified["source_row"],
            "payment_id": [_hex(f"payment{c}", 16) for c in verified["claim_id"]],
            "month_verified": verified["verified_since"],
            "base_price_cop": [1_423_500] * n,
            "premium_percent": [10] * n,
            "premium_cop": [142_350] * n,
            "cap_effect": ["NONE"] * n,
            "cap_reduction_cop": [0] * n,
            "amount_cop": [1_565_850] * n,
            "evidence_rows": verified["evidence_rows"],
        },
        schema_overrides={"month_verified": pl.String},
    )
    return Payments.validate(frame)


@pytest.fixture(scope="module")
def claims() -> pl.DataFrame:
    return claims_verified_frame()


@pytest.fixture(scope="module")
def payments(claims: pl.DataFrame) -> pl.DataFrame:
    return payments_frame(claims)


def _set(frame: pl.DataFrame, row: int, **values) -> pl.DataFrame:
    """The frame with some cells of one row replaced (dtypes kept)."""
    is_row = pl.int_range(pl.len()) == row
    return frame.with_columns(
        pl.when(is_row).then(pl.lit(value, dtype=frame.schema[column])).otherwise(pl.col(column)).alias(column)
        for column, value in values.items()
    )


# --- valid frames ---------------------------------------------------------------------------


def test_valid_claims_verified_passes(claims: pl.DataFrame) -> None:
    report = validate_claims_verified(claims)
    assert report.suite == "claims_verified"
    assert report.success, report.failed
    assert report.failed == ()
    assert report.evaluated == 11
    assert json.loads(report.result_json)["statistics"]["evaluated_expectations"] == 11


def test_valid_payments_pass(payments: pl.DataFrame, claims: pl.DataFrame) -> None:
    report = validate_payments(payments, claims)
    assert report.suite == "payments"
    assert report.success, report.failed
    assert report.evaluated == 11


def test_empty_payments_pass(payments: pl.DataFrame, claims: pl.DataFrame) -> None:
    assert validate_payments(payments.clear(), claims).success
    assert validate_payments(payments.clear(), claims.clear()).success


def test_empty_claims_pass(claims: pl.DataFrame) -> None:
    assert validate_claims_verified(claims.clear()).success


def test_report_is_frozen(claims: pl.DataFrame) -> None:
    report = validate_claims_verified(claims)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.success = False  # type: ignore[misc]


def test_the_report_is_written_under_a_relative_folder_too(claims: pl.DataFrame, tmp_path: Path, monkeypatch) -> None:
    # A warehouse given as a relative path (`--work build/bench`) once stopped the month here.
    monkeypatch.chdir(tmp_path)
    written = write_report(validate_claims_verified(claims), Path("warehouse") / "expectations")
    assert written and all((tmp_path / path).exists() or path.exists() for path in written)
    assert (tmp_path / "warehouse" / "expectations" / "data_docs" / "index.html").exists()


# --- each expectation fails on a frame that breaks it ------------------------------------------

CLAIMS_BREAKS = {
    "status outside the set": (
        lambda c: _set(c, 1, status="PAID"),
        "expect_column_values_to_be_in_set(status)",
    ),
    "duplicate claim_id": (
        lambda c: _set(c, 1, claim_id=c["claim_id"][0]),
        "expect_column_values_to_be_unique(claim_id)",
    ),
    "null claim_id": (
        lambda c: _set(c, 1, claim_id=None),
        "expect_column_values_to_not_be_null(claim_id)",
    ),
    "reason on a VERIFIED claim": (
        lambda c: _set(c, 0, reason=NO_FORMAL_JOB),
        "expect_column_values_to_be_null(reason) where status IN (VERIFIED, PENDING)",
    ),
    "reason on a PENDING claim": (
        lambda c: _set(c, 1, reason=NO_FORMAL_JOB),
        "expect_column_values_to_be_null(reason) where status IN (VERIFIED, PENDING)",
    ),
    "no reason on a REJECTED claim": (
        lambda c: _set(c, 2, reason=None),
        "expect_column_values_to_not_be_null(reason) where status IN (REJECTED, DUPLICATE, REVIEW)",
    ),
    "reason outside the set": (
        lambda c: _set(c, 2, reason="BECAUSE"),
        "expect_column_values_to_be_in_set(reason)",
    ),
    "person_key not a 32-hex key": (
        lambda c: _set(c, 0, person_key="1098765432"),
        "expect_column_values_to_match_regex(person_key)",
    ),
    "match_method outside the set": (
        lambda c: _set(c, 0, match_method="FUZZY"),
        "expect_column_values_to_be_in_set(match_method)",
    ),
    "VERIFIED without verified_since": (
        lambda c: _set(c, 4, verified_since=None),
        "expect_column_values_to_not_be_null(verified_since) where status == VERIFIED",
    ),
    "an extra column": (
        lambda c: c.with_columns(extra=pl.lit(1)),
        "expect_table_columns_to_match_set",
    ),
    "a missing column": (
        lambda c: c.drop("programme"),
        "expect_table_columns_to_match_set",
    ),
}


@pytest.mark.parametrize("case", list(CLAIMS_BREAKS))
def test_claims_expectation_fails_on_a_frame_that_breaks_it(claims: pl.DataFrame, case: str) -> None:
    breaking, expectation = CLAIMS_BREAKS[case]
    report = validate_claims_verified(breaking(claims))
    assert not report.success
    assert report.failed == (expectation,)


PAYMENTS_BREAKS = {
    "payment to a PENDING claim": (
        lambda p, c: (p, c.with_columns(status=pl.lit(PENDING))),
        f"expect_column_values_to_be_in_set({CLAIM_STATUS})",
    ),
    "payment to a REJECTED claim": (
        lambda p, c: (p, _set(c, 0, status=REJECTED, reason=NO_FORMAL_JOB, verified_since=None)),
        f"expect_column_values_to_be_in_set({CLAIM_STATUS})",
    ),
    "payment to a missing claim": (
        lambda p, c: (p, c.filter(pl.col("claim_id") != p["claim_id"][0])),
        f"expect_column_values_to_not_be_null({CLAIM_STATUS})",
    ),
    "payment to a claim_id claims holds twice": (
        lambda p, c: (p, pl.concat([c, c.filter(pl.col("claim_id") == p["claim_id"][0])])),
        f"expect_column_values_to_not_be_null({CLAIM_STATUS})",
    ),
    "negative amount": (
        lambda p, c: (_set(p, 0, amount_cop=-1), c),
        "expect_column_values_to_be_between(amount_cop)",
    ),
    "amount not integer typed": (
        lambda p, c: (p.with_columns(pl.col("amount_cop").cast(pl.Float64)), c),
        "expect_column_values_to_be_of_type(amount_cop)",
    ),
    "null amount": (
        lambda p, c: (_set(p, 0, amount_cop=None), c),
        "expect_column_values_to_not_be_null(amount_cop)",
    ),
    "duplicate milestone": (
        lambda p, c: (_set(p, 1, milestone_id=p["milestone_id"][0]), c),
        "expect_column_values_to_be_unique(milestone_id)",
    ),
    "duplicate payment_id": (
        lambda p, c: (_set(p, 1, payment_id=p["payment_id"][0]), c),
        "expect_column_values_to_be_unique(payment_id)",
    ),
    "null payment_id": (
        lambda p, c: (_set(p, 1, payment_id=None), c),
        "expect_column_values_to_not_be_null(payment_id)",
    ),
    "cap_effect outside the set": (
        lambda p, c: (_set(p, 0, cap_effect="HALF"), c),
        "expect_column_values_to_be_in_set(cap_effect)",
    ),
    "zero base price": (
        lambda p, c: (_set(p, 0, base_price_cop=0), c),
        "expect_column_values_to_be_between(base_price_cop)",
    ),
}


@pytest.mark.parametrize("case", list(PAYMENTS_BREAKS))
def test_payments_expectation_fails_on_a_frame_that_breaks_it(
    payments: pl.DataFrame, claims: pl.DataFrame, case: str
) -> None:
    breaking, expectation = PAYMENTS_BREAKS[case]
    report = validate_payments(*breaking(payments, claims))
    assert not report.success
    assert report.failed == (expectation,)


def test_validation_does_not_touch_its_inputs(payments: pl.DataFrame, claims: pl.DataFrame) -> None:
    before = (payments.clone(), claims.clone())
    validate_payments(payments, claims)
    validate_claims_verified(claims)
    assert payments.equals(before[0]) and claims.equals(before[1])


# --- what the result holds ------------------------------------------------------------------


def test_failed_names_hold_no_cell_values_and_examples_are_capped(claims: pl.DataFrame) -> None:
    many = claims_verified_frame([VERIFIED] * 40)
    broken = many.with_columns(status=pl.format("SECRET-{}", pl.int_range(pl.len())))
    report = validate_claims_verified(broken)
    assert not any("SECRET" in name for name in report.failed)
    document = json.loads(report.result_json)
    (status,) = [
        r for r in document["results"]
        if r["expectation_config"]["type"] == "expect_column_values_to_be_in_set" and r["expectation_config"]["kwargs"]["column"] == "status"
    ]
    assert status["result"]["unexpected_count"] == 40
    assert len(status["result"]["partial_unexpected_list"]) <= PARTIAL_UNEXPECTED
    assert len(status["result"]["partial_unexpected_counts"]) <= PARTIAL_UNEXPECTED


def test_result_json_is_deterministic(claims: pl.DataFrame, payments: pl.DataFrame) -> None:
    first = validate_claims_verified(claims).result_json
    assert validate_claims_verified(claims).result_json == first
    assert validate_payments(payments, claims).result_json == validate_payments(payments, claims).result_json
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", first)  # no UUIDs
    assert "ge_load_time" not in first and "run_time" not in first


# --- write_report ---------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _failing_claims(claims: pl.DataFrame) -> pl.DataFrame:
    return _set(claims, 0, reason=NO_FORMAL_JOB)


@pytest.mark.parametrize("suite", ["claims_verified", "payments"])
def test_write_report_is_deterministic(tmp_path: Path, claims: pl.DataFrame, payments: pl.DataFrame, suite: str) -> None:
    def run() -> ExpectationReport:
        if suite == "claims_verified":
            return validate_claims_verified(_failing_claims(claims))
        return validate_payments(payments, claims.filter(pl.col("claim_id") != payments["claim_id"][0]))

    paths = write_report(run(), tmp_path / "a")
    write_report(run(), tmp_path / "b")
    assert [p.relative_to(tmp_path / "a").as_posix() for p in paths] == [
        "validation_result.json",
        "report.html",
        "data_docs/index.html",
    ]
    assert all(p.is_file() for p in paths)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second
    assert any(name.startswith(f"data_docs/validations/{suite}/") for name in first)
    assert (tmp_path / "a" / "validation_result.json").read_text(encoding="utf-8") == run().result_json


def test_write_report_replaces_the_previous_one(tmp_path: Path, claims: pl.DataFrame) -> None:
    rerun, fresh = tmp_path / "rerun", tmp_path / "fresh"
    write_report(validate_claims_verified(_failing_claims(claims)), rerun)
    write_report(validate_claims_verified(claims), rerun)
    write_report(validate_claims_verified(claims), fresh)
    assert _tree(rerun) == _tree(fresh)


def test_data_docs_and_report_work_offline(tmp_path: Path, claims: pl.DataFrame) -> None:
    write_report(validate_claims_verified(_failing_claims(claims)), tmp_path)
    pages = sorted(tmp_path.rglob("*.html")) + sorted(tmp_path.rglob("*.css"))
    assert len(pages) >= 4  # report, index, validation page, suite page
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), page
        assert not re.search(r"""(src|href)=["']//""", text), page  # protocol-relative
        # Every local reference resolves to a file in the folder.
        for target in re.findall(r"""(?:src|href)=["']([^"'#]+)["']""", text):
            assert (page.parent / target).resolve().is_file(), (page, target)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in report and "<link" not in report
    assert "FAILED" in report
    assert "expect_column_values_to_be_null(reason) where status IN (VERIFIED, PENDING)" in report
