"""Outcome claims as operators make them: true ones, and the defects real operators make.

Operators know the jobs (spells) of the people they enrolled, not the qualifying rule, so
claims are drawn from what they know: the placement, retention they believe in, and some
mistakes. Whether the registry supports a claim is decided later, from the registry itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from schemas.codes import OUTCOMES_BY_PROGRAMME

from .employment import DEPENDENT, WORK, Employers, Placements, Spells
from .operators import Enrolments, ExtraEnrolments
from .noise import Noise, how_many, mistype, pick, wrong_type
from .population import CC, DOC_TYPES, PT, Population
from .timeline import Timeline, first_day, last_day, month_of_day

PROGRAMME = "EMPLEO"
OUTCOMES: tuple[str, ...] = OUTCOMES_BY_PROGRAMME[PROGRAMME]
COLOCACION, RETENCION_3M, RETENCION_6M = range(3)
RETENTION_MONTHS = {RETENCION_3M: 3, RETENCION_6M: 6}
PLACEMENT_WINDOW = 12
"""Months after the enrolment month in which a placement counts."""
ADDITIONALITY_MONTHS = 3
"""Months before the enrolment month in which a qualifying job makes a person not additional."""

NORMAL, EARLY, OTHER_OPERATOR, NOT_ENROLLED, FABRICATED, COPY = range(6)
"""What the operator did: claimed its own enrollee, claimed retention before the window
passed, claimed a person another operator enrolled first, claimed a person it never enrolled,
claimed a document nobody holds, sent a claim again."""

PLAIN, TYPO, ALIAS, DOTS, WRONG_TYPE = range(5)
"""How the document was written: as held, with a digit changed or transposed, with a type
alias (`C.C.`, `PPT`), with dots in the number, with another type than the one held."""

TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "CC": ("C.C.", "c.c", "C.C", "cc"), "TI": ("T.I.",), "CE": ("C.E.",), "PT": ("PPT",), "PE": ("PEP",),
}


@dataclass(frozen=True)
class Claims:
    """Claim rows as columns, one per row written to a `reportes` file (valid rows only)."""

    person: np.ndarray
    """True person, -1 for a fabricated document."""
    op: np.ndarray
    outcome: np.ndarray
    fecha: np.ndarray
    """`fecha_resultado` (day number)."""
    month: np.ndarray
    """Inbox month of the file that carries the claim."""
    intent: np.ndarray
    cosmetic: np.ndarray
    copy_of: np.ndarray
    """Index of the claim this row repeats, else -1."""
    soporte: np.ndarray
    doc_type: np.ndarray
    """Document type as written."""
    doc_number: np.ndarray
    """Document number as written."""
    renewed: np.ndarray
    """The document is the PT that replaced the person's PEP."""
    order: np.ndarray
    """Sort key of the row inside its file."""

    @property
    def size(self) -> int:
        return len(self.person)


class ClaimBatch:
    """Collects groups of rows (claims, registry rows) as columns, one per name in `names`;
    `dtypes` fixes the type of some columns (the others take the type of the values added)."""

    def __init__(self, names: tuple[str, ...], dtypes: dict[str, type] | None = None) -> None:
        self.dtypes = dtypes or {}
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in names}

    def add_group(self, mask: np.ndarray, values: tuple) -> np.ndarray:
        """The rows of `mask` of a group; `values` holds, in the order of the names, an array
        aligned with `mask` or one value for the whole group. Returns, per position of `mask`,
        the index its row gets among all rows collected (-1 where the mask is false)."""
        mask = np.asarray(mask, dtype=bool)
        start = self.count()
        size = len(mask)
        for name, value in zip(self.parts, values):
            column = np.broadcast_to(np.asarray(value, dtype=self.dtypes.get(name)), (size,))
            self.parts[name].append(column[mask])
        index = np.full(size, -1, dtype=np.int64)
        index[mask] = start + np.arange(int(np.count_nonzero(mask)))
        return index

    def count(self) -> int:
        return sum(len(part) for part in self.parts["person"])

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.concatenate(parts) for name, parts in self.parts.items()}


class _Batch(ClaimBatch):
    def __init__(self) -> None:
        super().__init__(("person", "op", "outcome", "fecha", "month", "intent", "soporte", "supported"))

    def add(self, mask, person, op, outcome, fecha, month, intent, soporte, supported=False) -> None:
        """`supported`: the registry's final truth backs the claim (document defects that do not
        change the verdict are put on such claims, so they read as true claims written oddly)."""
        self.add_group(mask, (person, op, outcome, fecha, month, intent, soporte, supported))


