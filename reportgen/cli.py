"""The `reportgen` command: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_OK, EXIT_RENDER_FAILED, EXIT_USAGE, Problem, ReportgenError


def _score(args: argparse.Namespace) -> int:
    from .data import load_dataset
    from .model import Rule
    from .periods import Period
    from .scoretable import write_score_table
    from .scoring import score_dataset

    problems = []
    period = _option(args.period, Period.parse, "--period", problems)
    rule = _option(args.rule, Rule.parse, "--rule", problems)
    previous = _option(args.previous_period, Period.parse, "--previous-period", problems)
    if problems:
        raise ReportgenError(problems)
    dataset = load_dataset(args.data)
    scores = score_dataset(dataset, period, rule, previous)
    for warning in scores.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    write_score_table(scores, args.format, args.output)
    return EXIT_OK


def _option(text, parse, flag, problems):
    """Parse an option's text, noting a problem under the option's name."""
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.append(Problem(flag, str(exc)))
        return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen", description="Council committee performance papers in one command.")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something fails")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = commands.add_parser("score", help="score indicator data for one period and print the table")
    score.add_argument("data", type=Path, help="a folder with indicators.csv and values.csv, or an .xlsx workbook")
    score.add_argument("--period", help="the reporting period, YYYY-MM (default: the latest in the data)")
    score.add_argument("--rule", help="the council's default RAG rule, e.g. 'green=0,amber=10%%'")
    score.add_argument("--previous-period", metavar="P",
                       help="the period of the previous report, for previous_status (default: each indicator's preceding period)")
    score.add_argument("--format", choices=("csv", "json"), default="csv")
    score.add_argument("-o", "--output", type=Path, help="write to this file instead of printing")
    score.set_defaults(run=_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message already
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ReportgenError as exc:
        if args.debug:
            raise
        print(f"reportgen {args.command}: {len(exc.problems)} problem(s) found:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line unless --debug
        if args.debug:
            raise
        print(f"reportgen {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(run again with --debug for a traceback, and please report it)", file=sys.stderr)
        return EXIT_RENDER_FAILED


if __name__ == "__main__":
    sys.exit(main())
