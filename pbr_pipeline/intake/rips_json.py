"""Read a RIPS JSON file (Resolución 2275 de 2023) into the flat RIPS columns, one row per service.

A RIPS JSON file is one invoice: `numDocumentoIdObligado`, `numFactura`, `tipoNota`, `numNota`
and `usuarios[]`, each user with its document, `fechaNacimiento`, `codSexo` and `servicios`
holding the arrays `consultas`, `procedimientos`, `medicamentos`, `urgencias`, `hospitalizacion`,
`recienNacidos` and `otrosServicios`. The file is read as a stream (ijson), so a file of tens
of megabytes never becomes one tree of Python objects: only the user being read and its
services are held, and finished rows are packed into polars frames in batches. A file of the
plain shape is read a user at a time, each user built by the parser in C; any other file event
by event, which reads every shape below and says where a broken file breaks. Both give the
same rows (tests/test_rips_json_paths.py).

Each service becomes one row of text cells named as the flat CSV of docs/formats.md, plus
`ubicacion` (where it sits in the file, e.g. `usuarios[2].servicios.consultas[0]`) and
`source_row` (its 1-based position among the file's entries in document order). The patient is
always the enclosing user: the document fields inside a service object name the health
professional and are never read.

What is not a service the pipeline can take stays accounted for:
- the whole file (`UnreadableFile`): malformed JSON (with line and column), JSON of another
  shape (no `usuarios` list), no invoice number, no service at all;
- one row with `read_error` set: each service of a user without a document, each entry under
  an unknown key of `servicios`, an entry that is not an object, services beside `usuarios`
  in a file with several users.

`codSexo` is read per file: the resolution's table writes H hombre, M mujer, I indeterminado,
while the validator and the files in use write F, M (masculino), I. A file with an F reads M as
a man; a file with an H reads M as a woman; in a file with neither, or both, M is left empty
(unknown) and counted in the read's notes. I is always empty.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ijson
import polars as pl

from schemas.provenance import READ_ERROR, SOURCE_ROW
from schemas.registries.rips import (
    CONSULTA,
    HOSPITALIZACION,
    MEDICAMENTO,
    OTRO,
    PROCEDIMIENTO,
    RECIEN_NACIDO,
    URGENCIA,
)

_UTF8_BOM = b"\xef\xbb\xbf"
_BATCH_ROWS = 8192

# The flat columns (docs/formats.md), as the RipsServices model publishes them.
COLUMNS: tuple[str, ...] = (
    "num_factura",
    "consecutivo",
    "tipo_documento",
    "numero_documento",
    "fecha_nacimiento",
    "sexo",
    "tipo_servicio",
    "cod_prestador",
    "fecha_atencion",
    "cod_tecnologia",
    "finalidad",
    "dx_principal",
    "dx_relacionado",
    "dias_tratamiento",
    "num_consultas_prenatales",
    "ubicacion",
)
# Cells a row carries while the file is read; the invoice number and sex are settled at the end.
_ROW_CELLS: tuple[str, ...] = tuple(name for name in COLUMNS if name not in ("num_factura", "sexo"))
_SEX_CODE = "_cod_sexo"
_BATCH_SCHEMA = pl.Schema(
    {**{name: pl.String() for name in _ROW_CELLS}, _SEX_CODE: pl.String(), SOURCE_ROW: pl.Int64(), READ_ERROR: pl.String()}
)


@dataclass(frozen=True)
class _Kind:
    """Where one service array keeps what the flat columns need."""

    code: str
    date: tuple[str, ...]
    technology: str | None = None
    dx_main: tuple[str, ...] = ("codDiagnosticoPrincipal",)
    dx_related: tuple[str, ...] = ()
    treatment_days: str | None = None
    prenatal_visits: str | None = None


_EMERGENCY_DX_RELATED = ("codDiagnosticoRelacionadoE1", "codDiagnosticoRelacionadoE2", "codDiagnosticoRelacionadoE3")
KINDS: dict[str, _Kind] = {
    "consultas": _Kind(
        CONSULTA, date=("fechaInicioAtencion",), technology="codConsulta",
        dx_related=("codDiagnosticoRelacionado1", "codDiagnosticoRelacionado2", "codDiagnosticoRelacionado3"),
    ),
    "procedimientos": _Kind(
        PROCEDIMIENTO, date=("fechaInicioAtencion",), technology="codProcedimiento",
        dx_related=("codDiagnosticoRelacionado",),
    ),
    "medicamentos": _Kind(
        MEDICAMENTO, date=("fechaDispensAdmon",), technology="codTecnologiaSalud",
        dx_related=("codDiagnosticoRelacionado",), treatment_days="diasTratamiento",
    ),
    # Emergencies and stays: the diagnosis at admission, or at discharge when that is the only one.
    "urgencias": _Kind(
        URGENCIA, date=("fechaInicioAtencion",),
        dx_main=("codDiagnosticoPrincipal", "codDiagnosticoPrincipalE"), dx_related=_EMERGENCY_DX_RELATED,
    ),
    "hospitalizacion": _Kind(
        HOSPITALIZACION, date=("fechaInicioAtencion",),
        dx_main=("codDiagnosticoPrincipal", "codDiagnosticoPrincipalE"), dx_related=_EMERGENCY_DX_RELATED,
    ),
    # A newborn is billed under its mother: the service date is the birth.
    "recienNacidos": _Kind(RECIEN_NACIDO, date=("fechaNacimiento",), prenatal_visits="numConsultasCPrenatal"),
    "otrosServicios": _Kind(OTRO, date=("fechaSuministroTecnologia",), technology="codTecnologiaSalud", dx_main=()),
}
"""The `servicios` arrays of Resolución 2275, in the order the resolution lists them."""

_KNOWN_KINDS_TEXT = ", ".join(KINDS)
_USER_FIELDS = ("tipoDocumentoIdentificacion", "numDocumentoIdentificacion", "fechaNacimiento", "codSexo")
_TOP_FIELDS = ("numDocumentoIdObligado", "numFactura", "tipoNota", "numNota")
_SERVICE_FIELDS = {
    "consecutivo", "codPrestador", "finalidadTecnologiaSalud", "codSexoBiologico",
    *(name for kind in KINDS.values() for name in (*kind.date, *kind.dx_main, *kind.dx_related)),
    *(name for kind in KINDS.values() for name in (kind.technology, kind.treatment_days, kind.prenatal_visits) if name),
}
# Copying the resolution's PDF turns a capital I into a lower-case l (numDocumentoldObligado,
# fechalnicioAtencion): such keys are read as the field they spell.
_MISSPELT: dict[str, str] = {
    name.replace("I", "l"): name for name in (*_USER_FIELDS, *_TOP_FIELDS, *_SERVICE_FIELDS) if "I" in name
}
_NESTED = object()
"""A field that holds a list or an object where a value belongs."""


@dataclass(frozen=True)
class RipsRead:
    frame: pl.DataFrame
    """Text columns `COLUMNS`, `source_row` and `read_error`, in document order."""
    encoding: str
    notes: tuple[str, ...]
    """What the read decided, in counts (never values): sex codes, misspelt keys."""


class RipsShapeError(Exception):
    """The file as a whole cannot be taken; the message says why."""


@dataclass
class _User:
    index: int
    fields: dict[str, Any] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)


def read_rips_json(content: bytes) -> RipsRead:
    """Flatten a RIPS JSON file's bytes; raises RipsShapeError for a file that cannot be taken."""
    encoding = "utf-8"
    if content.startswith(_UTF8_BOM):
        content, encoding = content[len(_UTF8_BOM):], "utf-8-sig"
    regular = _read_regular(content, encoding)
    if regular is not None:
        return regular
    return _read_events(content, encoding)


