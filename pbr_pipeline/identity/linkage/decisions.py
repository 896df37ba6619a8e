"""From scored pairs to one decision per claimant: accept, send to review, or no link.

Precision comes first: each false link is public money paid for somebody else's job. So:
- ACCEPT only at match probability ≥ `accept` and only when no second registry person is
  close (an ambiguity always goes to a person);
- REVIEW in the grey band `review` ≤ p < `accept`, and for every ambiguity;
- NONE below `review`: the claimant is treated as unmatched (as with no candidate at all).

The defaults were chosen on the synthetic scale data (benchmarks/bench_linkage_scale.py:
1M claimants, 10% of them not in a 10M-person registry, the defects Colombian records carry). At
accept 0.99 two strangers were accepted (same given names, same two surnames swapped, same
birth date, another document: precision 0.999998); at 0.999 none were, for 0.27 points of
automatic recall (0.9913 instead of 0.9940) and 2,400 more reviews (6,843 of 1M, 99.3 % of them
with the right person first; 0.9999 would double the reviews for no precision gained here). Money paid to the wrong person costs more than a review, so
ACCEPT is at 0.999 (a match weight of about +10 bits). The band down to 0.80 holds the links a
reviewer settles quickly: a new document (PEP→PT) whose names and birth date agree, a
mistyped first name when the birth date is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

ACCEPT, REVIEW, NONE = "ACCEPT", "REVIEW", "NONE"


@dataclass(frozen=True)
class Thresholds:
    accept: float = 0.999
    """match_probability ≥ accept → ACCEPT (unless ambiguous)."""
    review: float = 0.80
    """review ≤ p < accept → REVIEW."""
    ambiguity_margin: float = 2.0
    """A second candidate within this many bits of match weight (and itself ≥ review) makes
    the link ambiguous → REVIEW."""

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.accept <= 1.0:
            raise ValueError(f"thresholds need 0 < review ≤ accept ≤ 1, got review={self.review}, accept={self.accept}")
        if self.ambiguity_margin < 0:
            raise ValueError("ambiguity_margin must be ≥ 0")


def decide(pairs: pl.DataFrame, thresholds: Thresholds = Thresholds()) -> pl.DataFrame:
    """One row per left_id with any candidate: the best right_id, its probability and weight,
    the decision, whether it was ambiguous, and the runner-up (null when there is none)."""
    ranked = (
        pairs.lazy()
        .select("left_id", "right_id", "match_probability", "match_weight")
        .sort(["left_id", "match_weight", "right_id"], descending=[False, True, False])
        .group_by("left_id", maintain_order=True)
        .agg(
            pl.col("right_id").first(),
            pl.col("match_probability").first(),
            pl.col("match_weight").first(),
            pl.col("right_id").get(1, null_on_oob=True).alias("second_right_id"),
            pl.col("match_weight").get(1, null_on_oob=True).alias("second_match_weight"),
            pl.col("match_probability").get(1, null_on_oob=True).alias("_second_p"),
        )
    )
    ambiguous = (
        pl.col("second_right_id").is_not_null()
        & ((pl.col("match_weight") - pl.col("second_match_weight")) < thresholds.ambiguity_margin)
        & (pl.col("_second_p") >= thresholds.review)
    )
    decision = (
        pl.when(pl.col("match_probability") < thresholds.review).then(pl.lit(NONE))
        .when(pl.col("ambiguous") | (pl.col("match_probability") < thresholds.accept)).then(pl.lit(REVIEW))
        .otherwise(pl.lit(ACCEPT))
    )
    return (
        ranked.with_columns(ambiguous.fill_null(False).alias("ambiguous"))
        .with_columns(decision.alias("decision"))
        .select("left_id", "right_id", "match_probability", "match_weight", "decision", "ambiguous",
                "second_right_id", "second_match_weight")
        .sort("left_id")
        .collect()
    )
