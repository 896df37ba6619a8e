"""The AUMENTO_PRODUCTIVIDAD rule run by run: the generator's own oracle, in plain Python over
dates (the gates every claim passes are `dated_verdicts.DatedOracle`'s, on the claim's unit).

A claim names the producer (the CC as written, read as deterministic matching reads it). In the
run for M it is about one of the units the rosters received by M list for that producer: the
unit its `soporte` names (upper case, spaces as `_`), else one the claiming operator enrolled,
else any, each time the earliest enrolled (then the roster received first, its file and row). A
producer no roster lists stays the subject, and no enrolment ever names it.

The measurements are those delivered by M, a unit and date delivered again replacing the earlier
row, dated up to the last day of M - 1. With E the owner's enrolment date:
- baseline: the latest measurement dated in [E - 12 months, E]; none, and E is on or before the
  horizon: REJECTED NO_BASELINE (PENDING before);
- the first measurement of the baseline's crop dated in [E + 10 months, E + 24 months] with
  |area - baseline area| x 100 <= 10 x baseline area and production x baseline area x 100 >=
  baseline production x area x 120: VERIFIED on its date;
- none, and E + 24 months is on or before the horizon: REJECTED NO_YIELD_RISE; PENDING before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from dataclasses import dataclass, field

import polars as pl

from ..dated_verdicts import Claim, DatedOracle, Decided, Listing, Verdict, add_months, identity_key
from ..truth import unclaimed_frame
from ..verdicts import PENDING, REJECTED, VERIFIED, Key

NO_BASELINE, NO_YIELD_RISE = "NO_BASELINE", "NO_YIELD_RISE"
UNIT = "UP"

__all__ = ["Rules", "Measurement", "UnitListing", "UnitClaim", "Oracle", "identity_key", "NO_BASELINE",
           "NO_YIELD_RISE", "UNIT"]


@dataclass(frozen=True)
class Rules:
    """The default AUMENTO_PRODUCTIVIDAD rule; every number is a contract parameter."""

    baseline_months_before: int = 12
    follow_up_from_months: int = 10
    follow_up_to_months: int = 24
    area_tolerance_percent: int = 10
    yield_rise_percent: int = 20
    lag: int = 1


@dataclass(frozen=True)
class Measurement:
    """One delivered measurement (a correction is another Measurement with the same key)."""

    key: dt.date
    date: dt.date
    crop: str
    production: int
    area: int
    """Square metres, as validation reads the hectares written."""
    delivered: str


@dataclass(frozen=True)
class UnitListing(Listing):
    """A valid AGRO roster row: the unit it names, and where it is."""

    unit: str
    path: str
    row: int


@dataclass(frozen=True)
class UnitClaim(Claim):
    """A valid claim row: the producer's document (`key`), and `soporte` as written."""

    support: str


def support_as_unit(support: str) -> str | None:
    """`soporte` spelt the way a validated unit id is (None when empty)."""
    return re.sub(r"\s+", "_", support.strip().upper()) or None


@dataclass
class Oracle(DatedOracle):
    """`listings` are by subject (the unit, `(UP, id)`), `producers` the same rows by producer."""

    rules: Rules
    producers: dict[Key, list[UnitListing]]
    measurements: dict[Hashable, list[Measurement]]
    contracts: dict[str, list[tuple[dt.date, dt.date]]]
    listings: dict[Hashable, list[UnitListing]] = field(init=False)

    def __post_init__(self) -> None:
        self.listings = {}
        for rows in self.producers.values():
            for listing in rows:
                self.listings.setdefault((UNIT, listing.unit), []).append(listing)

    @property
    def registry(self) -> dict[Hashable, list[Measurement]]:
        return self.measurements

    def subject(self, claim: UnitClaim, run: str) -> Hashable:
        """The unit a claim is about in the run for `run` (the producer's document when no roster
        received by then lists the producer)."""
        rows = [listing for listing in self.producers.get(claim.key, ()) if listing.received <= run]
        if not rows:
            return claim.key
        named = support_as_unit(claim.support)
        chosen = min(rows, key=lambda listing: (named != listing.unit, listing.op != claim.op, listing.date,
                                                listing.received, listing.path, listing.row))
        return UNIT, chosen.unit

    def decide(self, claims: list[UnitClaim], last: str) -> list[Decided]:
        """Every claim in verdict order (month received, file, row), judged in the run of its own
        month and in the run of `last`. In each run a claim repeats the first earlier one of its
        operator about the same subject, as that run maps both."""
        ordered = sorted(claims, key=lambda claim: (claim.month, claim.path, claim.row))
        mapped: dict[tuple[int, str], tuple[Hashable, int | None]] = {}
        for run in sorted({claim.month for claim in ordered} | {last}):
            first: dict[tuple[str, Hashable], int] = {}
            for position, claim in enumerate(ordered):
                if claim.month > run:
                    break
                subject = self.subject(claim, run)
                earlier = first.setdefault((claim.op, subject), position)
                mapped[(position, run)] = subject, None if earlier == position else earlier
        decided = []
        for position, claim in enumerate(ordered):
            verdicts = []
            for run in (claim.month, last):
                subject, earlier = mapped[(position, run)]
                verdicts.append(self.judge(key=subject, op=claim.op, fecha=claim.fecha, claim_month=claim.month,
                                           run=run, duplicate=earlier is not None))
            decided.append(Decided(claim, mapped[(position, last)][1], *verdicts))
        return decided

    def unclaimed(self, decided: list[Decided], last: str, outcome: str,
                  person_ids: dict[Hashable, str]) -> pl.DataFrame:
        """Rises the measurements verify as of `last` for units (`person_ids`: their person_id)
        whose owner never claimed the unit (a claim of the owner the last run takes to be about
        it, whatever its verdict), in the rows of outcomes_unclaimed.csv."""
        claimed = {(entry.claim.op, self.subject(entry.claim, last)) for entry in decided}
        records = []
        for subject in sorted(self.listings, key=lambda subject: person_ids[subject]):
            owner = self.owner(subject, last)
            if (owner.op, subject) in claimed:
                continue
            verdict = self.rule(subject, owner.date, last)
            if verdict.status == VERIFIED:
                records.append({"person_id": person_ids[subject], "operador": owner.op, "resultado": outcome,
                                "outcome_month": verdict.outcome_date.strftime("%Y-%m"),
                                "enrolment_month": owner.date.strftime("%Y-%m"), "placement_month": ""})
        return unclaimed_frame(records)

    def rule(self, key: Hashable, start: dt.date, run: str) -> Verdict:
        rules, horizon = self.rules, self.horizon(run)
        rows = self.seen(key, run)
        baselines = [row for row in rows if add_months(start, -rules.baseline_months_before) <= row.date <= start]
        if not baselines:
            return Verdict(REJECTED, NO_BASELINE) if start <= horizon else Verdict(PENDING)
        base = max(baselines, key=lambda row: row.date)
        low, high = add_months(start, rules.follow_up_from_months), add_months(start, rules.follow_up_to_months)
        rises = sorted(
            row.date for row in rows
            if low <= row.date <= high and row.crop == base.crop
            and abs(row.area - base.area) * 100 <= rules.area_tolerance_percent * base.area
            and row.production * base.area * 100 >= base.production * row.area * (100 + rules.yield_rise_percent))
        if rises:
            return Verdict(VERIFIED, outcome_date=rises[0])
        return Verdict(REJECTED, NO_YIELD_RISE) if high <= horizon else Verdict(PENDING)
