"""Dated reference tables and the `reference/` files made from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SMMLV: dict[int, int] = {2023: 1_160_000, 2024: 1_300_000, 2025: 1_423_500, 2026: 1_750_905}
"""Minimum monthly wage (COP) by year."""

POVERTY_LINES: tuple[tuple[int, str, int | None, int | None], ...] = (
    (2022, "NACIONAL", 198_698, None),
    (2023, "NACIONAL", 218_846, None),
    (2024, "NACIONAL", 227_220, None),
    (2024, "BUCARAMANGA_AM", None, 638_918),
)
"""(anio, dominio, pobreza_extrema, pobreza) monthly per-capita lines; empty where DANE gives
no figure rather than an invented one."""


PLAN_TARGETS: tuple[tuple[str, str, str, int], ...] = (
    ("EMPLEO", "COLOCACION", "", 18_680),
    ("BILINGUISMO", "CERTIFICACION_B1", "DOCENTE", 1_280),
    ("BILINGUISMO", "CERTIFICACION_B1", "ESTUDIANTE", 12_800),
    ("HABITANZA_CALLE", "SUPERA_POBREZA_EXTREMA", "", 600),
    ("EMPRENDIMIENTO", "EMPRENDIMIENTO_CREADO", "", 400),
    ("EMPRENDIMIENTO", "AUMENTO_INGRESOS", "", 320),
    ("CREDITO_MIPYME", "CREDITO_DESEMBOLSADO", "", 12_000),
    ("AGRO", "AUMENTO_PRODUCTIVIDAD", "", 30),
)
"""(programa, resultado, grupo, meta): the Development Plan 2024-2027's targets for the outcomes
the city pays for. The health programmes' targets are mortality ratios, not counts of
subjects: they have no row."""
PLAN_PERIOD = ("2024-01", "2027-12")
"""The Plan's four years."""


def smmlv_by_year(years: np.ndarray) -> np.ndarray:
    """SMMLV of each year. Years after the table carry its last value forward: they only occur
    in the simulated future that is never written."""
    known = np.array(sorted(SMMLV), dtype=np.int64)
    values = np.array([SMMLV[int(year)] for year in known], dtype=np.int64)
    years = np.asarray(years, dtype=np.int64)
    if (years < known[0]).any():
        raise ValueError(f"no minimum wage before {known[0]}")
    position = np.clip(np.searchsorted(known, years, side="right") - 1, 0, len(known) - 1)
    return values[position]


def write_reference(out_dir: Path) -> list[Path]:
    """Write `reference/smmlv.csv`, `reference/lineas_pobreza.csv` and `reference/metas_plan.csv`."""
    folder = out_dir / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    smmlv = folder / "smmlv.csv"
    rows = "".join(f"{year},{value}\n" for year, value in sorted(SMMLV.items()))
    smmlv.write_text("anio,valor\n" + rows, encoding="utf-8")
    lines = folder / "lineas_pobreza.csv"
    body = "".join(
        f"{year},{domain},{'' if extreme is None else extreme},{'' if poverty is None else poverty}\n"
        for year, domain, extreme, poverty in POVERTY_LINES
    )
    lines.write_text("anio,dominio,pobreza_extrema,pobreza\n" + body, encoding="utf-8")
    targets = folder / "metas_plan.csv"
    body = "".join(f"{programme},{outcome},{group},{target},{PLAN_PERIOD[0]},{PLAN_PERIOD[1]}\n"
                   for programme, outcome, group, target in PLAN_TARGETS)
    targets.write_text("programa,resultado,grupo,meta,desde,hasta\n" + body, encoding="utf-8")
    return [smmlv, lines, targets]
