"""Seeded person files with known truth for the linkage engine: a registry and claimants.

The registry holds `registry_size` people; the claimants are mostly registry people written
with the defects operators make, plus people the registry does not hold (whose
correct answer is "no link"). Everything is numpy over whole columns, so ten million people take
seconds. Given names and surnames are a table of common ones followed by a long tail of made-up but plausible names, Zipf-weighted, so that common
names collide as often as in life and blocking is tested honestly.

Defect rates (each claimant independently):
- TI holders shown as CC (turned 18, same number) 50 %; PE holders shown with a new PT number 40 %;
  another type written 1.5 %; one digit changed 1.5 %; two neighbours transposed 1 %;
  dots or leading zeros 1 %
- accents dropped 50 %; lower/title case 30 %; second given name missing 10 %; surnames
  swapped 2 %; one letter changed in the first surname 1.5 % or first name 1.5 %
- birth day and month transposed 1 %; one digit changed 1 %; missing 3 %; sex missing 2 %
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import polars as pl

COMMON_FEMALE = (
    "MARÍA", "ANA", "LUZ", "SANDRA", "PAOLA", "DIANA", "CLAUDIA", "ANDREA", "CAROLINA", "JULIANA",
    "VALENTINA", "DANIELA", "LAURA", "NATALIA", "ANGÉLICA", "MÓNICA", "YOLANDA", "LEIDY", "YURANI",
    "MARCELA", "ALEJANDRA", "XIMENA", "SOFÍA", "ISABEL", "BEATRIZ", "GLORIA", "ROCÍO", "INÉS",
)
COMMON_MALE = (
    "JOSÉ", "JUAN", "CARLOS", "LUIS", "JORGE", "ANDRÉS", "JULIÁN", "SEBASTIÁN", "DAVID", "MIGUEL",
    "ÁNGEL", "CAMILO", "FELIPE", "ALEJANDRO", "NICOLÁS", "SANTIAGO", "DIEGO", "ÓSCAR", "EDWIN",
    "WILSON", "JHON", "FABIÁN", "IVÁN", "RAMÓN", "HERNÁN", "GERMÁN", "JESÚS", "MARTÍN",
)
COMMON_SURNAMES = (
    "GARCÍA", "RODRÍGUEZ", "MARTÍNEZ", "GÓMEZ", "LÓPEZ", "GONZÁLEZ", "HERNÁNDEZ", "SÁNCHEZ",
    "RAMÍREZ", "PÉREZ", "DÍAZ", "MUÑOZ", "ROJAS", "MORENO", "JIMÉNEZ", "VARGAS", "CASTRO", "SUÁREZ",
    "ORTIZ", "RUIZ", "RUEDA", "SERRANO", "PINZÓN", "QUINTERO", "ARDILA", "PRADA", "MANTILLA",
    "CÁCERES", "NÚÑEZ", "PEÑA", "IBÁÑEZ", "ORDÓÑEZ", "BELTRÁN", "DUARTE", "GALVIS", "URIBE",
    "DE LA HOZ", "DEL CASTILLO", "DE LOS RÍOS", "CASTAÑEDA", "ZÚÑIGA", "AVENDAÑO", "BRICEÑO",
)
"""The common head of each table (accents and ñ as registries write them); a made-up tail follows."""


def fold_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))

DOC_TYPES = np.array(["CC", "TI", "CE", "PT", "PE"])
CC, TI, CE, PT, PE = range(5)
_EPOCH = np.datetime64("1970-01-01")


@dataclass(frozen=True)
class PeopleFiles:
    registry: pl.DataFrame
    """id, document_type, document_number, names, birth_date (unless dropped), sex."""
    claimants: pl.DataFrame
    """The same columns, written with defects."""
    truth: pl.DataFrame
    """left_id, right_id (null when the claimant is not in the registry), defect (text)."""


def _made_up(rng: np.random.Generator, count: int, endings: tuple[str, ...], taken: set[str]) -> list[str]:
    onsets = ["B", "C", "D", "F", "G", "L", "M", "N", "P", "R", "S", "T", "V", "Z", "CH", "BR", "TR", "GR", "QU", "LL"]
    vowels = ["A", "E", "I", "O", "U"] * 4 + ["Á", "É", "Í", "Ó", "Ú"]
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        syllables = rng.integers(1, 3)
        word = "".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))] for _ in range(syllables))
        word += endings[rng.integers(len(endings))]
        if word not in seen and len(word) >= 4:
            seen.add(word)
            out.append(word)
    return out


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def name_tables(seed: int = 7) -> tuple[list[str], list[str], list[str]]:
    """Female given names, male given names, surnames: the project's common ones, then a tail."""
    rng = np.random.default_rng(seed)
    common_given = set(COMMON_FEMALE) | set(COMMON_MALE)
    female = list(COMMON_FEMALE) + _made_up(rng, 600, ("A", "IA", "INA", "ELA", "ANA", "ITH"), common_given)
    male = list(COMMON_MALE) + _made_up(rng, 600, ("O", "IO", "AN", "EL", "ER", "SON"), common_given | set(female))
    surnames = list(COMMON_SURNAMES) + _made_up(
        rng, 6000, ("EZ", "AZ", "ERA", "ANO", "EDO", "ILLA", "ÓN", "ES", "ADA", "ÚN"), set(COMMON_SURNAMES))
    return female, male, surnames


