"""Build cover reports: load, score, compose and render every meeting, then write.

Everything is composed and rendered before the first file is written, so a
problem in the third meeting leaves the first two meetings' previous reports as
they were. Each report is written to a temporary name and renamed into place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .compose import compose
from .data import load_dataset
from .errors import ReportgenError
from .meeting import Meeting, load_meeting
from .model import Report, ScoreSet
from .pack import atomic_write_bytes, build_date
from .render.docx import render_report
from .scoring import score_dataset

REPORT_NAME = "report.docx"


@dataclass(frozen=True)
class Built:
    """One meeting, composed and rendered, not yet written."""

    meeting: Meeting
    scores: ScoreSet
    report: Report
    docx: bytes
    warnings: tuple[str, ...]


def prepare(meeting_dir: Path) -> Built:
    """Load, score, compose and render one meeting; raises ReportgenError with every problem."""
    meeting, warnings = load_meeting(meeting_dir)
    dataset = load_dataset(meeting.data_path)
    try:
        scores = score_dataset(dataset, meeting.period, meeting.scoring.parsed_rule,
                               meeting.scoring.previous_period)
    except ValueError as exc:
        raise ReportgenError(f"{meeting.source}: {exc}") from None
    report = compose(meeting, scores, created=build_date(meeting.meeting_date))
    return Built(meeting, scores, report, render_report(report), (*warnings, *report.warnings))


def build_reports(meeting_dirs: Iterable[Path | str], out_dir: Path | str) -> list[Path]:
    """Write OUT/<meeting folder>/report.docx for each meeting; return the paths written."""
    built = [prepare(Path(d)) for d in meeting_dirs]
    written = []
    for item in built:
        path = Path(out_dir) / item.meeting.name / REPORT_NAME
        atomic_write_bytes(path, item.docx)
        written.append(path)
    return written
