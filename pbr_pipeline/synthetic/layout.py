"""Which files land where, and in which shape: the inbox plan of one data set.

Operators differ in tools: some export UTF-8 CSV, some a Spanish-locale spreadsheet as
Windows-1252 with `;` and DD/MM/YYYY dates, some send the workbook itself, with a title row.
Shapes rotate by operator and month so that a few operators over a few months show them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .timeline import Timeline, index_month

ROSTERS, CLAIMS, PILA, EXAMS, INCOMES = "inscripciones", "reportes", "pila", "examenes_ingles", "mediciones_ingreso"
BUSINESSES, CREDITS, PRODUCTIVITY = "registro_mercantil", "desembolsos_credito", "mediciones_productividad"
REGISTRIES = (PILA, EXAMS, INCOMES, BUSINESSES, CREDITS, PRODUCTIVITY)
"""Registry folders under `registros/`."""


@dataclass(frozen=True)
class Shape:
    name: str
    fmt: str
    """csv or xlsx."""
    encoding: str | None
    delimiter: str | None
    dates: str
    """iso (2025-03-14), dmy (14/03/2025), excel (real Excel dates) or text (DD/MM/YYYY text cells)."""


SHAPES: tuple[Shape, ...] = (
    Shape("csv-utf8", "csv", "utf-8", ",", "iso"),
    Shape("csv-utf8-bom", "csv", "utf-8-sig", ",", "iso"),
    Shape("csv-cp1252", "csv", "cp1252", ";", "dmy"),
    Shape("xlsx", "xlsx", None, None, "excel"),
    Shape("xlsx-title", "xlsx", None, None, "text"),
)

CSV_SHAPES: tuple[Shape, ...] = tuple(shape for shape in SHAPES if shape.fmt == "csv")
"""The shapes of an operator whose tools export CSV only."""

HEADER_STYLES = ("snake", "title", "upper_snake", "padded_title", "upper_spaced")
"""`numero_documento`, `Número Documento`, `NUMERO_DOCUMENTO`, ` Número Documento `,
`NÚMERO DOCUMENTO`: all the same header under the matching rule of docs/formats.md."""


@dataclass(frozen=True)
class OperatorFile:
    kind: str
    op: int
    month: int
    path: str
    """Relative to the output folder, `/` separators."""
    shape: Shape
    header_style: str
    title_rows: int
    """Rows above the header (XLSX title row, sometimes followed by an empty row)."""
    name_case: int
    """Letter case of names in a roster (index into names.CASES)."""
    sex_words: bool
    """`MUJER`/`HOMBRE` instead of `F`/`M`."""

    @property
    def header_row(self) -> int:
        return self.title_rows + 1


@dataclass(frozen=True)
class PilaFile:
    month: int
    path: str
    fmt: str
    """csv or parquet."""
    delimiter: str | None
    dotted: bool
    """Amounts in Spanish locale (`1.300.000`)."""


@dataclass(frozen=True)
class Layout:
    operator_files: dict[tuple[str, int, int], OperatorFile]
    pila_files: dict[int, PilaFile]

    def operator_file(self, kind: str, op: int, month: int) -> OperatorFile:
        return self.operator_files[(kind, op, month)]


def inbox_folder(month: int, kind: str) -> str:
    base = f"inbox/{index_month(month)}"
    return f"{base}/registros/{kind}" if kind in REGISTRIES else f"{base}/{kind}"


def plan_layout(rng: np.random.Generator, codes: tuple[str, ...], timeline: Timeline) -> Layout:
    files = plan_operator_files(rng, codes, timeline, "EMPLEO")
    pila: dict[int, PilaFile] = {}
    csv_count = 0
    for step, month in enumerate(timeline.inbox):
        # The big first extract as Parquet, the second as CSV, the rest either way.
        fmt = "parquet" if step == 0 and len(timeline.months) > 1 else "csv" if step <= 1 else (
            "csv" if rng.random() < 0.5 else "parquet")
        dotted = fmt == "csv" and csv_count % 2 == 0
        csv_count += fmt == "csv"
        pila[month] = PilaFile(month, f"{inbox_folder(month, PILA)}/pila_{index_month(month)}.{fmt}", fmt,
                               (";" if dotted else ",") if fmt == "csv" else None, dotted)
    return Layout(files, pila)


def plan_operator_files(rng: np.random.Generator, codes: tuple[str, ...], timeline: Timeline, programme: str, *,
                        first_op: int = 0,
                        shapes: tuple[Shape, ...] = SHAPES) -> dict[tuple[str, int, int], OperatorFile]:
    """Roster and claims files of one programme's operators, every inbox month, in `shapes`
    (every shape by default). `codes` are the programme's operators; their indices in the files
    start at `first_op` (operators of all programmes share one numbering)."""
    files: dict[tuple[str, int, int], OperatorFile] = {}
    offsets = rng.integers(0, len(shapes), len(codes))
    style_offsets = rng.integers(0, len(HEADER_STYLES), len(codes))
    for position, code in enumerate(codes):
        op = first_op + position
        for step, month in enumerate(timeline.inbox):
            for turn, kind in enumerate((ROSTERS, CLAIMS)):
                shape = shapes[(int(offsets[position]) + step + 2 * turn) % len(shapes)]
                # Header spellings rotate too; a Spanish spreadsheet export keeps its accents.
                styles = ("title", "upper_spaced") if shape.encoding == "cp1252" else HEADER_STYLES
                extension = "xlsx" if shape.fmt == "xlsx" else "csv"
                name = f"{code.lower()}_{programme.lower()}_{index_month(month)}.{extension}"
                files[(kind, op, month)] = OperatorFile(
                    kind=kind, op=op, month=month, path=f"{inbox_folder(month, kind)}/{name}",
                    shape=shape,
                    header_style=styles[(int(style_offsets[position]) + 2 * step + turn) % len(styles)],
                    title_rows=(1 + int(rng.random() < 0.4)) if shape.name == "xlsx-title" else 0,
                    name_case=int(rng.choice(3, p=[0.55, 0.35, 0.10])),
                    sex_words=bool(rng.random() < 0.15),
                )
    return files
