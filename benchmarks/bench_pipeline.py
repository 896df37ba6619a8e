"""Benchmark: generate a large inbox, then run every month through the real job, in order.

    make bench                   # 300,000 people, 12 months, 10 operators
    python benchmarks/bench_pipeline.py --people 100000
    python benchmarks/bench_pipeline.py --repeat 0  # the pass alone

Each month runs in a fresh process, as the monthly schedule runs it, building on the stored
state of the month before: the wall time (ingestion, validation, the second pass, verdicts,
pricing, ledger, checks, manifest) and that process's peak memory are printed per month. The
generated data is kept in build/bench/ and reused when its parameters and the generator's
source match, so a second run measures the pipeline alone. Each operator gets a contract for its programme with the default
rules and a budget that never binds. Then the second and the last month are rerun `--repeat`
times each (3), and the ratio of their median times is printed. Last, each programme's inbox
(its operators' files and the registries it reads) is run alone, month by month, for the
programme's own time and peak memory (`--by-programme 0` skips it).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pbr_pipeline.core.months import parse_month_range
from pbr_pipeline.programmes import PROGRAMMES, Programme
from pbr_pipeline.runner import run_month
from pbr_pipeline.core.settings import PROJECT_ROOT, Settings
from pbr_pipeline.intake.summary import format_summary, summarise_month


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM first: ru_maxrss carries the parent's peak
    into a child started with fork and exec, which would hide a month's own figure."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--months", default="2025-01..2025-12")
    parser.add_argument("--operators", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench")
    parser.add_argument("--repeat", type=int, default=3,
                        help="reruns of the second and the last month after the pass (0: none); their medians give the ratio")
    parser.add_argument("--by-programme", type=int, default=1,
                        help="then run every programme's inbox alone, month by month, for its time and peak memory (0: skip)")
    parser.add_argument("--one-month", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_month:
        return one_month(args.one_month, args.work)

    params = {"people": args.people, "months": args.months, "operators": args.operators, "seed": args.seed,
              "generator": generator_version()}
    data_dir, stamp = args.work / "data", args.work / "params.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != params:
        from pbr_pipeline.synthetic import generate  # only to make the data: a month's run never imports it

        shutil.rmtree(args.work, ignore_errors=True)
        started = time.perf_counter()
        summary = generate(data_dir, seed=args.seed, people=args.people, months=parse_month_range(args.months),
                           operators=args.operators, progress=lambda line: print(f"  {line}", file=sys.stderr))
        print(f"generate: {time.perf_counter() - started:.1f} s, {summary.pila_rows:,} pila rows, "
              f"{summary.claims:,} claims, peak {peak_rss_mb():,.0f} MB")
        stamp.write_text(json.dumps(params))

    write_contracts(data_dir)
    months = parse_month_range(args.months)
    settings = Settings(data_dir=data_dir, warehouse=args.work / "warehouse")
    shutil.rmtree(settings.warehouse, ignore_errors=True)
    total = time.perf_counter()
    for month in months:
        result = _run_fresh(month, args.work)
        if result is None:
            return 1
        print(f"run {month}: {result['seconds']:.1f} s, peak {result['peak_mb']:,.0f} MB, success={result['success']}, "
              f"failed={result['failed']}", flush=True)
    print(format_summary(summarise_month(settings.warehouse, months[-1])))
    print(f"all {len(months)} months: {time.perf_counter() - total:.1f} s")
    if args.repeat and len(months) > 2 and _second_and_last(months[1], months[-1], args.work, args.repeat):
        return 1
    return _by_programme(data_dir, months, args.work / "programmes") if args.by_programme else 0


def generator_version() -> str:
    """A digest of the generator's source: cached data made by another version is made again
    (a programme added to the generator would otherwise be missing from the benchmark)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "pbr_pipeline" / "synthetic").rglob("*.py")):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _run_fresh(month: str, work: Path) -> dict | None:
    """One month in a fresh process: its JSON line, or None (and its error printed) when it failed."""
    child = subprocess.run([sys.executable, __file__, "--one-month", month, "--work", str(work)], capture_output=True, text=True)
    if child.returncode != 0:
        print(child.stderr[-4000:], file=sys.stderr)
        return None
    return json.loads(child.stdout.strip().splitlines()[-1])


def _second_and_last(second: str, last: str, work: Path, repeat: int) -> int:
    """Rerun the second and the last month `repeat` times each, alternating (an open month's
    rerun writes the same bytes, so the months after it still build on what they read): one
    month's wall time on a shared machine varies by a fifth from run to run, and the target is
    their ratio, so it is given on the medians."""
    times: dict[str, list[float]] = {second: [], last: []}
    for _ in range(repeat):
        for month in (second, last):
            result = _run_fresh(month, work)
            if result is None:
                return 1
            times[month].append(result["seconds"])
    medians = {month: statistics.median(values) for month, values in times.items()}
    for month, values in times.items():
        print(f"rerun {month}: {', '.join(f'{value:.1f}' for value in values)} s (median {medians[month]:.1f} s)")
    print(f"last month / second month (medians): {medians[last] / medians[second]:.2f}")
    return 0


