"""RIPS as the city receives it: invoices in RIPS JSON (Resolución 2275 de 2023) and flat CSV.

Providers bill each month's services in invoices (FEV) of up to a few dozen patients (a few
thousand at scale); an invoice reaches the city one month after the month of its services,
a quarter of them two months after (the registry's lag is two months). Every invoice is one
JSON file

    inbox/<M>/registros/rips/rips_<NIT>_<numFactura>.json

except those of the dispensing pharmacy, which sends one flat CSV a month with the columns of
docs/formats.md (`rips_<NIT>_<M>.csv`), and everything billed before the data set, which
arrives in the first inbox month as one historical flat extract
(`rips_historico_hasta_<YYYY-MM>.csv`, dates without a time).

The document is the one the person shows on the service date (a TI holder shows the CC from
the 18th birthday, a renewed PEP holder the PT); a clerk now and then mistypes a patient's
number on an invoice (every service of that patient on that invoice carries it). Users carry
no names. `codSexo` follows the provider's habit (H/M or F/M; newborns too). A correction is
a RIPS adjustment note (`tipoNota` NA) a later month, repeating the invoice number, the
service's consecutivo and kind with the corrected values. A few files show what the reader
must tolerate: the validator's wrapper (`{"rips": …, "xmlFevFile": null}`), keys copied from
the resolution's PDF with a lower-case l for I (`numDocumentoldObligado`), a UTF-8 BOM, a RIPS
without an invoice (`tipoNota` RS, `numFactura` null).

Everything is built as polars columns and the JSON text is assembled with string
expressions, a batch of files at a time: two million rows take seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ..inbox import FileRecord
from ..invalid import InvalidRow
from ..noise import mistype, pick
from ..population import DOC_TYPES, PE, PT, Population
from ..timeline import Timeline, index_month, month_of_day
from . import catalogue as c
from .services import Services

RIPS = "rips"
FOLDER = "registros/rips"
CSV_COLUMNS: tuple[str, ...] = (
    "num_factura", "consecutivo", "tipo_documento", "numero_documento", "fecha_nacimiento", "sexo", "tipo_servicio",
    "cod_prestador", "fecha_atencion", "cod_tecnologia", "finalidad", "dx_principal", "dx_relacionado",
    "dias_tratamiento", "num_consultas_prenatales",
)
"""The flat RIPS CSV of docs/formats.md, exactly."""

JSON, CSV_MONTHLY, CSV_HISTORY, NOTE = range(4)
"""File kinds: an invoice's JSON, the pharmacy's monthly CSV, the historical extract, a note."""

_BATCH_ROWS = 100_000
"""Services of the JSON files assembled at a time (bounds the memory of the text)."""


@dataclass(frozen=True)
class Delivery:
    """How the rows are billed and delivered (all computed before anything is written)."""

    rows: pl.DataFrame
    """One row per service written to a file (corrections and invalid rows included), with
    `file`, `source_row`, `delivered` (YYYY-MM), the written cells and the generator's columns
    (`row`: index into Services, -1 for a correction's or invalid row's own; `corrects`: the
    row it corrects; `invalid`: invalid row id; `person`; `noise`)."""
    files: pl.DataFrame
    """One row per file: `file`, `fmt` (json or csv), `month`, `variant` (plain, wrapped,
    misspelt, bom, rs)."""


def _q(expr: pl.Expr) -> pl.Expr:
    """A JSON string value, or null."""
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(pl.concat_str(pl.lit('"'), expr, pl.lit('"')))


def _n(expr: pl.Expr) -> pl.Expr:
    """A JSON number, or null."""
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(expr.cast(pl.String))


def _object(*pairs: tuple[str, pl.Expr]) -> pl.Expr:
    parts: list[pl.Expr] = [pl.lit("{")]
    for position, (name, value) in enumerate(pairs):
        parts.append(pl.lit(('' if position == 0 else ',') + f'"{name}":'))
        parts.append(value)
    parts.append(pl.lit("}"))
    return pl.concat_str(parts)


_NULL = pl.lit("null")


def _service_objects() -> list[pl.Expr]:
    """The JSON object of a service, one expression per kind (catalogue order)."""
    col = pl.col
    prof = [("tipoDocumentoIdentificacion", pl.lit('"CC"')), ("numDocumentoIdentificacion", _q(col("professional")))]
    money = [("conceptoRecaudo", pl.lit('"05"')), ("valorPagoModerador", pl.lit("0")), ("numFEVPagoModerador", _NULL)]
    consulta = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("fechaInicioAtencion", _q(col("fecha_atencion"))),
        ("numAutorizacion", _NULL), ("codConsulta", _q(col("cod_tecnologia"))),
        ("modalidadGrupoServicioTecSal", pl.lit('"01"')), ("grupoServicios", pl.lit('"01"')),
        ("codServicio", pl.lit("328")), ("finalidadTecnologiaSalud", _q(col("finalidad"))),
        ("causaMotivoAtencion", pl.lit('"38"')), ("codDiagnosticoPrincipal", _q(col("dx_principal"))),
        ("codDiagnosticoRelacionado1", _q(col("dx_relacionado"))), ("codDiagnosticoRelacionado2", _NULL),
        ("codDiagnosticoRelacionado3", _NULL), ("tipoDiagnosticoPrincipal", pl.lit('"02"')), *prof,
        ("vrServicio", _n(col("value"))), *money, ("consecutivo", _n(col("consecutivo"))),
    )
    procedimiento = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("fechaInicioAtencion", _q(col("fecha_atencion"))),
        ("idMIPRES", _NULL), ("numAutorizacion", _NULL), ("codProcedimiento", _q(col("cod_tecnologia"))),
        ("viaIngresoServicioSalud", pl.lit('"02"')), ("modalidadGrupoServicioTecSal", pl.lit('"01"')),
        ("grupoServicios", pl.lit('"02"')), ("codServicio", pl.lit("706")),
        ("finalidadTecnologiaSalud", _q(col("finalidad"))), *prof,
        ("codDiagnosticoPrincipal", _q(col("dx_principal"))), ("codDiagnosticoRelacionado", _q(col("dx_relacionado"))),
        ("codComplicacion", _NULL), ("vrServicio", _n(col("value"))), *money, ("consecutivo", _n(col("consecutivo"))),
    )
    urgencia = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("fechaInicioAtencion", _q(col("fecha_atencion"))),
        ("causaMotivoAtencion", pl.lit('"38"')), ("codDiagnosticoPrincipal", _q(col("dx_principal"))),
        ("codDiagnosticoPrincipalE", _q(col("dx_principal"))), ("codDiagnosticoRelacionadoE1", _NULL),
        ("codDiagnosticoRelacionadoE2", _NULL), ("codDiagnosticoRelacionadoE3", _NULL),
        ("condicionDestinoUsuarioEgreso", pl.lit('"01"')), ("codDiagnosticoCausaMuerte", _NULL),
        ("fechaEgreso", _q(col("fecha_egreso"))), ("consecutivo", _n(col("consecutivo"))),
    )
    hospitalizacion = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("viaIngresoServicioSalud", pl.lit('"01"')),
        ("fechaInicioAtencion", _q(col("fecha_atencion"))), ("numAutorizacion", _NULL),
        ("causaMotivoAtencion", pl.lit('"38"')), ("codDiagnosticoPrincipal", _q(col("dx_principal"))),
        ("codDiagnosticoPrincipalE", _q(col("dx_principal"))), ("codDiagnosticoRelacionadoE1", _NULL),
        ("codDiagnosticoRelacionadoE2", _NULL), ("codDiagnosticoRelacionadoE3", _NULL), ("codComplicacion", _NULL),
        ("condicionDestinoUsuarioEgreso", pl.lit('"01"')), ("codDiagnosticoCausaMuerte", _NULL),
        ("fechaEgreso", _q(col("fecha_egreso"))), ("consecutivo", _n(col("consecutivo"))),
    )
    recien_nacido = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("tipoDocumentoIdentificacion", pl.lit('"CN"')),
        ("numDocumentoIdentificacion", _q(col("newborn_number"))), ("fechaNacimiento", _q(col("fecha_atencion"))),
        ("edadGestacional", _n(col("gestational_weeks"))), ("numConsultasCPrenatal", _n(col("num_consultas_prenatales"))),
        ("codSexoBiologico", _q(col("newborn_sex"))), ("peso", _n(col("weight"))),
        ("codDiagnosticoPrincipal", _q(col("dx_principal"))), ("condicionDestinoUsuarioEgreso", pl.lit('"01"')),
        ("codDiagnosticoCausaMuerte", _NULL), ("fechaEgreso", _q(col("fecha_egreso"))),
        ("consecutivo", _n(col("consecutivo"))),
    )
    medicamento = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("numAutorizacion", _NULL), ("idMIPRES", _NULL),
        ("fechaDispensAdmon", _q(col("fecha_atencion"))), ("codDiagnosticoPrincipal", _q(col("dx_principal"))),
        ("codDiagnosticoRelacionado", _q(col("dx_relacionado"))), ("tipoMedicamento", pl.lit('"01"')),
        ("codTecnologiaSalud", _q(col("cod_tecnologia"))), ("nomTecnologiaSalud", _q(col("tech_name"))),
        ("concentracionMedicamento", pl.lit("0")), ("unidadMedida", pl.lit("0")), ("formaFarmaceutica", _NULL),
        ("unidadMinDispensa", pl.lit("0")), ("cantidadMedicamento", _n(col("quantity"))),
        ("diasTratamiento", _n(col("dias_tratamiento"))), *prof, ("vrUnitMedicamento", _n(col("value"))),
        ("vrServicio", _n(col("value") * col("quantity"))), *money, ("consecutivo", _n(col("consecutivo"))),
    )
    otro = _object(
        ("codPrestador", _q(col("cod_prestador"))), ("numAutorizacion", _NULL), ("idMIPRES", _NULL),
        ("fechaSuministroTecnologia", _q(col("fecha_atencion"))), ("tipoOS", pl.lit('"01"')),
        ("codTecnologiaSalud", _q(col("cod_tecnologia"))), ("nomTecnologiaSalud", _q(col("tech_name"))),
        ("cantidadOS", pl.lit("1")), *prof, ("vrUnitOS", _n(col("value"))), ("vrServicio", _n(col("value"))), *money,
        ("consecutivo", _n(col("consecutivo"))),
    )
    return [consulta, procedimiento, urgencia, hospitalizacion, recien_nacido, medicamento, otro]


def _user_object() -> pl.Expr:
    col = pl.col
    return pl.concat_str(
        pl.lit('{"tipoDocumentoIdentificacion":'), _q(col("tipo_documento")),
        pl.lit(',"numDocumentoIdentificacion":'), _q(col("numero_documento")),
        pl.lit(',"tipoUsuario":'), _q(col("tipo_usuario")),
        pl.lit(',"fechaNacimiento":'), _q(col("fecha_nacimiento")),
        pl.lit(',"codSexo":'), _q(col("cod_sexo")),
        pl.lit(',"codPaisResidencia":"170","codMunicipioResidencia":'), _q(col("municipio")),
        pl.lit(',"codZonaTerritorialResidencia":'), _q(col("zona")),
        pl.lit(',"incapacidad":"NO","consecutivo":'), col("user_number").cast(pl.String),
        pl.lit(',"codPaisOrigen":'), _q(col("pais_origen")),
        pl.lit(',"servicios":{'), col("servicios"), pl.lit("}}"),
    )


def json_files(rows: pl.DataFrame, files: pl.DataFrame) -> dict[str, bytes]:
    """The bytes of the JSON files of `rows` (rows of JSON files only, numbered)."""
    arrays = dict(enumerate(c.JSON_ARRAYS))
    # Each kind's object from its own rows only (a when-chain would build all seven for every row).
    expressions = _service_objects()
    keys = ["file", "user_number", "kind", "consecutivo"]
    objects = pl.concat([part.select(*keys, expressions[kind].alias("obj")) for (kind,), part in
                         rows.partition_by("kind", as_dict=True).items()]).sort(keys)
    per_kind = (objects.group_by("file", "user_number", "kind", maintain_order=True)
                .agg(pl.col("obj").str.join(","))
                .with_columns(pl.concat_str(pl.lit('"'), pl.col("kind").replace_strict(arrays, return_dtype=pl.String),
                                            pl.lit('":['), pl.col("obj"), pl.lit("]")).alias("obj")))
    del objects
    people = rows.select("file", "user_number", "tipo_documento", "numero_documento", "tipo_usuario",
                         "fecha_nacimiento", "cod_sexo", "municipio", "zona", "pais_origen").unique(
        ["file", "user_number"], keep="first")
    users = (per_kind.group_by("file", "user_number", maintain_order=True).agg(pl.col("obj").str.join(",")
                                                                                .alias("servicios"))
             .join(people, on=["file", "user_number"], maintain_order="left")
             .with_columns(_user_object().alias("user")).select("file", "user_number", "user"))
    del per_kind
    heads = rows.select("file", "obligado", "num_factura_json", "tipo_nota", "num_nota").unique("file", keep="first")
    documents = (users.group_by("file", maintain_order=True).agg(pl.col("user").str.join(",\n"))
                 .join(heads, on="file", maintain_order="left")
                 .join(files.select("file", "variant"), on="file", maintain_order="left")
                 .with_columns(pl.concat_str(
                     pl.lit('{"numDocumentoIdObligado":'), _q(pl.col("obligado")),
                     pl.lit(',"numFactura":'), _q(pl.col("num_factura_json")),
                     pl.lit(',"tipoNota":'), _q(pl.col("tipo_nota")), pl.lit(',"numNota":'), _q(pl.col("num_nota")),
                     pl.lit(',"usuarios":[\n'), pl.col("user"), pl.lit("\n]}")).alias("text")))
    del users
    result = {}
    for path, variant, text in documents.select("file", "variant", "text").iter_rows():
        if variant == "misspelt":
            # Keys copied from the resolution's PDF: a lower-case l where the capital I was.
            for name in ("numDocumentoIdObligado", "tipoDocumentoIdentificacion", "fechaInicioAtencion"):
                text = text.replace(f'"{name}":', f'"{name.replace("I", "l")}":')
        if variant == "wrapped":
            text = '{"rips":' + text + ',"xmlFevFile":null}'
        data = (text + "\n").encode("utf-8")
        result[path] = (b"\xef\xbb\xbf" + data) if variant == "bom" else data
    return result


def csv_file(rows: pl.DataFrame, history: bool) -> bytes:
    """The flat CSV of one file's rows (numbered), dates without a time in the history extract."""
    ordered = rows.sort("source_row")
    fecha = pl.col("fecha_atencion").str.slice(0, 10) if history else pl.col("fecha_atencion")
    frame = ordered.select(
        "num_factura", pl.col("consecutivo").cast(pl.String), "tipo_documento", "numero_documento", "fecha_nacimiento",
        pl.col("sexo_csv").alias("sexo"), pl.col("tipo_servicio"), "cod_prestador", fecha.alias("fecha_atencion"),
        "cod_tecnologia", "finalidad", "dx_principal", "dx_relacionado",
        pl.col("dias_tratamiento").cast(pl.String), pl.col("num_consultas_prenatales").cast(pl.String),
    )
    return frame.write_csv(null_value="", line_terminator="\n").encode("utf-8")