def _unique_numbers(rng: np.random.Generator, doc_type: np.ndarray, birth_year: np.ndarray,
                    avoid: np.ndarray | None = None) -> np.ndarray:
    def draw(kind: np.ndarray, year: np.ndarray) -> np.ndarray:
        size = len(kind)
        return np.select(
            [(kind == CC) & (year <= 1987), (kind == CC) | (kind == TI), kind == CE, kind == PT],
            [rng.integers(10_000_000, 99_000_000, size), rng.integers(1_000_000_000, 1_130_000_000, size),
             rng.integers(100_000, 9_999_999, size), rng.integers(1_000_000, 9_999_999, size)],
            rng.integers(100_000_000_000_000, 999_999_999_999_999, size),
        )
    numbers = draw(doc_type, birth_year)
    avoid = np.zeros(0, dtype=np.int64) if avoid is None else avoid
    avoid_sorted = np.sort(avoid)
    while True:
        order = np.argsort(numbers, kind="stable")
        ordered = numbers[order]
        repeated = np.zeros(len(numbers), dtype=bool)
        repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
        if len(avoid_sorted):
            at = np.minimum(np.searchsorted(avoid_sorted, numbers), len(avoid_sorted) - 1)
            repeated |= avoid_sorted[at] == numbers
        if not repeated.any():
            return numbers
        numbers[repeated] = draw(doc_type[repeated], birth_year[repeated])


def _people(rng: np.random.Generator, size: int, tables, avoid: np.ndarray | None = None) -> dict[str, np.ndarray]:
    female, male, surnames = tables
    sex = (rng.random(size) < 0.5).astype(np.int8)  # 1 = M
    birth = rng.integers((np.datetime64("1960-01-01") - _EPOCH).astype(int), (np.datetime64("2008-06-30") - _EPOCH).astype(int), size)
    year = (_EPOCH + birth.astype("timedelta64[D]")).astype("datetime64[Y]").astype(int) + 1970
    draw = rng.random(size)
    doc_type = np.select([year >= 2007, draw < 0.06, draw < 0.09, draw < 0.12], [TI, PT, PE, CE], CC).astype(np.int8)
    number = _unique_numbers(rng, doc_type, year, avoid)
    n_f, n_m = len(female), len(male)
    given_f = rng.choice(n_f, size=(size, 2), p=_zipf(n_f, 1.0))
    given_m = rng.choice(n_m, size=(size, 2), p=_zipf(n_m, 1.0)) + n_f
    given = np.where(sex[:, None] == 1, given_m, given_f)
    given[:, 1] = np.where((given[:, 1] == given[:, 0]) | (rng.random(size) < 0.3), -1, given[:, 1])
    sur = rng.choice(len(surnames), size=(size, 2), p=_zipf(len(surnames), 0.9))
    sur[:, 1] = np.where(rng.random(size) < 0.97, sur[:, 1], -1)
    return {"sex": sex, "birth": birth, "doc_type": doc_type, "number": number,
            "given1": given[:, 0], "given2": given[:, 1], "sur1": sur[:, 0], "sur2": sur[:, 1]}


