"""The merge into the largest part (the base) gives the pack the merge into a new PDF gives.

merge._base_part picks the part with most objects (the scorecard) and the other
parts are copied into it, instead of every part being copied into a new PDF
(monkeypatched here to None: the general merge). The two packs number their
objects differently, so they are read back and compared as a reader finds
them: the pages and what they show, the bookmarks, the page labels, the
structure tree (every element, its kids, the parent tree, the role and class
maps, the IDs) and the document facts.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from reportgen import libreoffice, merge

from pack_tags import headings, needs_pdfua_check, pdfua_failures, reportlab_pdf, unresolved_struct_parents

ROOT = Path(__file__).resolve().parent.parent
FACTS = dict(title="Committee, 22 June 2017: Performance", author="A. Author", subject="Agenda pack",
             language="en-GB", created=datetime(2017, 6, 22))


@pytest.fixture(scope="module")
def kent(tmp_path_factory):
    """The Kent 2017 sample's cover (by LibreOffice, when installed) and scorecard (by reportlab)."""
    from reportgen.build import prepare

    folder = tmp_path_factory.mktemp("parts")
    built = prepare(ROOT / "data" / "kent-scs-2017-06")
    (folder / "scorecard.pdf").write_bytes(built.scorecard)
    found = {"scorecard": ("Appendix B: Performance scorecard", folder / "scorecard.pdf")}
    if shutil.which("soffice"):
        (folder / "report.docx").write_bytes(built.docx)
        libreoffice.convert_docx_to_pdf(folder / "report.docx", folder / "cover.pdf", timeout=60)
        found["cover"] = ("Cover report", folder / "cover.pdf")
    found["before"] = ("Appendix A: Budget", reportlab_pdf(folder / "budget.pdf", "Budget", 2))
    found["after"] = ("Appendix C: Minutes", reportlab_pdf(folder / "minutes.pdf", "Minutes", 1))
    return found


def _merged_both_ways(parts, tmp_path, monkeypatch) -> tuple[Path, Path]:
    into_base, into_new = tmp_path / "base.pdf", tmp_path / "new.pdf"
    merge.merge_pdfs(parts, into_base, **FACTS)
    with monkeypatch.context() as patch:
        patch.setattr(merge, "_base_part", lambda _sources: None)
        merge.merge_pdfs(parts, into_new, **FACTS)
    return into_base, into_new


