"""The agricultural extension service's productivity measurements (`mediciones_productividad`).

The service visits every unit twice a year, after each of its crop's harvests (coffee in
December and June, cocoa in January and July, bananas in March and September, other crops in May
and November), and records the harvest of the twelve months before the visit and the area
cultivated. A unit's yield follows its story (units.py) with a few percent of noise per visit.
Measurements reach the city in the month of the visit or up to two months later (everything
before the first inbox month in the first extract). Some are sent again in a later month with
the same unit and date and another harvest (a typing error corrected); one of them, where one
fits, takes back the rise an operator claimed after the run that verified it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..bilinguismo.verdicts import add_months
from ..timeline import Timeline, first_day, month_of_day, to_date
from .units import (AREA_CHANGED, CROP_CHANGED, NO_BASELINE, RISES, SMALL_RISE, SWITCH, TOO_OLD, YIELDS,
                    Units)

PHASES = {0: (0, 6), 1: (11, 5), 2: (2, 8), 3: (4, 10)}
"""Per crop (CACAO, CAFE, BANANO, OTRO), the months of the year (0 = January) of its visits."""
LAGS = (0.25, 0.55, 0.2)
"""Share of measurements delivered 0, 1 and 2 months after the visit."""
RAMP_DAYS = 365
"""The assistance reaches its full effect a year after the enrolment."""
HISTORY_MONTHS = 30
"""Units only the service knows are measured from this many months before the first inbox month."""


@dataclass(frozen=True)
class Measurements:
    """Measurement rows as columns: the first deliveries, then the corrections."""

    unit: np.ndarray
    day: np.ndarray
    crop: np.ndarray
    production: np.ndarray
    """Whole kilograms."""
    area: np.ndarray
    """Whole square metres."""
    delivered: np.ndarray
    corrects: np.ndarray
    """The row a correction replaces, -1 for a first delivery."""

    @property
    def size(self) -> int:
        return len(self.unit)


def _days(day: int, months: int) -> int:
    """`day` plus calendar months, clamped to the month's end."""
    return (add_months(to_date(day), months) - dt.date(1970, 1, 1)).days


def build_measurements(rng: np.random.Generator, units: Units, start: np.ndarray, story: np.ndarray,
                       timeline: Timeline) -> Measurements:
    """Every visit delivered by the last inbox month. `start` and `story` are per enrolled unit
    (the enrolment day and the yield's story)."""
    columns: dict[str, list] = {name: [] for name in ("unit", "day", "crop", "production", "area")}
    end = int(first_day(timeline.last + 1))
    for unit in range(units.count):
        enrolled = unit < units.enrolled
        e = int(start[unit]) if enrolled else -1
        tale = int(story[unit]) if enrolled else SMALL_RISE
        gain = {RISES: rng.uniform(0.35, 0.7), SMALL_RISE: rng.uniform(-0.05, 0.1)}.get(tale, rng.uniform(0.3, 0.6))
        if not enrolled:
            gain, e = 0.0, end
        change_day = e + int(rng.integers(90, 241))
        factor = rng.uniform(0.6, 0.8) if rng.random() < 0.5 else rng.uniform(1.25, 1.5)
        jitter = tale == RISES and rng.random() < 0.3
        gps = units.area[unit] % 500 != 0
        crop = int(units.crop[unit])
        new_crop = SWITCH[crop]
        new_yield = YIELDS[new_crop][0] * rng.uniform(0.9, 1.1)
        first_month = (int(month_of_day(e)) - int(rng.integers(14, 31)) if enrolled
                       else timeline.first - HISTORY_MONTHS)
        if tale == NO_BASELINE:
            first_month = int(month_of_day(e)) + int(rng.integers(1, 6))
        gap = (_days(e, -12) - 20, _days(e, 10)) if tale == TOO_OLD else (0, -1)
        day_of_month = int(rng.integers(1, 29))
        for month in range(first_month, timeline.last + 1):
            if month % 12 not in PHASES[crop]:
                continue
            day = int(first_day(month)) + day_of_month - 1
            if gap[0] <= day < gap[1]:
                continue
            ramp = min(max((day - e) / RAMP_DAYS, 0.0), 1.0) if enrolled else 0.0
            area = int(units.area[unit])
            shown_crop = crop
            kg_per_ha = units.base_yield[unit] * (1 + gain * ramp)
            if tale == AREA_CHANGED and day >= change_day:
                area = int(round(area * factor / 500) * 500)
            if tale == CROP_CHANGED and day >= change_day:
                shown_crop, kg_per_ha = new_crop, new_yield * (1 + 0.3 * ramp)
            if jitter and day > e:
                area = int(round(area * rng.uniform(0.93, 1.07) / (1 if gps else 500)) * (1 if gps else 500))
            kg_per_ha *= rng.uniform(0.96, 1.04)
            columns["unit"].append(unit)
            columns["day"].append(day)
            columns["crop"].append(shown_crop)
            columns["production"].append(int(round(kg_per_ha * area / 10_000)))
            columns["area"].append(area)
    arrays = {name: np.array(values, dtype=np.int64) for name, values in columns.items()}
    lag = rng.choice(len(LAGS), size=len(arrays["day"]), p=LAGS)
    delivered = np.maximum(month_of_day(arrays["day"]) + lag, timeline.first)
    keep = delivered <= timeline.last
    return Measurements(**{name: values[keep] for name, values in arrays.items()}, delivered=delivered[keep],
                        corrects=np.full(int(keep.sum()), -1))


