"""Great-expectations suites for the two tables verifiers retrace: claims_verified and payments.

The pandera models in `schemas/` stay the single source of truth for columns and value sets;
these suites restate the rules a verifier cares about in great-expectations' terms, so the
month's validation result and its Data Docs can be handed over alongside the tables.

Plain engine functions, no Dagster: the asset checks call `validate_claims_verified`,
`validate_payments` and `write_report`.

Choices worth knowing:
- Every call builds its own ephemeral context (a few milliseconds), so nothing leaks from one
  suite or one month to the next.
- Frames reach great-expectations through Arrow with integer columns as pandas' nullable
  `Int64`, so an integer column stays integer even when it holds a null.
- `evidence_rows` (list of structs) is replaced by its number of rows before validating: no
  expectation reads it, and turning 200k nested lists into Python objects would cost more than
  the whole suite (GE's data fingerprint would also fall back to pickling them). The column
  name stays, so the column-set expectation still sees it.
- "reason is null exactly when the claim is VERIFIED or PENDING" is two conditional
  expectations (`row_condition`): reason null where status in {VERIFIED, PENDING}, reason not
  null where status is any other (REJECTED, DUPLICATE, REVIEW). Together with status in its set that is the
  equivalence. `ExpectColumnPairValuesToBeInSet` could say it in one, but its pandas metric
  loops over rows with `iterrows`, far too slow for a month of claims.
- A payment points at a VERIFIED claim: the payments are left-joined with the claims on
  `claim_id` before validating, and `claim_status` must be in {VERIFIED}; a missing claim (null)
  fails. A claim_id that appears twice in claims counts as missing: a payment must point at
  exactly one claim.
- The result JSON is made deterministic: expectation ids (UUIDs) and GE's batch load time are
  removed and keys are sorted. GE's pandas data fingerprint (an MD5 of the validated frame) is
  kept: it ties the result to the data it was computed on.
- Results use result format SUMMARY with at most `PARTIAL_UNEXPECTED` example values per
  expectation; `failed` holds expectation names only.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import great_expectations as gx
import pandas as pd
import polars as pl
import pyarrow as pa
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier, ValidationResultIdentifier
from great_expectations.expectations.row_conditions import Column, deserialize_row_condition

from pbr_pipeline.core.closing import refuse_if_closed
from pbr_pipeline.core.warehouse import atomic_write_bytes
from schemas.outcomes import MATCH_METHODS, PENDING, REASONS, STATUSES, VERIFIED, ClaimsVerified
from schemas.payments import CAP_EFFECTS, Payments

CLAIMS_SUITE = "claims_verified"
PAYMENTS_SUITE = "payments"
CLAIM_STATUS = "claim_status"
"""Column the payments suite adds: status of the claim each payment points at (null: no such claim)."""

PARTIAL_UNEXPECTED = 5
"""Example unexpected values kept per expectation in the result: enough to find a bug, no more."""
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": PARTIAL_UNEXPECTED}

RESULT_FILE = "validation_result.json"
REPORT_FILE = "report.html"
DATA_DOCS = "data_docs"
_SITE = "local"
_RUN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""Data Docs file their pages under a run time; a fixed one keeps them byte-identical across
reruns. The month is the folder the report is written to, not this time."""


@dataclass(frozen=True)
class ExpectationReport:
    suite: str
    """"claims_verified" or "payments"."""
    success: bool
    evaluated: int
    """Expectations evaluated."""
    failed: tuple[str, ...]
    """Names of failed expectations, e.g. "expect_column_values_to_be_in_set(status)"; never cell values."""
    result_json: str
    """Great-expectations' validation result as JSON: sorted keys, no run times or UUIDs."""


# --- suites ---------------------------------------------------------------------------------


def _model_columns(model) -> list[str]:
    return list(model.to_schema().columns)


def claims_verified_suite() -> gx.ExpectationSuite:
    """What a verifier expects of claims_verified, restated from schemas/outcomes.py."""
    e = gx.expectations
    status = Column("status")
    return gx.ExpectationSuite(
        name=CLAIMS_SUITE,
        expectations=[
            e.ExpectTableRowCountToBeBetween(min_value=0),
            e.ExpectTableColumnsToMatchSet(column_set=_model_columns(ClaimsVerified), exact_match=True),
            e.ExpectColumnValuesToNotBeNull(column="claim_id"),
            e.ExpectColumnValuesToBeUnique(column="claim_id"),
            e.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)),
            e.ExpectColumnValuesToBeInSet(column="reason", value_set=list(REASONS)),
            e.ExpectColumnValuesToBeNull(column="reason", row_condition=status.is_in([VERIFIED, PENDING])),
            e.ExpectColumnValuesToNotBeNull(
                column="reason", row_condition=status.is_in([s for s in STATUSES if s not in (VERIFIED, PENDING)])
            ),
            e.ExpectColumnValuesToMatchRegex(column="person_key", regex=r"^[0-9a-f]{32}$"),
            e.ExpectColumnValuesToBeInSet(column="match_method", value_set=list(MATCH_METHODS)),
            e.ExpectColumnValuesToNotBeNull(column="verified_since", row_condition=status == VERIFIED),
        ],
    )