def first_qualifying(masks: np.ndarray, start: np.ndarray, count: int, timeline: Timeline) -> np.ndarray:
    """First month in start..start+count-1 whose bit is set, -1 if none (vectorised)."""
    found = np.full(len(masks), -1, dtype=np.int64)
    for offset in reversed(range(count)):
        month = start + offset
        found = np.where(_bit(masks, month, timeline), month, found)
    return found


def all_qualifying(masks: np.ndarray, start: np.ndarray, count: int, timeline: Timeline) -> np.ndarray:
    """Whether every month in start..start+count-1 qualifies; False where start is -1."""
    result = start >= 0
    for offset in range(count):
        result &= _bit(masks, start + offset, timeline)
    return result


def _bit(masks: np.ndarray, month: np.ndarray, timeline: Timeline) -> np.ndarray:
    inside = (month >= timeline.period0) & (month <= timeline.world_end)
    shift = np.clip(month - timeline.period0, 0, 62)
    return inside & ((np.right_shift(masks, shift) & 1) == 1)


def add_months_to_day(day: np.ndarray, months: int) -> np.ndarray:
    """Same day of month `months` later (days of month are 1-28 for job starts)."""
    month = month_of_day(day)
    return first_day(month + months) + (day - first_day(month))


@dataclass(frozen=True)
class _Context:
    """What every group of claims draws on, per enrolment (aligned with Enrolments)."""

    rng: np.random.Generator
    timeline: Timeline
    enrolments: Enrolments
    placements: Placements
    spells: Spells
    employers: Employers
    masks: np.ndarray
    """Final qualifying months of each enrolled person."""
    placement_month: np.ndarray
    """First qualifying month in E..E+12 (final truth), -1 if none."""
    additional: np.ndarray
    """No qualifying month in the 3 months before enrolment (final truth)."""

    def lag(self, size: int) -> np.ndarray:
        """Months between an outcome and the file that claims it."""
        return self.rng.choice(4, size=size, p=[0.3, 0.5, 0.15, 0.05])

    def nit(self, spell_ids: np.ndarray) -> np.ndarray:
        """Soporte: the employer's NIT as the operator noted it (sometimes with DV, sometimes none)."""
        size = len(spell_ids)
        written = self.employers.written(self.spells.employer[spell_ids], self.rng.random(size) < 0.3)
        return np.where(self.rng.random(size) < 0.08, "", written)


def build_claims(rng: np.random.Generator, *, population: Population, enrolments: Enrolments,
                 placements: Placements, seconds: ExtraEnrolments, second_claims: np.ndarray, spells: Spells,
                 employers: Employers, world: np.ndarray, timeline: Timeline, avoid_early: np.ndarray,
                 taken_numbers: set[str], noise: Noise) -> Claims:
    """Every claim row the operators send, in no particular order yet. `avoid_early` marks
    people an early retention claim should not be about."""
    masks = world[enrolments.person]
    context = _Context(
        rng, timeline, enrolments, placements, spells, employers, masks,
        placement_month=first_qualifying(masks, enrolments.month, PLACEMENT_WINDOW + 1, timeline),
        additional=first_qualifying(masks, enrolments.month - ADDITIONALITY_MONTHS, ADDITIONALITY_MONTHS,
                                    timeline) < 0,
    )
    batch = _Batch()
    _placements(context, batch)
    _retention(context, batch, avoid_early[enrolments.person])
    _claims_on_others(context, batch, seconds, second_claims)
    return _write_documents(rng, batch.arrays(), population, taken_numbers, timeline.last, noise)


