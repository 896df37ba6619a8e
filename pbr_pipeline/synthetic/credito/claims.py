"""CREDITO_DESEMBOLSADO claims as operators make them, and the defects they make.

An operator hears of a credit from the firm and claims it a month or so later, dated on the
disbursement (`fecha_resultado`), with the firm's NIT; it cannot know that the intermediary
reports up to four months late, so most claims wait PENDING at first. Operators also claim the
credit of a firm that already had one, one reported as GRANDE, one after the window, a credit
the firm says was approved but never disbursed, the disbursement before the enrolment, firms
they never enrolled or another operator enrolled first, a NIT nobody holds, and send claims
twice. The NIT is written as held, now and then with dots, leading zeros or a type alias, and
sometimes with its check digit run into the number (`900123456-7` reads as another NIT).
"""

from __future__ import annotations

import numpy as np

from schemas.codes import nit_check_digit

from ..claims import ClaimBatch, clip_month, send_twice
from ..dated_claims import BEFORE_ENROLMENT, FABRICATED, NOT_ENROLLED, OWN, PLAIN, SECOND, DatedClaims, with_copies
from ..operators import Enrolments, ExtraEnrolments
from ..subjects import spell_some_oddly
from ..timeline import Timeline, last_day, month_of_day
from .firms import BEFORE, CREDIT, LARGE, LATE, NONE, OLD, Credits, Firms

WITH_DV = 4
"""A spelling beyond dated_claims': the NIT with its check digit run into the number."""

_CLAIM_CHANCE = {CREDIT: 0.85, BEFORE: 0.7, LARGE: 0.75, NONE: 0.5, LATE: 0.6, OLD: 0.5}
_NIT_ALIASES = {"NIT": ("nit", "N.I.T.", "Nit")}
EARLIEST_CLAIM_DAYS = 90
"""Operators claim outcomes from this many days before their contract starts on (those before
it are refused NO_CONTRACT); older outcomes of the carried cohort they leave unclaimed."""


def credit_days(credits: Credits, enrolments: Enrolments) -> tuple[np.ndarray, np.ndarray]:
    """Per enrolment: the day of the firm's first credit on or after the enrolment and of its
    last credit before it (-1: none)."""
    after = np.full(len(enrolments.person), -1, dtype=np.int64)
    before = np.full(len(enrolments.person), -1, dtype=np.int64)
    row_of = enrolments.row_of
    for firm, day in sorted(zip(credits.firm.tolist(), credits.day.tolist()), key=lambda pair: pair[1]):
        if firm >= len(row_of) or row_of[firm] < 0:
            continue
        index = row_of[firm]
        if day >= enrolments.date[index]:
            if after[index] < 0:
                after[index] = day
        else:
            before[index] = day
    return after, before


class _Batch(ClaimBatch):
    _names = ("person", "op", "fecha", "month", "intent", "enrolment")

    def __init__(self) -> None:
        super().__init__(self._names, {name: np.int64 for name in self._names})

    def add(self, mask, person, op, fecha, month, intent, enrolment) -> None:
        self.add_group(mask, (person, op, fecha, month, intent, enrolment))


