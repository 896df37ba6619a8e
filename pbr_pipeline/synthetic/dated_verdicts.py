"""What the oracles of the programmes judged on dates (BILINGUISMO, the health programmes,
HABITANZA_CALLE) share: the verdict, a roster listing, where a claim row is, the registry rows a
run sees, claims judged in verdict order, and for the programmes whose claims name one person
and one date (BILINGUISMO, HABITANZA_CALLE) the claim, the listings and the claims as the
oracle reads them from the written rows. The gates every programme's claims pass first are in
`verdicts`; calendar months on dates in `bilinguismo.verdicts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import polars as pl

from schemas.codes import DIGITS_ONLY_DOCUMENT_TYPES

from .population import Population
from .rosters import Roster
from .timeline import index_month, to_date
from .verdicts import REJECTED, Key, enrolment_date, enrolment_gates, owner_listing, roster_listings
from .verdicts import identity_key as employment_identity_key


def identity_key(doc_type: str, number: str) -> Key:
    """(type, number) as deterministic matching compares them: as the EMPLEO oracle reads them,
    and leading zeros dropped from digits-only numbers (operators of these programmes write some)."""
    kind, number = employment_identity_key(doc_type, number)
    if kind in DIGITS_ONLY_DOCUMENT_TYPES:
        number = number.lstrip("0") or "0"
    return kind, number


def people_by_key(population: Population) -> dict[Key, str]:
    """The person id of every document a person of `population` shows, by its `identity_key`."""
    return {identity_key(kind, number): person_id for person_id, shown in
            zip(population.person_ids().to_list(), population.documents()) for kind, number in shown}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the last day of the month reached."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _month_length(year, month + 1)))


def _month_length(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_day_of(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, _month_length(year, mon))


def shift_month(month: str, months: int) -> str:
    return month_key(add_months(dt.date(int(month[:4]), int(month[5:7]), 1), months))


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


@dataclass(frozen=True)
class Claim(ClaimRow):
    """One valid claim row of a programme whose claims name a person and a date (BILINGUISMO,
    HABITANZA_CALLE), as the oracle needs it."""

    key: Key
    fecha: dt.date


def decide(oracle: Any, claims: list[Claim], last: str) -> list[Decided]:
    """Every claim in verdict order (month received, file, row), judged by `oracle.judge` in
    the run of its own month and in the run of `last`; a claim repeats an earlier one of its
    operator about the same document."""
    def judge(claim: Claim, run: str, duplicate: bool) -> Verdict:
        return oracle.judge(key=claim.key, op=claim.op, fecha=claim.fecha, claim_month=claim.month, run=run,
                            duplicate=duplicate)

    return decide_in_order(claims, last, lambda claim: (claim.op, claim.key), judge)


def dated_listings(roster: Roster, numbered: pl.DataFrame, codes: tuple[str, ...],
                   key: Callable[[str, str], Key]) -> dict[Key, list[Listing]]:
    """Valid roster rows by identity (`key` reads a written document), as the oracle reads them
    (months as text, dates, operator codes)."""
    return roster_listings(roster, numbered, key,
                           lambda received, date, op: Listing(index_month(received), to_date(date), codes[op]))


def oracle_claims(month: np.ndarray, op: np.ndarray, fecha: np.ndarray, numbered: pl.DataFrame, codes: tuple[str, ...],
                  key: Callable[[str, str], Key]) -> tuple[list[Claim], dict[tuple[str, int], int]]:
    """Every valid claim row of `numbered` (`claim` not null) as the oracle reads it, and the
    claim index of each (file, row); `month`, `op` and `fecha` are the claims' columns."""
    valid = numbered.filter(pl.col("claim").is_not_null())
    index = valid["claim"].to_list()
    paths, source_rows = valid["path"].to_list(), valid["source_row"].to_list()
    claims = [
        Claim(path, row, index_month(int(month[i])), codes[int(op[i])], key(kind, number), to_date(int(fecha[i])))
        for path, row, i, kind, number in zip(paths, source_rows, index, valid["tipo_documento"].to_list(),
                                              valid["numero_documento"].to_list())
    ]
    return claims, dict(zip(zip(paths, source_rows), index))


NO_CONTRACT = "NO_CONTRACT"


class DatedOracle:
    """What the oracles of the programmes judged on one registry's dated rows share
    (BILINGUISMO, HABITANZA_CALLE). A subclass is a dataclass with `rules` (its `lag`: months
    between a row's month and the extract that completes it), `listings` (the valid roster
    rows per document) and `contracts` (the (valid_from, valid_to) spans per operator code),
    gives its registry's delivered rows per document in `registry` (each with `key`, `date` and
    `delivered`, the inbox month) and its rule in `rule`."""

    rules: Any
    listings: dict[Key, list[Listing]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]

    @property
    def registry(self) -> dict[Key, list[Any]]:
        raise NotImplementedError

    def horizon(self, run: str) -> dt.date:
        return last_day_of(shift_month(run, -self.rules.lag))

    def seen(self, key: Key, run: str) -> list[Any]:
        """The registry rows of a document in the run for `run`: delivered by then, each key in
        its latest version, dated up to the horizon."""
        ordered = self.__dict__.setdefault("_ordered", {})
        if key not in ordered:
            ordered[key] = sorted(self.registry.get(key, ()), key=lambda row: row.delivered)
        return seen_in_run(ordered[key], run, self.horizon(run))

    def enrolment(self, key: Key, op: str, by_month: str) -> dt.date | None:
        return enrolment_date(self.listings.get(key, ()), op, by_month)

    def owner(self, key: Key, run: str) -> Listing | None:
        return owner_listing(self.listings.get(key, ()), run)

    def covered(self, op: str, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.contracts.get(op, ()))

    def judge(self, *, key: Key, op: str, fecha: dt.date, claim_month: str, run: str, duplicate: bool,
              **claimed: Any) -> Verdict:
        """A claim's verdict in the run for `run`: the gates every programme's claims pass, in
        order (DUPLICATE, NOT_ENROLLED, OTHER_OPERATOR, then NO_CONTRACT: no contract of the
        operator covers `fecha`), then the rule for the owner's enrolment date (given what else
        the claim says, `claimed`: its outcome where the programme has several)."""
        stopped, owner = enrolment_gates(self, key=key, op=op, fecha=fecha, claim_month=claim_month, run=run,
                                         duplicate=duplicate)
        if stopped:
            return Verdict(*stopped)
        if not self.covered(op, fecha):
            return Verdict(REJECTED, NO_CONTRACT)
        return self.rule(key, owner.date, run, **claimed)

    def rule(self, key: Key, start: dt.date, run: str) -> Verdict:
        """The programme's rule alone, for the person of `key` enrolled on `start`."""
        raise NotImplementedError
