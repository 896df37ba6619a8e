"""`pbr`: run the monthly pipeline, generate synthetic data and link person files from the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pbr_pipeline.core.closing import closed_months
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
    closed = set(closed_months(settings.warehouse))
    if args.month and args.month in closed:
        print(f"pbr: {args.month} is closed (approved); its tables are never rewritten. A correction found now "
              f"is an adjustment in the month it is found: run that month.", file=sys.stderr)
        return 2
    failures = 0
    for month in months:
        if month in closed:
            print(f"{month}: closed (approved), left as it is")
            continue
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


def _close(args: argparse.Namespace) -> int:
    from pbr_pipeline.core.closing import ClosedMonth, close_month
    from pbr_pipeline.intake.ingest import inbox_months

    data_dir, warehouse = Path(args.data_dir).resolve(), Path(args.warehouse).resolve()
    received = inbox_months(data_dir) if (data_dir / "inbox").is_dir() else []
    try:
        path = close_month(warehouse, args.month, args.by, received[0] if received else None)
    except ClosedMonth as error:
        print(f"pbr close: {error}", file=sys.stderr)
        return 2
    print(f"{args.month} closed, approved by {args.by}: {path}\nits tables will never be rewritten")
    return 0


def _retrain_linkage(args: argparse.Namespace) -> int:
    from pbr_pipeline.core.closing import is_closed
    from pbr_pipeline.identity.model_store import request_retraining

    warehouse = Path(args.warehouse).resolve()
    if is_closed(warehouse, args.month):
        print(f"pbr retrain-linkage: {args.month} is closed; retrain in an open month", file=sys.stderr)
        return 2
    print(f"retraining requested: {request_retraining(warehouse, args.month)}")
    print("the model trained in this run decides only the cases still open; accepted links stay")
    args.all = False
    return _run(args)


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

    close = commands.add_parser("close", help="mark a month approved: its tables are never rewritten again")
    close.add_argument("--month", type=_month_argument, required=True, help="the month the verifier signed off, YYYY-MM")
    close.add_argument("--by", required=True, help="who approved it (name or e-mail), recorded in the month's manifest folder")
    close.add_argument("--data-dir", default=str(SAMPLE_DATA_DIR), help="the data directory (for the first inbox month)")
    close.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="the warehouse (default: ./warehouse)")
    close.set_defaults(handler=_close)

    retrain = commands.add_parser("retrain-linkage", help="run a month training a new linkage model (open cases only)")
    retrain.add_argument("--month", type=_month_argument, required=True, help="the month whose run trains the model, YYYY-MM")
    retrain.add_argument("--data-dir", default=str(SAMPLE_DATA_DIR), help="folder with inbox/, reference/, contracts/")
    retrain.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="where the Parquet tables go (default: ./warehouse)")
    retrain.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="Dagster log level")
    retrain.set_defaults(handler=_retrain_linkage)

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
