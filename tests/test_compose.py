"""Composing the cover report: generated sentences against the scores, numbering, errors."""

from __future__ import annotations

from functools import lru_cache
import shutil
from pathlib import Path

import pytest

from reportgen.compose import compose, number_sections
from reportgen.data import load_dataset
from reportgen.describe import describe_rag_counts, describe_trend
from reportgen.errors import ReportgenError
from reportgen.formatting import format_value, number_words
from reportgen.meeting import load_meeting
from reportgen.paths import display_path
from reportgen.model import Chart, Paragraph, Run, Table
from reportgen.scoring import score_dataset

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def composed(name: str, **changes):
    meeting, _ = load_meeting(ROOT / "data" / name)
    meeting = meeting.model_copy(update=changes)
    scores = score_dataset(load_dataset(meeting.data_path), meeting.period, meeting.scoring.parsed_rule,
                           meeting.scoring.previous_period)
    return meeting, scores, compose(meeting, scores)


def section(report, heading):
    return next(s for s in report.sections if s.heading == heading)


def texts(items):
    return [i.text for i in items if isinstance(i, Paragraph)]


def test_rag_count_sentences_in_seed_001_form_from_the_scores():
    _, scores, report = composed("kent-scs-2017-06")
    statuses = [s.status for s in scores.measures]
    green, amber, red = (statuses.count(s) for s in ("Green", "Amber", "Red"))
    assert (green + amber + red, green, amber, red) == (43, 19, 19, 5)  # seed 001's figures
    body = texts(section(report, "Summary of Performance").content)
    assert body[0] == ("There are 43 measures within the SCS Performance Scorecard which have a RAG "
                       "(Red, Amber, Green) rating applied.")
    assert body[1].startswith("For April 2017, 19 performance measures are rated as Green, 19 as Amber and "
                              "five as Red. Exception reporting against these five measures is included within "
                              "the attached report at Appendix A. The report also includes a separate page showing the impact "
                              "of the cohort of Unaccompanied Asylum Seeking Children (UASC)")


def composed_in_style(tmp_path: Path, exception_reports: str, inline: bool = True):
    """Kent 2017 in a workspace style inheriting Kent's, with exception_reports: as given and the
    `exceptions` item (inline) in the Summary of Performance or not."""
    shutil.copytree(ROOT / "data" / "kent-scs-2017-06", tmp_path, dirs_exist_ok=True)
    style = tmp_path / "templates" / "kent-exceptions"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text(f"inherit: kent-cabinet-committee\nexception_reports: {exception_reports}\n",
                                      encoding="utf-8")
    text = (tmp_path / "meeting.yaml").read_text(encoding="utf-8")
    text = text.replace("template: kent-cabinet-committee", "template: kent-exceptions\nboilerplate: "
                                                               "kent-cabinet-committee")
    if inline:
        text = text.replace("content: [rag_counts, cohort, trend_charts]", "content: [rag_counts, exceptions, cohort]")
    (tmp_path / "meeting.yaml").write_text(text, encoding="utf-8")
    meeting, _ = load_meeting(tmp_path)
    scores = score_dataset(load_dataset(meeting.data_path), meeting.period, meeting.scoring.parsed_rule,
                           meeting.scoring.previous_period)
    return meeting, scores, lambda: compose(meeting, scores)


def exception_paragraphs(report):
    return [p for p in section(report, "Summary of Performance").content
            if isinstance(p, Paragraph) and p.runs[0].bold and p.style == "body"]


def test_kent_2017_has_its_exception_reports_in_appendix_a_and_says_so():
    _, scores, report = composed("kent-scs-2017-06")
    assert exception_paragraphs(report) == []  # seed 001 prints none inline
    assert "Exception reporting against these five measures is included within the attached report at " \
           "Appendix A." in texts(section(report, "Summary of Performance").content)[1]


@pytest.mark.parametrize("where, sentence, scorecard_pages", [
    ("cover", "Exception reporting against these five measures follows below.", False),
    ("both", "Exception reporting against these five measures follows below and is also included within the "
             "attached report at Appendix A.", True),
])
def test_exception_reports_on_the_cover_and_the_sentence_says_so(tmp_path, where, sentence, scorecard_pages):
    meeting, scores, build = composed_in_style(tmp_path, where)
    report = build()
    body = texts(section(report, "Summary of Performance").content)
    assert sentence in body[1]
    reds = [s for s in scores.measures if s.status == "Red"]
    paragraphs = exception_paragraphs(report)
    assert [p.runs[0].text for p in paragraphs] == [s.indicator.name for s in reds]
    for p, s in zip(paragraphs, reds):
        unit, places = s.indicator.unit, s.indicator.decimals
        assert f"{format_value(s.value, unit, places)} for April 2017" in p.text
        assert f"target of {format_value(s.target, unit, places)}" in p.text
        assert f"floor (minimum standard) of {format_value(s.floor, unit, places)}" in p.text
        assert s.commentary.strip() in p.text
    from reportgen.compose import house_style
    assert house_style(meeting).exceptions_in_appendix is scorecard_pages  # what build.py gives the scorecard