def _placements(c: _Context, batch: _Batch) -> None:
    """Owners claim the placements they know of, jobs held since before enrolment, and a few
    placements no employer ever reported."""
    e, p, last = c.enrolments, c.placements, c.timeline.last
    count = len(e.person)
    has_main = p.main >= 0
    main = np.maximum(p.main, 0)
    # Non-dependent jobs are claimed a little less often; a job that started days before the
    # enrolment is claimed at once (the operator counts it).
    dependent = np.isin(c.spells.tipo[main], DEPENDENT)
    before = p.before_enrolment
    claim = has_main & ((c.rng.random(count) < np.where(dependent, 0.88, 0.78)) | before)
    month = np.maximum(month_of_day(p.start) + np.where(before, 0, c.lag(count)), e.received)
    window_end = np.minimum(month_of_day(p.start) + 1, e.month + PLACEMENT_WINDOW)
    supported = c.additional & ~before & (c.placement_month >= 0) & (c.placement_month <= window_end)
    batch.add(claim & (month <= last), e.person, e.op, COLOCACION, p.start, month, NORMAL, c.nit(main), supported)

    ongoing = p.ongoing >= 0
    fecha = e.date + c.rng.integers(3, 41, count)
    month = np.maximum(month_of_day(fecha) + c.lag(count), e.received)
    batch.add(ongoing & (c.rng.random(count) < 0.7) & (month <= last), e.person, e.op, COLOCACION, fecha, month,
              NORMAL, c.nit(np.maximum(p.ongoing, 0)))

    idle = ~has_main & ~ongoing
    fecha = e.date + c.rng.integers(20, 200, count)
    month = np.maximum(month_of_day(fecha) + c.lag(count), e.received)
    batch.add(idle & (c.rng.random(count) < 0.05) & (month <= last), e.person, e.op, COLOCACION, fecha, month,
              NORMAL, c.nit(c.rng.integers(0, c.spells.size, count)))


def _retention(c: _Context, batch: _Batch, avoid_early: np.ndarray) -> None:
    """Retention as the owner believes it (still in the job N months after it started).
    Ordinary claims wait until the window has passed; a few come early, while it is open."""
    e, p, last = c.enrolments, c.placements, c.timeline.last
    count = len(e.person)
    has_main = p.main >= 0
    for outcome, months in RETENTION_MONTHS.items():
        target = add_months_to_day(p.start, months)
        believed = p.until >= target
        truly = all_qualifying(c.masks, c.placement_month, months, c.timeline)
        chance = np.where(believed, 0.82 if months == 3 else 0.72, 0.28 if months == 3 else 0.12)
        claim = has_main & (c.rng.random(count) < chance)
        delay = c.lag(count)
        if outcome == RETENCION_3M:
            # Some claims of a retention that broke (placed, then a month that does not
            # qualify), filed without delay so that they land inside the generated months.
            broken = has_main & c.additional & (c.placement_month >= 0) & ~truly & (
                c.placement_month + months <= last)
            forced = c.rng.permutation(np.flatnonzero(broken))[:2]
            claim[forced] = True
            delay[forced] = 0
        window_passed = np.where(c.placement_month >= 0, c.placement_month + months, 0)
        month = np.maximum.reduce([month_of_day(target) + delay, window_passed, e.received])

        window_last = c.placement_month + months - 1
        early_month = np.maximum.reduce([window_last - c.rng.integers(0, 2, count), month_of_day(p.start) + 1,
                                         e.received])
        pool = (claim & believed & truly & c.additional & ~avoid_early & (early_month <= window_last)
                & (early_month <= last))
        early = pool & (c.rng.random(count) < 0.08)
        if outcome == RETENCION_3M and pool.any() and not early.any():
            early[c.rng.choice(np.flatnonzero(pool))] = True
        early_fecha = np.maximum.reduce([first_day(early_month) + c.rng.integers(0, 28, count), p.start + 1, e.date])
        month = np.where(early, early_month, month)
        batch.add(claim & (month <= last), e.person, e.op, outcome, np.where(early, early_fecha, target), month,
                  np.where(early, EARLY, NORMAL), c.nit(np.maximum(p.main, 0)), truly & c.additional)


