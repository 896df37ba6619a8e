"""The `pila` registry as the city receives it.

Rows of a period come from the spells active in it (one row per job and period); a row
qualifies when the contributor type is dependent, the days reach the floor and the IBC reaches
the prorated minimum wage. A few rows arrive a month late and a few are re-delivered later
with a corrected IBC: `SpecialRow` keeps every version with the month it was delivered, and
`Knowledge` answers "which months of this person qualify, as known in the run of month R".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .employment import APPRENTICE, DEPENDENT, INDEPENDENT, Spells
from .reference import smmlv_by_year
from .timeline import Timeline, year_of_month

MIN_DAYS = 15
"""Days contributed from which a month can qualify."""


def ceil_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """PILA rounds contribution bases up to the next peso."""
    return -(-numerator // denominator)


def qualifies(tipo: np.ndarray, days: np.ndarray, ibc: np.ndarray, smmlv: int | np.ndarray) -> np.ndarray:
    """The qualifying-month rule: dependent type, days >= 15, ibc * 30 >= smmlv * days."""
    return np.isin(tipo, DEPENDENT) & (days >= MIN_DAYS) & (ibc * 30 >= smmlv * days)


def just_below(minimum: np.ndarray, spell: np.ndarray, period: int) -> np.ndarray:
    """An IBC up to 1% under the prorated minimum: the employer's rounding error that makes a
    month not qualify. Derived from the spell and period, so every pass gives the same value."""
    shave = (np.asarray(spell, dtype=np.int64) * 7919 + period * 104_729) % 997
    return np.maximum(minimum - 1 - shave * minimum // 100_000, 1)


@dataclass(frozen=True)
class PeriodRows:
    """The rows of one period, as columns."""

    period: int
    smmlv: int
    spell: np.ndarray
    person: np.ndarray
    employer: np.ndarray
    tipo: np.ndarray
    days: np.ndarray
    salary: np.ndarray
    ibc: np.ndarray
    minimum: np.ndarray
    """Prorated minimum wage for the row's days (rounded up)."""
    ingreso: np.ndarray
    """Day number of `fecha_ingreso` when the job starts this period, else -1."""
    retiro: np.ndarray
    """Day number of `fecha_retiro` when the job ends this period, else -1."""

    @property
    def size(self) -> int:
        return len(self.spell)

    @property
    def qualifying(self) -> np.ndarray:
        return qualifies(self.tipo, self.days, self.ibc, self.smmlv)

    def take(self, index: np.ndarray) -> "PeriodRows":
        columns = {name: getattr(self, name)[index] for name in
                   ("spell", "person", "employer", "tipo", "days", "salary", "ibc", "minimum", "ingreso", "retiro")}
        return replace(self, **columns)


def period_rows(spells: Spells, period: int) -> PeriodRows:
    """Every job active in `period`, ordered by employer and person as the returns come."""
    ids = np.flatnonzero((spells.start <= period) & (spells.end >= period))
    ids = ids[np.lexsort((spells.person[ids], spells.employer[ids]))]
    starts = spells.start[ids] == period
    ends = spells.end[ids] == period
    start_day = spells.start_day[ids]
    end_day = np.minimum(spells.end_day[ids], 30)  # MONTH_END counts as 30 PILA days
    days = np.where(starts & ends, end_day - start_day + 1,
                    np.where(starts, 31 - start_day, np.where(ends, end_day, 30)))
    smmlv = int(smmlv_by_year(year_of_month(period)))
    tipo = spells.tipo[ids]
    mult = spells.mult[ids]
    salary = np.where(mult == 1.0, smmlv, np.round(mult * smmlv / 1000) * 1000).astype(np.int64)
    salary = np.where(np.isin(tipo, APPRENTICE), smmlv, salary)
    minimum = ceil_div(smmlv * days, 30)
    ibc = ceil_div(salary * days, 30)
    # Independents contribute on 40% of their income, never below the minimum.
    ibc = np.where(np.isin(tipo, INDEPENDENT), np.maximum(ceil_div(salary * days * 4, 300), minimum), ibc)
    ibc = np.where(spells.under[ids], just_below(minimum, ids, period), ibc)
    started = spells.start_date(ids)
    return PeriodRows(
        period=period, smmlv=smmlv, spell=ids, person=spells.person[ids], employer=spells.employer[ids], tipo=tipo,
        days=days, salary=salary, ibc=ibc, minimum=minimum,
        ingreso=np.where(starts, started, -1), retiro=np.where(ends, spells.end_date(ids), -1),
    )