def _read_events(content: bytes, encoding: str) -> RipsRead:
    """Any file, event by event: every shape the module docstring lists, and where a file breaks."""
    reader = _Reader()
    try:
        reader.run(ijson.parse(io.BytesIO(content)))
    except ijson.JSONError:
        raise RipsShapeError(_malformed(content, reader.where)) from None
    return reader.finish(encoding)


def _read_regular(content: bytes, encoding: str) -> RipsRead | None:
    """The same read as `_read_events`, a user at a time, for a file of the plain shape: the
    invoice fields once each and before `usuarios`, no wrapper, no services beside the users,
    no key spelt with l for I, every user an object with one `servicios` object. The parser
    builds each user in C, which is about three times faster than one Python step per JSON
    event (a month of RIPS is millions of services). None for any other file, which the event
    reader then reads (a broken file included: it says where it breaks)."""
    if any(f'"{name}"'.encode() in content for name in _MISSPELT):
        return None
    reader = _Reader()
    reader.root_seen = True
    try:
        events = ijson.parse(io.BytesIO(content))
        prefix, event, value = next(events)
        if event != "start_map":
            return None
        for prefix, event, value in events:
            if prefix == "" and event == "map_key" and value in ("rips", "servicios"):
                return None
            if prefix == "usuarios":
                if event != "start_array":
                    return None
                break
            if prefix in _TOP_FIELDS and event in _SCALAR_EVENTS:
                reader.top[prefix] = value
        else:
            return None
        # Each invoice field once, and read above: none written again, or only after the users.
        if any(content.count(f'"{name}"'.encode()) != (name in reader.top) for name in _TOP_FIELDS):
            return None
        users = 0
        for index, person in enumerate(ijson.items(io.BytesIO(content), "usuarios.item")):
            services = person.get("servicios") if isinstance(person, dict) else None
            if not isinstance(services, dict):
                return None
            users += 1
            reader.user_count = index + 1
            reader.user = _User(index, {name: _NESTED if isinstance(person.get(name), (dict, list)) else person.get(name)
                                        for name in _USER_FIELDS if name in person})
            reader.services_open = True
            _add_services(reader, services, index)
            reader._finish_user()
    except ijson.JSONError:
        return None
    if content.count(b'"servicios"') != users:
        return None  # services beside the users, or a user without servicios: the event reader says which
    reader.users_seen = True
    return reader.finish(encoding)


