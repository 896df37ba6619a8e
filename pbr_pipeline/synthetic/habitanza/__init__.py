"""HABITANZA_CALLE: homeless people whose household rises above DANE's extreme-poverty line
within 6 to 18 months of enrolment (SUPERA_POBREZA_EXTREMA), verified against the household
income measurements registry (`mediciones_ingreso`).

Added beside the other programmes without touching them: every draw comes from one random
stream of its own (`world.stream(seed, "habitanza")` split into parts), its people hold
document numbers nobody else holds, and its operators are numbered after the others (OP-007
when there are three employment operators; a third as many as those, at least one).
`simulate_and_write` writes

    inbox/<M>/inscripciones/op-NNN_habitanza_calle_<M>.csv         rosters
    inbox/<M>/reportes/op-NNN_habitanza_calle_<M>.csv              SUPERA_POBREZA_EXTREMA claims
    inbox/<M>/registros/mediciones_ingreso/mediciones_ingreso_<M>.csv|parquet

(its operators' tools export CSV: UTF-8, with or without BOM, or a Spanish spreadsheet's
Windows-1252 with `;`) and returns the rows it adds to the ground truth. The verdicts come from `verdicts.Oracle`,
which assumes every operator of the programme holds one contract from the first day of the
month before the first inbox month to the end of the last inbox month's year (the span of the
sample's hand-written contract), with the default rules and the national line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from ..bilinguismo import Added
from ..dated_claims import TYPO, claim_person_ids
from ..dated_verdicts import dated_listings, oracle_claims, people_by_key
from ..inbox import claim_rows, programme_rows, write_operator_files
from ..layout import CLAIMS, CSV_SHAPES, INCOMES, ROSTERS, Layout, plan_operator_files
from ..noise import TYPO as TYPO_LABEL, Noise, labels
from ..pila import RegistryNames
from ..records import programme_records, registry_records
from ..rosters import build_roster
from ..timeline import Timeline, first_day, index_month, last_day
from ..truth import invalid_claims, invalid_truth
from ..world import ProgrammeWorld, csv_month, operators_beside, part_stream, programme_cast
from ..world import World as EmploymentWorld
from .claims import Claims, build_claims
from .incomes import EXTREME_LINES, F_RISES, Measurements, build_measurements, plan_stories
from .invalid import INVALID_PEOPLE, PROGRAMME, build_invalid_rows
from .people import build_enrolments, build_people, exit_listings, second_enrolments
from .registry import delivered_measurements, plan_files, rows_frame, write_income_extracts
from .truth import OUTCOME, SCENARIOS, Labeller, claim_truth, people_truth, unclaimed
from .verdicts import Oracle, Rules, decide, identity_key

__all__ = ["SCENARIOS", "operator_count", "simulate_and_write", "PROGRAMME", "OUTCOME"]

SHARE = 0.01
"""Homeless people per person of the employment population (Bucaramanga counts about a
thousand people living in the street) ..."""
MIN_PEOPLE = 100
"""... and at least this many, so that a small data set shows every scenario."""

_PARTS = ("people", "extras", "enrolments", "exits", "seconds", "stories", "measurements", "claims", "layout",
          "income_layout", "rosters", "noise_rosters", "registry_names", "noise_registry", "income_rows", "invalid")
"""The parts of the programme's stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the programme, inside the generator's `habitanza` stream."""
    return part_stream(seed, "habitanza", _PARTS, part)


operator_count = operators_beside
"""Operators of the programme beside the employment ones: a third as many, at least one."""


@dataclass(frozen=True)
class World(ProgrammeWorld):
    """The programme as simulated: its people's measurements and the claims made of them."""

    measurements: Measurements
    claims: Claims


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment: EmploymentWorld,
                       first_person: int, first_op: int, taken: set[str], noise: Noise,
                       say: Callable[[str], None]) -> Added:
    """Simulate the programme for a data set of `people` employment people, write its inbox
    files and return its ground-truth rows. `first_person` is the 0-based index its person ids
    start from; `first_op` the number of operators before its own; `taken` every document
    number the other files hold (it grows by the numbers used here)."""
    world = _simulate(seed, people, timeline, employment, first_person, first_op, taken, noise)
    say(f"habitanza_calle: {world.population.size:,} people, {len(world.enrolments.person):,} enrolled by "
        f"{len(world.ops)} operators")
    layout = Layout(plan_operator_files(stream(seed, "layout"), world.codes[first_op:], timeline, PROGRAMME,
                                        first_op=first_op, shapes=CSV_SHAPES), {})
    income_files = plan_files(stream(seed, "income_layout"), timeline)
    rng = stream(seed, "invalid")
    invalid = build_invalid_rows(rng, world.extras, world.codes, world.ops, timeline, csv_month(rng, income_files))

    roster = build_roster(world.enrolments, world.exits, world.seconds)
    claims = world.claims
    claims_written = claim_rows(claims, world.codes, layout, programme=PROGRAMME, resultado=OUTCOME,
                                noise_labels=labels({TYPO_LABEL: claims.cosmetic == TYPO}, claims.size))
    rows = programme_rows(roster=roster, population=world.population, layout=layout, codes=world.codes,
                          programme=PROGRAMME, noise=noise, taken=taken, roster_rng=stream(seed, "rosters"),
                          noise_rng=stream(seed, "noise_rosters"), claims_written=claims_written, invalid=invalid,
                          rng=rng)
    files = write_operator_files(out_dir, layout, rows, world.codes, say, programme=PROGRAMME)
    names = RegistryNames.build(stream(seed, "registry_names"), world.population, noise,
                                stream(seed, "noise_registry"))
    frame = rows_frame(world.measurements.rows, world.population, names, stream(seed, "income_rows"))
    extracts = write_income_extracts(out_dir, income_files, frame, [row for row in invalid if row.kind == INCOMES])
    say(f"habitanza_calle: {extracts.rows.height:,} income measurements in {len(extracts.records)} extracts")

    oracle = Oracle(Rules(), dated_listings(roster, rows[ROSTERS], world.codes, identity_key),
                    delivered_measurements(extracts), EXTREME_LINES,
                    {world.codes[op]: [world.contract] for op in world.ops})
    oracle_input, positions = oracle_claims(claims.month, claims.op, claims.fecha, rows[CLAIMS], world.codes,
                                            identity_key)
    last = index_month(timeline.last)
    decided = decide(oracle, oracle_input, last)
    person_ids = claim_person_ids(claims, world.population, employment.population)
    labeller = Labeller(claims=claims, measurements=world.measurements, enrolments=world.enrolments,
                        codes=world.codes, contract_start=world.contract_start, last=timeline.last)
    truth_claims = claim_truth(labeller, decided, positions, person_ids.to_list())
    truth_claims += invalid_claims(rows[CLAIMS], invalid, world.extras)
    return Added(
        files=files + extracts.records,
        people=people_truth(world.population, world.extras, roster.listed(world.codes)),
        claims=pl.DataFrame(truth_claims),
        unclaimed=unclaimed(oracle, decided, people_by_key(world.population), last),
        invalid=invalid_truth(invalid, rows, extracts.invalid_rows, None),
        records=[
            *programme_records(rows, world.population.person_ids(roster.person), person_ids, world.extras, invalid),
            registry_records(extracts.rows, INCOMES, extracts.invalid_rows, world.population, world.extras, invalid),
        ],
        roster_rows=rows[ROSTERS].height, claim_rows=rows[CLAIMS].height, enrolled=len(world.enrolments.person),
        exam_rows=0,
    )


