"""House styles as files: ``templates/<name>/style.yaml`` beside ``template.docx``.

A house style says how a council lays its paper out: the header block and its
labels, the title, the sections and what is in them, the numbering, the dates,
the recommendation wording, the contact block and the signatory. It is data,
read here and validated like the meeting file (every problem at once, each with
its file and key path; unknown keys are warnings). compose.py reads it and never
asks which style it is.

Styles are found by a search path, as themes are in mkdocs or Sphinx: the
meeting's workspace first (the nearest folder above the meeting that holds a
``templates/`` folder), then the styles shipped with reportgen. A style may
``inherit:`` another and give only what differs; ``fields`` and ``labels`` are
merged key by key, every other key replaces the inherited one whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import MeetingError, Problem, TemplateError
from .paths import display_path, safe_name
from .yamlfile import read_yaml_mapping

STYLE_FILE = "style.yaml"
TEMPLATE_FILE = "template.docx"
SHIPPED = "_shipped"  # inside the installed package: templates/, boilerplate/ and the sample meeting
MERGED = ("fields", "labels")  # inherited key by key; every other key is replaced whole
Numbering = Literal["decimal", "bracketed", "continuous", "none"]
Label = str | dict[str, str]  # plain text, or language tag -> text for a bilingual label


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class HeaderRow(_Part):
    label: Label
    """The label as printed, without its colon: 'From', 'Subject', or {en-GB: Subject, cy-GB: Pwnc}."""
    value: str
    """What follows the label, from {{ fields }}; a row whose value comes out empty is left out."""


class StyleSection(_Part):
    heading: str
    """The section heading; may use {{ fields }}."""
    content: list[str]
    """Boilerplate paragraph names and generated items, in order."""
    numbered: bool = True
    """Whether the section's paragraphs are numbered."""


class Recommendations(_Part):
    intro: str = "The {{ committee }} is asked to"
    """The words before the first verb."""
    verb_case: Literal["upper", "lower", "capitalised", "as-written"] = "upper"
    """How each recommendation's verb is written: NOTE, note, Note, or as the meeting file has it."""
    verb_bold: bool = True
    """Whether the verb is in bold."""
    form: Literal["sentence", "list"] = "sentence"
    """'sentence': a single recommendation follows the intro; 'list': always the intro, then each one."""
    full_stop: bool = True
    """Whether each recommendation ends with a full stop (added when the meeting file has none)."""


class Contacts(_Part):
    labels: dict[str, str] = {}
    """Field -> label for one labelled line each (name, title, phone, email); empty: the lines together."""
    role: bool = True
    """Whether each contact's role (Lead Officer ...) is printed above them, unless it is the heading."""


