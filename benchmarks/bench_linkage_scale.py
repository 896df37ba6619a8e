"""Benchmark: probabilistic linkage of 1M claimants against a 10M-person registry.

    make bench-linkage-scale
    python benchmarks/bench_linkage_scale.py --registry 2000000 --claimants 200000

1. Generate (seeded, numpy/polars) the registry and the claimants with their defects and the
   truth; kept in build/linkage-scale/<size>/ and reused while the parameters match.
2. Train the model once (u by random sampling, m by EM) and keep its JSON beside the data.
3. In a fresh process (so the peak memory is the scoring's own): read both Parquet files,
   then time `score` (folding, blocking, comparisons, prediction) + `decide`, and report the
   wall time, the peak RSS (getrusage), the pairs, and precision and recall against the truth.
The targets are ≤ 30 s and ≤ 8 GB for 1M × 10M on this 2-core, 24 GB machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from pbr_pipeline.identity.linkage import LinkageModel, Thresholds, decide, score, train_model  # noqa: E402
from pbr_pipeline.identity.linkage.synthetic import make_people  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(args: argparse.Namespace) -> Path:
    params = {"registry": args.registry, "claimants": args.claimants, "seed": args.seed,
              "registry_birth_dates": not args.registry_without_birth_dates, "generator": 1}
    folder = args.work / f"r{args.registry}-c{args.claimants}-s{args.seed}{'-nodob' if args.registry_without_birth_dates else ''}"
    stamp = folder / "params.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != params:
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        people = make_people(registry_size=args.registry, claimants=args.claimants, seed=args.seed,
                             registry_birth_dates=not args.registry_without_birth_dates)
        people.registry.write_parquet(folder / "registry.parquet")
        people.claimants.write_parquet(folder / "claimants.parquet")
        people.truth.write_parquet(folder / "truth.parquet")
        (folder / "model.json").unlink(missing_ok=True)
        stamp.write_text(json.dumps(params))
        print(f"generate: {time.perf_counter() - started:.1f} s, peak {peak_rss_mb():,.0f} MB", flush=True)
    if not (folder / "model.json").exists() or args.retrain:
        registry = pl.read_parquet(folder / "registry.parquet")
        claimants = pl.read_parquet(folder / "claimants.parquet")
        started = time.perf_counter()
        model = train_model(claimants, registry, seed=args.seed)
        model.save(folder / "model.json")
        print(f"train: {time.perf_counter() - started:.1f} s — {model.note}", flush=True)
    return folder


def measure(folder: Path, args: argparse.Namespace) -> dict:
    """Runs in its own process: read the files, score, decide; report time, memory, quality."""
    model = LinkageModel.load(folder / "model.json")
    started = time.perf_counter()
    registry = pl.read_parquet(folder / "registry.parquet")
    claimants = pl.read_parquet(folder / "claimants.parquet")
    read = time.perf_counter() - started
    started = time.perf_counter()
    pairs = score(claimants, registry, model, memory_limit=args.memory_limit, temp_dir=args.work)
    scored = time.perf_counter() - started
    decisions = decide(pairs, Thresholds())
    total = time.perf_counter() - started
    peak = peak_rss_mb()
    truth = pl.read_parquet(folder / "truth.parquet")
    joined = truth.join(decisions, on="left_id", how="left", suffix="_linked")
    accepted = joined.filter(pl.col("decision") == "ACCEPT")
    right = accepted.filter(pl.col("right_id") == pl.col("right_id_linked")).height
    review = joined.filter(pl.col("decision") == "REVIEW")
    in_registry = truth.filter(pl.col("right_id").is_not_null()).height
    return {
        "read_s": round(read, 1), "score_s": round(scored, 1), "score_decide_s": round(total, 1),
        "peak_rss_mb": round(peak), "pairs": pairs.height,
        "accepted": accepted.height, "accepted_wrong": accepted.height - right,
        "precision": round(right / max(accepted.height, 1), 5),
        "recall_accepted": round(right / max(in_registry, 1), 5),
        "review": review.height,
        "review_right": review.filter(pl.col("right_id") == pl.col("right_id_linked")).height,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=int, default=10_000_000)
    parser.add_argument("--claimants", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit (default 6GB)")
    parser.add_argument("--registry-without-birth-dates", action="store_true", help="a PILA-like registry")
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times (fresh process each); the machine may be shared")
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "linkage-scale")
    parser.add_argument("--measure-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.measure_only, args)))
        return 0
    if args.prepare_only:
        print(f"folder: {prepare(args)}")
        return 0
    # Generation and training run in a process of their own, so the measuring process starts
    # from a machine with its memory back.
    shared = ["--registry", str(args.registry), "--claimants", str(args.claimants), "--seed", str(args.seed),
              "--work", str(args.work)] + (["--registry-without-birth-dates"] if args.registry_without_birth_dates else [])
    prepared = subprocess.run([sys.executable, __file__, "--prepare-only", *shared] + (["--retrain"] if args.retrain else []),
                              check=True, capture_output=True, text=True)
    *progress, last = prepared.stdout.strip().splitlines()
    for line in progress:
        print(line)
    folder = Path(last.removeprefix("folder: "))
    command = [sys.executable, __file__, "--measure-only", str(folder), "--memory-limit", args.memory_limit,
               "--work", str(args.work)]
    results = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
               for _ in range(max(1, args.repeat))]
    print(f"{args.claimants:,} claimants × {args.registry:,} registry people"
          f"{' (registry without birth dates)' if args.registry_without_birth_dates else ''}:")
    for result in results:
        print(f"  read Parquet {result['read_s']} s; score {result['score_s']} s; score + decide {result['score_decide_s']} s "
              f"(target ≤ 30 s); peak RSS {result['peak_rss_mb']:,} MB (target ≤ 8,192 MB)")
    if len(results) > 1:
        print(f"  best of {len(results)}: score + decide {min(r['score_decide_s'] for r in results)} s, "
              f"peak RSS {min(r['peak_rss_mb'] for r in results):,} MB")
    result = results[-1]
    print(f"  {result['pairs']:,} candidate pairs; ACCEPT {result['accepted']:,} (wrong {result['accepted_wrong']:,}, "
          f"precision {result['precision']}), recall of accepted {result['recall_accepted']}; "
          f"REVIEW {result['review']:,} ({result['review_right']:,} with the right person first)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