def _simulate(seed: int, people: int, timeline: Timeline, employment: EmploymentWorld, first_person: int,
              first_op: int, taken: set[str], noise: Noise) -> World:
    """People, operators, enrolments, measurements and the claims operators make of them."""
    size = max(MIN_PEOPLE, round(people * SHARE))
    codes, ops, population, extras, enrolments, exits, contract = programme_cast(
        lambda part: stream(seed, part), size, timeline, first_op=first_op,
        operators=operator_count(len(employment.codes)), first_person=first_person, taken=taken,
        invalid_people=INVALID_PEOPLE, build_people=build_people, build_enrolments=build_enrolments,
        exit_listings=exit_listings)
    contract_start = int(first_day(timeline.first - 1))
    stories = plan_stories(stream(seed, "stories"), enrolments, timeline, contract_start,
                           corrections=max(1, round(0.005 * len(enrolments.person))))
    measurements = build_measurements(stream(seed, "measurements"), enrolments, stories, timeline, contract_start)
    # A second operator claims a rise the data set shows.
    rows = measurements.rows
    rise_day = rows.day[np.maximum(measurements.claimed_row, 0)]
    claimable = ((measurements.claimed_row >= 0) & (stories.follow == F_RISES) & ~stories.set_aside
                 & (rise_day >= contract_start) & (rise_day <= last_day(timeline.last - 1)))
    seconds, second_claims = second_enrolments(stream(seed, "seconds"), enrolments, ops, timeline, claimable)
    claims = build_claims(stream(seed, "claims"), population=population, enrolments=enrolments,
                          measurements=measurements, seconds=seconds, second_claims=second_claims, ops=ops,
                          timeline=timeline, contract_start=contract_start,
                          employment=(employment.population, employment.enrolments.person), taken=taken,
                          typo_rate=noise.claim_typo)
    return World(timeline=timeline, codes=codes, ops=ops, population=population, extras=extras, enrolments=enrolments,
                 exits=exits, seconds=seconds, contract=contract, measurements=measurements, claims=claims)
