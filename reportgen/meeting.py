"""The meeting file: ``data/<meeting>/meeting.yaml``, a typed and documented schema.

Every field is declared below with its default and a line saying what it is for.
Loading reports *all* problems at once, each naming the file and the key path
(``meeting.yaml: frequency: expected one of monthly, quarterly, annual, got 'weekly'``); unknown
keys are warnings, not errors, so a typo is noticed without stopping a build.
Relative paths are resolved against the meeting file's folder, never the
working directory.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import MeetingError, Problem
from .model import Rule
from .paths import confined, display_path, outside_message, safe_name
from .periods import Period
from .yamlfile import read_yaml_mapping

MEETING_FILE = "meeting.yaml"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
Numbering = Literal["decimal", "bracketed", "continuous", "none"]
FIRST_YEAR, LAST_YEAR = 1990, 2100
# C0 control characters other than tab and line breaks (and DEL): XML cannot hold them,
# and they arrive unseen when text is pasted from Word (U+000B is its manual line break).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Part(BaseModel):
    # Unknown keys are kept (and warned about by load_meeting), never silently dropped.
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Person(_Part):
    name: str
    """The person's name, as printed."""
    title: str = ""
    """Their post: 'Cabinet Member for ...', 'Corporate Director of ...'."""


class Contact(Person):
    role: str = "Contact officer"
    """The label the paper gives them: Lead Officer, Lead Director, Report Author ..."""
    phone: str = ""
    email: str = ""


class Recommendation(_Part):
    verb: str
    """What members are asked to do, in the council's word (note, consider, scrutinise ...); the house
    style says whether it is printed in capitals and in bold."""
    text: str
    """The rest of the sentence after the verb (Markdown: **bold** for a second verb)."""

    @field_validator("verb")
    @classmethod
    def _verb(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("expected a verb, such as note, consider or scrutinise; got nothing")
        return value.strip()


class BackgroundDocument(_Part):
    title: str
    url: str = ""


class Appendix(_Part):
    letter: str
    """'A', 'B' or '1': how the paper refers to it."""
    title: str
    source: str = "scorecard"
    """'scorecard' (made by reportgen) or a file, relative to the meeting folder."""


class SectionSpec(_Part):
    heading: str
    """The section heading; may use {{ fields }}."""
    content: list[str]
    """Boilerplate paragraph names and generated items, in order (see compose.GENERATED)."""
    numbered: bool = True
    """Whether the paragraphs of this section are numbered."""

    @field_validator("content")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        for name in value:
            _paragraph_name(name)
        return value


def _paragraph_name(name: str) -> str:
    if not safe_name(name):
        raise ValueError(f"'{name}' is not a paragraph name; a name is a file in the boilerplate folders "
                         "(e.g. rag-floor for rag-floor.md), without folders, '..' or a leading dot")
    return name


class Scoring(_Part):
    data: Path = Path(".")
    """The indicator data: a folder with indicators.csv and values.csv, or an .xlsx workbook."""
    rule: str | None = None
    """The council's default RAG rule by tolerance bands, e.g. 'green=0,amber=10%'."""
    previous_period: Period | None = None
    """The period of the previous report, for 'was Red at the previous report'."""
    key_indicators: list[str] | None = None
    """Ids of the key indicators; by default those marked key in the data."""
    key_areas: list[str] = []
    """Ids of indicators that get a trend chart in the cover report."""
    layout: Literal["auto", "long", "wide"] = "auto"
    """How a workbook is laid out: 'long' (sheets 'indicators' and 'values'), 'wide' (one sheet, one row
    per indicator and a column per period) or 'auto' (long when those sheets exist, else wide)."""
    sheet: str | None = None
    """The wide layout's sheet, matched ignoring case; by default the first sheet with an id and name header."""
    header_row: int | None = Field(default=None, ge=1)
    """The wide sheet's header row as Excel numbers it; by default the first row holding 'id' and 'name'."""
    history_length: int = Field(default=13, ge=1, le=240)
    """How many periods of history each indicator carries: 13 by default; 60 (months) for five years."""

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str | None) -> str | None:
        if value is not None:
            Rule.parse(value)  # ValueError names what a rule looks like
        return value

    @field_validator("previous_period", mode="before")
    @classmethod
    def _previous(cls, value: Any) -> Any:
        return _period(value)

    @property
    def parsed_rule(self) -> Rule | None:
        return Rule.parse(self.rule) if self.rule else None

    @property
    def load_options(self) -> dict[str, Any]:
        """The keyword arguments of data.load_dataset that say how to read the data."""
        return {"sheet": self.sheet, "header_row": self.header_row, "layout": self.layout}


