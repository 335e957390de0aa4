"""Reading a PDF's tags back, and small parts to merge, for the tests of the agenda pack
(test_pack.py, test_build.py, test_merge_base.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from reportgen.structtree import STANDARD_TYPES, struct_elements, tree_entries

# The shared PDF/UA checker lives beside the repository, not in it.
PDFUA_CHECK = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "pdfua_check.py"
needs_pdfua_check = pytest.mark.skipif(
    not PDFUA_CHECK.is_file(), reason=f"the PDF/UA checker is not beside the repository ({PDFUA_CHECK})")


def pdfua_failures(path: Path, *, human: bool = False) -> list[str]:
    """The checks pdfua_check.py fails on ``path``; those it marks "(human)" only if ``human``."""
    result = subprocess.run([sys.executable, str(PDFUA_CHECK), "--json", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    return [f"{description} ({clause})" for clause, description, ok in report["verdicts"]
            if not ok and (human or "(human)" not in clause)]


def _texts_by_mcid(path: Path) -> dict[int, dict[int, str]]:
    """{page object number: {MCID: the text shown inside it}}, decoded by pypdf."""
    found = {}
    for page in PdfReader(path).pages:
        texts, stack = defaultdict(str), []

        def before(operator, args, *_):
            if operator == b"BDC":
                properties = args[1] if len(args) > 1 else None
                stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def shown(text, *_):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts[int(mcid)] += text

        page.extract_text(visitor_operand_before=before, visitor_text=shown)
        found[page.indirect_reference.idnum] = dict(texts)
    return found


def _element_text(element, texts, page=None) -> str:
    if element.get("/Pg") is not None:
        page = element.Pg.objgen[0]
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    text = ""
    for kid in kids:
        if isinstance(kid, int):
            text += texts.get(page, {}).get(kid, "")
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            on = kid.Pg.objgen[0] if kid.get("/Pg") is not None else page
            text += texts.get(on, {}).get(int(kid.MCID), "")
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            text += _element_text(kid, texts, page)
    return text


def headings(path: Path, under=None) -> list[tuple[str, str]]:
    """(H1.., text) of every heading in the tree (or under one element), in reading order."""
    texts = _texts_by_mcid(path)
    with pikepdf.open(path) as pdf:
        top = under(pdf) if under else pdf.Root.StructTreeRoot.K
        return [(str(e.S)[1:], " ".join(_element_text(e, texts).split()))
                for e in struct_elements(top) if re.fullmatch(r"/H\d?", str(e.S))]


def type_counts(elements) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for element in elements:
        counts[str(element.S)[1:]] += 1
    return dict(counts)


def remapped_standard_types(pdf) -> list[str]:
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap") or {}
    return [key for key in role_map.keys() if key[1:] in STANDARD_TYPES]


def unresolved_struct_parents(pdf) -> list[str]:
    """Pages whose /StructParents is missing from the parent tree, or whose entry
    lists an element on another page; an empty list when all resolve."""
    tree = {int(k): v for k, v in tree_entries(pdf.Root.StructTreeRoot.ParentTree, "/Nums")}
    wrong = []
    for number, page in enumerate(pdf.pages, 1):
        key = page.obj.get("/StructParents")
        if key is None:
            continue
        entry = tree.get(int(key))
        if not isinstance(entry, pikepdf.Array) or len(entry) == 0:
            wrong.append(f"page {number}: /StructParents {key} is not in the parent tree")
            continue
        for element in entry:
            if isinstance(element, pikepdf.Dictionary) and page.obj.objgen not in _pages_of(element):
                wrong.append(f"page {number}: parent tree entry {key} names an element on another page")
                break
    return wrong


def _pages_of(element) -> set:
    """The pages an element's own marked content is on (its /Pg, its MCRs' /Pg)."""
    pages = {element.Pg.objgen} if element.get("/Pg") is not None else set()
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and kid.get("/Pg") is not None:
            pages.add(kid.Pg.objgen)
    return pages


def reportlab_pdf(path: Path, name: str, pages: int, outline: bool = True) -> Path:
    """A small untagged appendix with a bookmark per page (none without ``outline``), as a meeting may list."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), invariant=1)
    for number in range(1, pages + 1):
        if outline:
            pdf.bookmarkPage(f"p{number}")
            pdf.addOutlineEntry(f"{name} section {number}", f"p{number}", level=0)
        pdf.drawString(72, 720, f"{name} page {number}")
        pdf.showPage()
    pdf.save()
    return path