def write_files(out_dir: Path, delivery: Delivery) -> list[FileRecord]:
    """Write every RIPS file; JSON files are assembled a batch at a time."""
    rows, files = delivery.rows, delivery.files
    records = []
    counts = dict(rows.group_by("file").len().iter_rows())
    json_paths = files.filter(pl.col("fmt") == "json")["file"].to_list()
    batches, batch, size = [], [], 0
    for path in json_paths:
        batch.append(path)
        size += counts.get(path, 0)
        if size >= _BATCH_ROWS:
            batches.append(batch)
            batch, size = [], 0
    batches.append(batch)
    for batch in filter(None, batches):
        written = json_files(rows.filter(pl.col("file").is_in(batch)), files.filter(pl.col("file").is_in(batch)))
        for path in batch:
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(written[path])
        del written
    for path, fmt, month, kind in files.select("file", "fmt", "month", "kind").iter_rows():
        if fmt == "csv":
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(csv_file(rows.filter(pl.col("file") == path), kind == CSV_HISTORY))
        records.append(FileRecord(path, RIPS, month, "", fmt, "utf-8" if fmt == "csv" else "",
                                  "," if fmt == "csv" else "", 1 if fmt == "csv" else None,
                                  ("iso" if kind == CSV_HISTORY else "iso_time") if fmt == "csv" else "json",
                                  counts.get(path, 0)))
    return sorted(records, key=lambda record: record.path)