def _spell(table: pl.Series, index: np.ndarray) -> pl.Series:
    values = table.gather(np.where(index >= 0, index, 0))
    return pl.select(pl.when(pl.Series(index >= 0)).then(values).otherwise(None)).to_series()


def _frame(ids: pl.Series, people: dict[str, np.ndarray], tables, *, birth_dates: bool) -> pl.DataFrame:
    female, male, surnames = tables
    given = pl.Series(female + male)
    sur = pl.Series(surnames)
    columns = {
        "id": ids,
        "document_type": pl.Series(DOC_TYPES[people["doc_type"]]),
        "document_number": pl.Series(people["number"]).cast(pl.String),
        "first_name": _spell(given, people["given1"]),
        "second_name": _spell(given, people["given2"]),
        "first_surname": _spell(sur, people["sur1"]),
        "second_surname": _spell(sur, people["sur2"]),
    }
    if birth_dates:
        columns["birth_date"] = pl.Series(people["birth"].astype(np.int32)).cast(pl.Date)
    columns["sex"] = pl.Series(np.array(["F", "M"])[people["sex"]])
    return pl.DataFrame(columns)


def _ids(prefix: str, size: int) -> pl.Series:
    return pl.select(pl.lit(prefix) + pl.int_range(1, size + 1, dtype=pl.Int64).cast(pl.String).str.zfill(8)).to_series()


def _typo(rng: np.random.Generator, numbers: pl.Series, transpose: np.ndarray) -> pl.Series:
    """One digit changed (or, where `transpose`, two different neighbours swapped)."""
    text = numbers.to_numpy().astype(str)
    out = text.copy()
    for i, value in enumerate(text):
        digits = list(value)
        if transpose[i]:
            spots = [p for p in range(len(digits) - 1) if digits[p] != digits[p + 1]]
            if spots:
                p = spots[rng.integers(len(spots))]
                digits[p], digits[p + 1] = digits[p + 1], digits[p]
        else:
            p = rng.integers(1, len(digits)) if len(digits) > 1 else 0
            digits[p] = str((int(digits[p]) + rng.integers(1, 10)) % 10)
        out[i] = "".join(digits)
    return pl.Series(out)