def programme_inbox(data_dir: Path, programme: Programme, target: Path) -> int:
    """`target`: a data directory with only `programme`'s files of `data_dir` (its operators'
    rosters and claims, the registries it reads, the reference tables and review decisions),
    hard-linked where the file system allows; its contracts are written as for the whole
    inbox. Returns the number of inbox files."""
    shutil.rmtree(target, ignore_errors=True)
    slug = programme.code.lower()
    folders = {registry.table.inbox_folder for registry in programme.registries}
    files = 0
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file() or "contracts" in path.relative_to(data_dir).parts[:1]:
            continue
        relative = path.relative_to(data_dir)
        if relative.parts[0] == "inbox":
            folder = "/".join(relative.parts[2:-1])
            named = re.match(rf"op-\d+_{slug}_\d{{4}}-\d{{2}}", path.name) is not None
            if not (folder in folders or (folder in ("inscripciones", "reportes") and named) or folder == "revisiones"):
                continue
            files += 1
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            copy.hardlink_to(path)
        except OSError:
            shutil.copyfile(path, copy)
    write_contracts(target)
    return files


def _by_programme(data_dir: Path, months: list[str], work: Path) -> int:
    """Every programme's inbox run alone, month by month in fresh processes: its total time,
    its slowest month and its peak memory (the Dagster job is the whole job each time; the
    other programmes' tables are empty)."""
    rows = []
    for programme in PROGRAMMES:
        files = programme_inbox(data_dir, programme, work / programme.code.lower() / "data")
        if not any((work / programme.code.lower() / "data" / "contracts").iterdir()):
            print(f"{programme.code}: no operator files in the generated inbox, skipped", flush=True)
            continue
        seconds, peaks = [], []
        for month in months:
            result = _run_fresh(month, work / programme.code.lower())
            if result is None or not result["success"]:
                print(f"{programme.code} {month}: failed {result['failed'] if result else ''}", file=sys.stderr)
                return 1
            seconds.append(result["seconds"])
            peaks.append(result["peak_mb"])
        rows.append((programme.code, files, sum(seconds), max(seconds), max(peaks)))
        print(f"{programme.code}: {files:,} inbox files, {len(months)} months in {sum(seconds):.1f} s "
              f"(slowest month {max(seconds):.1f} s), peak {max(peaks):,.0f} MB", flush=True)
    print("\nprogramme              files   all months (s)   slowest month (s)   peak (MB)")
    for code, files, total, slowest, peak in rows:
        print(f"{code:<20} {files:>8,} {total:>16.1f} {slowest:>19.1f} {peak:>11,.0f}")
    return 0


def one_month(month: str, work: Path) -> int:
    """Run one month in this (fresh) process and print its time and peak memory as JSON."""
    settings = Settings(data_dir=work / "data", warehouse=work / "warehouse")
    started = time.perf_counter()
    outcome = run_month(settings, month)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_rss_mb(), "success": outcome.success,
                      "failed": list(outcome.failed_checks) + list(outcome.warnings)}))
    return 0 if outcome.success else 1


CONTRACT_TERMS = {
    "EMPLEO": (
        "milestones:\n  COLOCACION: {price_cop: 1400000}\n  RETENCION_3M: {price_cop: 1400000}\n"
        "  RETENCION_6M: {price_cop: 280000}\n"
        "premiums:\n  stacking: highest\n  percent: {DISCAPACIDAD: 35, MIGRANTE: 20, VICTIMA: 20, MUJER: 10}\n"
    ),
    "BILINGUISMO": "milestones:\n  CERTIFICACION_B1:\n    price_cop_by_role: {DOCENTE: 2500000, ESTUDIANTE: 900000}\n",
    "SALUD_MATERNA": "milestones:\n  CONTROLES_PRENATALES: {price_cop: 600000}\n",
    "SALUD_TRANSMISIBLES": "milestones:\n  CASO_ADHERENTE: {price_cop: 1500000}\n",
    "HABITANZA_CALLE": "milestones:\n  SUPERA_POBREZA_EXTREMA: {price_cop: 3000000}\n",
    "EMPRENDIMIENTO": "milestones:\n  EMPRENDIMIENTO_CREADO: {price_cop: 1500000}\n  AUMENTO_INGRESOS: {price_cop: 2000000}\n",
    "CREDITO_MIPYME": "milestones:\n  CREDITO_DESEMBOLSADO: {price_cop: 800000}\n",
    "AGRO": "milestones:\n  AUMENTO_PRODUCTIVIDAD: {price_cop: 5000000}\n",
}


def write_contracts(data_dir: Path) -> None:
    """One contract per operator found in the inbox, for the programme its files name
    (`op-004_bilinguismo_…`), defaults for every rule."""
    found = {(match.group(1).upper(), match.group(2).upper()) for path in (data_dir / "inbox").rglob("op-*")
             if (match := re.match(r"(op-\d+)_([a-z_]+?)_\d{4}-\d{2}", path.name))}
    folder = data_dir / "contracts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for operator, programme in sorted(found):
        (folder / f"{operator.lower()}.yaml").write_text(
            f"contract_id: {programme[:3]}-{operator}\noperator: {operator}\nprogramme: {programme}\n"
            "valid_from: 2024-01-01\nvalid_to: 2026-12-31\nbudget_cop: 900000000000\n" + CONTRACT_TERMS[programme]
        )


if __name__ == "__main__":
    sys.exit(main())