def _claims_on_others(c: _Context, batch: _Batch, seconds: ExtraEnrolments, second_claims: np.ndarray) -> None:
    """Claims about people the claiming operator does not own: enrolled first by another
    operator, never enrolled by it, or holding a document nobody holds."""
    e, p, timeline = c.enrolments, c.placements, c.timeline
    operators = len(e.codes)
    rows = e.row_of[seconds.person[second_claims]]
    month = clip_month(np.maximum(month_of_day(p.start[rows]), seconds.received[second_claims]), c.lag(len(rows)),
                        timeline)
    batch.add(np.ones(len(rows), bool), seconds.person[second_claims], seconds.op[second_claims], COLOCACION,
              p.start[rows], month, OTHER_OPERATOR, c.nit(p.main[rows]))

    total = batch.count()
    spells = c.spells
    new_jobs = np.flatnonzero((spells.role == WORK) & (spells.start >= timeline.first) & (spells.start <= timeline.last)
                              & np.isin(spells.tipo, DEPENDENT))
    picked = c.rng.permutation(new_jobs)[: max(1, round(0.01 * total))]
    fecha = spells.start_date(picked)
    batch.add(np.ones(len(picked), bool), spells.person[picked], c.rng.integers(0, operators, len(picked)),
              COLOCACION, fecha, clip_month(month_of_day(fecha), c.lag(len(picked)), timeline), NOT_ENROLLED,
              c.nit(picked))
    if operators > 1:
        alone = (p.main >= 0) & ~np.isin(e.person, seconds.person) & (month_of_day(p.start) <= timeline.last)
        picked = c.rng.permutation(np.flatnonzero(alone))[: max(1, round(0.005 * total))]
        other = (e.op[picked] + c.rng.integers(1, operators, len(picked))) % operators
        fecha = p.start[picked]
        batch.add(np.ones(len(picked), bool), e.person[picked], other, COLOCACION, fecha,
                  clip_month(month_of_day(fecha), c.lag(len(picked)), timeline), NOT_ENROLLED, c.nit(p.main[picked]))

    fabricated = max(1, round(0.005 * total))
    start = int(first_day(timeline.first))
    fecha = start + c.rng.integers(0, int(last_day(timeline.last)) - start + 1, fabricated)
    outcome = np.where(c.rng.random(fabricated) < 0.8, COLOCACION, RETENCION_3M)
    batch.add(np.ones(fabricated, bool), -1, c.rng.integers(0, operators, fabricated), outcome, fecha,
              clip_month(month_of_day(fecha), c.lag(fabricated), timeline), FABRICATED,
              c.nit(c.rng.integers(0, spells.size, fabricated)))


def clip_month(month: np.ndarray, lag: np.ndarray, timeline: Timeline) -> np.ndarray:
    """The claim's month: the outcome's month (the first inbox month at the earliest) plus a
    lag, without the lag when it runs past the last month."""
    month = np.maximum(month, timeline.first)
    return np.where(month + lag <= timeline.last, month + lag, month)


def _write_documents(rng: np.random.Generator, columns: dict[str, np.ndarray], population: Population,
                     taken: set[str], last: int, noise: Noise) -> Claims:
    """Documents as operators write them (the one the person shows on the outcome date),
    defects included, and the repeated claims. Mistyped numbers join `taken`."""
    size = len(columns["person"])
    person = columns["person"]
    known = person >= 0
    shown_type, shown_number = population.document_at(np.maximum(person, 0), columns["fecha"])
    type_index = np.where(known, shown_type, CC)
    doc_type = np.array(DOC_TYPES)[type_index].astype(object)
    doc_number = np.where(known, shown_number, "").astype(object)
    renewed = known & (columns["fecha"] >= population.renewal[np.maximum(person, 0)])
    for index in np.flatnonzero(~known).tolist():
        doc_number[index] = fresh_number(rng, taken)

    cosmetic = np.full(size, PLAIN)
    normal = np.flatnonzero(columns["intent"] == NORMAL)
    typos = rng.permutation(normal)[: how_many(noise.claim_typo, len(normal))]
    # Aliases and dots go on supported claims: a true claim written oddly is still true.
    order = rng.permutation(np.setdiff1d(normal[columns["supported"][normal]], typos))
    aliases = order[: max(1, round(0.05 * len(normal)))]
    dots = order[len(aliases): len(aliases) + max(1, round(0.04 * len(normal)))]
    # Make sure migrants' PPT appears when any PT holder has a claim to write it on.
    rest = order[len(aliases) + len(dots):]
    if not (type_index[aliases] == PT).any():
        pt_claims = rest[type_index[rest] == PT]
        if len(pt_claims):
            aliases = np.append(aliases, pt_claims[0])
    for index in typos.tolist():
        doc_number[index] = mistype(rng, doc_number[index], taken)
    for index in aliases.tolist():
        choices = TYPE_ALIASES[doc_type[index]]
        doc_type[index] = choices[int(rng.integers(0, len(choices)))]
    for index in dots.tolist():
        doc_number[index] = with_dots(doc_number[index])
    cosmetic[typos], cosmetic[aliases], cosmetic[dots] = TYPO, ALIAS, DOTS

    copies = send_twice(rng, normal[cosmetic[normal] != TYPO], columns["month"], last)
    repeated = copies.repeated

    def extend(values: np.ndarray, copies: np.ndarray) -> np.ndarray:
        return np.concatenate([values, copies])

    return Claims(
        person=extend(person, person[repeated]),
        op=extend(columns["op"], columns["op"][repeated]),
        outcome=extend(columns["outcome"], columns["outcome"][repeated]),
        fecha=extend(columns["fecha"], columns["fecha"][repeated]),
        month=extend(columns["month"], copies.month),
        intent=extend(columns["intent"], np.full(len(repeated), COPY)),
        cosmetic=extend(cosmetic, cosmetic[repeated]),
        copy_of=extend(np.full(size, -1), repeated),
        soporte=extend(columns["soporte"].astype(object), columns["soporte"][repeated].astype(object)),
        doc_type=extend(doc_type, doc_type[repeated]),
        doc_number=extend(doc_number, doc_number[repeated]),
        renewed=extend(renewed, renewed[repeated]),
        order=copies.order,
    )


