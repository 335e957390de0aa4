"""report.html: parsed back with the standard library and checked as a screen reader and a browser would.

Every sample meeting is prepared once (reportgen.build.prepare, as a build does);
the page is parsed into a small tree, strictly (a stray or missing end tag fails).
The real-browser checks run headless Chromium when it is installed and are skipped
otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportgen.build import prepare
from reportgen.formatting import format_value
from reportgen.model import RED, Chart, Paragraph, Run
from reportgen.render.html import render_html
from reportgen.render.scorecard_cells import PALETTE, status_text

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = sorted(p.parent.name for p in (ROOT / "data").glob("*/meeting.yaml"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
needs_chromium = pytest.mark.skipif(chromium is None, reason="Chromium is not installed")


# --- a strict little parser ------------------------------------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def find(self, tag: str) -> Node | None:
        return next((n for n in self.iter(tag) if n is not self), None)


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: bytes) -> Node:
    builder = TreeBuilder()
    builder.feed(page.decode("utf-8"))
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root


@pytest.fixture(scope="module")
def pages():
    """meeting -> (Built, parsed report.html)."""
    built = {name: prepare(ROOT / "data" / name) for name in MEETINGS}
    return {name: (b, parse(b.html)) for name, b in built.items()}


def _in_order(root: Node) -> list[Node]:
    return list(root.iter())


# --- page, language, headings ----------------------------------------------------------


@pytest.mark.parametrize("meeting", MEETINGS)
def test_language_and_title_are_set(pages, meeting):
    built, root = pages[meeting]
    facts = built.report.facts
    assert built.html.startswith(b"<!DOCTYPE html>\n")
    assert root.find("html").attrs["lang"] == facts.language == "en-GB"
    title = root.find("title").text
    assert title.startswith(facts.title) and facts.committee in title and "DRAFT" not in title
    assert [h.text for h in root.iter("h1")] == [facts.title]
    assert root.find("meta").attrs == {"charset": "utf-8"}


@pytest.mark.parametrize("meeting", MEETINGS)
def test_heading_levels_never_skip(pages, meeting):
    built, root = pages[meeting]
    levels = [int(n.tag[1]) for n in _in_order(root) if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels
    headings = [n.text for n in root.iter("h2")]
    # Contents, each section of the cover in order, then the appendix.
    assert headings == ["Contents", *(f"{s.number} {s.heading}".strip() for s in built.report.sections),
                        f"Appendix {built.report.facts.appendix_letter}: {built.report.facts.title}"]


@pytest.mark.parametrize("meeting", MEETINGS)
def test_contents_links_reach_every_section(pages, meeting):
    _, root = pages[meeting]
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "an id is used twice"
    named = [n.attrs["aria-labelledby"] for n in root.iter() if "aria-labelledby" in n.attrs]
    assert named and set(named) <= set(ids), "an aria-labelledby names no element"
    nav = root.find("nav")
    targets = [a.attrs["href"][1:] for a in nav.iter("a")]
    h2_ids = [h.attrs["id"] for h in root.iter("h2") if h.attrs["id"] != "contents"]
    assert targets == h2_ids


def test_header_block_is_a_summary_list(pages):
    built, root = pages["kent-scs-2017-06"]
    dl = root.find("dl")
    assert "govuk-summary-list" in dl.attrs["class"]
    rows = [(r.find("dt").text, r.find("dd").text) for r in dl.iter("div")]
    assert rows[0] == ("From", "Roger Gough, Cabinet Member for Children, Young People and Education "
                               "Andrew Ireland, Corporate Director of Social Care, Health and Wellbeing")
    assert [label for label, _ in rows] == [h.label for h in built.report.header]
    assert sum(1 for n in dl.iter("br")) == 1  # the two people on two lines


# --- tables --------------------------------------------------------------------------------


@pytest.mark.parametrize("meeting", MEETINGS)
def test_every_table_has_a_caption_and_every_header_cell_a_scope(pages, meeting):
    _, root = pages[meeting]
    tables = list(root.iter("table"))
    assert len(tables) > 5
    for table in tables:
        caption = [c for c in table.children if isinstance(c, Node)][0]
        assert caption.tag == "caption" and caption.text
        region = table.parent
        assert region.attrs["class"] == "table-scroll" and region.attrs["role"] == "region"
        assert region.attrs["aria-labelledby"] == caption.attrs["id"] and region.attrs["tabindex"] == "0"
        assert all(th.attrs.get("scope") == "col" for th in table.find("thead").iter("th"))
        for row in table.find("tbody").iter("tr"):
            headers = list(row.iter("th"))
            assert len(headers) == 1 and headers[0].attrs["scope"] == "row", caption.text


@pytest.mark.parametrize("meeting", MEETINGS)
def test_every_indicator_appears_with_its_status_word(pages, meeting):
    built, root = pages[meeting]
    rows = [(r.find("th").text, [td.text for td in r.iter("td")]) for r in root.iter("tr") if r.find("td")]
    for score in built.scores.scores:
        name = score.indicator.name
        found = [cells for header, cells in rows if header.startswith(name)
                 and status_text(score.status) in cells and (not score.cohort or score.cohort in cells)]
        assert found, (score.id, score.cohort, score.status)


def test_status_is_a_word_a_symbol_and_a_colour(pages):
    _, root = pages["kent-scs-2017-06"]
    tags = [n for n in root.iter("strong") if "status" in n.attrs.get("class", "").split()]
    assert {t.text for t in tags} >= {"✔ Green", "▲ Amber", "✖ Red"}
    assert all("status--red" in t.attrs["class"] for t in tags if t.text == "✖ Red")
    style = root.find("style").text
    for status, (background, colour) in PALETTE.items():
        slug = status.lower().replace(" ", "-")
        assert f".status--{slug} {{ background: {background}; color: {colour}; }}" in style
        assert _contrast(background, colour) >= 4.5, status


def _contrast(one: str, two: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_direction_of_travel_is_an_arrow_and_a_word(pages):
    _, root = pages["kent-scs-2017-06"]
    cells = {td.text for td in root.iter("td")}
    assert {"↑ Improved", "↓ Declined", "→ No change"} <= cells


# --- charts and their data -------------------------------------------------------------------


def _charts(root: Node) -> list[Node]:
    return [n for n in root.iter("svg") if n.attrs.get("aria-hidden") != "true"]


@pytest.mark.parametrize("meeting", MEETINGS)
def test_every_chart_is_labelled_and_followed_by_its_data(pages, meeting):
    built, root = pages[meeting]
    order = _in_order(root)
    charts = _charts(root)
    reds = [s for s in built.scores.measures if s.status == RED]
    assert len(charts) == len(built.report.charts) + 1 + len(reds)  # the cover's, the summary's, one per Red
    labels = [c.attrs["aria-label"] for c in charts]
    assert all(c.attrs["role"] == "img" and c.attrs["aria-label"] for c in charts)
    assert labels[:len(built.report.charts)] == [c.alt_text for c in built.report.charts]  # the cover's come first
    for chart in charts:
        assert chart.parent.tag == "figure" and chart.parent.find("figcaption").text
        following = order[order.index(chart):]
        table = next(n for n in following if n.tag == "table")
        assert table.find("caption").text.startswith("Chart data: ")
        assert not [n for n in following[:following.index(table)] if n.tag == "svg" and n is not chart]
    assert all(img.attrs.get("alt") for img in root.iter("img"))


def test_a_trend_chart_is_followed_by_every_period_of_its_history(pages):
    built, root = pages["kent-scs-2017-06"]
    chart = built.report.charts[0]
    score = next(s for s in built.scores.measures if s.id == chart.source)
    order = _in_order(root)
    svg = next(n for n in _charts(root) if n.attrs["aria-label"] == chart.alt_text)
    table = next(n for n in order[order.index(svg):] if n.tag == "table")
    assert [th.text for th in table.find("thead").iter("th")] == ["Period", "Value", "Target", "Floor"]
    rows = [[c.text for c in tr.children if isinstance(c, Node)] for tr in table.find("tbody").iter("tr")]
    assert len(rows) == len(score.history) == 13  # the full series, not first and last
    assert rows[0] == ["Apr 2016", "12.2%", "10.0%", "12.0%"]  # CIC01 in values.csv
    assert rows[-1] == ["Apr 2017", "12.9%", "10.0%", "12.0%"]
    assert [r[1] for r in rows] == [format_value(p.value, "percent", 1) for p in score.history]


def test_the_summary_chart_is_followed_by_the_counts(pages):
    _, root = pages["kent-scs-2017-06"]
    svg = next(n for n in _charts(root) if n.attrs["aria-label"].startswith("Of 43 measures in April 2017"))
    order = _in_order(root)
    table = next(n for n in order[order.index(svg):] if n.tag == "table")
    rows = [(tr.find("th").text, tr.find("td").text) for tr in table.find("tbody").iter("tr")]
    assert rows[:3] == [("✔ Green", "19"), ("▲ Amber", "19"), ("✖ Red", "5")]


def test_chart_svg_ids_are_unique_and_every_reference_resolves(pages):
    built, root = pages["bucks-cscl-2016-12"]
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    references = set(re.findall(rb'(?:href="#|url\(#)([^")]+)', built.html))
    assert references and {r.decode() for r in references} <= ids
    assert b"xlink:" not in built.html and b"<?xml" not in built.html and b"<metadata" not in built.html


# --- self-contained, safe, reproducible -------------------------------------------------------


@pytest.mark.parametrize("meeting", MEETINGS)
def test_nothing_is_fetched(pages, meeting):
    built, root = pages[meeting]
    assert not [n.tag for n in root.iter() if n.tag in ("script", "link", "iframe", "object", "embed", "base")]
    for node in root.iter():
        for name, value in node.attrs.items():
            if name in ("src", "href", "action", "poster", "data", "srcset", "xmlns", "xmlns:xlink"):
                assert not re.match(r"\s*(https?:)?//", value), (node.tag, name, value)
            if name == "src":
                assert value.startswith("data:image/png;base64,")
    assert len(list(root.iter("style"))) == 1  # the page's own: none from inside a chart styles the page
    styles = " ".join([root.find("style").text, *(n.attrs["style"] for n in root.iter() if "style" in n.attrs)])
    assert "@import" not in styles and "@font-face" not in styles
    assert not [u for u in re.findall(r"url\(([^)]*)\)", styles) if not u.startswith("#")]
    # Addresses in the text (background documents) stay text.
    assert not re.search(rb"(src|href)=\"https?:", built.html)


def test_text_is_escaped_and_runs_keep_their_language(pages):
    built, _ = pages["cardiff-cyp-2018-03"]
    report = built.report
    section = report.sections[0]
    extra = Paragraph((Run("Pwyllgor "), Run("Craffu", bold=True, lang="cy-GB"), Run(" <script>alert(1)</script> & co")))
    changed = dataclasses.replace(report, sections=(dataclasses.replace(section, content=(*section.content, extra)),
                                                    *report.sections[1:]))
    page = render_html(changed, built.scores)
    root = parse(page)
    span = next(n for n in root.iter("span") if n.attrs.get("lang"))
    assert span.attrs["lang"] == "cy-GB" and span.find("strong").text == "Craffu"
    assert not list(root.iter("script"))
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_a_draft_says_so_at_the_top_and_in_the_title(pages):
    built, _ = pages["kent-cc-2013-09"]
    draft = prepare(ROOT / "data" / "kent-cc-2013-09", draft=True)  # as `reportgen build --draft` makes it
    root = parse(draft.html)
    assert root.find("title").text.startswith("DRAFT – ")
    body = root.find("body")
    first = [n for n in body.children if isinstance(n, Node) and n.tag != "a"][0]
    assert first.text == "DRAFT" and "draft-banner" in first.attrs["class"]
    assert b"DRAFT" not in built.html


def test_the_page_prints_and_reflows(pages):
    built, root = pages["kent-scs-2017-06"]
    style = root.find("style").text
    assert "@media print" in style
    assert not re.search(r"(?<![-\w])(width|min-width):\s*\d{3,}px", style)  # nothing as wide as a screen
    viewport = [m for m in root.iter("meta") if m.attrs.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].attrs["content"]
    assert all("width" not in svg.attrs for svg in _charts(root))  # scaled by the viewBox


def test_same_input_same_bytes(tmp_path):
    def build_into(out: Path) -> Path:
        result = subprocess.run([sys.executable, "-m", "reportgen.cli", "build", str(ROOT / "data/cardiff-cyp-2018-03"),
                                 "-o", str(out), "--no-pack", "-q"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return out / "cardiff-cyp-2018-03" / "report.html"

    first, second = build_into(tmp_path / "one"), build_into(tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()
    manifest = (first.parent / "manifest.json").read_text()
    assert hashlib.sha256(first.read_bytes()).hexdigest() in manifest


# --- in a real browser -----------------------------------------------------------------------


def _screenshot_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts/screenshot_html.py"), *args], capture_output=True,
                          text=True, timeout=300)


@needs_chromium
def test_chromium_draws_the_page_at_1280_and_320_pixels(pages, tmp_path):
    from PIL import Image

    built, _ = pages["kent-scs-2017-06"]
    page = tmp_path / "kent-scs-2017-06" / "report.html"
    page.parent.mkdir()
    page.write_bytes(built.html)
    result = _screenshot_script(str(page), "-o", str(tmp_path), "--width", "1280", "--width", "320", "--height", "900")
    assert result.returncode == 0, result.stderr
    for width in (1280, 320):
        image = Image.open(tmp_path / f"kent-scs-2017-06-{width}.png").convert("L")
        assert image.size == (width, 900)
        dark = sum(image.histogram()[:128])
        assert dark > width * 20, "the screenshot is blank"  # text and rules, not an empty page


# Paints a square in the top-left corner once the window has its size: green when the
# page is no wider than the window, red when it is wider, grey while the width is not
# 320 px; blue is added when at least one table scrolls inside its own region. (Chromium
# lays a page out at 500 px before it narrows the window, so --dump-dom cannot tell.)
PROBE = b"""<script>
function probe() {
  const fits = document.documentElement.scrollWidth <= innerWidth;
  const scrolling = [...document.querySelectorAll('.table-scroll')].some(r => r.scrollWidth > r.clientWidth);
  const colour = innerWidth !== 320 ? 'rgb(128,128,128)' : `rgb(${fits ? 0 : 255},${fits ? 255 : 0},${scrolling ? 255 : 0})`;
  let square = document.getElementById('probe');
  if (!square) { square = document.createElement('div'); square.id = 'probe'; document.body.appendChild(square); }
  square.style.cssText = `position:fixed;left:0;top:0;width:40px;height:40px;z-index:99;background:${colour}`;
}
addEventListener('load', probe); addEventListener('resize', probe);
</script></body>"""


def _corner_at_320(html: bytes, folder: Path) -> tuple[int, int, int]:
    page = folder / "probe.html"
    page.write_bytes(html.replace(b"</body>", PROBE))
    result = _screenshot_script(str(page), "-o", str(folder), "--width", "320", "--height", "600")
    assert result.returncode == 0, result.stderr
    from PIL import Image

    return Image.open(folder / "probe-320.png").convert("RGB").getpixel((10, 10))


@needs_chromium
@pytest.mark.parametrize("meeting", ["kent-scs-2017-06", "cardiff-cyp-2018-03"])
def test_at_320_pixels_only_the_tables_scroll_sideways(pages, tmp_path, meeting):
    """At 320 px (a 1280 px window at 400% zoom) the page needs no sideways scroll; wide tables scroll in place."""
    corner = _corner_at_320(pages[meeting][0].html, tmp_path)
    assert corner == (0, 255, 255), {(128, 128, 128): "the window never became 320 px wide",
                                    (255, 0, 255): "the page is wider than 320 px",
                                    (0, 255, 0): "no table scrolls"}.get(corner, corner)


@needs_chromium
def test_the_320_pixel_probe_sees_a_page_that_is_too_wide(pages, tmp_path):
    html = pages["kent-cc-2013-09"][0].html.replace(b"</main>", b'<div style="width:600px">wide</div></main>')
    assert _corner_at_320(html, tmp_path)[:2] == (255, 0)


def test_the_screenshot_script_says_in_one_line_when_chromium_is_missing(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts/screenshot_html.py"), str(tmp_path / "report.html")],
                            capture_output=True, text=True, env={"PATH": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == "screenshot_html: Chromium is not installed; run: apt-get install -y chromium\n"


def test_a_chart_the_page_cannot_redraw_is_its_png_with_its_alt_text(pages):
    built, _ = pages["kent-cc-2013-09"]
    report = built.report
    chart = Chart(b"\x89PNG\r\n\x1a\nfake", "A chart from elsewhere", "What it shows, in words.")
    section = dataclasses.replace(report.sections[0], content=(*report.sections[0].content, chart))
    root = parse(render_html(dataclasses.replace(report, sections=(section, *report.sections[1:])), built.scores))
    img = next(root.iter("img"))
    assert img.attrs["alt"] == "What it shows, in words."
    assert img.attrs["src"] == "data:image/png;base64,iVBORw0KGgpmYWtl"
    assert img.parent.find("figcaption").text == "A chart from elsewhere"


@pytest.mark.parametrize("mode", ["given-and-derived", "given-only", "none"])
def test_forecasts_follow_the_house_style_as_in_the_scorecard(pages, mode):
    from reportgen.render.scorecard_cells import forecast_text, key_text

    built, _ = pages["kent-scs-2017-06"]
    root = parse(render_html(built.report, built.scores, forecasts=mode))
    derived = next(s for s in built.scores.measures
                   if s.forecast and not s.forecast_given and s.indicator.kind == "kpi")
    red = next(s for s in built.scores.measures if s.status == RED)
    tables = [t for t in root.iter("table") if t.find("caption").text.startswith("Key performance indicators")]
    headers = [th.text for t in tables for th in t.find("thead").iter("th")]
    row = next(r for t in tables for r in t.iter("tr") if r.find("td") and r.find("th").text.startswith(
        derived.indicator.name))
    cells = dict(zip([th.text for th in tables[0].find("thead").iter("th")][1:], [td.text for td in row.iter("td")]))
    exception = next(dl for dl in root.iter("dl") if "exception__figures" in dl.attrs.get("class", "")
                     and dl is _figures_of(root, red))
    terms = [dt.text for dt in exception.iter("dt")]
    key = next(p for p in root.iter("p") if "key" in p.attrs.get("class", "").split())
    assert key.text == " ".join(key_text(mode).split())
    if mode == "none":
        assert "Forecast" not in headers and "Forecast" not in terms
        return
    expected = " ".join(forecast_text(derived, mode).split())
    assert cells["Forecast"] == expected
    assert expected.endswith("(from status)") if mode == "given-and-derived" else expected == "Not forecast"
    assert "Forecast" in terms


def _figures_of(root: Node, score) -> Node:
    """The figures list under the exception report's heading for ``score``."""
    nodes = _in_order(root)
    heading = next(i for i, n in enumerate(nodes) if n.tag == "h4" and n.text.startswith(f"{score.id}:"))
    return next(n for n in nodes[heading:] if n.tag == "dl")
