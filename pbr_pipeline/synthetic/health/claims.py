"""CONTROLES_PRENATALES and CASO_ADHERENTE claims as operators make them, with their defects.

An operator knows its enrolees' care (not RIPS): it claims prenatal controls on the day of the
fourth control after enrolment it knows of, and a treated case on the day of the dispensation
that completed 80% of the six months, a month or so later (RIPS needs two months to show it,
so many claims wait PENDING first). It also claims women who stopped coming or enrolled late
and cases that were never treated or stopped (dated the day it reports them), men it enrolled
by mistake, the day of a fourth control that came before the enrolment, people it never
enrolled or another operator enrolled first, someone of the employment programme, documents
nobody holds, and sends claims twice. Outcomes from before the contract began are claimed
now and then. Documents are written as the person shows them on the claimed day (a renewed
PEP holder shows the PT; a 17-year-old who turned 18 the CC), sometimes with a type alias,
leading zeros or dots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..claims import TYPE_ALIASES, ClaimBatch, Copies, send_twice
from ..dated_claims import (ALIAS, BEFORE_ENROLMENT, COPY, DOTS, FABRICATED, NOT_ENROLLED, OTHER_PROGRAMME, OWN, PLAIN,
                            SECOND, ZEROS, DatedClaims, spell_oddly, with_copies, written_documents)
from ..operators import Enrolments, ExtraEnrolments, claimed_by_another
from ..population import Population
from ..timeline import Timeline, last_day, month_of_day


@dataclass(frozen=True)
class Claims(DatedClaims):
    """Claim rows of both programmes as columns (`person` indexes the health population;
    BEFORE_ENROLMENT: the day of a fourth control), with each claim's programme and whether
    it was set aside to show an edge."""

    programme: np.ndarray
    certain: np.ndarray
    """Set aside to show an edge: claimed for sure."""


class _Batch(ClaimBatch):
    _names = ("person", "programme", "op", "fecha", "month", "intent", "enrolment", "certain")

    def __init__(self) -> None:
        super().__init__(self._names, {name: bool if name == "certain" else np.int64 for name in self._names})

    def add(self, mask, person, programme, op, fecha, month, intent, enrolment, certain=False) -> None:
        self.add_group(mask, (person, programme, op, fecha, month, intent, enrolment, certain))


@dataclass(frozen=True)
class Intentions:
    """What the owner of each enrolment of one programme believes and does."""

    programme: int
    enrolments: Enrolments
    believed: np.ndarray
    """The day the operator believes the outcome happened (-1: it does not believe so)."""
    verified: np.ndarray
    """The registry's rows (all of them, perfectly linked) verify the outcome."""
    certain: np.ndarray
    """Set aside: the owner claims it for sure."""
    reported: np.ndarray
    """For an outcome the operator is not sure of: the day it would report it anyway (-1: never)."""
    fixed_lag: np.ndarray
    """Months between the outcome and the claim for an edge that needs them (-1: drawn)."""
    before_enrolment: np.ndarray
    """The day of a fourth control before the enrolment, for the operators that claim it (-1)."""
    ordinary: np.ndarray
    """An ordinary story (no edge set aside): a claim of it may be written with an odd spelling."""


