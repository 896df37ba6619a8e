"""What the oracles of the programmes judged on dates (BILINGUISMO and the health programmes)
share: the verdict, a roster listing, where a claim row is, the registry rows a run sees, and
claims judged in verdict order. The gates every programme's claims pass first are in
`verdicts`; calendar months on dates in `bilinguismo.verdicts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict in one run: the status, and the reason of a rejection or duplicate."""

    status: str
    reason: str = ""
    outcome_date: dt.date | None = None
    """The date of the outcome that verified the claim (the exit test, the fourth control, the
    dispensation that reached adherence)."""


@dataclass(frozen=True)
class Listing:
    """One valid roster row of the programme."""

    received: str
    """Inbox month, YYYY-MM."""
    date: dt.date
    """`fecha_inscripcion`."""
    op: str


@dataclass(frozen=True)
class ClaimRow:
    """Where a valid claim row is and who sent it; each programme's `Claim` adds what its rule
    reads."""

    path: str
    row: int
    month: str
    op: str


@dataclass(frozen=True)
class Decided:
    """A claim with its verdicts when received (the run of its month) and in the last run."""

    claim: ClaimRow
    """The programme's `Claim`."""
    duplicate_of: int | None
    """Position (in verdict order) of the earlier claim a duplicate repeats."""
    received: Verdict
    final: Verdict


RegistryRow = TypeVar("RegistryRow")
"""A delivered registry row of either programme (`key`, `date`, `delivered`): a correction is
another row with the same `key`."""
AnyClaim = TypeVar("AnyClaim", bound=ClaimRow)


def seen_in_run(rows: Iterable[RegistryRow], run: str, horizon: dt.date) -> list[RegistryRow]:
    """The registry rows of a document in the run for `run`, from `rows` in delivery order:
    delivered by then, each key in its latest version, dated up to `horizon`."""
    versions: dict[Hashable, RegistryRow] = {}
    for row in rows:
        if row.delivered <= run:
            versions[row.key] = row
    return [row for row in versions.values() if row.date <= horizon]


def decide_in_order(claims: list[AnyClaim], last: str, repeat_key: Callable[[AnyClaim], Hashable],
                    judge: Callable[[AnyClaim, str, bool], Verdict]) -> list[Decided]:
    """Every claim in verdict order (month received, file, row), judged in the run of its own
    month and in the run of `last`. A claim repeats (is a duplicate of) the first earlier one
    with the same `repeat_key(claim)`; `judge(claim, run, duplicate)` gives its verdict in a run."""
    ordered = sorted(claims, key=lambda claim: (claim.month, claim.path, claim.row))
    first_seen: dict[Hashable, int] = {}
    decided = []
    for position, claim in enumerate(ordered):
        earlier = first_seen.setdefault(repeat_key(claim), position)
        duplicate_of = None if earlier == position else earlier
        verdicts = [judge(claim, run, duplicate_of is not None) for run in (claim.month, last)]
        decided.append(Decided(claim, duplicate_of, *verdicts))
    return decided
