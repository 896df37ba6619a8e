"""Benchmark: generate a large inbox, then run every month through the real job, in order.

    make bench                   # 300,000 people, 12 months, 10 operators
    python benchmarks/bench_pipeline.py --people 100000

Prints wall time per month (ingestion, validation, verdicts as of the month with their whole
history, pricing, ledger, checks) and the peak memory. The generated data is kept in
build/bench/ and reused when its parameters match, so a second run measures the pipeline alone.
Each operator gets a contract with the issue's default rules and a budget that never binds.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import time
from pathlib import Path

from pbr_pipeline.core.months import parse_month_range
from pbr_pipeline.runner import run_month
from pbr_pipeline.core.settings import PROJECT_ROOT, Settings
from pbr_pipeline.intake.summary import format_summary, summarise_month
from pbr_pipeline.synthetic import generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--months", default="2025-01..2025-12")
    parser.add_argument("--operators", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench")
    args = parser.parse_args()

    params = {"people": args.people, "months": args.months, "operators": args.operators, "seed": args.seed}
    data_dir, stamp = args.work / "data", args.work / "params.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != params:
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
        started = time.perf_counter()
        outcome = run_month(settings, month)
        print(f"run {month}: {time.perf_counter() - started:.1f} s, success={outcome.success}, "
              f"failed={list(outcome.failed_checks)}, peak {peak_rss_mb():,.0f} MB (process so far)", flush=True)
    print(format_summary(summarise_month(settings.warehouse, months[-1])))
    print(f"all {len(months)} months: {time.perf_counter() - total:.1f} s, peak {peak_rss_mb():,.0f} MB")
    return 0


def write_contracts(data_dir: Path) -> None:
    """One EMPLEO contract per operator found in the inbox, defaults for every rule."""
    operators = sorted({match.group(1).upper() for path in (data_dir / "inbox").rglob("op-*")
                        if (match := re.match(r"(op-\d+)", path.name))})
    folder = data_dir / "contracts"
    folder.mkdir(exist_ok=True)
    for operator in operators:
        (folder / f"{operator.lower()}.yaml").write_text(
            f"contract_id: EMP-{operator}\noperator: {operator}\nprogramme: EMPLEO\n"
            "valid_from: 2024-01-01\nvalid_to: 2026-12-31\nbudget_cop: 900000000000\n"
            "milestones:\n  COLOCACION: {price_cop: 1400000}\n  RETENCION_3M: {price_cop: 1400000}\n"
            "  RETENCION_6M: {price_cop: 280000}\n"
            "premiums:\n  stacking: highest\n  percent: {DISCAPACIDAD: 35, MIGRANTE: 20, VICTIMA: 20, MUJER: 10}\n"
        )


if __name__ == "__main__":
    sys.exit(main())