def with_corrections(rng: np.random.Generator, rows: Measurements, forced: dict[int, float],
                     timeline: Timeline) -> Measurements:
    """`rows` followed by the corrections: a few rows sent again one or two months later with
    another harvest, and where one of the `forced` candidates fits (rows claimed as a rise, with
    the yield of the baseline they were compared with, kg/ha), its harvest brought back to about
    that yield after the run that could verify it."""
    seen_from = np.maximum(rows.delivered, month_of_day(rows.day) + 1)
    yield_kg_ha = rows.production * 10_000 / rows.area
    # Only a rise no later visit of the unit repeats: bringing it back changes the claim's verdict.
    fits = np.array(sorted(row for row, baseline in forced.items() if seen_from[row] + 1 <= timeline.last
                           and not ((rows.unit == rows.unit[row]) & (rows.day > rows.day[row])
                                    & (yield_kg_ha >= baseline * 1.15)).any()), dtype=np.int64)
    chosen_forced = rng.permutation(fits)[:1]
    pool = np.setdiff1d(np.flatnonzero(rows.delivered < timeline.last), chosen_forced)
    chosen = np.concatenate([chosen_forced, rng.permutation(pool)[:max(2, round(0.04 * rows.size))]]).astype(np.int64)
    production = rows.production[chosen].copy()
    later = rows.delivered[chosen] + rng.integers(1, 3, len(chosen))
    for position, row in enumerate(chosen.tolist()):
        if position < len(chosen_forced):
            production[position] = int(round(forced[row] * 1.02 * rows.area[row] / 10_000))
            later[position] = seen_from[row] + 1
        else:
            production[position] = int(round(production[position] * rng.uniform(0.85, 1.15)))
    later = np.minimum(later, timeline.last)
    keep = later > rows.delivered[chosen]
    chosen, production, later = chosen[keep], production[keep], later[keep]
    return Measurements(
        unit=np.concatenate([rows.unit, rows.unit[chosen]]), day=np.concatenate([rows.day, rows.day[chosen]]),
        crop=np.concatenate([rows.crop, rows.crop[chosen]]), production=np.concatenate([rows.production, production]),
        area=np.concatenate([rows.area, rows.area[chosen]]), delivered=np.concatenate([rows.delivered, later]),
        corrects=np.concatenate([rows.corrects, chosen]))
