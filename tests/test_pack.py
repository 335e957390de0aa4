"""Writing outputs atomically, LibreOffice conversion, the merged agenda pack, reproducibility."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import types
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

import docx
import docx.comments
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, OutlineItem, String
from pypdf import PdfReader

from reportgen import __version__, libreoffice, merge, pack, structtree
from reportgen.errors import RenderError

from pack_tags import (PDFUA_CHECK, headings, needs_pdfua_check, pdfua_failures, remapped_standard_types, reportlab_pdf,
                       type_counts, unresolved_struct_parents)

WHEN = datetime(2017, 6, 1, tzinfo=timezone.utc)
WELSH = "Cyngor Sir Ddinbych: dŵr, tŷ, Ŵ a Ŷ"
needs_soffice = pytest.mark.skipif(
    libreoffice.find_soffice() is None,
    reason=f"LibreOffice (soffice) is not installed; {libreoffice.INSTALL_LIBREOFFICE}",
)


# --- build date -------------------------------------------------------------


def test_build_date_is_midnight_utc_of_the_meeting(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pack.build_date(date(2017, 6, 20)) == datetime(2017, 6, 20, tzinfo=timezone.utc)


def test_build_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    assert pack.build_date(date(2017, 6, 20)) == datetime(2017, 7, 14, 2, 40, tzinfo=timezone.utc)


def test_build_date_rejects_a_bad_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        pack.build_date(date(2017, 6, 20))


# --- atomic writing ---------------------------------------------------------------


def test_atomic_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "pack" / "scores.csv"
    pack.atomic_write_bytes(target, b"old")
    pack.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["scores.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


# --- reproducible docx -------------------------------------------------------------


def _docx_saved_at(monkeypatch, epoch: float) -> bytes:
    """A python-docx document with a comment, saved as if the clock read ``epoch``."""
    fake_now = datetime.fromtimestamp(epoch, tz=timezone.utc)
    fake_dt = types.SimpleNamespace(
        datetime=types.SimpleNamespace(now=lambda tz=None: fake_now), timezone=timezone
    )
    monkeypatch.setattr(docx.comments, "dt", fake_dt)  # the comment's date
    monkeypatch.setattr(time, "time", lambda: epoch)  # the zip members' times
    document = docx.Document()
    document.add_heading("Performance report", level=1)
    paragraph = document.add_paragraph(WELSH)
    document.add_comment(paragraph.runs, text="check this figure", author="Officer")
    buffer = io.BytesIO()
    document.save(buffer)
    monkeypatch.undo()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def two_saves():
    with pytest.MonkeyPatch.context() as monkeypatch:
        first = _docx_saved_at(monkeypatch, 1_700_000_000)
        second = _docx_saved_at(monkeypatch, 1_700_090_000)
    return first, second


def test_docx_saved_at_different_times_normalises_to_the_same_bytes(two_saves):
    first, second = two_saves
    assert first != second  # the clock really shows in python-docx's output
    assert pack.normalise_docx(first, WHEN) == pack.normalise_docx(second, WHEN)


def test_normalised_docx_has_fixed_dates_and_order_and_still_opens(two_saves):
    data = pack.normalise_docx(two_saves[0], WHEN)
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert members[0].filename == "[Content_Types].xml"
    assert members[1].filename == "_rels/.rels"
    assert [m.filename for m in members[2:]] == sorted(m.filename for m in members[2:])
    assert {m.date_time for m in members} == {(2017, 6, 1, 0, 0, 0)}
    assert {m.compress_type for m in members} == {zipfile.ZIP_DEFLATED}
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[1].text == WELSH
    core = document.core_properties
    assert core.created == core.modified == WHEN
    assert (core.last_modified_by, core.revision) == ("reportgen", 1)
    comments = zipfile.ZipFile(io.BytesIO(data)).read("word/comments.xml").decode()
    assert 'w:date="2017-06-01T00:00:00Z"' in comments


def test_normalise_clamps_dates_before_1980_for_the_zip(two_saves):
    data = pack.normalise_docx(two_saves[0], datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert {m.date_time for m in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- LibreOffice ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(two_saves, tmp_path_factory):
    """The normalised Welsh document converted twice, in parallel (private profiles)."""
    folder = tmp_path_factory.mktemp("soffice")
    source = folder / "report.docx"
    source.write_bytes(pack.normalise_docx(two_saves[0], WHEN))
    targets = [folder / "first.pdf", folder / "second.pdf"]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda pdf: libreoffice.convert_docx_to_pdf(source, pdf, timeout=60), targets))
    return targets


@needs_soffice
def test_libreoffice_converts_welsh_text_intact(converted):
    text = PdfReader(converted[0]).pages[0].extract_text()
    assert "Performance report" in text
    assert WELSH in text


@needs_soffice
def test_libreoffice_output_is_tagged(converted):
    root = PdfReader(converted[0]).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    with pikepdf.open(converted[0]) as pdf:  # exported with LibreOffice's PDF/UA settings
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert remapped_standard_types(pdf) == []


@needs_soffice
def test_libreoffice_failure_is_a_render_error_with_its_message(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a docx")
    with pytest.raises(RenderError) as caught:
        libreoffice.convert_docx_to_pdf(broken, tmp_path / "broken.pdf")
    assert str(caught.value).startswith(f"{broken}: LibreOffice could not convert it to PDF")
    assert "source file could not be loaded" in str(caught.value)
    assert "javaldx" not in str(caught.value)
    assert not (tmp_path / "broken.pdf").exists()


def test_missing_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(libreoffice.LibreOfficeMissing) as caught:
        libreoffice.convert_docx_to_pdf(tmp_path / "report.docx", tmp_path / "report.pdf")
    message = str(caught.value)
    assert "\n" not in message
    assert "apt-get install libreoffice-writer-nogui" in message
    assert isinstance(caught.value, RenderError)


def test_a_hung_libreoffice_is_stopped_at_the_timeout(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'still loading' >&2\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")  # ahead of the real one
    source = tmp_path / "report.docx"
    source.write_bytes(b"x")
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"did not finish converting it to PDF within 0.5 s:\nstill loading"):
        libreoffice.convert_docx_to_pdf(source, tmp_path / "report.pdf", timeout=0.5)
    assert time.monotonic() - started < 5


# --- merging the agenda pack ---------------------------------------------------------


PACK_FACTS = dict(
    title="Performance report: Kent Children's Social Care", author="Kent County Council",
    subject="Agenda item 7", language="en-GB", created=WHEN,
)


def _outline(reader: PdfReader) -> list:
    def walk(items, depth):
        found = []
        for item in items:
            if isinstance(item, list):
                found += walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))
        return found
    return walk(reader.outline, 0)


@pytest.fixture()
def parts(tmp_path):
    return [
        ("Cover report", reportlab_pdf(tmp_path / "cover.pdf", "Cover", 2, outline=False)),
        ("Appendix A: scorecard", reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 3)),
    ]


def test_merge_bookmarks_each_part_at_its_first_page(parts, tmp_path):
    pages = merge.merge_pdfs(parts, tmp_path / "agenda-pack.pdf", **PACK_FACTS)
    reader = PdfReader(tmp_path / "agenda-pack.pdf")
    assert pages == len(reader.pages) == 2 + 3
    assert _outline(reader) == [
        (0, "Cover report", 0),
        (0, "Appendix A: scorecard", 2),
        (1, "Appendix section 1", 2),
        (1, "Appendix section 2", 3),
        (1, "Appendix section 3", 4),
    ]
    assert reader.page_labels == ["1", "2", "3", "4", "5"]
    assert "Appendix page 1" in reader.pages[2].extract_text()


def test_merge_sets_the_document_facts(parts, tmp_path):
    merge.merge_pdfs(parts, tmp_path / "agenda-pack.pdf", **PACK_FACTS)
    reader = PdfReader(tmp_path / "agenda-pack.pdf")
    info = reader.metadata
    assert info.title == PACK_FACTS["title"]
    assert (info.author, info.subject) == ("Kent County Council", "Agenda item 7")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20170601000000+00'00'"
    assert info.producer == f"reportgen {__version__} (pikepdf)"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    file_id = reader.trailer["/ID"]
    assert len(file_id) == 2 and file_id[0] == file_id[1] and len(file_id[0]) == 16
    # The XMP says what the info dictionary says; no part is tagged, so it claims no PDF/UA.
    with pikepdf.open(tmp_path / "agenda-pack.pdf") as pdf:
        xmp = pdf.open_metadata()
        assert xmp["dc:title"] == PACK_FACTS["title"]
        assert xmp["dc:creator"] == ["Kent County Council"]
        assert xmp["dc:description"] == "Agenda item 7"
        assert xmp["dc:language"] == {"en-GB"}
        assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2017-06-01T00:00:00Z"
        assert xmp["pdf:Producer"] == info.producer
        assert "pdfuaid:part" not in xmp
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root


def test_merge_twice_gives_the_same_bytes_and_changes_with_content(parts, tmp_path):
    first, second, other = tmp_path / "1.pdf", tmp_path / "2.pdf", tmp_path / "3.pdf"
    merge.merge_pdfs(parts, first, **PACK_FACTS)
    merge.merge_pdfs(parts, second, **PACK_FACTS)
    assert first.read_bytes() == second.read_bytes()
    merge.merge_pdfs(parts, other, **{**PACK_FACTS, "subject": "Agenda item 8"})
    assert PdfReader(other).trailer["/ID"] != PdfReader(first).trailer["/ID"]


def test_merge_rejects_a_part_that_is_not_a_pdf(tmp_path):
    broken = tmp_path / "appendix.pdf"
    broken.write_bytes(b"not a pdf")
    with pytest.raises(RenderError, match=f"^{broken}: cannot be read as a PDF"):
        merge.merge_pdfs([("Appendix A", broken)], tmp_path / "pack.pdf", **PACK_FACTS)
    assert not (tmp_path / "pack.pdf").exists()


def test_merge_names_every_part_it_cannot_read(parts, tmp_path):
    broken, missing = tmp_path / "appendix-b.pdf", tmp_path / "appendix-c.pdf"
    broken.write_bytes(b"%PDF-1.4 cut short")
    with pytest.raises(RenderError) as caught:
        merge.merge_pdfs([*parts, ("Appendix B", broken), ("Appendix C", missing)], tmp_path / "pack.pdf",
                         **PACK_FACTS)
    assert [p.file for p in caught.value.problems] == [str(broken), str(missing)]
    assert all("cannot be read as a PDF for the agenda pack: " in p.message for p in caught.value.problems)
    assert not (tmp_path / "pack.pdf").exists()


@needs_soffice
def test_pack_from_two_libreoffice_runs_is_byte_identical(converted, tmp_path):
    appendix = reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 2)
    # LibreOffice stamps each conversion with its own date and /ID ...
    assert converted[0].read_bytes() != converted[1].read_bytes()
    packs = []
    for number, cover in enumerate(converted):
        out = tmp_path / f"pack{number}.pdf"
        merge.merge_pdfs([("Cover report", cover), ("Appendix A", appendix)], out, **PACK_FACTS)
        packs.append(out.read_bytes())
    # ... which the pack drops, so the pack itself is reproducible.
    assert packs[0] == packs[1]
    reader = PdfReader(io.BytesIO(packs[0]))
    assert [(d, t) for d, t, _ in _outline(reader)] == [
        (0, "Cover report"), (1, "Performance report"),
        (0, "Appendix A"), (1, "Appendix section 1"), (1, "Appendix section 2"),
    ]
    assert len(reader.pages) == len(PdfReader(converted[0]).pages) + 2


# --- the pack's tags --------------------------------------------------------------------


@needs_soffice
def test_merge_keeps_each_tagged_parts_tree_under_one_document(converted, tmp_path):
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs([("Cover report", converted[0]), ("The cover again", converted[1])], out, **PACK_FACTS)
    with pikepdf.open(converted[0]) as cover:
        cover_types = type_counts(structtree.struct_elements(cover.Root.StructTreeRoot.K))
    with pikepdf.open(out) as pdf:
        tree = pdf.Root.StructTreeRoot
        document = tree.K
        assert document.S == "/Document" and document.P == tree
        parts = list(document.K)
        assert [str(p.T) for p in parts] == ["Cover report", "The cover again"]
        for part in parts:
            assert part.S == "/Part" and part.P == document
            assert part.Lang == "en-US"  # the cover's own language, unlike the pack's en-GB
            inside = type_counts(structtree.struct_elements(part.K))
            assert inside == {k: v for k, v in cover_types.items() if k != "Document"}
        # Each page's key is its own and finds its own page's elements.
        assert [int(p.obj.StructParents) for p in pdf.pages] == [0, 1]
        assert int(tree.ParentTreeNextKey) == 2
        assert unresolved_struct_parents(pdf) == []
        assert remapped_standard_types(pdf) == []
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.open_metadata()["pdfuaid:part"] == "1"  # every part is tagged
    assert headings(out) == [("H1", "Performance report")] * 2


@needs_soffice
@needs_pdfua_check
def test_a_pack_of_tagged_parts_passes_the_pdfua_checks(converted, tmp_path):
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs([("Cover report", converted[0]), ("The cover again", converted[1])], out, **PACK_FACTS)
    assert pdfua_failures(out, human=True) == []


@needs_soffice
def test_an_untagged_part_is_left_out_of_the_tree(converted, parts, tmp_path):
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs([("Cover report", converted[0]), parts[1]], out, **PACK_FACTS)
    with pikepdf.open(out) as pdf:
        (part,) = pdf.Root.StructTreeRoot.K.K
        assert str(part.T) == "Cover report"
        assert [p.obj.get("/StructParents") for p in pdf.pages] == [0, None, None, None]
        assert unresolved_struct_parents(pdf) == []
        assert pdf.Root.MarkInfo.Marked is True
        assert "pdfuaid:part" not in pdf.open_metadata()  # not every part is tagged: no claim
    if PDFUA_CHECK.is_file():  # the untagged text fails, and so the claim is withheld; the tags are sound
        failures = pdfua_failures(out)
        assert {"XMP has pdfuaid:part=1 (5 / 06-002)", "all text tagged or artifact (7.1 / 01-005)"} <= set(failures)
        assert not [f for f in failures if "MCID" in f or "remapped" in f or "headings" in f]


def _tagged_pdf(path: Path, chart_role: str, box_width: int) -> Path:
    """A one-page tagged PDF with what a merge has to renumber and may have to rename:
    a custom type (/Chart) and a class (/Box), an ID, a link annotation and a form
    XObject in the tree, a standard type mapped onto another (/Quote onto /P, as
    LibreOffice did), and a bookmark to a named destination."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    form = pdf.make_stream(b"/P <</MCID 0>> BDC BT /F1 10 Tf 72 600 Td (In a form) Tj ET EMC",
                           Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 612, 792],
                           Resources=Dictionary(Font=Dictionary(F1=font)), StructParents=2)
    page.Resources = Dictionary(Font=Dictionary(F1=font), XObject=Dictionary(Fm0=form))
    page.Contents = pdf.make_stream(b"/Chart <</MCID 0>> BDC BT /F1 12 Tf 72 720 Td (A chart) Tj ET EMC /Fm0 Do")
    link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 700, 200, 730],
                                        StructParent=1, A=Dictionary(S=Name.URI, URI=String("https://example.org/"))))
    page.Annots, page.Tabs, page.StructParents = Array([link]), Name.S, 0
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    chart = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/Chart"), P=document, Pg=page, K=0,
                                         ID=String("chart"), C=Name("/Box")))
    linked = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=document, Pg=page,
                                          K=Dictionary(Type=Name.OBJR, Obj=link, Pg=page), Alt=String("example")))
    in_form = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Quote, P=document, Pg=page,
                                           K=Dictionary(Type=Name.MCR, MCID=0, Stm=form, Pg=page)))
    document.K = Array([chart, linked, in_form])
    root.K = document
    root.ParentTree = Dictionary(Nums=[0, Array([chart]), 1, linked, 2, Array([in_form])])
    root.ParentTreeNextKey = 3
    root.RoleMap = Dictionary({"/Chart": Name(chart_role), "/Quote": Name.P})
    root.ClassMap = Dictionary(Box=Dictionary(O=Name.Layout, Width=box_width))
    root.IDTree = Dictionary(Names=[String("chart"), chart])
    pdf.Root.StructTreeRoot, pdf.Root.MarkInfo = root, Dictionary(Marked=True)
    pdf.Root.Names = Dictionary(Dests=Dictionary(Names=[String("the-chart"), Array([page, Name.Fit])]))
    with pdf.open_outline() as outline:
        outline.root.append(OutlineItem("The chart", String("the-chart")))
    pdf.save(path)
    return path