class Style(_Part):
    description: str = ""
    """One line: whose style this is and what it looks like."""
    inherit: str | None = None
    """Another house style this one starts from; give only what differs."""
    council: list[str] = []
    """Names that identify the council (e.g. its full name and short name), to catch another council's wording."""
    language: str = "en-GB"
    """The paper's language (a BCP 47 tag): set on the document, and the language of its dates."""
    date_style: Literal["plain", "weekday", "ordinal"] = "plain"
    """'22 June 2017', 'Tuesday 6 December 2016' or '7th March 2018'."""
    date_language: str | None = None
    """The language dates are written in ('cy-GB': '7 Mawrth 2018'); defaults to the paper's language."""
    fields: dict[str, str] = {}
    """Default {{ fields }} (a meeting's own fields: win), e.g. the council's Welsh name."""
    title: list[Label] = ["{{ council }}"]
    """The Title paragraph's lines; a line that comes out empty is left out."""
    title_lines: list[str] = []
    """Lines under the title (committee, date, report title ...)."""
    notice: str = ""
    """A line under the title lines, e.g. '{{ exempt_notice }}'."""
    header: list[HeaderRow] = []
    """The header block, in order."""
    front: list[str] = []
    """Generated items or paragraphs before the sections (summary_line, recommendation_line)."""
    sections: list[StyleSection] = []
    """The default sections; a meeting's sections: replace them."""
    numbering: Numbering = "decimal"
    """decimal 1.1 / bracketed 1. (1) then (2) / continuous 1, 2, 3 / none."""
    heading_case: Literal["as-written", "upper"] = "as-written"
    """Section headings as written, or in capitals."""
    recommendations: Recommendations = Recommendations()
    labels: dict[str, Label] = {}
    """Words generated items print: summary, recommendation, recommendations, none."""
    contacts: Contacts = Contacts()
    signatory: list[Literal["name", "title", "date"]] = ["name", "title", "date"]
    """The signatory's lines at the end, when the meeting names one."""
    generated: list[str] | None = None
    """The generated items this style offers (default: all of them)."""
    boilerplate: str | None = None
    """The folder under boilerplate/ holding this style's paragraphs; defaults to the style's name."""
    exception_reports: Literal["appendix", "cover", "both"] = "appendix"
    """Where the Red measures' exception reports are: 'appendix' (the scorecard's exception pages; the
    cover's sentence names its appendix and the ``exceptions`` item is refused), 'cover' (printed on
    the cover by ``exceptions``; the scorecard leaves its exception pages out) or 'both'."""
    forecasts: Literal["given-and-derived", "given-only", "none"] = "given-and-derived"
    """The scorecard's forecast column: the service's forecasts and, where it gave none, one derived
    from the latest status; only the service's own; or no forecast column."""
    history_length: int = Field(default=13, ge=2, le=120)
    """Periods of history the scorecard shows for each indicator: 13 (a year and the period a year
    before), or 20 quarters for five years' trend."""
    page_header: str = "{{ council }}{% if agenda_item %}\tAgenda item {{ agenda_item }}{% endif %}"
    """The page header's text."""
    page_footer: str = "{{ committee }} – {{ meeting_date_plain }}"
    """The page footer's text, before the page number."""

    @field_validator("inherit", "boilerplate")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        # A folder's name, never a path: a style must not reach outside templates/ or boilerplate/.
        if value is not None and not safe_name(value):
            raise ValueError(f"'{value}' is not a plain folder name (no '/', '..' or leading '.')")
        return value


DEFAULT_LABELS: dict[str, Label] = {"summary": "Summary:", "recommendation": "Recommendation:",
                                    "recommendations": "Recommendations:", "none": "None"}


@dataclass(frozen=True)
class HouseStyle:
    """A house style, inheritance resolved."""

    name: str
    settings: Style
    folders: tuple[Path, ...]  # its own folder, then each inherited style's
    boilerplate: tuple[str, ...]  # folder names under boilerplate/, its own first
    warnings: tuple[str, ...] = ()

    @property
    def template(self) -> Path:
        """Its template.docx, or the nearest inherited style's."""
        found = next((f / TEMPLATE_FILE for f in self.folders if (f / TEMPLATE_FILE).is_file()), None)
        return found or self.folders[0] / TEMPLATE_FILE

    @property
    def source(self) -> Path:
        return self.folders[0] / STYLE_FILE

    @property
    def exceptions_in_appendix(self) -> bool:
        """Whether the scorecard carries its exception pages (build.py: render_scorecard's choice)."""
        return self.settings.exception_reports in ("appendix", "both")

    @property
    def exceptions_on_cover(self) -> bool:
        return self.settings.exception_reports in ("cover", "both")

    def label(self, key: str) -> Label:
        return self.settings.labels.get(key, DEFAULT_LABELS.get(key, key))


# --- where styles are ------------------------------------------------------------------------------


def shipped_root() -> Path:
    """The shipped templates/ and boilerplate/: inside the installed package, or the source checkout."""
    package = Path(__file__).resolve().parent
    bundled = package / SHIPPED
    return bundled if (bundled / "templates").is_dir() else package.parent


