"""SUPERA_POBREZA_EXTREMA claims as operators make them, and the defects they make.

An operator follows its enrolees and claims the outcome when a measurement shows the household
above the line (it rounds: one a peso short of the line looks above it to the operator), a
month or so later, dated with that measurement (`fecha_resultado`; `soporte` the operator's
follow-up form). It cannot tell a rise before the follow-up window from one in it, nor whether
the baseline was already above the line, so it claims those too; now and then it claims people
whose households stayed below (dated the day it reports them), the date of the baseline by
mistake (before the enrolment), people it never enrolled or another operator enrolled first,
someone of the employment programme, documents nobody holds, and sends claims twice.
Documents are written as the person shows them on the claimed day, sometimes with a type
alias, leading zeros, dots or a mistyped digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import between
from ..claims import ClaimBatch, TYPE_ALIASES, clip_month, send_twice
from ..dated_claims import (BEFORE_ENROLMENT, FABRICATED, NOT_ENROLLED, OTHER_PROGRAMME, OWN, SECOND, TYPO,
                            DatedClaims, misspell, with_copies, written_documents)
from ..operators import Enrolments, ExtraEnrolments, claimed_by_another
from ..population import Population
from ..timeline import Timeline, last_day, month_of_day
from .incomes import B_BELOW, F_CORRECTED, F_NONE, F_RISES, F_STAYS, Measurements, windows

_CLAIM_CHANCE = 0.85
"""How often the owner claims a rise it saw in an ordinary story ..."""
_DOUBTFUL_CHANCE = 0.6
"""... in any other (the baseline was above the line or missing, the rise came too early) ..."""
_OLD_CHANCE = 0.25
"""... one from before the contract began ..."""
_REPORTED_CHANCE = 0.4
"""... and a household that never rose, on the operator's word."""


@dataclass(frozen=True)
class Claims(DatedClaims):
    """SUPERA_POBREZA_EXTREMA claim rows as columns (BEFORE_ENROLMENT: the baseline's date),
    with the measurement row each names."""

    row: np.ndarray
    """The measurement row the claim names, -1 if none."""
    certain: np.ndarray
    """Set aside to show an edge (or the one outcome before the contract): claimed for sure."""


class _Batch(ClaimBatch):
    _names = ("person", "op", "fecha", "month", "intent", "enrolment", "row", "certain")

    def __init__(self) -> None:
        super().__init__(self._names, {name: bool if name == "certain" else np.int64 for name in self._names})

    def add(self, mask, person, op, fecha, month, intent, enrolment, row, certain=False) -> None:
        self.add_group(mask, (person, op, fecha, month, intent, enrolment, row, certain))


