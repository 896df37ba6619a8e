"""Probabilistic person linkage with Splink 5 (DuckDB): who in a registry is this claimant?

The deterministic matcher (`pbr_pipeline.identity.matching`) links equal documents. This engine finds
the people it misses (a mistyped number, TI→CC, PEP→PT, a type written wrong) without paying
for look-alikes: a trained Fellegi-Sunter model scores candidate pairs, and a grey band and an
ambiguity rule send every doubtful link to a person.

    model = train_model(claimants, registry)        # or LinkageModel.load(path)
    pairs = score(claimants, registry, model)       # every candidate pair, weights per field
    links = decide(pairs, Thresholds())             # ACCEPT / REVIEW / NONE per claimant
    explain(pairs, claimants, registry)             # side by side, field by field
    write_charts(model, review_pairs, folder)       # offline HTML charts

Input frames: an `id` column (text) and any subset of PERSON_COLUMNS. The engine logs no
names or numbers.
"""

from .charts import write_charts
from .decisions import ACCEPT, NONE, REVIEW, Thresholds, decide
from .explain import explain
from .model import LinkageModel, train_model
from .normalise import PERSON_COLUMNS, normalise_people
from .scoring import score, score_candidates

__all__ = [
    "ACCEPT", "NONE", "PERSON_COLUMNS", "REVIEW", "LinkageModel", "Thresholds", "decide", "explain",
    "normalise_people", "score", "train_model", "write_charts",
]
