"""EMPRENDIMIENTO_CREADO and AUMENTO_INGRESOS claims as operators make them, with their defects.

An operator follows its entrepreneurs. It claims a business on the day it turns six months old
(`fecha_resultado` C, `soporte` the matrícula), a month or so later, whatever became of it in
the registry (cancelled, never renewed, registered before the enrolment or too late), and now
and then a business that was never registered (dated the day it reports it); and it claims an
income rise dated with the follow-up it takes for the rise (it rounds: a peso short of a fifth
looks like a fifth), or on its own word for a household whose income stayed flat. It also
claims the registration's date by mistake when the person already had the business (before
the enrolment), people it never enrolled or another operator enrolled first, someone of the
employment programme, documents nobody holds, and sends claims twice. Documents are written as
the person shows them, sometimes with a type alias, leading zeros, dots or a mistyped digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import add_months, between
from ..claims import TYPE_ALIASES, ClaimBatch, clip_month, send_twice
from ..dated_claims import (BEFORE_ENROLMENT, FABRICATED, NOT_ENROLLED, OTHER_PROGRAMME, OWN, SECOND, TYPO,
                            DatedClaims, misspell, with_copies, written_documents)
from ..operators import Enrolments, ExtraEnrolments, claimed_by_another
from ..population import Population
from ..timeline import Timeline, last_day, month_of_day
from .stories import (BZ_ACTIVE, BZ_BEFORE, BZ_NONE, IN_EXACT, IN_FROM_ZERO, IN_NO_BASELINE, IN_NO_BUSINESS,
                      IN_RISES, IN_SHORT, REGISTERED, Stories)

CREATED, RISE = range(2)
OUTCOMES = ("EMPRENDIMIENTO_CREADO", "AUMENTO_INGRESOS")


@dataclass(frozen=True)
class Claims(DatedClaims):
    """Claim rows of both outcomes as columns (BEFORE_ENROLMENT: the registration's date)."""

    outcome: np.ndarray
    certain: np.ndarray
    """Set aside to show an edge: claimed for sure."""


class _Batch(ClaimBatch):
    _names = ("person", "outcome", "op", "fecha", "month", "intent", "enrolment", "certain", "soporte")

    def __init__(self) -> None:
        super().__init__(self._names, {**{name: np.int64 for name in self._names}, "certain": bool,
                                       "soporte": object})

    def add(self, mask, person, outcome, op, fecha, month, intent, enrolment, soporte="", certain=False) -> None:
        self.add_group(mask, (person, outcome, op, fecha, month, intent, enrolment, certain, soporte))


def _lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Months between the outcome's day and the file that claims it (0: before the registry can show it)."""
    return rng.choice(4, size=size, p=[0.1, 0.5, 0.3, 0.1])


def build_claims(rng: np.random.Generator, *, population: Population, enrolments: Enrolments, stories: Stories,
                 matricula: np.ndarray, rise_seen: np.ndarray, seconds: ExtraEnrolments, second_claims: np.ndarray,
                 ops: np.ndarray, timeline: Timeline, contract_start: int, employment: tuple[Population, np.ndarray],
                 taken: set[str], typo_rate: float) -> Claims:
    """Every claim row the programme's operators send. `matricula` is the number of each
    enrolment's (first) matrícula ("" for none); `rise_seen` the day of the follow-up each
    operator takes for the rise (-1 for none)."""
    e = enrolments
    count = len(e.person)
    last, first = timeline.last, timeline.first
    batch = _Batch()
    ordinary = ~stories.set_aside

    def month_of(fecha: np.ndarray, lag: np.ndarray, certain: np.ndarray) -> np.ndarray:
        month = np.maximum.reduce([month_of_day(fecha) + lag, e.received, np.full(count, first)])
        return np.where(certain, np.minimum(month, last), month)

    # The business, on the day it turns six months old (or on the operator's word).
    c = stories.survives_to
    registered = np.isin(stories.business, REGISTERED)
    word = between(rng, add_months(e.date, 6), add_months(e.date, 12))
    fecha = np.where(registered, c, word)
    chance = np.where(registered, np.where((stories.business == BZ_ACTIVE) & ordinary, 0.85, 0.6), 0.2)
    chance = np.where(fecha < contract_start, 0.25, chance)
    certain = stories.set_aside & registered
    claim = (rng.random(count) < chance) | certain
    lag = np.where(certain, rng.choice(np.array([1, 2]), size=count, p=[0.7, 0.3]), _lag(rng, count))
    month = month_of(fecha, lag, certain)
    # A few operators claim the business the person already had with its registration's date,
    # before the enrolment: that is the only business claim they send about the person.
    # Enough plain business claims, received once C has passed, that a small data set shows each
    # odd spelling and a plain one.
    plain = (stories.business == BZ_ACTIVE) & ordinary & (c >= contract_start) & (c <= last_day(last - 1))
    wanted = plain & claim & (month > month_of_day(np.maximum(c, 0))) & (month <= last)
    extra = rng.permutation(np.flatnonzero(plain & ~wanted))[: max(0, 8 - int(wanted.sum()))]
    claim[extra] = True
    month[extra] = np.maximum.reduce([month_of_day(c[extra]) + 1, e.received[extra], np.full(len(extra), first)])
    # One business claimed in the month of C itself, before the registry can show C has passed.
    c_month = month_of_day(np.maximum(c, 0))
    usable = plain & ~np.isin(np.arange(count), extra) & (c_month >= np.maximum(e.received, first)) & (c_month < last)
    if usable.any() and not (usable & claim & (month == c_month)).any():
        chosen = int(rng.choice(np.flatnonzero(usable)))
        claim[chosen], month[chosen] = True, c_month[chosen]
    before = np.flatnonzero(stories.business == BZ_BEFORE)
    kept = before[certain[before]][:1]
    before = np.setdiff1d(before, kept)
    mistaken = rng.permutation(before)[: max(1, round(0.3 * len(before)))] if len(before) else before
    claim[mistaken] = False
    # At least one business that never came is claimed on the operator's word, by the last month.
    informal = (stories.business == BZ_NONE) & ordinary & (fecha >= contract_start) & (fecha <= last_day(last))
    if informal.any() and not (informal & claim & (month <= last)).any():
        chosen = int(rng.choice(np.flatnonzero(informal)))
        claim[chosen], month[chosen] = True, min(int(month[chosen]), last)
    batch.add(claim & (month <= last), e.person, CREATED, e.op, fecha, month, OWN, np.arange(count), matricula,
              certain)
    batch.add(np.ones(len(mistaken), bool), e.person[mistaken], CREATED, e.op[mistaken],
              stories.registered[mistaken], np.minimum(np.maximum(e.received[mistaken], first) + 1, last),
              BEFORE_ENROLMENT, mistaken, matricula[mistaken], True)

    # The income: the follow-up the operator takes for a rise, or its word for a flat one.
    seen = rise_seen >= 0
    word_from = np.maximum(add_months(e.date, 6), contract_start)
    word_to = np.minimum(add_months(e.date, 18), last_day(last))
    fecha = np.where(seen, rise_seen, between(rng, word_from, word_to))
    chance = np.where(seen, np.where((stories.income == IN_RISES) & ordinary, 0.8, 0.6), 0.3)
    certain = stories.set_aside & np.isin(stories.income, (IN_EXACT, IN_SHORT, IN_FROM_ZERO, IN_NO_BUSINESS,
                                                           IN_NO_BASELINE))
    claim = ((rng.random(count) < chance) | certain) & (seen | (word_from <= word_to))
    lag = np.where(certain, 1, _lag(rng, count))
    month = month_of(fecha, lag, certain)
    # An edge set aside is claimed once both registries can show it: the rise, and C.
    month = np.where(certain & (c >= 0), np.minimum(np.maximum(month, month_of_day(np.maximum(c, 0)) + 1), last),
                     month)
    # One income claim sent in the month of the rise itself, before the registry can show it.
    usable = (stories.income == IN_RISES) & ordinary & seen & (fecha >= contract_start) & (
        month_of_day(fecha) >= np.maximum(e.received, first)) & (month_of_day(fecha) < last)
    if usable.any() and not (usable & claim & (lag == 0)).any():
        chosen = int(rng.choice(np.flatnonzero(usable)))
        claim[chosen], month[chosen] = True, month_of_day(fecha[chosen])
    batch.add(claim & (month <= last), e.person, RISE, e.op, fecha, month, OWN, np.arange(count), "", certain)

    _claims_on_others(rng, batch, e, stories, matricula, seconds, second_claims, ops, timeline, contract_start,
                      employment)
    return _write_documents(rng, batch.arrays(), population, employment[0], stories, taken, timeline,
                            contract_start, typo_rate)


def _claims_on_others(rng, batch: _Batch, e: Enrolments, stories: Stories, matricula: np.ndarray,
                      seconds: ExtraEnrolments, second_claims: np.ndarray, ops: np.ndarray, timeline: Timeline,
                      contract_start: int, employment: tuple[Population, np.ndarray]) -> None:
    """Claims about people the claiming operator does not own (each of either outcome)."""
    last = timeline.last
    total = batch.count()

    # A second operator claims the business of a person another operator enrolled first.
    index = e.row_of[seconds.person[second_claims]]
    c = stories.survives_to[index]
    ok = (c >= 0) & (stories.business[index] == BZ_ACTIVE) & (c >= seconds.date[second_claims])
    month = np.maximum.reduce([month_of_day(np.maximum(c, 0)) + 1, seconds.received[second_claims],
                               np.full(len(index), timeline.first)])
    batch.add(ok & (month <= last), seconds.person[second_claims], CREATED, seconds.op[second_claims], c, month,
              SECOND, index, matricula[index])

    def some_day(size: int) -> np.ndarray:
        return rng.integers(contract_start, int(last_day(last)) + 1, size)

    def claim_month(day: np.ndarray) -> np.ndarray:
        return clip_month(month_of_day(day), _lag(rng, len(day)), timeline)

    def outcome(size: int) -> np.ndarray:
        return np.where(rng.random(size) < 0.6, CREATED, RISE)

    never = np.flatnonzero(e.row_of < 0)
    picked = rng.permutation(never)[: max(1, round(0.02 * total))]
    day = some_day(len(picked))
    batch.add(np.ones(len(picked), bool), picked, outcome(len(picked)), rng.choice(ops, len(picked)), day,
              claim_month(day), NOT_ENROLLED, -1)
    if len(ops) > 1:
        picked, other = claimed_by_another(rng, e, seconds.person, ops, max(1, round(0.01 * total)))
        day = some_day(len(picked))
        batch.add(np.ones(len(picked), bool), e.person[picked], outcome(len(picked)), other, day, claim_month(day),
                  NOT_ENROLLED, picked)
    employed, enrolled = employment
    if len(enrolled):
        day = some_day(1)
        batch.add(np.ones(1, bool), np.array([int(rng.choice(enrolled))]), outcome(1), rng.choice(ops, 1), day,
                  claim_month(day), OTHER_PROGRAMME, -1)
    fabricated = max(1, round(0.01 * total))
    day = some_day(fabricated)
    batch.add(np.ones(fabricated, bool), -1, outcome(fabricated), rng.choice(ops, fabricated), day, claim_month(day),
              FABRICATED, -1)


def _write_documents(rng, columns: dict[str, np.ndarray], population: Population, employed: Population,
                     stories: Stories, taken: set[str], timeline: Timeline, contract_start: int,
                     typo_rate: float) -> Claims:
    """Documents as written, the odd spellings, the mistyped numbers and the claims sent twice."""
    person, intent, fecha = columns["person"], columns["intent"], columns["fecha"]
    doc_type, doc_number = written_documents(rng, person, fecha, intent, population, employed, taken)
    enrolment = np.maximum(columns["enrolment"], 0)
    own = intent == OWN
    ordinary = own & ~columns["certain"] & ~stories.set_aside[enrolment]
    business = np.where(own, stories.business[enrolment], -1)
    # Odd spellings on business claims of businesses that last, received once C has passed.
    plainly = ordinary & (columns["outcome"] == CREATED) & (business == BZ_ACTIVE) & (fecha >= contract_start) & (
        columns["month"] > month_of_day(fecha))
    # ... and a mistyped digit on claims of businesses that never came (rejected either way).
    unfounded = ordinary & (columns["outcome"] == CREATED) & (business == BZ_NONE)
    cosmetic = misspell(rng, doc_type, doc_number, plainly=plainly, unfounded=unfounded, typo_rate=typo_rate,
                        taken=taken, type_aliases=TYPE_ALIASES)
    copies = send_twice(rng, np.flatnonzero(own & (cosmetic != TYPO)), columns["month"], timeline.last)
    return Claims(**with_copies(dict(
        person=person, outcome=columns["outcome"], op=columns["op"], fecha=fecha, month=columns["month"], intent=intent,
        cosmetic=cosmetic, enrolment=columns["enrolment"], certain=columns["certain"], soporte=columns["soporte"],
        doc_type=doc_type, doc_number=doc_number), copies))