def test_merge_names_a_part_whose_tags_are_damaged(parts, tmp_path):
    damaged = _tagged_pdf(tmp_path / "damaged.pdf", "/P", 1)
    with pikepdf.open(damaged, allow_overwriting_input=True) as pdf:
        pdf.Root.StructTreeRoot.ParentTree = Dictionary(Nums=[Name("/NotANumber"), Array()])
        pdf.save(damaged)
    with pytest.raises(RenderError) as caught:
        merge.merge_pdfs([parts[0], ("Appendix B", damaged)], tmp_path / "pack.pdf", **PACK_FACTS)
    assert str(caught.value).startswith(
        f"{damaged}: cannot be merged into the agenda pack, its PDF structure is damaged: ")
    assert not (tmp_path / "pack.pdf").exists()


def test_merge_renumbers_the_parent_tree_and_renames_what_two_parts_define_differently(tmp_path):
    first = _tagged_pdf(tmp_path / "first.pdf", "/P", 1)
    second = _tagged_pdf(tmp_path / "second.pdf", "/Figure", 2)
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs([("First", first), ("Second", second)], out, **PACK_FACTS)
    with pikepdf.open(out) as pdf:
        tree = pdf.Root.StructTreeRoot
        # The second part's keys follow the first's: its page, link and form.
        page = pdf.pages[1].obj
        assert (page.StructParents, page.Annots[0].StructParent, page.Resources.XObject.Fm0.StructParents) == (3, 4, 5)
        parents = dict((int(k), v) for k, v in structtree.tree_entries(tree.ParentTree, "/Nums"))
        assert sorted(parents) == [0, 1, 2, 3, 4, 5] and int(tree.ParentTreeNextKey) == 6
        chart, link, in_form = pdf.Root.StructTreeRoot.K.K[1].K
        assert parents[3][0] == chart and parents[4] == link and parents[5][0] == in_form
        assert link.K.Obj == page.Annots[0] and in_form.K.Stm == page.Resources.XObject.Fm0
        assert unresolved_struct_parents(pdf) == []
        # /Chart means P in the first part and Figure in the second: the second's is renamed.
        assert dict(tree.RoleMap.items()) == {"/Chart": Name.P, "/Chart-2": Name.Figure}
        assert remapped_standard_types(pdf) == []
        # Each part mapped the standard /Quote onto /P: the mapping is dropped, and its element is a P.
        assert [e.S for e in structtree.struct_elements(tree.K) if e.get("/Pg") is not None] == [
            "/Chart", "/Link", "/P", "/Chart-2", "/Link", "/P"]
        assert (chart.S, chart.C, str(chart.ID)) == ("/Chart-2", "/Box-2", "chart-2")
        assert [int(tree.ClassMap[k].Width) for k in ("/Box", "/Box-2")] == [1, 2]
        names = list(tree.IDTree.Names)
        assert [str(n) for n in names[::2]] == ["chart", "chart-2"] and names[3] == chart
    assert _outline(PdfReader(out)) == [(0, "First", 0), (1, "The chart", 0), (0, "Second", 1), (1, "The chart", 1)]


