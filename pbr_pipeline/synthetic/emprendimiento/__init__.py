"""EMPRENDIMIENTO: entrepreneurs whose business is registered with the chamber of commerce within
a year of enrolment and lasts six months (EMPRENDIMIENTO_CREADO), and whose household income
per head then rises by a fifth (AUMENTO_INGRESOS), verified against the business registry
(`registro_mercantil`) and the household income measurements (`mediciones_ingreso`).

Added beside the other programmes without touching them: every draw comes from one random
stream of its own (`world.stream(seed, "emprendimiento")` split into parts), its people hold
document numbers nobody else holds, and its operators are numbered after the others (OP-008
when there are three employment operators). `simulate_and_write` writes

    inbox/<M>/inscripciones/op-NNN_emprendimiento_<M>.csv          rosters
    inbox/<M>/reportes/op-NNN_emprendimiento_<M>.csv               claims of both outcomes
    inbox/<M>/registros/registro_mercantil/registro_mercantil_<M>.csv
    inbox/<M>/registros/mediciones_ingreso/mediciones_emprendedores_<M>.csv

(its operators' tools export CSV: UTF-8, with or without BOM, or a Spanish spreadsheet's
Windows-1252 with `;`) and returns the rows it adds to the ground truth. The verdicts come from `verdicts.Oracle`,
which assumes every operator of the programme holds one contract from the first day of the
month before the first inbox month to the end of the last inbox month's year, with the
default rules.
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
from ..extracts import ExtractsWritten
from ..habitanza.registry import delivered_measurements
from ..inbox import claim_rows, programme_rows, write_operator_files
from ..layout import CLAIMS, CSV_SHAPES, INCOMES, ROSTERS, Layout, plan_operator_files
from ..noise import TYPO as TYPO_LABEL, Noise, labels
from ..pila import RegistryNames
from ..records import programme_records, registry_records
from ..rosters import build_roster
from ..timeline import Timeline, first_day, index_month, last_day
from ..truth import dated_claim_truth, invalid_claims, invalid_truth
from ..world import ProgrammeWorld, csv_month, operators_beside, part_stream, programme_cast
from ..world import World as EmploymentWorld
from ..habitanza.people import exit_listings, second_enrolments
from ..habitanza.incomes import EXTREME_LINES
from .claims import OUTCOMES, Claims, build_claims
from .invalid import INVALID_PEOPLE, PROGRAMME, build_invalid_rows
from .people import build_enrolments, build_people
from .registry import (BUSINESS_REGISTRY, business_frame, income_frame, plan_business_files, plan_income_files,
                       write_business_extracts, write_income_extracts)
from .rows import CANCELLED, Incomes, Matriculas, build_incomes, build_matriculas
from .stories import BZ_ACTIVE, BZ_CORRECTED, Stories, plan_stories
from .truth import SCENARIOS, Labeller, people_truth, unclaimed
from .verdicts import Matricula, OutcomeClaim, Oracle, Rules, decide, identity_key

__all__ = ["SCENARIOS", "operator_count", "simulate_and_write", "PROGRAMME", "OUTCOMES"]

SHARE = 0.01
"""Entrepreneurs per person of the employment population ..."""
MIN_PEOPLE = 80
"""... and at least this many, so that a small data set shows every scenario."""

_PARTS = ("people", "extras", "enrolments", "exits", "seconds", "stories", "matriculas", "incomes", "claims", "layout",
          "business_layout", "income_layout", "rosters", "noise_rosters", "registry_names", "noise_registry",
          "business_rows", "income_rows", "invalid")
"""The parts of the programme's stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the programme, inside the generator's `emprendimiento` stream."""
    return part_stream(seed, "emprendimiento", _PARTS, part)


operator_count = operators_beside
"""Operators of the programme beside the employment ones: a third as many, at least one."""


@dataclass(frozen=True)
class World(ProgrammeWorld):
    """The programme as simulated: its people's businesses and incomes and the claims made of them."""

    stories: Stories
    matriculas: Matriculas
    incomes: Incomes
    rise_row: np.ndarray
    """Per enrolment: the income row the operator takes for the rise (-1 for none)."""
    claims: Claims


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment: EmploymentWorld,
                       first_person: int, first_op: int, taken: set[str], noise: Noise,
                       say: Callable[[str], None]) -> Added:
    """Simulate the programme for a data set of `people` employment people, write its inbox
    files and return its ground-truth rows. `first_person` is the 0-based index its person ids
    start from; `first_op` the number of operators before its own; `taken` every document
    number the other files hold (it grows by the numbers used here)."""
    world = _simulate(seed, people, timeline, employment, first_person, first_op, taken, noise)
    say(f"emprendimiento: {world.population.size:,} people, {len(world.enrolments.person):,} enrolled by "
        f"{len(world.ops)} operators")
    layout = Layout(plan_operator_files(stream(seed, "layout"), world.codes[first_op:], timeline, PROGRAMME,
                                        first_op=first_op, shapes=CSV_SHAPES), {})
    business_files = plan_business_files(stream(seed, "business_layout"), timeline)
    income_files = plan_income_files(stream(seed, "income_layout"), timeline)
    rng = stream(seed, "invalid")
    invalid = build_invalid_rows(rng, world.extras, world.codes, world.ops, timeline, csv_month(rng, business_files))

    roster = build_roster(world.enrolments, world.exits, world.seconds)
    claims = world.claims
    claims_written = claim_rows(claims, world.codes, layout, programme=PROGRAMME,
                                resultado=np.array(OUTCOMES)[claims.outcome],
                                noise_labels=labels({TYPO_LABEL: claims.cosmetic == TYPO}, claims.size))
    rows = programme_rows(roster=roster, population=world.population, layout=layout, codes=world.codes,
                          programme=PROGRAMME, noise=noise, taken=taken, roster_rng=stream(seed, "rosters"),
                          noise_rng=stream(seed, "noise_rosters"), claims_written=claims_written, invalid=invalid,
                          rng=rng)
    files = write_operator_files(out_dir, layout, rows, world.codes, say, programme=PROGRAMME)
    names = RegistryNames.build(stream(seed, "registry_names"), world.population, noise,
                                stream(seed, "noise_registry"))
    matriculas = business_frame(world.matriculas, world.population, names, stream(seed, "business_rows"))
    businesses = write_business_extracts(out_dir, business_files, matriculas,
                                         [row for row in invalid if row.kind == BUSINESS_REGISTRY])
    incomes = write_income_extracts(out_dir, income_files,
                                    income_frame(world.incomes, world.population, names, stream(seed, "income_rows")))
    say(f"emprendimiento: {businesses.rows.height:,} matrícula rows, {incomes.rows.height:,} income measurements")

    oracle = Oracle(Rules(), dated_listings(roster, rows[ROSTERS], world.codes, identity_key), _matriculas(businesses),
                    delivered_measurements(incomes), {world.codes[op]: [world.contract] for op in world.ops})
    read, positions = oracle_claims(claims.month, claims.op, claims.fecha, rows[CLAIMS], world.codes, identity_key)
    outcome_of = [OUTCOMES[int(claims.outcome[positions[(claim.path, claim.row)]])] for claim in read]
    decided = decide(oracle, [OutcomeClaim(claim.path, claim.row, claim.month, claim.op, claim.key, claim.fecha,
                                           outcome) for claim, outcome in zip(read, outcome_of)],
                     index_month(timeline.last))
    person_ids = claim_person_ids(claims, world.population, employment.population)
    labeller = Labeller(claims=claims, stories=world.stories, enrolments=world.enrolments, codes=world.codes,
                        contract_start=world.contract_start, cancelled=_cancelled(world.matriculas),
                        corrected=_corrected(world.matriculas, world.stories),
                        rise_delivered=np.where(world.rise_row >= 0,
                                                world.incomes.delivered[np.maximum(world.rise_row, 0)], -1),
                        last=timeline.last)
    truth_claims = dated_claim_truth(decided, positions, person_ids.to_list(), "", labeller.label)
    for record in truth_claims:
        record["resultado"] = OUTCOMES[int(claims.outcome[positions[(record["source_file"], record["source_row"])]])]
    truth_claims += invalid_claims(rows[CLAIMS], invalid, world.extras)
    located = {**businesses.invalid_rows}
    return Added(
        files=files + businesses.records + incomes.records,
        people=people_truth(world.population, world.extras, roster.listed(world.codes)),
        claims=pl.DataFrame(truth_claims),
        unclaimed=unclaimed(oracle, decided, people_by_key(world.population), index_month(timeline.last)),
        invalid=invalid_truth(invalid, rows, located, None),
        records=[
            *programme_records(rows, world.population.person_ids(roster.person), person_ids, world.extras, invalid),
            registry_records(businesses.rows, BUSINESS_REGISTRY, businesses.invalid_rows, world.population,
                             world.extras, invalid),
            registry_records(incomes.rows, INCOMES, {}, world.population, world.extras, []),
        ],
        roster_rows=rows[ROSTERS].height, claim_rows=rows[CLAIMS].height, enrolled=len(world.enrolments.person),
        exam_rows=0,
    )