def workspace_of(folder: Path | None) -> Path | None:
    """The nearest folder at or above ``folder`` that holds a templates/ folder."""
    if folder is None:
        return None
    start = Path(folder).resolve()
    return next((c for c in (start, *start.parents) if (c / "templates").is_dir()), None)


def search_roots(folder: Path | None) -> tuple[Path, ...]:
    """The workspace (if any) then the shipped root: where templates/ and boilerplate/ are looked for."""
    roots = [r.resolve() for r in (workspace_of(folder), shipped_root()) if r is not None]
    return tuple(dict.fromkeys(roots))


def available_styles(folder: Path | None = None) -> dict[str, Path]:
    """Every house style's name -> its folder, the workspace's shadowing the shipped ones."""
    found: dict[str, Path] = {}
    for root in search_roots(folder):
        for style_file in sorted((root / "templates").glob(f"*/{STYLE_FILE}")):
            found.setdefault(style_file.parent.name, style_file.parent)
    return dict(sorted(found.items()))


def all_styles(folder: Path | None = None) -> list[tuple[str, Path, bool]]:
    """(name, folder, shadowed) for every style on the search path, for `reportgen styles`."""
    seen: set[str] = set()
    rows = []
    for root in search_roots(folder):
        for style_file in sorted((root / "templates").glob(f"*/{STYLE_FILE}")):
            name = style_file.parent.name
            rows.append((name, style_file.parent, name in seen))
            seen.add(name)
    return rows


# --- reading and inheriting ------------------------------------------------------------------------


def find_style(name: str, folder: Path | None, source: str = "meeting.yaml", key: str = "house_style"
               ) -> HouseStyle:
    """The named style as seen from ``folder`` (a meeting's folder); MeetingError naming ``source: key``."""
    styles = available_styles(folder)
    if not safe_name(name) or name not in styles:
        raise MeetingError([Problem(source, f"{key}: '{name}' is not a house style; "
                                            f"expected one of {', '.join(styles)}")])
    return _load(name, tuple(sorted(str(p) for p in styles.values())), _stamp(styles.values()), str(folder))


def _stamp(folders) -> tuple[int, ...]:
    # Part of the cache key, so a style.yaml edited between two builds in one process is read again.
    return tuple((f / STYLE_FILE).stat().st_mtime_ns for f in folders)


@lru_cache(maxsize=64)
def _load(name: str, _folders: tuple[str, ...], _stamp: tuple[int, ...], folder: str) -> HouseStyle:
    styles = available_styles(Path(folder) if folder != "None" else None)
    chain, raws, problems, warnings = [], [], [], []
    current: str | None = name
    while current is not None:
        if current in chain:
            problems.append(Problem(display_path(styles[chain[-1]] / STYLE_FILE),
                                    f"inherit: '{current}' inherits from itself ({' -> '.join([*chain, current])})"))
            break
        path = styles[current] / STYLE_FILE
        raw, file_problems, file_warnings = _read(path)
        chain.append(current)
        raws.append(raw)
        problems += file_problems
        warnings += file_warnings
        # A file with problems is not followed further: its inherit: may be the problem.
        current = raw.get("inherit") if not file_problems and isinstance(raw.get("inherit"), str) else None
        if current is not None and (not safe_name(current) or current not in styles):
            problems.append(Problem(display_path(path), f"inherit: '{current}' is not a house style; "
                                                        f"expected one of {', '.join(styles)}"))
            current = None
    if problems:
        raise TemplateError(problems)
    settings = Style.model_validate(_merge(raws))
    boilerplate = tuple(raw.get("boilerplate") or style for style, raw in zip(chain, raws))
    return HouseStyle(name, settings, tuple(styles[s] for s in chain), boilerplate, tuple(warnings))


def _raw(path: Path) -> dict:
    return read_yaml_mapping(path, display_path(path), TemplateError,
                             what="house-style keys such as sections: and header:")


