"""The scorecard is a tagged PDF (PDF/UA-1), read back with pikepdf.

The structure tree is walked from the catalog, and every content stream (and
every form it draws) is parsed, its text decoded through the fonts' ToUnicode
maps, so that each check compares the words a screen reader would be given
with the words on the page: the sample meetings' real scorecards, and the small
dataset of test_scorecard_pdf (a group long enough to break across pages).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest

from reportgen.build import prepare
from reportgen.describe import describe_trend
from reportgen.model import Block, Run
from reportgen.render.scorecard_pdf import render_scorecard
from test_scorecard_pdf import FACTS, GUIDANCE, REPORT, WELSH_NAME, _dataset
from reportgen.scoring import score_dataset

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = sorted(p.parent.name for p in (ROOT / "data").glob("*/meeting.yaml"))
CHECKER = ROOT.parent / "shared" / "tools" / "pdfua_check.py"
TEXT_OPS = {"Tj", "TJ", "'", '"'}


# ---------------------------------------------------------------- reading a tagged PDF

def _unicode_map(font) -> dict[int, str]:
    """Code -> text from a simple font's ToUnicode CMap (bfchar and bfrange entries)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    codes: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                codes[code] = chr(int(start, 16) + offset)
    return codes


def _shown(operands, codes: dict[int, str]) -> str:
    strings = [o for o in operands if isinstance(o, pikepdf.String)]
    for o in operands:
        if isinstance(o, pikepdf.Array):
            strings += [s for s in o if isinstance(s, pikepdf.String)]
    return "".join(codes.get(b, "\ufffd") for s in strings for b in bytes(s))


@dataclass
class Content:
    """The text of every marked-content sequence, and what was shown outside any."""

    marked: dict[tuple, str] = field(default_factory=lambda: defaultdict(str))  # (page objgen, MCID) -> text
    artifacts: list[str] = field(default_factory=list)  # (page index, text) shown inside an /Artifact
    untagged: list[str] = field(default_factory=list)
    nested_mcids: int = 0  # an MCID opened inside another MCID or an artifact

    def scan(self, owner, page: int, key, stack: list) -> None:
        fonts = {str(k): _unicode_map(f) for k, f in owner.get("/Resources", {}).get("/Font", {}).items()}
        forms = owner.get("/Resources", {}).get("/XObject", {})
        codes: dict[int, str] = {}
        for ci in pikepdf.parse_content_stream(owner):
            op = str(ci.operator)
            if op in ("BDC", "BMC"):
                props = ci.operands[1] if op == "BDC" else None
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                if mcid is not None and stack:
                    self.nested_mcids += 1
                stack.append(mcid if mcid is not None else str(ci.operands[0]))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                codes = fonts[str(ci.operands[0])]
            elif op in TEXT_OPS:
                self._put(_shown(ci.operands, codes), page, key, stack)
            elif op == "Do" and forms.get(ci.operands[0], {}).get("/Subtype") == "/Form":
                self.scan(forms[ci.operands[0]], page, key, list(stack))  # a form inherits its caller's marks

    def _put(self, text: str, page: int, key, stack: list) -> None:
        if "/Artifact" in stack:
            self.artifacts.append((page, text))
        elif stack and isinstance(stack[-1], int):
            self.marked[(key, stack[-1])] += text
        else:
            self.untagged.append(text)


@dataclass
class Node:
    role: str
    obj: pikepdf.Dictionary
    parent: Node | None
    kids: list[Node] = field(default_factory=list)
    mcids: list[tuple] = field(default_factory=list)

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def text(self, content: Content) -> str:
        return "".join([content.marked.get(m, "") for m in self.mcids] + [k.text(content) for k in self.kids])

    @property
    def scope(self) -> str:
        attrs = self.obj.get("/A")
        return str(attrs.get("/Scope", "")) if attrs is not None else ""


def _tree(obj, parent: Node | None = None, page=None) -> Node:
    node = Node(str(obj.S)[1:], obj, parent)
    page = obj.Pg.objgen if "/Pg" in obj else page
    kids = obj.get("/K", [])
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            node.mcids.append((page, kid))
        elif kid.get("/Type") == "/MCR":
            node.mcids.append((kid.Pg.objgen, int(kid.MCID)))
        else:
            node.kids.append(_tree(kid, node, page))
    return node


