"""How much the records of one person disagree with each other: the noise levels of a data set.

Deterministic matching reads identity from the document as written; record linkage has to
find the same person behind records that disagree. `Noise` sets how often each kind of
disagreement happens. Every rate is a share (0 to 1):

- document defects: a mistyped number (one digit changed, or two neighbours transposed) in
  claims and in rosters; another document type written for the one held (CE for a CC);
  a migrant's PEP replaced by a PT with a new number (the roster keeps the PEP, the registry
  and later claims show the PT);
- name defects, in rosters (per row) and in the registry (per person, as the contribution
  system holds the name): surnames swapped, the second given name or the second surname
  missing, accents dropped, and in rosters a letter case other than the file's habit;
- birth dates in rosters: day and month transposed, one day off, or the year off by one.

Writing conventions that validation normalises (`PPT` for PT, `C.C.`, dots in numbers, a
file's letter case, header spellings, encodings) are not noise: every level keeps them.

A kind with a positive rate and anyone to apply it to happens at least once (the birth-date
shifts take turns once three dates are shifted, a transposition needing a day of 12 or less),
so a small data set shows nearly every kind its level asks for; a renewed PEP shows only if
the person has a registry row or a claim after the renewal. `NONE` writes every record as the
person holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

TYPO, WRONG_TYPE, PEP_TO_PT = "typo", "wrong_type", "pep_to_pt"
SWAPPED_SURNAMES, MISSING_SECOND_GIVEN, MISSING_SECOND_SURNAME = (
    "swapped_surnames", "missing_second_given", "missing_second_surname")
ACCENTS_DROPPED, CASE_CHANGED = "accents_dropped", "case_changed"
BIRTH_DAY_MONTH_SWAPPED, BIRTH_DAY_OFF, BIRTH_YEAR_OFF = "birth_day_month_swapped", "birth_day_off", "birth_year_off"

KINDS: tuple[str, ...] = (
    TYPO, WRONG_TYPE, PEP_TO_PT, SWAPPED_SURNAMES, MISSING_SECOND_GIVEN, MISSING_SECOND_SURNAME, ACCENTS_DROPPED,
    CASE_CHANGED, BIRTH_DAY_MONTH_SWAPPED, BIRTH_DAY_OFF, BIRTH_YEAR_OFF,
)
"""Every noise label `ground_truth/records.parquet` uses, in the order a label lists them."""


@dataclass(frozen=True)
class Noise:
    """Rates of every kind of noise; `Noise()` is no noise at all."""

    claim_typo: float = 0.0
    """Ordinary claims whose document number is mistyped."""
    roster_typo: float = 0.0
    """Roster rows whose document number is mistyped."""
    claim_wrong_type: float = 0.0
    """Ordinary claims written with another document type than the one held (CE for a CC)."""
    roster_wrong_type: float = 0.0
    """Roster rows written with another document type than the one held."""
    pep_to_pt: float = 0.0
    """PEP holders whose PEP is replaced by a PT with a new number during the data set (for an
    enrolled person after the roster listed the PEP)."""
    roster_swapped_surnames: float = 0.0
    registry_swapped_surnames: float = 0.0
    roster_missing_second_given: float = 0.0
    registry_missing_second_given: float = 0.0
    roster_missing_second_surname: float = 0.0
    registry_missing_second_surname: float = 0.0
    roster_accents_dropped: float = 0.0
    registry_accents_dropped: float = 0.0
    roster_case_changed: float = 0.0
    """Roster rows whose names are written in a letter case drawn at random instead of the
    file's habit (two times in three the drawn case differs)."""
    roster_birth_date_shifted: float = 0.0
    """Roster rows whose birth date is off: day and month transposed (when both are 12 or
    less), one day off, or the year off by one."""

    def __post_init__(self) -> None:
        for field in fields(self):
            rate = getattr(self, field.name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"noise rate {field.name} is {rate}; a rate runs from 0 to 1")


NONE = Noise()
REALISTIC = Noise(
    # The rates the generator has always used for the defects it made ...
    claim_typo=0.02, roster_swapped_surnames=0.05, registry_swapped_surnames=0.03, roster_missing_second_given=0.08,
    registry_missing_second_given=0.08, roster_accents_dropped=0.15, registry_accents_dropped=0.35,
    roster_case_changed=0.05,
    # ... and modest rates for the kinds added with linkage.
    roster_typo=0.01, claim_wrong_type=0.005, roster_wrong_type=0.005, pep_to_pt=0.3,
    roster_missing_second_surname=0.02, registry_missing_second_surname=0.02, roster_birth_date_shifted=0.02,
)
LOW = Noise(
    claim_typo=0.01, roster_typo=0.005, claim_wrong_type=0.002, roster_wrong_type=0.002, pep_to_pt=0.15,
    roster_swapped_surnames=0.02, registry_swapped_surnames=0.01, roster_missing_second_given=0.04,
    registry_missing_second_given=0.04, roster_missing_second_surname=0.01, registry_missing_second_surname=0.01,
    roster_accents_dropped=0.08, registry_accents_dropped=0.2, roster_case_changed=0.02,
    roster_birth_date_shifted=0.01,
)
HIGH = Noise(
    claim_typo=0.06, roster_typo=0.04, claim_wrong_type=0.02, roster_wrong_type=0.02, pep_to_pt=0.8,
    roster_swapped_surnames=0.12, registry_swapped_surnames=0.08, roster_missing_second_given=0.2,
    registry_missing_second_given=0.2, roster_missing_second_surname=0.08, registry_missing_second_surname=0.08,
    roster_accents_dropped=0.4, registry_accents_dropped=0.6, roster_case_changed=0.15,
    roster_birth_date_shifted=0.08,
)
LEVELS: dict[str, Noise] = {"none": NONE, "low": LOW, "realistic": REALISTIC, "high": HIGH}
"""The presets by the name `pbr generate --noise` takes."""


