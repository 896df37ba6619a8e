"""Which linkage model decides a month's new cases: the stored one, unless the data team retrains.

The model trained for a month is stored with it (`<warehouse>/linkage/month=M/model.json`, with
`training.json`: the month it was trained in and the record counts it saw). Later months reuse
the stored model, so a month's links never depend on a retraining that happened after it. A
month trains a new model when:
- no earlier month stored one (the first month);
- the data team asked for it: `pbr retrain-linkage --month M` leaves `retrain.requested` in
  the month's folder, so a rerun of that month retrains again and gives the same files;
- the registry has grown to `GROWTH_FACTOR` times the people it had when the model was
  trained: parameters estimated on a much smaller registry no longer describe it.
A retrained model only decides the cases still open: accepted links stay (second_pass.frozen_links).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pbr_pipeline.core.months import add_months
from pbr_pipeline.core.warehouse import atomic_write_bytes
from pbr_pipeline.identity.linkage import LinkageModel

GROWTH_FACTOR = 2.0
"""Registry people (at training × this) from which a month retrains on its own."""
MODEL_FILE, TRAINING_FILE, RETRAIN_REQUEST = "model.json", "training.json", "retrain.requested"


def linkage_folder(warehouse: Path, month: str) -> Path:
    return Path(warehouse) / "linkage" / f"month={month}"


@dataclass(frozen=True)
class Training:
    """Where the model in force comes from."""

    trained_in: str
    """Month whose run trained it."""
    enrolled_people: int
    registry_people: int

    def to_json(self) -> str:
        return json.dumps({"trained_in": self.trained_in, "enrolled_people": self.enrolled_people,
                           "registry_people": self.registry_people}, sort_keys=True, indent=2) + "\n"


@dataclass(frozen=True)
class ModelInForce:
    model: LinkageModel | None
    """The stored model to reuse, or None: train one this month."""
    training: Training | None
    why: str
    """Why this month reuses or trains: said in the run's metadata."""


def request_retraining(warehouse: Path, month: str) -> Path:
    """Leave the data team's request to retrain in the month's folder (kept for reruns)."""
    return atomic_write_bytes(linkage_folder(warehouse, month) / RETRAIN_REQUEST,
                              f"retrain the linkage model in the run for {month}\n".encode("utf-8"))


def model_in_force(warehouse: Path, month: str, first_month: str | None, registry_people: int) -> ModelInForce:
    """The stored model of the month before, unless this month must train (module docstring)."""
    if (linkage_folder(warehouse, month) / RETRAIN_REQUEST).exists():
        return ModelInForce(None, None, f"retraining requested for {month}")
    if first_month is None or month <= first_month:
        return ModelInForce(None, None, "first month: no stored model yet")
    before = linkage_folder(warehouse, add_months(month, -1))
    if not (before / MODEL_FILE).exists() or not (before / TRAINING_FILE).exists():
        return ModelInForce(None, None, f"no stored model for {add_months(month, -1)}")
    training = Training(**json.loads((before / TRAINING_FILE).read_text(encoding="utf-8")))
    if registry_people >= GROWTH_FACTOR * max(training.registry_people, 1):
        return ModelInForce(None, None, f"the registry grew from {training.registry_people:,} to {registry_people:,} people "
                                        f"since {training.trained_in} (retrains from {GROWTH_FACTOR:g}×)")
    return ModelInForce(LinkageModel.load(before / MODEL_FILE), training, f"reuses the model trained in {training.trained_in}")


def store_model(warehouse: Path, month: str, model: LinkageModel, training: Training) -> Path:
    """Store the month's model in force and where it comes from, beside the month's charts."""
    folder = linkage_folder(warehouse, month)
    atomic_write_bytes(folder / TRAINING_FILE, training.to_json().encode("utf-8"))
    return model.save(folder / MODEL_FILE)
