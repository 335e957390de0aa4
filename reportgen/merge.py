"""The agenda pack: the cover report and the appendices merged into one tagged PDF.

A screen reader finds its way round a PDF by its structure tree (the tags), so
the merge carries every part's tree into the pack, under one Document element
with a Part per part (structtree.py), instead of keeping only the pages. A part
with no tags (no StructTreeRoot) is left out of the tree: its pages keep their
content untagged, rather than being hidden from readers as artifacts, and the
pack then does not claim PDF/UA in its XMP.

The parts are merged into the largest of them (the scorecard), not copied into
a new PDF: copying it would hold it twice (see _base_part). Its catalog and
trailer are then cut down to what a new PDF has, and the pack reads back as a
merge into a new PDF would (tests/test_merge_base.py).

Everything written comes from the parts and ``created`` (no clock, and an /ID
derived from the content), so the same parts give the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from . import __version__
from .atomic import atomic_write
from .errors import Problem, RenderError
from .structtree import StructTree, tree_entries


def ready() -> None:
    """Load pikepdf before the merge is wanted (in the process that will merge, cli.py)."""
    import pikepdf  # noqa: F401


def merge_pdfs(
    parts: list[tuple[str, Path]],
    out: Path,
    *,
    title: str,
    author: str,
    subject: str,
    language: str,
    created: datetime,
) -> int:
    """Write the parts, in order, as one PDF with a bookmark per part; return its page count.

    Each part's own bookmarks are nested under its bookmark, page labels run 1..n
    through the whole pack, each part's tags are kept, and the dates and file
    identifier come from ``created`` and the content, so the same parts give the
    same bytes.
    """
    if not parts:
        raise RenderError("an agenda pack needs at least one part")
    import pikepdf  # only a pack needs it

    sources = _open_all([path for _, path in parts])
    base = _base_part(sources)
    pack = sources[base] if base is not None else pikepdf.new()
    tree = StructTree(pack, language)
    owns = [list(source.pages) for source in sources]  # the base's, before others join it
    bookmarks, first = [], 0
    for index, ((part_title, path), source, own) in enumerate(zip(parts, sources, owns)):
        try:
            pages = own if index == base else _place(pack, own, first)
            tree.add(source, pages, part_title)
            bookmarks.append(_bookmark(source, own, pages, first, part_title))
        except (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            # A file that opens can still hold a damaged page tree, outline or tags.
            message = f"cannot be merged into the agenda pack, its PDF structure is damaged: {error}"
            raise RenderError([Problem(str(path), message)]) from None
        first += len(pages)
    if base is not None:
        _as_new(pack)
    with pack.open_outline() as outline:
        outline.root[:] = bookmarks
    tagged = tree.finish()
    _set_document_facts(pack, title=title, author=author, subject=subject, language=language,
                        created=created, pdfua=tagged)
    # Straight to the file: at 5,000 indicators the pack is 40 MB, held twice more in memory
    # (a buffer and its bytes) if saved to memory first.
    atomic_write(Path(out), lambda handle: pack.save(
        handle, deterministic_id=True, fix_metadata_version=False,
        min_version=max(source.pdf_version for source in sources),
        object_stream_mode=pikepdf.ObjectStreamMode.generate))
    return len(pack.pages)


def _base_part(sources: list) -> int | None:
    """The part the others are merged into: the one with most objects (the scorecard).

    Copying a part into a new PDF holds it twice while both live: at 5,000
    indicators the scorecard has a structure element per table cell, over
    100,000, and copying them took 300 MB and 1.5 s. Merged into, it is not
    copied at all; the other parts (the cover: a few pages) are copied into it.
    None when there is one part: there is nothing to merge into it.
    """
    if len(sources) < 2:
        return None
    sizes = [len(source.objects) for source in sources]
    return sizes.index(max(sizes))


def _place(pack, pages: list, first: int) -> list:
    """Copy a part's pages into the pack from page ``first`` on; return them as placed there.

    Parts before the base go in ahead of its pages, those after it at the end.
    """
    for offset, page in enumerate(pages):
        pack.pages.insert(first + offset, page)
    return list(pack.pages[first:first + len(pages)])


def _as_new(pack) -> None:
    """The base part's catalog and trailer cut down to its pages, as in a new PDF.

    Its tags, bookmarks and named destinations have been carried into the
    pack's own, its facts are replaced, and its file identifier must go: qpdf
    keeps the first half of an /ID it finds, which would then not come from
    the pack's content.
    """
    for owner, kept in ((pack.Root, ("/Type", "/Pages")), (pack.trailer, ("/Root", "/Size"))):
        for key in list(owner.keys()):
            if key not in kept:
                del owner[key]


def _open_all(paths: list[Path]) -> list:
    import pikepdf

    sources, problems = [], []
    for path in paths:
        try:
            # From bytes: the pack reads its parts' streams when it is saved, after
            # the part's file may have been replaced.
            source = pikepdf.open(io.BytesIO(Path(path).read_bytes()))
            _name_single_filters(source)
            sources.append(source)
        except (OSError, pikepdf.PdfError) as error:
            problems.append(Problem(str(path), f"cannot be read as a PDF for the agenda pack: {error}"))
    if problems:
        raise RenderError(problems)
    return sources


def _name_single_filters(source) -> None:
    """``/Filter [/FlateDecode]`` (as reportlab writes it) said as ``/Filter /FlateDecode``.

    qpdf copies a stream already Flate-compressed as it is, but only when its
    filter is the name: an array of that one filter it inflates and deflates
    again, to the same data (the same zlib at the same level), which was three
    quarters of the merge's time (the scorecard's charts). Named, the data is
    copied; what changes in the pack is the order of /Filter and /Length in
    those streams' dictionaries (tests/test_merge_speed.py compares every object).
    """
    from pikepdf import Array, Name, Stream

    for thing in source.objects:
        if not isinstance(thing, Stream) or thing.get("/DecodeParms") is not None:
            continue  # filter parameters are left for qpdf to apply, as before
        filters = thing.get("/Filter")
        if isinstance(filters, Array) and len(filters) == 1 and filters[0] == Name.FlateDecode:
            thing.Filter = Name.FlateDecode


# --- bookmarks -------------------------------------------------------------------------


def _bookmark(source, own: list, placed: list, first: int, title: str):
    """The part's bookmark, at its first page, with the part's own bookmarks under it."""
    from pikepdf import OutlineItem

    item = OutlineItem(title, first)
    # Each of the part's pages and where it is in the pack (the same page when the part is the base).
    targets = {page.obj.objgen: there.obj for page, there in zip(own, placed)}
    with source.open_outline(strict=False) as theirs:
        item.children.extend(_copy_outline(source, theirs.root, targets, first))
    return item


def _copy_outline(source, items, targets: dict, first: int) -> list:
    from pikepdf import OutlineItem

    copied = []
    for item in items:
        new = OutlineItem(item.title, _destination(source, item, targets, first))
        new.is_closed = item.is_closed
        new.children.extend(_copy_outline(source, item.children, targets, first))
        copied.append(new)
    return copied


def _destination(source, item, targets: dict, first: int):
    """The item's destination as [page view...] in the pack; the part's first page if it has none."""
    from pikepdf import Array, Dictionary, Name, String

    target = item.destination
    if target is None and item.action is not None and item.action.get("/S") == Name.GoTo:
        target = item.action.get("/D")
    if isinstance(target, (Name, String)):
        target = _named_destination(source, target)
    if isinstance(target, Dictionary):
        target = target.get("/D")
    if not isinstance(target, Array) or len(target) == 0:
        return first
    page = target[0]
    placed = targets.get(page.objgen) if isinstance(page, Dictionary) else None
    if placed is None:
        return first
    return Array([placed, *list(target)[1:]])


def _named_destination(source, name):
    from pikepdf import Name

    if isinstance(name, Name):
        return (source.Root.get("/Dests") or {}).get(name)
    names = source.Root.get("/Names")
    for key, value in tree_entries(names.get("/Dests") if names is not None else None, "/Names"):
        if bytes(key) == bytes(name):
            return value
    return None


# --- the document's facts ------------------------------------------------------------------


def _set_document_facts(pack, *, title, author, subject, language, created, pdfua: bool) -> None:
    from pikepdf import Dictionary, Name, Stream, String

    pdf_stamp, xmp_stamp = _stamps(created)
    producer = f"reportgen {__version__} (pikepdf)"
    info = {"/Title": title, "/Author": author, "/Subject": subject, "/Creator": "reportgen",
            "/Producer": producer, "/CreationDate": pdf_stamp, "/ModDate": pdf_stamp}
    pack.trailer.Info = pack.make_indirect(Dictionary({k: String(v) for k, v in info.items()}))
    root = pack.Root
    root.Lang = String(language)
    xmp = xmp_packet(title=title, author=author, subject=subject, language=language,
                     stamp=xmp_stamp, producer=producer, pdfua=pdfua)
    root.Metadata = pack.make_indirect(Stream(pack, xmp, Type=Name.Metadata, Subtype=Name.XML))
    root.PageMode = Name.UseOutlines
    root.PageLabels = Dictionary(Nums=[0, Dictionary(S=Name.D)])  # 1..n through the pack
    # Viewers then show the title, not the file name (an accessibility requirement).
    root.ViewerPreferences = Dictionary(DisplayDocTitle=True)


def _stamps(when: datetime) -> tuple[str, str]:
    """``when`` as a PDF date and as an XMP date, in UTC (naive is taken as UTC)."""
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    return when.strftime("D:%Y%m%d%H%M%S+00'00'"), when.strftime("%Y-%m-%dT%H:%M:%SZ")


def xmp_packet(*, title, author, subject, language, stamp, producer, pdfua: bool) -> bytes:
    """The XMP metadata, saying what the info dictionary says (PDF/UA-1 requires dc:title)."""
    e = escape
    claim = "\n   <pdfuaid:part>1</pdfuaid:part>" if pdfua else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{e(language)}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>reportgen</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <pdf:Producer>{e(producer)}</pdf:Producer>{claim}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")
