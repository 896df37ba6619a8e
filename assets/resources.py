"""Dagster resources: the inbox the assets read and the IO manager that stores their tables."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from pbr_pipeline.core.warehouse import read_partition, write_partition


class InboxResource(dg.ConfigurableResource):
    """The data directory: `inbox/<YYYY-MM>/…`, `reference/`, `contracts/`."""

    data_dir: str

    @property
    def path(self) -> Path:
        return Path(self.data_dir)


class ParquetIOManager(dg.ConfigurableIOManager):
    """Stores each asset partition as `<warehouse>/<asset>/month=YYYY-MM/part-0.parquet`.

    Written here rather than taken from dagster-polars, which cannot read under polars 2.
    """

    warehouse: str

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        path = write_partition(obj, Path(self.warehouse), context.asset_key.path[-1], context.partition_key)
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        table = context.asset_key.path[-1]
        months = context.asset_partition_keys
        frames = [read_partition(Path(self.warehouse), table, month) for month in sorted(months)]
        return pl.concat(frames, how="vertical") if len(frames) != 1 else frames[0]


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse folder, for assets that read whole months of earlier partitions (the
    as-of state) rather than one partition through the IO manager."""

    warehouse: str

    @property
    def path(self) -> Path:
        return Path(self.warehouse)