def _add_services(reader: "_Reader", services: dict[str, Any], index: int) -> None:
    """A user's `servicios` as `_Reader` would have collected them from the events."""
    user = reader.user
    base = f"usuarios[{index}].servicios"
    for key, entries in services.items():
        if isinstance(entries, list):
            for position, entry in enumerate(entries):
                locator = f"{base}.{key}[{position}]"
                if isinstance(entry, dict):
                    reader.entries += 1
                    service = {"_kind": key, "_locator": locator, "_row": reader.entries}
                    for name, value in entry.items():
                        if name in _SERVICE_FIELDS:
                            service[name] = _NESTED if isinstance(value, (dict, list)) else value
                    reader.service = service
                    reader._finish_service(user)
                else:
                    reader._reject_entry(locator, f"{locator} is not a service object", user, kind_key=key)
        elif isinstance(entries, dict) or entries not in (None, ""):
            locator = f"{base}.{key}"
            reader._reject_entry(locator, _unknown_kind(key) if key not in KINDS else f"{locator} is not a list of services", user)


class _Reader:
    """One pass over the parser's events `(prefix, event, value)`; a prefix is dot-separated,
    with `item` for an array element."""

    def __init__(self) -> None:
        self.top: dict[str, Any] = {}
        self.root_seen = False
        self.wrapped = False
        self.users_seen = False
        self.user_count = 0
        self.user: _User | None = None
        self.first_user: _User | None = None
        self.services_open = False
        self.kind_key: str | None = None
        self.kind_index = 0
        self.service: dict[str, Any] | None = None
        self.entries = 0
        self.where = "the invoice header, before the first user"
        self.orphans: list[dict[str, Any]] = []
        self.sex_codes: set[str] = set()
        self.sex_m_users = 0
        self.sex_i_users = 0
        self.misspelt = 0
        self.rows: list[tuple] = []
        self.batches: list[pl.DataFrame] = []

    # --- the event loop ---------------------------------------------------------------------

    def run(self, events) -> None:
        routes: dict[str, tuple] = {}
        for prefix, event, value in events:
            if event == "map_key":
                continue  # a key is known again from the prefix of its value
            route = routes.get(prefix)
            if route is None:
                if not self.root_seen:
                    self._on_root(event)
                    continue
                if prefix == "rips" and event == "start_map" and not self.wrapped:
                    # The validator's request wraps the document: {"rips": {...}, "xmlFevFile": ...}.
                    self.wrapped = True
                    routes.clear()
                    continue
                route = routes[prefix] = self._route(prefix)
            step = route[0]
            if step == _SERVICE_FIELD:
                # The hot path: one value of a service.
                if self.service is not None and route[2] == self.kind_key and event in _VALUE_EVENTS:
                    self.service[route[3]] = _NESTED if event in _CONTAINER_STARTS else value
                    self.misspelt += route[4]
            elif step == _IGNORE:
                continue
            elif step == _TOP:
                if event in _SCALAR_EVENTS:
                    self.top[route[1]] = value
                    self.misspelt += route[2]
            elif step == _USERS:
                self._on_users(event)
            elif step == _USER:
                self._on_user(event)
            elif self.user is None and route[1]:
                continue  # inside a list that stands where a user belongs
            elif step == _USER_FIELD:
                if event in _VALUE_EVENTS:
                    self.user.fields[route[2]] = _NESTED if event in _CONTAINER_STARTS else value
                    self.misspelt += route[3]
            elif step == _SERVICES:
                self._on_services(event, value, self.user if route[1] else None)
            elif step == _KIND:
                self._on_kind(route[2], event, value, self.user if route[1] else None)
            elif step == _SERVICE:
                self._on_service(route[2], event, self.user if route[1] else None)

    def _on_root(self, event: str) -> None:
        self.root_seen = True
        if event != "start_map":
            what = "a list" if event == "start_array" else "a single value"
            raise RipsShapeError(
                f"the JSON holds {what}, not a RIPS invoice object (numDocumentoIdObligado, numFactura, usuarios)"
            )

    def _route(self, prefix: str) -> tuple:
        """What events at `prefix` are: computed once per distinct prefix."""
        path = prefix.split(".")
        if self.wrapped and path[0] == "rips":
            path = path[1:]
        if not path:
            return (_IGNORE,)
        head, depth = path[0], len(path)
        if head == "usuarios":
            if depth == 1:
                return (_USERS,)
            if path[1] != "item":
                return (_IGNORE,)
            if depth == 2:
                return (_USER,)
            if path[2] == "servicios":
                return _services_route(path[3:], in_user=True)
            name = _MISSPELT.get(path[2], path[2])
            if depth == 3 and name in _USER_FIELDS:
                return (_USER_FIELD, True, name, int(name != path[2]))
            return (_IGNORE,)
        if head == "servicios":
            # The resolution's own example puts servicios beside usuarios.
            return _services_route(path[1:], in_user=False)
        name = _MISSPELT.get(head, head)
        if depth == 1 and name in _TOP_FIELDS:
            return (_TOP, name, int(name != head))
        return (_IGNORE,)

    def _on_users(self, event: str) -> None:
        if event in ("start_array", "null"):
            self.users_seen = True
        elif event in ("start_map", "string", "number", "boolean"):
            raise RipsShapeError("usuarios is not a list of users; a RIPS file lists them as usuarios: [...]")

    def _on_user(self, event: str) -> None:
        if event == "start_map":
            self.user = _User(self.user_count)
            self.where = self._locator(f"usuarios[{self.user_count}]")
            self.user_count += 1
        elif event == "end_map":
            self._finish_user()
        elif event == "start_array" or event in _SCALAR_EVENTS:
            locator = self._locator(f"usuarios[{self.user_count}]")
            self.user_count += 1
            self._reject_entry(locator, f"{locator} is not a user object", None)

    def _base(self, user: _User | None) -> str:
        return self._locator(f"usuarios[{user.index}].servicios" if user is not None else "servicios")

    def _on_services(self, event: str, value: Any, user: _User | None) -> None:
        if event == "start_map":
            self.services_open = True
        elif event == "end_map":
            self.services_open = False
        elif event == "start_array" or (event in _SCALAR_EVENTS and value not in (None, "")):
            base = self._base(user)
            self._reject_entry(base, f"{base} is not an object of service lists", user)

    def _on_kind(self, key: str, event: str, value: Any, user: _User | None) -> None:
        if not self.services_open:
            return
        if event == "start_array":
            self.kind_key, self.kind_index = key, 0
        elif event == "end_array":
            self.kind_key = None
        elif event == "start_map" or (event in _SCALAR_EVENTS and value not in (None, "")):
            locator = f"{self._base(user)}.{key}"
            self._reject_entry(locator, _unknown_kind(key) if key not in KINDS else f"{locator} is not a list of services", user)

    def _on_service(self, key: str, event: str, user: _User | None) -> None:
        if key != self.kind_key or not self.services_open:
            return
        if event == "start_map":
            locator = f"{self._base(user)}.{key}[{self.kind_index}]"
            self.entries += 1
            self.where = locator
            self.service = {"_kind": key, "_locator": locator, "_row": self.entries}
        elif event == "end_map":
            self._finish_service(user)
            self.kind_index += 1
        elif event == "start_array" or event in _SCALAR_EVENTS:
            locator = f"{self._base(user)}.{key}[{self.kind_index}]"
            self._reject_entry(locator, f"{locator} is not a service object", user, kind_key=key)
            self.kind_index += 1

    def _locator(self, path: str) -> str:
        return f"rips.{path}" if self.wrapped else path

    # --- rows -------------------------------------------------------------------------------

    def _finish_service(self, user: _User | None) -> None:
        service, self.service = self.service, None
        assert service is not None
        newborn_sex = _text(service.get("codSexoBiologico"))
        if newborn_sex is not None and newborn_sex.strip():
            self.sex_codes.add(newborn_sex.strip().upper())
        if user is None:
            self.orphans.append(service)
        else:
            user.services.append(service)

    def _reject_entry(self, locator: str, reason: str, user: _User | None, kind_key: str | None = None) -> None:
        self.entries += 1
        entry = {"_kind": kind_key, "_locator": locator, "_row": self.entries, "_error": reason}
        if user is None:
            self._emit(entry, {})
        else:
            user.services.append(entry)

    def _finish_user(self) -> None:
        user, self.user = self.user, None
        assert user is not None
        if self.first_user is None:
            self.first_user = _User(user.index, dict(user.fields))
        code = _text(user.fields.get("codSexo"))
        if code is not None:
            code = code.strip().upper()
            self.sex_codes.add(code)
            self.sex_m_users += code == "M"
            self.sex_i_users += code == "I"
        problem = _user_problem(user)
        for service in user.services:
            self._emit(service, user.fields, problem)

    def _emit(self, service: dict[str, Any], person: dict[str, Any], problem: str | None = None) -> None:
        key = service.get("_kind")
        kind = KINDS.get(key) if key is not None else None
        error = service.get("_error") or problem
        if error is None and kind is None:
            error = _unknown_kind(key)
        if error is None:
            nested = next((name for name, value in service.items() if value is _NESTED), None)
            if nested is not None:
                error = f"{service['_locator']}.{nested} holds a list or an object where a value belongs"
        spec = kind or _NO_KIND
        cells = {
            "consecutivo": _text(service.get("consecutivo")),
            "tipo_documento": _text(person.get("tipoDocumentoIdentificacion")),
            "numero_documento": _text(person.get("numDocumentoIdentificacion")),
            "fecha_nacimiento": _text(person.get("fechaNacimiento")),
            "tipo_servicio": kind.code if kind is not None else key,
            "cod_prestador": _text(service.get("codPrestador")),
            "fecha_atencion": _first(service, spec.date),
            "cod_tecnologia": _first(service, (spec.technology,) if spec.technology else ()),
            "finalidad": _text(service.get("finalidadTecnologiaSalud")),
            "dx_principal": _first(service, spec.dx_main),
            "dx_relacionado": _first(service, spec.dx_related),
            "dias_tratamiento": _first(service, (spec.treatment_days,) if spec.treatment_days else ()),
            "num_consultas_prenatales": _first(service, (spec.prenatal_visits,) if spec.prenatal_visits else ()),
            "ubicacion": service["_locator"],
        }
        self.rows.append((*(cells[name] for name in _ROW_CELLS), _text(person.get("codSexo")), service["_row"], error))
        if len(self.rows) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.batches.append(pl.DataFrame(self.rows, schema=_BATCH_SCHEMA, orient="row"))
            self.rows = []

    # --- the end of the file ----------------------------------------------------------------

    def finish(self, encoding: str) -> RipsRead:
        if not self.users_seen:
            raise RipsShapeError(
                "the JSON has no usuarios list: it is not a RIPS file "
                "(Resolución 2275: numDocumentoIdObligado, numFactura, usuarios[] with their servicios)"
            )
        invoice = _invoice_number(self.top)
        notes: list[str] = []
        if self.orphans:
            if self.user_count == 1 and self.first_user is not None:
                notes.append(f"{len(self.orphans)} services beside usuarios read as services of the file's only user")
                problem = _user_problem(self.first_user)
                for service in self.orphans:
                    self._emit(service, self.first_user.fields, problem)
            else:
                reason = (
                    "servicios sits beside usuarios instead of inside a user, and the file has "
                    f"{self.user_count} users: the service cannot be given to one"
                )
                for service in self.orphans:
                    self._emit(service | {"_error": service.get("_error") or reason}, {})
        self._flush()
        if not self.batches:
            raise RipsShapeError("the RIPS file lists no services (every usuarios[].servicios list is empty)")
        m_means = _m_meaning(self.sex_codes)
        if self.sex_m_users and m_means is None:
            both = "both F and H" if {"F", "H"} <= self.sex_codes else "neither F nor H"
            notes.append(
                f"{_users(self.sex_m_users)} with codSexo M left with sex unknown: the file writes {both}, "
                "so its M may be mujer (the resolution's table) or masculino (the validator's)"
            )
        elif self.sex_m_users:
            other = "F" if m_means == "M" else "H"
            notes.append(
                f"codSexo M of {_users(self.sex_m_users)} read as {'hombre' if m_means == 'M' else 'mujer'}: "
                f"the file writes {other} too"
            )
        if self.sex_i_users:
            notes.append(f"{_users(self.sex_i_users)} with codSexo I (indeterminado) left with sex unknown")
        if self.misspelt:
            notes.append(f"{self.misspelt} keys spelt with l for I (numDocumentoldObligado) read as the field they spell")
        code = pl.col(_SEX_CODE).str.strip_chars().str.to_uppercase()
        sex = (
            pl.when(code == "F").then(pl.lit("F"))
            .when(code == "H").then(pl.lit("M"))
            .when(code == "M").then(pl.lit(m_means, pl.String))
            .when(code == "I").then(pl.lit(None, pl.String))
            .otherwise(pl.col(_SEX_CODE))
        )
        cells = {name: pl.col(name) for name in _ROW_CELLS} | {"num_factura": pl.lit(invoice, pl.String), "sexo": sex}
        frame = pl.concat(self.batches, how="vertical")
        self.batches = []
        if not frame.get_column(SOURCE_ROW).is_sorted():
            # Only services written beside usuarios, ahead of them, come out of order; sorting
            # every file would double its memory for nothing.
            frame = frame.sort(SOURCE_ROW)
        frame = frame.select(*(cells[name].alias(name) for name in COLUMNS), SOURCE_ROW, READ_ERROR)
        return RipsRead(frame=frame, encoding=encoding, notes=tuple(notes))