@dataclass
class Tagged:
    pdf: pikepdf.Pdf
    root: Node
    content: Content

    @classmethod
    def read(cls, data: bytes) -> Tagged:
        pdf = pikepdf.open(io.BytesIO(data))
        content = Content()
        for index, page in enumerate(pdf.pages):
            content.scan(page.obj, index, page.obj.objgen, [])
        (document,) = pdf.Root.StructTreeRoot.K
        return cls(pdf, _tree(document), content)

    def all(self, role: str) -> list[Node]:
        return [n for n in self.root.walk() if n.role == role]

    def text(self, node: Node) -> str:
        return node.text(self.content)


def _flat(text: str) -> str:
    return "".join(text.split())  # cell text wraps over lines: compare without the breaks


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module", params=MEETINGS)
def meeting(request):
    built = prepare(ROOT / "data" / request.param)
    return built, Tagged.read(built.scorecard)


@pytest.fixture(scope="module")
def scores():
    return score_dataset(_dataset(), REPORT)


@pytest.fixture(scope="module")
def small(scores) -> Tagged:
    return Tagged.read(render_scorecard(FACTS, scores, GUIDANCE))


# ---------------------------------------------------------------- the sample meetings

@pytest.mark.skipif(not CHECKER.exists(), reason=f"the PDF/UA checker is not at {CHECKER} (../shared/tools)")
def test_pdfua_checker_finds_no_failure(meeting, tmp_path):
    built, _ = meeting
    path = tmp_path / "appendix-a-scorecard.pdf"
    path.write_bytes(built.scorecard)
    run = subprocess.run([sys.executable, str(CHECKER), "--json", str(path)], capture_output=True, text=True,
                         check=True)
    (report,) = json.loads(run.stdout)
    failed = [desc for _, desc, ok in report["verdicts"] if not ok]
    assert report["verdicts"] and failed == []


def test_every_indicator_id_sits_in_a_row_headed_by_its_name(meeting):
    built, tagged = meeting
    names = {s.id: s.indicator.name for s in built.scores.scores}
    found = Counter()
    for td in tagged.all("TD"):
        ident = tagged.text(td)
        if ident not in names:
            continue
        row = td.parent
        assert row.role == "TR" and row.parent.role == "TBody"
        (header,) = [k for k in row.kids if k.role == "TH"]
        assert header.scope == "/Row"
        assert _flat(tagged.text(header)).removesuffix("(key)") == _flat(names[ident]), ident
        found[ident] += 1
    assert set(found) == set(names)  # every indicator, in its group's table (and the cohort table)


def test_headers_scopes_and_alt_text(meeting):
    _, tagged = meeting
    headers = tagged.all("TH")
    assert headers and all(th.scope in ("/Column", "/Row") for th in headers)
    for th in headers:
        assert th.scope == ("/Column" if th.parent.parent.role == "THead" else "/Row")
    figures = tagged.all("Figure")
    assert figures and all(str(f.obj.get("/Alt", "")).strip() for f in figures)
    for table in tagged.all("Table"):
        assert [k.role for k in table.kids] == ["THead", "TBody"]
        assert len(table.kids[0].kids) == 1  # one header row, however many pages the table runs over


def test_no_text_outside_marked_content(meeting):
    _, tagged = meeting
    content = tagged.content
    assert content.untagged == [] and content.nested_mcids == 0
    assert content.marked and content.artifacts


def test_headings_go_down_one_level_at_a_time(meeting):
    _, tagged = meeting
    levels = [int(n.role[1]) for n in tagged.root.walk() if re.fullmatch(r"H\d", n.role)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert 2 in levels


def test_every_mcid_belongs_to_the_element_the_parent_tree_names(meeting):
    _, tagged = meeting
    nums = list(tagged.pdf.Root.StructTreeRoot.ParentTree.Nums)
    owners = dict(zip(nums[::2], nums[1::2]))
    for index, page in enumerate(tagged.pdf.pages):
        assert page.obj.StructParents == index and page.obj.Tabs == "/S"
    pages = {p.obj.objgen: int(p.obj.StructParents) for p in tagged.pdf.pages}
    for node in tagged.root.walk():
        for page, mcid in node.mcids:
            assert owners[pages[page]][mcid].objgen == node.obj.objgen
    assert sum(len(a) for a in owners.values()) == sum(len(n.mcids) for n in tagged.root.walk())


def test_document_metadata(meeting):
    built, tagged = meeting
    pdf = tagged.pdf
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.pdf_version == "1.7"  # PDF/UA-1 is built on ISO 32000-1
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.Root.Lang) == built.report.facts.language
    with pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == str(pdf.docinfo.Title)
        assert xmp["dc:language"] == {built.report.facts.language}
        assert xmp["pdfuaid:part"] == "1"
    with pdf.open_outline() as outline:
        assert [item.title for item in outline.root][0] == "Summary"