def _lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Months between the measurement and the file that claims it (0: claimed before the
    registry has it)."""
    return rng.choice(4, size=size, p=[0.1, 0.5, 0.3, 0.1])


def build_claims(rng: np.random.Generator, *, population: Population, enrolments: Enrolments,
                 measurements: Measurements, seconds: ExtraEnrolments, second_claims: np.ndarray, ops: np.ndarray,
                 timeline: Timeline, contract_start: int, employment: tuple[Population, np.ndarray],
                 taken: set[str], typo_rate: float) -> Claims:
    """Every claim row the programme's operators send. `employment` is the employment
    population and its enrolled people; `taken` every document number in use (made-up and
    mistyped numbers avoid it and join it)."""
    e, stories, rows = enrolments, measurements.stories, measurements.rows
    count = len(e.person)
    last, first = timeline.last, timeline.first
    batch = _Batch()

    # The owner's claim: the rise it saw, or a household it reports on its own word.
    row = measurements.claimed_row
    seen = row >= 0
    _, _, follow_from, follow_to = windows(e.date)
    # The operator's own word comes when the follow-up window has opened, by the last month.
    word_from, word_to = np.maximum(follow_from, contract_start), np.minimum(follow_to, last_day(last))
    reported = between(rng, word_from, word_to)
    fecha = np.where(seen, rows.day[np.maximum(row, 0)], reported)
    ordinary = (stories.baseline == B_BELOW) & (stories.follow == F_RISES) & ~stories.set_aside
    chance = np.where(seen, np.where(ordinary, _CLAIM_CHANCE, _DOUBTFUL_CHANCE), _REPORTED_CHANCE)
    chance = np.where(seen & (fecha < contract_start), _OLD_CHANCE, chance)
    certain = stories.set_aside.copy()
    # One outcome from before the contract began is claimed for sure (when there is one).
    before = np.flatnonzero(ordinary & seen & (fecha < contract_start))
    if len(before):
        certain[int(rng.choice(before))] = True
    claim = (rng.random(count) < chance) | certain
    claim &= seen | (word_from <= word_to)
    lag = np.where(certain, rng.choice(np.array([1, 2]), size=count, p=[0.7, 0.3]), _lag(rng, count))
    lag = np.where(stories.follow == F_CORRECTED, 1, lag)
    month = np.maximum.reduce([month_of_day(fecha) + lag, e.received, np.full(count, first)])
    month = np.where(certain, np.minimum(month, last), month)
    # At least two households that never rose are claimed on the operator's word, by the last month.
    unfounded = ~seen & np.isin(stories.follow, (F_STAYS, F_NONE)) & (word_from <= word_to)
    sent = unfounded & claim & (month <= last)
    more = rng.permutation(np.flatnonzero(unfounded & ~sent))[: max(0, 2 - int(sent.sum()))]
    claim[more] = True
    month[more] = np.minimum(month[more], last)

    # One claim sent in the month of the measurement itself, before the registry can show it
    # (`early`: claims left as they are below).
    usable = ordinary & seen & (fecha >= contract_start) & (month_of_day(fecha) >= e.received) & (
        month_of_day(fecha) >= first) & (month_of_day(fecha) < last)
    early = usable & claim & (lag == 0)
    if usable.any() and not early.any():
        chosen = int(rng.choice(np.flatnonzero(usable)))
        claim[chosen], lag[chosen], month[chosen], early[chosen] = True, 0, month_of_day(fecha[chosen]), True

    # One claim sent after the rise but before the extract that brings it late.
    delivered = rows.delivered[np.maximum(row, 0)]
    late = usable & ~early & (delivered >= month_of_day(fecha) + 2)
    waiting = late & claim & (month > month_of_day(fecha)) & (month < delivered)
    if late.any() and not waiting.any():
        chosen = int(rng.choice(np.flatnonzero(late)))
        claim[chosen], month[chosen], waiting[chosen] = True, month_of_day(fecha[chosen]) + 1, True
    early |= waiting

    # A few operators claim the baseline's date by mistake, before the enrolment: that is the
    # only claim they send about the person.
    base_row = measurements.baseline_row
    base_day = np.where(base_row >= 0, rows.day[np.maximum(base_row, 0)], -1)
    mistaken_pool = np.flatnonzero(ordinary & ~early & ~certain & (base_row >= 0) & (base_day < e.date))
    mistaken = rng.permutation(mistaken_pool)[: max(1, round(0.01 * count))]
    claim[mistaken] = False
    mistaken_month = np.minimum(np.maximum(e.received[mistaken], first) + rng.integers(0, 3, len(mistaken)), last)
    # Enough plain true claims, received once the registry shows the rise, that a small data
    # set shows each odd spelling and a plain one.
    plain = ordinary & seen & ~early & (fecha >= contract_start) & (fecha <= last_day(last - 1))
    plain[mistaken] = False
    wanted = plain & claim & (month >= delivered) & (delivered >= 0) & (month <= last)
    extra = rng.permutation(np.flatnonzero(plain & ~wanted & (delivered >= 0)))[: max(0, 8 - int(wanted.sum()))]
    claim[extra] = True
    month[extra] = np.maximum.reduce([delivered[extra], e.received[extra], np.full(len(extra), first)])
    batch.add(claim & (month <= last), e.person, e.op, fecha, month, OWN, np.arange(count), row, certain)
    batch.add(np.ones(len(mistaken), bool), e.person[mistaken], e.op[mistaken], base_day[mistaken], mistaken_month,
              BEFORE_ENROLMENT, mistaken, base_row[mistaken], True)

    _claims_on_others(rng, batch, e, measurements, seconds, second_claims, ops, timeline, contract_start, employment)
    return _write_documents(rng, batch.arrays(), population, employment[0], measurements, taken, timeline,
                            contract_start, typo_rate)


def _claims_on_others(rng, batch: _Batch, e: Enrolments, measurements: Measurements, seconds: ExtraEnrolments,
                      second_claims: np.ndarray, ops: np.ndarray, timeline: Timeline, contract_start: int,
                      employment: tuple[Population, np.ndarray]) -> None:
    """Claims about people the claiming operator does not own."""
    rows, stories = measurements.rows, measurements.stories
    last, first = timeline.last, timeline.first
    total = batch.count()

    # A second operator claims the rise of a person another operator enrolled first.
    index = e.row_of[seconds.person[second_claims]]
    row = measurements.claimed_row[index]
    day = rows.day[np.maximum(row, 0)]
    rose = (row >= 0) & (stories.follow[index] == F_RISES) & (day >= seconds.date[second_claims])
    month = np.maximum.reduce([month_of_day(day) + 1 + (rng.random(len(index)) < 0.3), seconds.received[second_claims],
                               np.full(len(index), first)])
    month = np.where(month > last, np.maximum(month_of_day(day) + 1, seconds.received[second_claims]), month)
    batch.add(rose & (month <= last), seconds.person[second_claims], seconds.op[second_claims], day, month, SECOND,
              index, row)

    def some_day(size: int) -> np.ndarray:
        return rng.integers(contract_start, int(last_day(last)) + 1, size)

    def claim_month(day: np.ndarray) -> np.ndarray:
        return clip_month(month_of_day(day), _lag(rng, len(day)), timeline)

    # People of the programme nobody enrolled (some were measured on a SISBÉN visit).
    never = np.flatnonzero(e.row_of < 0)
    picked = rng.permutation(never)[: max(1, round(0.02 * total))]
    day = some_day(len(picked))
    batch.add(np.ones(len(picked), bool), picked, rng.choice(ops, len(picked)), day, claim_month(day), NOT_ENROLLED,
              -1, -1)

    # An operator claims someone another operator enrolled, without enrolling the person itself.
    if len(ops) > 1:
        picked, other = claimed_by_another(rng, e, seconds.person, ops, max(1, round(0.01 * total)))
        day = some_day(len(picked))
        batch.add(np.ones(len(picked), bool), e.person[picked], other, day, claim_month(day), NOT_ENROLLED, picked,
                  -1)

    # Someone of the employment programme, whom no operator of this one enrolled.
    employed, enrolled = employment
    if len(enrolled):
        day = some_day(1)
        batch.add(np.ones(1, bool), np.array([int(rng.choice(enrolled))]), rng.choice(ops, 1), day, claim_month(day),
                  OTHER_PROGRAMME, -1, -1)

    fabricated = max(1, round(0.01 * total))
    day = some_day(fabricated)
    batch.add(np.ones(fabricated, bool), -1, rng.choice(ops, fabricated), day, claim_month(day), FABRICATED, -1, -1)


def _write_documents(rng, columns: dict[str, np.ndarray], population: Population, employed: Population,
                     measurements: Measurements, taken: set[str], timeline: Timeline, contract_start: int,
                     typo_rate: float) -> Claims:
    """Documents as written (the one shown on `fecha_resultado`), the odd spellings, the
    mistyped numbers and the claims sent twice."""
    person, intent, fecha = columns["person"], columns["intent"], columns["fecha"]
    doc_type, doc_number = written_documents(rng, person, fecha, intent, population, employed, taken)
    stories = measurements.stories
    enrolment = columns["enrolment"]
    own = intent == OWN
    story = np.where(own, stories.follow[np.maximum(enrolment, 0)], -1)
    ordinary = own & ~columns["certain"] & (stories.baseline[np.maximum(enrolment, 0)] == B_BELOW) & (story == F_RISES)
    delivered = measurements.rows.delivered[np.maximum(columns["row"], 0)]
    plainly = ordinary & (columns["row"] >= 0) & (delivered >= 0) & (columns["month"] >= delivered) & (
        fecha >= contract_start)

    # Odd spellings on plain true claims; a mistyped digit on claims of households that never rose.
    unfounded = own & ~columns["certain"] & np.isin(story, (F_STAYS, F_NONE))
    cosmetic = misspell(rng, doc_type, doc_number, plainly=plainly, unfounded=unfounded, typo_rate=typo_rate,
                        taken=taken, type_aliases=TYPE_ALIASES)

    size = len(person)
    soporte = np.where(rng.random(size) < 0.7, np.char.add("SEG-", rng.integers(10_000, 100_000, size).astype(str)),
                       "").astype(object)
    # Copies only of claims written with the person's document.
    copies = send_twice(rng, np.flatnonzero(own & (cosmetic != TYPO)), columns["month"], timeline.last)
    return Claims(**with_copies(dict(
        person=person, op=columns["op"], fecha=fecha, month=columns["month"], intent=intent, cosmetic=cosmetic,
        enrolment=enrolment, row=columns["row"], certain=columns["certain"], soporte=soporte, doc_type=doc_type,
        doc_number=doc_number), copies))
