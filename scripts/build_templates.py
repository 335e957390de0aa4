"""Build the house-style cover report templates in templates/ from code.

    .venv/bin/python scripts/build_templates.py      (or: make templates)

Each template is an ordinary Word document holding docxtpl tags ({{ }}, {%p %},
{%tr %}). Word styles carry the look (Title, Heading 1/2, Report Paragraph,
List Bullet, Quotation, Chart, Caption, Report Table), so restyling in Word means changing
a style, not a paragraph. The composer (reportgen/compose.py) decides every word;
these templates only say where things go. See templates/README.md.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reportgen.pack import normalise_docx  # noqa: E402  (same bytes on every rebuild)

OUT = ROOT / "templates"
TEMPLATE_FILE = "template.docx"
FONT = "Arial"  # LibreOffice substitutes Liberation Sans, which has the Welsh letters
LANGUAGE = "en-GB"
BLACK = RGBColor(0, 0, 0)
HANG = Cm(1.27)
BUILT = datetime(2024, 1, 1, tzinfo=timezone.utc)

# The loop over the composed sections: every house style lays its body out the same way.
BODY_LOOP = [
    ("{%p for s in sections %}", None),
    ("{{ s.heading }}", "Heading 1"),
    ("{%p for item in s.content %}", None),
    ('{%p if item.kind == "body" %}', None),
    ("{{r item.rich }}", "Report Paragraph"),
    ('{%p elif item.kind == "plain" %}', None),
    ("{{r item.rich }}", "Body Text"),
    ('{%p elif item.kind == "bullet" %}', None),
    ("{{r item.rich }}", "List Bullet"),
    ('{%p elif item.kind == "quote" %}', None),
    ("{{r item.rich }}", "Quotation"),
    ('{%p elif item.kind == "heading" %}', None),
    ("{{ item.text }}", "Heading 2"),
    ('{%p elif item.kind == "chart" %}', None),
    ("{{ item.image }}", "Chart"),
    ("{{ item.caption }}", "Caption"),
    ('{%p elif item.kind == "table" %}', None),
    ("TABLE", None),
    ("{%p endif %}", None),
    ("{%p endfor %}", None),
    ("{%p endfor %}", None),
]


# --- styles -----------------------------------------------------------------------------


def _fonts(rpr_parent) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def set_defaults(doc) -> None:
    """Arial and British English for every run that does not say otherwise."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:lang")):
            rpr.remove(child)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" '
                            f'w:cs="{FONT}" w:eastAsia="{FONT}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" '
                         f'w:bidi="ar-SA"/>'))


def _paragraph_style(doc, name, *, size=12, bold=False, italic=False, before=0, after=8,
                     indent=None, hanging=None, align=None, keep_next=False, keep_together=None,
                     base="Normal"):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles[base]
    style.quick_style = True
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    font.color.rgb = BLACK
    _fonts(style.element)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.15
    if indent is not None:
        fmt.left_indent = indent
    if hanging is not None:
        fmt.first_line_indent = -hanging
        fmt.tab_stops.add_tab_stop(indent or hanging)
    if align is not None:
        fmt.alignment = align
    fmt.keep_with_next = keep_next
    if keep_together is not None:  # None: as the base style has it
        fmt.keep_together = keep_together
    return style