def _read(path: Path) -> tuple[dict, list[Problem], list[str]]:
    shown = display_path(path)
    raw = _raw(path)
    try:
        checked = Style.model_validate(raw)
    except ValidationError as exc:
        from .meeting import _message  # the meeting file's wording of pydantic's errors, shared

        return raw, [Problem(shown, _message(err)) for err in exc.errors()], []
    return raw, [], [f"{shown}: {key}: unknown key, ignored" for key in _unknown(checked, "")]


def _unknown(node, prefix: str) -> list[str]:
    found = []
    if isinstance(node, BaseModel):
        found += [f"{prefix}{key}" for key in node.model_extra or {}]
        for key in type(node).model_fields:
            found += _unknown(getattr(node, key), f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _unknown(item, f"{prefix.rstrip('.')}[{i}].")
    return found


def _merge(raws: list[dict]) -> dict:
    """The chain's files, the inherited first: a child's key replaces its parent's (fields, labels merge)."""
    merged: dict = {}
    for raw in reversed(raws):
        for key, value in raw.items():
            if key in MERGED and isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
    merged.pop("inherit", None)
    merged.pop("boilerplate", None)
    return merged


# --- another council's wording --------------------------------------------------------------------


def council_names(folder: Path | None = None) -> dict[str, str]:
    """Every name a style says identifies its council -> the style's name."""
    names: dict[str, str] = {}
    for style, path in available_styles(folder).items():
        try:
            raw = _raw(path / STYLE_FILE)  # its keys as written: checking them is for a meeting that uses it
        except TemplateError:
            continue  # a broken style is reported when a meeting uses it
        for name in raw.get("council") or []:
            if isinstance(name, str) and name.strip():
                names.setdefault(name.strip(), style)
    return names


def council_name_warnings(meeting, boilerplate_used: dict[str, str]) -> list[str]:
    """Warnings for paragraphs (name -> text) that name a council other than the meeting's.

    A name counts as the meeting's own when it is part of the meeting's council
    name (or the other way round), or is listed by the meeting's house style when
    that style is the meeting's council's own (a style borrowed by another council
    does not make its council's name the borrower's).
    """
    own: set[str] = set()
    council = meeting.council.lower()
    try:
        listed = set(find_style(meeting.style, meeting.folder, meeting.source).settings.council)
    except (MeetingError, TemplateError):
        listed = set()
    if any(name.lower() == council for name in listed):
        own = listed  # the style is this council's own: its other names (KCC) are the council's too
    warnings = []
    for name, style in council_names(meeting.folder).items():
        if name in own or name.lower() in council or council in name.lower():
            continue
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        for paragraph, text in sorted(boilerplate_used.items()):
            if pattern.search(text):
                warnings.append(f"{meeting.source}: paragraph '{paragraph}' names {name} (the council of house "
                                f"style {style}), but this paper is {meeting.council}'s; give this meeting its "
                                f"own wording (overrides: or its boilerplate/ folder)")
    return warnings


# --- dates in the style's words -------------------------------------------------------------------

WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi",
                "Hydref", "Tachwedd", "Rhagfyr")
WELSH_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul")


def written_date(when, style: Style, kind: str | None = None) -> str:
    """A date as the style writes it: '22 June 2017', 'Tuesday 6 December 2016', '7th March 2018',
    or in Welsh '7 Mawrth 2018' (Welsh ordinals are irregular, so Welsh dates are never ordinal)."""
    from .formatting import long_date

    kind = kind or style.date_style
    if (style.date_language or style.language).lower().startswith("cy"):
        text = f"{when.day} {WELSH_MONTHS[when.month - 1]} {when.year}"
        return f"{WELSH_DAYS[when.weekday()]} {text}" if kind == "weekday" else text
    return long_date(when, weekday=kind == "weekday", ordinal=kind == "ordinal")
