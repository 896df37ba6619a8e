"""The review sheet: each case in review with both records side by side, for the people who
decide, as XLSX and CSV. Its last columns are the decision file's columns (`id_caso`,
`decision`, `revisor`, `fecha_revision`, `nota`): a reviewer fills them in and drops the file
in `inbox/<month>/revisiones/`, where validation reads those columns and ignores the rest.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pbr_pipeline.identity.claim_cases import claim_records
from pbr_pipeline.identity.links import CLAIM_CASE, REGISTRY_CASE
from pbr_pipeline.identity.second_pass import enrolled_people
from pbr_pipeline.core.warehouse import atomic_write_bytes
from pbr_pipeline.core.xlsx import xlsx_bytes

FIELDS = ("document_type", "document_number", "first_name", "second_name", "first_surname", "second_surname", "birth_date", "sex")
DECISION_COLUMNS = ("id_caso", "decision", "revisor", "fecha_revision", "nota")
SCORE_COLUMNS = ("match_probability", "match_weight", "ambiguous")
LEVEL_FIELDS = ("document", "given_names", "surnames", "birth_date", "sex", "employer")
"""The level each field of the model hit (`level_<field>`): what the matcher saw agree, e.g.
"one edit" or "claimed employer in the person's PILA rows"."""


def _side(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return frame.select(
        pl.col("id").alias(f"{prefix}_id"),
        *(pl.col(name).cast(pl.String).alias(f"{prefix}_{name}") if name in frame.columns
          else pl.lit(None, pl.String).alias(f"{prefix}_{name}") for name in FIELDS),
    )


def review_sheet(in_review: pl.DataFrame, claims: pl.DataFrame, enrolments: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """One row per case in review, left and right records side by side, the fields that
    agreed and disagreed, and the level each field of the model hit. `registry` holds (at
    least) the registry people of the registry cases and of the claim cases' documents."""
    people = enrolled_people(enrolments)
    # A claim carries no names: the sheet shows those of the registry row under its document,
    # as the matcher compared them.
    claim_side = claim_records(claims.select(pl.col("claim_id").alias("id"), "document", "document_type", "document_number"),
                               registry)
    pieces = []
    for kind, left, right in ((CLAIM_CASE, claim_side, people), (REGISTRY_CASE, people, registry)):
        cases = in_review.filter(pl.col("kind") == kind)
        pieces.append(
            cases.join(_side(left, "left"), left_on="left", right_on="left_id", how="left")
            .join(_side(right, "right"), left_on="document", right_on="right_id", how="left")
        )
    sheet = pl.concat(pieces, how="diagonal_relaxed") if pieces else in_review
    folded = {name: [pl.col(f"{side}_{name}").str.to_uppercase().str.normalize("NFKD").str.replace_all(r"\p{M}", "")
                     for side in ("left", "right")] for name in FIELDS}
    agreed = pl.concat_list(*(pl.when(l.is_not_null() & (l == r)).then(pl.lit(name)) for name, (l, r) in folded.items())).list.drop_nulls()
    disagreed = pl.concat_list(*(pl.when(l.is_not_null() & r.is_not_null() & (l != r)).then(pl.lit(name)) for name, (l, r) in folded.items())).list.drop_nulls()
    levels = [pl.col(f"level_{name}") if f"level_{name}" in sheet.columns else pl.lit(None, pl.String).alias(f"level_{name}")
              for name in LEVEL_FIELDS]
    return sheet.with_columns(
        *levels,
        agreed.list.join(", ").alias("agreed"),
        disagreed.list.join(", ").alias("disagreed"),
        pl.col("case_id").alias("id_caso"),
        *(pl.lit(None, pl.String).alias(name) for name in DECISION_COLUMNS[1:]),
    ).select(
        "kind", *SCORE_COLUMNS,
        *(f"left_{name}" for name in FIELDS), *(f"right_{name}" for name in FIELDS),
        "agreed", "disagreed", *(f"level_{name}" for name in LEVEL_FIELDS), *DECISION_COLUMNS,
    ).sort("kind", "id_caso")


def write_review_sheets(sheet: pl.DataFrame, folder: Path) -> list[Path]:
    """`revision.xlsx`/`.csv` with the score, `revision_ciega.xlsx`/`.csv` without (blind review)."""
    written = []
    for name, frame in (("revision", sheet), ("revision_ciega", sheet.drop(*SCORE_COLUMNS))):
        csv_text = frame.write_csv()
        written.append(atomic_write_bytes(folder / f"{name}.csv", b"\xef\xbb\xbf" + csv_text.encode("utf-8")))
        written.append(atomic_write_bytes(folder / f"{name}.xlsx", xlsx_bytes(frame.columns, frame.iter_rows(), "revision")))
    return written