_SCALAR_EVENTS = frozenset({"null", "boolean", "number", "string"})
_CONTAINER_STARTS = frozenset({"start_map", "start_array"})
_VALUE_EVENTS = _SCALAR_EVENTS | _CONTAINER_STARTS
_IGNORE, _TOP, _USERS, _USER, _USER_FIELD, _SERVICES, _KIND, _SERVICE, _SERVICE_FIELD = range(9)
"""Routes: what the events at one prefix are. The tuples after the code carry, in order:
_TOP (name, misspelt) · _USER_FIELD (in a user, name, misspelt) · _SERVICES (in a user) ·
_KIND and _SERVICE (in a user, the key under servicios) · _SERVICE_FIELD (in a user, key,
name, misspelt); `misspelt` is 1 when the key spells the name with l for I."""


def _services_route(rest: list[str], in_user: bool) -> tuple:
    """The route of a prefix `rest` below a `servicios` object."""
    depth = len(rest)
    if depth == 0:
        return (_SERVICES, in_user)
    key = rest[0]
    if depth == 1:
        return (_KIND, in_user, key)
    if rest[1] != "item":
        return (_IGNORE,)
    if depth == 2:
        return (_SERVICE, in_user, key)
    name = _MISSPELT.get(rest[2], rest[2])
    if depth == 3 and name in _SERVICE_FIELDS:
        return (_SERVICE_FIELD, in_user, key, name, int(name != rest[2]))
    return (_IGNORE,)
