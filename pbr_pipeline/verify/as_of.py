"""What the city knows as of month M: every validated input partition up to M.

The run for M reads the inputs received up to M (rosters, claims, every registry a programme
declares, review decisions); each registry is read lazily and cut down to the people enrolled
or claimed before anything is collected. What earlier runs decided (since when a claim is
VERIFIED, what was paid, the links in force) is not recomputed from these: it is read from
the stored state of M − 1 (pbr_pipeline.verify.state).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polars as pl

from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.core.months import month_index, period_index_expr
from pbr_pipeline.core.warehouse import PARTITION_FILE, partition_dir, scan_table
from pbr_pipeline.identity.matching import canonical_document
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.intake.tables import MONTHLY_TABLES
from pbr_pipeline.programmes import REGISTRIES, paying_for
from pbr_pipeline.programmes.spec import UNIT, Registry
from pbr_pipeline.verify.gates import owners
from pbr_pipeline.verify.subjects import unit_document, with_unit_subjects

AS_OF_TABLES = tuple(table.name for table in MONTHLY_TABLES)
REGISTRY_BY_NAME: dict[str, Registry] = {registry.name: registry for registry in REGISTRIES}


class MissingMonths(RuntimeError):
    """Earlier months of the inbox have not been ingested; the as-of state would be incomplete."""


def missing_months(warehouse: Path, data_dir: Path, month: str) -> list[str]:
    """Inbox months up to `month` whose validated partitions are not in the warehouse."""
    return [
        earlier
        for earlier in inbox_months(data_dir)
        if earlier <= month
        and not all((partition_dir(warehouse, table, earlier) / PARTITION_FILE).exists() for table in AS_OF_TABLES)
    ]


@dataclass(frozen=True)
class Known:
    """Validated inputs received up to `month`, each row with its canonical `document` and the
    month index it was received in (`inbox_index`)."""

    month: str
    enrolments: pl.DataFrame
    claims: pl.DataFrame
    registries: dict[str, pl.DataFrame]
    """Per registry name, every row received up to `month` (corrections not yet applied)
    with its `fact_date`: only rows of people who appear in enrolments or claims, and of
    `extra_documents`."""
    reviews: pl.DataFrame
    """Review decisions on linkage cases."""

    def registry(self, name: str) -> pl.DataFrame:
        return self.registries[name]

    @cached_property
    def owners(self) -> pl.DataFrame:
        """`gates.owners` of the rosters, worked out once per state: a month's stages (claims,
        unclaimed outcomes, the ledger) read the same state, loaded once per run."""
        return owners(self.enrolments)


def _received_up_to(warehouse: Path, table: str, month: str) -> pl.LazyFrame:
    return (
        scan_table(warehouse, table)
        .filter(pl.col("month") <= month)
        .drop("month")
        .with_columns(canonical_document(), period_index_expr(pl.col("inbox_month")).alias("inbox_index"))
    )


def claim_ids(claims: pl.DataFrame) -> pl.Series:
    """A claim's id: the stable id of its file's SHA-256 and its row. Files never change after
    they land, so the id never changes either."""
    return stable_ids(claims, "source_sha256", "source_row", name="claim_id")


def registry_scan(warehouse: Path, month: str, registry: str = "pila") -> pl.LazyFrame:
    """Every row of `registry` received up to `month`, lazily, with its subject in `document`:
    the canonical document of the person or firm on the row, or the producer unit it names
    (pbr_pipeline.verify.subjects), the person's document then kept in `holder_document`."""
    rows = _received_up_to(warehouse, registry, month)
    unit_column = REGISTRY_BY_NAME[registry].unit_column if registry in REGISTRY_BY_NAME else None
    if unit_column is None:
        return rows
    return rows.with_columns(pl.col("document").alias("holder_document")).with_columns(unit_document(unit_column))


def current_rows(rows: pl.DataFrame, registry: Registry, month: str) -> pl.DataFrame:
    """The rows of `registry` the run for `month` sees: the latest delivery of each key (a
    correction replaces the row from the month it arrives in), facts dated up to the
    registry's horizon. `rows` carry `document`, `inbox_index` and `fact_date`."""
    return (
        rows.filter(pl.col("inbox_index") <= month_index(month))
        .sort("inbox_index", "source_file", "source_row")
        .unique(subset=["document", *registry.correction_key], keep="last", maintain_order=True)
        .filter(pl.col("fact_date") <= registry.horizon(month))
    )


