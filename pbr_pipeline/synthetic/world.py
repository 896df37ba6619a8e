"""The simulated world behind one data set: people, operators, jobs and the registry truth.

Every part draws from its own random stream derived from the seed, so the same arguments give
the same world, and a change in how one part draws does not shift the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from .employment import Employers, Placements, Spells, build_employers, build_spells
from .operators import (Enrolments, ExtraEnrolments, build_enrolments, exit_listings, operator_codes,
                        second_enrolments)
from .noise import Noise
from .population import Population, build_population, renew_peps
from .registry import Knowledge, choose_special_rows, spell_masks
from .timeline import Timeline, first_day, index_month, last_day, to_date

_STREAMS = ("population", "extras", "employers", "enrolments", "exits", "spells", "seconds", "special", "claims",
            "layout", "rosters", "registry_names", "invalid", "withdrawal",
            "renewals", "noise_claims", "noise_rosters", "noise_registry", "bilinguismo", "health", "habitanza",
            "emprendimiento", "credito", "agro")
"""New streams go at the end: a stream's seed is its position."""

INVALID_PEOPLE = 9
"""Extra people, one per invalid row."""


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one part of the generator."""
    return np.random.default_rng([seed, _STREAMS.index(name)])


def part_stream(seed: int, name: str, parts: tuple[str, ...], part: str) -> np.random.Generator:
    """The random stream of one part (of `parts`) of a programme added after EMPLEO, inside the
    generator's stream `name`."""
    return np.random.default_rng([seed, _STREAMS.index(name), parts.index(part)])


def operators_beside(employment_operators: int) -> int:
    """Operators of a programme added after EMPLEO, beside `employment_operators`: a third as
    many, at least one."""
    return max(1, round(employment_operators / 3))


def sample_contract(timeline: Timeline) -> tuple[dt.date, dt.date]:
    """The span the oracles of the programmes added after EMPLEO give every contract, as the
    sample's hand-written ones: from the first day of the month before the first inbox month to
    the end of the last inbox month's year."""
    return to_date(int(first_day(timeline.first - 1))), dt.date(int(index_month(timeline.last)[:4]), 12, 31)


def programme_people(people_rng: np.random.Generator, extras_rng: np.random.Generator,
                     build: Callable[..., Population], size: int, timeline: Timeline, *, first_person: int,
                     taken: set[str], invalid_people: int) -> tuple[Population, Population]:
    """A programme's `size` people (`build(rng, size, timeline, id_offset=, taken=)`) and the
    `invalid_people` extra people of its invalid rows (adults with a CC), numbered from
    `first_person`, their document numbers avoiding `taken` (which they join)."""
    numbers = np.array(sorted(int(number) for number in taken if number.isdigit()), dtype=np.int64)
    population = build(people_rng, size, timeline, id_offset=first_person, taken=numbers)
    extras = build_population(extras_rng, invalid_people, timeline, id_offset=first_person + size,
                              taken=np.concatenate([numbers, population.doc_number.astype(np.int64)]), only_cc=True)
    taken |= set(population.doc_number.tolist()) | set(extras.doc_number.tolist())
    return population, extras


class Cast(NamedTuple):
    """Who a programme added after EMPLEO is about, as `programme_cast` draws it."""

    codes: tuple[str, ...]
    ops: np.ndarray
    population: Population
    extras: Population
    enrolments: Enrolments
    exits: ExtraEnrolments
    contract: tuple[dt.date, dt.date]


def programme_cast(draw: Callable[[str], np.random.Generator], size: int, timeline: Timeline, *, first_op: int,
                   operators: int, first_person: int, taken: set[str], invalid_people: int,
                   build_people: Callable[..., Population], build_enrolments: Callable[..., Enrolments],
                   exit_listings: Callable[..., ExtraEnrolments]) -> Cast:
    """A programme's operators (`operators` of them after the `first_op` before), its `size`
    people and extra people (`programme_people`), their first enrolments
    (`build_enrolments(rng, size, ops, codes, timeline)`), the listings of their exits
    (`exit_listings(rng, enrolments, timeline)`) and the contracts' span, each from the part of
    the programme's stream `draw` gives by name."""
    codes = operator_codes(first_op + operators)
    ops = np.arange(first_op, len(codes))
    population, extras = programme_people(draw("people"), draw("extras"), build_people, size, timeline,
                                          first_person=first_person, taken=taken, invalid_people=invalid_people)
    enrolments = build_enrolments(draw("enrolments"), size, ops, codes, timeline)
    exits = exit_listings(draw("exits"), enrolments, timeline)
    return Cast(codes, ops, population, extras, enrolments, exits, sample_contract(timeline))


