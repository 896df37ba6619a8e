"""Colombian given names and surnames, and the spellings registries and operators give them.

Names are kept as indices into the tables below; every spelling a file needs (upper case,
title case, lower case, with or without accents) is a precomputed variant of the table, so a
column of a million names is one gather, not a million string operations.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pbr_pipeline.intake.headers import fold_accents

FEMALE_GIVEN: tuple[str, ...] = (
    "MARÍA", "ANA", "LUZ", "SANDRA", "PAOLA", "DIANA", "CLAUDIA", "ANDREA", "CAROLINA", "JULIANA",
    "VALENTINA", "DANIELA", "LAURA", "NATALIA", "ANGÉLICA", "MÓNICA", "YOLANDA", "LEIDY", "YURANI",
    "MARCELA", "ALEJANDRA", "XIMENA", "SOFÍA", "ISABEL", "BEATRIZ", "GLORIA", "ROCÍO", "INÉS",
    "MILENA", "JOHANA", "KAREN", "TATIANA", "LORENA", "PATRICIA", "FERNANDA", "CAMILA", "GABRIELA",
    "VERÓNICA", "NELLY", "MARLENY", "ESPERANZA", "CONSUELO", "ASTRID", "YESENIA", "DAYANA", "LUISA",
    "ELENA", "CECILIA", "MARTHA", "ADRIANA", "JIMENA", "SARA", "LINA", "ZULMA",
    "NUBIA", "ÁNGELA", "YARITZA", "ROSALBA", "EDILMA",
)

MALE_GIVEN: tuple[str, ...] = (
    "JOSÉ", "JUAN", "CARLOS", "LUIS", "JORGE", "ANDRÉS", "JULIÁN", "SEBASTIÁN", "DAVID", "MIGUEL",
    "ÁNGEL", "CAMILO", "FELIPE", "ALEJANDRO", "NICOLÁS", "SANTIAGO", "DIEGO", "ÓSCAR", "EDWIN",
    "WILSON", "JHON", "FABIÁN", "IVÁN", "RAMÓN", "HERNÁN", "GERMÁN", "JESÚS", "MARTÍN", "ESTEBAN",
    "MAURICIO", "RICARDO", "FERNANDO", "HÉCTOR", "RAÚL", "EDGAR", "ALBERTO", "ANTONIO", "MANUEL",
    "DANIEL", "CRISTIAN", "BRAYAN", "YEISON", "DUVÁN", "ELKIN", "NÉSTOR", "JAIME", "ÁLVARO",
    "GUSTAVO", "RODRIGO", "FRANCISCO", "SERGIO", "MATEO", "SAMUEL", "EMMANUEL", "JOHAN", "ARLEY",
    "WILMER", "JAVIER", "EFRAÍN", "ÉDINSON",
)

SURNAMES: tuple[str, ...] = (
    "GARCÍA", "RODRÍGUEZ", "MARTÍNEZ", "GÓMEZ", "LÓPEZ", "GONZÁLEZ", "HERNÁNDEZ", "SÁNCHEZ",
    "RAMÍREZ", "PÉREZ", "DÍAZ", "MUÑOZ", "ROJAS", "MORENO", "JIMÉNEZ", "VARGAS", "CASTRO", "SUÁREZ",
    "ORTIZ", "RUIZ", "RUEDA", "SERRANO", "PINZÓN", "QUINTERO", "ARDILA", "PRADA", "MANTILLA",
    "CÁCERES", "NUÑEZ", "NÚÑEZ", "PEÑA", "IBÁÑEZ", "ORDÓÑEZ", "BELTRÁN", "DUARTE", "GALVIS", "URIBE",
    "SARMIENTO", "VILLAMIZAR", "CÁRDENAS", "MEJÍA", "RÍOS", "OSORIO", "FLÓREZ", "BAUTISTA",
    "CALDERÓN", "CARREÑO", "DELGADO", "ESTUPIÑÁN", "FUENTES", "GUTIÉRREZ", "HIGUERA", "JAIMES",
    "LEAL", "MENDOZA", "NAVARRO", "OCHOA", "PARRA", "QUIROGA", "REYES", "SALAZAR", "TORRES",
    "VELANDIA", "VERA", "ZAPATA", "ACEVEDO", "BARRERA", "CHACÓN", "DUEÑAS", "ESPINOSA", "FORERO",
    "LIZARAZO", "MONTAÑEZ", "NIÑO", "PATIÑO", "RINCÓN", "SUAREZ", "TARAZONA", "VALENCIA",
    "DE LA HOZ", "DEL CASTILLO", "DE LOS RÍOS", "DE LA CRUZ", "DEL VALLE", "DE ÁVILA", "BOHÓRQUEZ",
    "CASTAÑEDA", "ZÚÑIGA", "AVENDAÑO", "BRICEÑO", "ARÉVALO", "GUERRERO", "HERRERA", "MARÍN", "ROMERO",
    "SILVA", "VÁSQUEZ", "CONTRERAS", "CARVAJAL",
)
"""A few surnames appear in two spellings (NUÑEZ / NÚÑEZ, SUAREZ / SUÁREZ) as they do in life."""

CASES = ("upper", "title", "lower")
"""Letter cases files use; `variant(case, strip)` indexes the precomputed spellings."""


def _zipf_weights(count: int, exponent: float = 0.9) -> np.ndarray:
    """Common names are much more common than rare ones; the order of the table sets the rank."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