class Meeting(_Part):
    council: str
    """The council's name as it prints: 'Anytown Borough Council'."""
    committee: str
    """The committee's full name."""
    meeting_date: date
    """The date of the meeting, YYYY-MM-DD."""
    title: str
    """The report's title (the 'Subject' in a From / To / Subject header)."""
    period: Period
    """The reporting period: the month the data runs to, YYYY-MM."""
    frequency: Literal["monthly", "quarterly", "annual"] = "monthly"
    """How the reporting period is named: 'April 2017', 'Q2 2016/17' or '2016/17'."""
    template: str
    """A house style's name (templates/<name>/ in the meeting's workspace, else one shipped with
    reportgen; `reportgen styles` lists them) or a .docx file relative to the meeting folder."""
    house_style: str | None = None
    """The house style's wording and numbering; defaults to the template's name."""
    agenda_item: str | None = None
    from_: list[Person] = Field(default=[], alias="from")
    """Cabinet member(s) and director(s) the report is from."""
    from_label: Literal["From", "By"] | None = None
    """The label of the header's first row; defaults to the house style's (From, or By in 2013)."""
    to: str | None = None
    """Who the report goes to; defaults to '<committee> – <date>'."""
    author: str | None = None
    """The author as printed (after 'Author:' in some headers), and the document's author metadata."""
    classification: Literal["Unrestricted", "Exempt"] = "Unrestricted"
    exempt_paragraph: int | None = Field(default=None, ge=1, le=7)
    """For an exempt report: the paragraph of Part 1 of Schedule 12A to the Local Government Act 1972."""
    electoral_divisions: str | None = None
    previous_pathway: str | None = None
    future_pathway: str | None = None
    key_decision: bool | None = None
    numbering: Numbering | None = None
    """How paragraphs are numbered; defaults to the house style's."""
    boilerplate: str | None = None
    """The boilerplate folder (boilerplate/<name>/); defaults to the house style's."""
    overrides: dict[str, str] = {}
    """Paragraph name -> replacement text for this meeting only."""
    fields: dict[str, str] = {}
    """Extra {{ fields }} for boilerplate and headings: service, scorecard_name ..."""
    sections: list[SectionSpec] | None = None
    """The sections in order; defaults to the house style's."""
    summary: str | None = None
    recommendations: list[Recommendation] = Field(min_length=1)
    recommendations_intro: str | None = None
    """The words before the verb; defaults to the house style's ('The <committee> is asked to')."""
    contacts: list[Contact] = []
    signatory: Contact | None = None
    report_date: date | None = None
    """The date the report is signed; defaults to the meeting date."""
    background_documents: list[BackgroundDocument] = []
    appendices: list[Appendix] = []
    cohort_name: str | None = None
    """How the paper names the cohort whose impact it shows: 'Unaccompanied Asylum Seeking Children (UASC)'."""
    scoring: Scoring = Scoring()
    allow: list[Literal["red-without-commentary"]] = []
    """Publication checks this meeting relaxes on purpose (see docs/refusals.md)."""

    # Set by load_meeting, not read from the file.
    folder: Path = Field(default=Path("."), exclude=True)
    source: str = Field(default=MEETING_FILE, exclude=True)

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        return _period(value)

    @field_validator("meeting_date", "report_date")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"{value.isoformat()} is not a plausible date for a meeting; "
                             f"expected a year from {FIRST_YEAR} to {LAST_YEAR}")
        return value

    @field_validator("overrides")
    @classmethod
    def _override_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            _paragraph_name(name)
        return value

    @field_validator("boilerplate")
    @classmethod
    def _boilerplate_folder(cls, value: str | None) -> str | None:
        if value is not None and not safe_name(value):
            raise ValueError(f"'{value}' is not a boilerplate folder name; give the name of a folder in "
                             "boilerplate/, without '/' or '..'")
        return value

    @field_validator("background_documents", mode="before")
    @classmethod
    def _none_documents(cls, value: Any) -> Any:
        # Papers write "None"; so may authors.
        if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return []
        return value

    @model_validator(mode="after")
    def _exempt(self) -> Meeting:
        if self.classification == "Exempt" and self.exempt_paragraph is None:
            raise ValueError("an Exempt report needs exempt_paragraph: the paragraph (1-7) of "
                             "Schedule 12A to the Local Government Act 1972")
        if self.classification == "Unrestricted" and self.exempt_paragraph is not None:
            raise ValueError("exempt_paragraph is set but classification is Unrestricted")
        return self

    @property
    def template_path(self) -> Path:
        return resolve_template(self.template, self.folder)

    @property
    def style(self) -> str:
        return self.house_style or Path(self.template).stem

    @property
    def data_path(self) -> Path:
        return (self.folder / self.scoring.data).resolve()

    @property
    def name(self) -> str:
        return self.folder.name


