"""The pieces the HTML page is made of: escaped text, tables, summary lists and charts.

Used by ``html`` (the cover report) and ``html_scorecard`` (the appendix).
A ``Page`` hands out the page's ids in document order, so the same paper
always gives the same ids, and numbers its charts, whose SVG ids it prefixes
so that two charts on one page never share one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from .. import model
from ..formatting import format_value

# Characters HTML may not carry (C0 controls other than tab, newline and return; DEL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CHART_DATA = "Chart data"  # the caption of the table after a chart
HISTORY_HEADER = ("Period", "Value", "Target", "Floor")


class Html(str):
    """Markup already made safe: placed as it is, never escaped again."""


def text(value: object) -> str:
    """Plain text made safe for HTML, its line breaks kept as <br>."""
    return escape(_CONTROL.sub("", str(value))).replace("\r\n", "\n").replace("\n", "<br>")


def cell(value: str | Html) -> str:
    return value if isinstance(value, Html) else text(value)


def table_cell(value: str | Html) -> str:
    """A table cell's text: each of several lines kept whole ("12.9%", "Apr 2017"), so a
    narrow column breaks between a figure and its period, not inside either."""
    if isinstance(value, Html) or "\n" not in value:
        return cell(value)
    return "".join(f'<span class="line">{text(line)}</span>' for line in value.splitlines())


def attrs(**values: str | None) -> str:
    """` class="..." id="..."`: ``css`` becomes ``class``; empty values are left out."""
    pairs = [("class" if k == "css" else k.replace("_", "-"), v) for k, v in values.items() if v]
    return "".join(f' {name}="{escape(str(v), quote=True)}"' for name, v in pairs)


def runs_html(runs: Sequence[model.Run]) -> str:
    out = []
    for run in runs:
        content = text(run.text)
        if run.bold:
            content = f"<strong>{content}</strong>"
        if run.italic:
            content = f"<em>{content}</em>"
        if run.lang:
            content = f'<span lang="{escape(run.lang, quote=True)}">{content}</span>'
        out.append(content)
    return "".join(out)


def status_tag(status: str) -> Html:
    """The status as a word and a symbol, coloured when the scorecard colours it."""
    from .scorecard_cells import PALETTE, status_text

    css = f"status status--{slug(status)}" if status in PALETTE else "status"
    return Html(f'<strong class="{css}">{text(status_text(status))}</strong>')


def slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "x"


def summary_list(rows: Sequence[tuple[str, str | Html]], css: str = "") -> str:
    """A GOV.UK summary list: each row a label (dt) and its value (dd)."""
    items = "".join(
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{text(label)}</dt>'
        f'<dd class="govuk-summary-list__value">{cell(value)}</dd></div>' for label, value in rows)
    return f'<dl{attrs(css=f"govuk-summary-list {css}".strip())}>{items}</dl>'


class Page:
    """The ids and charts of one page, and the tables and figures it is built of."""

    def __init__(self, scores: model.ScoreSet):
        self.scores = scores
        self.measures = {s.id: s for s in scores.measures}
        self._used: set[str] = set()
        self._reserved: dict[str, list[str]] = {}
        self._charts = 0
        self._trends: dict[tuple[str, str], bytes] = {}  # a measure's chart, drawn once (cover and exception)

    # ids ---------------------------------------------------------------------------------

    def new_id(self, base: str) -> str:
        """A fresh id from ``base``: ``base``, then ``base-2``, ``base-3`` ..."""
        stem = slug(base)
        ident, n = stem, 1
        while ident in self._used:
            n += 1
            ident = f"{stem}-{n}"
        self._used.add(ident)
        return ident

    def reserve(self, base: str) -> str:
        """An id handed out now (for a link) and claimed later by the element it names."""
        ident = self.new_id(base)
        self._reserved.setdefault(slug(base), []).append(ident)
        return ident

    def claim(self, base: str) -> str:
        waiting = self._reserved.get(slug(base))
        return waiting.pop(0) if waiting else self.new_id(base)

    # tables ------------------------------------------------------------------------------

    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[str | Html]], *,
              row_header: int = 0, status_col: int | None = None, statuses: Sequence[str] = (),
              numeric: Sequence[int] = (), nowrap: Sequence[int] = (), hide_caption: bool = False,
              compact: bool = False) -> str:
        """A GOV.UK table in a region that scrolls sideways on a narrow screen.

        Column headers have ``scope="col"``; the ``row_header`` cell of each row is a
        ``th scope="row"``. ``statuses`` colour the ``status_col`` cell of each row. The
        ``nowrap`` columns keep a symbol with its word ("☺ Likely"). A ``compact`` table is
        as wide as its content rather than the page.
        """
        ident = self.new_id("table")
        caption_css = "govuk-table__caption govuk-table__caption--s" + (" govuk-visually-hidden" if hide_caption else "")
        table_css = "govuk-table govuk-table--compact" if compact else "govuk-table"
        head = "".join(f'<th scope="col"{attrs(css=_cell_css(i, numeric, header=True))}>{text(" ".join(h.split()))}</th>'
                       for i, h in enumerate(header))
        body = "".join(_row(row, row_header, numeric, nowrap, status_col, statuses[r] if r < len(statuses) else None)
                       for r, row in enumerate(rows))
        return (f'<div class="table-scroll" role="region" aria-labelledby="{ident}" tabindex="0">'
                f'<table class="{table_css}"><caption id="{ident}" class="{caption_css}">{text(caption)}</caption>'
                f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
                f'<tbody class="govuk-table__body">{body}</tbody></table></div>')

    def history_table(self, score: model.Score, caption: str) -> str:
        """Every period of a measure's history: its figure, target and floor."""
        ind = score.indicator

        def shown(value: float | None, missing: str) -> str:
            return missing if value is None else format_value(value, ind.unit, ind.decimals)

        rows = [(p.period.label(ind.frequency), shown(p.value, "No data"), shown(p.target, "No target"),
                 shown(p.floor, "No floor")) for p in score.history]
        return self.table(caption, HISTORY_HEADER, rows, numeric=(1, 2, 3), compact=True)

    # charts ------------------------------------------------------------------------------

    def figure(self, svg: bytes, alt_text: str, caption: str) -> str:
        """An inline SVG chart labelled with its sentence, and its caption."""
        self._charts += 1
        inline = inline_svg(svg, f"c{self._charts}-", alt_text)
        return f'<figure class="chart">{inline}<figcaption class="chart__caption">{text(caption)}</figcaption></figure>'

    def picture(self, png: bytes, alt_text: str, caption: str) -> str:
        """A chart this page cannot redraw: its PNG, inline, with its alt text."""
        import base64

        source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return (f'<figure class="chart"><img class="chart__image" src="{source}" alt="{escape(alt_text, quote=True)}">'
                f'<figcaption class="chart__caption">{text(caption)}</figcaption></figure>')

    def count_chart(self, counts: dict[str, int], title: str, alt_text: str) -> list[str]:
        """The measures-by-status bars, then their counts as a table."""
        from .charts import rag_count_chart

        shown = [model.GREEN, model.AMBER, model.RED] + ([model.NO_DATA] if counts.get(model.NO_DATA) else [])
        rows = [(s, str(counts.get(s, 0))) for s in shown]
        return [self.figure(rag_count_chart(counts, title=title, fmt="svg"), alt_text, title),
                self.table(f"{CHART_DATA}: {title}", ("Status", "Measures"), rows, row_header=0, status_col=0,
                           statuses=shown, numeric=(1,), compact=True)]

    def trend_chart(self, score: model.Score, alt_text: str, caption: str, data_caption: str = "") -> list[str]:
        """A measure's trend, then every period of it as a table."""
        from .charts import score_chart

        key = (score.id, score.cohort)
        if key not in self._trends:
            self._trends[key] = score_chart(score, fmt="svg")
        return [self.figure(self._trends[key], alt_text, caption),
                self.history_table(score, data_caption or f"{CHART_DATA}: {caption}")]

    def cover_chart(self, chart: model.Chart) -> list[str]:
        """A chart of the cover report, redrawn as SVG from the data it was drawn from."""
        if chart.source == "status_counts":
            return self.count_chart(dict(self.scores.summary.status_counts), chart.title, chart.alt_text)
        if chart.source in self.measures:
            return self.trend_chart(self.measures[chart.source], chart.alt_text, chart.title)
        return [self.picture(chart.png, chart.alt_text, chart.title)]


