"""The scorecard appendix, read back from the PDF bytes with pypdf.

One small dataset is scored by the real scoring engine and rendered once per
test module; each test checks one thing a committee member or an auditor
relies on.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from reportgen.formatting import format_value
from reportgen.model import Band, Block, Dataset, Indicator, Observation, PaperFacts, Run
from reportgen.periods import Period
from reportgen.render.scorecard_cells import HEADER_BG, HEADER_TEXT, PALETTE
from reportgen.render.scorecard_pdf import render_scorecard
from reportgen.scoring import score_dataset

REPORT = Period(2017, 4)
WELSH_NAME = "Ymweliadau â phlant ŵyr ac ŷd: children visited on time"
FILLERS = 70  # enough rows that the first group's table runs over several pages


def _series(ident: str, values: list[float | None], cohort: str = "", commentary: str = "") -> list[Observation]:
    """13 months ending at REPORT, oldest first; commentary on the latest month."""
    return [
        Observation(ident, REPORT.shift(i - 12), v, cohort, commentary=commentary if i == 12 else "")
        for i, v in enumerate(values)
    ]


def _dataset() -> Dataset:
    inds = [
        Indicator("CIC01", WELSH_NAME, "Children in Care", "kpi", "higher", "percent", 1, target=90, floor=85,
                  england=88.4, neighbours=87.0, owner="Head of Children in Care"),
        Indicator("CIC02", "Re-referrals within 12 months", "Children in Care", "kpi", "lower", "percent", 1,
                  target=20, floor=25, definition="Referrals within 12 months of a previous referral.",
                  owner="Head of Front Door"),
        Indicator("CIC03", "Foster carers recruited", "Children in Care", "kpi", "higher", "number", 0, target=100,
                  amber_band=Band(10, True)),
        Indicator("CIC04", "Children with a care plan review", "Children in Care", "kpi", "higher", "number", 0),
        Indicator("CIC05", "Placements lasting two years", "Children in Care", "kpi", "higher", "percent", 1,
                  target=70, floor=65),
        Indicator("EH01", "Days from referral to Early Help support", "Early Help", "kpi", "lower", "days", 0,
                  target=30, floor=40, owner="Early Help manager"),
        Indicator("EH02", "Early Help spend", "Early Help", "activity", None, "currency", 0,
                  expected_low=900_000, expected_high=1_100_000),
    ]
    inds += [Indicator(f"F{i:03d}", f"Filler measure {i}", "Children in Care", "kpi", "higher", "number", 0,
                       target=50, floor=40) for i in range(FILLERS)]
    obs = _series("CIC01", [88.0, 88.5, 89.0, 89.5, 90.0, 90.1, 90.4, 90.9, 91.0, 90.6, 90.8, 91.0, 91.2])
    obs += _series("CIC02", [20.1, 21.0, 22.3, None, 21.8, 22.0, 23.1, 23.5, 22.9, 23.8, 24.0, 24.1, 26.0],
                   commentary="More repeat referrals from schools after the autumn term.")
    obs += _series("CIC02", [19.0] * 12 + [22.0], cohort="excluding UASC")
    obs += _series("CIC03", [90, 92, 95, 97, 99, 101, 100, 98, 97, 96, 95, 94, 95])
    obs += _series("CIC04", [10] * 13)
    obs += _series("CIC05", [70.0] * 12 + [None])
    obs += _series("CIC05", [60.0] * 13, cohort="excluding UASC")  # Red, but a variant: no exception page
    obs += _series("EH01", [35, 36, 38, 37, 39, 40, 41, 42, 43, 44, 44, 45, 45], commentary="Staff vacancies.")
    obs += _series("EH02", [1_000_000] * 12 + [1_200_000])
    for i in range(FILLERS):
        obs += _series(f"F{i:03d}", [55] * 13)
    return Dataset(tuple(inds), tuple(obs))


FACTS = PaperFacts(
    council="Cyngor Sir Ynys Môn", committee="Children and Young People Scrutiny Committee",
    meeting_date=date(2017, 6, 22), title="Children's Services performance scorecard", period=REPORT,
    period_label="April 2017", author="Performance Team", created=datetime(2017, 6, 12, 9, 30),
)
GUIDANCE = (
    Block((Run("How statuses are worked out. ", bold=True), Run("Green", italic=True), Run(" means on target."))),
    Block((Run("Amber: below target but not below the floor."),), bullet=True),
)


@pytest.fixture(scope="module")
def scores():
    return score_dataset(_dataset(), REPORT)


@pytest.fixture(scope="module")
def pdf(scores) -> bytes:
    return render_scorecard(FACTS, scores, GUIDANCE)


@pytest.fixture(scope="module")
def reader(pdf) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _table_pages(pages: list[str]) -> list[str]:
    """The pages of the main KPI table: after the summary, before the exception reports."""
    return [p for p in pages if "Thresholds" in p and "Basis" in p or re.search(r"^F0\d\d$", p, re.M)]


def test_scoring_engine_gives_the_expected_statuses(scores):
    # Guards the fixture: the checks below mean something only if every status occurs.
    by_id = {s.id: s.status for s in scores.measures}
    assert by_id == {**by_id, "CIC01": "Green", "CIC02": "Red", "CIC03": "Amber", "CIC04": "No target",
                     "CIC05": "No data", "EH01": "Red", "EH02": "Above range"}


def test_each_row_shows_value_status_and_target_in_order(scores, pages):
    # Searched page by page, so a row split over two pages would fail too.
    table_pages = _table_pages(pages)
    for score in scores.measures:
        if score.indicator.kind != "kpi":
            continue
        ind = score.indicator
        page = next((p for p in table_pages if re.search(rf"^{score.id}$", p, re.M)), "")
        row = re.search(rf"^{score.id}\n(.*?)(?=^(?:F\d{{3}}|CIC\d\d|EH\d\d)\n|^Page \d)", page, re.M | re.S)
        assert row, f"{score.id} is missing from the table"
        target = "No target" if score.target is None else format_value(score.target, ind.unit, ind.decimals)
        expected = [format_value(score.value, ind.unit, ind.decimals), score.status, target]
        flat, name = " ".join(row[1].split()), " ".join(ind.name.split())
        assert flat.startswith(name), f"{score.id}: the row starts with its name"
        cells = flat[len(name):]  # after the name (the Thresholds' ≥ or ≤ says the polarity)
        positions = [cells.find(text) for text in expected]
        assert -1 not in positions, f"{score.id}: {expected} not all in {cells!r}"
        assert positions == sorted(positions), f"{score.id}: cells out of order in {cells!r}"


def test_no_data_row_says_so(pages):
    row = re.search(r"^CIC05\n(.*?)^CIC", "\n".join(pages), re.M | re.S)[1]
    assert "No data" in row and "70.0%" in row  # the value is missing, the target is not


def test_header_row_repeats_on_every_table_page(pages):
    table_pages = [p for p in pages if re.search(r"^F0\d\d$", p, re.M)]
    assert len(table_pages) >= 2, "the fixture should make the table run over several pages"
    for text in table_pages:
        for label in ("Ref", "Indicator", "Latest", "Status", "Target", "Thresholds", "England",
                      "Forecast"):
            assert re.search(rf"^\s*{label}$", text, re.M), f"header '{label}' missing on a table page"


def _first_content_line(text: str) -> str:
    """The first line under the running header and the council's name."""
    lines = text.splitlines()
    return lines[lines.index(FACTS.council) + 1]


