"""The verdict rules, applied to the simulated truth as the city would know it run by run.

This is the generator's own implementation of the rules the pipeline implements; it reads
the generator's columns and the registry `Knowledge`, never the files, so the pipeline can be
checked against it. Identity comes from the document as written, normalised, exactly as the
deterministic pipeline does it: a typo'd number or a wrong type is another (unknown) person,
and a PEP and the PT that replaced it are two people, each with the registry rows written
under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import polars as pl

from schemas.codes import DOCUMENT_TYPE_ALIASES

from .claims import ADDITIONALITY_MONTHS, COLOCACION, PLACEMENT_WINDOW, RETENTION_MONTHS, Claims
from .population import DOC_TYPES, NEVER
from .registry import Knowledge
from .rosters import Roster
from .timeline import Timeline, last_day, month_of
from .world import World

VERIFIED, PENDING, REJECTED, DUPLICATE = "VERIFIED", "PENDING", "REJECTED", "DUPLICATE"
NOT_ENROLLED, OTHER_OPERATOR, NOT_ADDITIONAL = "NOT_ENROLLED", "OTHER_OPERATOR", "NOT_ADDITIONAL"
NO_FORMAL_JOB, NOT_RETAINED = "NO_FORMAL_JOB", "NOT_RETAINED"

_TYPE_NOISE = re.compile(r"[.\s]")
_NUMBER_NOISE = re.compile(r"[.\s-]")

Key = tuple[str, str]
AnyListing = TypeVar("AnyListing")
"""A roster listing of either programme (`received`, `date`, `op`)."""


def identity_key(doc_type: str, number: str) -> Key:
    """(type, number) as matching sees them: aliases resolved, dots/spaces/dashes stripped, and
    TI folded into CC because a person keeps the number when the TI becomes a CC."""
    kind = _TYPE_NOISE.sub("", doc_type).upper()
    kind = DOCUMENT_TYPE_ALIASES.get(kind, kind)
    return ("CC" if kind == "TI" else kind, _NUMBER_NOISE.sub("", number))


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    month: int | None = None
    """The evidence month: placement month, or the month that broke or completed retention."""


@dataclass(frozen=True)
class Listing:
    """One valid roster row, as matching sees it."""

    received: int
    date: int
    op: int


def enrolment_date(listings: Iterable[AnyListing], op: Any, by_month: Any) -> Any:
    """Earliest `fecha_inscripcion` of the operator's rows received by `by_month`, None if none.
    Serves both programmes: months, dates and operators need only compare in order."""
    dates = [row.date for row in listings if row.op == op and row.received <= by_month]
    return min(dates) if dates else None


def owner_listing(listings: Iterable[AnyListing], run: Any) -> AnyListing | None:
    """The operator with the earliest enrolment (ties: lowest code) among rows received by `run`."""
    rows = [row for row in listings if row.received <= run]
    return min(rows, key=lambda row: (row.date, row.op)) if rows else None


def enrolment_gates(rosters: Any, *, key: Key, op: Any, fecha: Any, claim_month: Any, run: Any,
                    duplicate: bool) -> tuple[tuple[str, str] | None, Any]:
    """The gates a claim of either programme passes before the programme's rule, in order: a
    claim that repeats an earlier one is a DUPLICATE; without an enrolment of the person by the
    operator received by the claim's month and dated on or before `fecha` it is NOT_ENROLLED;
    when the earliest enrolment (the owner's) is another operator's, OTHER_OPERATOR. `rosters`
    answers `enrolment` and `owner` (a Judge or an Oracle). Returns the (status, reason) of the
    gate that stops the claim (None: none does) and the owner's listing."""
    if duplicate:
        return (DUPLICATE, DUPLICATE), None
    enrolled = rosters.enrolment(key, op, claim_month)
    if enrolled is None or enrolled > fecha:
        return (REJECTED, NOT_ENROLLED), None
    owner = rosters.owner(key, run)
    if owner.op != op:
        return (REJECTED, OTHER_OPERATOR), owner
    return None, owner


class Judge:
    """Decides claims in the run of a given inbox month, reading identity from documents.

    `person_of_key` gives the holder of every document a person shows; `periods_of_key` the
    registry periods a document covers when it covers only some (a PEP replaced by a PT: the
    registry gives the PEP up to the renewal and the PT after it, and matching by document
    sees two people)."""

    def __init__(self, timeline: Timeline, knowledge: Knowledge, rosters: dict[Key, list[Listing]],
                 person_of_key: dict[Key, int], periods_of_key: dict[Key, int] | None = None) -> None:
        self.timeline = timeline
        self.knowledge = knowledge
        self.rosters = rosters
        self.person_of_key = person_of_key
        self.periods_of_key = periods_of_key or {}

    def with_knowledge(self, knowledge: Knowledge) -> "Judge":
        return Judge(self.timeline, knowledge, self.rosters, self.person_of_key, self.periods_of_key)

    def known(self, key: Key, run: int) -> int:
        """Qualifying months of the registry rows written under the document `key`."""
        person = self.person_of_key.get(key)
        if person is None:
            return 0
        mask = self.knowledge.known(person, run)
        periods = self.periods_of_key.get(key)
        return mask if periods is None else mask & periods

    def enrolment(self, key: Key, op: int, by_month: int) -> int | None:
        return enrolment_date(self.rosters.get(key, ()), op, by_month)

    def owner(self, key: Key, run: int) -> Listing | None:
        return owner_listing(self.rosters.get(key, ()), run)

    def judge(self, *, key: Key, op: int, outcome: int, fecha: int, claim_month: int, run: int,
              duplicate: bool) -> Verdict:
        stopped, owner = enrolment_gates(self, key=key, op=op, fecha=fecha, claim_month=claim_month, run=run,
                                         duplicate=duplicate)
        if stopped:
            return Verdict(*stopped)
        start = month_of(owner.date)
        known = self.known(key, run)
        for month in range(start - ADDITIONALITY_MONTHS, start):
            if known & self.timeline.bit(month):
                return Verdict(REJECTED, NOT_ADDITIONAL, month)
        horizon = run - 1
        if outcome == COLOCACION:
            end = min(month_of(fecha) + 1, start + PLACEMENT_WINDOW)
            found = self._first(known, start, end)
            if found is not None:
                return Verdict(VERIFIED, month=found)
            return Verdict(PENDING) if horizon < end else Verdict(REJECTED, NO_FORMAL_JOB)
        placement = self._first(known, start, start + PLACEMENT_WINDOW)
        if placement is None:
            return Verdict(PENDING) if horizon < start + PLACEMENT_WINDOW else Verdict(REJECTED, NO_FORMAL_JOB)
        window = range(placement, placement + RETENTION_MONTHS[outcome])
        if all(known & self.timeline.bit(month) for month in window):
            return Verdict(VERIFIED, month=window[-1])
        broken = [month for month in window if month <= horizon and not known & self.timeline.bit(month)]
        return Verdict(REJECTED, NOT_RETAINED, broken[0]) if broken else Verdict(PENDING, month=placement)

    def _first(self, known: int, start: int, end: int) -> int | None:
        for month in range(start, end + 1):
            if known & self.timeline.bit(month):
                return month
        return None


class LinkedJudge(Judge):
    """The same rules with every roster row of a person linked to the person whatever
    document it gives, and, when `registry_linked`, every registry row too: what perfect
    linkage would decide. Only used to tell which verdicts the noise changed."""

    def __init__(self, judge: Judge, rosters: dict[int, list[Listing]], registry_linked: bool) -> None:
        super().__init__(judge.timeline, judge.knowledge, rosters, judge.person_of_key, judge.periods_of_key)
        self.registry_linked = registry_linked

    def enrolment(self, key: Key, op: int, by_month: int) -> int | None:
        return super().enrolment(self.person_of_key.get(key, -1), op, by_month)

    def owner(self, key: Key, run: int) -> Listing | None:
        return super().owner(self.person_of_key.get(key, -1), run)

    def known(self, key: Key, run: int) -> int:
        if not self.registry_linked:
            return super().known(key, run)
        person = self.person_of_key.get(key)
        return 0 if person is None else self.knowledge.known(person, run)


def person_keys(world: World) -> dict[Key, int]:
    """Identity of every document a person of the population shows (a TI holder under the CC
    key; a renewed PEP holder under the PEP and the PT)."""
    return {identity_key(kind, number): person
            for person, shown in enumerate(world.population.documents()) for kind, number in shown}


def key_periods(world: World) -> dict[Key, int]:
    """Registry periods (as Knowledge bits) of the documents that cover only some: the PEP of a
    renewed PEP holder up to the period the renewal falls in, the PT from it on. The registry
    writes the document a person shows on the last day of the period."""
    population, timeline = world.population, world.timeline
    periods = np.arange(timeline.period0, timeline.world_end + 1)
    ends = last_day(periods)
    result: dict[Key, int] = {}
    for person in np.flatnonzero(population.renewal != NEVER).tolist():
        renewal = int(population.renewal[person])
        old = sum(timeline.bit(int(p)) for p, end in zip(periods, ends) if end < renewal)
        new = sum(timeline.bit(int(p)) for p, end in zip(periods, ends) if end >= renewal)
        result[identity_key(DOC_TYPES[int(population.doc_type[person])], str(population.doc_number[person]))] = old
        result[identity_key("PT", str(population.new_number[person]))] = new
    return result


def linked_rosters(roster: Roster, written: pl.DataFrame) -> dict[int, list[Listing]]:
    """Valid roster rows by the person they are about, whatever document they give."""
    valid = written.filter(pl.col("roster").is_not_null())
    index = valid["roster"].to_numpy()
    listings: dict[int, list[Listing]] = {}
    for person, received, date, op in zip(roster.person[index].tolist(), roster.received[index].tolist(),
                                          roster.date[index].tolist(), roster.op[index].tolist()):
        listings.setdefault(person, []).append(Listing(received, date, op))
    return listings


def roster_listings(roster: Roster, written: pl.DataFrame, key: Callable[[str, str], Key] = identity_key,
                    listing: Callable[[int, int, int], AnyListing] = Listing) -> dict[Key, list[AnyListing]]:
    """Valid roster rows by identity, as matching reads them from the written documents. `key`
    reads a document and `listing` makes a row's listing from its received month, enrolment
    day and operator index (the programme's own, by default EMPLEO's)."""
    valid = written.filter(pl.col("roster").is_not_null())
    index = valid["roster"].to_numpy()
    listings: dict[Key, list[AnyListing]] = {}
    for kind, number, received, date, op in zip(valid["tipo_documento"].to_list(), valid["numero_documento"].to_list(),
                                                roster.received[index].tolist(), roster.date[index].tolist(),
                                                roster.op[index].tolist()):
        listings.setdefault(key(kind, number), []).append(listing(received, date, op))
    return listings


@dataclass
class Decisions:
    """Valid claims in verdict order, with their verdicts when received and as of the last
    month. Not frozen: a registry correction added afterwards updates one person's verdicts."""

    claim: list[int]
    """Index into Claims, in order (received month, source file, source row)."""
    path: list[str]
    row: list[int]
    keys: list[Key]
    duplicate_of: list[int | None]
    """Position (in this order) of the earlier claim a duplicate repeats."""
    received: list[Verdict]
    final: list[Verdict]


def decide(judge: Judge, claims: Claims, numbered: pl.DataFrame, last: int) -> Decisions:
    """Judge every valid claim row (`claim` not null in `numbered`) in the run of its own month
    and in the run of the last month, in the order the rules fix."""
    valid = numbered.filter(pl.col("claim").is_not_null())
    valid = valid.with_columns(month=pl.Series(claims.month[valid["claim"].to_numpy()]))
    valid = valid.sort(["month", "path", "source_row"])
    claim = valid["claim"].to_list()
    keys = [identity_key(kind, number) for kind, number in zip(valid["tipo_documento"].to_list(),
                                                               valid["numero_documento"].to_list())]
    first_seen: dict[tuple, int] = {}
    duplicate_of: list[int | None] = []
    for position, (index, key) in enumerate(zip(claim, keys)):
        seen = (int(claims.op[index]), key, int(claims.outcome[index]))
        duplicate_of.append(first_seen.get(seen))
        first_seen.setdefault(seen, position)
    decisions = Decisions(claim, valid["path"].to_list(), valid["source_row"].to_list(), keys, duplicate_of, [], [])
    for position in range(len(claim)):
        decisions.received.append(judge_one(judge, claims, decisions, position, None))
        decisions.final.append(judge_one(judge, claims, decisions, position, last))
    return decisions


def judge_one(judge: Judge, claims: Claims, decisions: Decisions, position: int, run: int | None) -> Verdict:
    """The verdict of the claim at `position` in the run of `run` (None: its own month)."""
    index = decisions.claim[position]
    month = int(claims.month[index])
    return judge.judge(key=decisions.keys[position], op=int(claims.op[index]), outcome=int(claims.outcome[index]),
                       fecha=int(claims.fecha[index]), claim_month=month, run=month if run is None else run,
                       duplicate=decisions.duplicate_of[position] is not None)