# ---------------------------------------------------------------- the small dataset

def test_a_group_is_one_table_across_chunks_and_pages(small, scores):
    group = [s for s in scores.measures if s.indicator.group == "Children in Care" and s.indicator.kind == "kpi"]
    heading = next(h for h in small.all("H2") if small.text(h) == "Children in Care")
    siblings = heading.parent.kids
    table = siblings[siblings.index(heading) + 1]
    assert table.role == "Table"
    rows = table.kids[1].kids
    assert len(group) > 40 and len(rows) == len(group)  # more than one chunk of 40 rows
    assert [small.text(r.kids[0]) for r in rows] == [s.id for s in group]
    pages = {page for row in rows for cell in row.kids for page, _ in cell.mcids}
    assert len(pages) >= 2


def test_repeated_rows_and_furniture_are_artifacts(small):
    marked = list(small.content.marked.values())
    artifacts = [text for _, text in small.content.artifacts]
    assert not any("(continued)" in t for t in marked)
    assert "Children in Care (continued)" in artifacts
    assert marked.count("Basis") == 3  # the header rows of the two KPI groups and the activity group, once each
    assert artifacts.count("Basis") >= 1  # repeated on the pages the first group runs on to
    pages = len(small.pdf.pages)
    for index in range(pages):
        on_page = [t for p, t in small.content.artifacts if p == index]
        assert f"Page {index + 1} of " in on_page and str(pages) in on_page and FACTS.council in on_page
    assert not any(FACTS.council == t or t.startswith("Page ") for t in marked)


def test_sparkline_is_a_figure_that_says_the_trend(small, scores):
    cic02 = next(s for s in scores.measures if s.id == "CIC02")
    row = next(r for r in small.all("TR") if r.kids and small.text(r.kids[0]) == "CIC02")
    (figure,) = [k for cell in row.kids for k in cell.kids if k.role == "Figure"]
    assert figure.parent.role == "TD"
    assert str(figure.obj.Alt) == describe_trend(cic02)
    assert "Rose from 20.1% in April 2016 to 26.0% in April 2017" in str(figure.obj.Alt)


def test_reading_order_of_the_first_page(small):
    first = [(n.role, small.text(n)) for n in small.root.kids[:4]]
    assert first == [("P", "Appendix A"), ("H1", "Children's Services performance scorecard"),
                     ("P", first[2][1]), ("H1", "Summary")]
    assert _flat(WELSH_NAME) in {_flat(small.text(th)) for th in small.all("TH")}
    bullets = small.all("L")
    assert len(bullets) == 1 and small.text(bullets[0]) == "•Amber: below target but not below the floor."


def test_draft_says_so_on_every_page_and_in_the_title(scores):
    draft = Tagged.read(render_scorecard(dataclasses.replace(FACTS, draft=True), scores, GUIDANCE))
    title = "DRAFT – Appendix A: Children's Services performance scorecard"
    assert str(draft.pdf.docinfo.Title) == title
    with draft.pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == title
    for index in range(len(draft.pdf.pages)):
        assert "DRAFT – " in [t for p, t in draft.content.artifacts if p == index]


def test_untagged_switch_only_leaves_out_the_tags(scores):
    # Kept for the benchmark: the same pages and words, without the structure.
    plain = pikepdf.open(io.BytesIO(render_scorecard(FACTS, scores, GUIDANCE, tagged=False)))
    tagged = pikepdf.open(io.BytesIO(render_scorecard(FACTS, scores, GUIDANCE)))
    assert "/StructTreeRoot" not in plain.Root and "/StructTreeRoot" in tagged.Root
    assert len(plain.pages) == len(tagged.pages)


def test_a_note_in_another_language_says_which(scores):
    welsh = Block((Run("Mae'r nodiadau hyn ar gael yn Gymraeg.", lang="cy-GB"),))
    mixed = Block((Run("Green", lang="en-GB"), Run(" means on target.")))
    tagged = Tagged.read(render_scorecard(FACTS, scores, (*GUIDANCE, welsh, mixed)))
    langs = {tagged.text(p): str(p.obj.get("/Lang", "")) for p in tagged.all("P")}
    assert langs["Mae'r nodiadau hyn ar gael yn Gymraeg."] == "cy-GB"
    assert langs["Green means on target."] == ""  # the paper's own language: no /Lang of its own


# ---------------------------------------------------------------- the rule behind each rating

