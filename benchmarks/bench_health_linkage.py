"""Benchmark: the second pass against a registry without names (RIPS), on seeded data with truth.

    make bench-health-linkage                  # 200,000 people, 20,000 enrolled, trained model
    python benchmarks/bench_health_linkage.py --model fallback
    python benchmarks/bench_health_linkage.py --numbers random --twins 0   # no twins, no locality

RIPS holds a person's document, birth date and sex, and no names. This benchmark builds a
population with Colombian-like documents, the health programmes' roster (mostly women for
maternal care) and a RIPS registry of people, with the disagreements the two show in life,
then runs what the monthly run runs for RIPS: the enrolled people whose canonical document
has no RIPS row are the cases, scored by `registry_cases.find_registry_links` with the
month's model and the thresholds in force (`linkage_config.load_thresholds`, defaults without
a `linkage.yaml`). Every link is checked against the truth of who is who.

The population (seeded, numpy):
- Colombians: RC under 7, TI 7-17, CC from 18. People born from 1986 hold a 10-digit NUIP,
  spread over 1 095 000 000-1 103 000 000 (the Santander range the project's generator
  draws; `--number-gap` sets the density instead) and issued in order of registration: at
  birth (within 60 days) for those born from 2000, with the TI or CC (18 + up to 2 years)
  before, so neighbouring numbers were registered days apart. Older people hold an 8-digit
  cédula of a series by sex (63…, 37…, 28… for women; 91…, 13… and 7-digit 5… for men), in
  order of issue at 18 + up to 3 years. `--numbers random` hands out the same numbers in a
  random order (no locality).
- Venezuelan migrants (9 %): PT (7 digits), PE (15 digits) or CE (6-7 digits), drawn at random;
  a CE and a PT may carry the same number.
- Twins: `--twins` of the Colombians have a same-sex twin with the same birth date and the
  next number (registered together; about 1.5 % of deliveries are twins, two in three of
  them same-sex).

The roster (`--enrolled`, SALUD_MATERNA 85 %: women 15-44, migrants weighted 2.5×, 3 % men
enrolled by mistake; SALUD_TRANSMISIBLES 15 %: adults of both sexes) is written by the
operators with noise: a document typo 2 % (one digit changed, dropped, added, or two different
neighbours swapped, in equal parts), TI at enrolment and CC in RIPS (turned 18, same number)
2 %, a PEP in the roster renewed as a PT with a new number in RIPS 1 %, another type written
0.5 % (CE for CC …), a birth date typo 1 % (day and month swapped, or one digit), sex missing
1 %. RIPS holds `--in-rips` of the enrolled (the others had no service yet) and
`--rips-coverage` of everybody else, as the health system holds them: current document, true
birth date, sex missing 3 %, and a mistyped number only 0.5 % (a provider's typo).

The model: `--model trained` (default) trains it as the monthly run does, `train_model` on the
roster against a PILA-like copy of the population (names, no birth date or sex: 45 % of
adults), so the document levels are trained and birth date and sex carry the documented fixed
values; `--model fallback` uses `fallback_model`.

Reports cases, ACCEPT / REVIEW / NONE, precision of ACCEPT, recall over the linkable cases (a
PEP renewed as a PT with a new number is not linkable without names; it is counted apart),
the review share, accepted links on birth date and sex alone (must be 0), the linking run
time and its peak memory (a child process, so the generator's memory does not count), and
every false link with its comparison levels. Target: precision ≥ 0.999. Two diagnostics
follow: the cases whose candidate (`registry_cases.nameless_candidates`) Splink's blocking
never generated, and how often RIPS people one edit apart share the birth date against all
pairs (the model multiplies the two fields' Bayes factors as if independent), with the weight
a pair one edit apart with the same birth date and sex would get from the u measured on RIPS
itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from pbr_pipeline.core.months import month_index
from pbr_pipeline.core.settings import PROJECT_ROOT
from pbr_pipeline.identity.claim_cases import deletion_keys
from pbr_pipeline.identity.linkage import LinkageModel, normalise_people, train_model
from pbr_pipeline.identity.linkage.model import fallback_model
from pbr_pipeline.identity.linkage.synthetic import name_tables
from pbr_pipeline.identity.linkage_config import load_thresholds
from pbr_pipeline.identity.links import ACCEPT, REVIEW
from pbr_pipeline.identity.matching import canonical_document
from pbr_pipeline.identity.registry_cases import DOCUMENT_DISAGREES, find_registry_links, nameless_candidates
from pbr_pipeline.identity.second_pass import enrolled_people, registry_people

MONTH = "2025-06"
REFERENCE = np.datetime64("2025-06-30")
EPOCH = np.datetime64("1970-01-01")
REF_DAY = int((REFERENCE - EPOCH).astype(int))
NUIP_FROM_YEAR = 1986
"""People born from this year hold a 10-digit NUIP; older people an 8-digit (or 7-digit) cédula."""

TYPES = np.array(["CC", "TI", "RC", "CE", "PT", "PE", "PA"])
CC, TI, RC, CE, PT, PE, PA = range(7)
WRONG_TYPES = {CC: (CE, PA), TI: (CE,), CE: (CC, PA), PT: (PE, CE), PE: (PT, CE)}
"""A type written by mistake for the one held: never one canonical matching folds into it
(as `synthetic.noise.WRONG_TYPES`)."""

OLD_SERIES = {0: ((63_000_000, 0.6), (37_000_000, 0.2), (28_000_000, 0.2)),
              1: ((91_000_000, 0.6), (13_000_000, 0.2), (5_000_000, 0.2))}
"""Old cédula series by sex (0 women, 1 men): start of a block of a million numbers, share."""
NUIP_START, NUIP_END = 1_095_000_000, 1_103_000_000
"""The Santander NUIPs the project's generator draws (`synthetic.population`): the people here
fill this range, one number in `--number-gap` (by default the range over the holders)."""

# Why a case has no RIPS row under the enrolled document (a person may have several reasons;
# `cause` names the first in this order).
NOT_IN_RIPS, PEP_PT, ROSTER_TYPO, RIPS_TYPO, WRONG_TYPE = (
    "not in RIPS", "PEP renewed as PT", "roster document typo", "RIPS document typo", "type written wrong")


# ---------------------------------------------------------------------------------------------
# Population


def _years_after(day: np.ndarray, years: float) -> np.ndarray:
    return day + round(years * 365.25)


def _sequential(rng: np.random.Generator, issued: np.ndarray, start: int, gap: float, twin_next: np.ndarray) -> np.ndarray:
    """Numbers from `start` in order of `issued`, one in `gap` held by these people; a twin
    (`twin_next`: issued right after its sibling) holds the next number."""
    order = np.argsort(issued, kind="stable")
    steps = rng.geometric(1.0 / gap, len(order)).astype(np.int64)
    steps[twin_next[order]] = 1
    numbers = np.empty(len(order), dtype=np.int64)
    numbers[order] = start + np.cumsum(steps)
    return numbers


def _random_unique(rng: np.random.Generator, size: int, low: int, high: int, taken: set[int]) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    filled = 0
    while filled < size:
        for value in rng.integers(low, high, size - filled).tolist():
            if value not in taken:
                taken.add(value)
                out[filled] = value
                filled += 1
                if filled == size:
                    break
    return out


def population(rng: np.random.Generator, size: int, *, twins: float, gap: float | None, sequential: bool = True) -> pl.DataFrame:
    """person, sex (0 F, 1 M), birth (days since 1970), migrant, doc_type, number (text),
    twin_of (the twin's person, -1), given names and surnames (indices, -1 for none)."""
    pairs = int(round(size * twins / 2))
    base = size - pairs
    ages = np.arange(0, 95)
    weight = np.where(ages < 55, 1.0, np.clip((95 - ages) / 40, 0, None))
    age = rng.choice(ages, base, p=weight / weight.sum())
    birth = REF_DAY - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 365, base)
    sex = (rng.random(base) < 0.48).astype(np.int8)
    migrant = (rng.random(base) < 0.09) & (age < 60)
    # Twins: a same-sex Colombian sibling, born the same day.
    first = rng.choice(np.flatnonzero(~migrant), pairs, replace=False)
    birth, sex, migrant = np.concatenate([birth, birth[first]]), np.concatenate([sex, sex[first]]), np.concatenate([migrant, migrant[first]])
    twin_of = np.full(size, -1, dtype=np.int64)
    twin_of[first], twin_of[base:] = np.arange(base, size), first
    is_second = np.zeros(size, dtype=bool)
    is_second[base:] = True

    year = (EPOCH + birth.astype("timedelta64[D]")).astype("datetime64[Y]").astype(np.int64) + 1970
    age_now = (REF_DAY - birth) / 365.25
    draw = rng.random(size)
    doc_type = np.select(
        [migrant & (draw < 0.65), migrant & (draw < 0.90), migrant, age_now < 7, age_now < 18],
        [PT, PE, CE, RC, TI], CC).astype(np.int8)
    number = np.zeros(size, dtype=np.int64)

    # Issue order: a twin is issued right after its sibling (same delay, a hair later).
    delay = rng.random(size)
    delay[base:] = delay[first]
    colombian = ~migrant
    nuip = colombian & (year >= NUIP_FROM_YEAR)
    at_birth = year >= 2000
    issued = np.where(at_birth, birth + delay * 60, _years_after(birth, 18) + delay * 730).astype(np.float64)
    issued[base:] += 1e-3
    if not sequential:  # the same numbers in a random order: no locality, twins still next to each other
        shuffled = rng.random(size)
        shuffled[base:] = shuffled[first] + 1e-9
        issued = shuffled
    index = np.flatnonzero(nuip)
    gap = gap or 0.95 * (NUIP_END - NUIP_START) / max(len(index), 1)
    number[index] = _sequential(rng, issued[index], NUIP_START, gap, is_second[index])
    old = colombian & ~nuip
    issued_old = (_years_after(birth, 18) + delay * 1095).astype(np.float64)
    issued_old[base:] += 1e-3
    if not sequential:
        issued_old = issued
    series_draw = rng.random(size)
    series_draw[base:] = series_draw[first]
    for held_sex, series in OLD_SERIES.items():
        edges = np.cumsum([share for _, share in series])
        which = np.searchsorted(edges, series_draw * edges[-1])
        for position, (start, _) in enumerate(series):
            index = np.flatnonzero(old & (sex == held_sex) & (which == position))
            if len(index):
                series_gap = max(1.0, 0.95 * 1_000_000 / len(index))
                number[index] = _sequential(rng, issued_old[index], start, series_gap, is_second[index])
    for kind, (low, high) in ((PT, (1_000_000, 7_000_000)), (PE, (900_000_000_000_000, 999_999_999_999_999)),
                              (CE, (100_000, 10_000_000))):
        index = np.flatnonzero(doc_type == kind)
        number[index] = _random_unique(rng, len(index), low, high, set())

    # Names (only the model's training reads them): twins share their surnames.
    female, male, surnames = name_tables()
    given_f = rng.choice(len(female), (size, 2), p=_zipf(len(female), 1.0))
    given_m = rng.choice(len(male), (size, 2), p=_zipf(len(male), 1.0)) + len(female)
    given = np.where(sex[:, None] == 1, given_m, given_f)
    given[:, 1] = np.where((given[:, 1] == given[:, 0]) | (rng.random(size) < 0.3), -1, given[:, 1])
    sur = rng.choice(len(surnames), (size, 2), p=_zipf(len(surnames), 0.9))
    sur[:, 1] = np.where(rng.random(size) < 0.97, sur[:, 1], -1)
    sur[base:] = sur[first]
    return pl.DataFrame({
        "person": np.arange(size), "sex": sex, "birth": birth, "migrant": migrant, "doc_type": doc_type,
        "number": number.astype(str), "twin_of": twin_of,
        "given1": given[:, 0], "given2": given[:, 1], "sur1": sur[:, 0], "sur2": sur[:, 1],
    })


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