def _no_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _outline_level(style, level: int) -> None:
    """Make a paragraph style a heading of ``level`` (1 = H1) without basing it on Heading n."""
    ppr = style.element.get_or_add_pPr()
    for existing in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(existing)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level - 1))
    ppr.insert_element_before(element, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def define_styles(doc, text_indent=HANG) -> None:
    """The styles every template shares; ``text_indent`` lines unnumbered text up with numbered."""
    set_defaults(doc)
    _paragraph_style(doc, "Normal")
    title = _paragraph_style(doc, "Title", size=16, bold=True, after=12)
    _no_border(title)
    _outline_level(title, 1)  # so the tagged PDF (and Word's navigation pane) has the title as a heading
    subtitle = _paragraph_style(doc, "Subtitle", size=12, bold=True, after=6)
    for spacing in subtitle.element.rPr.findall(qn("w:spacing")):  # Word's default letter-spacing
        subtitle.element.rPr.remove(spacing)
    _paragraph_style(doc, "Heading 1", bold=True, before=12, after=6, indent=HANG, hanging=HANG,
                     keep_next=True)
    _paragraph_style(doc, "Heading 2", bold=True, before=8, after=4, indent=text_indent, keep_next=True)
    # Unnumbered text (a contact block is one such paragraph, its lines joined by breaks) is kept on
    # one page; a numbered paragraph may run long, and widow control is enough for it.
    _paragraph_style(doc, "Body Text", indent=text_indent, keep_together=True)
    _paragraph_style(doc, "Report Paragraph", base="Body Text", indent=HANG, hanging=HANG, keep_together=False)
    _paragraph_style(doc, "List Bullet", after=4).paragraph_format.left_indent = Cm(1.9)
    _paragraph_style(doc, "List Number", after=4).paragraph_format.left_indent = Cm(1.9)
    quote = _paragraph_style(doc, "Quotation", italic=True, indent=HANG)
    quote.paragraph_format.right_indent = HANG
    _paragraph_style(doc, "Chart", align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True, before=6, after=2)
    _paragraph_style(doc, "Caption", size=10, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    for name in ("Header", "Footer"):
        # Word's default stops (at 16.5 cm) lie beyond A4's text width: the page tab would wrap.
        _paragraph_style(doc, name, size=9, after=0).paragraph_format.tab_stops.clear_all()
    # The signatory's name, title and date are one block: each line keeps with the next.
    _paragraph_style(doc, "Signatory", after=2, keep_next=True, keep_together=True)
    _table_style(doc)


def _table_style(doc) -> None:
    """'Report Table': ruled cells, a bold shaded header row (repeated on each page)."""
    xml = f'''<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="ReportTable">
      <w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="40"/><w:qFormat/>
      <w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>
      <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/><w:sz w:val="22"/></w:rPr>
      <w:tblPr><w:tblBorders>
        <w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>
        <w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>
        <w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>
        <w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>
        <w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>
        <w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      </w:tblBorders><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>
      <w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/></w:tcPr></w:tblStylePr>
    </w:style>'''
    doc.styles.element.append(parse_xml(xml))


# --- page set-up, header and footer ----------------------------------------------------------


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    right = section.page_width - section.left_margin - section.right_margin

    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run("{{ header_text }}")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ footer_text }}")
    footer.add_run().add_tab()
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _field(paragraph, instruction: str, shown: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} \\* MERGEFORMAT ">'
        f'<w:r><w:rPr><w:noProof/></w:rPr><w:t>{shown}</w:t></w:r></w:fldSimple>'))


# --- building blocks -----------------------------------------------------------------------


def para(doc, text: str, style: str | None = None, bold_prefix: str = "") -> None:
    paragraph = doc.add_paragraph(style=style)
    if bold_prefix:
        paragraph.add_run(bold_prefix).bold = True
    paragraph.add_run(text)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def header_table(doc, widths=(Cm(4.5), Cm(11.5))):
    """The header block (From / To / Subject ...): a borderless layout table, one row per field.

    Left out whole when the house style has no header block (the if around it removes the table).
    """
    para(doc, "{%p if header %}")
    table = doc.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    texts = [("{%tr for h in header %}", ""), ("{{r h.label_rich }}", "{{ h.value }}"), ("{%tr endfor %}", "")]
    for row, (left, right) in zip(table.rows, texts):
        row.cells[0].width, row.cells[1].width = widths
        row.cells[0].paragraphs[0].add_run(left).bold = True
        row.cells[1].paragraphs[0].add_run(right)
    _grid(table, widths)
    _table_look(table, first_row=False)
    doc.add_paragraph()
    para(doc, "{%p endif %}")


