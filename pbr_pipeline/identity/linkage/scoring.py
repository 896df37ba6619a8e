"""Scoring: blocking, comparisons and match probabilities for every candidate pair (Splink).

Memory is what bounds a national registry (ten million people) against a month of claimants:
- registry rows that share no blocking key with any claimant cannot be in a pair, so they are
  dropped before DuckDB sees them: the rules are plain equalities, so each row's key under
  each rule is hashed and looked up among the claimants' keys, one slice of the registry at a
  time (the names behind the pairs stay in DuckDB; only ids, weights and levels come back);
- DuckDB runs with a memory limit and a private spill folder;
- large inputs are predicted in chunks of the left side, each chunk's pairs leaving DuckDB as
  soon as they are scored.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .model import LinkageModel, canonical_json
from .normalise import CANDIDATE_BLOCK, ensure_folded
from .session import LEFT_TABLE, linker_over
from .settings import parse_rule_sql, rule_sql

PAIRS_PER_CHUNK = 4_000_000
"""Rough bound on the candidate pairs DuckDB holds at once (each left chunk)."""


RIGHT_SLICE_ROWS = 2_000_000
"""The right file is folded and pruned this many rows at a time, so only one slice's
temporaries are alive at once."""


def blocking_keys(settings: dict) -> list[tuple[tuple[str, str], ...]] | None:
    """The equalities of every prediction blocking rule; None when one is not plain equalities."""
    rules = [parse_rule_sql(rule if isinstance(rule, str) else rule["blocking_rule"])
             for rule in settings["blocking_rules_to_generate_predictions"]]
    return None if any(rule is None for rule in rules) else rules


def _key_hashes(frame: pl.DataFrame, rules, side: int) -> pl.DataFrame:
    """One u64 per rule and row: a hash of the row's key under that rule (the xor of each key
    column's hash, seeded by its position), null when a key column is null (nulls never
    block). Equal keys give equal hashes on both sides; a rare collision only lets an extra
    row through to Splink, which blocks exactly."""
    columns = []
    for number, rule in enumerate(rules):
        hashes = [pl.col(pair[side]).hash(seed=101 + i) for i, pair in enumerate(rule)]
        combined = hashes[0]
        for more in hashes[1:]:
            combined = combined.xor(more)
        present = pl.all_horizontal([pl.col(pair[side]).is_not_null() for pair in rule])
        columns.append(pl.when(present).then(combined).alias(f"rule{number}"))
    return frame.select(columns)


def _matching(hashes: pl.DataFrame, wanted: dict[str, pl.Series]) -> pl.Series:
    """Rows whose key under some rule is among the wanted keys of that rule."""
    mask = pl.repeat(False, hashes.height, eager=True)
    for column, values in wanted.items():
        mask = mask | hashes[column].is_in(values.implode()).fill_null(False)
    return mask


def _distinct_keys(hashes: pl.DataFrame) -> dict[str, pl.Series]:
    return {column: hashes[column].drop_nulls().unique() for column in hashes.columns}


def fold_and_prune(left: pl.DataFrame, right: pl.DataFrame, rules, id_column: str
                   ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Fold both sides, the right one slice by slice, keeping only rows that share some
    blocking key with the other side; also returns an upper bound on the candidate pairs."""
    left_n = ensure_folded(left, id_column)
    if rules is None:
        right_n = ensure_folded(right, id_column)
        return left_n, right_n, left_n.height * right_n.height
    left_hashes = _key_hashes(left_n, rules, 0)
    wanted = _distinct_keys(left_hashes)
    kept, kept_hashes = [], []
    for offset in range(0, max(right.height, 1), RIGHT_SLICE_ROWS):
        piece = ensure_folded(right.slice(offset, RIGHT_SLICE_ROWS), id_column)
        hashes = _key_hashes(piece, rules, 1)
        mask = _matching(hashes, wanted)
        kept.append(piece.filter(mask))
        kept_hashes.append(hashes.filter(mask))
    right_n, right_hashes = pl.concat(kept), pl.concat(kept_hashes)
    mask = _matching(left_hashes, _distinct_keys(right_hashes))
    left_n, left_hashes = left_n.filter(mask), left_hashes.filter(mask)
    bound = 0
    for column in left_hashes.columns:
        joined = (left_hashes[column].drop_nulls().value_counts(name="n_l")
                  .join(right_hashes[column].drop_nulls().value_counts(name="n_r"), on=column))
        bound += int((joined["n_l"].cast(pl.Int64) * joined["n_r"].cast(pl.Int64)).sum() or 0)
    return left_n, right_n, bound


