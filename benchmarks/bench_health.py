"""Benchmark: one month of RIPS at the city's scale (about two million services), ingested and
verified by the real job.

    make bench-health                                   # 2,000,000 RIPS services in one month
    python benchmarks/bench_health.py --rows 500000 --people 20000

Generates, and keeps in build/bench-health/ (reused when its parameters match), a data set of
one inbox month: `--people` people for the employment and English programmes plus the health
programmes' enrolees with their rosters, claims and RIPS (`pbr_pipeline.synthetic.generate`),
then RIPS of people nobody enrols up to `--rows` services in that month's inbox
(`synthetic.health.bulk`: RIPS JSON invoices of 2,000 patients, the pharmacy's flat CSV). Each
operator gets a contract for its programme with the default rules (bench_pipeline).

Then, each in a fresh process so that peak memories do not mix:
- `rips intake`: the month's RIPS files read and validated (`ingest_table`, `validate_table`);
- `month`: the month through the real job (ingestion and validation of every file, the second
  pass, verdicts, pricing, ledger, checks, manifest), as `pbr run --month` runs it;
and prints rows, wall time and peak resident memory of each: the process's own (VmHWM), and
the process's with its file-reading workers (sampled every 50 ms).
"""

from __future__ import annotations

import argparse
import json
import shutil
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_pipeline import peak_rss_mb, write_contracts  # noqa: E402

from pbr_pipeline.core.settings import PROJECT_ROOT, Settings  # noqa: E402

MONTH = "2025-06"


class TreeMemory:
    """The peak of this process's resident memory plus its worker processes' (the files of a
    large month are read in spawned workers), sampled every 50 ms while the step runs."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in (os.getpid(), *_children(os.getpid()))))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child_pid in task.read_text().split():
            found += [int(child_pid), *_children(int(child_pid))]
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the worker has just ended
        pass
    return 0.0


def child(step: str, work: Path) -> None:
    """One step, measured in this (fresh) process; prints one JSON line."""
    with TreeMemory() as tree:
        result = _step(step, work)
    print(json.dumps(result | {"peak_mb": peak_rss_mb(), "tree_peak_mb": tree.peak_mb}))


def _step(step: str, work: Path) -> dict:
    data_dir = work / "data"
    started = time.perf_counter()
    if step == "rips":
        from pbr_pipeline.intake.ingest import ingest_table
        from pbr_pipeline.intake.validate import validate_table
        from pbr_pipeline.programmes.rips import RIPS

        validated = validate_table(ingest_table(data_dir, MONTH, RIPS.table).frame, RIPS.table)
        result = {"rows": validated.valid.height + validated.rejected.select("source_file", "source_row").unique().height,
                  "success": True}
    else:
        from pbr_pipeline.runner import run_month

        outcome = run_month(Settings(data_dir=data_dir, warehouse=work / "warehouse"), MONTH)
        result = {"rows": None, "success": outcome.success,
                  "failed": list(outcome.failed_checks) + list(outcome.warnings)}
    return result | {"seconds": time.perf_counter() - started}


def generate_data(work: Path, *, people: int, rows: int, seed: int) -> None:
    from pbr_pipeline.synthetic import generate
    from pbr_pipeline.synthetic.health.bulk import write_bulk_month

    def say(line: str) -> None:
        print(f"  {line}", file=sys.stderr, flush=True)

    data_dir = work / "data"
    started = time.perf_counter()
    summary = generate(data_dir, seed=seed, people=people, months=[MONTH], operators=3, progress=say)
    taken = _numbers(data_dir)
    more = max(0, rows - summary.rips_rows)
    files = write_bulk_month(data_dir, seed=seed, month=MONTH, rows=more, taken=taken,
                             id_offset=10_000_000, say=say) if more else []
    total = summary.rips_rows + sum(record.data_rows for record in files)
    print(f"generate: {time.perf_counter() - started:.1f} s, {total:,} RIPS rows "
          f"({summary.rips_rows:,} of the programmes' people), peak {peak_rss_mb():,.0f} MB")


def _numbers(data_dir: Path) -> np.ndarray:
    """Every document number the generated data set gives a person (the bulk avoids them)."""
    import polars as pl

    people = pl.read_csv(data_dir / "ground_truth" / "people.csv", infer_schema=False)
    numbers = people["documentos"].str.extract_all(r"\d{6,}").explode().drop_nulls().unique()
    return np.sort(numbers.cast(pl.Int64, strict=False).drop_nulls().to_numpy())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000, help="RIPS services in the month's inbox")
    parser.add_argument("--people", type=int, default=20_000, help="people of the generated data set")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench-health")
    parser.add_argument("--child", choices=["rips", "month"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.work)
        return 0

    params = {"rows": args.rows, "people": args.people, "seed": args.seed, "month": MONTH}
    stamp = args.work / "params.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != params:
        shutil.rmtree(args.work, ignore_errors=True)
        generate_data(args.work, people=args.people, rows=args.rows, seed=args.seed)
        stamp.write_text(json.dumps(params))
    write_contracts(args.work / "data")
    rips = sorted((args.work / "data" / "inbox" / MONTH / "registros" / "rips").iterdir())
    size = sum(path.stat().st_size for path in rips) / 1e6
    print(f"{MONTH}: {len(rips)} RIPS files ({sum(p.suffix == '.json' for p in rips)} JSON), {size:,.0f} MB")
    print(f"{'step':<14}{'rows':>12}{'seconds':>10}{'peak MB':>10}{'with workers':>14}")
    for step, label in (("rips", "rips intake"), ("month", "month")):
        shutil.rmtree(args.work / "warehouse", ignore_errors=True)
        command = [sys.executable, __file__, "--work", str(args.work), "--child", step]
        child_run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if child_run.returncode != 0:
            print(child_run.stderr[-4000:], file=sys.stderr)
            return 1
        result = json.loads(child_run.stdout.strip().splitlines()[-1])
        rows = f"{result['rows']:,}" if result["rows"] is not None else ""
        print(f"{label:<14}{rows:>12}{result['seconds']:>10.1f}{result['peak_mb']:>10,.0f}{result['tree_peak_mb']:>14,.0f}"
              + ("" if result["success"] else f"   FAILED {result.get('failed')}"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