_NO_KIND = _Kind("", date=())


def _users(count: int) -> str:
    return f"{count:,} user{'s' if count != 1 else ''}"


def _unknown_kind(key: str | None) -> str:
    return f"unknown service kind {key!r} under servicios; RIPS lists {_KNOWN_KINDS_TEXT}"


def _m_meaning(codes: set[str]) -> str | None:
    """What codSexo M means in a file that writes `codes`: M (hombre), F (mujer) or unknown."""
    has_f, has_h = "F" in codes, "H" in codes
    if has_f and not has_h:
        return "M"
    if has_h and not has_f:
        return "F"
    return None


def _invoice_number(top: dict[str, Any]) -> str:
    invoice = _text(top.get("numFactura"))
    if invoice is not None and invoice.strip():
        return invoice.strip()
    note = _text(top.get("numNota"))
    if note is not None and note.strip():
        # A RIPS without an invoice (tipoNota RS) is numbered by the provider's own numNota.
        return f"RS:{note.strip()}"
    raise RipsShapeError("the RIPS file has no numFactura (and no numNota for a RIPS without an invoice)")


def _user_problem(user: _User) -> str | None:
    nested = [name for name in _USER_FIELDS if user.fields.get(name) is _NESTED]
    if nested:
        return f"usuarios[{user.index}].{nested[0]} holds a list or an object where a value belongs"
    missing = [
        name for name in ("tipoDocumentoIdentificacion", "numDocumentoIdentificacion")
        if not (_text(user.fields.get(name)) or "").strip()
    ]
    if missing:
        return (
            f"usuarios[{user.index}] has no {' or '.join(missing)}: "
            "its services cannot be given to a person"
        )
    return None