def _simulate(seed: int, people: int, timeline: Timeline, employment: EmploymentWorld, first_person: int,
              first_op: int, taken: set[str], noise: Noise) -> World:
    """People, operators, enrolments, businesses, incomes and the claims operators make of them."""
    size = max(MIN_PEOPLE, round(people * SHARE))
    codes, ops, population, extras, enrolments, exits, contract = programme_cast(
        lambda part: stream(seed, part), size, timeline, first_op=first_op,
        operators=operator_count(len(employment.codes)), first_person=first_person, taken=taken,
        invalid_people=INVALID_PEOPLE, build_people=build_people, build_enrolments=build_enrolments,
        exit_listings=exit_listings)
    contract_start = int(first_day(timeline.first - 1))
    stories = plan_stories(stream(seed, "stories"), enrolments, timeline, contract_start,
                           corrections=max(1, round(0.005 * len(enrolments.person))))
    rng = stream(seed, "matriculas")
    matriculas = build_matriculas(rng, enrolments, stories, size, timeline, int(rng.integers(300_000, 600_000)))
    incomes, rise_row = build_incomes(stream(seed, "incomes"), enrolments, stories, timeline,
                                      EXTREME_LINES[max(EXTREME_LINES)])
    # A second operator claims a business the data set shows lasting.
    c = stories.survives_to
    claimable = ((stories.business == BZ_ACTIVE) & ~stories.set_aside & (c >= contract_start)
                 & (c <= last_day(timeline.last - 1)))
    seconds, second_claims = second_enrolments(stream(seed, "seconds"), enrolments, ops, timeline, claimable)
    first = (matriculas.version == 0) & (matriculas.owner >= 0)
    number = np.full(len(enrolments.person), "", dtype=object)
    owners, numbers_ = matriculas.owner[first], matriculas.number[first]
    for owner, value, day in sorted(zip(owners.tolist(), numbers_.tolist(), matriculas.registered[first].tolist()),
                                    key=lambda item: (item[0], -item[2])):
        number[owner] = value
    rise_seen = np.where(rise_row >= 0, incomes.day[np.maximum(rise_row, 0)], -1)
    claims = build_claims(stream(seed, "claims"), population=population, enrolments=enrolments, stories=stories,
                          matricula=number, rise_seen=rise_seen, seconds=seconds, second_claims=second_claims, ops=ops,
                          timeline=timeline, contract_start=contract_start,
                          employment=(employment.population, employment.enrolments.person), taken=taken,
                          typo_rate=noise.claim_typo)
    return World(timeline=timeline, codes=codes, ops=ops, population=population, extras=extras, enrolments=enrolments,
                 exits=exits, seconds=seconds, contract=contract, stories=stories, matriculas=matriculas,
                 incomes=incomes, rise_row=rise_row, claims=claims)