def _lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Months between the disbursement and the file that claims it."""
    return rng.choice(4, size=size, p=[0.2, 0.45, 0.25, 0.1])


def build_claims(rng: np.random.Generator, *, firms: Firms, enrolments: Enrolments, story: np.ndarray,
                 oldest: np.ndarray, credits: Credits, seconds: ExtraEnrolments, second_claims: np.ndarray,
                 ops: np.ndarray,
                 registry_only: np.ndarray, timeline: Timeline, contract_start: int,
                 taken: set[str]) -> DatedClaims:
    """Every claim row the programme's operators send (`person` is the firm); the `oldest`
    enrolments are always claimed. `taken` holds every document number in use; a made-up NIT
    avoids it and joins it."""
    e = enrolments
    count = len(e.person)
    first, last = timeline.first, timeline.last
    after, before = credit_days(credits, e)
    batch = _Batch()

    # Without a credit to name, the operator claims the one the firm says it got (approved, never
    # disbursed), in the operator's contract.
    believed = np.maximum(e.date + rng.integers(30, 301, count), contract_start + rng.integers(0, 90, count))
    fecha = np.select([np.isin(story, (CREDIT, LARGE, LATE)) & (after >= 0), (story == BEFORE) & (after >= 0)],
                      [after, after], believed)
    chance = np.array([_CLAIM_CHANCE[int(s)] for s in story])
    # The oldest enrolments, whose windows close within the data set, are always claimed.
    chance[oldest] = 1.0
    claim = (rng.random(count) < chance) & (fecha >= contract_start - EARLIEST_CLAIM_DAYS)
    month = np.maximum.reduce([month_of_day(fecha) + _lag(rng, count), e.received, np.full(count, first)])
    # A few operators claim the credit the firm had before the enrolment: that is their only claim.
    mistaken_pool = np.flatnonzero((story == BEFORE) & (before >= contract_start - EARLIEST_CLAIM_DAYS)
                                   & (np.maximum(month_of_day(before), e.received) <= last))
    if not len(mistaken_pool):
        mistaken_pool = np.flatnonzero((story == BEFORE) & (np.maximum(month_of_day(before), e.received) <= last))
    mistaken = rng.permutation(mistaken_pool)[: max(1, round(0.02 * count))]
    claim[mistaken] = False
    mistaken_month = np.maximum.reduce([month_of_day(before[mistaken]) + 1, e.received[mistaken],
                                        np.full(len(mistaken), first)])
    mistaken_month = np.minimum(mistaken_month, last)
    batch.add(claim & (month <= last), e.person, e.op, fecha, month, OWN, np.arange(count))
    batch.add(np.ones(len(mistaken), bool), e.person[mistaken], e.op[mistaken], before[mistaken], mistaken_month,
              BEFORE_ENROLMENT, mistaken)

    # A second operator claims the credit of a firm another operator enrolled first.
    index = e.row_of[seconds.person[second_claims]]
    day = after[index]
    month = np.maximum.reduce([month_of_day(day) + rng.integers(0, 2, len(index)), seconds.received[second_claims],
                               np.full(len(index), first)])
    month = np.where(month > last, np.maximum(month_of_day(day), seconds.received[second_claims]), month)
    batch.add((day >= seconds.date[second_claims]) & (month <= last), seconds.person[second_claims],
              seconds.op[second_claims], day, month, SECOND, index)

    total = batch.count()
    end = int(last_day(last))

    def claim_month(day: np.ndarray) -> np.ndarray:
        return clip_month(month_of_day(day), _lag(rng, len(day)), timeline)

    def some_day(size: int) -> np.ndarray:
        return rng.integers(contract_start, end + 1, size)

    # Firms no operator enrolled, with a credit the reports show.
    only = set(registry_only.tolist())
    with_credit = {firm: day for firm, day in zip(credits.firm.tolist(), credits.day.tolist())
                   if firm in only and contract_start <= day <= end}
    picked = rng.permutation(np.array(sorted(with_credit), dtype=np.int64))[: max(1, round(0.01 * total))]
    day = np.array([with_credit[firm] for firm in picked.tolist()], dtype=np.int64)
    batch.add(np.ones(len(picked), bool), picked, rng.choice(ops, len(picked)), day, claim_month(day), NOT_ENROLLED,
              -1)
    # An operator claims a firm another operator enrolled, without enrolling it itself.
    if len(ops) > 1:
        alone = np.flatnonzero(~np.isin(e.person, seconds.person) & (after >= contract_start) & (after <= end))
        picked = rng.permutation(alone)[: max(1, round(0.01 * total))]
        position = np.searchsorted(ops, e.op[picked])
        other = ops[(position + rng.integers(1, len(ops), len(picked))) % len(ops)]
        batch.add(np.ones(len(picked), bool), e.person[picked], other, after[picked], claim_month(after[picked]),
                  NOT_ENROLLED, picked)
    fabricated = max(1, round(0.005 * total))
    day = some_day(fabricated)
    batch.add(np.ones(fabricated, bool), -1, rng.choice(ops, fabricated), day, claim_month(day), FABRICATED, -1)
    return _write_documents(rng, batch.arrays(), firms, story, taken, timeline, contract_start)


def _write_documents(rng: np.random.Generator, columns: dict[str, np.ndarray], firms: Firms, story: np.ndarray,
                     taken: set[str], timeline: Timeline, contract_start: int) -> DatedClaims:
    """NITs as written, the odd spellings (on claims of credits in the window, in the contract),
    and the claims sent twice."""
    size = len(columns["person"])
    person, intent, enrolment = columns["person"], columns["intent"], columns["enrolment"]
    doc_type = np.full(size, "NIT", dtype=object)
    doc_number = np.where(person >= 0, firms.nit[np.maximum(person, 0)], "").astype(object)
    for index in np.flatnonzero(person < 0).tolist():
        while True:
            number = str(int(rng.integers(900_100_000, 901_800_000)))
            if number not in taken:
                taken.add(number)
                doc_number[index] = number
                break
    cosmetic = np.full(size, PLAIN)
    # Odd spellings go on claims of credits the firm got in its window.
    ordinary = np.flatnonzero((intent == OWN) & (story[np.maximum(enrolment, 0)] == CREDIT)
                              & (columns["fecha"] >= contract_start))
    rest = spell_some_oddly(rng, doc_type, doc_number, cosmetic, ordinary, 0.04, _NIT_ALIASES)
    with_dv = rest[:max(1, round(0.04 * len(ordinary)))]
    for index in with_dv.tolist():
        doc_number[index] = f"{doc_number[index]}-{nit_check_digit(doc_number[index])}"
    cosmetic[with_dv] = WITH_DV
    copies = send_twice(rng, np.flatnonzero(intent == OWN), columns["month"], timeline.last)
    return DatedClaims(**with_copies(dict(
        person=person, op=columns["op"], fecha=columns["fecha"], month=columns["month"], intent=intent,
        cosmetic=cosmetic, enrolment=enrolment, soporte=np.full(size, None, dtype=object), doc_type=doc_type,
        doc_number=doc_number), copies))