GIVEN: tuple[str, ...] = FEMALE_GIVEN + MALE_GIVEN
"""One table for both sexes, so a person's given names are indices into one column."""

FEMALE_RANGE = (0, len(FEMALE_GIVEN))
MALE_RANGE = (len(FEMALE_GIVEN), len(GIVEN))
FEMALE_WEIGHTS = _zipf_weights(len(FEMALE_GIVEN))
MALE_WEIGHTS = _zipf_weights(len(MALE_GIVEN))
SURNAME_WEIGHTS = _zipf_weights(len(SURNAMES), 0.7)


def variant(case: np.ndarray | int, strip: np.ndarray | bool) -> np.ndarray:
    """Index of the spelling for a letter case (index into CASES) with or without accents."""
    return np.asarray(case, dtype=np.int64) * 2 + np.asarray(strip, dtype=np.int64)


def spellings(table: tuple[str, ...]) -> pl.Series:
    """Every spelling of every name: entry `variant * len(table) + name` of the series."""
    forms = []
    for case in CASES:
        for strip in (False, True):
            for name in table:
                text = fold_accents(name) if strip else name
                forms.append(text if case == "upper" else text.title() if case == "title" else text.lower())
    return pl.Series(forms, dtype=pl.String)


def spell(series: pl.Series, table_size: int, names: np.ndarray, variants: np.ndarray) -> pl.Series:
    """Names (index, -1 for none) in the given variants; missing names come out null."""
    names = np.asarray(names, dtype=np.int64)
    index = np.where(names >= 0, np.asarray(variants, dtype=np.int64) * table_size + names, 0)
    values = series.gather(index)
    return pl.select(pl.when(pl.Series(names >= 0)).then(values).otherwise(None)).to_series()


ACCENTED_GIVEN = np.array([fold_accents(name) != name for name in GIVEN])
ACCENTED_SURNAMES = np.array([fold_accents(name) != name for name in SURNAMES])
"""Which names lose something when their accents are dropped (`Ñ` counts)."""


def any_accented(given1: np.ndarray, given2: np.ndarray, surname1: np.ndarray, surname2: np.ndarray) -> np.ndarray:
    """Per record, whether any of the names written (index, -1 for none) carries an accent."""
    def accented(table: np.ndarray, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index, dtype=np.int64)
        return (index >= 0) & table[np.maximum(index, 0)]

    return (accented(ACCENTED_GIVEN, given1) | accented(ACCENTED_GIVEN, given2)
            | accented(ACCENTED_SURNAMES, surname1) | accented(ACCENTED_SURNAMES, surname2))


_FOLDED = [fold_accents(name) for name in SURNAMES]
FOLDED_SURNAMES = np.array([_FOLDED.index(name) for name in _FOLDED])
"""Per surname, the first surname with the same spelling once accents are dropped (NUÑEZ for NÚÑEZ)."""


def visibly_swapped(swap: np.ndarray, surname1: np.ndarray, surname2: np.ndarray, strip: np.ndarray) -> np.ndarray:
    """Swapped surnames that read differently once written (GARCÍA GARCÍA swapped does not;
    NÚÑEZ NUÑEZ swapped does not once its accents are dropped)."""
    surname1, surname2 = np.asarray(surname1, dtype=np.int64), np.asarray(surname2, dtype=np.int64)
    same = np.where(strip, FOLDED_SURNAMES[np.maximum(surname1, 0)] == FOLDED_SURNAMES[np.maximum(surname2, 0)],
                    surname1 == surname2)
    return swap & (surname2 >= 0) & ~same