# ---------------------------------------------------------------------------------------------
# Noise


def mistype(rng: np.random.Generator, number: str) -> tuple[str, str]:
    """One digit changed, dropped, added, or two different neighbours swapped, in equal parts,
    never touching the first digit (a leading zero would be dropped by validation); the kind of
    typo with it."""
    digits = list(number)
    kind = ("changed", "dropped", "added", "swapped")[int(rng.integers(0, 4))]
    if kind == "swapped":
        spots = [p for p in range(1, len(digits) - 1) if digits[p] != digits[p + 1]]
        if not spots:
            kind = "changed"
        else:
            p = spots[int(rng.integers(len(spots)))]
            digits[p], digits[p + 1] = digits[p + 1], digits[p]
    if kind == "changed":
        p = int(rng.integers(1, len(digits)))
        digits[p] = str((int(digits[p]) + int(rng.integers(1, 10))) % 10)
    elif kind == "dropped":
        del digits[int(rng.integers(1, len(digits)))]
    elif kind == "added":
        digits.insert(int(rng.integers(1, len(digits) + 1)), str(int(rng.integers(0, 10))))
    return "".join(digits), kind


def birth_typo(rng: np.random.Generator, day: int) -> int:
    """Day and month swapped (where the day is 12 or less and differs from the month), else one
    digit of YYYYMMDD changed into another valid date."""
    date = (EPOCH + np.timedelta64(day, "D")).astype(dt.date)
    if date.day <= 12 and date.day != date.month and rng.random() < 0.5:
        return int((np.datetime64(dt.date(date.year, date.day, date.month)) - EPOCH).astype(int))
    text = date.strftime("%Y%m%d")
    while True:
        p = int(rng.integers(2, 8))
        changed = text[:p] + str((int(text[p]) + int(rng.integers(1, 10))) % 10) + text[p + 1:]
        try:
            new = dt.date(int(changed[:4]), int(changed[4:6]), int(changed[6:]))
        except ValueError:
            continue
        if new.year <= 2025:
            return int((np.datetime64(new) - EPOCH).astype(int))