def _row(row: Sequence[str | Html], row_header: int, numeric: Sequence[int], nowrap: Sequence[int],
         status_col: int | None, status: str | None) -> str:
    cells = []
    for i, value in enumerate(row):
        content = status_tag(status) if i == status_col and status else table_cell(value)
        if i == row_header:
            cells.append(f'<th scope="row"{attrs(css=_cell_css(i, numeric, header=True))}>{content}</th>')
        else:
            css = _cell_css(i, numeric) + (" govuk-table__cell--nowrap" if i in nowrap else "")
            cells.append(f"<td{attrs(css=css)}>{content}</td>")
    return f'<tr class="govuk-table__row">{"".join(cells)}</tr>'


def _cell_css(index: int, numeric: Sequence[int], header: bool = False) -> str:
    base = "govuk-table__header" if header else "govuk-table__cell"
    return f"{base} {base}--numeric" if index in numeric else base


# --- SVG -----------------------------------------------------------------------------------

_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')
_ID = re.compile(r' id="([^"]+)"')
# The chart's font first (placed by its measurements), then the faces nearest it in width.
CHART_FONTS = "font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"


def inline_svg(svg: bytes, prefix: str, label: str) -> str:
    """matplotlib's SVG made fit to sit in the page.

    The XML prolog, DOCTYPE, metadata, style, comments and indentation go; ids that
    nothing refers to go, the rest get ``prefix`` (clip paths and markers would
    otherwise clash between charts); xlink:href becomes href; the text's font
    gains fallbacks; the fixed size gives way to the viewBox, so the chart
    scales with the page; and it becomes one image to assistive technology,
    named by ``label``.
    """
    source = svg.decode("utf-8")
    source = source[source.index("<svg"):]
    # matplotlib's <style> would style the whole page from inside an inline SVG: html.css has its rule.
    source = re.sub(r"<metadata>.*?</metadata>|<!--.*?-->|<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>", "", source,
                    flags=re.S)
    source = re.sub(r"[ \t]*\n[ \t]*", "\n", source).replace("xlink:href=", "href=")
    source = source.replace("font-family: 'DejaVu Sans'", CHART_FONTS)
    referenced = set(_REFERENCE.findall(source))
    source = _ID.sub(lambda m: f' id="{prefix}{m[1]}"' if m[1] in referenced else "", source)
    source = _REFERENCE.sub(lambda m: f"{m[0][:-len(m[1])]}{prefix}{m[1]}", source)
    opening = source[:source.index(">") + 1]
    view_box = re.search(r'viewBox="([^"]+)"', opening)[1]
    # Never drawn larger than matplotlib's own size (its width in points), smaller when the page is.
    natural = f"max-width: {view_box.split()[2]}pt"
    svg_attrs = attrs(css="chart__svg", viewBox=view_box, style=natural, role="img", aria_label=label,
                      focusable="false")
    return f"<svg{svg_attrs}>{source[len(opening):].strip()}"
