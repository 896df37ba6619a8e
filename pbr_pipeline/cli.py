"""`pbr`: run the monthly pipeline and generate synthetic data from the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pbr_pipeline.months import month_range, parse_month, parse_month_range
from pbr_pipeline.settings import DEFAULT_WAREHOUSE, SAMPLE_DATA_DIR, Settings


def _run(args: argparse.Namespace) -> int:
    from pbr_pipeline.ingest import inbox_months
    from pbr_pipeline.runner import run_month
    from pbr_pipeline.summary import format_summary, summarise_month

    settings = Settings(data_dir=Path(args.data_dir).resolve(), warehouse=Path(args.warehouse).resolve())
    if not (settings.data_dir / "inbox").is_dir():
        print(f"pbr: {settings.data_dir} has no inbox/ folder; is --data-dir right?", file=sys.stderr)
        return 2
    received = inbox_months(settings.data_dir)
    if args.all and not received:
        print(f"pbr: {settings.data_dir / 'inbox'} has no YYYY-MM folders", file=sys.stderr)
        return 2
    # Every calendar month, even one without files: the registry horizon moves every month,
    # and what becomes payable in a month is paid in that month's partition.
    months = month_range(received[0], received[-1]) if args.all else [args.month]
    print(f"data: {settings.data_dir}\nwarehouse: {settings.warehouse}")
    failures = 0
    for month in months:
        if not (settings.data_dir / "inbox" / month).is_dir():
            print(f"note: no inbox folder for {month}; the month runs with no files", file=sys.stderr)
        started = time.perf_counter()
        outcome = run_month(settings, month, log_level=args.log_level)
        if outcome.ingested_first:
            print(f"{month}: ingested earlier months first: {', '.join(outcome.ingested_first)}")
        if not outcome.success:
            failures += 1
            checks = ", ".join(outcome.failed_checks) or "none (a step failed; see the log above)"
            print(f"{month}: FAILED after {time.perf_counter() - started:.1f} s; failed checks: {checks}")
            continue
        print(format_summary(summarise_month(settings.warehouse, month)))
        warnings = f"; warnings: {', '.join(outcome.warnings)}" if outcome.warnings else ""
        print(f"  done in {time.perf_counter() - started:.1f} s, every blocking check passed{warnings}")
    return 1 if failures else 0


def _generate(args: argparse.Namespace) -> int:
    from pbr_pipeline.synthetic import generate

    summary = generate(
        Path(args.out),
        seed=args.seed,
        people=args.people,
        months=parse_month_range(args.months),
        operators=args.operators,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(summary)
    return 0


def _month_argument(text: str) -> str:
    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _month_range_argument(text: str) -> str:
    try:
        parse_month_range(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pbr", description="Bucaramanga pays for results: the verification pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="materialize one month (or every inbox month) in this process")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=_month_argument, help="the month to run, YYYY-MM")
    which.add_argument("--all", action="store_true", help="every month of the inbox, oldest first")
    run.add_argument("--data-dir", default=str(SAMPLE_DATA_DIR), help="folder with inbox/, reference/, contracts/ (default: the committed sample)")
    run.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="where the Parquet tables go (default: ./warehouse)")
    run.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="Dagster log level (default: WARNING)")
    run.set_defaults(handler=_run)

    gen = commands.add_parser("generate", help="write seeded synthetic inbox data and its ground truth")
    gen.add_argument("--out", required=True, help="data directory to write")
    gen.add_argument("--seed", type=int, default=1, help="random seed; same seed, same files")
    gen.add_argument("--people", type=int, default=400, help="size of the synthetic population")
    gen.add_argument("--months", type=_month_range_argument, default="2025-01..2025-08", help="YYYY-MM..YYYY-MM")
    gen.add_argument("--operators", type=int, default=3, help="number of operators")
    gen.set_defaults(handler=_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