def payments_suite() -> gx.ExpectationSuite:
    """What a verifier expects of the month's payments, restated from schemas/payments.py."""
    e = gx.expectations
    return gx.ExpectationSuite(
        name=PAYMENTS_SUITE,
        expectations=[
            e.ExpectTableColumnsToMatchSet(column_set=[*_model_columns(Payments), CLAIM_STATUS], exact_match=True),
            e.ExpectColumnValuesToNotBeNull(column="payment_id"),
            e.ExpectColumnValuesToBeUnique(column="payment_id"),
            # A milestone is paid once, ever; within the month it appears once.
            e.ExpectColumnValuesToBeUnique(column="milestone_id"),
            e.ExpectColumnValuesToNotBeNull(column="amount_cop"),
            # Matches numpy int64 and pandas' nullable Int64 (whose `.type` is numpy int64), not
            # float64 or int32: money is Int64 pesos.
            e.ExpectColumnValuesToBeOfType(column="amount_cop", type_="int64"),
            e.ExpectColumnValuesToBeBetween(column="amount_cop", min_value=0),
            e.ExpectColumnValuesToBeInSet(column="cap_effect", value_set=list(CAP_EFFECTS)),
            e.ExpectColumnValuesToBeBetween(column="base_price_cop", min_value=0, strict_min=True),
            # Null (claim missing) is not in the set: ExpectColumnValuesToNotBeNull makes that
            # explicit, since in-set expectations skip nulls.
            e.ExpectColumnValuesToNotBeNull(column=CLAIM_STATUS),
            e.ExpectColumnValuesToBeInSet(column=CLAIM_STATUS, value_set=[VERIFIED]),
        ],
    )


# --- running --------------------------------------------------------------------------------


def _context(data_docs: Path | None = None):
    """A fresh in-memory context: no progress bars, no analytics; with a filesystem Data Docs
    site at `data_docs` when given."""
    sites = {}
    if data_docs is not None:
        sites[_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            # great-expectations takes only an absolute folder (a relative warehouse is common).
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame as great-expectations' pandas engine sees it.

    Integers become pandas' nullable integers (numpy would turn an Int64 column with a null into
    float64); list columns such as `evidence_rows` become their length, struct columns their JSON.
    """
    nested = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List):
            nested.append(pl.col(name).list.len().cast(pl.Int64))
        elif isinstance(dtype, pl.Array):
            nested.append(pl.col(name).arr.len().cast(pl.Int64))
        elif isinstance(dtype, pl.Struct):
            nested.append(pl.col(name).struct.json_encode())
    return frame.with_columns(nested).to_arrow().to_pandas(types_mapper=_NULLABLE_INTEGERS.get)


def _name(result) -> str:
    config = result.expectation_config
    kwargs = config.kwargs
    columns = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    name = f"{config.type}({columns})" if columns else config.type
    condition = kwargs.get("row_condition")
    if condition is not None:
        name += f" where {deserialize_row_condition(condition)!r}"
    return name


def _deterministic_json(result: ExpectationSuiteValidationResult) -> str:
    document = result.to_json_dict()
    document.get("meta", {}).get("batch_markers", {}).pop("ge_load_time", None)
    for item in document.get("results", []):
        item.get("expectation_config", {}).pop("id", None)
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _validate(suite: gx.ExpectationSuite, frame: pd.DataFrame) -> ExpectationReport:
    context = _context()
    batch_definition = (
        context.data_sources.add_pandas("pbr_pipeline")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("month")
    )
    suite = context.suites.add(suite)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format=RESULT_FORMAT)
    return ExpectationReport(
        suite=suite.name,
        success=bool(result.success),
        evaluated=len(result.results),
        failed=tuple(_name(r) for r in result.results if not r.success),
        result_json=_deterministic_json(result),
    )


def validate_claims_verified(claims: pl.DataFrame) -> ExpectationReport:
    """Run the claims_verified suite on the month's claims_verified table."""
    return _validate(claims_verified_suite(), to_pandas(claims))