def test_group_name_repeats_as_continued_above_the_header(pages):
    table_pages = [p for p in pages if re.search(r"^F0\d\d$", p, re.M)]
    first, *later = table_pages
    assert re.search(r"^Children in Care\n\s*Ref$", first, re.M) and "(continued)" not in first
    assert later, "the fixture should make the group run on to later pages"
    for text in later:
        assert _first_content_line(text) == "Children in Care (continued)", "caption missing at the top of a page"
        assert re.search(r"^Children in Care \(continued\)\n\s*Ref$", text, re.M)  # above the header row
    assert "Early Help (continued)" not in "\n".join(pages)  # a group that fits on its page is not "continued"


def test_page_numbers_count_every_page(pages):
    assert 5 <= len(pages) <= 15
    for number, text in enumerate(pages, start=1):
        # The total is a form drawn beside the text, so extraction may break the line before it.
        assert f"Page {number} of {len(pages)}" in " ".join(text.split())
        assert "Cyngor Sir Ynys Môn" in text  # the council in the footer


def test_metadata_and_language(reader):
    meta = reader.metadata
    assert meta.title == "Appendix A: Children's Services performance scorecard"
    assert meta.author == "Performance Team"
    assert meta.subject == "Children and Young People Scrutiny Committee, 22 June 2017: performance for April 2017"
    assert meta["/CreationDate"] == "D:20170612093000+00'00'"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_only_embedded_dejavu_fonts(reader):
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(str(font["/BaseFont"]).split("+")[-1])
            assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} is not embedded"
    assert seen == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}


def test_welsh_characters_survive(pages):
    # The name wraps inside its cell, so compare with the line breaks taken out.
    assert WELSH_NAME in " ".join(" ".join(pages).split())


