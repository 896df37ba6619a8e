"""`pbr`: run the monthly pipeline, generate synthetic data and link person files from the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pbr_pipeline.core.months import month_range, parse_month, parse_month_range
from pbr_pipeline.core.settings import DEFAULT_WAREHOUSE, SAMPLE_DATA_DIR, Settings


def _run(args: argparse.Namespace) -> int:
    from pbr_pipeline.intake.ingest import inbox_months
    from pbr_pipeline.runner import run_month
    from pbr_pipeline.intake.summary import format_summary, summarise_month

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
        if outcome.ran_first:
            print(f"{month}: ran earlier months first, in order (it builds on them): {', '.join(outcome.ran_first)}")
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
    from pbr_pipeline.synthetic import LEVELS, generate

    summary = generate(
        Path(args.out),
        seed=args.seed,
        people=args.people,
        months=parse_month_range(args.months),
        operators=args.operators,
        noise=LEVELS[args.noise],
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(summary)
    return 0


def _link(args: argparse.Namespace) -> int:
    import polars as pl

    from pbr_pipeline.identity.linkage import LinkageModel, Thresholds, decide, explain, score, train_model, write_charts
    from pbr_pipeline.identity.linkage.files import read_people

    try:
        left, right = read_people(Path(args.left)), read_people(Path(args.right))
        chosen = {k: v for k, v in (("accept", args.accept), ("review", args.review),
                                     ("ambiguity_margin", args.ambiguity_margin)) if v is not None}
        thresholds = Thresholds(**chosen)
    except (OSError, ValueError) as error:
        print(f"pbr link: {error}", file=sys.stderr)
        return 2
    model = LinkageModel.load(Path(args.model)) if args.model else train_model(left, right, seed=args.seed)
    print(f"model: {model.note}")
    if args.save_model:
        print(f"model saved to {model.save(Path(args.save_model))}")
    pairs = score(left, right, model)
    decisions = decide(pairs, thresholds)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    accepted = decisions.filter(pl.col("decision") == "ACCEPT").select("left_id", "right_id", "match_probability", "match_weight")
    accepted.write_parquet(out)
    counts = {d: decisions.filter(pl.col("decision") == d).height for d in ("ACCEPT", "REVIEW", "NONE")}
    print(f"{left.height:,} left rows, {right.height:,} right rows, {pairs.height:,} candidate pairs: "
          f"ACCEPT {counts['ACCEPT']:,}, REVIEW {counts['REVIEW']:,}, NONE {counts['NONE']:,}, "
          f"no candidate {left.height - decisions.height:,}")
    print(f"accepted links: {out}")
    if args.explain:
        best = decisions.select("left_id", "right_id", "decision", "ambiguous")
        explained = best.join(explain(pairs, left, right), on=["left_id", "right_id"], how="left")
        explained = explained.filter(pl.col("decision") != "NONE")
        explanation = out.with_name(out.stem + ".explain.parquet")
        explained.write_parquet(explanation)
        charts = write_charts(model, pairs.join(best.filter(pl.col("decision") == "REVIEW"), on=["left_id", "right_id"], how="semi"),
                              out.with_name(out.stem + ".charts"))
        print(f"explanation (accepted and review links, field by field): {explanation}")
        print(f"charts: {', '.join(str(path) for path in charts)}")
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
    gen.add_argument("--noise", default="realistic", choices=["none", "low", "realistic", "high"],
                     help="how often records of one person disagree: typos, types, names, birth dates (default: realistic)")
    gen.set_defaults(handler=_generate)

    link = commands.add_parser("link", help="link two person files probabilistically (Splink) and write the accepted links")
    link.add_argument("left", help="CSV or Parquet with the published person columns (and an optional id column)")
    link.add_argument("right", help="the file to find each left row in (a registry)")
    link.add_argument("--out", required=True, help="Parquet of accepted links: left_id, right_id, match_probability, match_weight")
    link.add_argument("--explain", action="store_true",
                      help="also write OUT.explain.parquet (accepted and review links side by side) and OUT.charts/ (offline HTML)")
    link.add_argument("--model", help="a saved model JSON to use instead of training on these files")
    link.add_argument("--save-model", help="where to save the model JSON used")
    link.add_argument("--seed", type=int, default=1, help="random seed for training (default 1)")
    link.add_argument("--accept", type=float, help="accept at match probability >= this (default: Thresholds.accept, 0.999)")
    link.add_argument("--review", type=float, help="review from this probability up (default: Thresholds.review, 0.80)")
    link.add_argument("--ambiguity-margin", type=float,
                      help="bits of match weight under which a runner-up makes a link ambiguous (default: 2.0)")
    link.set_defaults(handler=_link)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
