"""What the generators of the programmes whose subject is not a person share (CREDITO_MIPYME:
a firm by its NIT; AGRO: a producer unit): ids beside the people's, their registry extracts'
folders, and which claims a registry correction decided."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from .dated_claims import spell_oddly
from .dated_verdicts import Decided
from .extracts import ExtractFile, plan_extract_files
from .timeline import Timeline


class Ids:
    """Ids of generated subjects that are not in a `Population` (firms, producer units), in the
    people's numbering (`P0000001`): subject i is `id_offset + i + 1`."""

    def __init__(self, id_offset: int, size: int) -> None:
        self.id_offset, self.size = id_offset, size

    def person_ids(self, persons: np.ndarray | None = None) -> pl.Series:
        index = np.arange(self.size) if persons is None else np.asarray(persons, dtype=np.int64)
        number = pl.Series(index + 1 + self.id_offset, dtype=pl.Int64).cast(pl.String).str.zfill(7)
        return pl.select(pl.lit("P") + number).to_series().alias("person_id")


def plan_registry_files(rng: np.random.Generator, timeline: Timeline, kind: str, stem: str) -> dict[int, ExtractFile]:
    """One CSV extract a month, `inbox/<M>/registros/<kind>/<stem>_<M>.csv` (the programmes'
    extracts are small; half of them with `;` and DD/MM/YYYY dates, the first two with `,`)."""
    return plan_extract_files(rng, timeline, f"registros/{kind}", stem, (0.5, 1.0), first_parquet=False)


def corrected(decided: list[Decided], as_first_reported: Iterable[Decided]) -> dict[tuple[str, int], bool]:
    """Per claim (file, row): whether its verdicts differ from those it gets when no registry row
    is ever sent again (`as_first_reported`, the same claims decided without the corrections)."""
    return {(mine.claim.path, mine.claim.row): (mine.received, mine.final) != (other.received, other.final)
            for mine, other in zip(decided, as_first_reported)}


def spell_some_oddly(rng: np.random.Generator, doc_type: np.ndarray, doc_number: np.ndarray, cosmetic: np.ndarray,
                     pool: np.ndarray, share: float, type_aliases: dict[str, tuple[str, ...]]) -> np.ndarray:
    """Write `share` of the claims of `pool` (at least one each) with a type alias, as many with
    leading zeros and as many with dots (`dated_claims.spell_oddly`, in place); returns the rest
    of the pool in a random order."""
    order = rng.permutation(pool)
    count = max(1, round(share * len(order)))
    aliases, zeros, dots = (order[start:start + count] for start in range(0, 3 * count, count))
    spell_oddly(rng, doc_type, doc_number, cosmetic, aliases=aliases, zeros=zeros, dots=dots,
                type_aliases=type_aliases)
    return order[3 * count:]
