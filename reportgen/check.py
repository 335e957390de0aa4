"""`reportgen check`: every problem with a meeting, found without writing anything."""

from __future__ import annotations

from pathlib import Path

from .build import prepare
from .data import load_dataset
from .errors import DataError, Problem, ReportgenError, TemplateError
from .meeting import display_path, load_meeting


def check_meeting(meeting_dir: Path | str, draft: bool = False) -> list[str]:
    """Return the warnings for a meeting; raise ReportgenError listing every problem.

    The meeting file is checked first (without it nothing else can be found);
    then the whole paper is composed and rendered in memory, which finds what
    is wrong with the data, boilerplate, sections and template; when the data or
    the template is wrong, both are checked side by side, so one run lists the
    problems of both. No chart
    is drawn and no scorecard or web page laid out (``draw=False``): charts
    decide no problem, and the scorecard and page are made from the same
    scores and guidance the composer has already been through. Nor is the
    .docx made when the template's Jinja source is on file: the template is
    filled in from it with the real context (render/template_source.py), and
    docxtpl renders the .docx only when that finds anything amiss, or the source
    is not on file yet, so that every problem is worded as a build words it.
    """
    try:
        return list(prepare(meeting_dir, draft=draft, draw=False).warnings)
    except (DataError, TemplateError) as exc:
        # prepare stops at the first stage that fails; list the data's and the template's
        # problems together, so one run shows both (only now: a clean check reads each once).
        problems = _data_and_template_problems(meeting_dir)
        if problems:
            raise ReportgenError(problems) from None
        raise exc


def _data_and_template_problems(meeting_dir: Path | str) -> list[Problem]:
    from .render.template_source import template_problems

    meeting, _ = load_meeting(meeting_dir)
    problems = list(template_problems(meeting.template_path))
    try:
        load_dataset(display_path(meeting.data_path), **meeting.scoring.load_options)
    except DataError as exc:
        problems += exc.problems
    return problems
