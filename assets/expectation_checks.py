"""great-expectations suites on the tables verifiers sign off: claims_verified and payments.

Each check writes its validation result, a self-contained report and GE's Data Docs beside
the tables, in `<warehouse>/expectations/<suite>/month=YYYY-MM/`, for a verifier to open.
"""

import dagster as dg
import polars as pl

from assets.partitions import monthly_partitions
from pbr_pipeline.verify.expectations import ExpectationReport, validate_claims_verified, validate_payments, write_report
from assets.resources import WarehouseResource


def _result(report: ExpectationReport, warehouse: WarehouseResource, month: str) -> dg.AssetCheckResult:
    folder = warehouse.path / "expectations" / report.suite / f"month={month}"
    written = write_report(report, folder)
    return dg.AssetCheckResult(
        passed=report.success,
        metadata={
            "expectations_evaluated": report.evaluated,
            "expectations_failed": ", ".join(report.failed) or "none",
            "report": dg.MetadataValue.path(str(next(path for path in written if path.name == "report.html"))),
            "data_docs": dg.MetadataValue.path(str(folder / "data_docs" / "index.html")),
        },
    )


@dg.asset_check(
    asset="claims_verified",
    blocking=True,
    partitions_def=monthly_partitions,
    description="great-expectations suite: statuses and reasons from their value sets, a reason exactly "
    "when rejected, unique claim ids, well-formed person keys and match methods.",
)
def claims_verified_meet_expectations(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, claims_verified: pl.DataFrame
) -> dg.AssetCheckResult:
    return _result(validate_claims_verified(claims_verified), warehouse, context.partition_key)


@dg.asset_check(
    asset="payments",
    blocking=True,
    partitions_def=monthly_partitions,
    additional_ins={"claims_verified": dg.AssetIn("claims_verified")},
    description="great-expectations suite: unique payment and milestone ids, amounts in whole pesos "
    "≥ 0, known cap effects, and every payment pointing at a VERIFIED claim.",
)
def payments_meet_expectations(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    payments: pl.DataFrame,
    claims_verified: pl.DataFrame,
) -> dg.AssetCheckResult:
    return _result(validate_payments(payments, claims_verified), warehouse, context.partition_key)


expectation_checks = [claims_verified_meet_expectations, payments_meet_expectations]