def _matriculas(extracts: ExtractsWritten) -> dict:
    """Delivered matrícula versions by document as written."""
    found: dict = {}
    for kind, number, matricula, registered, status, cancelled, renewed, delivered in extracts.rows.select(
            "tipo_documento", "numero_documento", "matricula", "fecha_matricula", "estado_matricula",
            "fecha_cancelacion", "ultimo_ano_renovado", "delivered").iter_rows():
        found.setdefault(identity_key(kind, number), []).append(Matricula(
            matricula, registered, cancelled if status == CANCELLED else None, renewed, index_month(int(delivered))))
    return found


def _cancelled(matriculas: Matriculas) -> dict[int, int]:
    """Per enrolment whose first matrícula is cancelled in its latest version: the cancellation's day."""
    found: dict[int, tuple[int, int]] = {}
    for owner, registered, cancelled in zip(matriculas.owner.tolist(), matriculas.registered.tolist(),
                                            matriculas.cancelled_on.tolist()):
        if owner >= 0 and (owner not in found or registered < found[owner][0] or (
                registered == found[owner][0] and cancelled >= 0)):
            found[owner] = (registered, cancelled)
    return {owner: cancelled for owner, (_, cancelled) in found.items() if cancelled >= 0}


def _corrected(matriculas: Matriculas, stories: Stories) -> dict[int, int]:
    """Per enrolment of a corrected business: the inbox month its cancellation arrives in."""
    return {owner: delivered for owner, status, delivered in zip(matriculas.owner.tolist(), matriculas.status.tolist(),
                                                                 matriculas.delivered.tolist())
            if owner >= 0 and stories.business[owner] == BZ_CORRECTED and status == CANCELLED}
