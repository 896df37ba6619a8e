"""The tables analysts read, and every text value a table holds: what the privacy tests search
for document numbers, NITs, unit ids, names and diagnoses."""

from __future__ import annotations

import polars as pl

from pbr_pipeline.definitions import defs


def _tagged_for_analysts() -> tuple[str, ...]:
    graph = defs.resolve_asset_graph()
    names = (key.to_user_string() for key in graph.get_all_asset_keys()
             if graph.get(key).tags.get("pbr/access") == "analysts")
    # The run manifest is a JSON file of hashes and counts, not a table (tests/test_monthly_run.py).
    return tuple(sorted(name for name in names if name != "run_manifest"))


ANALYST_TABLES = _tagged_for_analysts()
"""Every asset the definitions tag `pbr/access: analysts` that is a table: read from the tags,
so a table added for analysts is searched too."""


def text_values(frame: pl.DataFrame) -> set[str]:
    """Every text value of `frame`, nested lists and structs (evidence rows) included."""
    values: set[str] = set()
    for column in frame.columns:
        series = frame.get_column(column)
        while isinstance(series.dtype, (pl.List, pl.Struct)):
            if isinstance(series.dtype, pl.List):
                series = series.explode()
            else:
                for field in series.struct.fields:
                    values |= text_values(series.struct.field(field).to_frame())
                break
        if series.dtype == pl.String:
            values |= set(series.drop_nulls().to_list())
    return values