def validate_payments(payments: pl.DataFrame, claims: pl.DataFrame) -> ExpectationReport:
    """Run the payments suite on the month's payments, each joined with the claim it points at."""
    statuses = claims.select("claim_id", pl.col("status").alias(CLAIM_STATUS)).unique("claim_id", keep="none")
    joined = payments.join(statuses, on="claim_id", how="left", maintain_order="left")
    return _validate(payments_suite(), to_pandas(joined))


# --- writing --------------------------------------------------------------------------------


def write_report(report: ExpectationReport, folder: Path) -> list[Path]:
    """Writes `<folder>/validation_result.json` and Data Docs a verifier can open offline; returns the paths.

    Three entry points, returned in this order:
    - `validation_result.json`: the result itself, as in `report.result_json`;
    - `report.html`: one self-contained page (inline CSS, no scripts): every expectation, pass or
      fail, and its observed counts;
    - `data_docs/index.html`: great-expectations' own Data Docs site, built from the same result
      and rewritten to work offline (see `_make_offline`).
    Everything is rewritten on each call, so a rerun replaces the month's report; the same report
    gives the same bytes.
    """
    folder = Path(folder)
    refuse_if_closed(folder / REPORT_FILE)
    result_path = atomic_write_bytes(folder / RESULT_FILE, report.result_json.encode("utf-8"))
    report_path = atomic_write_bytes(folder / REPORT_FILE, render_report_html(report).encode("utf-8"))
    # The site is built aside and swapped in whole, so a reader never finds half a site.
    building = folder / f".{DATA_DOCS}.building"
    _build_data_docs(report, building)
    shutil.rmtree(folder / DATA_DOCS, ignore_errors=True)
    building.rename(folder / DATA_DOCS)
    return [result_path, report_path, folder / DATA_DOCS / "index.html"]


def _build_data_docs(report: ExpectationReport, site: Path) -> Path:
    shutil.rmtree(site, ignore_errors=True)
    context = _context(site)
    result = ExpectationSuiteValidationResultSchema().load(json.loads(report.result_json))
    # The suite page comes from the expectations as they were validated.
    context.suites.add(
        gx.ExpectationSuite(name=report.suite, expectations=[r.expectation_config.to_domain_obj() for r in result.results])
    )
    batch_ids = [r.expectation_config.kwargs.get("batch_id") for r in result.results]
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(report.suite),
        run_id=RunIdentifier(run_name=report.suite, run_time=_RUN_TIME),
        batch_identifier=next((b for b in batch_ids if b), report.suite),
    )
    result.meta["run_id"] = key.run_id  # for the page's run name and time; not in the JSON
    context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[_SITE])
    _make_offline(site)
    return site / "index.html"


# Data Docs pages load bootstrap, jQuery, bootstrap-table, vega and font-awesome from CDNs and the
# logo from S3. Only GE's own images, fonts and styles ship inside the package, so the CDN tags are
# dropped (pages fall back to the small stylesheet below; their content is server-rendered HTML and
# stays readable), the logo points at the packaged copy, links out are unlinked, random element ids
# are numbered, and static files no page uses are removed.
_REMOTE_LINK = re.compile(r"""<link\b[^>]*\bhref=["']https?://[^>]*>\s*""", re.IGNORECASE)
_REMOTE_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["']https?://[^>]*>\s*</script>\s*""", re.IGNORECASE)
_REMOTE_LOGO = re.compile(r"""\bsrc=["']https?://[^"']*/logo-long\.png[^"']*["']""", re.IGNORECASE)
_REMOTE_CSS_URL = re.compile(r"""url\(\s*["']?https?://[^)]*\)""", re.IGNORECASE)
_REMOTE_HREF = re.compile(r"""\s+href=["']https?://[^"']*["']""", re.IGNORECASE)
_STATIC = re.compile(r"""(["'(])(?:\.\./)*static/""")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_OFFLINE_STYLE = """<style>
/* Offline fallback: the CDN stylesheets are not loaded. */
body { font-family: system-ui, sans-serif; margin: 1em 2em; color: #222; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #ccc; padding: .2em .5em; vertical-align: top; text-align: left; }
nav img { height: 40px; }
.text-danger { color: #b00020; } .text-success { color: #1b7a3a; }
.pbr-offline { border: 1px solid #ccc; padding: .5em 1em; margin: 1em 0; }
</style>
"""