def score(left: pl.DataFrame, right: pl.DataFrame, model: LinkageModel, *, memory_limit: str = "6GB",
          temp_dir: Path | None = None, id_column: str = "id", threads: int | None = None) -> pl.DataFrame:
    """Every candidate pair the blocking rules admit, scored: left_id, right_id,
    match_probability, match_weight, weight_<comparison> (log2 Bayes factor) and
    level_<comparison> (label of the level hit), sorted by left_id, weight (best first), right_id.

    `left` and `right` are person frames (an id column and any subset of PERSON_COLUMNS) or
    frames already folded by `normalise_people`."""
    settings = model.settings
    names = [c["output_column_name"] for c in settings["comparisons"]]
    rules = blocking_keys(settings)
    left_n, right_n, bound = fold_and_prune(left, right, rules, id_column)
    if left_n.height == 0 or right_n.height == 0:
        return empty_pairs(names)

    chunks = max(1, -(-bound // PAIRS_PER_CHUNK))
    parts = []
    with linker_over(left_n, right_n, settings, threads=threads, memory_limit=memory_limit, temp_dir=temp_dir) as linker:
        for chunk in range(1, chunks + 1):
            predictions = linker.inference.predict(warning_mode="never") if chunks == 1 else \
                linker.inference.predict_chunk(left_chunk=(chunk, chunks), right_chunk=(1, 1), warning_mode="never")
            needed = ["source_dataset_l", "unique_id_l", "unique_id_r", "match_probability", "match_weight"]
            needed += [f"{prefix}_{name}" for prefix in ("mw", "gamma") for name in names]
            relation = predictions.as_duckdbpyrelation().select(", ".join(f'"{c}"' for c in needed))
            parts.append(_tidy(pl.from_arrow(relation.arrow()), settings))
            predictions.drop_table_from_database_and_remove_from_cache()
    pairs = pl.concat(parts) if parts else empty_pairs(names)
    return pairs.sort(["left_id", "match_weight", "right_id"], descending=[False, True, False])


def _tidy(raw: pl.DataFrame, settings: dict) -> pl.DataFrame:
    """Splink's columns → ours: ids by side, per-field weight (log2 BF) and level label."""
    flipped = raw.height > 0 and raw["source_dataset_l"][0] != LEFT_TABLE
    left_id, right_id = ("unique_id_r", "unique_id_l") if flipped else ("unique_id_l", "unique_id_r")
    columns = [pl.col(left_id).alias("left_id"), pl.col(right_id).alias("right_id"),
               pl.col("match_probability").cast(pl.Float64), pl.col("match_weight").cast(pl.Float64)]
    names = [comparison["output_column_name"] for comparison in settings["comparisons"]]
    columns += [pl.col(f"mw_{name}").cast(pl.Float64).alias(f"weight_{name}") for name in names]
    for comparison in settings["comparisons"]:
        labels = level_labels(comparison)
        columns.append(pl.col(f"gamma_{comparison['output_column_name']}").replace_strict(labels, return_dtype=pl.String)
                       .alias(f"level_{comparison['output_column_name']}"))
    return raw.select(columns)


def level_labels(comparison: dict) -> dict[int, str]:
    """Splink's comparison vector value (gamma) → level label: the null level is -1, the
    last (else) level 0, the first non-null level the highest."""
    levels = comparison["comparison_levels"]
    return {(-1 if level.get("is_null_level") else len(levels) - 1 - position): level["label_for_charts"]
            for position, level in enumerate(levels)}


def empty_pairs(names: list[str]) -> pl.DataFrame:
    schema = {"left_id": pl.String, "right_id": pl.String, "match_probability": pl.Float64, "match_weight": pl.Float64}
    for name in names:
        schema[f"weight_{name}"] = pl.Float64
    for name in names:
        schema[f"level_{name}"] = pl.String
    return pl.DataFrame(schema=schema)


def candidate_blocks(candidates: pl.DataFrame, max_rounds: int = 64) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(left unique_id → block, right unique_id → block): the connected components of the
    candidate pairs (left_id, right_id), so that every candidate pair shares a block and
    records in different blocks never meet. Components are found by propagating the smallest
    label along the pairs until nothing changes."""
    edges = candidates.select(pl.concat_str(pl.lit("l:"), "left_id").alias("a"), pl.concat_str(pl.lit("r:"), "right_id").alias("b")).unique()
    both_ways = pl.concat([edges, edges.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])
    labels = pl.concat([edges.select(pl.col("a").alias("node")), edges.select(pl.col("b").alias("node"))]).unique().with_columns(
        pl.col("node").alias("label"))
    for _ in range(max_rounds):
        lowest = both_ways.join(labels, left_on="b", right_on="node").group_by("a").agg(pl.col("label").min().alias("neighbour"))
        updated = labels.join(lowest, left_on="node", right_on="a", how="left").with_columns(
            pl.min_horizontal("label", "neighbour").alias("label")).drop("neighbour")
        changed = updated.join(labels, on="node", suffix="_before").filter(pl.col("label") != pl.col("label_before")).height
        labels = updated
        if changed == 0:
            break
    blocks = labels.with_columns(pl.col("label").rank("dense").cast(pl.Int64).alias(CANDIDATE_BLOCK))

    def side(prefix: str) -> pl.DataFrame:
        return blocks.filter(pl.col("node").str.starts_with(prefix)).select(
            pl.col("node").str.slice(len(prefix)).alias("unique_id"), CANDIDATE_BLOCK)

    return side("l:"), side("r:")


def score_candidates(left: pl.DataFrame, right: pl.DataFrame, candidates: pl.DataFrame, model: LinkageModel,
                     **options) -> pl.DataFrame:
    """`score` of exactly the `candidates` pairs (left_id, right_id) of two folded frames,
    whatever the model's blocking rules: Splink blocks on the candidates' connected components
    (`candidate_blocks`), and pairs of a component that are not candidates are dropped. For
    candidate sets an equality cannot express, such as numbers one digit apart, where blocking
    on half the number misses a digit added or dropped (the halves shift)."""
    left_blocks, right_blocks = candidate_blocks(candidates)
    settings = model.settings
    settings["blocking_rules_to_generate_predictions"] = [rule_sql(((CANDIDATE_BLOCK, CANDIDATE_BLOCK),))]
    blocked = LinkageModel(model_json=canonical_json(settings), trained=model.trained, note=model.note)
    pairs = score(ensure_folded(left).join(left_blocks, on="unique_id"), ensure_folded(right).join(right_blocks, on="unique_id"),
                  blocked, **options)
    return pairs.join(candidates.select("left_id", "right_id").unique(), on=["left_id", "right_id"], how="semi")