def _lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Months between the outcome and the file that claims it."""
    return rng.choice(4, size=size, p=[0.1, 0.3, 0.4, 0.2])


def _owner_claims(rng: np.random.Generator, batch: _Batch, intent: Intentions, timeline: Timeline,
                  contract_start: int) -> None:
    e = intent.enrolments
    count = len(e.person)
    last, first = timeline.last, timeline.first
    sure = intent.believed >= 0
    # Outcomes before the contract began: operators claim few of them.
    before_contract = sure & (intent.believed < contract_start)
    chance = np.where(intent.verified, np.where(before_contract, 0.25, 0.85), 0.6)
    fecha = np.where(sure, intent.believed, intent.reported)
    wants = (fecha >= 0) & ((rng.random(count) < chance) | intent.certain)
    # An edge set aside is claimed once RIPS can show it (two months on), or in the last month.
    lag = np.where(intent.fixed_lag >= 0, intent.fixed_lag,
                   np.where(intent.certain, rng.choice(np.array([2, 3]), size=count, p=[0.7, 0.3]),
                            _lag(rng, count)))
    month = np.maximum.reduce([month_of_day(np.maximum(fecha, 0)) + lag, e.received, np.full(count, first)])
    month = np.where(intent.certain & (month > last) & (month_of_day(np.maximum(fecha, 0)) <= last), last, month)
    # Enough plain true claims, received once RIPS shows them, that a small data set shows each
    # odd spelling and a plain one.
    outcome_month = month_of_day(np.maximum(fecha, 0))
    plain = (intent.ordinary & intent.verified & (fecha >= contract_start) & (outcome_month + 2 <= last)
             & (intent.before_enrolment < 0))
    shown = plain & wants & (month >= outcome_month + 2) & (month <= last)
    extra = rng.permutation(np.flatnonzero(plain & ~shown))[: max(0, 6 - int(shown.sum()))]
    wants[extra] = True
    month[extra] = np.maximum.reduce([outcome_month[extra] + 2, e.received[extra], np.full(len(extra), first)])
    mistaken = intent.before_enrolment >= 0
    wants &= ~mistaken
    batch.add(wants & (month <= last), e.person, intent.programme, e.op, fecha, month, OWN, np.arange(count),
              intent.certain)
    day = intent.before_enrolment
    month = np.minimum(np.maximum(e.received, first) + rng.integers(0, 3, count), last)
    batch.add(mistaken, e.person, intent.programme, e.op, day, month, BEFORE_ENROLMENT, np.arange(count), True)


def build_claims(rng: np.random.Generator, *, intentions: list[Intentions], population: Population,
                 subjects: list[np.ndarray], seconds: list[tuple[ExtraEnrolments, np.ndarray]],
                 ops: list[np.ndarray], timeline: Timeline, contract_start: int,
                 employment: tuple[Population, np.ndarray], taken: set[str]) -> Claims:
    """Every claim row of both programmes. `subjects` are each programme's people (enrolled or
    not); `seconds` each programme's second enrolments and whether each is made for a claim."""
    batch = _Batch()
    last, first = timeline.last, timeline.first
    for intent in intentions:
        _owner_claims(rng, batch, intent, timeline, contract_start)
    total = batch.count()

    def some_day(size: int) -> np.ndarray:
        return rng.integers(contract_start, int(last_day(last)) + 1, size)

    def claim_month(day: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(month_of_day(day) + _lag(rng, len(day)), first), last)

    for intent, people, (second, for_claim), programme_ops in zip(intentions, subjects, seconds, ops):
        e, p = intent.enrolments, intent.programme
        # A second operator claims an outcome of a person another operator enrolled first.
        index = e.row_of[second.person[for_claim]]
        fecha = intent.believed[index]
        ok = intent.verified[index] & (fecha >= second.date[for_claim]) & (fecha >= contract_start)
        month = np.maximum.reduce([month_of_day(np.maximum(fecha, 0)) + 1 + (rng.random(len(index)) < 0.3),
                                   second.received[for_claim], np.full(len(index), first)])
        batch.add(ok & (month <= last), second.person[for_claim], p, second.op[for_claim], fecha, month, SECOND, index)
        # People of the programme nobody enrolled.
        never = people[e.row_of[people] < 0]
        picked = rng.permutation(never)[: max(1, round(0.01 * total))]
        day = some_day(len(picked))
        batch.add(np.ones(len(picked), bool), picked, p, rng.choice(programme_ops, len(picked)), day,
                  claim_month(day), NOT_ENROLLED, -1)
        # An operator claims someone another operator enrolled, without enrolling the person.
        if len(programme_ops) > 1:
            picked, other = claimed_by_another(rng, e, second.person, programme_ops, max(1, round(0.005 * total)))
            day = some_day(len(picked))
            batch.add(np.ones(len(picked), bool), e.person[picked], p, other, day, claim_month(day), NOT_ENROLLED,
                      picked)
        # Someone of the employment programme.
        employed, enrolled = employment
        if len(enrolled):
            day = some_day(1)
            batch.add(np.ones(1, bool), np.array([int(rng.choice(enrolled))]), p, rng.choice(programme_ops, 1), day,
                      claim_month(day), OTHER_PROGRAMME, -1)
        fabricated = max(1, round(0.005 * total))
        day = some_day(fabricated)
        batch.add(np.ones(fabricated, bool), -1, p, rng.choice(programme_ops, fabricated), day, claim_month(day),
                  FABRICATED, -1)
    return _write_documents(rng, batch.arrays(), population, employment[0], intentions, taken, timeline,
                            contract_start)


