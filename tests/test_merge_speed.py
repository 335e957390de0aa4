"""The merge copies reportlab's Flate streams instead of having qpdf inflate and deflate them again.

merge._name_single_filters says ``/Filter [/FlateDecode]`` as ``/Filter /FlateDecode``;
the pack must hold the same objects as when qpdf re-compressed those streams: the same
dictionaries, the same stream data, the same structure tree.
"""

from __future__ import annotations

import shutil
import zlib
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest

from reportgen import libreoffice, merge

from pack_tags import needs_pdfua_check, pdfua_failures

ROOT = Path(__file__).resolve().parent.parent
FACTS = dict(title="Committee, 22 June 2017: Performance", author="A. Author", subject="Agenda pack",
             language="en-GB", created=datetime(2017, 6, 22))


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The Kent 2017 sample's cover (by LibreOffice, when installed) and scorecard (by reportlab)."""
    from reportgen.build import prepare

    folder = tmp_path_factory.mktemp("parts")
    built = prepare(ROOT / "data" / "kent-scs-2017-06")
    (folder / "scorecard.pdf").write_bytes(built.scorecard)
    found = [("Appendix A: Performance scorecard", folder / "scorecard.pdf")]
    if shutil.which("soffice"):
        (folder / "report.docx").write_bytes(built.docx)
        libreoffice.convert_docx_to_pdf(folder / "report.docx", folder / "cover.pdf", timeout=60)
        found.insert(0, ("Cover report", folder / "cover.pdf"))
    return found


def single_filter_arrays(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return sum(1 for o in pdf.objects if isinstance(o, pikepdf.Stream)
                   and isinstance(o.get("/Filter"), pikepdf.Array) and len(o.Filter) == 1)


def objects(path: Path) -> list:
    """Every object of the PDF as text: dictionaries with sorted keys, streams with their raw data;
    all but the cross-reference stream (byte offsets, and the /ID, a digest of the bytes)."""
    with pikepdf.open(path) as pdf:
        found = []
        for thing in pdf.objects:
            if isinstance(thing, pikepdf.Stream) and thing.get("/Type") == pikepdf.Name.XRef:
                continue
            if isinstance(thing, pikepdf.Stream):
                found.append((thing.objgen, {k: repr(v) for k, v in sorted(thing.stream_dict.items())},
                              thing.read_raw_bytes()))
            else:
                found.append((thing.objgen, repr(thing)))
        return found


def test_the_pack_holds_the_objects_qpdf_would_have_recompressed(parts, tmp_path, monkeypatch):
    scorecard = parts[-1][1]
    assert single_filter_arrays(scorecard) > 10  # the charts and pages: what the change is about
    fast, slow = tmp_path / "fast.pdf", tmp_path / "slow.pdf"
    merge.merge_pdfs(parts, fast, **FACTS)
    monkeypatch.setattr(merge, "_name_single_filters", lambda _source: None)
    merge.merge_pdfs(parts, slow, **FACTS)
    assert single_filter_arrays(fast) == single_filter_arrays(slow) == 0  # qpdf names them too
    assert fast.read_bytes() != slow.read_bytes()  # /Filter and /Length swap places in 30 dictionaries ...
    assert objects(fast) == objects(slow)  # ... and nothing else differs
    with pikepdf.open(fast) as pdf:
        assert pdf.Root.StructTreeRoot.K.S == "/Document"
        assert len(pdf.pages) == sum(len(pikepdf.open(p).pages) for _, p in parts)


def test_a_filter_array_with_parameters_is_left_to_qpdf(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = b"q Q\n" * 50
    stream, plain = (pikepdf.Stream(pdf, zlib.compress(data)) for _ in range(2))
    for each in (stream, plain):  # as reportlab writes them
        each.Filter = pikepdf.Array([pikepdf.Name.FlateDecode])
    stream.DecodeParms = pikepdf.Array([pikepdf.Dictionary(Predictor=1)])
    pdf.pages[0].Contents = pikepdf.Array([pdf.make_indirect(stream), pdf.make_indirect(plain)])
    merge._name_single_filters(pdf)
    assert isinstance(stream.Filter, pikepdf.Array) and plain.Filter == pikepdf.Name.FlateDecode
    assert stream.read_bytes() == plain.read_bytes() == data


@needs_pdfua_check
def test_the_faster_pack_still_passes_the_pdfua_checks(parts, tmp_path):
    if len(parts) < 2:
        pytest.skip("LibreOffice (soffice) is not installed: no tagged cover")
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs(parts, out, **FACTS)
    assert pdfua_failures(out) == []