# ---------------------------------------------------------------------------------------------
# Roster, registry and the PILA-like copy


def enrol(rng: np.random.Generator, people: pl.DataFrame, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The enrolled persons and their programme (0 SALUD_MATERNA, 1 SALUD_TRANSMISIBLES)."""
    sex, migrant = people["sex"].to_numpy(), people["migrant"].to_numpy()
    age = (REF_DAY - people["birth"].to_numpy()) / 365.25
    mothers = np.where((sex == 0) & (age >= 15) & (age < 45), np.select([age < 20, age < 35], [0.6, 1.0], 0.4), 0.0)
    mothers *= np.where(migrant, 2.5, 1.0)
    men = ((sex == 1) & (age >= 20) & (age < 46)).astype(float)
    adults = ((age >= 18) & (age < 70)).astype(float) * np.where(sex == 1, 1.8, 1.0)
    n_cases = int(round(size * 0.15))
    n_men = int(round((size - n_cases) * 0.03))
    chosen: list[np.ndarray] = []
    taken = np.zeros(people.height, dtype=bool)
    for weights, count in ((mothers, size - n_cases - n_men), (men, n_men), (adults, n_cases)):
        w = np.where(taken, 0.0, weights)
        pick = rng.choice(people.height, count, replace=False, p=w / w.sum())
        taken[pick] = True
        chosen.append(pick)
    programme = np.concatenate([np.zeros(size - n_cases, dtype=np.int8), np.ones(n_cases, dtype=np.int8)])
    return np.concatenate(chosen), programme


def pick(rng: np.random.Generator, eligible: np.ndarray, count: int) -> np.ndarray:
    mask = np.zeros(len(eligible), dtype=bool)
    mask[rng.permutation(np.flatnonzero(eligible))[:count]] = True
    return mask


def build(args: argparse.Namespace) -> dict:
    rng = np.random.default_rng(args.seed)
    people = population(rng, args.people, twins=args.twins, gap=args.number_gap, sequential=args.numbers == "sequential")
    size = people.height
    doc_type, number = people["doc_type"].to_numpy().copy(), people["number"].to_numpy().astype(object)
    sex, birth = people["sex"].to_numpy(), people["birth"].to_numpy()
    age = (REF_DAY - birth) / 365.25

    members, programme = enrol(rng, people, args.enrolled)
    n = len(members)
    rate = lambda share: int(round(share * n))  # noqa: E731
    r_type, r_number = doc_type[members].copy(), number[members].copy()
    r_birth, r_sex = birth[members].copy(), sex[members].astype(object).copy()

    # PEP renewed as PT with a new number: the roster keeps the PEP, RIPS shows the PT.
    renewed = pick(rng, r_type == PE, rate(0.01))
    current_type, current_number = doc_type.copy(), number.copy()
    pt_taken = {int(x) for x in number[doc_type == PT]}
    new_pt = _random_unique(rng, int(renewed.sum()), 1_000_000, 7_000_000, pt_taken)
    current_type[members[renewed]] = PT
    current_number[members[renewed]] = new_pt.astype(str)
    # TI at enrolment, CC in RIPS: the person turned 18 since (same number).
    ti_cc = pick(rng, (r_type == CC) & (age[members] >= 18) & (age[members] < 20), rate(0.02))
    r_type[ti_cc] = TI
    # Another type written for the one held.
    wrong = pick(rng, ~renewed & ~ti_cc & np.isin(r_type, list(WRONG_TYPES)), rate(0.005))
    for i in np.flatnonzero(wrong):
        choices = WRONG_TYPES[int(r_type[i])]
        r_type[i] = choices[int(rng.integers(len(choices)))]
    # A mistyped number.
    typo = pick(rng, ~renewed, rate(0.02))
    typo_kind = np.full(n, "", dtype=object)
    for i in np.flatnonzero(typo):
        r_number[i], typo_kind[i] = mistype(rng, r_number[i])
    # A mistyped birth date; sex missing.
    born_wrong = pick(rng, np.ones(n, dtype=bool), rate(0.01))
    for i in np.flatnonzero(born_wrong):
        r_birth[i] = birth_typo(rng, int(r_birth[i]))
    r_sex[pick(rng, np.ones(n, dtype=bool), rate(0.01))] = None

    female, male, surnames = name_tables()
    given, sur = pl.Series(female + male), pl.Series(surnames)

    def spell(table: pl.Series, index: np.ndarray) -> pl.Series:
        return pl.select(pl.when(pl.Series(index >= 0)).then(table.gather(np.where(index >= 0, index, 0)))).to_series()

    def names(rows: np.ndarray) -> dict[str, pl.Series]:
        return {"first_name": spell(given, people["given1"].to_numpy()[rows]),
                "second_name": spell(given, people["given2"].to_numpy()[rows]),
                "first_surname": spell(sur, people["sur1"].to_numpy()[rows]),
                "second_surname": spell(sur, people["sur2"].to_numpy()[rows])}

    def dates(days: np.ndarray) -> pl.Series:
        return pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)

    def sexes(values) -> pl.Series:
        return pl.Series([None if v is None else ("F", "M")[int(v)] for v in values], dtype=pl.String)

    order = rng.permutation(n)  # operators' row order
    enrolments = pl.DataFrame({
        "document_type": TYPES[r_type], "document_number": r_number.astype(str), "person": members,
        **names(members), "birth_date": dates(r_birth), "sex": sexes(r_sex),
        "operator": np.where(programme == 0, "OP-SM1", "OP-ST1"),
        "programme": np.where(programme == 0, "SALUD_MATERNA", "SALUD_TRANSMISIBLES"),
        "noise_typo": typo_kind.astype(str), "noise_ti_cc": ti_cc, "noise_wrong_type": wrong, "noise_pep_pt": renewed,
        "noise_birth": born_wrong,
    })[order].with_columns(
        canonical_document(), pl.lit(month_index(MONTH)).alias("inbox_index"), pl.lit(dt.date(2025, 3, 1)).alias("enrolled_on"),
        pl.lit("inscripciones.csv").alias("source_file"), pl.int_range(0, n).alias("source_row"),
    )

    # RIPS: the enrolled it holds, and everybody else it covers, as the health system holds them.
    enrolled_mask = np.zeros(size, dtype=bool)
    enrolled_mask[members] = True
    in_rips = np.where(enrolled_mask, rng.random(size) < args.in_rips, rng.random(size) < args.rips_coverage)
    rows = np.flatnonzero(in_rips)
    x_type, x_number = current_type[rows], current_number[rows].copy()
    rips_typo = rng.random(len(rows)) < 0.005
    for i in np.flatnonzero(rips_typo):
        x_number[i], _ = mistype(rng, x_number[i])
    x_sex = sex[rows].astype(object)
    x_sex[rng.random(len(rows)) < 0.03] = None
    rips = pl.DataFrame({
        "document_type": TYPES[x_type], "document_number": x_number.astype(str), "person": rows,
        "birth_date": dates(birth[rows]), "sex": sexes(x_sex), "rips_typo": rips_typo,
    })[rng.permutation(len(rows))].with_columns(
        canonical_document(), pl.lit(month_index(MONTH)).alias("inbox_index"), pl.lit("rips.json").alias("source_file"),
        pl.int_range(0, len(rows)).alias("source_row"),
    )

    # PILA-like copy for the model's training: 45 % of adults, names, no birth date or sex.
    adult_rows = np.flatnonzero((age >= 18) & (rng.random(size) < 0.45))
    pila = pl.DataFrame({
        "document_type": TYPES[current_type[adult_rows]], "document_number": current_number[adult_rows].astype(str),
        **names(adult_rows),
    }).with_columns(canonical_document()).unique("document", keep="first", maintain_order=True)
    return {"people": people, "enrolments": enrolments, "rips": rips, "pila": pila.rename({"document": "id"})}


# ---------------------------------------------------------------------------------------------
# Linking (in a child process: its time and peak memory are the linking step's own)


def link_step(work: str, model_json: str, trained: bool, note: str, queue) -> None:
    enrolled = pl.read_parquet(Path(work) / "enrolled.parquet")
    registry = pl.read_parquet(Path(work) / "registry.parquet")
    model = LinkageModel(model_json=model_json, trained=trained, note=note)
    thresholds = load_thresholds(Path(work))
    started = time.perf_counter()
    cases = find_registry_links(enrolled, registry, model, thresholds, registry_name="rips")
    seconds = time.perf_counter() - started
    cases.write_parquet(Path(work) / "cases.parquet")
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_linking(work: Path, model: LinkageModel) -> tuple[pl.DataFrame, float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=link_step, args=(str(work), model.model_json, model.trained, model.note, queue))
    child.start()
    child.join()  # the child puts two numbers: joining before reading cannot block
    if child.exitcode:
        raise SystemExit(f"the linking step failed (exit code {child.exitcode})")
    seconds, peak_mb = queue.get()
    return pl.read_parquet(work / "cases.parquet"), seconds, peak_mb


# ---------------------------------------------------------------------------------------------


def cause() -> pl.Expr:
    """The first reason (in this order) an enrolled person has no RIPS row under the roster's document."""
    return (
        pl.when(~pl.col("linkable_any")).then(pl.lit(NOT_IN_RIPS))
        .when(pl.col("noise_pep_pt")).then(pl.lit(PEP_PT))
        .when(pl.col("noise_typo") != "").then(pl.lit(ROSTER_TYPO))
        .when(pl.col("noise_wrong_type")).then(pl.lit(WRONG_TYPE))
        .when(pl.col("rips_typo")).then(pl.lit(RIPS_TYPO))
        .otherwise(pl.lit("other")).alias("cause")
    )


def unscored_candidates(enrolled: pl.DataFrame, registry: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """The cases `nameless_candidates` gives a candidate that find_registry_links returned no
    row for (Splink's blocking rules never generated the pair), with the kind of edit."""
    person_columns = [c for c in enrolled.columns if c not in ("operator", "inbox_index")]
    left = normalise_people(enrolled.join(registry.select("id"), on="id", how="anti").select(person_columns), "id")
    right = normalise_people(registry.drop("inbox_index"), "id")
    candidates = nameless_candidates(left, right)
    return candidates.join(cases.select(pl.col("left").alias("left_id")), on="left_id", how="anti").join(
        left.select(pl.col("unique_id").alias("left_id"), pl.col("doc_number").alias("left_number")), on="left_id").join(
        right.select(pl.col("unique_id").alias("right_id"), pl.col("doc_number").alias("right_number")), on="right_id")


def neighbours_sharing_birth(registry: pl.DataFrame) -> dict[str, float]:
    """Pairs of RIPS people (all different people here) whose numbers share a one-digit-dropped
    variant (one edit, `deletion_keys`): how many, and the share of them with the same birth
    date and the same sex, against the share among all pairs. The model multiplies the
    document's and the birth date's Bayes factors as if the two were independent."""
    folded = normalise_people(registry.drop("inbox_index"), "id")
    keys = deletion_keys(folded)
    pairs = (keys.join(keys, on="key", suffix="_r").filter(pl.col("unique_id") < pl.col("unique_id_r"))
             .select("unique_id", "unique_id_r").unique())
    fields = folded.select("unique_id", "doc_number", "birth_date", "sex")
    pairs = pairs.join(fields, on="unique_id").join(fields.rename(lambda c: c + "_r"), on="unique_id_r").filter(
        pl.col("doc_number") != pl.col("doc_number_r"))
    same_birth = pairs.filter(pl.col("birth_date") == pl.col("birth_date_r"))
    same_both = same_birth.filter(pl.col("sex").eq_missing(pl.col("sex_r")) | pl.col("sex").is_null() | pl.col("sex_r").is_null())
    total = folded.height * (folded.height - 1) / 2
    by_date = folded.group_by("birth_date").len()
    random_same_birth = float(((by_date["len"].cast(pl.Float64) ** 2 - by_date["len"]).sum() / 2) / total)
    return {"pairs": total, "one_edit": pairs.height, "one_edit_same_birth": same_birth.height,
            "one_edit_same_birth_sex": same_both.height, "random_same_birth": random_same_birth}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--enrolled", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", choices=("trained", "fallback"), default="trained")
    parser.add_argument("--twins", type=float, default=0.02, help="share of people with a same-sex twin holding the next number")
    parser.add_argument("--number-gap", type=float, default=None,
                        help="one NUIP in this many is held by the population (default: they fill 1095000000-1103000000)")
    parser.add_argument("--numbers", choices=("sequential", "random"), default="sequential",
                        help="numbers issued in order of registration (neighbours were registered days apart) or at random")
    parser.add_argument("--in-rips", type=float, default=0.85, help="share of the enrolled with a RIPS row")
    parser.add_argument("--rips-coverage", type=float, default=0.70, help="share of everybody else with a RIPS row")
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench-health-linkage")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    data = build(args)
    people, enrolments, rips = data["people"], data["enrolments"], data["rips"]
    enrolled = enrolled_people(enrolments)
    registry = registry_people(rips.lazy()).collect()
    print(f"generate: {time.perf_counter() - started:.1f} s; {people.height:,} people, {enrolled.height:,} enrolled, "
          f"{registry.height:,} RIPS people (seed {args.seed}, twins {args.twins:.1%}, numbers {args.numbers}, "
          f"NUIP gap {args.number_gap or 'filling the range'})")

    person_columns = [c for c in enrolled.columns if c not in ("operator", "inbox_index")]
    started = time.perf_counter()
    if args.model == "trained":
        model = train_model(enrolled.select(person_columns), data["pila"], seed=1)
    else:
        model = fallback_model(enrolled.height, registry.height, "benchmark: --model fallback")
    print(f"model ({args.model}, {time.perf_counter() - started:.1f} s): {model.note}")
    for comparison in model.settings["comparisons"]:
        if comparison["output_column_name"] in ("document", "birth_date", "sex"):
            levels = [f"{level['label_for_charts']} m={level['m_probability']:.3g} u={level['u_probability']:.3g} "
                      f"({np.log2(level['m_probability'] / level['u_probability']):+.1f} bits)"
                      for level in comparison["comparison_levels"] if not level.get("is_null_level")]
            print(f"  {comparison['output_column_name']}: " + "; ".join(levels))
    thresholds = load_thresholds(args.work)
    print(f"thresholds (linkage_config, no linkage.yaml): accept ≥ {thresholds.accept}, review ≥ {thresholds.review}, "
          f"ambiguity margin {thresholds.ambiguity_margin} bits; prior 1/{registry.height:,}")

    enrolled.write_parquet(args.work / "enrolled.parquet")
    registry.write_parquet(args.work / "registry.parquet")
    cases, seconds, peak_mb = run_linking(args.work, model)

    # Truth: who each kept roster and registry record is.
    roster_truth = enrolments.select("document", "person", "noise_typo", "noise_ti_cc", "noise_wrong_type", "noise_pep_pt",
                                     "noise_birth").unique("document", keep="first", maintain_order=True)
    registry_truth = rips.sort("inbox_index", "source_file", "source_row").unique("document", keep="first", maintain_order=True)
    rips_person = registry_truth.select(pl.col("document").alias("right"), pl.col("person").alias("right_person"))
    in_registry = set(registry_truth["person"].to_list())
    twin_of = dict(zip(people["person"].to_list(), people["twin_of"].to_list()))
    rips_typo_people = set(rips.filter(pl.col("rips_typo"))["person"].to_list())

    people_view = (
        enrolled.select(pl.col("id").alias("document")).join(roster_truth, on="document")
        .with_columns(
            pl.col("person").is_in(list(in_registry)).alias("linkable_any"),
            pl.col("person").is_in(list(rips_typo_people)).alias("rips_typo"),
            pl.col("document").is_in(registry["id"].implode()).alias("exact"),
        )
    )
    exact = people_view.filter(pl.col("exact")).join(rips_person.rename({"right": "document"}), on="document")
    exact_wrong = exact.filter(pl.col("person") != pl.col("right_person")).join(
        enrolled.select(pl.col("id").alias("document"), "birth_date"), on="document").join(
        registry.select(pl.col("id").alias("document"), pl.col("birth_date").alias("rips_birth_date")), on="document")
    exact_wrong_born = exact_wrong.filter(pl.col("birth_date") != pl.col("rips_birth_date")).height
    view = (
        people_view.filter(~pl.col("exact"))
        .with_columns(cause())
        .join(cases.select(pl.col("left").alias("document"), pl.col("document").alias("right"), "matcher_decision",
                           "match_probability", "match_weight", "level_document", "level_birth_date", "level_sex",
                           "weight_document", "weight_birth_date", "weight_sex"), on="document", how="left")
        .join(rips_person, on="right", how="left")
        .with_columns(
            pl.col("matcher_decision").fill_null("NONE (no candidate)").alias("decision"),
            (pl.col("right_person") == pl.col("person")).fill_null(False).alias("right_person_is_true"),
            (pl.col("linkable_any") & ~pl.col("noise_pep_pt")).alias("linkable"),
        )
    )
    accepted = view.filter(pl.col("decision") == ACCEPT)
    true_accepts = accepted.filter(pl.col("right_person_is_true")).height
    false_accepts = accepted.filter(~pl.col("right_person_is_true"))
    linkable = view.filter(pl.col("linkable")).height
    renewed = view.filter(pl.col("cause") == PEP_PT)
    reviewed = view.filter(pl.col("decision") == REVIEW).height
    on_birth_and_sex = accepted.filter(pl.col("level_document") == DOCUMENT_DISAGREES).height
    precision = true_accepts / max(accepted.height, 1)
    recall = true_accepts / max(linkable, 1)

    ti_cc = people_view.filter(pl.col("noise_ti_cc"))
    print(f"\nenrolled people: {enrolled.height:,}; found by canonical document: {exact.height:,} "
          f"(TI→CC among them {ti_cc.filter(pl.col('exact')).height:,} of {ti_cc.height:,}; "
          f"a typo onto someone else's number: {exact_wrong.height:,}, {exact_wrong_born:,} of them with another birth date in "
          f"RIPS; deterministic matching's, not the second pass's)")
    print(f"cases (no RIPS row under the enrolled document): {view.height:,}; with a candidate: {cases.height:,}")
    with pl.Config(tbl_hide_dataframe_shape=True, tbl_width_chars=200):
        print(view.group_by("cause").agg(
            pl.len().alias("cases"),
            (pl.col("decision") == ACCEPT).sum().alias("accept"),
            ((pl.col("decision") == ACCEPT) & pl.col("right_person_is_true")).sum().alias("accept_right"),
            (pl.col("decision") == REVIEW).sum().alias("review"),
            (pl.col("decision") == "NONE").sum().alias("none_scored"),
            (pl.col("decision") == "NONE (no candidate)").sum().alias("no_candidate"),
        ).sort("cases", descending=True))
    counts = view.group_by("decision").len().sort("decision")
    print("decisions: " + ", ".join(f"{d} {c:,}" for d, c in counts.iter_rows()))
    print(f"accepted by document level: " + ", ".join(
        f"{level} {count:,}" for level, count in accepted.group_by("level_document").len().sort("level_document").iter_rows()))
    print(f"\nprecision of ACCEPT {precision:.5f} ({true_accepts:,} true of {accepted.height:,}; target ≥ 0.999)")
    print(f"recall {recall:.5f} ({true_accepts:,} of {linkable:,} linkable cases; PEP renewed as PT apart: "
          f"{renewed.height:,} cases, {renewed.filter(pl.col('right_person_is_true') & (pl.col('decision') == ACCEPT)).height} "
          f"accepted, {renewed.filter(pl.col('decision') == REVIEW).height} in review)")
    in_review = view.filter(pl.col("decision") == REVIEW)
    wrong_first = in_review.filter(~pl.col("right_person_is_true"))
    twins_first = sum(twin_of.get(p) == r for p, r in zip(wrong_first["person"].to_list(), wrong_first["right_person"].to_list()))
    print(f"review share {reviewed / max(view.height, 1):.2%} of cases ({reviewed:,}; the right person first in "
          f"{reviewed - wrong_first.height:,}, another person in {wrong_first.height:,}, {twins_first:,} of them a twin)")
    print(f"accepted on birth date and sex alone (document disagrees): {on_birth_and_sex} (must be 0)")
    print(f"linking (find_registry_links): {seconds:.1f} s, peak memory of the linking process {peak_mb:,.0f} MB")
    unscored = unscored_candidates(enrolled, registry, cases)
    lost = view.join(unscored.select(pl.col("left_id").alias("document")).unique(), on="document", how="semi")
    print(f"cases with a candidate (same number, or one edit and the same birth date) that Splink's blocking never "
          f"scored: {lost.height:,} ({lost.filter(pl.col('linkable')).height:,} of them linkable; by typo: " + ", ".join(
              f"{kind or '-'} {count}" for kind, count in lost.group_by("noise_typo").len().sort("noise_typo").iter_rows()) + ")")
    stats = neighbours_sharing_birth(registry)
    share = stats["one_edit_same_birth"] / max(stats["one_edit"], 1)
    print(f"RIPS people one edit apart: {stats['one_edit']:,} pairs; {stats['one_edit_same_birth']:,} of them share the birth "
          f"date ({share:.3%}; {stats['one_edit_same_birth_sex']:,} also the sex), against {stats['random_same_birth']:.4%} of "
          f"all pairs: {share / max(stats['random_same_birth'], 1e-12):,.0f} times as often as independence assumes")
    levels = {c["output_column_name"]: {l["label_for_charts"]: l for l in c["comparison_levels"]} for c in model.settings["comparisons"]}
    u_product = (levels["document"]["one edit"]["u_probability"] * levels["birth_date"]["exact"]["u_probability"]
                 * levels["sex"]["equal"]["u_probability"])
    u_measured = stats["one_edit_same_birth_sex"] / stats["pairs"]
    m_product = (levels["document"]["one edit"]["m_probability"] * levels["birth_date"]["exact"]["m_probability"]
                 * levels["sex"]["equal"]["m_probability"])
    prior_bits = np.log2(1.0 / (registry.height - 1))
    conditioned = m_product / (1 - levels["document"]["exact, same type"]["m_probability"])

    def bits(m: float, u: float) -> str:
        weight = np.log2(m / u) + prior_bits
        return f"{weight:+.1f} bits (p = {1 / (1 + 2 ** -weight):.4f})"

    print(f"one edit + same birth date + same sex: the model weighs it {bits(m_product, u_product)} with u = {u_product:.2g} "
          f"(the product of the fields' u); u measured on RIPS itself is {u_measured:.2g}: {bits(m_product, u_measured)}, "
          f"or {bits(conditioned, u_measured)} with the document's m conditioned on no exact match")
    if false_accepts.height:
        relation = [("twin" if twin_of.get(p) == r else "stranger") for p, r in
                    zip(false_accepts["person"].to_list(), false_accepts["right_person"].to_list())]
        false_accepts = false_accepts.with_columns(pl.Series("linked_person_is", relation))
        print(f"\nfalse links ({false_accepts.height}), by kind and comparison levels:")
        with pl.Config(tbl_rows=200, tbl_cols=20, tbl_width_chars=260, fmt_str_lengths=40, tbl_hide_dataframe_shape=True):
            print(false_accepts.group_by("cause", "linked_person_is", "level_document", "level_birth_date", "level_sex").agg(
                pl.len().alias("links"), pl.col("match_weight").min().round(2).alias("weight_min"),
                pl.col("match_probability").min().round(6).alias("p_min")).sort("links", descending=True))
            print(false_accepts.select(
                "cause", "linked_person_is", pl.col("document").alias("enrolled"), "right", "match_probability", "match_weight",
                "level_document", "weight_document", "level_birth_date", "weight_birth_date", "level_sex", "weight_sex",
            ).sort("linked_person_is", "enrolled").head(12))
    print(f"\nsummary: cases {view.height:,}, ACCEPT {accepted.height:,}, REVIEW {reviewed:,}, "
          f"NONE {view.height - accepted.height - reviewed:,}; precision {precision:.5f}, recall {recall:.5f}, "
          f"review {reviewed / max(view.height, 1):.2%}, birth date + sex alone {on_birth_and_sex}; model {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