def how_many(rate: float, candidates: int) -> int:
    """Records a rate picks among `candidates`: none at rate 0, else at least one."""
    if rate <= 0 or candidates == 0:
        return 0
    return min(candidates, max(1, round(rate * candidates)))


def pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """A mask choosing `how_many(rate, eligible.sum())` of the eligible records at random."""
    chosen = np.zeros(len(eligible), dtype=bool)
    candidates = np.flatnonzero(eligible)
    chosen[rng.permutation(candidates)[: how_many(rate, len(candidates))]] = True
    return chosen


def at_least_one(rng: np.random.Generator, chosen: np.ndarray, eligible: np.ndarray, rate: float) -> np.ndarray:
    """`chosen` (drawn record by record) with one eligible record added when a positive rate
    happened to choose none of them."""
    if rate <= 0 or (chosen & eligible).any() or not eligible.any():
        return chosen
    chosen = chosen.copy()
    chosen[rng.choice(np.flatnonzero(eligible))] = True
    return chosen


WRONG_TYPES: dict[str, tuple[str, ...]] = {
    "CC": ("CE", "PA"), "TI": ("CE",), "CE": ("CC", "PA"), "PT": ("PE", "CE"), "PE": ("PT", "CE"),
}
"""Types written by mistake for a held type: never one matching folds into it (TI for CC)."""


def wrong_type(rng: np.random.Generator, held: str) -> str:
    choices = WRONG_TYPES[held]
    return choices[int(rng.integers(0, len(choices)))]


def mistype(rng: np.random.Generator, number: str, taken: set[str]) -> str:
    """One digit changed or two neighbours transposed (the first digit is never changed on its
    own), giving a number nobody holds."""
    while True:
        digits = list(number)
        position = int(rng.integers(1, len(digits)))
        if rng.random() < 0.5 and digits[position] != digits[position - 1]:
            digits[position], digits[position - 1] = digits[position - 1], digits[position]
        else:
            digits[position] = str((int(digits[position]) + int(rng.integers(1, 10))) % 10)
        typo = "".join(digits)
        if typo not in taken:
            taken.add(typo)
            return typo


def shift_birth_dates(rng: np.random.Generator, birth: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Birth day numbers with the chosen ones shifted, and the label of each shift ("" where
    none). A third of the shifts transpose day and month (where both are 12 or less and
    differ); the others are one day off or the year off by one, half and half."""
    birth = np.asarray(birth, dtype=np.int64).copy()
    labels = [""] * len(birth)
    index = np.flatnonzero(chosen)
    if not len(index):
        return birth, labels
    dates = birth[index].astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    kind = np.zeros(len(index), dtype=np.int64)
    swapped = rng.permutation(np.flatnonzero((day <= 12) & (day != month)))[: max(1, round(len(index) / 3))]
    rest = rng.permutation(np.setdiff1d(np.arange(len(index)), swapped))
    kind[rest] = 1 + np.arange(len(rest)) % 2
    sign = np.where(rng.random(len(index)) < 0.5, -1, 1)

    def day_number(y, m, d):
        first = ((y - 1970) * 12 + m - 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        return first + d - 1

    # Birth days run 1-28, so a year off keeps the day valid.
    shifted = np.select(
        [kind == 0, kind == 1],
        [day_number(year, day, month), birth[index] + sign],
        day_number(year + sign, month, day),
    )
    birth[index] = shifted
    names = (BIRTH_DAY_MONTH_SWAPPED, BIRTH_DAY_OFF, BIRTH_YEAR_OFF)
    for position, value in zip(index.tolist(), kind.tolist()):
        labels[position] = names[value]
    return birth, labels


def labels(flags: dict[str, np.ndarray], size: int, extra: list[str] | None = None) -> pl.Series:
    """`typo|swapped_surnames` per record from boolean masks by kind (KINDS order), plus any
    extra label per record; "" where a record has none."""
    columns = [pl.when(pl.Series(np.asarray(flags[kind], dtype=bool))).then(pl.lit(kind)).otherwise(None)
               for kind in KINDS if kind in flags]
    if extra is not None:
        columns.append(pl.Series(extra, dtype=pl.String).replace("", None))
    if not columns:
        return pl.Series("noise", [""] * size, dtype=pl.String)
    frame = pl.DataFrame({"_": np.zeros(size)})
    joined = pl.concat_str(columns, separator="|", ignore_nulls=True).fill_null("")
    return frame.select(joined.alias("noise")).to_series()