def _first(service: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        text = _text(service.get(name))
        if text is not None and text.strip():
            return text
    return None


def _text(value: Any) -> str | None:
    """A JSON scalar as the text a person reads in the file."""
    if value is None or value is _NESTED:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, float)):
        return str(int(value)) if value == int(value) else str(value)
    return str(value)


_AT = re.compile(r" at (\d+)$")


def _malformed(content: bytes, where: str) -> str:
    """Where the JSON breaks, in words and without quoting the file (it holds personal data).

    The fast parser reports no position, so the slow pure-Python one reads the file again,
    streaming, to find it: only files that are broken pay for it.
    """
    try:
        for _ in ijson.get_backend("python").basic_parse(io.BytesIO(content)):
            pass
    except ijson.JSONError as slow:
        cause = slow.__cause__ or (slow.args[0] if slow.args else None)
        if isinstance(cause, UnicodeDecodeError):
            return "the file is not UTF-8 text: RIPS JSON is saved as UTF-8; nothing in the file was taken"
        message = str(slow)
        if "Incomplete" in message:
            return f"the JSON stops before it is complete (after {where}): the file looks cut short; nothing in it was taken"
        if "Additional data" in message:
            return "there is more text after the end of the JSON document; nothing in the file was taken"
        match = _AT.search(message)
        if match:
            line, column = _line_and_column(content, int(match.group(1)))
            return f"the JSON is malformed at line {line}, column {column} (near {where}); nothing in the file was taken"
    except UnicodeDecodeError:
        return "the file is not UTF-8 text: RIPS JSON is saved as UTF-8; nothing in the file was taken"
    # The parsers disagree: say where the fast one stopped, never what it quotes of the file.
    return f"the JSON is malformed (near {where}); nothing in the file was taken"


def _line_and_column(content: bytes, offset: int) -> tuple[int, int]:
    text = content.decode("utf-8", errors="replace")
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
