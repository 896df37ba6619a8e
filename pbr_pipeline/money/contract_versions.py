"""A contract that priced a payment does not change under it.

Every payment names the contract file's SHA-256 that priced it. A run that finds a contract
whose file differs from the one that priced a payment of another month refuses, naming the
file and the months it priced: the past would otherwise be repriced silently (and a month
that is already closed could not even show the adjustment). A price change is a new contract
file with a later `valid_from` (docs/contracts.md says how); the old file stays as it was.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pbr_pipeline.core.warehouse import scan_table, stored_months


class EditedContract(RuntimeError):
    """A contract file was edited after it priced payments."""


def edited_contracts(contracts: pl.DataFrame, warehouse: Path, month: str) -> pl.DataFrame:
    """Contracts of `contracts` whose file differs from the one that priced a stored payment of
    a month other than `month` (whose own payments the run replaces): contract_id,
    source_file, and the months whose payments it priced."""
    if not stored_months(warehouse, "payments") - {month}:
        return pl.DataFrame(schema={"contract_id": pl.String, "source_file": pl.String, "months": pl.List(pl.String)})
    priced = (
        scan_table(warehouse, "payments")
        .filter(pl.col("month") != month)
        .select("contract_id", "contract_sha256", "month")
        .unique()
        .collect()
    )
    current = contracts.select("contract_id", "source_file", pl.col("source_sha256").alias("now")).unique()
    return (
        priced.join(current, on="contract_id")
        .filter(pl.col("contract_sha256") != pl.col("now"))
        .group_by("contract_id", "source_file")
        .agg(pl.col("month").unique().sort().alias("months"))
        .sort("contract_id")
    )


def refuse_edited_contracts(contracts: pl.DataFrame, warehouse: Path, month: str) -> None:
    """Raise EditedContract, one line per contract, when a paid milestone's contract changed."""
    edited = edited_contracts(contracts, warehouse, month)
    if edited.height:
        raise EditedContract("\n".join(
            f"{source_file}: the contract {contract_id} was edited after it priced the payments of "
            f"{', '.join(months)}; restore the file as it was and put the change in a new contract file "
            f"with a later valid_from (see docs/contracts.md)"
            for contract_id, source_file, months in edited.iter_rows()
        ))