def csv_month(rng: np.random.Generator, plans: dict) -> int:
    """An inbox month, drawn, whose registry extract (of `plans`) is a CSV: invalid rows go there."""
    months = [month for month, plan in sorted(plans.items()) if plan.fmt == "csv"]
    return months[int(rng.integers(0, len(months)))]


@dataclass(frozen=True)
class ProgrammeWorld:
    """What a programme added after EMPLEO simulates (each adds its own facts): what its files
    and the labels of its ground truth are made from."""

    timeline: Timeline
    codes: tuple[str, ...]
    """Every operator code, those of the programmes before it first."""
    ops: np.ndarray
    """The programme's operators (indices into `codes`)."""
    population: Population
    extras: Population
    """The people of the invalid rows."""
    enrolments: Enrolments
    exits: ExtraEnrolments
    seconds: ExtraEnrolments
    contract: tuple[dt.date, dt.date]
    """The span every operator's contract covers."""

    @property
    def contract_start(self) -> int:
        return (self.contract[0] - dt.date(1970, 1, 1)).days


@dataclass(frozen=True)
class World:
    timeline: Timeline
    codes: tuple[str, ...]
    population: Population
    extras: Population
    """People who appear only on one invalid row."""
    employers: Employers
    enrolments: Enrolments
    exits: ExtraEnrolments
    seconds: ExtraEnrolments
    second_claims: np.ndarray
    """Per second enrolment: made so that the second operator claims the placement."""
    spells: Spells
    placements: Placements
    masks: np.ndarray
    """Qualifying months per person with every row as the spells make it."""
    knowledge: Knowledge

    @property
    def taken_numbers(self) -> set[str]:
        """Every document number a real person holds."""
        renewed = self.population.new_number[self.population.new_number != ""]
        return (set(self.population.doc_number.tolist()) | set(self.extras.doc_number.tolist())
                | set(renewed.tolist()))


def simulate(seed: int, people: int, timeline: Timeline, codes: tuple[str, ...],
             say: Callable[[str], None], noise: Noise) -> World:
    population = build_population(stream(seed, "population"), people, timeline)
    extras = build_population(stream(seed, "extras"), INVALID_PEOPLE, timeline, id_offset=people,
                              taken=population.doc_number.astype(np.int64), only_cc=True)
    employers = build_employers(stream(seed, "employers"), people)
    enrolments = build_enrolments(stream(seed, "enrolments"), people, codes, timeline)
    exits = exit_listings(stream(seed, "exits"), enrolments, timeline)
    say(f"population: {people:,} people, {len(enrolments.person):,} enrolled by {len(codes)} operators")

    spells, placements = build_spells(stream(seed, "spells"), people, enrolments, employers, timeline)
    seconds, second_claims = second_enrolments(stream(seed, "seconds"), enrolments, placements.start, timeline)
    # Rosters list a renewed PEP holder with the PEP: the PT comes after the last enrolment.
    listed_until = np.full(people, -1, dtype=np.int64)
    np.maximum.at(listed_until, enrolments.person, enrolments.date)
    np.maximum.at(listed_until, seconds.person, seconds.date)
    taken = np.concatenate([population.doc_number, extras.doc_number]).astype(np.int64)
    population = renew_peps(stream(seed, "renewals"), population, noise.pep_to_pt, listed_until,
                            (int(first_day(timeline.period0)), int(last_day(timeline.last))), taken)
    masks = spell_masks(spells, timeline, people)
    enrolled = enrolments.row_of >= 0
    special = choose_special_rows(stream(seed, "special"), spells, timeline, enrolled)
    say(f"registry: {spells.size:,} jobs, {len(special)} rows late or corrected")
    knowledge = Knowledge(timeline, masks, special)
    return World(timeline, codes, population, extras, employers, enrolments, exits, seconds, second_claims,
                 spells, placements, masks, knowledge)
