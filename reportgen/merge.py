"""The agenda pack: the cover report and the appendices merged into one tagged PDF.

A screen reader finds its way round a PDF by its structure tree (the tags), so
the merge carries every part's tree into the pack, under one Document element
with a Part per part, instead of keeping only the pages. A part with no tags
(no StructTreeRoot) is left out of the tree: its pages keep their content
untagged, rather than being hidden from readers as artifacts, and the pack then
does not claim PDF/UA in its XMP.

Everything written comes from the parts and ``created`` (no clock, and an /ID
derived from the content), so the same parts give the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from . import __version__
from .atomic import atomic_write_bytes
from .errors import Problem, RenderError

# ISO 32000-1, 14.8.4: a RoleMap may not give these another meaning (PDF/UA-1, 7.1).
STANDARD_TYPES = frozenset("""
    Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form""".split())


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
    pack = pikepdf.new()
    tree = StructTree(pack, language)
    with pack.open_outline() as outline:
        for (part_title, _), source in zip(parts, sources):
            first = len(pack.pages)
            pack.pages.extend(source.pages)
            tree.add(source, pack.pages[first:], part_title)
            outline.root.append(_bookmark(pack, source, first, part_title))
    tagged = tree.finish()
    _set_document_facts(pack, title=title, author=author, subject=subject, language=language,
                        created=created, pdfua=tagged)
    buffer = io.BytesIO()
    pack.save(buffer, deterministic_id=True, fix_metadata_version=False,
              min_version=max(source.pdf_version for source in sources),
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    atomic_write_bytes(Path(out), buffer.getvalue())
    return len(pack.pages)


def _open_all(paths: list[Path]) -> list:
    import pikepdf

    sources, problems = [], []
    for path in paths:
        try:
            # From bytes: the pack reads its parts' streams when it is saved, after
            # the part's file may have been replaced.
            sources.append(pikepdf.open(io.BytesIO(Path(path).read_bytes())))
        except (OSError, pikepdf.PdfError) as error:
            problems.append(Problem(str(path), f"cannot be read as a PDF for the agenda pack: {error}"))
    if problems:
        raise RenderError(problems)
    return sources


# --- the structure tree -------------------------------------------------------------


class StructTree:
    """The pack's structure tree, built part by part.

    Each part's tree is copied whole; its top element becomes a Part (titled with
    the part's bookmark) under the pack's Document. The parent tree's keys are
    renumbered after the parts before, with the /StructParents and /StructParent
    of its pages, annotations and XObjects. Role and class maps are merged: a
    custom type or class two parts define differently is renamed in the later part.
    """

    def __init__(self, pack, language: str):
        from pikepdf import Array, Dictionary, Name

        self.pack, self.language = pack, language
        self.root = pack.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pack.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root))
        self.kids = Array()
        self.parents: list[tuple[int, object]] = []
        self.next_key = 0
        self.role_map: dict[str, object] = {}
        self.class_map: dict[str, object] = {}
        self.ids: dict[bytes, object] = {}
        self.tagged: list[bool] = []

    def add(self, source, pages, title: str) -> None:
        """Add one part's tree; ``pages`` are its pages as copied into the pack."""
        tree = source.Root.get("/StructTreeRoot")
        if tree is None or tree.get("/K") is None:
            self.tagged.append(False)
            _drop_struct_parents(pages)
            return
        self.tagged.append(True)
        tree = self.pack.copy_foreign(tree)  # pages are already copied: /Pg finds the pack's pages
        offset = self.next_key
        entries = list(tree_entries(tree.get("/ParentTree"), "/Nums"))
        self.parents += [(int(key) + offset, value) for key, value in entries]
        last = max((int(key) for key, _ in entries), default=-1)
        self.next_key = offset + max(last + 1, int(tree.get("/ParentTreeNextKey", 0)))
        renumber_struct_parents(pages, offset)
        roles = _merge_map(self.role_map, tree.get("/RoleMap"), skip=STANDARD_TYPES)
        classes = _merge_map(self.class_map, tree.get("/ClassMap"))
        elements = list(struct_elements(tree.get("/K")))
        if roles or classes:
            _rename(elements, roles, classes)
        self._merge_ids(tree.get("/IDTree"))
        self.kids.append(self._part(tree, title, _text(source.Root.get("/Lang"))))

    def _part(self, tree, title: str, language: str | None):
        from pikepdf import Array, Dictionary, Name, String

        top = tree.K if isinstance(tree.K, Array) else Array([tree.K])
        if len(top) == 1 and self._standard(top[0].get("/S")) == "Document":
            part = top[0]  # a part's Document is a Part of the pack's
            part.S = Name.Part
        else:
            part = self.pack.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=top))
            for kid in top:
                kid.P = part
        part.P = self.document
        part.T = String(title)
        if language and language != self.language:
            part.Lang = String(language)
        return part

    def _standard(self, name) -> str:
        """The standard type a structure type stands for, through the role map."""
        name = str(name or "")[1:]
        for _ in range(len(self.role_map) + 1):
            if name in STANDARD_TYPES or name not in self.role_map:
                break
            name = str(self.role_map[name])[1:]
        return name

    def _merge_ids(self, id_tree) -> None:
        from pikepdf import String

        for key, element in tree_entries(id_tree, "/Names"):
            key, number = bytes(key), 1
            new = key
            while new in self.ids:  # a clash: the later element gets a new ID
                number += 1
                new = key + b"-" + str(number).encode()
            if new != key:
                element.ID = String(new)
            self.ids[new] = element

    def finish(self) -> bool:
        """Put the tree into the pack; True when every part was tagged."""
        from pikepdf import Array, Dictionary, Name, String

        if not any(self.tagged):
            return False
        self.document.K = self.kids
        root = self.root
        root.K = self.document
        nums = Array()
        for key, value in sorted(self.parents, key=lambda entry: entry[0]):
            nums.extend([key, value])
        root.ParentTree = self.pack.make_indirect(Dictionary(Nums=nums))
        root.ParentTreeNextKey = self.next_key
        if self.role_map:
            root.RoleMap = Dictionary({f"/{k}": v for k, v in sorted(self.role_map.items())})
        if self.class_map:
            root.ClassMap = Dictionary({f"/{k}": v for k, v in sorted(self.class_map.items())})
        if self.ids:
            names = Array()
            for key in sorted(self.ids):
                names.extend([String(key), self.ids[key]])
            root.IDTree = Dictionary(Names=names)
        self.pack.Root.StructTreeRoot = root
        self.pack.Root.MarkInfo = Dictionary(Marked=True)
        return all(self.tagged)