# Planning the delivery ----------------------------------------------------------------------

def _day_text(day: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(day, dtype=np.int64)).cast(pl.Int32).cast(pl.Date).dt.strftime("%Y-%m-%d")


def _time_text(day: np.ndarray, minute: np.ndarray) -> pl.Series:
    minute = np.asarray(minute, dtype=np.int64)
    date = _day_text(np.asarray(day, dtype=np.int64) + minute // 1440)
    clock = (pl.Series(minute % 1440 // 60).cast(pl.String).str.zfill(2) + ":"
             + pl.Series(minute % 60).cast(pl.String).str.zfill(2))
    return date + " " + clock


@dataclass(frozen=True)
class Correction:
    """A row whose values a later note corrects."""

    row: int
    """Index into Services."""
    month: int
    """Inbox month the note arrives in."""
    purpose: str | None = None
    dx: str | None = None
    days: int | None = None


def plan_delivery(rng: np.random.Generator, services: Services, population: Population, timeline: Timeline, *,
                  typo_rate: float, taken: set[str], users_per_invoice: int, corrections: list[Correction],
                  invalid: list[InvalidRow], extras: Population, variants: bool = True,
                  professionals: np.ndarray | None = None, typo_people: np.ndarray | None = None,
                  deliver_all_in: int | None = None, prefix: str = "rips_", first_invoice: int | None = None) -> Delivery:
    """Bill and deliver every service: which invoice and file carries it, when, and as what.
    Services delivered after the last inbox month are left out; `typo_people` (a mask over
    the population) limits who may get a mistyped number. `invalid` rows (of kind
    `rips`) are about `extras` and go to the pharmacy's CSV of their month (a `finalidad`
    invalid row goes to a RIPS without an invoice of its own, in JSON)."""
    size = services.size
    kind = services.kind
    month = month_of_day(services.day)
    # Each provider bills a month's services together; a quarter of its invoices come late.
    group = services.provider * 10_000 + (month - timeline.first + 5_000)
    unique_groups, inverse = np.unique(group, return_inverse=True)
    lag = np.where(rng.random(len(unique_groups)) < 0.75, 1, 2)[inverse]
    delivered = month + lag if deliver_all_in is None else np.full(size, deliver_all_in)
    history = delivered < timeline.first
    delivered = np.where(history, timeline.first, delivered)
    keep = delivered <= timeline.last
    index = np.flatnonzero(keep)

    shown_type, shown_number = population.document_at(services.person[index], services.day[index])
    pharmacy = services.provider[index] == c.PHARMACY
    frame = pl.DataFrame({
        "row": index.astype(np.int64),
        "person": services.person[index],
        "provider": services.provider[index],
        "day": services.day[index],
        "minute": services.minute[index],
        "kind": kind[index],
        "service": services.service[index],
        "delivered_index": delivered[index],
        "service_month": month[index],
        "history": history[index],
        "file_kind": np.where(history[index], CSV_HISTORY, np.where(pharmacy, CSV_MONTHLY, JSON)),
        "tipo_documento": pl.Series(np.array(DOC_TYPES)[shown_type], dtype=pl.String),
        "numero_documento": pl.Series(shown_number.astype(str), dtype=pl.String),
        "pep_to_pt": (population.renewal[services.person[index]] <= services.day[index]),
    })
    # Invoices: a provider's services of one month delivered together, split every N patients.
    frame = frame.sort("delivered_index", "history", "provider", "service_month", "day", "person", "minute", "service")
    patient = pl.struct("tipo_documento", "numero_documento")
    frame = frame.with_columns(
        patient.rank("dense").over("provider", "service_month", "delivered_index", "history").alias("_patient"),
    ).with_columns(((pl.col("_patient") - 1) // users_per_invoice).alias("_chunk"))
    invoice_keys = frame.select("delivered_index", "history", "provider", "service_month", "_chunk").unique(
        maintain_order=True)
    prefixes = np.array([p.prefix for p in c.PROVIDERS])
    base = int(rng.integers(10_000, 60_000)) if first_invoice is None else first_invoice
    invoice_keys = invoice_keys.with_columns(
        (pl.lit(base) + pl.int_range(pl.len()) * 3 + 1).alias("_serial"),
    ).with_columns(
        pl.concat_str(pl.col("provider").replace_strict(dict(enumerate(prefixes.tolist())), return_dtype=pl.String),
                      pl.col("_serial").cast(pl.String)).alias("num_factura"))
    frame = frame.join(invoice_keys, on=["delivered_index", "history", "provider", "service_month", "_chunk"],
                       maintain_order="left")

    # Now and then a clerk mistypes a patient's number on one invoice (a share `typo_rate` of
    # the people who may get one, at least one when the rate is positive).
    pairs = frame.select("num_factura", "tipo_documento", "numero_documento", "person").unique(maintain_order=True)
    eligible = np.zeros(population.size, dtype=bool)
    eligible[np.unique(pairs["person"].to_numpy())] = True
    if typo_people is not None:
        eligible &= typo_people
    unlucky = np.flatnonzero(pick(rng, eligible, typo_rate))
    # One of each unlucky person's invoices, drawn at random.
    draw = pairs.select(pl.int_range(pl.len()).alias("pair"), "person",
                        pl.Series("draw", rng.random(pairs.height))).filter(pl.col("person").is_in(unlucky))
    chosen = np.zeros(pairs.height, dtype=bool)
    chosen[draw.sort("draw").group_by("person", maintain_order=True).first()["pair"].to_numpy()] = True
    typos = [mistype(rng, number, taken) if flag else None
             for flag, number in zip(chosen.tolist(), pairs["numero_documento"].to_list())]
    pairs = pairs.drop("person").with_columns(pl.Series("_typo", typos, dtype=pl.String))
    frame = (frame.join(pairs, on=["num_factura", "tipo_documento", "numero_documento"], maintain_order="left")
             .with_columns(pl.col("_typo").is_not_null().alias("typo"),
                           pl.coalesce("_typo", "numero_documento").alias("numero_documento")))

    frame = frame.with_columns(pl.lit(-1, pl.Int64).alias("corrects"), pl.lit(None, pl.Int64).alias("invalid"),
                               pl.lit(None, pl.String).alias("tipo_nota"), pl.lit(None, pl.String).alias("num_nota"))
    frame = _with_values(frame, services, population, rng, professionals)
    frame = _with_corrections(frame, corrections, timeline)
    frame = _with_invalid_rows(frame, invalid, extras, timeline, rng)
    frame = _with_files(frame, timeline, rng, variants, prefix)
    files = (frame.group_by("file", maintain_order=True)
             .agg(pl.col("fmt").first(), pl.col("delivered").first().alias("month"), pl.col("file_kind").first()
                  .alias("kind"), pl.col("variant").first())
             .sort("file"))
    noise = pl.concat_str(pl.when(pl.col("typo")).then(pl.lit("typo")),
                          pl.when(pl.col("pep_to_pt")).then(pl.lit("pep_to_pt")), separator="|", ignore_nulls=True)
    frame = frame.with_columns(noise.fill_null("").alias("noise"))
    return Delivery(frame, files)


def _with_values(frame: pl.DataFrame, services: Services, population: Population, rng: np.random.Generator,
                 professionals: np.ndarray | None) -> pl.DataFrame:
    """The cells of every row (text as written), from the service and the person."""
    row = frame["row"].to_numpy()
    person = frame["person"].to_numpy()
    size = len(row)
    service = services.service[row]
    kind = frame["kind"].to_numpy()
    codes = np.array([s.code or None for s in c.SERVICES], dtype=object)
    names = np.array([s.name or None for s in c.SERVICES], dtype=object)
    values = np.array([s.value for s in c.SERVICES])
    units = np.array([s.units_per_day for s in c.SERVICES])
    days = services.days[row]
    dx = services.dx[row]
    purpose = services.purpose[row]
    provider = frame["provider"].to_numpy()
    convention = np.array([p.sex_codes for p in c.PROVIDERS])[provider]
    woman = population.sex[person] == 0
    cod_sexo = np.where(convention == "HM", np.where(woman, "M", "H"), np.where(woman, "F", "M"))
    newborn_girl = rng.random(size) < 0.49
    newborn_sex = np.where(convention == "HM", np.where(newborn_girl, "M", "H"), np.where(newborn_girl, "F", "M"))
    minute = frame["minute"].to_numpy()
    day = frame["day"].to_numpy()
    stay = np.select([kind == c.URGENCIA, kind == c.HOSPITALIZACION, kind == c.RECIEN_NACIDO],
                     [rng.integers(90, 420, size), rng.integers(1, 4, size) * 1440, rng.integers(1, 3, size) * 1440], 0)
    held = population.doc_type[person]
    migrant = (held == PT) | (held == PE)
    draw = (np.asarray(person, dtype=np.int64) * 2654435761 % 1000) / 1000
    tipo_usuario = np.select([migrant & (draw < 0.4), draw < 0.55, draw < 0.8, draw < 0.92], ["05", "04", "01", "02"],
                             "04")
    municipio = np.select([draw < 0.84, draw < 0.9, draw < 0.95], ["68001", "68276", "68307"], "68547")
    # Professionals' cédulas (the document inside each service) from a series no generated
    # person holds; readers never take them for the patient's.
    pool = professionals if professionals is not None else np.arange(79_510_000, 79_510_040)
    mine = pool[(provider * 7 + person) % len(pool)]
    return frame.with_columns(
        pl.Series("obligado", np.array([p.nit for p in c.PROVIDERS])[provider], dtype=pl.String),
        pl.Series("cod_prestador", np.array([p.code for p in c.PROVIDERS])[provider], dtype=pl.String),
        pl.Series("tipo_servicio", np.array(c.KIND_CODES)[kind], dtype=pl.String),
        _time_text(day, minute).alias("fecha_atencion"),
        pl.when(pl.Series(stay > 0)).then(_time_text(day, minute + stay)).alias("fecha_egreso"),
        pl.Series("cod_tecnologia", codes[service].tolist(), dtype=pl.String),
        pl.Series("tech_name", names[service].tolist(), dtype=pl.String),
        pl.Series("finalidad", purpose.tolist(), dtype=pl.String).replace("", None),
        pl.Series("dx_principal", dx.tolist(), dtype=pl.String).replace("", None),
        pl.lit(None, pl.String).alias("dx_relacionado"),
        pl.Series("dias_tratamiento", np.where(days >= 0, days, -1)).replace(-1, None).cast(pl.Int64),
        pl.Series("quantity", np.maximum(days, 1) * np.maximum(units[service], 1)).cast(pl.Int64),
        pl.Series("num_consultas_prenatales", services.prenatal[row]).replace(-1, None).cast(pl.Int64),
        pl.Series("value", values[service]).cast(pl.Int64),
        _day_text(population.birth[person]).alias("fecha_nacimiento"),
        pl.Series("cod_sexo", cod_sexo, dtype=pl.String),
        pl.Series("sexo_csv", np.where(woman, "F", "M"), dtype=pl.String),
        pl.Series("newborn_sex", newborn_sex, dtype=pl.String),
        pl.Series("newborn_number", (np.asarray(day) * 97 + person * 13) % 90_000_000 + 10_000_000).cast(pl.String),
        pl.Series("gestational_weeks", rng.integers(37, 42, size)).cast(pl.Int64),
        pl.Series("weight", rng.integers(2600, 4100, size)).cast(pl.Int64),
        pl.Series("tipo_usuario", tipo_usuario, dtype=pl.String),
        pl.Series("municipio", municipio, dtype=pl.String),
        pl.Series("zona", np.where(draw * 7 % 1 < 0.9, "01", "02"), dtype=pl.String),
        pl.Series("pais_origen", np.where(migrant, "862", "170"), dtype=pl.String),
        pl.Series("professional", mine.astype(str), dtype=pl.String),
    )


def _with_corrections(frame: pl.DataFrame, corrections: list[Correction], timeline: Timeline) -> pl.DataFrame:
    """Append each correction: the corrected row's key and cells, the new values, a later month."""
    parts = [frame]
    for correction in corrections:
        original = frame.filter(pl.col("row") == correction.row)
        if original.height != 1 or correction.month > timeline.last:
            raise ValueError("a correction must repeat one delivered row, within the data set")
        changed = original.with_columns(
            pl.lit(correction.row, pl.Int64).alias("corrects"), pl.lit(correction.month, pl.Int64).alias("delivered_index"),
            pl.lit(False).alias("history"))
        if correction.purpose is not None:
            changed = changed.with_columns(pl.lit(correction.purpose).alias("finalidad"))
        if correction.dx is not None:
            changed = changed.with_columns(pl.lit(correction.dx).alias("dx_principal"))
        if correction.days is not None:
            changed = changed.with_columns(pl.lit(correction.days, pl.Int64).alias("dias_tratamiento"))
        kind = CSV_MONTHLY if original["file_kind"][0] == CSV_MONTHLY else NOTE
        parts.append(changed.with_columns(pl.lit(-1, pl.Int64).alias("row"),
                                          pl.lit(kind, frame.schema["file_kind"]).alias("file_kind")))
    return pl.concat(parts)


def _with_invalid_rows(frame: pl.DataFrame, invalid: list[InvalidRow], extras: Population, timeline: Timeline,
                       rng: np.random.Generator) -> pl.DataFrame:
    """Append the invalid RIPS rows: cells as the invalid row gives them, about its extra person."""
    mine = [row for row in invalid if row.kind == RIPS]
    if not mine:
        return frame
    template = frame.head(0)
    parts = [frame]
    for row in mine:
        values = dict(row.values)
        person = row.person
        file_kind = JSON if values.pop("_json", False) else CSV_MONTHLY
        provider = c.CLINIC if file_kind == JSON else c.PHARMACY
        day = int(values.pop("_day"))
        kind = c.KIND_CODES.index(values["tipo_servicio"]) if values["tipo_servicio"] in c.KIND_CODES else c.PROCEDIMIENTO
        record = {name: None for name in template.columns}
        record.update({
            "row": -1, "person": -1, "provider": provider, "day": day, "minute": 600, "kind": kind, "service": -1,
            "delivered_index": row.month, "service_month": int(month_of_day(np.array([day]))[0]), "history": False,
            "file_kind": file_kind, "pep_to_pt": False, "typo": False, "corrects": -1, "invalid": row.id,
            "obligado": c.PROVIDERS[provider].nit, "quantity": 1, "value": 30_000,
            "tipo_usuario": "04", "municipio": "68001", "zona": "01", "pais_origen": "170",
            "professional": "79510001", "cod_sexo": "F" if extras.sex[person] == 0 else "M",
            "sexo_csv": "F" if extras.sex[person] == 0 else "M", "newborn_sex": None,
            **{key: value for key, value in values.items() if key in template.columns},
        })
        if file_kind == JSON:
            # A RIPS without an invoice (tipoNota RS): numFactura null, numbered by its numNota.
            record["num_factura"] = f"RS:{values['num_nota']}"
            record["tipo_nota"], record["num_nota"] = "RS", values["num_nota"]
        parts.append(pl.DataFrame([record], schema=template.schema))
    return pl.concat(parts)


def _with_files(frame: pl.DataFrame, timeline: Timeline, rng: np.random.Generator, variants: bool,
                prefix: str) -> pl.DataFrame:
    """Files, row numbers (JSON: the service's place among the file's entries; CSV: the line),
    user numbers, consecutivos, and each file's variant."""
    nit = pl.col("obligado")
    months = {index: index_month(index) for index in frame["delivered_index"].unique().to_list()}
    frame = frame.with_columns(pl.col("delivered_index").replace_strict(months, return_dtype=pl.String)
                               .alias("delivered"))
    folder = pl.concat_str(pl.lit("inbox/"), pl.col("delivered"), pl.lit(f"/{FOLDER}/"))
    first = index_month(timeline.first - 1)
    note = pl.col("file_kind") == NOTE
    frame = frame.with_columns(
        pl.when(note).then(pl.lit("NA")).otherwise(pl.col("tipo_nota")).alias("tipo_nota"),
        pl.when(note).then(pl.concat_str(pl.lit("NA"), pl.col("num_factura").str.slice(3))).otherwise(pl.col("num_nota"))
        .alias("num_nota"),
    )
    start = pl.concat_str(folder, pl.lit(prefix))
    file = (pl.when(pl.col("file_kind") == CSV_HISTORY).then(pl.concat_str(start, pl.lit(f"historico_hasta_{first}.csv")))
            .when(pl.col("file_kind") == CSV_MONTHLY).then(pl.concat_str(start, nit, pl.lit("_"), pl.col("delivered"),
                                                                      pl.lit(".csv")))
            .when(pl.col("tipo_nota") == "RS").then(pl.concat_str(start, nit, pl.lit("_"), pl.col("num_nota"),
                                                                   pl.lit(".json")))
            .when(note).then(pl.concat_str(start, nit, pl.lit("_"), pl.col("num_factura"), pl.lit("_"),
                                            pl.col("num_nota"), pl.lit(".json")))
            .otherwise(pl.concat_str(start, nit, pl.lit("_"), pl.col("num_factura"), pl.lit(".json"))))
    frame = frame.with_columns(
        file.alias("file"),
        pl.when(pl.col("file_kind").is_in([CSV_HISTORY, CSV_MONTHLY])).then(pl.lit("csv")).otherwise(pl.lit("json"))
        .alias("fmt"),
        pl.when(pl.col("tipo_nota") == "RS").then(pl.lit(None, pl.String)).otherwise(pl.col("num_factura"))
        .alias("num_factura_json"),
    )
    # Users in order of their first service; services by kind, then date; consecutivos from 1
    # per user and kind within an invoice. A correction repeats the consecutivo it corrects.
    frame = frame.with_columns(pl.int_range(pl.len()).alias("_seq"))
    base = frame.filter(pl.col("corrects") < 0).with_columns(
        pl.struct("day", "minute", "_seq").rank("ordinal").over("num_factura", "tipo_documento", "numero_documento",
                                                                "kind").cast(pl.Int64).alias("consecutivo"))
    fixes = frame.filter(pl.col("corrects") >= 0).drop("consecutivo", strict=False).join(
        base.filter(pl.col("row") >= 0).select(pl.col("row").alias("corrects"), "consecutivo"), on="corrects",
        how="left", maintain_order="left")
    frame = pl.concat([base, fixes.select(base.columns)]).with_columns(
        pl.struct(pl.col("day").min().over("file", "tipo_documento", "numero_documento").alias("a"),
                  pl.col("numero_documento").alias("b"), pl.col("tipo_documento").alias("c"))
        .rank("dense").over("file").cast(pl.Int64).alias("user_number"),
    )
    # Invalid rows come last in their files.
    frame = frame.with_columns(pl.col("invalid").is_not_null().alias("_late"))
    frame = frame.sort("file", "_late", "num_factura", "user_number", "kind", "consecutivo").with_columns(
        (pl.int_range(pl.len()).over("file") + pl.when(pl.col("fmt") == "csv").then(2).otherwise(1))
        .alias("source_row"))
    # A few JSON invoices in the shapes readers must tolerate.
    json_invoices = frame.filter((pl.col("file_kind") == JSON)).select("file").unique(maintain_order=True)["file"]
    chosen: dict[str, str] = {}
    if variants and len(json_invoices) >= 8:
        picks = rng.choice(len(json_invoices), size=3, replace=False)
        for pick, variant in zip(picks.tolist(), ("wrapped", "misspelt", "bom")):
            chosen[json_invoices[pick]] = variant
    frame = frame.with_columns(
        pl.col("file").replace_strict(chosen, default="plain", return_dtype=pl.String).alias("variant"))
    frame = frame.with_columns(pl.when(pl.col("tipo_nota") == "RS").then(pl.lit("rs")).otherwise(pl.col("variant"))
                               .alias("variant"))
    return frame.drop("_seq", "_late", "_first_person", "_patient", "_chunk", "_serial", "_typo", strict=False)