def _write_documents(rng, columns: dict[str, np.ndarray], population: Population, employed: Population,
                     intentions: list[Intentions], taken: set[str], timeline: Timeline, contract_start: int) -> Claims:
    size = len(columns["person"])
    person, intent, fecha = columns["person"], columns["intent"], columns["fecha"]
    doc_type, doc_number = written_documents(rng, person, fecha, intent, population, employed, taken)

    # Odd spellings on plain claims of verified outcomes, written as the roster wrote them.
    cosmetic = np.full(size, PLAIN)
    verified = np.zeros(size, dtype=bool)
    same_document = np.zeros(size, dtype=bool)
    for intention in intentions:
        of_programme = (columns["programme"] == intention.programme) & (intent == OWN)
        enrolment = columns["enrolment"][of_programme]
        verified[of_programme] = intention.verified[enrolment] & intention.ordinary[enrolment]
        start = intention.enrolments.date[enrolment]
        held = person[of_programme]
        same_document[of_programme] = (
            (population.doc_type_at(held, start) == population.doc_type_at(held, fecha[of_programme]))
            & (population.renewal[held] > fecha[of_programme]))
    # Claimed once RIPS shows the outcome, in the last run too, and under the contract.
    shown = (columns["month"] >= month_of_day(fecha) + 2) & (month_of_day(fecha) + 2 <= timeline.last)
    ordinary = (intent == OWN) & verified & same_document & ~columns["certain"] & shown & (fecha >= contract_start)
    aliases, zeros, dots = [], [], []
    # In each programme, one of each at least, and one claim of the pool left written plainly.
    for programme in np.unique(columns["programme"]).tolist():
        order = rng.permutation(np.flatnonzero(ordinary & (columns["programme"] == programme)))[:-1]
        counts = [max(1, round(share * len(order))) for share in (0.06, 0.04, 0.03)]
        aliases.append(order[: counts[0]])
        rest = order[counts[0]:]
        # Leading zeros only where the number is all digits and compared as a number (CC, TI).
        digits = np.isin(doc_type[rest], ("CC", "TI"))
        zeros.append(rest[digits][: counts[1]])
        rest = np.setdiff1d(rest, zeros[-1], assume_unique=True)
        dots.append(rest[: counts[2]])
    aliases, zeros, dots = (np.concatenate(part).astype(np.int64) for part in (aliases, zeros, dots))
    spell_oddly(rng, doc_type, doc_number, cosmetic, aliases=aliases, zeros=zeros, dots=dots,
                type_aliases=TYPE_ALIASES)

    soporte = np.where(rng.random(size) < 0.8,
                       np.char.add("HC-", rng.integers(100_000, 1_000_000, size).astype(str)), "").astype(object)
    # Each programme's operators send some claims twice.
    order_key = np.zeros(size)
    repeated_parts, month_parts, order_parts = [], [], []
    for programme in np.unique(columns["programme"]).tolist():
        mine = np.flatnonzero(columns["programme"] == programme)
        copies = send_twice(rng, np.flatnonzero(intent[mine] == OWN), columns["month"][mine], timeline.last)
        order_key[mine] = copies.order[: len(mine)]
        repeated_parts.append(mine[copies.repeated])
        month_parts.append(copies.month)
        order_parts.append(copies.order[len(mine):])
    repeated = np.concatenate(repeated_parts).astype(np.int64)
    copies = Copies(repeated, np.concatenate(month_parts), np.concatenate([order_key, *order_parts]))
    return Claims(**with_copies(dict(
        person=person, programme=columns["programme"], op=columns["op"], fecha=fecha, month=columns["month"],
        intent=intent, cosmetic=cosmetic, enrolment=columns["enrolment"], certain=columns["certain"], soporte=soporte,
        doc_type=doc_type, doc_number=doc_number), copies))


__all__ = ["Claims", "Intentions", "build_claims", "OWN", "SECOND", "NOT_ENROLLED", "OTHER_PROGRAMME", "FABRICATED",
           "BEFORE_ENROLMENT", "COPY", "PLAIN", "ALIAS", "ZEROS", "DOTS"]