@dataclass(frozen=True)
class Copies:
    """Claims an operator sends twice: the copies follow the claims, in the order of `repeated`."""

    repeated: np.ndarray
    """Index of the claim each copy repeats."""
    month: np.ndarray
    """Inbox month of each copy."""
    order: np.ndarray
    """Sort key inside its file of every row: the claims, then the copies."""


def send_twice(rng: np.random.Generator, candidates: np.ndarray, month: np.ndarray, last: int) -> Copies:
    """Claims sent twice, chosen among `candidates` (indices into `month`, the inbox month of
    every claim): half again in the same file, half in a later month's file."""
    size = len(month)
    wanted = max(2, round(0.03 * size))
    # Half are sent again in a later month, which needs a claim from before the last month.
    resendable = candidates[month[candidates] < last]
    later_ones = rng.permutation(resendable)[: wanted // 2]
    same_ones = rng.permutation(np.setdiff1d(candidates, later_ones))[: wanted - len(later_ones)]
    repeated = np.concatenate([same_ones, later_ones]).astype(np.int64)
    later = np.arange(len(repeated)) >= len(same_ones)
    order_key = rng.random(size)
    copy_month = month[repeated] + np.where(later, rng.integers(1, 3, len(repeated)), 0)
    copy_month = np.minimum(copy_month, last)
    # A copy in the same file comes after the row it repeats.
    copy_order = np.where(copy_month == month[repeated],
                          order_key[repeated] + (1 - order_key[repeated]) * rng.random(len(repeated)),
                          rng.random(len(repeated)))
    return Copies(repeated, copy_month, np.concatenate([order_key, copy_order]))


def with_wrong_types(rng: np.random.Generator, claims: Claims, rate: float,
                     listed: Callable[[str, str], bool]) -> Claims:
    """Write another document type on a share of ordinary claims written plainly that nobody
    sends again, never a (type, number) for which `listed` is true (a roster's wrongly typed
    document), so such a claim stays nobody's document."""
    repeated = np.zeros(claims.size, dtype=bool)
    repeated[claims.copy_of[claims.copy_of >= 0]] = True
    eligible = ((claims.intent == NORMAL) & (claims.cosmetic == PLAIN) & (claims.copy_of < 0) & ~repeated
                & (claims.person >= 0))
    chosen = np.flatnonzero(pick(rng, eligible, rate))
    if not len(chosen):
        return claims
    doc_type, cosmetic = claims.doc_type.copy(), claims.cosmetic.copy()
    for index in chosen.tolist():
        written = wrong_type(rng, doc_type[index])
        if not listed(written, claims.doc_number[index]):
            doc_type[index], cosmetic[index] = written, WRONG_TYPE
    return replace(claims, doc_type=doc_type, cosmetic=cosmetic)


def with_dots(number: str) -> str:
    """`1098765432` → `1.098.765.432`, as spreadsheets format numbers in Spanish."""
    groups = []
    while len(number) > 3:
        groups.insert(0, number[-3:])
        number = number[:-3]
    return ".".join([number] + groups)


def fresh_number(rng: np.random.Generator, taken: set[str]) -> str:
    """A 10-digit number in the cédula series that nobody in the data holds."""
    while True:
        number = str(int(rng.integers(1_000_000_000, 1_110_000_000)))
        if number not in taken:
            taken.add(number)
            return number