def _period(value: Any) -> Any:
    if isinstance(value, date):
        return Period.from_date(value)
    if isinstance(value, str):
        return Period.parse(value)
    return value


def resolve_template(template: str, folder: Path) -> Path:
    """A house style's name means its template.docx (or the one it inherits); a path is the meeting folder's."""
    from .errors import ReportgenError
    from .styles import TEMPLATE_FILE, available_styles, find_style

    if template.endswith(".docx"):
        return (folder / template).resolve()
    styles = available_styles(folder)
    if template not in styles:
        return folder / "templates" / template / TEMPLATE_FILE  # does not exist: reported by load_meeting
    try:
        return find_style(template, folder).template
    except ReportgenError:  # a broken style.yaml is reported, with all its problems, when composing
        return styles[template] / TEMPLATE_FILE


def available_templates(folder: Path | None = None) -> list[str]:
    """The house styles a meeting in ``folder`` may name: its workspace's and the shipped ones."""
    from .styles import available_styles

    return list(available_styles(folder))


# --- loading ------------------------------------------------------------------------------


def load_meeting(meeting_dir: Path | str) -> tuple[Meeting, list[str]]:
    """Read and validate ``meeting.yaml``; return the meeting and its warnings.

    Raises MeetingError listing every problem at once.
    """
    folder = Path(meeting_dir)
    path = folder / MEETING_FILE if folder.is_dir() or not folder.suffix else folder
    folder = path.parent
    shown = display_path(path)
    raw = _read_yaml(path, shown)
    control = _control_problems(raw, shown, "")
    if control:
        raise MeetingError(control)
    try:
        meeting = Meeting.model_validate(raw)
    except ValidationError as exc:
        raise MeetingError([Problem(shown, _message(err)) for err in exc.errors()]) from None
    meeting = meeting.model_copy(update={"folder": folder.resolve(), "source": shown})
    problems = _file_problems(meeting, shown)
    if problems:
        raise MeetingError(problems)
    warnings = [f"{shown}: {key}: unknown key, ignored" for key in _unknown_keys(meeting, "")]
    return meeting, warnings


def _read_yaml(path: Path, shown: str) -> dict:
    if not path.is_file():
        raise MeetingError([Problem(shown, "no meeting file here; each meeting folder needs a meeting.yaml")])
    return read_yaml_mapping(path, shown, MeetingError, what="keys such as committee: and meeting_date:")


def _confinement_problems(meeting: Meeting, shown: str) -> list[Problem]:
    """Paths the meeting file names must stay in the meeting folder (the template: or the house styles)."""
    folder = meeting.folder
    checks = [("scoring.data", meeting.scoring.data, meeting.data_path, (folder,))]
    checks += [(f"appendices[{i}].source", a.source, folder / a.source, (folder,))
               for i, a in enumerate(meeting.appendices) if a.source != "scorecard"]
    if meeting.template.endswith(".docx"):
        from .styles import search_roots  # the workspace's and the shipped house styles

        styles = tuple(root / "templates" for root in search_roots(folder))
        checks.append(("template", meeting.template, meeting.template_path, (folder, *styles)))
    return [Problem(shown, f"{key}: '{given}' {outside_message(roots)}; copy the file into the meeting "
                           "folder and name it from there")
            for key, given, path, roots in checks if not confined(path, roots)]