def tree_entries(node, key: str):
    """The (key, value) pairs of a number tree (``/Nums``) or name tree (``/Names``)."""
    stack, seen = ([node] if node is not None else []), set()
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:  # a damaged tree may loop
                continue
            seen.add(node.objgen)
        pairs = node.get(key)
        if pairs is not None:
            for index in range(0, len(pairs) - 1, 2):
                yield pairs[index], pairs[index + 1]
        stack.extend(node.get("/Kids", ()))


def struct_elements(kids):
    """Every structure element at or under ``kids`` (not marked-content or object references)."""
    from pikepdf import Array, Dictionary

    stack, seen = [kids], set()
    while stack:
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, Dictionary) or "/S" not in node:
            continue  # an MCID, an MCR or an OBJR
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        if "/K" in node:
            stack.append(node.K)


def renumber_struct_parents(pages, offset: int) -> None:
    """Shift the parent-tree keys of the pages, their annotations and XObjects by ``offset``."""
    if offset == 0:
        return
    seen: set[tuple[int, int]] = set()
    for page in pages:
        _shift(page.obj, offset, seen)
        for annotation in page.obj.get("/Annots", ()):
            _shift(annotation, offset, seen)
        resources = [page.obj.get("/Resources")]
        while resources:
            xobjects = (resources.pop() or {}).get("/XObject") or {}
            for _, xobject in xobjects.items():
                if _shift(xobject, offset, seen) and "/Resources" in xobject:
                    resources.append(xobject.Resources)


def _drop_struct_parents(pages) -> None:
    """An untagged part's stray keys would point into another part's tags."""
    for page in pages:
        for obj in (page.obj, *page.obj.get("/Annots", ())):
            for key in ("/StructParents", "/StructParent"):
                if key in obj:
                    del obj[key]


def _shift(obj, offset: int, seen: set) -> bool:
    """Renumber one object's keys, once even if pages share it; False if seen before."""
    if obj.is_indirect:
        if obj.objgen in seen:
            return False
        seen.add(obj.objgen)
    for key in ("/StructParents", "/StructParent"):
        if key in obj:
            obj[key] = int(obj[key]) + offset
    return True


def _merge_map(merged: dict, incoming, skip=frozenset()) -> dict[str, str]:
    """Add a part's role or class map to ``merged``; return the names it must rename."""
    renames: dict[str, str] = {}
    for key, value in (incoming.items() if incoming is not None else ()):
        name = key[1:]
        if name in skip:
            continue  # a standard type keeps its standard meaning
        new, number = name, 1
        while new in merged and not _same(merged[new], value):
            number += 1
            new = f"{name}-{number}"
        merged[new] = value
        if new != name:
            renames[name] = new
    return renames


def _same(a, b) -> bool:
    return a.unparse(resolved=True) == b.unparse(resolved=True)


def _rename(elements, roles: dict[str, str], classes: dict[str, str]) -> None:
    from pikepdf import Array, Name

    for element in elements:
        kind = str(element.S)[1:]
        if kind in roles:
            element.S = Name("/" + roles[kind])
        given = element.get("/C")
        if given is None or not classes:
            continue
        names = list(given) if isinstance(given, Array) else [given]
        renamed = [Name("/" + classes.get(str(n)[1:], str(n)[1:])) if isinstance(n, Name) else n
                   for n in names]
        element.C = Array(renamed) if isinstance(given, Array) else renamed[0]


def _text(value) -> str | None:
    return str(value) if value is not None else None


# --- bookmarks -------------------------------------------------------------------------


def _bookmark(pack, source, first: int, title: str):
    """The part's bookmark, at its first page, with the part's own bookmarks under it."""
    from pikepdf import OutlineItem

    item = OutlineItem(title, first)
    pages = {page.obj.objgen: index for index, page in enumerate(source.pages)}
    with source.open_outline(strict=False) as theirs:
        item.children.extend(_copy_outline(pack, source, theirs.root, pages, first))
    return item


def _copy_outline(pack, source, items, pages: dict, first: int) -> list:
    from pikepdf import OutlineItem

    copied = []
    for item in items:
        new = OutlineItem(item.title, _destination(pack, source, item, pages, first))
        new.is_closed = item.is_closed
        new.children.extend(_copy_outline(pack, source, item.children, pages, first))
        copied.append(new)
    return copied


def _destination(pack, source, item, pages: dict, first: int):
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
    index = pages.get(page.objgen) if isinstance(page, Dictionary) else None
    if index is None:
        return first
    return Array([pack.pages[first + index].obj, *list(target)[1:]])


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
