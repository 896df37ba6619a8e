"""The trained linkage model as data: Splink's settings and parameters in deterministic JSON.

Training needs no labels (the Fellegi-Sunter model of Splink):
- u (how often a level happens between two different people) by random sampling of pairs,
  seeded, so the same files give the same model;
- m (how often it happens for the same person) by expectation maximisation on two blocking
  rules: the same document number (which trains names, birth date and sex) and the same birth
  date and surname, or the same full name when one side has no birth dates (which trains the
  document comparison: how often the same person shows another number);
- the prior (probability two random records match) from exact document numbers, assuming they
  find 90 % of the true pairs.
With fewer than `min_records` records on either side the EM estimates would be noise: the model
then uses the documented fixed parameters of `settings.FALLBACK_PARAMETERS` and says so.
"""

from __future__ import annotations

from pbr_pipeline.core.warehouse import atomic_write_bytes

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from .normalise import ensure_folded
from .session import linker_over
from .settings import (
    COMPARISON_COLUMNS,
    FALLBACK_PARAMETERS,
    TRAINING_BLOCKING_RULES,
    rule_sql,
    settings_dict,
)

U_SAMPLE_PAIRS = 10_000_000
EM_MAX_PAIRS = 2_000_000
DETERMINISTIC_RECALL = 0.9
_SIGNIFICANT_DIGITS = 10