def _kpi_cells(tagged: Tagged) -> dict[str, dict[str, str]]:
    """Indicator id -> {column heading: cell text} over the KPI tables, read from the tags."""
    cells = {}
    for table in tagged.all("Table"):
        head, body = table.kids
        headings = [tagged.text(th) for th in head.kids[0].kids]
        if "Thresholds" in headings and "Status" in headings and "Ref" in headings:
            for row in body.kids:
                texts = [tagged.text(cell) for cell in row.kids]
                cells[texts[0]] = dict(zip(headings, texts))
    return cells


def test_thresholds_column_shows_the_rule_applied(scores):
    applied = {"CIC01": dict(green_from=80.0, amber_from=75.0), "EH01": dict(green_from=30.0, amber_from=40.0)}
    changed = dataclasses.replace(scores, scores=tuple(
        dataclasses.replace(s, **applied[s.id]) if s.id in applied and not s.cohort else s for s in scores.scores))
    cells = _kpi_cells(Tagged.read(render_scorecard(FACTS, changed, GUIDANCE)))
    assert cells["CIC01"]["Thresholds"] == "Green ≥ 80.0%Amber ≥ 75.0%"  # from the scoring, not the target
    assert cells["EH01"]["Thresholds"] == "Green ≤ 30 daysAmber ≤ 40 days"  # lower is better
    assert cells["CIC02"]["Thresholds"] == "Green ≤ 20.0%Amber ≤ 25.0%"  # none given: target and floor
    assert cells["CIC03"]["Thresholds"] == "Green ≥ 100Amber ≥ 90"  # an amber band of 10% of the target 100
    assert cells["CIC04"]["Thresholds"] == "No target"
    assert "Year to date" not in {h.replace("\n", " ") for h in cells["CIC01"]}


def test_year_to_date_and_out_turn_columns_when_some_indicator_has_them(scores):
    year_end = REPORT.shift(-1)  # March 2017: the end of 2016/17
    extra = {"CIC01": dict(ytd=90.4, outturn=89.9, outturn_period=year_end), "CIC02": dict(ytd=23.0)}
    changed = dataclasses.replace(scores, scores=tuple(
        dataclasses.replace(s, **extra[s.id]) if s.id in extra and not s.cohort else s for s in scores.scores))
    cells = _kpi_cells(Tagged.read(render_scorecard(FACTS, changed, GUIDANCE)))
    headings = list(cells["CIC01"])
    assert headings[2:6] == ["Latest", "Previous", "Year todate", "Out-turn2016/17"]
    assert (cells["CIC01"]["Year todate"], cells["CIC01"]["Out-turn2016/17"]) == ("90.4%", "89.9%")
    # CIC02's out-turn is scored from the data: its March 2017 figure.
    march = next(s for s in scores.measures if s.id == "CIC02").history[-2]
    assert march.period == year_end
    assert (cells["CIC02"]["Year todate"], cells["CIC02"]["Out-turn2016/17"]) == ("23.0%", f"{march.value:.1f}%")
    assert cells["F000"]["Year todate"] == "No data"


def test_long_figures_never_make_the_table_wider_than_the_page(scores):
    from reportgen.render.scorecard_cells import KPI_TABLE_WIDTH, NAME_MIN_WIDTH, kpi_columns

    year_end = REPORT.shift(-1)
    huge = dataclasses.replace(scores, scores=tuple(
        dataclasses.replace(s, ytd=123_456_789.5, outturn=987_654_321.5, outturn_period=year_end)
        for s in scores.scores))
    tagged = Tagged.read(render_scorecard(FACTS, huge, GUIDANCE))  # laid out, not a LayoutError
    assert _kpi_cells(tagged)["CIC01"]["Year todate"] == "123,456,789.5%"
    widths = kpi_columns([s for s in huge.measures if s.indicator.kind == "kpi"]).widths
    assert sum(widths) <= KPI_TABLE_WIDTH and widths[1] >= NAME_MIN_WIDTH  # the name keeps its room


def test_a_paragraph_split_over_pages_stays_one_element(scores):
    commentary = " ".join(f"Sentence {i} of a long commentary on repeat referrals." for i in range(300))
    long = dataclasses.replace(scores, scores=tuple(
        dataclasses.replace(s, commentary=commentary) if s.id == "CIC02" and not s.cohort else s
        for s in scores.scores))
    tagged = Tagged.read(render_scorecard(FACTS, long, GUIDANCE))
    (para,) = [p for p in tagged.all("P") if tagged.text(p).startswith("Sentence 0 ")]
    assert len({page for page, _ in para.mcids}) >= 2  # marked on each page, as /MCR beyond the first
    assert _flat(tagged.text(para)) == _flat(commentary)
