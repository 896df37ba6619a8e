"""Splink's charts of a model and of its links, as HTML that opens offline.

- `match_weights.html`: every comparison level's match weight (log2 m/u) and the prior;
- `waterfall.html`: for each pair given (the links in review), how the prior and each field's
  weight add up to the final match weight.
Both embed Vega, Vega-Lite and Vega-Embed from the Splink package itself (`to_html(inline=True)`,
the engine of Splink's `save_offline_chart`), so no browser ever fetches a script. The
waterfall shows weights only, never the names or numbers behind them (habeas data).
"""

from __future__ import annotations

from pbr_pipeline.core.warehouse import atomic_write_bytes

from pathlib import Path

import polars as pl

from .model import LinkageModel
from .scoring import level_labels

WATERFALL_MAX_PAIRS = 500
"""A waterfall beyond a few hundred pairs is unreadable; the first ones (by left_id) are drawn."""


def _settings_object(model: LinkageModel):
    from splink import SettingsCreator

    return SettingsCreator.from_path_or_dict(model.settings).get_settings("duckdb")


def write_charts(model: LinkageModel, pairs: pl.DataFrame, folder: Path) -> list[Path]:
    """Write the match-weights chart and a waterfall of `pairs` (when any) into `folder`."""
    from splink.internals.charts import WaterfallChart
    from splink.internals.waterfall_chart import records_to_waterfall_data

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    settings = _settings_object(model)
    written = []
    weights = folder / "match_weights.html"
    atomic_write_bytes(weights, (settings.match_weights_chart().to_html(inline=True)).encode("utf-8"))
    written.append(weights)
    if pairs.height:
        gammas = []
        for comparison in model.settings["comparisons"]:
            name = comparison["output_column_name"]
            by_label = {label: gamma for gamma, label in level_labels(comparison).items()}
            gammas.append(pl.col(f"level_{name}").replace_strict(by_label, return_dtype=pl.Int64).alias(f"gamma_{name}"))
        records = (pairs.sort(["left_id", "match_weight"], descending=[False, True]).head(WATERFALL_MAX_PAIRS)
                   .select("match_weight", "match_probability", *gammas).to_dicts())
        chart = WaterfallChart(records_to_waterfall_data(records, settings, True), filter_nulls=True)
        waterfall = folder / "waterfall.html"
        atomic_write_bytes(waterfall, (chart.to_html(inline=True)).encode("utf-8"))
        written.append(waterfall)
    return written