def data_table(doc) -> None:
    """A composed two-column table, header row marked to repeat across pages."""
    table = doc.add_table(rows=4, cols=2)
    table.style = doc.styles["Report Table"]
    table.autofit = False
    texts = [("{{ item.header[0] }}", "{{ item.header[1] }}"), ("{%tr for row in item.rows %}", ""),
             ("{{ row[0] }}", "{{ row[1] }}"), ("{%tr endfor %}", "")]
    widths = (Cm(12.0), Cm(4.0))
    for index, (row, (left, right)) in enumerate(zip(table.rows, texts)):
        for cell, width, text in zip(row.cells, widths, (left, right)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.add_run(text).bold = index == 0
            # A short table reads best whole: never leave the header row alone at a page foot.
            paragraph.paragraph_format.keep_with_next = True
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    _grid(table, widths)
    _repeat_header(table.rows[0])
    _table_look(table, first_row=True)


def _grid(table, widths) -> None:
    for column, width in zip(table.columns, widths):
        column.width = width


def _table_look(table, first_row: bool) -> None:
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tblpr.append(look)
    look.set(qn("w:val"), "04A0" if first_row else "0000")
    look.set(qn("w:firstRow"), "1" if first_row else "0")
    for attr in ("w:lastRow", "w:firstColumn", "w:lastColumn", "w:noVBand"):
        look.set(qn(attr), "0")
    look.set(qn("w:noHBand"), "1")


def body_loop(doc) -> None:
    for text, style in BODY_LOOP:
        if text == "TABLE":
            data_table(doc)
        else:
            para(doc, text, style)


def title_block(doc) -> None:
    para(doc, "{{r heading_rich }}", "Title")
    para(doc, "{%p for line in title_lines %}")
    para(doc, "{{ line }}", "Subtitle")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if classification_notice %}")
    para(doc, "{{ classification_notice }}", "Subtitle")
    para(doc, "{%p endif %}")


def front_matter(doc) -> None:
    para(doc, "{%p for p in front %}")
    para(doc, "{{r p.rich }}", "Normal")
    para(doc, "{%p endfor %}")


def signatory(doc) -> None:
    para(doc, "{%p for line in signatory %}")
    para(doc, "{{ line }}", "Signatory")
    para(doc, "{%p endfor %}")


# --- the three house styles ----------------------------------------------------------------
# Every template has every part (title, header block, front, sections, signatory); a part the
# house style (style.yaml) leaves empty prints nothing, so any style can use any template.


def kent(doc) -> None:
    """Kent cabinet committee paper (seeds 000, 001, 004)."""
    title_block(doc)
    header_table(doc)
    front_matter(doc)
    body_loop(doc)
    signatory(doc)


def bucks(doc) -> None:
    """Buckinghamshire select committee report (seed 002)."""
    title_block(doc)
    header_table(doc, widths=(Cm(4.0), Cm(12.0)))
    front_matter(doc)
    body_loop(doc)
    signatory(doc)


def cardiff(doc) -> None:
    """Cardiff scrutiny report (seed 003)."""
    title_block(doc)
    header_table(doc)
    front_matter(doc)
    body_loop(doc)
    signatory(doc)


HOUSE_STYLES = {  # name: (layout, description, indent of unnumbered text)
    "kent-cabinet-committee": (kent, "Kent cabinet committee paper", HANG),
    "bucks-select-committee": (bucks, "Buckinghamshire select committee report", Cm(0)),
    "cardiff-scrutiny": (cardiff, "Cardiff scrutiny committee report", HANG),
}


def build(name: str) -> bytes:
    layout, description, text_indent = HOUSE_STYLES[name]
    doc = Document()
    define_styles(doc, text_indent)
    page_setup(doc)
    # Document() starts with no paragraphs; layout adds them in order.
    layout(doc)
    props = doc.core_properties
    props.title, props.subject, props.author = description, "reportgen template", "reportgen"
    props.comments = "Built by scripts/build_templates.py; see templates/README.md"
    props.language, props.keywords, props.category = LANGUAGE, "", ""
    props.created = props.modified = BUILT.replace(tzinfo=None)
    props.last_modified_by, props.revision = "reportgen", 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_docx(buffer.getvalue(), BUILT)


def main() -> int:
    for name in HOUSE_STYLES:
        path = OUT / name / TEMPLATE_FILE  # beside the style's style.yaml
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build(name))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
