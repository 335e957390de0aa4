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
import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from reportgen import __version__, libreoffice, pack
from reportgen.errors import RenderError

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


def _previous_pack(out: Path) -> Path:
    target = out / "kent-scs-2017-06"
    target.mkdir(parents=True)
    (target / "report.docx").write_bytes(b"previous report")
    return target


def test_staging_swaps_the_new_pack_in_whole(tmp_path):
    target = _previous_pack(tmp_path)
    with pack.Staging(target) as stage:
        assert stage.path.parent == tmp_path and stage.path.name.startswith(".kent-scs-2017-06.tmp-")
        stage.write_bytes("report.docx", b"new report")
        stage.write_bytes("scores.csv", b"id\n")
        assert (target / "report.docx").read_bytes() == b"previous report"  # not yet swapped
    assert sorted(p.name for p in target.iterdir()) == ["report.docx", "scores.csv"]
    assert (target / "report.docx").read_bytes() == b"new report"
    assert [p.name for p in tmp_path.iterdir()] == ["kent-scs-2017-06"]


def test_a_failed_build_leaves_the_previous_pack_untouched(tmp_path):
    target = _previous_pack(tmp_path)
    with pytest.raises(RuntimeError, match="template broke"):
        with pack.Staging(target) as stage:
            stage.write_bytes("report.docx", b"half a report")
            raise RuntimeError("template broke")
    assert [p.name for p in target.iterdir()] == ["report.docx"]
    assert (target / "report.docx").read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["kent-scs-2017-06"]  # no .tmp folder left


def test_a_failed_first_build_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with pack.Staging(tmp_path / "out" / "bucks-2018-01"):
            raise KeyboardInterrupt
    assert list((tmp_path / "out").iterdir()) == []


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


def _reportlab_pdf(path: Path, name: str, pages: int, outline: bool = True) -> Path:
    pdf = canvas.Canvas(str(path), invariant=1)
    for number in range(1, pages + 1):
        if outline:
            pdf.bookmarkPage(f"p{number}")
            pdf.addOutlineEntry(f"{name} section {number}", f"p{number}", level=0)
        pdf.drawString(72, 720, f"{name} page {number}")
        pdf.showPage()
    pdf.save()
    return path


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
        ("Cover report", _reportlab_pdf(tmp_path / "cover.pdf", "Cover", 2, outline=False)),
        ("Appendix A: scorecard", _reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 3)),
    ]


def test_merge_bookmarks_each_part_at_its_first_page(parts, tmp_path):
    pages = pack.merge_pdfs(parts, tmp_path / "agenda-pack.pdf", **PACK_FACTS)
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
    pack.merge_pdfs(parts, tmp_path / "agenda-pack.pdf", **PACK_FACTS)
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


def test_merge_twice_gives_the_same_bytes_and_changes_with_content(parts, tmp_path):
    first, second, other = tmp_path / "1.pdf", tmp_path / "2.pdf", tmp_path / "3.pdf"
    pack.merge_pdfs(parts, first, **PACK_FACTS)
    pack.merge_pdfs(parts, second, **PACK_FACTS)
    assert first.read_bytes() == second.read_bytes()
    pack.merge_pdfs(parts, other, **{**PACK_FACTS, "subject": "Agenda item 8"})
    assert PdfReader(other).trailer["/ID"] != PdfReader(first).trailer["/ID"]


def test_merge_rejects_a_part_that_is_not_a_pdf(tmp_path):
    broken = tmp_path / "appendix.pdf"
    broken.write_bytes(b"not a pdf")
    with pytest.raises(RenderError, match=f"^{broken}: cannot be read as a PDF"):
        pack.merge_pdfs([("Appendix A", broken)], tmp_path / "pack.pdf", **PACK_FACTS)
    assert not (tmp_path / "pack.pdf").exists()


@needs_soffice
def test_pack_from_two_libreoffice_runs_is_byte_identical(converted, tmp_path):
    appendix = _reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 2)
    # LibreOffice stamps each conversion with its own date and /ID ...
    assert converted[0].read_bytes() != converted[1].read_bytes()
    packs = []
    for number, cover in enumerate(converted):
        out = tmp_path / f"pack{number}.pdf"
        pack.merge_pdfs([("Cover report", cover), ("Appendix A", appendix)], out, **PACK_FACTS)
        packs.append(out.read_bytes())
    # ... which the pack drops, so the pack itself is reproducible.
    assert packs[0] == packs[1]
    reader = PdfReader(io.BytesIO(packs[0]))
    assert [(d, t) for d, t, _ in _outline(reader)] == [
        (0, "Cover report"), (1, "Performance report"),
        (0, "Appendix A"), (1, "Appendix section 1"), (1, "Appendix section 2"),
    ]
    assert len(reader.pages) == len(PdfReader(converted[0]).pages) + 2


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
    assert data["libraries"]["pikepdf"] == "10.18.0"
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
    appendix = _reportlab_pdf(tmp_path / "appendix.pdf", "Appendix", 1)
    packs = []
    for number in range(2):  # the first run keeps its profile, the second starts from a copy of it
        cover = libreoffice.convert_docx_to_pdf(source, tmp_path / f"cover{number}.pdf", timeout=60)
        kept = list((tmp_path / "cache" / "reportgen").glob("libreoffice-profile-*"))
        assert len(kept) == 1 and (kept[0] / "user").is_dir()
        out = tmp_path / f"pack{number}.pdf"
        pack.merge_pdfs([("Cover report", cover), ("Appendix A", appendix)], out, **PACK_FACTS)
        packs.append(out.read_bytes())
    assert packs[0] == packs[1]
    assert not [p for p in (tmp_path / "cache" / "reportgen").iterdir() if p.name.startswith(".")]