def test_inline_exceptions_are_refused_where_the_style_puts_them_in_the_appendix(tmp_path):
    meeting, _, build = composed_in_style(tmp_path, "appendix")
    with pytest.raises(ReportgenError) as caught:
        build()
    assert [str(p) for p in caught.value.problems] == [
        f"{meeting.source}: sections[2].content[1]: 'exceptions' prints the exception reports on the cover, but "
        "house style kent-exceptions has exception_reports: appendix (they are in Appendix A, "
        f"{display_path(tmp_path / 'templates' / 'kent-exceptions' / 'style.yaml')}); remove 'exceptions', or use "
        "a house style with exception_reports: cover or both"]


def test_a_cover_style_without_the_exceptions_item_is_refused(tmp_path):
    meeting, _, build = composed_in_style(tmp_path, "cover", inline=False)
    with pytest.raises(ReportgenError) as caught:
        build()
    assert [str(p) for p in caught.value.problems] == [
        f"{meeting.source}: house style kent-exceptions has exception_reports: cover "
        f"({display_path(tmp_path / 'templates' / 'kent-exceptions' / 'style.yaml')}), but no section holds the "
        "'exceptions' item; add 'exceptions' to a section's content, or use a house style with "
        "exception_reports: appendix"]


def test_cohort_sentences_carry_the_whole_measures_status_and_the_cohorts():
    _, scores, report = composed("kent-scs-2017-06")
    bullets = [p.text for p in section(report, "Summary of Performance").content
               if isinstance(p, Paragraph) and p.style == "bullet"]
    assert len(bullets) == len(scores.cohort_variants) == 7
    # Seed 001's figures: 53.2% for all care leavers is Red (floor 55.0%), 58.9% without UASC is Amber.
    assert ("% of care leavers in education, employment or training: 53.2% for all (Red), "
            "58.9% excluding UASC (Amber).") in bullets
    variant = next(v for v in scores.cohort_variants if v.id == "CIC01")
    main = next(s for s in scores.measures if s.id == "CIC01")
    assert (main.status, variant.status) == ("Red", "Green")
    assert f"{main.indicator.name}: {format_value(main.value, 'percent', 1)} for all (Red), " \
           f"{format_value(variant.value, 'percent', 1)} excluding UASC (Green)." in bullets
    # An activity indicator's cohort has no range of its own: it says it is not rated.
    assert "Number of children in care: 1,812 for all (Within range), 1,446 excluding UASC, not rated " \
           "(range is for the whole measure)." in bullets


def test_trend_charts_carry_alt_text_written_from_the_data():
    meeting, scores, report = composed("kent-scs-2017-06")
    charts = report.charts
    assert [c.title.split(":")[0] for c in charts] == [
        next(s for s in scores.measures if s.id == i).indicator.name for i in meeting.scoring.key_areas]
    for chart, ident in zip(charts, meeting.scoring.key_areas):
        assert chart.png.startswith(b"\x89PNG")
        assert chart.alt_text == describe_trend(next(s for s in scores.measures if s.id == ident))


def test_bucks_key_indicators_under_green_amber_red_and_counts():
    meeting, scores, report = composed("bucks-cscl-2016-12")
    items = section(report, "Key Performance Indicators (appendix 1) – Summary").content
    listed, current = {}, None
    for item in items:
        if item.style == "heading":
            current = item.text
        elif item.style == "bullet":
            listed.setdefault(current, []).append(item.text)
    keys = [s for s in scores.measures if s.indicator.key]
    for status in ("Green", "Amber", "Red"):
        assert listed.get(status, []) == [s.indicator.name for s in keys if s.status == status]
    assert (len(listed["Green"]), len(listed["Amber"]), len(listed["Red"])) == (1, 3, 10)  # as seed 002
    summary = section(report, "Summary").content
    table = next(i for i in summary if isinstance(i, Table))
    assert table.rows == (("Total number of measures with a RAG (shown in chart above)", "17"),
                          ("Measures where data currently unavailable", "2"))
    chart = next(i for i in summary if isinstance(i, Chart))
    counts = {k: v for k, v in scores.summary.status_counts.items() if k in ("Green", "Amber", "Red", "No data")}
    assert chart.alt_text == describe_rag_counts(counts, "Q2 2016/17")


