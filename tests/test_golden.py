"""Golden tests: each sample meeting's cover report, as normalised text, against tests/golden/<meeting>.txt.

Regenerate the golden files (after a deliberate change to wording, order or layout) with:

    .venv/bin/python -m tests.test_golden --update            # every sample meeting
    .venv/bin/python -m tests.test_golden --update kent-cc-2013-09   # just one

then read the diff (`git diff tests/golden`) as a reviewer would read the paper, and commit it.

The normalised text is what a reader meets, in document order, never the zip's bytes:
- the document properties (title, subject, author, language, created);
- the header and footer paragraphs; fields show as {PAGE} and {NUMPAGES};
- each body paragraph as ``[<Word style>] text``; a tab is one space, a line break starts an indented line,
  ``**bold**`` and ``*italic*`` mark runs formatted directly (not by their style);
- a picture as ``[image: <alt text>]``;
- a table as ``[table: <table style>]`` then one line a row, cells separated by `` | ``, header rows
  (repeated on each page) marked ``head:``, others ``row:``; line breaks inside a cell show as `` / ``.
Empty paragraphs are left out.
"""

from __future__ import annotations

import difflib
import io
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
MEETINGS = sorted(p.parent.name for p in DATA.glob("*/meeting.yaml"))
REGENERATE = ".venv/bin/python -m tests.test_golden --update"


# --- the normaliser ------------------------------------------------------------------------------


def _fmt(run, tag: str) -> bool:
    element = run.find(f"{qn('w:rPr')}/{qn(tag)}")
    return element is not None and element.get(qn("w:val")) not in ("0", "false")


def _marked(text: str, bold: bool, italic: bool) -> str:
    core = text.strip()
    if not core:
        return text
    mark = ("**" if bold else "") + ("*" if italic else "")
    start = text.index(core)  # spaces stay outside the marks: "**Summary:** The", not "**Summary: **The"
    return f"{text[:start]}{mark}{core}{mark[::-1]}{text[start + len(core):]}"


def _run_text(run) -> str:
    parts = []
    for child in run.iterchildren():
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:tab"):
            parts.append(" ")
        elif child.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif child.tag == qn("w:drawing"):
            alt = next((d.get("descr") for d in child.iter(qn("wp:docPr"))), "")
            parts.append(f"[image: {alt}]")
    return "".join(parts)


def paragraph_text(p) -> str:
    """A paragraph's text with direct bold/italic marked; adjacent runs alike are merged first."""
    pieces: list[tuple[str, bool, bool]] = []
    for child in p.iterchildren():
        if child.tag == qn("w:fldSimple"):
            pieces.append(("{" + child.get(qn("w:instr")).split()[0] + "}", False, False))
            continue
        runs = [child] if child.tag == qn("w:r") else child.iter(qn("w:r")) if child.tag == qn("w:hyperlink") else []
        for run in runs:
            piece = (_run_text(run), _fmt(run, "w:b"), _fmt(run, "w:i"))
            if pieces and pieces[-1][1:] == piece[1:]:
                pieces[-1] = (pieces[-1][0] + piece[0], *piece[1:])
            else:
                pieces.append(piece)
    return "".join(_marked(*piece) for piece in pieces)


def _style(element, doc) -> str:
    style_id = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return doc.styles.get_by_id(style_id.get(qn("w:val")) if style_id is not None else None, 1).name


def _paragraph_line(p, doc) -> str | None:
    text = paragraph_text(p)
    if not text.strip():
        return None
    return f"[{_style(p, doc)}] " + text.replace("\n", "\n    ")


def _table_lines(table, doc) -> list[str]:
    style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    name = doc.styles.get_by_id(style.get(qn("w:val")), 3).name if style is not None else "no style"
    lines = [f"[table: {name}]"]
    for tr in table.iter(qn("w:tr")):
        head = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        cells = [" / ".join(paragraph_text(p).replace("\n", " / ") for p in tc.iter(qn("w:p")) if paragraph_text(p))
                 for tc in tr.iter(qn("w:tc"))]
        lines.append(f"  {'head' if head else 'row'}: " + " | ".join(cells))
    return lines


def _block_lines(container, doc) -> list[str]:
    lines: list[str] = []
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            line = _paragraph_line(child, doc)
            lines += [line] if line is not None else []
        elif child.tag == qn("w:tbl"):
            lines += _table_lines(child, doc)
    return lines


def normalise(docx_bytes: bytes) -> str:
    """The report as the text a reviewer can read and diff."""
    doc = docx.Document(io.BytesIO(docx_bytes))
    props = doc.core_properties
    lines = ["== properties ==", f"title: {props.title}", f"subject: {props.subject}", f"author: {props.author}",
             f"language: {props.language}", f"created: {props.created.isoformat()}"]
    for number, section in enumerate(doc.sections, 1):
        for name, part in (("header", section.header), ("footer", section.footer)):
            if not part.is_linked_to_previous:
                lines += [f"== section {number} {name} ==", *_block_lines(part._element, doc)]
    lines += ["== body ==", *_block_lines(doc.element.body, doc)]
    return "\n".join(lines) + "\n"


def rendered(meeting: str) -> str:
    from reportgen.build import prepare

    return normalise(prepare(DATA / meeting).docx)


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("meeting", MEETINGS)
def test_report_matches_golden_text(meeting):
    golden = GOLDEN / f"{meeting}.txt"
    assert golden.is_file(), f"no golden file {golden.name}; create it with: {REGENERATE} {meeting}"
    expected, actual = golden.read_text(encoding="utf-8"), rendered(meeting)
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"tests/golden/{meeting}.txt", f"rendered {meeting}/report.docx"))
        pytest.fail(f"the rendered report differs from its golden text; if the change is intended, "
                    f"run: {REGENERATE} {meeting}\n{diff}", pytrace=False)


def test_every_golden_file_has_a_meeting():
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == MEETINGS


def test_normaliser_keeps_styles_bold_tables_images_and_fields():
    from docx.shared import Cm

    doc = docx.Document()
    doc.add_heading("1.\tIntroduction", level=1)
    p = doc.add_paragraph("Asked to ")
    p.add_run("NOTE").bold = True
    p.add_run(" this.\nNext line")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Measure", "Number"
    table.cell(1, 0).text, table.cell(1, 1).text = "Rated", "17"
    table.rows[0]._tr.get_or_add_trPr().append(table.rows[0]._tr.makeelement(qn("w:tblHeader"), {}))
    from reportgen.render.charts import rag_count_chart

    doc.add_picture(io.BytesIO(rag_count_chart({"Green": 1}, title="t")), width=Cm(2))
    doc.inline_shapes[0]._inline.docPr.set("descr", "One Green measure")
    buffer = io.BytesIO()
    doc.save(buffer)
    body = normalise(buffer.getvalue()).split("== body ==\n")[1]
    assert body == ("[Heading 1] 1. Introduction\n"
                    "[Normal] Asked to **NOTE** this.\n    Next line\n"
                    "[table: no style]\n  head: Measure | Number\n  row: Rated | 17\n"
                    "[Normal] [image: One Green measure]\n")


# --- regeneration --------------------------------------------------------------------------------


def update(meetings: list[str]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    for meeting in meetings:
        path = GOLDEN / f"{meeting}.txt"
        text = rendered(meeting)
        changed = not path.is_file() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        print(f"{'updated' if changed else 'unchanged'}: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "--update" or not set(args[1:]) <= set(MEETINGS):
        sys.exit(f"usage: {REGENERATE} [MEETING ...]\n  meetings: {', '.join(MEETINGS)}")
    update(args[1:] or MEETINGS)