_LAST_LOADED: dict[tuple, Known] = {}
"""The as-of state last loaded in this process, by what it was loaded from (`_fingerprint`).
A monthly run's stages read the same state one after another in one process; reading and
cutting down every registry to date again for each of them cost a bench month 12 as much as
the rest of those stages together."""


def _fingerprint(warehouse: Path, month: str, extra_documents: pl.DataFrame | None, with_registries: bool) -> tuple:
    """What a state is loaded from: the month, the partition files of every table read up to
    it (path, size, modification time: a rewritten partition is another state) and the extra
    documents."""
    files = []
    for table in (*AS_OF_TABLES, "reviews"):
        for path in sorted((warehouse / table).glob(f"month=*/{PARTITION_FILE}")):
            if path.parent.name.removeprefix("month=") <= month:
                stat = path.stat()
                files.append((str(path), stat.st_size, stat.st_mtime_ns))
    # Extra documents only add registry rows: without registries they change nothing.
    extra = None if extra_documents is None or not with_registries else int(extra_documents.get_column("document").sort().hash().sum())
    return (str(warehouse.resolve()), month, with_registries, extra, tuple(files))


def load_known(warehouse: Path, data_dir: Path, month: str, extra_documents: pl.DataFrame | None = None,
               with_registries: bool = True) -> Known:
    """The as-of state for `month` (the last one loaded in this process when nothing it is
    loaded from has changed); raises MissingMonths if an earlier inbox month is missing."""
    key = _fingerprint(warehouse, month, extra_documents, with_registries)
    if key in _LAST_LOADED:
        return _LAST_LOADED[key]
    if not with_registries:
        # The rosters, claims and reviews of a state loaded with registries, from the same files.
        for (loaded_from, loaded_month, _, _, files), known in _LAST_LOADED.items():
            if (loaded_from, loaded_month, files) == (key[0], key[1], key[4]):
                return Known(month=known.month, enrolments=known.enrolments, claims=known.claims,
                             registries={name: rows.clear() for name, rows in known.registries.items()}, reviews=known.reviews)
    known = _load_known(warehouse, data_dir, month, extra_documents, with_registries)
    _LAST_LOADED.clear()
    _LAST_LOADED[key] = known
    return known


def _load_known(warehouse: Path, data_dir: Path, month: str, extra_documents: pl.DataFrame | None = None,
                with_registries: bool = True) -> Known:
    """The as-of state for `month`; raises MissingMonths if an earlier inbox month is missing.

    `extra_documents` (a `document` column) are registry people the second pass linked to
    enrolled people: their registry rows are loaded too. Without `with_registries` (a stage that
    reads only rosters and claims) the registries are left unread and empty."""
    missing = missing_months(warehouse, data_dir, month)
    if missing:
        raise MissingMonths(
            f"the as-of state of {month} needs every earlier month ingested; missing: {', '.join(missing)}. "
            "Materialize those months' ingestion first (`pbr run --month` does it for you)."
        )
    enrolments = _received_up_to(warehouse, "enrolments", month).collect()
    claims = _received_up_to(warehouse, "claims", month).sort("inbox_month", "source_file", "source_row").collect()
    claims = claims.with_columns(claim_ids(claims))
    enrolments, claims = with_unit_subjects(enrolments, claims, paying_for(UNIT))
    wanted = [enrolments.select("document"), claims.select("document")]
    if extra_documents is not None:
        wanted.append(extra_documents.select("document"))
    people = pl.concat(wanted).unique()
    scans = [
        registry_scan(warehouse, month, registry.name).join(people.lazy(), on="document", how="semi")
        .with_columns(registry.fact_date().alias("fact_date"))
        for registry in REGISTRIES
    ]
    # Unread registries keep their columns, so every stage sees the same shape of state.
    frames = pl.collect_all(scans) if with_registries else [scan.clear().collect() for scan in scans]
    registries = dict(zip((registry.name for registry in REGISTRIES), frames))
    return Known(month=month, enrolments=enrolments, claims=claims, registries=registries, reviews=load_reviews(warehouse, month))


def load_reviews(warehouse: Path, month: str) -> pl.DataFrame:
    """Valid review decisions received up to `month`, with `inbox_index`."""
    return (
        scan_table(warehouse, "reviews").filter(pl.col("month") <= month).drop("month")
        .with_columns(period_index_expr(pl.col("inbox_month")).alias("inbox_index")).collect()
    )
