"""`reportgen check`: every problem with a meeting, found without writing anything."""

from __future__ import annotations

from pathlib import Path

from .build import prepare
from .data import load_dataset
from .errors import DataError, ReportgenError
from .meeting import display_path, load_meeting


def check_meeting(meeting_dir: Path | str, draft: bool = False) -> list[str]:
    """Return the warnings for a meeting; raise ReportgenError listing every problem.

    The meeting file is checked first (without it nothing else can be found);
    then the data and the template are checked side by side, so one run lists
    the problems of both; then the whole paper is composed and rendered in
    memory, which finds what is wrong with boilerplate and sections. No chart
    is drawn and no scorecard or web page laid out (``draw=False``): charts
    decide no problem, and the scorecard and page are made from the same
    scores and guidance the composer has already been through.
    """
    from .render.docx import check_template

    meeting, _ = load_meeting(meeting_dir)
    problems = list(check_template(meeting.template_path))
    try:
        load_dataset(display_path(meeting.data_path), **meeting.scoring.load_options)
    except DataError as exc:
        problems += exc.problems
    if problems:
        raise ReportgenError(problems)
    return list(prepare(meeting_dir, draft=draft, draw=False).warnings)