def read_back(path: Path) -> dict:
    """What a reader finds in the pack, with objects named by where they are, not their numbers."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        found = {
            "pages": [_page(page) for page in pdf.pages],
            "bookmarks": _bookmarks(pdf, pages),
            "catalog": sorted(pdf.Root.keys()),
            "facts": [pdf.Root[k].unparse(resolved=True) for k in ("/Lang", "/PageLabels", "/PageMode",
                                                                    "/ViewerPreferences")],
            "info": {k: str(v) for k, v in pdf.docinfo.items()},
            "xmp": pdf.Root.Metadata.read_bytes(),
            "trailer": sorted(pdf.trailer.keys()),
            # Both halves of /ID come from the pack's content (qpdf keeps a first half it finds).
            "one identifier": bytes(pdf.trailer.ID[0]) == bytes(pdf.trailer.ID[1]),
        }
        if "/StructTreeRoot" in pdf.Root:
            found["tags"] = _tags(pdf.Root.StructTreeRoot, pages)
    found["text"] = [page.extract_text() for page in PdfReader(path).pages]
    return found


def _page(page) -> tuple:
    obj = page.obj
    annotations = [(str(a.get("/Subtype")), a.get("/StructParent")) for a in obj.get("/Annots", ())]
    contents = obj.get("/Contents")
    contents = [] if contents is None else list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return (page.mediabox.unparse(), [c.read_bytes() for c in contents],
            sorted(page.resources.keys()), obj.get("/StructParents"), str(obj.get("/Tabs")), annotations)


def _bookmarks(pdf, pages: dict) -> list:
    def walk(items, depth):
        found = []
        for item in items:
            target = item.destination
            page = pages.get(target[0].objgen) if isinstance(target, pikepdf.Array) else None
            found.append((depth, item.title, page, [repr(v) for v in list(target)[1:]] if page is not None else None,
                          item.is_closed))
            found += walk(item.children, depth + 1)
        return found

    with pdf.open_outline() as outline:
        return walk(outline.root, 0)


ATTRIBUTES = ("/S", "/T", "/Lang", "/Alt", "/ActualText", "/E", "/ID", "/C", "/A", "/R")


def _tags(root, pages: dict) -> dict:
    """Every element in reading order: its type, attributes, page and kids (elements by their place)."""
    order, elements = {}, []
    stack = [root.K]
    while stack:  # depth first, as struct_elements, but numbering each element once
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node and node.objgen not in order:
            order[node.objgen] = len(order)
            elements.append(node)
            if "/K" in node:
                stack.append(node.K)

    def kid(value):
        if isinstance(value, int):
            return ("MCID", value)
        if "/S" in value:
            return ("element", order[value.objgen])
        if value.get("/Type") == "/MCR":
            return ("MCR", int(value.MCID), pages.get(value.Pg.objgen) if "/Pg" in value else None)
        return ("OBJR", str(value.Obj.get("/Subtype")), pages.get(value.Pg.objgen) if "/Pg" in value else None)

    def described(element):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        parent = element.P
        return ({k: element[k].unparse(resolved=True) for k in ATTRIBUTES if k in element},
                pages.get(element.Pg.objgen) if "/Pg" in element else None,
                "root" if parent.objgen == root.objgen else order[parent.objgen], [kid(k) for k in kids])

    def parents(value):
        return [order[v.objgen] for v in value] if isinstance(value, pikepdf.Array) else order[value.objgen]

    from reportgen.structtree import tree_entries

    return {
        "elements": [described(e) for e in elements],
        "parent tree": sorted((int(k), parents(v)) for k, v in tree_entries(root.ParentTree, "/Nums")),
        "next key": int(root.ParentTreeNextKey),
        "maps": [root[k].unparse(resolved=True) if k in root else None for k in ("/RoleMap", "/ClassMap")],
        "ids": [(bytes(k), order[v.objgen]) for k, v in tree_entries(root.get("/IDTree"), "/Names")],
    }


def test_the_scorecard_is_the_base(kent):
    sources = [pikepdf.open(path) for _, path in kent.values()]
    assert merge._base_part(sources) == list(kent).index("scorecard")
    assert merge._base_part(sources[:1]) is None  # one part: copied into a new PDF, as before


def test_merged_into_the_scorecard_the_pack_reads_as_merged_into_a_new_pdf(kent, tmp_path, monkeypatch):
    if "cover" not in kent:
        pytest.skip("LibreOffice (soffice) is not installed: no tagged cover")
    parts = [kent["cover"], kent["scorecard"]]
    into_base, into_new = _merged_both_ways(parts, tmp_path, monkeypatch)
    base, new = read_back(into_base), read_back(into_new)
    assert base.keys() == new.keys()
    for key in base:
        assert base[key] == new[key], key
    assert len(base["tags"]["elements"]) > 1000 and len(base["bookmarks"]) > 10  # a real tree and outline
    cover_pages = len(pikepdf.open(kent["cover"][1]).pages)
    assert [b[:3] for b in base["bookmarks"] if b[0] == 0] == [(0, "Cover report", 0),
                                                               (0, "Appendix B: Performance scorecard", cover_pages)]
    assert headings(into_base) == headings(into_new)
    with pikepdf.open(into_base) as pdf:
        assert unresolved_struct_parents(pdf) == []
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        # Nothing of the scorecard's own catalog or file identifier is left over.
        assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root
        file_id = pdf.trailer.ID
        assert bytes(file_id[0]) == bytes(file_id[1])


def test_appendices_before_and_after_the_base_land_where_they_are_listed(kent, tmp_path, monkeypatch):
    parts = [kent[name] for name in ("cover", "before", "scorecard", "after") if name in kent]
    into_base, into_new = _merged_both_ways(parts, tmp_path, monkeypatch)
    base, new = read_back(into_base), read_back(into_new)
    for key in base:
        assert base[key] == new[key], key
    tops = [b[1:3] for b in base["bookmarks"] if b[0] == 0]
    assert [title for title, _ in tops] == [title for title, _ in parts]
    budget = next(page for title, page in tops if title.startswith("Appendix A"))
    assert "Budget page 1" in base["text"][budget] and "Minutes page 1" in base["text"][-1]
    assert (1, "Budget section 2", budget + 1) in [b[:3] for b in base["bookmarks"]]
    assert PdfReader(into_base).page_labels == [str(n) for n in range(1, len(base["pages"]) + 1)]


def test_the_base_merge_is_reproducible(kent, tmp_path):
    parts = list(kent.values())
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    merge.merge_pdfs(parts, first, **FACTS)
    merge.merge_pdfs(parts, second, **FACTS)
    assert first.read_bytes() == second.read_bytes()


@needs_pdfua_check
def test_the_pack_merged_into_the_scorecard_passes_the_pdfua_checks(kent, tmp_path):
    if "cover" not in kent:
        pytest.skip("LibreOffice (soffice) is not installed: no tagged cover")
    out = tmp_path / "pack.pdf"
    merge.merge_pdfs([kent["cover"], kent["scorecard"]], out, **FACTS)
    assert pdfua_failures(out, human=True) == []
