"""Build meetings' agenda packs, in two phases.

1. ``prepare``: load, score, compose and render everything of every meeting in
   memory (on both cores, see parallel.py). A problem anywhere stops the build
   here, before a file is written in OUT. LibreOffice starts converting the
   cover reports, in a temporary folder, as soon as they exist.
2. ``write_packs``: stage each meeting's outputs in a hidden folder beside its
   pack, merge the agenda packs once the covers' PDFs are ready, write the
   manifest, and only then swap every staged folder into place. A failure
   leaves every previous pack as it was and no temporary files behind.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .boilerplate import Boilerplate
from .compose import compose, fields_for, history_length, house_style, paper_facts
from .data import load_dataset
from .errors import Problem, ReportgenError, StrictWarnings
from .gate import publication_findings, split
from .styles import council_name_warnings
from .meeting import Meeting, display_path, load_meeting
from .model import RED, Block, Report, ScoreSet
from .pack import build_date, manifest, manifest_bytes
from .quality import data_quality_warnings
from .parallel import Named, apart, beside, workers
from .scoring import score_dataset

if TYPE_CHECKING:
    from .libreoffice import WarmOffice
    from .unooffice import UnoOffice

REPORT_NAME = "report.docx"
HTML_NAME = "report.html"
SCORECARD_NAME = "appendix-a-scorecard.pdf"
PACK_NAME = "agenda-pack.pdf"
GUIDANCE = "guidance-notes"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Built:
    """One meeting, composed and rendered, not yet written."""

    meeting: Meeting
    scores: ScoreSet
    report: Report
    created: datetime
    docx: bytes
    scorecard: bytes
    inputs: tuple[Path, ...]  # every file the outputs were made from, for the manifest
    warnings: tuple[str, ...]
    html: bytes = b""  # the cover report and the scorecard as one web page
    exports: tuple[tuple[str, bytes], ...] = ()  # scores.csv and scores.xlsx

    @property
    def outputs(self) -> dict[str, bytes]:
        """The files made in memory, by name."""
        return {REPORT_NAME: self.docx, HTML_NAME: self.html, SCORECARD_NAME: self.scorecard, **dict(self.exports)}


def _exports(meeting: Meeting, scores: ScoreSet, report: Report, created: datetime) -> tuple[tuple[str, bytes], ...]:
    from .exports import scores_csv_bytes, scores_xlsx_bytes

    title = f"{meeting.title} - scored indicators, {report.facts.period_label}"
    return (("scores.csv", scores_csv_bytes(scores)),
            ("scores.xlsx", scores_xlsx_bytes(scores, created=created, title=title)))


def _score(meeting: Meeting, dataset) -> ScoreSet:
    try:
        return score_dataset(dataset, meeting.period, meeting.scoring.parsed_rule, meeting.scoring.previous_period,
                             history_length(meeting))
    except ValueError as exc:
        raise ReportgenError([Problem(meeting.source, str(exc))]) from None


def _guidance(meeting: Meeting, scores: ScoreSet, boilerplate: Boilerplate, style=None) -> tuple[Block, ...]:
    if not boilerplate.exists(GUIDANCE):
        return ()
    return boilerplate.render(GUIDANCE, fields_for(meeting, scores, style or house_style(meeting)))


def _unused_overrides(meeting: Meeting, boilerplate: Boilerplate) -> list[str]:
    """Paragraphs the meeting supplies (inline or as files) that no section uses."""
    own = set(meeting.overrides)
    folder = meeting.folder / "boilerplate"
    if folder.is_dir():
        own |= {p.stem for p in folder.iterdir() if p.suffix in (".md", ".txt")}
    return [f"{meeting.source}: boilerplate '{name}' is given for this meeting but no section uses it"
            for name in sorted(own - boilerplate.used)]


# Named, not imported: the process drawing the scorecard loads reportlab itself (see
# cli.py's warm_up), while this one gets on with the cover report.
_render_scorecard = Named("reportgen.render.scorecard_kept", "kept_scorecard")


def _render_html(*args) -> bytes:
    # Imported once the cover report is on its way to LibreOffice: the page needs reportlab's cells.
    from .render.html import render_html

    return render_html(*args)


PARALLEL_CHARTS = 8  # fewer exception charts than this are drawn faster than a pool starts


def exception_charts(scores: ScoreSet, parallel: bool) -> dict[str, bytes]:
    """The Red measures' trend charts, drawn on every core when there are many."""
    from .render.charts import score_chart

    reds = [s for s in scores.measures if s.status == RED]
    count = workers(len(reds) // PARALLEL_CHARTS) if parallel else 1
    if count < 2:
        return {}  # the scorecard draws them as it goes
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(count) as pool:
        return dict(zip((s.id for s in reds), pool.map(score_chart, reds, chunksize=4)))


DRAFT_HEADER = "DRAFT – not for publication"


def _as_draft(report: Report) -> Report:
    """A working copy: DRAFT in the page header of every page and in the title."""
    facts = replace(report.facts, draft=True)
    header = f"{DRAFT_HEADER}   {report.header_text}" if report.header_text else DRAFT_HEADER
    return replace(report, facts=facts, header_text=header)


def _gate(meeting: Meeting, scores: ScoreSet, dataset, report: Report, draft: bool) -> list[str]:
    """The publication gate's warnings; raises with its errors (unless a draft)."""
    errors, warnings = split(publication_findings(meeting, scores, dataset, report), draft)
    if errors:
        raise ReportgenError(errors)
    return warnings


def prepare(meeting_dir: Path | str, *, parallel: bool = False, draft: bool = False,
            on_cover: Callable[[str, bytes], None] | None = None, draw: bool = True) -> Built:
    """Load, score, compose and render one meeting; raises ReportgenError with every problem.

    ``on_cover`` is given the cover report as soon as it is rendered, while the
    scorecard may still be drawing, so that its PDF conversion can start early.
    ``draft`` lets a paper the publication gate refuses through, marked DRAFT.
    ``draw=False`` (for `reportgen check`) draws no chart and lays out no scorecard
    or web page: the cover is still composed and rendered (with blank charts), which
    is what finds the problems, and Built.scorecard and Built.html are empty.
    """
    if not draw:
        from .render.charts import placeholders

        with placeholders():
            return _prepare(meeting_dir, parallel=False, draft=draft, on_cover=on_cover, draw=False)
    return _prepare(meeting_dir, parallel=parallel, draft=draft, on_cover=on_cover, draw=True)


def _prepare(meeting_dir: Path | str, *, parallel: bool, draft: bool, on_cover, draw: bool) -> Built:
    if draw:
        from .render.docx import render_report
    else:  # check: the template filled in from its Jinja source on file, without docxtpl; no .docx made
        from .render.template_source import check_report as render_report

    meeting, warnings = load_meeting(meeting_dir)
    dataset = load_dataset(display_path(meeting.data_path), **meeting.scoring.load_options)
    scores = _score(meeting, dataset)
    created = build_date(meeting.meeting_date)
    style = house_style(meeting)
    boilerplate = Boilerplate.for_meeting(meeting, meeting.boilerplate or style.boilerplate)
    guidance = _guidance(meeting, scores, boilerplate, style)
    facts = replace(paper_facts(meeting, created, style), draft=draft)
    with beside(parallel) as run:
        if draw:
            charts = exception_charts(scores, parallel)
            pending = run(partial(_render_scorecard, exception_charts=charts, forecasts=style.settings.forecasts),
                          facts, scores, guidance)
        report = compose(meeting, scores, boilerplate=boilerplate, created=created, style=style)
        warnings = [*warnings, *_gate(meeting, scores, dataset, report, draft)]
        report = _as_draft(report) if draft else report
        docx = render_report(report)
        if on_cover:
            on_cover(meeting.name, docx)
        html = scorecard = b""
        exports = ()
        if draw:  # while the scorecard is drawn on the other core
            html = _render_html(report, scores, guidance, style.settings.forecasts)
            exports = _exports(meeting, scores, report, created)
            scorecard = pending.result()
    quality = [str(p) for p in data_quality_warnings(dataset, meeting.period)]
    used = [boilerplate.find(n) for n in sorted(boilerplate.used) if n not in meeting.overrides]
    inputs = (meeting.folder / "meeting.yaml", *map(Path, dataset.sources), Path(report.template),
              *filter(None, used), *(meeting.folder / a.source for a in meeting.appendices if a.source != "scorecard"))
    # The data-quality check words the scorer's "no value" notes better (it names the
    # latest value there is), so scores.warnings are left to `reportgen score`.
    leaks = council_name_warnings(meeting, dict(sorted(boilerplate.texts.items())))
    all_warnings = (*warnings, *style.warnings, *leaks, *quality,
                    *_unused_overrides(meeting, boilerplate))
    return Built(meeting, scores, report, created, docx, scorecard,
                 tuple(dict.fromkeys(p.resolve() for p in inputs)), tuple(dict.fromkeys(all_warnings)), html,
                 exports)


def _prepare_or_error(meeting_dir: Path | str, parallel: bool = False, on_cover=None,
                      draft: bool = False) -> Built | ReportgenError:
    try:
        return prepare(meeting_dir, parallel=parallel, on_cover=on_cover, draft=draft)
    except ReportgenError as exc:
        return exc


def _outcomes(meeting_dirs: list[Path | str], on_cover, draft: bool) -> Iterable[Built | ReportgenError]:
    """Each meeting prepared, in order: on several cores when there are several meetings."""
    count = workers(len(meeting_dirs))
    if len(meeting_dirs) == 1:
        yield _prepare_or_error(meeting_dirs[0], parallel=workers(2) > 1, on_cover=on_cover, draft=draft)
        return
    each = partial(_prepare_or_error, draft=draft)
    if count == 1:
        yield from map(each, meeting_dirs)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(count) as pool:
        yield from pool.imap(each, meeting_dirs)


def prepare_all(meeting_dirs: Iterable[Path | str], progress: Progress = lambda _: None,
                on_cover: Callable[[str, bytes], None] | None = None, draft: bool = False) -> list[Built]:
    """Prepare every meeting; report the problems of all of them together."""
    dirs = list(meeting_dirs)
    built, problems, error_type = [], [], ReportgenError
    for meeting_dir, outcome in zip(dirs, _outcomes(dirs, on_cover, draft)):
        progress(f"composed {Path(meeting_dir).name}")
        if isinstance(outcome, ReportgenError):
            problems += outcome.problems
            error_type = type(outcome)
        else:
            built.append(outcome)
    if problems:
        raise error_type(problems)
    return built


def _pack_parts(item: Built, stage: Path, cover_pdf: Path) -> list[tuple[str, Path]]:
    facts = item.report.facts
    parts = [(f"Cover report: {facts.title}", cover_pdf)]
    for appendix in item.meeting.appendices:
        source = stage / SCORECARD_NAME if appendix.source == "scorecard" else item.meeting.folder / appendix.source
        if source.suffix.lower() == ".pdf":
            parts.append((f"Appendix {appendix.letter}: {appendix.title}", source))
    if not any(a.source == "scorecard" for a in item.meeting.appendices):
        parts.append((f"Appendix {facts.appendix_letter}: Performance scorecard", stage / SCORECARD_NAME))
    return parts


# Named, not imported: the merge runs in the process cli.py stood by at start-up (pikepdf
# loaded there), away from this one's loaded data and reports (300 MB at 5,000 indicators).
_merge_pdfs = Named("reportgen.merge", "merge_pdfs")


def _write_pack(item: Built, stage: Path, cover_pdf: Path) -> None:
    facts = item.report.facts
    merge = partial(_merge_pdfs, title=f"{facts.committee}, {facts.meeting_date:%-d %B %Y}: {facts.title}",
                    author=facts.author, subject=f"Agenda pack: {facts.title}, {facts.period_label}",
                    language=facts.language, created=item.created)
    apart(merge, _pack_parts(item, stage, cover_pdf), stage / PACK_NAME)


def _manifest(item: Built, stage: Path) -> bytes:
    outputs = sorted(p for p in stage.iterdir() if p.is_file())
    data = manifest(period=str(item.scores.period), status_counts=item.scores.summary.status_counts,
                    inputs=list(item.inputs), input_base=item.meeting.folder,
                    outputs=outputs, output_base=stage, built=item.created)
    return manifest_bytes(data)


class CoverConversion:
    """The cover reports' conversion to PDF: started as early as the covers exist.

    By one new soffice process for the whole build, or by ``office``: the
    LibreOffice the command line started before anything else (unooffice.py),
    or the one ``--watch`` keeps running between rebuilds.
    """

    def __init__(self, wanted: bool, warn: Progress, office: WarmOffice | UnoOffice | None = None):
        self.wanted, self.warn, self.office = wanted, warn, office
        self.running = None  # a Conversion, or the office's own kind
        self.names: list[str] = []

    def start(self, built: Sequence[tuple[str, bytes]]) -> None:
        if not self.wanted or self.running or not built:
            return
        from .libreoffice import Conversion, LibreOfficeMissing

        reports = [(f"{name}/{REPORT_NAME}", docx) for name, docx in built]
        try:
            self.running = self.office.conversion(reports) if self.office else Conversion(reports)
            self.names = [name for name, _ in built]
        except LibreOfficeMissing as exc:
            self.warn(f"warning: {exc.problems[0].message}; {PACK_NAME} was not made")
            self.wanted = False

    def pdfs(self) -> dict[str, bytes]:
        """Each meeting's cover as PDF; empty when there is no pack to make."""
        if not self.running:
            return {}
        return dict(zip(self.names, self.running.finish()))

    def cancel(self) -> None:
        if self.running:
            self.running.cancel()


def _protected(item: Built) -> list[tuple[str, Path]]:
    """The user's own files a pack must never replace: the meeting folder and what it reads."""
    meeting = item.meeting
    paths = [("the meeting folder", meeting.folder), ("its data", meeting.data_path)]
    paths += [(f"its appendix {a.letter}", meeting.folder / a.source) for a in meeting.appendices
              if a.source != "scorecard"]
    resolved = {}
    for what, path in paths:
        resolved.setdefault(path.resolve(), what)  # data: . is the meeting folder: name it once
    return [(what, path) for path, what in resolved.items()]


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def _is_pack(folder: Path) -> bool:
    """A folder reportgen made: it holds a manifest.json that names reportgen (or it is empty)."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    manifest_file = folder / "manifest.json"
    if not manifest_file.is_file():
        return not any(folder.iterdir())
    try:
        return "reportgen" in json.loads(manifest_file.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return False


def output_problems(built: Sequence[Built], out_dir: Path) -> list[Problem]:
    """Why writing these packs into ``out_dir`` could lose a file of the user's; [] when it cannot."""
    out = Path(out_dir).resolve()
    shown = display_path(Path(out_dir))
    problems, seen = [], {}
    for item in built:
        target = out / item.meeting.name
        before = len(problems)
        for what, path in _protected(item):
            if _overlaps(out, path):
                where = "is" if path == out else "is inside" if path in out.parents else "contains"
                problems.append(Problem("-o", f"the output folder {shown} {where} {what} "
                                              f"{display_path(path)}; packs would overwrite the meeting's own "
                                              "files. Choose an output folder outside every meeting folder, "
                                              "e.g. -o out"))
        earlier = seen.setdefault(target, item.meeting.folder)
        if earlier != item.meeting.folder:
            problems.append(Problem("-o", f"{display_path(earlier)} and {display_path(item.meeting.folder)} "
                                          f"would both write {display_path(target)}; build them with "
                                          "different -o folders, or rename one meeting folder"))
        elif len(problems) == before and os.path.lexists(target) and not _is_pack(target):
            problems.append(Problem("-o", f"{display_path(target)} exists and is not a pack reportgen made "
                                          "(it has no reportgen manifest.json); move it away or choose another "
                                          "output folder. reportgen only ever replaces its own packs"))
    return list(dict.fromkeys(problems))


def write_packs(built: Sequence[Built], out_dir: Path, covers: CoverConversion,
                progress: Progress = lambda _: None) -> list[Path]:
    """Write every meeting's outputs into OUT/<meeting>/, all or nothing."""
    from .staging import Staging, sweep

    problems = output_problems(built, out_dir)
    if problems:
        raise ReportgenError(problems)
    sweep(Path(out_dir))
    with contextlib.ExitStack() as stack:
        stagings = [stack.enter_context(Staging(Path(out_dir) / item.meeting.name)) for item in built]
        for item, staging in zip(built, stagings):
            progress(f"writing {item.meeting.name}")
            for name, data in item.outputs.items():
                staging.write_bytes(name, data)
        if covers.running:
            progress("waiting for LibreOffice to convert the cover report(s) to PDF")
        pdfs = covers.pdfs()
        for item, staging in zip(built, stagings):
            if item.meeting.name in pdfs:
                progress(f"assembling {item.meeting.name}/{PACK_NAME}")
                cover = staging.write_bytes(".cover.pdf", pdfs[item.meeting.name])
                _write_pack(item, staging.path, cover)
                cover.unlink()
            staging.write_bytes("manifest.json", _manifest(item, staging.path))
    return [Path(out_dir) / item.meeting.name for item in built]


def build(meeting_dirs: Iterable[Path | str], out_dir: Path | str, *, pack: bool = True, strict: bool = False,
          draft: bool = False, progress: Progress = lambda _: None,
          warn: Progress = lambda _: None, office: WarmOffice | UnoOffice | None = None) -> list[Built]:
    """The whole job: every meeting prepared, then every pack written.

    LibreOffice starts converting the cover reports as soon as they exist (for
    one meeting, while its scorecard is still being drawn), because it takes
    longer than everything else; it runs outside OUT, so nothing is written
    there before every meeting has been composed and checked. ``office``, a
    LibreOffice already started (early, or kept between builds), converts them
    instead of a new one.
    """
    covers = CoverConversion(pack, warn, office)
    try:
        built = prepare_all(meeting_dirs, progress, on_cover=lambda name, docx: covers.start([(name, docx)]),
                            draft=draft)
        warnings = [w for item in built for w in item.warnings]
        if strict and warnings:
            raise StrictWarnings([Problem("--strict", w) for w in warnings])
        for warning in warnings:
            warn(f"warning: {warning}")
        covers.start([(item.meeting.name, item.docx) for item in built])
        write_packs(built, Path(out_dir), covers, progress)
    finally:
        covers.cancel()
    return built