@dataclass(frozen=True)
class LinkageModel:
    model_json: str
    """Splink's settings + trained parameters, deterministic JSON (sorted keys)."""
    trained: bool
    """False when the documented fixed parameters were used."""
    note: str

    def save(self, path: Path) -> Path:
        """Write Splink's settings JSON to `path` (loadable as is: `Linker(tables, path)`) and
        whether it was trained, with the note, beside it in `<stem>.note.json`."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, (self.model_json + "\n").encode("utf-8"))
        note = {"trained": self.trained, "note": self.note}
        atomic_write_bytes(_note_path(path), (json.dumps(note, sort_keys=True, indent=2) + "\n").encode("utf-8"))
        return path

    @classmethod
    def load(cls, path: Path) -> "LinkageModel":
        path = Path(path)
        settings = json.loads(path.read_text(encoding="utf-8"))
        note_path = _note_path(path)
        embedded = settings.pop("pbr_linkage_model", None)  # the first format kept the note inside
        if embedded is not None:
            meta = embedded
        elif note_path.exists():
            meta = json.loads(note_path.read_text(encoding="utf-8"))
        else:
            meta = {"trained": True, "note": f"Splink model loaded from {path.name}"}
        return cls(model_json=canonical_json(settings), trained=bool(meta["trained"]), note=str(meta["note"]))

    @property
    def settings(self) -> dict[str, Any]:
        return json.loads(self.model_json)


def _note_path(path: Path) -> Path:
    return path.with_name(path.stem + ".note.json")


def canonical_json(settings: dict[str, Any]) -> str:
    """Sorted keys, floats to 10 significant digits: the same model prints the same bytes."""
    def tidy(value: Any) -> Any:
        if isinstance(value, float):
            return float(f"{value:.{_SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
        if isinstance(value, dict):
            return {key: tidy(item) for key, item in value.items()}
        if isinstance(value, list):
            return [tidy(item) for item in value]
        return value
    return json.dumps(tidy(settings), sort_keys=True, indent=2)


def fallback_model(left_size: int, right_size: int, reason: str) -> LinkageModel:
    """The documented fixed parameters; the prior assumes one match per smaller-side record."""
    prior = 1.0 / max(left_size, right_size, 2)
    settings = settings_dict(prior, with_fallback_parameters=True)
    settings["linker_uid"] = "pbr"
    note = (f"fallback: {reason}; documented fixed m and u parameters (settings.FALLBACK_PARAMETERS), "
            f"prior 1/{max(left_size, right_size, 2):,}")
    return LinkageModel(model_json=canonical_json(settings), trained=False, note=note)


def train_model(left: pl.DataFrame, right: pl.DataFrame, *, seed: int = 1, min_records: int = 1000,
                id_column: str = "id") -> LinkageModel:
    """Train u by random sampling and m by EM; fall back to fixed parameters on small inputs.

    `left` and `right` are person frames (any subset of PERSON_COLUMNS) or frames already
    folded by `normalise_people`."""
    left_n, right_n = ensure_folded(left, id_column), ensure_folded(right, id_column)
    smaller = min(left_n.height, right_n.height)
    if smaller < min_records:
        return fallback_model(left_n.height, right_n.height,
                              f"too few records ({smaller:,} on the smaller side; training needs {min_records:,})")
    try:
        return _train(left_n, right_n, seed)
    except Exception as error:  # noqa: BLE001 - any failure to estimate means: use the documented values
        # The message may quote data; only the kind of failure is kept in the note.
        reason = str(error) if isinstance(error, _Untrainable) else f"training failed ({type(error).__name__})"
        return fallback_model(left_n.height, right_n.height, reason)


class _Untrainable(Exception):
    """The data give EM nothing to start from (no two records share a document number)."""


def _train(left_n: pl.DataFrame, right_n: pl.DataFrame, seed: int) -> LinkageModel:
    both_dates = left_n["birth_date"].null_count() < left_n.height and right_n["birth_date"].null_count() < right_n.height
    second_rule = "birth_date_surname" if both_dates else "full_name"
    prior = 1.0 / max(left_n.height, right_n.height)
    with linker_over(left_n, right_n, settings_dict(prior), threads=1) as linker:
        linker.training.estimate_probability_two_random_records_match(
            [rule_sql(TRAINING_BLOCKING_RULES["document"])], recall=DETERMINISTIC_RECALL)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
        with_u = linker.misc.save_model_to_json()
    if not 0 < with_u["probability_two_random_records_match"] < 1:
        raise _Untrainable("no record shares a document number with the other file")
    # A level that no sampled pair of different people reached (a near-miss document number
    # among a million random pairs) gets the documented fixed u before EM: EM keeps u fixed,
    # and an unknown u would let it explain those pairs away.
    filled = _fill_untrained_levels(with_u, "u_probability")
    # Each EM session runs from the previous one's parameters, filled and floored: EM started
    # from an m of 1e-30 finds a degenerate optimum. A comparison trained by both sessions
    # gets the mean of their estimates (as Splink does within one linker).
    current, estimates = with_u, {}
    for rule in ("document", second_rule):
        _fill_untrained_levels(current, "m_probability")
        _floor_m(current)
        with linker_over(left_n, right_n, current, threads=1) as linker:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule_sql(TRAINING_BLOCKING_RULES[rule]), max_pairs=EM_MAX_PAIRS)
            current = linker.misc.save_model_to_json()
        blocked = {column for pair in TRAINING_BLOCKING_RULES[rule] for column in pair}
        for comparison in current["comparisons"]:
            name = comparison["output_column_name"]
            if not blocked & set(COMPARISON_COLUMNS[name]):
                estimates.setdefault(name, []).append(
                    [level.get("m_probability") for level in comparison["comparison_levels"]])
    trained = current
    for comparison in trained["comparisons"]:
        runs = estimates.get(comparison["output_column_name"], [])
        for position, level in enumerate(comparison["comparison_levels"]):
            values = [run[position] for run in runs if run[position] is not None]
            if values and not level.get("is_null_level"):
                level["m_probability"] = sum(values) / len(values)
    filled += _fill_untrained_levels(trained, "m_probability")
    floored = _floor_m(trained)
    trained["linker_uid"] = "pbr"
    note = (f"trained on {left_n.height:,} left and {right_n.height:,} right records: u from "
            f"{U_SAMPLE_PAIRS:,.0f} random pairs (seed {seed}), m by EM on 2 blocking rules "
            f"(document; {second_rule}), prior from exact document numbers at recall {DETERMINISTIC_RECALL}")
    if filled:
        note += f"; documented fixed values for levels never observed: {', '.join(filled)}"
    if floored:
        note += f"; m floored at {M_FLOOR:g} for: {', '.join(floored)}"
    return LinkageModel(model_json=canonical_json(trained), trained=True, note=note)


def _scored_levels(settings: dict[str, Any]):
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        scored = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        yield name, list(zip(scored, FALLBACK_PARAMETERS[name], strict=True))


def _fill_untrained_levels(settings: dict[str, Any], key: str) -> list[str]:
    """A level no sampled pair reached has no estimate: give it the documented fixed value."""
    filled = []
    for name, levels in _scored_levels(settings):
        for level, (m, u) in levels:
            if not level.get(key):
                level[key] = m if key == "m_probability" else u
                filled.append(f"{name}/{level['label_for_charts']} ({key[0]})")
    return filled


M_FLOOR = 1e-4
"""EM drives m to ~0 for a level it never saw among true pairs (sex written wrong), which would
veto a link by a hundred bits. m is floored here, so one field can weigh at most
log2(M_FLOOR / u) against a link; the other levels' m are scaled to keep the sum at 1."""


def _floor_m(settings: dict[str, Any]) -> list[str]:
    floored = []
    for name, levels in _scored_levels(settings):
        low = [level for level, _ in levels if level["m_probability"] < M_FLOOR]
        if not low:
            continue
        added = sum(M_FLOOR - level["m_probability"] for level in low)
        rest = sum(level["m_probability"] for level, _ in levels if level["m_probability"] >= M_FLOOR)
        for level, _ in levels:
            if level["m_probability"] < M_FLOOR:
                level["m_probability"] = M_FLOOR
                floored.append(f"{name}/{level['label_for_charts']}")
            else:
                level["m_probability"] *= (rest - added) / rest
    return floored