def test_kent_2013_previous_red_and_activity_paragraphs():
    _, scores, report = composed("kent-cc-2013-09")
    items = section(report, "June Performance Dashboard").content
    body = [p.text for p in items if isinstance(p, Paragraph)]
    assert "There are no indicators rated as Red." in body[4]
    acts = [s for s in scores.measures if s.indicator.kind == "activity"]
    n = {k: sum(s.status == k for s in acts) for k in ("Within range", "Above range", "Below range")}
    assert body[5] == (f"Of the {number_words(len(acts))} activity indicators, {number_words(n['Within range'])} "
                       f"are within the expected range, {number_words(n['Above range'])} above and "
                       f"{number_words(n['Below range'])} below.")
    were_red = [s.indicator.name for s in scores.measures if s.previous_status == "Red"]
    assert were_red  # the sample data has indicators Red at March 2013
    start = body.index("Indicators which were Red at the previous report have changed as follows:")
    bullets = [p for p in items[start + 1:] if isinstance(p, Paragraph) and p.style == "bullet"]
    assert [b.runs[0].text for b in bullets] == were_red
    assert all(" – was Red for " in b.text for b in bullets)


def test_headers_and_numbering_per_house_style():
    _, _, kent = composed("kent-scs-2017-06")
    assert [(h.label, h.value.split("\n")[0]) for h in kent.header][:3] == [
        ("From", "Roger Gough, Cabinet Member for Children, Young People and Education"),
        ("To", "Children's, Young People and Education Cabinet Committee – 22 June 2017"),
        ("Subject", "SPECIALIST CHILDREN'S SERVICES PERFORMANCE SCORECARD")]
    assert [s.number for s in kent.sections] == ["1.", "2.", "3.", "4.", "5.", "6."]
    _, _, cardiff = composed("cardiff-cyp-2018-03")
    numbers = [p.number for s in cardiff.sections for p in s.content if isinstance(p, Paragraph) and p.number]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]  # continuous through the paper
    assert cardiff.sections[2].heading == "PERFORMANCE DURING QUARTER 3: OCTOBER TO DECEMBER 2017"
    assert cardiff.signatory == ("Davina Fiore", "Director of Legal Services and Governance", "7th March 2018")


def body(text):
    return Paragraph((Run(text),))


def test_numbering_schemes():
    raw = [("Introduction", True, [body("a"), Paragraph((Run("q"),), style="quote"), body("b")]),
           ("Recommendations", True, [body("c")]), ("Contacts", False, [body("d")])]
    decimal = number_sections(raw, "decimal")
    assert [(s.number, [p.number for p in s.content]) for s in decimal] == [
        ("1.", ["1.1", "", "1.2"]), ("2.", ["2.1"]), ("3.", [""])]
    bracketed = number_sections(raw, "bracketed")
    assert [[p.number for p in s.content] for s in bracketed] == [["1. (1)", "", "(2)"], ["2."], [""]]
    continuous = number_sections(raw, "continuous")
    assert [[p.number for p in s.content] for s in continuous] == [["1", "", "2"], ["3"], [""]]
    assert all(p.number == "" for s in number_sections(raw, "none") for p in s.content)


def test_unknown_paragraph_and_indicator_are_reported_together():
    meeting, scores, _ = composed("kent-scs-2017-06")
    sections = [s.model_copy(update={"content": [*s.content, "no-such-paragraph"]}) if i == 0 else s
                for i, s in enumerate(meeting.sections)]
    scoring = meeting.scoring.model_copy(update={"key_areas": ["NOPE"]})
    with pytest.raises(ReportgenError) as caught:
        compose(meeting.model_copy(update={"sections": sections, "scoring": scoring}), scores)
    found = [str(p) for p in caught.value.problems]
    assert found[0].endswith("scoring.key_areas[0]: 'NOPE' is not an indicator in the data")
    assert "sections[0].content[2]: 'no-such-paragraph' is neither a generated item" in found[1]


def test_paper_facts_come_from_the_meeting():
    meeting, _, report = composed("bucks-cscl-2016-12")
    facts = report.facts
    assert (facts.council, facts.committee, facts.title) == (meeting.council, meeting.committee, meeting.title)
    assert (facts.period_label, facts.author, facts.appendix_letter) == ("Q2 2016/17", "Cabinet Member for Resources", "1")
    assert facts.created.isoformat() == "2016-12-06T00:00:00+00:00"


# --- exempt reports (docs/meetings.md, "Exempt reports") ------------------------------------------