def spell_masks(spells: Spells, timeline: Timeline, population_size: int) -> np.ndarray:
    """Per person, one bit per period from the oldest delivered to the end of the simulated
    future: the months that qualify with every row as the spells make it."""
    masks = np.zeros(population_size, dtype=np.int64)
    for period in range(timeline.period0, timeline.world_end + 1):
        rows = period_rows(spells, period)
        # A person has at most a couple of rows per period; they all set the same bit.
        masks[rows.person[rows.qualifying]] |= np.int64(timeline.bit(period))
    return masks


@dataclass(frozen=True)
class Version:
    delivered: int
    """Inbox month whose extract carries this version."""
    ibc: int
    qualifies: bool


@dataclass(frozen=True)
class SpecialRow:
    """A row that does not simply arrive once in the month after its period."""

    kind: str
    """LATE, CORRECTION_DOWN, CORRECTION_UP, CORRECTION_NEUTRAL or WITHDRAWAL."""
    spell: int
    person: int
    period: int
    versions: tuple[Version, ...]
    """Oldest first; each replaces the previous from its delivery month on."""

    def as_of(self, run: int) -> Version | None:
        known = [version for version in self.versions if version.delivered <= run]
        return known[-1] if known else None


def choose_special_rows(rng: np.random.Generator, spells: Spells, timeline: Timeline,
                        enrolled: np.ndarray) -> list[SpecialRow]:
    """Pick late rows (period M-2 arriving in M) and corrected rows among qualifying rows that
    are their person's only row in the period, half of them on enrolled people so that they
    touch claims. Only single rows are picked so that a row's versions decide the month alone."""
    if timeline.last - timeline.first < 1:
        return []
    names = ("spell", "person", "period", "ibc", "minimum", "enrolled")
    pools: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for period in range(timeline.period0, timeline.last - 1):
        rows = period_rows(spells, period)
        person, counts = np.unique(rows.person, return_counts=True)
        pick = np.isin(rows.person, person[counts == 1]) & rows.qualifying
        for name, values in (("spell", rows.spell), ("person", rows.person), ("ibc", rows.ibc),
                             ("minimum", rows.minimum), ("enrolled", enrolled[rows.person])):
            pools[name].append(values[pick])
        pools["period"].append(np.full(int(pick.sum()), period))
    pool = {name: np.concatenate(parts) for name, parts in pools.items()}
    size = len(pool["spell"])
    can_be_late = pool["period"] >= timeline.first - 1

    order = rng.permutation(size)
    chosen: list[tuple[str, int]] = []
    taken = np.zeros(size, dtype=bool)
    for kind, eligible, share in (("LATE", can_be_late, 2e-4), ("CORRECTION", np.ones(size, bool), 3e-4)):
        wanted = max(2 if kind == "LATE" else 3, round(share * int(eligible.sum())))
        for group in (pool["enrolled"], ~pool["enrolled"]):
            candidates = order[(eligible & group & ~taken)[order]][: (wanted + 1) // 2]
            taken[candidates] = True
            chosen.extend((kind, int(index)) for index in candidates)

    special = []
    kinds = ("CORRECTION_DOWN", "CORRECTION_UP", "CORRECTION_NEUTRAL")
    for kind, index in sorted(chosen, key=lambda item: (int(pool["period"][item[1]]), int(pool["spell"][item[1]]))):
        spell, person, period = (int(pool[name][index]) for name in ("spell", "person", "period"))
        ibc = int(pool["ibc"][index])
        below = int(just_below(pool["minimum"][index: index + 1], np.array([spell]), period)[0])
        first_delivery = timeline.delivery(period)
        if kind == "LATE":
            versions = (Version(period + 2, ibc, True),)
        else:
            kind = kinds[int(rng.integers(0, 3))]
            corrected = min(first_delivery + int(rng.integers(1, 4)), timeline.last)
            raised = ibc + 1000 * int(rng.integers(10, 200))
            versions = {
                "CORRECTION_DOWN": (Version(first_delivery, ibc, True), Version(corrected, below, False)),
                "CORRECTION_UP": (Version(first_delivery, below, False), Version(corrected, ibc, True)),
                "CORRECTION_NEUTRAL": (Version(first_delivery, ibc, True), Version(corrected, raised, True)),
            }[kind]
        special.append(SpecialRow(kind, spell, person, period, versions))
    return special


def withdrawal(spells: Spells, timeline: Timeline, spell: int, period: int, delivered: int) -> SpecialRow:
    """A correction delivered in `delivered` that lowers the IBC of a qualifying row just under
    the minimum: the month stops qualifying after it has verified a claim."""
    row = _row(spells, spell, period)
    below = int(just_below(row.minimum, row.spell, row.period)[0])
    versions = (Version(timeline.delivery(period), int(row.ibc[0]), True), Version(delivered, below, False))
    return SpecialRow("WITHDRAWAL", spell, int(row.person[0]), period, versions)


def _row(spells: Spells, spell: int, period: int) -> PeriodRows:
    rows = period_rows(spells, period)
    return rows.take(np.flatnonzero(rows.spell == spell))


class Knowledge:
    """Qualifying months per person as bit masks: as known in a run, and as the world has them."""

    def __init__(self, timeline: Timeline, masks: np.ndarray, special: list[SpecialRow]) -> None:
        self.timeline = timeline
        self.special = list(special)
        base = masks.copy()
        for row in self.special:
            base[row.person] &= ~np.int64(timeline.bit(row.period))
        world = base.copy()
        for row in self.special:
            if row.versions[-1].qualifies:
                world[row.person] |= np.int64(timeline.bit(row.period))
        self.world = world
        """Final truth: every row in its last version, future periods included."""
        self._base = base.tolist()
        self._by_person: dict[int, list[SpecialRow]] = {}
        for row in self.special:
            self._by_person.setdefault(row.person, []).append(row)

    def with_row(self, row: SpecialRow, masks: np.ndarray) -> "Knowledge":
        return Knowledge(self.timeline, masks, self.special + [row])

    def has_special(self, person: int) -> bool:
        return person in self._by_person

    def known(self, person: int, run: int) -> int:
        """Qualifying months of `person` in the run of inbox month `run`: every period before
        `run`, each row in the latest version delivered by then."""
        mask = self._base[person] & self.timeline.observable(run)
        for row in self._by_person.get(person, ()):
            version = row.as_of(run)
            if version is not None and version.qualifies:
                mask |= self.timeline.bit(row.period)
        return mask

    def special_in(self, month: int) -> list[tuple[SpecialRow, Version]]:
        """Versions an extract of `month` carries beyond its ordinary period rows."""
        return [(row, version) for row in self.special for version in row.versions
                if version.delivered == month and (row.kind == "LATE" or version is not row.versions[0])]

    def replaced_in_period(self, period: int) -> dict[int, Version | None]:
        """Rows of `period` whose ordinary delivery differs: spell -> the version to write there
        (None when the row is held back because it arrives late)."""
        return {row.spell: (None if row.kind == "LATE" else row.versions[0])
                for row in self.special if row.period == period}