def _control_problems(node: Any, shown: str, path: str) -> list[Problem]:
    """Every text in the file holding a control character, by key path."""
    if isinstance(node, dict):
        return [p for key, value in node.items()
                for p in _control_problems(value, shown, f"{path}.{key}" if path else str(key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _control_problems(value, shown, f"{path}[{i}]")]
    if isinstance(node, str) and (found := CONTROL.search(node)):
        code = f"U+{ord(found[0]):04X}"
        hint = ", Word's manual line break," if found[0] == "\x0b" else ""
        return [Problem(shown, f"{path}: contains the control character {code}{hint} at character "
                               f"{found.start() + 1}; delete it (it cannot be printed or saved in a document)")]
    return []


def _file_problems(meeting: Meeting, shown: str) -> list[Problem]:
    problems = _confinement_problems(meeting, shown)
    if problems:
        return problems
    template = meeting.template_path
    if not template.is_file():
        if meeting.template.endswith(".docx"):
            message = f"'{meeting.template}' does not exist (looked for {display_path(template)})"
        else:
            message = (f"'{meeting.template}' is not a template; expected one of "
                       f"{', '.join(available_templates(meeting.folder))} or a .docx file")
        problems.append(Problem(shown, f"template: {message}"))
    if not meeting.data_path.exists():
        problems.append(Problem(shown, f"scoring.data: '{meeting.scoring.data}' does not exist "
                                       f"(looked for {display_path(meeting.data_path)})"))
    for i, appendix in enumerate(meeting.appendices):
        if appendix.source != "scorecard" and not (meeting.folder / appendix.source).is_file():
            problems.append(Problem(shown, f"appendices[{i}].source: '{appendix.source}' does not exist"))
    return problems


def _unknown_keys(node: Any, prefix: str) -> list[str]:
    """Key paths of every key the schema does not know, depth first."""
    found = []
    if isinstance(node, BaseModel):
        for key in node.model_extra or {}:
            found.append(f"{prefix}{key}")
        for name in type(node).model_fields:
            alias = type(node).model_fields[name].alias or name
            found += _unknown_keys(getattr(node, name), f"{prefix}{alias}.")
    elif isinstance(node, list):
        base = prefix.rstrip(".")
        for i, item in enumerate(node):
            found += _unknown_keys(item, f"{base}[{i}].")
    return found


# --- pydantic's errors, in our words -----------------------------------------------------------


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a list" if isinstance(value, list) else "a set of keys"
    return repr(value) if isinstance(value, str) else str(value)


_TYPE_WORDS = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected yes or no (true/false)",
    "bool_parsing": "expected yes or no (true/false)",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected keys and values",
    "model_type": "expected keys and values",
    "model_attributes_type": "expected keys and values",
    "date_type": "expected a date, YYYY-MM-DD",
    "date_parsing": "expected a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date, YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date without a time, YYYY-MM-DD",
}


def _message(err: dict) -> str:
    """One pydantic error as '<key path>: <what was wrong>; <what is allowed>'."""
    kind, ctx = err["type"], err.get("ctx") or {}
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    if kind == "missing":
        text = "required key is missing"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        text = f"expected one of {', '.join(allowed)}, got {_shown(err['input'])}"
    elif kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", err["msg"]))
    elif kind in _TYPE_WORDS:
        text = f"{_TYPE_WORDS[kind]}, got {_shown(err['input'])}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        text = f"{_shown(err['input'])} is out of range; expected {_bounds(err)}"
    elif kind == "too_short":
        text = f"expected at least {ctx.get('min_length')} item(s), got none"
    else:  # rare: keep the gist without pydantic's framing
        text = err["msg"].replace("Input should be", "expected").replace("Value error, ", "")
    return f"{_key_path(loc)}: {text}" if loc else text


def _bounds(err: dict) -> str:
    if tuple(err["loc"])[-1:] == ("exempt_paragraph",):
        return "a paragraph number from 1 to 7"
    ctx = err.get("ctx") or {}
    if "ge" in ctx:
        return f"{ctx['ge']} or more"
    return f"{ctx.get('le')} or less"
