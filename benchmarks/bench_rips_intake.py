"""Benchmark: one large RIPS JSON invoice file through the RIPS intake.

    python benchmarks/bench_rips_intake.py                       # 50,000 services
    python benchmarks/bench_rips_intake.py --services 200000

Writes a RIPS JSON file of the Resolución 2275 shape (users with consultations, procedures,
medicines, emergencies, stays, newborns and other services; dates `yyyy-MM-dd HH:mm`) into
build/bench-rips, then measures, each in a fresh process so that peak memories do not mix:
- `read`: the streaming reader alone (`read_rips_json`);
- `ingest`: ingestion and validation as the monthly run does them (`ingest_table` and
  `validate_table` on the rips table);
- `json.load`: the whole document loaded as one Python object tree, for comparison (what the
  streaming reader avoids).
Prints the file's size, and per step the time and the peak resident memory above the process's
memory after its imports (VmHWM − VmRSS before the step).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2025-03"
FOLDER = f"inbox/{MONTH}/registros/rips"


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _service(kind: str, number: int, rng: random.Random) -> dict:
    day = f"2025-02-{rng.randint(1, 28):02d} {rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}"
    professional = {"tipoDocumentoIdentificacion": "CC", "numDocumentoIdentificacion": str(rng.randint(10_000_000, 99_999_999))}
    common = {"codPrestador": "680010012301", "numAutorizacion": None, "consecutivo": number}
    values = {"vrServicio": rng.randint(2_000, 200_000), "conceptoRecaudo": "05", "valorPagoModerador": 0, "numFEVPagoModerador": None}
    if kind == "consultas":
        return common | professional | values | {
            "fechaInicioAtencion": day, "codConsulta": "890201", "modalidadGrupoServicioTecSal": "01", "grupoServicios": "01",
            "codServicio": 328, "finalidadTecnologiaSalud": rng.choice(["23", "15", "11"]), "causaMotivoAtencion": "38",
            "codDiagnosticoPrincipal": rng.choice(["Z340", "Z348", "B24X", "A150", "J069"]), "codDiagnosticoRelacionado1": None,
            "codDiagnosticoRelacionado2": None, "codDiagnosticoRelacionado3": None, "tipoDiagnosticoPrincipal": "01"}
    if kind == "procedimientos":
        return common | professional | values | {
            "fechaInicioAtencion": day, "idMIPRES": None, "codProcedimiento": "881431", "viaIngresoServicioSalud": "02",
            "modalidadGrupoServicioTecSal": "01", "grupoServicios": "02", "codServicio": 706, "finalidadTecnologiaSalud": "23",
            "codDiagnosticoPrincipal": "Z341", "codDiagnosticoRelacionado": None, "codComplicacion": None}
    if kind == "medicamentos":
        return common | professional | values | {
            "idMIPRES": None, "fechaDispensAdmon": day, "codDiagnosticoPrincipal": "B24X", "codDiagnosticoRelacionado": None,
            "tipoMedicamento": "01", "codTecnologiaSalud": "20101583-01", "nomTecnologiaSalud": "EFAVIRENZ/EMTRICITABINA/TENOFOVIR",
            "concentracionMedicamento": 600, "unidadMedida": 168, "formaFarmaceutica": "TABLETA", "unidadMinDispensa": 72,
            "cantidadMedicamento": 30, "diasTratamiento": 30, "vrUnitMedicamento": 5200}
    if kind in ("urgencias", "hospitalizacion"):
        return common | {
            "fechaInicioAtencion": day, "causaMotivoAtencion": "38", "codDiagnosticoPrincipal": "A150",
            "codDiagnosticoPrincipalE": "A150", "codDiagnosticoRelacionadoE1": None, "codDiagnosticoRelacionadoE2": None,
            "codDiagnosticoRelacionadoE3": None, "condicionDestinoUsuarioEgreso": "01", "codDiagnosticoCausaMuerte": None,
            "fechaEgreso": day}
    if kind == "recienNacidos":
        return common | {
            "tipoDocumentoIdentificacion": "CN", "numDocumentoIdentificacion": str(rng.randint(10**12, 10**13 - 1)),
            "fechaNacimiento": day, "edadGestacional": 39, "numConsultasCPrenatal": rng.randint(0, 9), "codSexoBiologico": "F",
            "peso": 3200, "codDiagnosticoPrincipal": "Z380", "condicionDestinoUsuarioEgreso": "01",
            "codDiagnosticoCausaMuerte": None, "fechaEgreso": day}
    return common | professional | values | {
        "idMIPRES": None, "fechaSuministroTecnologia": day, "tipoOS": "01", "codTecnologiaSalud": "JERI002",
        "nomTecnologiaSalud": "JERINGA 10 ML", "cantidadOS": 1, "vrUnitOS": 2014}


KIND_WEIGHTS = {"consultas": 40, "procedimientos": 20, "medicamentos": 25, "otrosServicios": 8, "urgencias": 4,
                "hospitalizacion": 2, "recienNacidos": 1}


def write_invoice(path: Path, services: int, seed: int) -> None:
    """A RIPS JSON file with `services` services, written user by user (never held whole)."""
    rng = random.Random(seed)
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"numDocumentoIdObligado": "890201235", "numFactura": "FEBU900001", "tipoNota": null, "numNota": null,\n "usuarios": [')
        written, user = 0, 0
        while written < services:
            count = min(rng.randint(1, 20), services - written)
            lists: dict[str, list] = {kind: [] for kind in kinds}
            for kind in rng.choices(kinds, weights, k=count):
                lists[kind].append(_service(kind, len(lists[kind]) + 1, rng))
            record = {
                "tipoDocumentoIdentificacion": "CC", "numDocumentoIdentificacion": str(1_000_000_000 + user),
                "tipoUsuario": "04", "fechaNacimiento": f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "codSexo": rng.choice("FM"), "codPaisResidencia": "170", "codMunicipioResidencia": "68001",
                "codZonaTerritorialResidencia": "02", "incapacidad": "NO", "consecutivo": user + 1, "codPaisOrigen": "170",
                "servicios": lists,
            }
            out.write(("," if user else "") + "\n  " + json.dumps(record, ensure_ascii=False))
            written, user = written + count, user + 1
        out.write("\n ]\n}\n")


def child(step: str, data_dir: Path, file: Path) -> None:
    """One step, measured in this (fresh) process; prints one JSON line."""
    import polars as pl  # noqa: F401  (imports count in the baseline, not in the step)

    from pbr_pipeline.intake.ingest import ingest_table
    from pbr_pipeline.intake.input_table import InputTable
    from pbr_pipeline.intake.rips_json import read_rips_json
    from pbr_pipeline.intake.validate import validate_table
    from schemas.registries.rips import RipsServices

    table = InputTable("rips", RipsServices, inbox_folder="registros/rips")
    base = _memory_kb("VmRSS")
    started = time.perf_counter()
    if step == "read":
        rows = read_rips_json(file.read_bytes()).frame.height
    elif step == "ingest":
        validated = validate_table(ingest_table(data_dir, MONTH, table).frame, table)
        rows = validated.valid.height
        assert validated.rejected.height == 0, validated.rejected.head()
    else:
        with file.open("rb") as handle:
            document = json.load(handle)
        rows = sum(len(items or []) for user in document["usuarios"] for items in user["servicios"].values())
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_above_base_mb": (_memory_kb("VmHWM") - base) / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench-rips")
    parser.add_argument("--child", choices=["read", "ingest", "json.load"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.work / "data"
    file = data_dir / FOLDER / f"rips_{args.services}.json"
    if args.child:
        child(args.child, data_dir, file)
        return
    for old in (data_dir / FOLDER).glob("*.json") if (data_dir / FOLDER).is_dir() else []:
        if old != file:
            old.unlink()
    if not file.exists():
        started = time.perf_counter()
        write_invoice(file, args.services, args.seed)
        print(f"wrote {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file} in {time.perf_counter() - started:.1f} s")
    print(f"{args.services:,} services, {file.stat().st_size / 1e6:.1f} MB")
    print(f"{'step':<10}{'rows':>10}{'seconds':>10}{'peak MB':>10}")
    for step in ("read", "ingest", "json.load"):
        command = [sys.executable, __file__, "--services", str(args.services), "--work", str(args.work), "--child", step]
        result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=_env())
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{step:<10}{figures['rows']:>10,}{figures['seconds']:>10.2f}{figures['peak_above_base_mb']:>10.0f}")


def _env() -> dict:
    import os

    return os.environ | {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


if __name__ == "__main__":
    main()