# --- manifest --------------------------------------------------------------------------


def test_manifest_lists_relative_paths_hashes_and_versions(tmp_path):
    meeting = tmp_path / "data" / "kent-scs-2017-06"
    meeting.mkdir(parents=True)
    (meeting / "meeting.yaml").write_text("committee: Children's Social Care\n")
    template = tmp_path / "templates" / "kent.docx"
    template.parent.mkdir()
    template.write_bytes(b"template")
    out = tmp_path / "out"
    out.mkdir()
    (out / "scores.csv").write_bytes(b"id\n")
    data = pack.manifest(
        period="2017-04", status_counts={"Green": 19, "Amber": 19, "Red": 5},
        inputs=[meeting / "meeting.yaml", template], input_base=meeting,
        outputs=[out / "scores.csv"], output_base=out, built=WHEN,
    )
    sha = lambda data: hashlib.sha256(data).hexdigest()  # noqa: E731
    assert data["inputs"] == {
        "meeting.yaml": sha(b"committee: Children's Social Care\n"),
        "../../templates/kent.docx": sha(b"template"),
    }
    assert data["outputs"] == {"scores.csv": sha(b"id\n")}
    assert data["status_counts"] == {"Green": 19, "Amber": 19, "Red": 5}
    assert data["reportgen"] == __version__
    assert set(data["libraries"]) == set(pack.LIBRARIES)
    assert data["libraries"]["pikepdf"].count(".") >= 1
    assert (data["period"], data["build_date"]) == ("2017-04", "2017-06-01T00:00:00Z")

    pack.write_manifest(out / "manifest.json", data)
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert text.endswith("}\n")
    assert json.loads(text) == data
    assert list(json.loads(text)) == sorted(data)
    assert pack.manifest_bytes(data) == (out / "manifest.json").read_bytes()


@needs_soffice
def test_a_kept_first_run_profile_seeds_later_conversions_with_the_same_pack(two_saves, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "report.docx"
    source.write_bytes(pack.normalise_docx(two_saves[0], WHEN))
    appendix = reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 1)
    packs = []
    for number in range(2):  # the first run keeps its profile, the second starts from a copy of it
        cover = libreoffice.convert_docx_to_pdf(source, tmp_path / f"cover{number}.pdf", timeout=60)
        kept = list((tmp_path / "cache" / "reportgen").glob("libreoffice-profile-*"))
        assert len(kept) == 1 and (kept[0] / "user").is_dir()
        out = tmp_path / f"pack{number}.pdf"
        merge.merge_pdfs([("Cover report", cover), ("Appendix A", appendix)], out, **PACK_FACTS)
        packs.append(out.read_bytes())
    assert packs[0] == packs[1]
    assert not [p for p in (tmp_path / "cache" / "reportgen").iterdir() if p.name.startswith(".")]