def test_bookmarks_per_group_and_exception(reader):
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Summary", "Key performance indicators", "Activity indicators", "Exception reports",
                      "Cohorts", "Guidance notes"]
    children = [[i.title for i in item] for item in outline if isinstance(item, list)]
    assert children == [["Children in Care", "Early Help"], ["Early Help"],
                        ["CIC02: Re-referrals within 12 months", "EH01: Days from referral to Early Help support"]]


def test_bookmarks_open_the_page_they_name(reader, pages):
    def walk(items):
        for item in items:
            yield from walk(item) if isinstance(item, list) else [item]

    targets = {item.title: reader.get_destination_page_number(item) for item in walk(reader.outline)}
    assert targets["Summary"] == 0
    assert targets["Guidance notes"] == len(pages) - 1
    for title, page in targets.items():
        assert title in " ".join(pages[page].split()), f"bookmark {title!r} opens page {page + 1}"
    assert list(targets.values()) == sorted(targets.values())


def test_one_exception_page_per_red_measure(scores, pages):
    reds = [s for s in scores.measures if s.status == "Red"]
    exception_pages = [p for p in pages if "Owner:" in p]
    assert len(exception_pages) == len(reds) == 2  # the Red cohort variant of CIC05 gets none
    for score, text in zip(reds, exception_pages):
        assert f"{score.id}: {score.indicator.name}" in text
        flat = " ".join(text.split())
        assert "Rose from 20.1% in April 2016 to 26.0% in April 2017; target 20.0%, floor 25.0%." in flat or (
            score.id != "CIC02")
    assert "One page for each measure rated Red in April 2017" in exception_pages[0]
    assert "More repeat referrals from schools after the autumn term." in exception_pages[0]
    assert "Head of Front Door" in exception_pages[0]
    assert "Referrals within 12 months of a previous referral." in exception_pages[0]
    assert "No commentary" not in exception_pages[0]


def test_activity_section(pages):
    text = next(p for p in pages if "Activity indicators" in p and "EH02" in p)
    row = text[text.index("EH02"):]
    for cell in ("£1.2m", "£1.0m", "£900,000 to", "£1.1m", "▲ Above range", "↑ Increased"):
        assert cell in row


def test_cohort_page_shows_whole_and_variant(pages):
    text = next(p for p in pages if p.count("Whole measure") >= 2)
    flat = " ".join(text.split())
    assert "Whole measure 26.0% Apr 2017 20.0% 25.0% ✖ Red" in flat
    assert "excluding UASC 22.0% Apr 2017 20.0% 25.0% ▲ Amber" in flat
    assert "excluding UASC 60.0% Apr 2017 70.0% 65.0% ✖ Red" in flat


def test_guidance_notes(pages, reader):
    text = pages[-1]
    assert "How statuses are worked out. Green means on target." in " ".join(text.split())
    assert "• Amber: below target but not below the floor." in " ".join(text.split())
    fonts = {str(f.get_object()["/BaseFont"]).split("+")[-1]
             for f in reader.pages[-1]["/Resources"]["/Font"].values()}
    assert {"DejaVuSans-Bold", "DejaVuSans-Oblique"} <= fonts  # the bold and italic runs


def test_two_renders_are_byte_identical(pdf, scores):
    assert render_scorecard(FACTS, scores, GUIDANCE) == pdf


def test_renderer_trusts_the_scores_it_is_given(scores):
    # The renderer never re-rates: a status the scoring engine did not give must not be "corrected".
    cic01 = next(s for s in scores.measures if s.id == "CIC01")
    odd = dataclasses.replace(scores, scores=(dataclasses.replace(cic01, status="Red"),))
    png = _tiny_png()
    pdf = render_scorecard(FACTS, odd, (), exception_charts={"CIC01": png}, summary_chart=png)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    row = re.search(r"^CIC01\n(.*?)Exception reports", text, re.M | re.S)[1]
    # Status Red, then the status at the last report (Green, March 2017): the only Green in the row
    # ("Green ≥ 90.0%" is the rule, in Thresholds).
    assert "✖ Red\n✔ Green\nMar 2017" in row and row.count("✔ Green") == 1


def _tiny_png() -> bytes:
    from reportgen.render.charts import rag_count_chart

    return rag_count_chart({"Green": 1}, title="t")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", sorted(PALETTE))
def test_status_text_meets_contrast(status):
    background, text = PALETTE[status]
    assert _contrast(background, text) >= 4.5


def test_header_text_meets_contrast():
    assert _contrast(HEADER_BG, HEADER_TEXT) >= 4.5


def test_rag_colours_read_apart_in_greyscale():
    red, green, amber = (_luminance(PALETTE[s][0]) for s in ("Red", "Green", "Amber"))
    assert red + 0.2 < green and green + 0.2 < amber


def test_contrast_helper_matches_known_values():
    assert _contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the WCAG grey
