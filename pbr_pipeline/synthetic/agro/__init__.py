"""AGRO: producer units whose yield of the same crop, on about the same area, rises by a fifth
10 to 24 months after enrolment (AUMENTO_PRODUCTIVIDAD), verified against the extension
service's productivity measurements (`mediciones_productividad`).

Added beside the other programmes without touching them: every draw comes from one random
stream of its own split into parts, its producers hold document numbers nobody else holds, and
its operators are numbered after the others' (a third as many as the employment operators, at
least one). `simulate_and_write` writes

    inbox/<M>/inscripciones/op-NNN_agro_<M>.csv         rosters: the producer and `unidad_productiva`
    inbox/<M>/reportes/op-NNN_agro_<M>.csv              AUMENTO_PRODUCTIVIDAD claims (the producer; soporte: the unit)
    inbox/<M>/registros/mediciones_productividad/mediciones_productividad_<M>.csv   (`,` or `;` with DD/MM/YYYY)

and returns the rows it adds to the ground truth: producers are people of people.csv, units rows
of kind AGRO_UNIT (document `UP:<unit id>`); a claim's person is the producer it names, an
unclaimed outcome's the unit. The verdicts come from `verdicts.Oracle`, which assumes every
operator of the programme holds one contract from the first day of the month before the first
inbox month to the end of the last inbox month's year, with the default rules.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa

from schemas.codes import CROPS

from ..bilinguismo import Added
from ..dated_claims import OWN
from ..extracts import cells, write_extracts
from ..inbox import claim_rows, number_rows, with_invalid_rows, write_operator_files
from ..layout import CLAIMS, CSV_SHAPES, ROSTERS, Layout, plan_operator_files
from ..noise import Noise
from ..operators import enrol_again, exit_listings, operator_codes
from ..population import build_population
from ..records import ids_of, operator_records, quarantined_records
from ..rosters import ROSTER_COLUMNS, build_roster, written_roster
from ..subjects import Ids, corrected, plan_registry_files
from ..timeline import Timeline, date_series, first_day, index_month, to_date
from ..truth import dated_claim_truth, invalid_claims, invalid_truth
from ..world import operators_beside, part_stream, sample_contract
from .claims import Claims, build_claims, read_measurements
from .invalid import INVALID_PEOPLE, MEASUREMENTS, PROGRAMME, build_invalid_rows
from .measurements import Measurements, build_measurements, with_corrections
from .truth import OUTCOME, SCENARIOS, Labeller, people_truth
from .units import RISES, Units, build_enrolments, build_producers, build_units, draw_stories
from .verdicts import UNIT, Measurement, Oracle, Rules, UnitClaim, UnitListing, identity_key

__all__ = ["SCENARIOS", "enrolled_count", "operator_count", "simulate_and_write", "PROGRAMME", "OUTCOME",
           "MEASUREMENTS"]

SHARE = 0.0003
"""Units enrolled per person of the employment population (the Plan's 30 units three times over at
300,000 people) ..."""
MIN_UNITS = 45
"""... and at least this many, which still shows every scenario and keeps the committed sample
small."""
REGISTRY_ONLY_SHARE = 0.1
"""Units only the extension service measures, per enrolled unit."""

ROSTER_COLUMNS_AGRO: tuple[str, ...] = (*ROSTER_COLUMNS, "unidad_productiva")
MEASUREMENT_COLUMNS: tuple[str, ...] = ("tipo_documento", "numero_documento", "unidad_productiva", "cultivo",
                                        "fecha_medicion", "produccion_kg", "area_ha")
SCHEMA = pa.schema([*((name, pa.string()) for name in MEASUREMENT_COLUMNS[:4]), ("fecha_medicion", pa.date32()),
                    ("produccion_kg", pa.int64()), ("area_ha", pa.string())])

_PARTS = ("units", "producers", "extras", "enrolments", "stories", "measurements", "exits", "seconds", "claims",
          "corrections", "layout", "registry_layout", "rosters", "noise_rosters", "measurement_rows", "invalid")
"""The parts of the programme's stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the programme, inside the generator's `agro` stream."""
    return part_stream(seed, "agro", _PARTS, part)


operator_count = operators_beside


def enrolled_count(people: int) -> int:
    """Units enrolled in a data set of `people` employment people."""
    return max(MIN_UNITS, round(people * SHARE))


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment_operators: int,
                       first_person: int, first_op: int, taken: set[str], noise: Noise,
                       say: Callable[[str], None]) -> Added:
    """Simulate the programme for a data set of `people` employment people, write its inbox
    files and return its ground-truth rows. `first_person` is the 0-based index its ids start
    from (producers, the people of the invalid rows, then units); `first_op` the number of
    operators before its own; `taken` every document number the other files hold (it grows by
    the numbers used here)."""
    enrolled = enrolled_count(people)
    units, producer_count = build_units(stream(seed, "units"), enrolled, max(3, round(enrolled * REGISTRY_ONLY_SHARE)))
    numbers = np.array(sorted(int(number) for number in taken if number.isdigit()), dtype=np.int64)
    producers = build_producers(stream(seed, "producers"), producer_count, timeline, id_offset=first_person,
                                taken=numbers)
    extras = build_population(stream(seed, "extras"), INVALID_PEOPLE, timeline, id_offset=first_person + producer_count,
                              taken=np.concatenate([numbers, producers.doc_number.astype(np.int64)]), only_cc=True)
    taken |= set(producers.doc_number.tolist()) | set(extras.doc_number.tolist())
    unit_ids = Ids(first_person + producer_count + INVALID_PEOPLE, units.count)
    codes = operator_codes(first_op + operator_count(employment_operators))
    ops = np.arange(first_op, len(codes))
    enrolments, oldest = build_enrolments(stream(seed, "enrolments"), units, ops, codes, timeline)
    story = draw_stories(stream(seed, "stories"), enrolled, oldest)
    rows = build_measurements(stream(seed, "measurements"), units, enrolments.date, story, timeline)
    beliefs = read_measurements(rows, units, enrolments.date)
    exits = exit_listings(stream(seed, "exits"), enrolments, timeline, days=(365, 541))
    rng = stream(seed, "seconds")
    rise_day = np.where(beliefs.rise >= 0, rows.day[np.maximum(beliefs.rise, 0)], -1)
    claimable = (beliefs.rise >= 0) & (rise_day >= enrolments.date + 40)

    def second_dates(index: np.ndarray, for_claim: np.ndarray) -> np.ndarray:
        start = enrolments.date[index]
        gap = np.maximum(rise_day[index] - start - 30, 1)
        return np.where(for_claim, start + 30 + (rng.random(len(index)) * gap).astype(np.int64),
                        start + rng.integers(30, 151, len(index)))

    seconds, second_claims = enrol_again(rng, enrolments, ops, claimable, timeline, second_dates)
    contract = sample_contract(timeline)
    contract_start = int(first_day(timeline.first - 1))
    claims = build_claims(stream(seed, "claims"), producers=producers, units=units, enrolments=enrolments, story=story,
                          oldest=oldest, rows=rows, beliefs=beliefs, seconds=seconds, second_claims=second_claims,
                          ops=ops, timeline=timeline, contract_start=contract_start, taken=taken)
    own = claims.intent == OWN
    claimed_rises = {int(beliefs.rise[unit]): rows.production[beliefs.baseline[unit]] * 10_000
                     / rows.area[beliefs.baseline[unit]]
                     for unit in set(claims.unit[own].tolist()) if beliefs.rise[unit] >= 0 and story[unit] == RISES}
    rows = with_corrections(stream(seed, "corrections"), rows, claimed_rises, timeline)
    say(f"agro: {units.count:,} units of {producer_count:,} producers, {enrolled:,} enrolled by {len(ops)} operators, "
        f"{rows.size:,} measurements")

    layout = Layout(plan_operator_files(stream(seed, "layout"), codes[first_op:], timeline, PROGRAMME,
                                        first_op=first_op, shapes=CSV_SHAPES), {})
    plans = plan_registry_files(stream(seed, "registry_layout"), timeline, MEASUREMENTS, MEASUREMENTS)
    rng = stream(seed, "invalid")
    csv_months = [month for month, plan in sorted(plans.items()) if plan.fmt == "csv"]
    invalid = build_invalid_rows(rng, extras, codes, ops, timeline, csv_months[int(rng.integers(0, len(csv_months)))])
    roster = build_roster(enrolments, exits, seconds)
    unit_of_row = roster.person
    by_producer = replace(roster, person=units.producer[unit_of_row])
    quiet = replace(noise, roster_typo=0.0, roster_wrong_type=0.0)
    written = written_roster(stream(seed, "rosters"), by_producer, producers, layout, codes, noise=quiet,
                             noise_rng=stream(seed, "noise_rosters"), taken=taken, programme=PROGRAMME)
    municipality = units.municipality[unit_of_row]
    written = written.with_columns(
        pl.Series("unidad_productiva", units.unit_id[unit_of_row], dtype=pl.String),
        pl.when(pl.col("municipio") == "").then(pl.lit("")).otherwise(pl.Series(municipality)).alias("municipio"),
        pl.int_range(pl.len()).alias("roster"), pl.lit(None, pl.Int64).alias("invalid"))
    numbered = {
        ROSTERS: number_rows(with_invalid_rows(written, invalid, ROSTERS, layout, rng), layout, ROSTERS),
        CLAIMS: number_rows(with_invalid_rows(claim_rows(claims, codes, layout, programme=PROGRAMME, resultado=OUTCOME,
                                                         noise_labels=""), invalid, CLAIMS, layout, rng),
                            layout, CLAIMS),
    }
    files = write_operator_files(out_dir, layout, numbered, codes, say, programme=PROGRAMME,
                                 roster_columns=ROSTER_COLUMNS_AGRO)
    frame = _measurement_frame(stream(seed, "measurement_rows"), rows, units, producers)
    extracts = write_extracts(out_dir, plans, frame, [row for row in invalid if row.kind == MEASUREMENTS],
                              kind=MEASUREMENTS, columns=MEASUREMENT_COLUMNS, schema=SCHEMA,
                              order=("fecha_medicion", "unidad_productiva"), as_text=_cells)
    say(f"agro: {extracts.rows.height:,} measurement rows in {len(extracts.records)} extracts")

    producers_listed = _listings(roster, numbered[ROSTERS], codes)
    contracts = {codes[op]: [contract] for op in ops}
    oracle = Oracle(Rules(), producers_listed, _measurements(extracts.rows), contracts)
    as_measured = Oracle(Rules(), producers_listed, _measurements(extracts.rows.filter(~pl.col("correction"))),
                         contracts)
    read, positions = _oracle_claims(claims, numbered[CLAIMS], codes)
    last = index_month(timeline.last)
    decided = oracle.decide(read, last)
    changed = corrected(decided, as_measured.decide(read, last))
    labeller = Labeller(claims, units, enrolments, story, codes, oracle,
                        {positions[(claim.path, claim.row)]: claim for claim in read}, last,
                        {positions[place] for place, differs in changed.items() if differs})
    claim_ids = ids_of(producers, claims.person)
    truth_claims = dated_claim_truth(decided, positions, claim_ids.fill_null("").to_list(), OUTCOME, labeller.label)
    truth_claims += invalid_claims(numbered[CLAIMS], invalid, extras)
    enrolled_producers = set(units.producer[:enrolled].tolist())
    kinds = np.array([PROGRAMME if producer in enrolled_producers else "AGRO_MEASURED_ONLY"
                      for producer in range(producer_count)])
    listed = pl.DataFrame({"producer": units.producer[unit_of_row], "unit": unit_of_row,
                           "code": np.array(codes)[roster.op], "date": roster.date})
    subjects = dict(zip(((UNIT, unit) for unit in units.unit_id.tolist()), unit_ids.person_ids().to_list()))
    return Added(
        files=files + extracts.records,
        people=people_truth(producers, extras, units, unit_ids, kinds, listed),
        claims=pl.DataFrame(truth_claims),
        unclaimed=oracle.unclaimed(decided, last, OUTCOME, subjects),
        invalid=invalid_truth(invalid, numbered, extracts.invalid_rows, None),
        records=[
            operator_records(ROSTERS, numbered[ROSTERS], producers.person_ids(by_producer.person), extras, invalid),
            operator_records(CLAIMS, numbered[CLAIMS], claim_ids, extras, invalid),
            quarantined_records(MEASUREMENTS, invalid, extracts.invalid_rows, extras),
        ],
        roster_rows=numbered[ROSTERS].height, claim_rows=numbered[CLAIMS].height, enrolled=enrolled, exam_rows=0,
    )


def hectares(area: int, comma: bool) -> str:
    """Square metres as hectares with up to four decimals, `2,5` or `2.5`."""
    text = f"{area // 10_000}.{area % 10_000:04d}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def _measurement_frame(rng: np.random.Generator, rows: Measurements, units: Units, producers) -> pl.DataFrame:
    """Every measurement as written (typed as the Parquet schema), with `delivered` and
    `correction`: the producer's CC, the unit id (now and then in lower case), the crop (CAFÉ
    sometimes accented), areas with a decimal comma in about half the rows."""
    size = rows.size
    unit_id = units.unit_id[rows.unit].astype(object)
    lower = rng.random(size) < 0.08
    unit_id[lower] = np.char.lower(unit_id[lower].astype(str))
    crop = np.array(CROPS)[rows.crop].astype(object)
    crop[(crop == "CAFE") & (rng.random(size) < 0.3)] = "CAFÉ"
    comma = rng.random(size) < 0.5
    return pl.DataFrame({
        "delivered": rows.delivered, "correction": rows.corrects >= 0, "tipo_documento": "CC",
        "numero_documento": pl.Series(producers.doc_number[units.producer[rows.unit]], dtype=pl.String),
        "unidad_productiva": pl.Series(unit_id, dtype=pl.String), "cultivo": pl.Series(crop, dtype=pl.String),
        "fecha_medicion": date_series(rows.day), "produccion_kg": pl.Series(rows.production, dtype=pl.Int64),
        "area_ha": [hectares(int(area), bool(c)) for area, c in zip(rows.area.tolist(), comma.tolist())],
    })


def _cells(frame: pl.DataFrame, dates: str) -> pl.DataFrame:
    """CSV cells: DD/MM/YYYY dates and decimal commas in a `;` extract."""
    area = pl.col("area_ha").str.replace(".", ",", literal=True) if dates == "dmy" else pl.col("area_ha")
    return cells(frame, dates, {"area_ha": area})


def _listings(roster, numbered: pl.DataFrame, codes: tuple[str, ...]) -> dict:
    """Valid roster rows by producer, as the oracle reads them (with the unit and the row's place)."""
    valid = numbered.filter(pl.col("roster").is_not_null())
    index = valid["roster"].to_numpy()
    listings: dict = {}
    for kind, number, unit, path, row, received, date, op in zip(
            valid["tipo_documento"].to_list(), valid["numero_documento"].to_list(),
            valid["unidad_productiva"].to_list(),
            valid["path"].to_list(), valid["source_row"].to_list(), roster.received[index].tolist(),
            roster.date[index].tolist(), roster.op[index].tolist()):
        listings.setdefault(identity_key(kind, number), []).append(
            UnitListing(index_month(received), to_date(date), codes[op], unit.upper(), path, row))
    return listings


def _measurements(frame: pl.DataFrame) -> dict:
    """Delivered measurements by unit, as validation reads them."""
    from pbr_pipeline.intake.headers import fold_accents

    found: dict = {}
    for unit, crop, day, production, area, delivered in frame.select(
            "unidad_productiva", "cultivo", "fecha_medicion", "produccion_kg", "area_ha", "delivered").iter_rows():
        whole, _, fraction = area.replace(",", ".").partition(".")
        found.setdefault((UNIT, unit.upper()), []).append(Measurement(
            day, day, fold_accents(crop), int(production), int(whole) * 10_000 + int(fraction.ljust(4, "0") or 0),
            index_month(int(delivered))))
    return found


def _oracle_claims(claims: Claims, numbered: pl.DataFrame, codes: tuple[str, ...]) -> tuple[list[UnitClaim], dict]:
    """Every valid claim row as the oracle reads it, and the claim index of each (file, row)."""
    valid = numbered.filter(pl.col("claim").is_not_null())
    index = valid["claim"].to_list()
    paths, source_rows = valid["path"].to_list(), valid["source_row"].to_list()
    found = [
        UnitClaim(path, row, index_month(int(claims.month[i])), codes[int(claims.op[i])], identity_key(kind, number),
                  to_date(int(claims.fecha[i])), support or "")
        for path, row, i, kind, number, support in zip(paths, source_rows, index, valid["tipo_documento"].to_list(),
                                                       valid["numero_documento"].to_list(), valid["soporte"].to_list())
    ]
    return found, dict(zip(zip(paths, source_rows), index))
