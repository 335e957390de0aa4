"""`reportgen new`: start the next meeting's folder from the previous one.

The committee, template, boilerplate choices, contacts and recommendations stay;
the reporting period rolls forward, the date is set, the signing date is
cleared, and the previous meeting's period becomes the comparison for
"indicators which were Red at the previous report". Commentary on indicators is
held per period in the data, so the new period starts with none. Paragraph
overrides are kept (deleting an author's text would lose work) and listed for
review. The meeting file is edited with a round-trip YAML parser so the
author's comments and layout survive.
"""

from __future__ import annotations

import calendar
import io
import os
import shutil
from datetime import date
from pathlib import Path

from .errors import MeetingError, Problem
from .meeting import MEETING_FILE, Meeting, display_path, load_meeting
from .periods import FREQUENCY_MONTHS, Period

GENERATED = {"out", "__pycache__"}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _copy_folder(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=lambda _d, names: [n for n in names if n in GENERATED or n.startswith(".")])


def _data_path(previous: Meeting, target: Path) -> str | None:
    """The data path as the new folder must write it, when it lies outside the previous folder."""
    data = previous.data_path
    if data == previous.folder or previous.folder in data.parents:
        return None  # copied along with the folder: the relative path still holds
    return Path(os.path.relpath(data, target.resolve())).as_posix()


def _edit_yaml(text: str, *, period: Period, meeting_date: date, previous: Period, data: str | None) -> str:
    from ruamel.yaml import YAML  # round-trip: keeps comments, order and quoting

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the author's lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(text)
    document["period"] = str(period)
    document["meeting_date"] = meeting_date
    if isinstance(document.get("title"), str):
        document["title"] = rolled_title(document["title"], previous, period)
    document.pop("report_date", None)
    scoring = document.setdefault("scoring", {})
    scoring["previous_period"] = str(previous)
    if data is not None:
        scoring["data"] = data
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def rolled_title(title: str, previous: Period, period: Period) -> str:
    """The title with the previous period's name replaced by the new one's, in each way papers write it."""
    for frequency in ("quarterly", "monthly"):
        for old, new in ((previous.label(frequency), period.label(frequency)),
                         (previous.in_words(frequency), period.in_words(frequency))):
            title = title.replace(old, new)
    return title


def start_next_meeting(target: Path, previous_dir: Path, period: Period | None = None,
                       meeting_date: date | None = None) -> tuple[Path, Meeting]:
    """Make ``target`` from ``previous_dir``; return the new meeting file and the loaded meeting."""
    target = Path(target)
    previous, _ = load_meeting(previous_dir)
    if target.exists() and any(target.iterdir()):
        raise MeetingError([Problem(display_path(target), "already exists and is not empty; "
                                    "choose a new folder for the next meeting")])
    step = FREQUENCY_MONTHS[previous.frequency]
    period = period or previous.period.shift(step)
    if period <= previous.period:
        raise MeetingError([Problem("--period", f"{period} is not after the previous meeting's period {previous.period}")])
    meeting_date = meeting_date or _add_months(previous.meeting_date, step)
    data = _data_path(previous, target)
    source_text = (previous.folder / MEETING_FILE).read_text(encoding="utf-8-sig")
    text = _edit_yaml(source_text, period=period, meeting_date=meeting_date, previous=previous.period, data=data)
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _copy_folder(previous.folder, staging)
        (staging / MEETING_FILE).write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    meeting, _ = load_meeting(target)
    return target / MEETING_FILE, meeting
