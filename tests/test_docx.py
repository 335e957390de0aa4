"""The rendered cover reports, opened with python-docx and checked against the scores."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from reportgen.build import build, prepare
from reportgen.errors import MeetingError, ReportgenError, TemplateError
from reportgen.render.docx import check_template

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    names = ["kent-scs-2017-06", "bucks-cscl-2016-12", "cardiff-cyp-2018-03", "kent-cc-2013-09", "kent-scs-2013-06"]
    made = build([DATA / n for n in names], out, pack=False)
    assert [m.meeting.name for m in made] == names
    return {m.meeting.name: (docx.Document(out / m.meeting.name / "report.docx"), m) for m in made}


def header(document):
    return {r.cells[0].text.rstrip(":"): r.cells[1].text for r in document.tables[0].rows}


def headings(document, level=1):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def paragraphs(document):
    return [p.text for p in document.paragraphs]


def test_kent_2017_header_sections_and_sentences(built):
    document, item = built["kent-scs-2017-06"]
    assert header(document) == {
        "From": "Roger Gough, Cabinet Member for Children, Young People and Education\n"
                "Andrew Ireland, Corporate Director of Social Care, Health and Wellbeing",
        "To": "Children's, Young People and Education Cabinet Committee – 22 June 2017",
        "Subject": "SPECIALIST CHILDREN'S SERVICES PERFORMANCE SCORECARD",
        "Classification": "Unrestricted", "Electoral Divisions": "All",
        "Previous Pathway of Paper": "None", "Future Pathway of Paper": "None"}
    assert headings(document) == ["1.\tIntroduction", "2.\tChildren's Social Care Performance Report",
                                  "3.\tSummary of Performance", "4.\tRecommendations",
                                  "5.\tBackground Documents", "6.\tLead Officer"]
    counts = item.scores.summary.status_counts
    text = paragraphs(document)
    assert f"3.1\tThere are {item.scores.summary.rated} measures within the SCS Performance Scorecard which " \
           "have a RAG (Red, Amber, Green) rating applied." in text
    assert any(t.startswith(f"3.2\tFor April 2017, {counts['Green']} performance measures are rated as Green, "
                            f"{counts['Amber']} as Amber and five as Red.") for t in text)
    recommendation = next(p for p in document.paragraphs if p.text.startswith("Recommendation:"))
    assert [r.text.strip() for r in recommendation.runs if r.bold] == ["Recommendation:", "CONSIDER", "COMMENT"]


def test_heading_and_title_styles_are_real_word_styles(built):
    for document, _ in built.values():
        styles = {p.style.name: p.style.style_id for p in document.paragraphs}
        assert styles["Title"] == "Title" and styles["Heading 1"] == "Heading1"
        assert document.styles["Heading 1"].type == 1  # paragraph style, in the outline
        assert document.styles["Heading 1"].element.find(f"{W}pPr/{W}outlineLvl") is not None or \
            document.styles["Heading 1"].base_style is None


def test_bucks_layout_follows_seed_002(built):
    document, item = built["bucks-cscl-2016-12"]
    assert document.paragraphs[0].text == "Report to the Children's Social Care and Learning Select Committee"
    assert header(document) == {
        "Title": "Performance Monitoring Q2 2016/17 Children's Services Portfolio",
        "Committee date": "Tuesday 6 December 2016", "Author": "Cabinet Member for Resources",
        "Contact officer": "Marcus Grupp, Business Intelligence and Insight Partner 01296 383107"}
    assert headings(document) == ["Purpose of Agenda Item", "Summary",
                                  "Key Performance Indicators (appendix 1) – Summary"]
    assert headings(document, 2) == ["Green", "Amber", "Red"]
    counts = document.tables[1]
    assert counts.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert [[c.text for c in r.cells] for r in counts.rows] == [
        ["Measures", "Number"],
        ["Total number of measures with a RAG (shown in chart above)", str(item.scores.summary.rated)],
        ["Measures where data currently unavailable", str(item.scores.summary.no_data)]]


def test_cardiff_numbering_sections_and_signatory(built):
    document, _ = built["cardiff-cyp-2018-03"]
    assert headings(document) == [
        "REASON FOR THE REPORT", "BACKGROUND", "PERFORMANCE DURING QUARTER 3: OCTOBER TO DECEMBER 2017",
        "WAY FORWARD", "LEGAL IMPLICATIONS", "FINANCIAL IMPLICATIONS", "RECOMMENDATION"]
    numbers = [int(m[1]) for t in paragraphs(document) if (m := re.match(r"(\d+)\t", t))]
    assert numbers == list(range(1, len(numbers) + 1))
    assert paragraphs(document)[-3:] == ["Davina Fiore", "Director of Legal Services and Governance",
                                         "7th March 2018"]


def test_cardiff_welsh_name_is_a_welsh_run_in_an_english_document(built):
    document, _ = built["cardiff-cyp-2018-03"]
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == "CARDIFF COUNCIL\nCYNGOR CAERDYDD"
    langs = {r.text.strip(): _run_lang(r) for r in title.runs if r.text.strip()}
    assert langs == {"CARDIFF COUNCIL": None, "CYNGOR CAERDYDD": "cy-GB"}
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults.get(f"{W}val") == "en-GB" and document.core_properties.language == "en-GB"
    # nothing else in the paper is marked Welsh
    welsh = [r.text for p in document.paragraphs for r in p.runs if _run_lang(r)]
    assert welsh == ["CYNGOR CAERDYDD"]


def _run_lang(run):
    element = run._r.find(f"{W}rPr/{W}lang")
    return None if element is None else element.get(f"{W}val")


def test_kent_2013_changes_since_the_previous_report(built):
    document, item = built["kent-cc-2013-09"]
    text = paragraphs(document)
    assert "2.7\tIndicators which were Red at the previous report have changed as follows:" in text
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet" and " – was Red" in p.text]
    assert [b.split(" – ")[0] for b in bullets] == [
        s.indicator.name for s in item.scores.measures if s.previous_status == "Red"]


def test_every_chart_has_alt_text(built):
    for name, (document, item) in built.items():
        pictures = document.element.body.findall(".//{*}docPr")
        assert len(pictures) == len(item.report.charts), name
        assert [p.get("descr") for p in pictures] == [c.alt_text for c in item.report.charts]
        assert all(p.get("descr") and p.get("title") for p in pictures)


def test_metadata_language_and_footer(built):
    document, item = built["kent-scs-2017-06"]
    props = document.core_properties
    assert (props.title, props.author, props.language) == (
        "SPECIALIST CHILDREN'S SERVICES PERFORMANCE SCORECARD", "Roger Gough", "en-GB")
    assert props.subject == "Children's, Young People and Education Cabinet Committee, 22 June 2017"
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "en-GB"
    footer = document.sections[0].footer._element.xml
    assert "Children&#x27;s, Young People" in footer or "Children's, Young People" in footer
    assert 'w:instr=" PAGE' in footer and 'w:instr=" NUMPAGES' in footer
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_same_input_same_bytes():
    first, second = prepare(DATA / "bucks-cscl-2016-12"), prepare(DATA / "bucks-cscl-2016-12")
    assert first.docx == second.docx


# --- awkward text and broken templates -------------------------------------------------------


def meeting_copy(tmp_path: Path, name: str = "kent-scs-2017-06", **changes) -> Path:
    source = yaml.safe_load((DATA / name / "meeting.yaml").read_text(encoding="utf-8"))
    source.update(changes)
    folder = tmp_path / "meeting"
    shutil.copytree(DATA / name, folder, dirs_exist_ok=True)  # data inside the meeting folder
    (folder / "meeting.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    return folder


def test_ampersands_angle_brackets_and_welsh_letters_come_out_as_written(tmp_path):
    title = "Perfformiad & <Adroddiad> ŵ ŷ Ŵ Ŷ"
    folder = meeting_copy(tmp_path, title=title, committee="Pwyllgor Craffu <Plant> & Pobl Ifanc ŵ",
                          summary="Crynodeb: a < b & c > d, Tŷ Enfys **bold & <b>**")
    item = prepare(folder)
    document = docx.Document(io.BytesIO(item.docx))
    assert header(document)["Subject"] == title
    assert document.core_properties.title == title
    summary = next(p for p in document.paragraphs if p.text.startswith("Summary:"))
    assert summary.text == "Summary: Crynodeb: a < b & c > d, Tŷ Enfys bold & <b>"
    assert [r.text for r in summary.runs if r.bold] == ["Summary: ", "bold & <b>"]
    assert any("Pwyllgor Craffu <Plant> & Pobl Ifanc ŵ" in p.text for p in document.paragraphs)


def edited_template(tmp_path: Path, change) -> Path:
    """A copy of the Kent template with word/document.xml changed, as Word or a user would."""
    source = TEMPLATES / "kent-cabinet-committee" / "template.docx"
    target = tmp_path / "meeting" / "edited.docx"  # a template a meeting names lives in its folder
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return target


def test_a_tag_split_across_runs_by_word_still_renders(tmp_path):
    def split(xml):
        # Word keeps "{{ head" and "ing }}" in separate runs after an edit (here with a spelling mark).
        assert xml.count("<w:t>{{r heading_rich }}</w:t>") == 1
        return xml.replace("<w:t>{{r heading_rich }}</w:t>",
                           '<w:t>{{r head</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr>'
                           "<w:t>ing_rich }}</w:t>")
    template = edited_template(tmp_path, split)
    assert "{{r head</w:t>" in zipfile.ZipFile(template).read("word/document.xml").decode()
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee")
    document = docx.Document(io.BytesIO(prepare(folder).docx))
    assert document.paragraphs[0].text == "Kent County Council"
    assert document.paragraphs[0].style.name == "Title"


def test_template_syntax_error_shows_path_and_the_text_around_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = edited_template(tmp_path, lambda xml: xml.replace("{{r heading_rich }}", "{{ heading + }}"))
    with pytest.raises(TemplateError) as caught:
        prepare(meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee"))
    message = str(caught.value)
    assert message.startswith("meeting/edited.docx: template syntax error: ")
    assert "near: " in message and "{{ heading + }}" in message


def test_template_asking_for_an_unknown_field_is_caught_before_rendering(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = edited_template(tmp_path, lambda xml: xml.replace("{{r heading_rich }}", "{{ heading }} {{ chair }}"))
    problems = check_template(template)
    assert [str(p) for p in problems] == [
        "meeting/edited.docx: uses {{ chair }}, which the report does not provide; available: classification_notice, "
        "facts, footer_text, front, header, header_text, heading, heading_rich, sections, signatory, title_lines"]
    with pytest.raises(TemplateError, match="chair"):
        prepare(meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee"))


def test_an_undefined_attribute_at_render_time_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = edited_template(tmp_path, lambda xml: xml.replace("{{r heading_rich }}", "{{ facts.chair }}"))
    with pytest.raises(TemplateError) as caught:
        prepare(meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee"))
    assert str(caught.value).startswith("meeting/edited.docx: 'dict object' has no attribute 'chair'")


def test_missing_boilerplate_and_unknown_template_and_bad_meeting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sections = [{"heading": "Intro", "content": ["no-such-paragraph"]}]
    with pytest.raises(ReportgenError, match="sections\\[0\\].content\\[0\\]: 'no-such-paragraph' is neither"):
        prepare(meeting_copy(tmp_path, sections=sections))
    with pytest.raises(MeetingError, match="template: 'kent' is not a template"):
        prepare(meeting_copy(tmp_path, template="kent"))
    with pytest.raises(MeetingError, match="meeting_date: expected a date, YYYY-MM-DD, got 'soon'"):
        prepare(meeting_copy(tmp_path, meeting_date="soon"))


def test_a_failed_build_writes_nothing(tmp_path):
    bad = meeting_copy(tmp_path, template="kent")
    out = tmp_path / "out"
    with pytest.raises(MeetingError):
        build([DATA / "bucks-cscl-2016-12", bad], out, pack=False)
    assert not out.exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_report_converts_with_libreoffice(built, tmp_path):
    _, item = built["kent-scs-2017-06"]
    source = tmp_path / "report.docx"
    source.write_bytes(item.docx)
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "There are 43 measures within the SCS Performance Scorecard" in " ".join(text.split())


# --- blocks kept together, and appendices the pack holds -------------------------------------------

MEETINGS = sorted(p.parent.name for p in DATA.glob("*/meeting.yaml"))


def _keep(paragraph, what: str) -> bool | None:
    """keep_with_next / keep_together as Word applies it: the paragraph's own, else its style chain's."""
    own = getattr(paragraph.paragraph_format, what)
    if own is not None:
        return own
    style = paragraph.style
    while style is not None:
        value = getattr(style.paragraph_format, what)
        if value is not None:
            return value
        style = style.base_style
    return None


@pytest.mark.parametrize("name", ["kent-cabinet-committee", "bucks-select-committee", "cardiff-scrutiny"])
def test_the_templates_keep_headings_contacts_and_signatories_together(name):
    styles = docx.Document(TEMPLATES / name / "template.docx").styles
    for heading in ("Heading 1", "Heading 2"):  # a heading never ends a page without its first paragraph
        assert styles[heading].paragraph_format.keep_with_next is True
    assert styles["Body Text"].paragraph_format.keep_together is True  # unnumbered text: a contact block
    assert styles["Signatory"].paragraph_format.keep_with_next is True
    assert styles["Signatory"].paragraph_format.keep_together is True
    assert styles["Report Paragraph"].paragraph_format.keep_together is False  # long numbered text may break


@pytest.mark.parametrize("name, heading, lines", [
    ("kent-scs-2017-06", "Lead Officer", ["Maureen Robinson", "Management Information Service Manager for "
                                          "Specialist Children's Services", "03000 417164",
                                          "Maureen.robinson@kent.gov.uk"]),
    ("kent-scs-2013-06", "Contact Information", ["Name: Maureen Robinson", "Title: Management Information Service "
                                                 "Manager for Children's Services", "Tel No: 01622 696328",
                                                 "Email: Maureen.robinson@kent.gov.uk"]),
])
def test_a_contact_block_is_one_paragraph_kept_on_one_page_under_its_heading(built, name, heading, lines):
    document, _ = built[name]
    body = document.paragraphs
    at = next(i for i, p in enumerate(body) if p.text.endswith(heading))
    assert _keep(body[at], "keep_with_next") is True
    block = body[at + 1]
    assert block.text.split("\n") == lines  # its lines are breaks inside one paragraph
    assert _keep(block, "keep_together") is True


def test_the_signatory_lines_keep_with_each_other(built):
    document, _ = built["cardiff-cyp-2018-03"]
    lines = [p for p in document.paragraphs if p.style.name == "Signatory"]
    assert [p.text for p in lines] == ["Davina Fiore", "Director of Legal Services and Governance", "7th March 2018"]
    assert all(_keep(p, "keep_with_next") and _keep(p, "keep_together") for p in lines)


# "Appendix A", "appendix 1", "Appendices A and B", "appendices 1, 2 and 3"; not another document's
# appendix ("Appendix 2 Part 4 of the ... Constitution").
_NAMED = re.compile(r"\b[Aa]ppendi(?:x|ces)\s+((?:[A-Z]{1,2}|\d{1,2})\b(?:(?:,\s*|\s+and\s+|\s*&\s*)"
                    r"(?:[A-Z]{1,2}|\d{1,2})\b)*)(?!\s+Part\b)")


def _all_text(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for part in (section.header, section.footer) for p in part.paragraphs]
    return texts


@pytest.mark.parametrize("name", MEETINGS)
def test_every_appendix_the_cover_names_is_in_the_pack(built, name):
    document, item = built[name]
    held = {a.letter.upper() for a in item.meeting.appendices
            if a.source == "scorecard" or (item.meeting.folder / a.source).is_file()}
    named = {letter.upper() for text in _all_text(document) for found in _NAMED.findall(text)
             for letter in re.split(r",\s*|\s+and\s+|\s*&\s*", found)}
    assert named, "the cover names its scorecard appendix"
    assert named <= held, f"{name}: the cover names appendix {sorted(named - held)}, the pack holds {sorted(held)}"


def test_the_appendix_pattern_reads_lists_and_leaves_out_another_documents_appendix():
    found = [m for t in ("attached as Appendix A.", "appendices B and C", "Appendices 1, 2 & 3",
                         "Appendix 2 Part 4 of the Constitution") for m in _NAMED.findall(t)]
    assert found == ["A", "B and C", "1, 2 & 3"]
