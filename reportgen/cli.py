"""The `reportgen` command: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_OK, EXIT_RENDER_FAILED, EXIT_USAGE, EXIT_WARNINGS, Problem, ReportgenError


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


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    """One line per step on a terminal; nothing when piped or with -q."""
    if args.quiet or not sys.stderr.isatty():
        return lambda _message: None
    return lambda message: print(f"reportgen: {message}", file=sys.stderr, flush=True)


def _warn(args: argparse.Namespace) -> Callable[[str], None]:
    return lambda message: None if args.quiet else print(message, file=sys.stderr)


def _early_office(args: argparse.Namespace):
    if args.no_pack:
        return contextlib.nullcontext()  # and no import of LibreOffice's modules (50 ms)
    from .unooffice import early_office

    return early_office(True, _warn(args))


def _build(args: argparse.Namespace) -> int:
    if args.watch:
        return _watch(args)
    from .parallel import Named, cool_down, stand_by, stand_down, warm_up

    if not args.no_pack:
        # The merge's process, forked while this one is small: merging a 5,000-indicator pack
        # takes 250 MB, which in this process would come on top of the build's 300.
        stand_by(Named("reportgen.merge", "ready"))
    if len(args.meetings) == 1:
        # Before importing the build: the scorecard's process loads reportlab and its
        # fonts while this one loads the meeting (several meetings use a pool instead).
        warm_up(Named("reportgen.render.scorecard_pdf", "register_fonts"))
    try:
        # LibreOffice starts before the heavy imports, so that its start-up runs beside the whole build.
        with _early_office(args) as office:
            with _loading():
                from .build import build

            built = build(args.meetings, args.output, pack=not args.no_pack, strict=args.strict,
                          draft=args.draft, progress=_progress(args), warn=_warn(args), office=office)
    finally:
        cool_down()
        stand_down()
    if not args.quiet:
        for item in built:
            print(_summary_line(item, args.output))
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    if len(args.meetings) != 1:
        print("reportgen build: --watch watches one meeting; give one MEETING_DIR", file=sys.stderr)
        return EXIT_USAGE
    from .parallel import Named, stand_by, stand_down

    if not args.no_pack:
        stand_by(Named("reportgen.merge", "ready"))  # as for a build: every rebuild's merge is done there
    try:
        from .watch import watch

        return watch(args.meetings[0], args.output, pack=not args.no_pack, strict=args.strict, draft=args.draft,
                     progress=_progress(args), warn=lambda message: print(message, file=sys.stderr, flush=True))
    finally:
        stand_down()


def _summary_line(item, out: Path) -> str:
    counts = item.scores.summary.status_counts
    order = ("Green", "Amber", "Red", "No data", "No target", "Within range", "Above range", "Below range")
    counted = ", ".join(f"{counts[s]} {s}" for s in order if counts.get(s))
    folder = out / item.meeting.name
    files = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file()))
    return f"{folder}/: {files}\n  {item.report.facts.period_label}: {counted}"


@contextlib.contextmanager
def _loading():
    """Imports allocate much and free little: no garbage collection while they run; and what they
    load (the modules, pydantic's schemas) lives as long as the process, so it is frozen out of
    every later collection and out of the interpreter's exit (together about 12% of a check)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
        if collecting:
            gc.enable()


def _check(args: argparse.Namespace) -> int:
    with _loading():
        from .check import check_meeting

    warnings = check_meeting(args.meeting, draft=args.draft)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if warnings:
        print(f"reportgen check: {args.meeting}: {len(warnings)} warning(s)", file=sys.stderr)
        return EXIT_WARNINGS
    print(f"reportgen check: {args.meeting}: no problems found")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .nextmeeting import start_next_meeting
    from .periods import Period

    problems: list[Problem] = []
    period = _option(args.period, Period.parse, "--period", problems)
    when = _option(args.date, _date, "--date", problems)
    if problems:
        raise ReportgenError(problems)
    path, meeting = start_next_meeting(args.meeting, args.previous, period, when)
    print(f"reportgen new: wrote {path} for {meeting.meeting_date:%-d %B %Y}, period {meeting.period}; "
          f"add the data for {meeting.period}, then run: reportgen check {args.meeting}")
    if meeting.title != previous_title(args.previous):
        print(f"  title rolled forward: {meeting.title}")
    if meeting.overrides:
        print(f"  review the paragraphs this meeting overrides: {', '.join(meeting.overrides)}")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .workspace import init_workspace, sample_name

    init_workspace(args.folder)
    sample = sample_name()
    print(f"reportgen init: wrote a workspace in {args.folder}: README.md, templates/, boilerplate/, "
          f"data/{sample}/; next: cd {args.folder} && reportgen build data/{sample}")
    return EXIT_OK


def _styles(args: argparse.Namespace) -> int:
    from .workspace import describe_source, style_rows

    rows = style_rows(args.folder)
    print(f"house styles seen from {args.folder}: {describe_source(args.folder)}")
    width = max((len(r[0]) for r in rows), default=0)
    for name, origin, where, described in rows:
        print(f"  {name:<{width}}  {origin}: {where}\n  {'':<{width}}  {described}")
    return EXIT_OK


def previous_title(folder: Path) -> str:
    from .meeting import load_meeting

    return load_meeting(folder)[0].title


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2017-07-20") from None


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

    build = commands.add_parser("build", help="build each meeting's report, scorecard and agenda pack into OUT/<meeting>/")
    build.add_argument("meetings", nargs="+", type=Path, metavar="MEETING_DIR")
    build.add_argument("-o", "--output", type=Path, default=Path("out"), metavar="OUT", help="default: out")
    build.add_argument("--no-pack", action="store_true", help="skip the LibreOffice agenda pack (quick drafts)")
    build.add_argument("--strict", action="store_true", help="fail on any warning")
    build.add_argument("--draft", action="store_true",
                       help="a working copy: what would stop publication is only a warning, and every page says DRAFT")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    build.add_argument("--watch", action="store_true",
                       help="build one meeting, then rebuild it whenever one of its files changes (Ctrl-C stops)")
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="validate a meeting, its data, boilerplate and template; write nothing")
    check.add_argument("meeting", type=Path, metavar="MEETING_DIR")
    check.add_argument("--draft", action="store_true", help="check as for a --draft build")
    check.set_defaults(run=_check)

    new = commands.add_parser("new", help="start the next meeting's folder from the previous one")
    new.add_argument("meeting", type=Path, metavar="MEETING_DIR")
    new.add_argument("--from", dest="previous", type=Path, required=True, metavar="PREVIOUS_DIR")
    new.add_argument("--period", help="the new reporting period, YYYY-MM (default: the next one)")
    new.add_argument("--date", help="the new meeting date, YYYY-MM-DD (default: one period after the last)")
    new.set_defaults(run=_new)

    init = commands.add_parser("init", help="write a new workspace (house styles, boilerplate, a sample meeting)")
    init.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    init.set_defaults(run=_init)

    styles = commands.add_parser("styles", help="list the house styles a meeting here can use, and where each is")
    styles.add_argument("folder", type=Path, nargs="?", default=Path("."), metavar="DIR",
                        help="where to look from (default: here)")
    styles.set_defaults(run=_styles)
    return parser


def _no_pydantic_plugins() -> None:
    """reportgen uses no pydantic plugin, so pydantic is told (its documented PYDANTIC_DISABLE_PLUGINS) not to
    look for any: the look is a scan of every installed package's entry points, on the first model built.
    Only the `reportgen` command sets it (the library, imported by another program, leaves that
    program's plugins alone), and a value already set is kept; what this process starts inherits it,
    and none of that (LibreOffice, the UNO script, forked workers) is a pydantic program with plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main(argv: Sequence[str] | None = None) -> int:
    _no_pydantic_plugins()
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
    except OSError as exc:  # the disk, not the input: a folder that cannot be written, a full disk
        if args.debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        print(f"reportgen {args.command}: cannot write or read{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_RENDER_FAILED
    except Exception as exc:  # a bug: say so in one line unless --debug
        if args.debug:
            raise
        print(f"reportgen {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(run again with --debug for a traceback, and please report it)", file=sys.stderr)
        return EXIT_RENDER_FAILED


if __name__ == "__main__":
    sys.exit(main())