def make_people(*, registry_size: int, claimants: int, seed: int = 1, in_registry: float = 0.9,
                registry_birth_dates: bool = True) -> PeopleFiles:
    rng = np.random.default_rng(seed)
    tables = name_tables()
    registry_people = _people(rng, registry_size, tables)
    registry = _frame(_ids("R", registry_size), registry_people, tables, birth_dates=registry_birth_dates)

    known = min(int(round(claimants * in_registry)), registry_size)
    chosen = np.sort(rng.choice(registry_size, size=known, replace=False))
    strangers = _people(rng, claimants - known, tables, avoid=registry_people["number"])
    picked = {key: np.concatenate([value[chosen], strangers[key]]) for key, value in registry_people.items()}
    order = rng.permutation(claimants)
    picked = {key: value[order] for key, value in picked.items()}
    right_index = np.concatenate([chosen, np.full(claimants - known, -1)])[order]
    left = _frame(_ids("L", claimants), picked, tables, birth_dates=True)
    defects = np.full(claimants, "", dtype=object)

    def mark(mask: np.ndarray, label: str) -> None:
        defects[mask] = np.where(defects[mask] == "", label, defects[mask] + "+" + label)

    u = lambda: rng.random(claimants)  # noqa: E731
    kind = picked["doc_type"].copy()
    number = left["document_number"]
    # Documents.
    ti_cc = (kind == TI) & (u() < 0.5)
    pe_pt = (kind == PE) & (u() < 0.4)
    kind[ti_cc], kind[pe_pt] = CC, PT
    mark(ti_cc, "ti_cc")
    mark(pe_pt, "pep_pt")
    new_pt = _unique_numbers(rng, np.full(int(pe_pt.sum()), PT, dtype=np.int8), np.full(int(pe_pt.sum()), 1990),
                             avoid=registry_people["number"]).astype(str)
    number = number.scatter(np.flatnonzero(pe_pt), new_pt)
    wrong_type = ~pe_pt & (u() < 0.015)
    kind[wrong_type] = (kind[wrong_type] + rng.integers(1, 5, int(wrong_type.sum()))) % 5
    mark(wrong_type, "wrong_type")
    typo = ~pe_pt & (u() < 0.025)
    transpose = rng.random(int(typo.sum())) < 0.4
    number = number.scatter(np.flatnonzero(typo), _typo(rng, number.gather(np.flatnonzero(typo)), transpose))
    mark(typo, "number_typo")
    dots = u() < 0.01
    number = pl.select(pl.when(pl.Series(dots)).then(pl.lit("00") + number).otherwise(number)).to_series()
    # Names.
    folded = {c: left[c] for c in ("first_name", "second_name", "first_surname", "second_surname")}
    strip = u() < 0.5
    case = rng.integers(0, 3, claimants) * (u() < 0.3)
    for column, values in folded.items():
        plain = values.map_elements(fold_accents, return_dtype=pl.String) if values.n_unique() > 50_000 else \
            values.replace_strict(*_fold_map(values), return_dtype=pl.String)
        values = pl.select(pl.when(pl.Series(strip)).then(plain).otherwise(values)).to_series()
        values = pl.select(pl.when(pl.Series(case == 1)).then(values.str.to_lowercase())
                           .when(pl.Series(case == 2)).then(values.str.to_titlecase()).otherwise(values)).to_series()
        folded[column] = values
    no_second = u() < 0.10
    folded["second_name"] = pl.select(pl.when(pl.Series(no_second)).then(None).otherwise(folded["second_name"])).to_series()
    swap = (u() < 0.02) & folded["second_surname"].is_not_null().to_numpy()
    first, second = folded["first_surname"], folded["second_surname"]
    folded["first_surname"] = pl.select(pl.when(pl.Series(swap)).then(second).otherwise(first)).to_series()
    folded["second_surname"] = pl.select(pl.when(pl.Series(swap)).then(first).otherwise(second)).to_series()
    mark(swap, "surnames_swapped")
    for column, rate in (("first_surname", 0.015), ("first_name", 0.015)):
        hit = u() < rate
        values = folded[column]
        position = pl.Series(rng.integers(1, 4, claimants))
        letter = pl.Series(rng.choice(list("AEIOURSLNT"), claimants))
        changed = values.str.slice(0, position) + letter + values.str.slice(position + 1)
        folded[column] = pl.select(pl.when(pl.Series(hit)).then(changed).otherwise(values)).to_series()
        mark(hit, f"{column}_typo")
    # Birth date and sex.
    birth = left["birth_date"]
    day, month, year = birth.dt.day(), birth.dt.month(), birth.dt.year()
    swap_dm = (u() < 0.01) & (day <= 12).to_numpy() & (day != month).to_numpy()
    swapped = pl.select(pl.date(year, pl.min_horizontal(day, 12), month)).to_series()
    date_typo = u() < 0.01
    shifted = pl.select(pl.date(year + pl.Series(rng.choice([-10, -1, 1, 10], claimants)), month, pl.min_horizontal(day, 28))).to_series()
    missing = u() < 0.03
    birth = pl.select(pl.when(pl.Series(missing)).then(None).when(pl.Series(swap_dm)).then(swapped)
                      .when(pl.Series(date_typo)).then(shifted).otherwise(birth)).to_series()
    sex = pl.select(pl.when(pl.Series(u() < 0.02)).then(None).otherwise(left["sex"])).to_series()
    left = left.with_columns(
        pl.Series("document_type", DOC_TYPES[kind]), number.alias("document_number"),
        *[values.alias(column) for column, values in folded.items()],
        birth.alias("birth_date"), sex.alias("sex"),
    )
    truth = pl.DataFrame({
        "left_id": left["id"],
        "right_id": registry["id"].gather(np.where(right_index >= 0, right_index, 0)),
        "defect": pl.Series(defects.astype(str)),
    }).with_columns(pl.when(pl.Series(right_index >= 0)).then(pl.col("right_id")).otherwise(None).alias("right_id"))
    return PeopleFiles(registry=registry, claimants=left, truth=truth)


def _fold_map(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    distinct = values.unique().drop_nulls()
    return distinct, distinct.map_elements(fold_accents, return_dtype=pl.String)
