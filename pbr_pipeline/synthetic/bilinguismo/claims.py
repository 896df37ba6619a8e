"""CERTIFICACION_B1 claims as operators make them, and the defects they make.

An operator holds the certificate of the exit test it believes certifies its enrolee and
claims it a month or so later (`fecha_resultado` the test's date, `soporte` the certificate
number). It also claims failed tests now and then, a test that does not certify (Saber 11,
another test), a test it has no record of, the entry test's date by mistake (before the
enrolment), people it never enrolled or another operator enrolled first, and sends claims
twice. Documents are written as the person shows them on the test date (a student who turned
18 shows the CC), sometimes with a type alias, leading zeros or dots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..claims import TYPE_ALIASES, ClaimBatch, clip_month, send_twice
from ..dated_claims import (BEFORE_ENROLMENT, FABRICATED, NOT_ENROLLED, OTHER_PROGRAMME, OWN, PLAIN, SECOND,
                            DatedClaims, spell_oddly, with_copies, written_documents)
from ..operators import Enrolments, ExtraEnrolments, claimed_by_another
from ..population import Population
from ..timeline import Timeline, last_day, month_of_day
from .exams import (E_BELOW, X_AFTER_WINDOW, X_BEFORE_CONTRACT, X_CORRECTED, X_FAIL, X_NONE, X_NOT_ACCEPTED, X_PASS,
                    X_RETAKE, X_WINDOW_END, Exams, between)

_TYPE_ALIASES = {**TYPE_ALIASES, "TI": (*TYPE_ALIASES["TI"], "ti")}
"""Type aliases as operators of this programme write them (students' TI in lower case too)."""

_CLAIM_CHANCE = {X_PASS: 0.85, X_RETAKE: 0.85, X_WINDOW_END: 0.85, X_BEFORE_CONTRACT: 0.85, X_CORRECTED: 1.0,
                 X_AFTER_WINDOW: 0.8, X_NOT_ACCEPTED: 0.8, X_FAIL: 0.12, X_NONE: 0.08}
"""How often the owner claims, by exit story."""


@dataclass(frozen=True)
class Claims(DatedClaims):
    """CERTIFICACION_B1 claim rows as columns (BEFORE_ENROLMENT: the entry test's date), with
    the exam row each names."""

    exam_row: np.ndarray
    """The exam row the claim names, -1 if none."""


class _Batch(ClaimBatch):
    _names = ("person", "op", "fecha", "month", "intent", "enrolment", "exam_row", "soporte")

    def __init__(self) -> None:
        super().__init__(self._names, {name: object if name == "soporte" else np.int64 for name in self._names})

    def add(self, mask, person, op, fecha, month, intent, enrolment, exam_row, soporte) -> None:
        self.add_group(mask, (person, op, fecha, month, intent, enrolment, exam_row, soporte))


def _lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Months between the test and the file that claims it (0: claimed before the registry has it)."""
    return rng.choice(4, size=size, p=[0.1, 0.55, 0.25, 0.1])


def _made_up_certificate(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """A certificate number in the Aptis style that no exam row holds."""
    year = (1970 + month_of_day(day) // 12).astype(str)
    serial = rng.integers(900_000_000, 1_000_000_000, len(day)).astype(str)
    return np.char.add(np.char.add(np.char.add("APT", year), "-"), serial).astype(object)


def build_claims(rng: np.random.Generator, *, population: Population, enrolments: Enrolments, exams: Exams,
                 seconds: ExtraEnrolments, second_claims: np.ndarray, ops: np.ndarray, timeline: Timeline,
                 contract_start: int, employment: tuple[Population, np.ndarray], taken: set[str]) -> Claims:
    """Every claim row the programme's operators send. `employment` is the employment
    population and its enrolled people; `taken` every document number in use (fabricated
    numbers avoid it and join it)."""
    e, stories, rows = enrolments, exams.stories, exams.rows
    count = len(e.person)
    last, first = timeline.last, timeline.first
    batch = _Batch()

    # The owner's claim.
    row = exams.claimed_row
    has_row = row >= 0
    # A test the operator has no record of, dated where its contract covers it.
    made_up = np.maximum(e.date + rng.integers(120, 301, count), contract_start + rng.integers(0, 60, count))
    fecha = np.where(has_row, rows.day[np.maximum(row, 0)], made_up)
    soporte = np.where(has_row, rows.certificate[np.maximum(row, 0)], _made_up_certificate(rng, made_up))
    soporte = np.where(rng.random(count) < 0.05, "", soporte).astype(object)
    chance = np.array([_CLAIM_CHANCE[int(story)] for story in range(len(_CLAIM_CHANCE))])[stories.exit]
    certain = stories.set_aside | exams.turns_adult
    claim = (rng.random(count) < chance) | certain
    lag = np.where(certain, rng.choice(np.array([1, 2]), size=count, p=[0.7, 0.3]), _lag(rng, count))
    lag = np.where(stories.exit == X_CORRECTED, 1, lag)
    month = np.maximum.reduce([month_of_day(fecha) + lag, e.received, np.full(count, first)])
    month = np.where(certain, np.minimum(month, last), month)

    # One claim sent in the month of the test itself, before the registry can show it.
    ordinary = (~certain & (stories.entry == E_BELOW) & (stories.exit == X_PASS) & has_row
                & (month_of_day(fecha) >= e.received) & (month_of_day(fecha) >= first)
                & (month_of_day(fecha) < last))
    early = ordinary & claim & (lag == 0)
    if ordinary.any() and not early.any():
        chosen = int(rng.choice(np.flatnonzero(ordinary)))
        claim[chosen], lag[chosen], month[chosen], early[chosen] = True, 0, month_of_day(fecha[chosen]), True

    # A few operators claim the entry test's date by mistake, before the enrolment: that is
    # the only claim they send about the person.
    entry_row = exams.entry_row
    entry_day = np.where(entry_row >= 0, rows.day[np.maximum(entry_row, 0)], -1)
    mistaken_pool = np.flatnonzero(~certain & ~ordinary & (entry_row >= 0) & (entry_day < e.date)
                                   & (stories.exit == X_PASS))
    mistaken = rng.permutation(mistaken_pool)[: max(1, round(0.01 * count))] if len(mistaken_pool) else mistaken_pool
    claim[mistaken] = False
    mistaken_month = np.minimum(np.maximum(e.received[mistaken], first) + rng.integers(0, 3, len(mistaken)), last)
    # Enough plain true claims that a small data set shows each odd spelling and a plain one.
    plain = (~certain & (stories.entry == E_BELOW) & (stories.exit == X_PASS) & has_row & ~early
             & (fecha <= last_day(last - 1)))
    plain[mistaken] = False
    wanted = plain & claim & (month > month_of_day(fecha)) & (month <= last)
    extra = rng.permutation(np.flatnonzero(plain & ~wanted))[: max(0, 6 - int(wanted.sum()))]
    claim[extra], lag[extra] = True, 1
    month[extra] = np.maximum.reduce([month_of_day(fecha[extra]) + 1, e.received[extra], np.full(len(extra), first)])
    batch.add(claim & (month <= last), e.person, e.op, fecha, month, OWN, np.arange(count), row, soporte)
    batch.add(np.ones(len(mistaken), bool), e.person[mistaken], e.op[mistaken], entry_day[mistaken], mistaken_month,
              BEFORE_ENROLMENT, mistaken, entry_row[mistaken], "")

    _claims_on_others(rng, batch, population, e, exams, seconds, second_claims, ops, timeline, contract_start,
                      employment)
    return _write_documents(rng, batch.arrays(), population, employment[0], exams, e, taken, timeline)


def _claims_on_others(rng, batch: _Batch, population: Population, e: Enrolments, exams: Exams,
                      seconds: ExtraEnrolments, second_claims: np.ndarray, ops: np.ndarray, timeline: Timeline,
                      contract_start: int, employment: tuple[Population, np.ndarray]) -> None:
    """Claims about people the claiming operator does not own."""
    rows, stories = exams.rows, exams.stories
    last, first = timeline.last, timeline.first
    total = batch.count()

    # A second operator claims the pass of a person another operator enrolled first.
    index = e.row_of[seconds.person[second_claims]]
    row = exams.claimed_row[index]
    day = rows.day[np.maximum(row, 0)]
    passed = (row >= 0) & np.isin(stories.exit[index], (X_PASS, X_RETAKE)) & (day >= seconds.date[second_claims])
    month = np.maximum.reduce([month_of_day(day) + 1 + (rng.random(len(index)) < 0.3), seconds.received[second_claims],
                               np.full(len(index), first)])
    month = np.where(month > last, np.maximum(month_of_day(day) + 1, seconds.received[second_claims]), month)
    batch.add(passed & (month <= last), seconds.person[second_claims], seconds.op[second_claims], day, month, SECOND,
              index, row, rows.certificate[np.maximum(row, 0)])

    def some_day(size: int) -> np.ndarray:
        return between(rng, np.full(size, contract_start), np.full(size, last_day(last)))

    def claim_month(day: np.ndarray) -> np.ndarray:
        return clip_month(month_of_day(day), _lag(rng, len(day)), timeline)

    # People of the programme nobody enrolled (some took a test on their own).
    never = np.flatnonzero(e.row_of < 0)
    picked = rng.permutation(never)[: max(1, round(0.01 * total))]
    day = some_day(len(picked))
    batch.add(np.ones(len(picked), bool), picked, rng.choice(ops, len(picked)), day, claim_month(day), NOT_ENROLLED,
              -1, -1, _made_up_certificate(rng, day))

    # An operator claims someone another operator enrolled, without enrolling the person itself.
    if len(ops) > 1:
        picked, other = claimed_by_another(rng, e, seconds.person, ops, max(1, round(0.005 * total)))
        row = exams.claimed_row[picked]
        day = rows.day[np.maximum(row, 0)]
        day = np.where((row >= 0) & (day >= contract_start) & (day <= last_day(last)), day, some_day(len(picked)))
        batch.add(np.ones(len(picked), bool), e.person[picked], other, day, claim_month(day), NOT_ENROLLED, picked,
                  row, _made_up_certificate(rng, day))

    # Someone of the employment programme, whom no operator of this one enrolled.
    employed, enrolled = employment
    if len(enrolled):
        picked = np.array([int(rng.choice(enrolled))])
        day = some_day(1)
        batch.add(np.ones(1, bool), picked, rng.choice(ops, 1), day, claim_month(day), OTHER_PROGRAMME, -1, -1,
                  _made_up_certificate(rng, day))

    fabricated = max(1, round(0.005 * total))
    day = some_day(fabricated)
    batch.add(np.ones(fabricated, bool), -1, rng.choice(ops, fabricated), day, claim_month(day), FABRICATED, -1, -1,
              _made_up_certificate(rng, day))


def _write_documents(rng, columns: dict[str, np.ndarray], population: Population, employed: Population, exams: Exams,
                     e: Enrolments, taken: set[str], timeline: Timeline) -> Claims:
    """Documents as written (the one shown on `fecha_resultado`), the odd spellings, and the
    claims sent twice."""
    size = len(columns["person"])
    person, intent = columns["person"], columns["intent"]
    fecha = columns["fecha"]
    mine = (person >= 0) & (intent != OTHER_PROGRAMME)
    doc_type, doc_number = written_documents(rng, person, fecha, intent, population, employed, taken)

    # Odd spellings go on plain true claims: a true claim written oddly is still true.
    cosmetic = np.full(size, PLAIN)
    enrolment = columns["enrolment"]
    stories = exams.stories
    start = e.date[np.maximum(enrolment, 0)]
    same_type = population.doc_type_at(np.where(mine, person, 0), start) == population.doc_type_at(
        np.where(mine, person, 0), fecha)
    ordinary = (intent == OWN) & ~stories.set_aside[enrolment] & ~exams.turns_adult[enrolment] & (
        stories.entry[enrolment] == E_BELOW) & (stories.exit[enrolment] == X_PASS) & (
        columns["month"] > month_of_day(fecha)) & same_type
    order = rng.permutation(np.flatnonzero(ordinary))
    # One of each at least, and one claim of the pool always left written plainly.
    order = order[:-1]
    counts = [max(1, round(share * len(order))) for share in (0.06, 0.04, 0.03)]
    aliases = order[: counts[0]]
    zeros = order[counts[0]: counts[0] + counts[1]]
    dots = order[counts[0] + counts[1]: sum(counts)]
    spell_oddly(rng, doc_type, doc_number, cosmetic, aliases=aliases, zeros=zeros, dots=dots,
                type_aliases=_TYPE_ALIASES)

    copies = send_twice(rng, np.flatnonzero(intent == OWN), columns["month"], timeline.last)
    return Claims(**with_copies(dict(
        person=person, op=columns["op"], fecha=fecha, month=columns["month"], intent=intent, cosmetic=cosmetic,
        enrolment=enrolment, exam_row=columns["exam_row"], soporte=columns["soporte"], doc_type=doc_type,
        doc_number=doc_number), copies))