@pytest.mark.parametrize("name", ["kent-scs-2017-06", "bucks-cscl-2016-12", "cardiff-cyp-2018-03"])
def test_an_exempt_report_prints_its_schedule_12a_paragraph(tmp_path, name):
    import io

    import docx
    import yaml

    from reportgen.render.docx import render_report

    source = yaml.safe_load((ROOT / "data" / name / "meeting.yaml").read_text(encoding="utf-8"))
    source.update(classification="Exempt", exempt_paragraph=3)
    shutil.copytree(ROOT / "data" / name, tmp_path, dirs_exist_ok=True)  # data inside the meeting folder
    (tmp_path / "meeting.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    meeting, _ = load_meeting(tmp_path)
    scores = score_dataset(load_dataset(meeting.data_path), meeting.period, meeting.scoring.parsed_rule,
                           meeting.scoring.previous_period)
    document = docx.Document(io.BytesIO(render_report(compose(meeting, scores))))
    text = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells]
    notice = ("Exempt: not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
              "Government Act 1972")
    assert notice in text
    assert "Unrestricted" not in text


def test_quarter_fields_of_a_monthly_meeting_name_the_quarter_the_month_is_in():
    from reportgen.compose import fields_for, house_style

    meeting, scores, _ = composed("kent-scs-2017-06")  # period April 2017: Q1 2017/18
    fields = fields_for(meeting, scores, house_style(meeting))
    assert (fields["quarter"], fields["quarter_months"]) == ("1", "April to June 2017")
    meeting, scores, _ = composed("cardiff-cyp-2018-03")  # quarterly, to December 2017
    fields = fields_for(meeting, scores, house_style(meeting))
    assert (fields["quarter"], fields["quarter_months"]) == ("3", "October to December 2017")


def test_a_misspelt_field_in_a_heading_is_reported_with_the_paragraphs_problems():
    meeting, scores, _ = composed("kent-scs-2017-06")
    fields = {k: v for k, v in meeting.fields.items() if k != "service_short"}
    sections = [s.model_copy(update={"heading": "{{ service_nam }} Performance Report"}) if i == 1 else s
                for i, s in enumerate(meeting.sections)]
    with pytest.raises(ReportgenError) as caught:
        compose(meeting.model_copy(update={"fields": fields, "sections": sections}), scores)
    found = [str(p).split("; fields available")[0] for p in caught.value.problems]
    assert found[0].endswith("meeting.yaml: section heading '{{ service_nam }} Performance Report':1: "
                             "field 'service_nam' is not defined")
    assert [f.split("/")[-1] for f in found[1:]] == ["latest-results.md:1: field 'service_short' is not defined",
                                                     "directorate-use.md:1: field 'service_short' is not defined"]


def test_kent_2013_style_numbers_1_bracket_1_and_lists_two_recommendations():
    _, _, report = composed("kent-scs-2013-06")
    assert report.house_style == "kent-cabinet-committee-2013"
    assert [h.label for h in report.header] == ["By", "To", "Subject", "Classification"]
    intro = section(report, "Introduction").content
    assert [p.number for p in intro if isinstance(p, Paragraph) and p.style == "body"] == ["1. (1)", "(2)"]
    recs = section(report, "Recommendations").content
    assert [(p.number, p.style, p.text) for p in recs] == [
        ("5.", "body", "Members are asked to:"),
        ("", "bullet", "REVIEW and comment on the Families & Social Care SCS performance dashboards"),
        ("", "bullet", "REVIEW and comment on the end of year business plan reports")]
    assert not any(r.bold for p in recs[1:] for r in p.runs)  # "REVIEW", as the 2013 paper prints it
    contact = section(report, "Contact Information").content
    assert len(contact) == 1  # one paragraph, its lines joined by breaks: kept on one page
    assert [r.text for r in contact[0].runs if r.bold] == ["Name:", "Title:", "Tel No:", "Email:"]
    assert contact[0].text.split("\n")[0] == "Name: Maureen Robinson"
    assert section(report, "Background documents:").content[0].text == "None"


def test_the_verb_is_the_councils_word_and_the_style_prints_it():
    _, _, bucks = composed("bucks-cscl-2016-12")
    line = next(p for p in section(bucks, "Purpose of Agenda Item").content if p.text.startswith("Recommendation:"))
    assert line.text == "Recommendation: The Committee are asked to scrutinise performance against the key indicators."
    assert [r.text for r in line.runs if r.bold] == ["Recommendation: "]
    _, _, cardiff = composed("cardiff-cyp-2018-03")
    bullet = section(cardiff, "RECOMMENDATION").content[1]
    assert bullet.runs[0] == Run("Consider")  # capitalised, not bold


def test_history_length_is_the_meetings_else_the_house_styles():
    from reportgen.compose import history_length

    cardiff, _ = load_meeting(ROOT / "data" / "cardiff-cyp-2018-03")
    assert history_length(cardiff) == 20  # cardiff-scrutiny: five years of quarters
    scoring = cardiff.scoring.model_copy(update={"history_length": 8})
    assert history_length(cardiff.model_copy(update={"scoring": scoring})) == 8
    kent, _ = load_meeting(ROOT / "data" / "kent-scs-2017-06")
    assert history_length(kent) == 13