def _make_offline(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        depth = len(page.relative_to(site).parts) - 1
        text = page.read_text(encoding="utf-8")
        text = _REMOTE_LINK.sub("", text)
        text = _REMOTE_SCRIPT.sub("", text)
        text = _REMOTE_LOGO.sub('src="static/images/logo-long.png"', text)
        text = _REMOTE_CSS_URL.sub("none", text)
        text = _REMOTE_HREF.sub("", text)
        # Some pages get the depth of `static/` wrong (GE bug); put every reference right.
        text = _STATIC.sub(lambda m: m.group(1) + "../" * depth + "static/", text)
        numbers: dict[str, str] = {}
        text = _UUID.sub(lambda m: numbers.setdefault(m.group(0), f"id-{len(numbers) + 1}"), text)
        text = text.replace("</head>", _OFFLINE_STYLE + "</head>", 1)
        if page == site / "index.html":
            text = text.replace("<body>", "<body>\n" + _offline_index(site, pages), 1)
        page.write_bytes(text.encode("utf-8"))
    used = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    for asset in sorted((site / "static").rglob("*"), reverse=True):
        if asset.is_file() and asset.relative_to(site).as_posix() not in used:
            asset.unlink()
        elif asset.is_dir() and not any(asset.iterdir()):
            asset.rmdir()


def _offline_index(site: Path, pages: list[Path]) -> str:
    """The index lists its pages with bootstrap-table (a CDN script); this plain list works offline."""
    items = [f'<li><a href="../{REPORT_FILE}">Summary report (self-contained)</a></li>']
    for page in pages:
        relative = page.relative_to(site).as_posix()
        if relative != "index.html":
            items.append(f'<li><a href="{html.escape(relative)}">{html.escape(relative)}</a></li>')
    return '<div class="pbr-offline"><h4>Pages</h4><ul>\n' + "\n".join(items) + "\n</ul></div>\n"


_REPORT_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1b7a3a; font-weight: bold; } .fail { color: #b00020; font-weight: bold; }
code { font-size: .9em; }
"""


def render_report_html(report: ExpectationReport) -> str:
    """One self-contained page from the result JSON: no scripts, no remote assets, no cell values."""
    document = json.loads(report.result_json)
    meta = document.get("meta", {})
    rows = []
    for number, item in enumerate(document.get("results", []), start=1):
        config = item.get("expectation_config", {})
        kwargs = {k: v for k, v in config.get("kwargs", {}).items() if k != "batch_id"}
        result = item.get("result", {})
        observed = result.get("observed_value")
        if isinstance(observed, list):
            observed = f"{len(observed)} values"
        cells = [
            str(number),
            f"<code>{html.escape(config.get('type', ''))}</code>",
            f"<code>{html.escape(json.dumps(kwargs, sort_keys=True, ensure_ascii=False))}</code>",
            '<span class="pass">PASS</span>' if item.get("success") else '<span class="fail">FAIL</span>',
        ]
        numbers = [result.get("element_count"), result.get("unexpected_count"), result.get("unexpected_percent")]
        cells += [f'<td class="num">{_number(value)}</td>' for value in numbers]
        cells.append(html.escape("" if observed is None else str(observed)))
        if item.get("exception_info", {}).get("raised_exception"):
            cells[-1] += " (expectation raised an error)"
        rows.append("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>")
    verdict = '<span class="pass">PASSED</span>' if report.success else '<span class="fail">FAILED</span>'
    failed = "".join(f"<li><code>{html.escape(name)}</code></li>" for name in report.failed) or "<li>none</li>"
    facts = {
        "Suite": report.suite,
        "Expectations evaluated": str(report.evaluated),
        "Failed": str(len(report.failed)),
        "Data fingerprint (GE pandas MD5)": meta.get("batch_markers", {}).get("pandas_data_fingerprint", ""),
        "great-expectations": meta.get("great_expectations_version", ""),
    }
    fact_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(report.suite)}: expectation report</title>
<style>{_REPORT_STYLE}</style>
</head>
<body>
<h1>{html.escape(report.suite)}: {verdict}</h1>
<table>{fact_rows}</table>
<h2>Failed expectations</h2>
<ul>{failed}</ul>
<h2>All expectations</h2>
<table>
<tr><th>#</th><th>Expectation</th><th>Arguments</th><th>Result</th><th>Rows checked</th><th>Unexpected</th><th>Unexpected %</th><th>Observed</th></tr>
{chr(10).join(rows)}
</table>
<p>Full result: <code>{RESULT_FILE}</code>. Great-expectations' own Data Docs: <a href="{DATA_DOCS}/index.html">{DATA_DOCS}/index.html</a>.</p>
</body>
</html>
"""


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
