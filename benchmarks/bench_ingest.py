"""Benchmark: generate a large inbox, then ingest and validate one month of it.

    make bench-ingest            # 300,000 people, 12 months, 10 operators
    python benchmarks/bench_ingest.py --people 100000

Prints wall time and peak memory of each stage. The data is kept in build/bench-ingest/ and
reused when its parameters match, so a second run measures the pipeline alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

from pbr_pipeline.months import parse_month_range
from pbr_pipeline.runner import run_month
from pbr_pipeline.settings import PROJECT_ROOT, Settings
from pbr_pipeline.summary import format_summary, summarise_month
from pbr_pipeline.synthetic import generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--months", default="2025-01..2025-12")
    parser.add_argument("--operators", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench-ingest")
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

    months = parse_month_range(args.months)
    settings = Settings(data_dir=data_dir, warehouse=args.work / "warehouse")
    for month in (months[0], months[-1]):
        started = time.perf_counter()
        outcome = run_month(settings, month)
        elapsed = time.perf_counter() - started
        print(format_summary(summarise_month(settings.warehouse, month)))
        print(f"run {month}: {elapsed:.1f} s, success={outcome.success}, peak {peak_rss_mb():,.0f} MB (process so far)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
