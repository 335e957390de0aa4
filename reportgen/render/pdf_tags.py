"""Tagged PDF for reportlab documents: marked content, the structure tree, PDF/UA metadata.

reportlab has no tagging API. This module adds the small part of one that the
scorecard needs, through hooks reportlab already has: raw operators on the
canvas (``addLiteral``), a flowable's ``drawOn``, a table's render callback
(``renderCB``: start/end of its backgrounds, each row, each cell, its lines)
and the page and catalog dictionaries it writes.

- ``TaggingCanvas`` carries a ``Tags`` record (or None: an untagged document,
  kept only to measure what tagging costs). Every page gets /StructParents and
  /Tabs /S; ``save`` writes the structure tree, the ParentTree, /MarkInfo and
  XMP metadata (dc:title, dc:language, pdfuaid:part 1).
- ``Para`` and ``Figure`` are a Paragraph and a chart that mark what they draw
  as one element (H1, P, LBody, Figure with /Alt). A paragraph split across
  pages stays one element with a marked-content part on each page.
- ``TableTags`` is a table's render callback: the first header row becomes
  THead > TR > TH (/Scope /Column), each later row TBody > TR, with the
  row-header column as TH (/Scope /Row) and the rest TD; a drawing cell with
  alt text (a sparkline) is a Figure inside its TD. Cell fills and grid lines are
  artifacts, and so are header rows and captions repeated on later pages. One
  TableTags serves all the chunks and page parts of one logical table, so a
  group is ONE Table element however it breaks.
- ``artifact(canvas)`` marks running headers, footers and page numbers.

Why the tree is written inside reportlab's document rather than added afterwards
with pikepdf: the marked-content operators have to go into the content streams
while reportlab draws (only then is it known which operators belong to which
cell), so the element each MCID belongs to is known at the same moment. A
post-processing pass would re-open, re-parse and re-write a file that is 23 MB
at 5,000 indicators, to add objects whose contents were already known. Written
here, the tree costs only its own objects, formatted by a few lines below rather
than reportlab's general dictionary code, and reportlab's invariant mode keeps
the bytes reproducible. pikepdf stays the tool that reads the result back in tests.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from html import escape

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObject, PDFPage, PDFStream, PDFString
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from .pdf_images import draw_png

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


# ---------------------------------------------------------------- the structure tree

class Element(PDFObject):
    """One structure element; its kids are Elements or (page index, MCID) pairs."""

    def __init__(self, role: str, parent: Element | None = None, *, alt: str = "", scope: str = "",
                 lang: str = ""):
        self.role, self.parent, self.alt, self.scope, self.lang = role, parent, alt, scope, lang
        self.kids: list = []
        self.page: int | None = None  # the page of its first marked content, its /Pg
        if parent is not None:
            parent.kids.append(self)

    def format(self, document) -> bytes:
        ref, pages = document.tag_ref, document.tag_page_refs
        # No /Type /StructElem: it is optional, and 17 bytes on each of ~15 elements per indicator.
        parts = [b"<< /S /", self.role.encode(), b" /P ", ref(self.parent)]
        if self.page is not None:
            parts += [b" /Pg ", pages[self.page]]
        kids = [ref(k) if isinstance(k, Element) else
                (b"%d" % k[1] if k[0] == self.page else b"<< /Type /MCR /Pg %s /MCID %d >>" % (pages[k[0]], k[1]))
                for k in self.kids]
        parts += [b" /K [", b" ".join(kids), b"]"]
        if self.scope:
            parts += [b" /A << /O /Table /Scope /", self.scope.encode(), b" >>"]
        if self.alt:
            parts += [b" /Alt ", PDFString(self.alt).format(document)]
        if self.lang:
            parts += [b" /Lang ", PDFString(self.lang).format(document)]
        return b"".join(parts) + b" >>"


class _TreeRoot(PDFObject):
    def __init__(self, document: Element, parent_tree: PDFObject, pages: int):
        self.document, self.parent_tree, self.pages = document, parent_tree, pages

    def format(self, document) -> bytes:
        ref = document.tag_ref
        return (b"<< /Type /StructTreeRoot /K [%s] /ParentTree %s /ParentTreeNextKey %d >>"
                % (ref(self.document), ref(self.parent_tree), self.pages))


class _ParentTree(PDFObject):
    """The number tree from each page's /StructParents to the element of each of its MCIDs."""

    def __init__(self, pages: list[list[Element]]):
        self.pages = pages

    def format(self, document) -> bytes:
        ref = document.tag_ref
        nums = [b"%d [%s]" % (i, b" ".join(map(ref, owners))) for i, owners in enumerate(self.pages)]
        return b"<< /Nums [" + b"\n".join(nums) + b"] >>"


class Tags:
    """What a document has marked so far: the element tree and, per page, each MCID's element."""

    def __init__(self) -> None:
        self.root = Element("Document")
        self.pages: list[list[Element]] = []
        self.page_names: list[str] = []

    def _page(self, canvas) -> int:
        index = canvas.getPageNumber() - 1
        self._pad(index + 1)
        return index

    def _pad(self, count: int) -> None:
        while len(self.pages) < count:
            self.pages.append([])
            self.page_names.append(f"Page{len(self.pages)}")  # reportlab's name for that page object

    def begin(self, canvas, element: Element) -> None:
        """Open a marked-content sequence that belongs to ``element``."""
        page = self._page(canvas)
        owners = self.pages[page]
        mcid = len(owners)
        owners.append(element)
        element.kids.append((page, mcid))
        if element.page is None:
            element.page = page
        canvas.addLiteral(f"/{element.role} <</MCID {mcid}>> BDC")

    @staticmethod
    def begin_artifact(canvas, kind: str = "") -> None:
        canvas.addLiteral(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")

    @staticmethod
    def end(canvas) -> None:
        canvas.addLiteral("EMC")

    def write(self, canvas, metadata: bytes) -> None:
        """Add the tree, /MarkInfo and the XMP metadata to the catalog (just before saving)."""
        doc = canvas._doc
        self._pad(doc.pageCounter - 1)  # pages where nothing was marked have a ParentTree entry too
        numbers = doc.idToObjectNumberAndVersion
        # How Element and friends write references: by the numbers reportlab has given the objects.
        doc.tag_ref = lambda obj: b"%d %d R" % numbers[obj.__InternalName__]
        doc.tag_page_refs = [b"%d %d R" % numbers[name] for name in self.page_names]
        parent_tree = _ParentTree(self.pages)
        tree = _TreeRoot(self.root, parent_tree, len(self.pages))
        self.root.parent = tree
        for obj in (tree, parent_tree, *_preorder(self.root)):
            doc.Reference(obj)
        catalog = doc.Catalog
        catalog.StructTreeRoot = tree
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                     metadata, filters=[])  # unfiltered, so any tool can read it


def _preorder(element: Element):
    stack = [element]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(k for k in reversed(node.kids) if isinstance(k, Element))


def xmp(*, title: str, lang: str, author: str, subject: str, created: datetime, producer: str) -> bytes:
    """XMP metadata that repeats the document information and claims PDF/UA-1."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    t, a, s, p = (escape(v) for v in (title, author, subject, producer))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{a}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{s}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<xmp:CreatorTool>{p}</xmp:CreatorTool>
<pdf:Producer>{p}</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


# ---------------------------------------------------------------- the canvas

class TaggingCanvas(Canvas):
    """A canvas that records marked content when ``tags`` is a Tags (None: untagged)."""

    def __init__(self, *args, tags: Tags | None = None, metadata: bytes = b"", **kwargs):
        if tags is not None:  # PDF/UA-1 builds on PDF 1.7 (ISO 32000-1), and /Tabs is a PDF 1.5 key
            kwargs.setdefault("pdfVersion", (1, 7))
        super().__init__(*args, **kwargs)
        self.tags, self._metadata = tags, metadata

    def _setAnnotations(self, page):
        # Called for each finished page just before it is added: the last moment to extend its dictionary.
        super()._setAnnotations(page)
        if self.tags is not None:
            page.__NoDefault__ = _PAGE_KEYS
            page.StructParents = self.getPageNumber() - 1  # its key in the ParentTree
            page.Tabs = PDFName("S")

    def save(self):
        if self.tags is not None:
            self.tags.write(self, self._metadata)
        super().save()


@contextlib.contextmanager
def artifact(canvas, kind: str = "Pagination"):
    """Mark what is drawn inside as an artifact (page furniture), on a tagging canvas."""
    tags = getattr(canvas, "tags", None)
    if tags is not None:
        tags.begin_artifact(canvas, kind)
    yield
    if tags is not None:
        tags.end(canvas)


# ---------------------------------------------------------------- flowables

class Tag:
    """The element a flowable draws into, made on first use so that split parts share it.

    ``within`` is the Tag of the parent (e.g. a list item's list); without one the
    element goes straight under the Document. ``lang`` is for text in another
    language than the document's (its /Lang).
    """

    def __init__(self, role: str, *, alt: str = "", within: Tag | None = None, lang: str = ""):
        self.role, self.alt, self.within, self.lang = role, alt, within, lang
        self._element: Element | None = None

    def element(self, tags: Tags) -> Element:
        if self._element is None:
            parent = self.within.element(tags) if self.within else tags.root
            self._element = Element(self.role, parent, alt=self.alt, lang=self.lang)
        return self._element


def list_item(within: Tag, lang: str = "") -> Tag:
    """A bullet of the list ``within`` (a Tag("L")): LI > LBody, the bullet drawn inside the LBody."""
    return Tag("LBody", within=Tag("LI", within=within), lang=lang)


def _draw_marked(flowable, draw, canvas, *args) -> None:
    tags = getattr(canvas, "tags", None)
    if tags is None:
        return draw(canvas, *args)
    tags.begin(canvas, flowable.tag.element(tags))
    draw(canvas, *args)
    tags.end(canvas)


class Para(Paragraph):
    """A Paragraph drawn as one element: ``tag`` is a Tag, or a role ("P", "H1"...)."""

    def __init__(self, text, style, tag: Tag | str = "P", **kwargs):
        super().__init__(text, style, **kwargs)
        self.tag = Tag(tag) if isinstance(tag, str) else tag

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.tag = self.tag
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        _draw_marked(self, super().drawOn, canvas, x, y, _sW)


class Figure(Flowable):
    """A chart (PNG bytes) drawn as a Figure with alt text, ``width`` by ``height`` points."""

    def __init__(self, png: bytes, *, width: float, height: float, alt: str, hAlign: str = "CENTER"):
        super().__init__()
        self.png, self.drawWidth, self.drawHeight, self.hAlign = png, width, height, hAlign
        self.tag = Tag("Figure", alt=alt)

    def wrap(self, availWidth, availHeight):
        return self.drawWidth, self.drawHeight

    def draw(self):
        draw_png(self.canv, self.png, 0, 0, self.drawWidth, self.drawHeight)

    def drawOn(self, canvas, x, y, _sW=0):
        _draw_marked(self, super().drawOn, canvas, x, y, _sW)


# ---------------------------------------------------------------- tables

class TableTags:
    """A table's render callback that tags it; one instance per logical table.

    Rows of every drawn part: ``caption_rows`` caption rows (drawn as an H2 the
    first time, as an artifact after), ``header_rows`` header rows (THead the
    first time, artifacts when repeated), then body rows. ``row_header`` is the
    column whose cell heads its row (TH /Scope /Row), or None.
    """

    def __init__(self, *, caption_rows: int = 0, header_rows: int = 1, row_header: int | None = None,
                 caption_role: str = "H2"):
        self.caption_rows, self.header_rows, self.row_header = caption_rows, header_rows, row_header
        self.caption_role = caption_role
        self._table = self._body = None
        self._seen = False  # a part has drawn the caption and header rows already
        self._repeat = False  # the part being drawn repeats them
        self._row = None  # the TR (or heading) being drawn, or None inside an artifact row
        self._header = False  # the row being drawn is the header row (its cells are TH /Scope /Column)
        self._open = False

    def __call__(self, table, event, *args):
        canvas = table.canv
        tags = getattr(canvas, "tags", None)
        if tags is not None:
            getattr(self, "_" + event)(tags, canvas, *args)

    def _startTable(self, tags, canvas):
        self._repeat, self._seen = self._seen, True

    def _endTable(self, tags, canvas):
        pass

    def _startBG(self, tags, canvas):
        tags.begin_artifact(canvas)

    _startLines = _startBG

    def _endBG(self, tags, canvas):
        tags.end(canvas)

    _endLines = _endBG

    def _element(self, tags, role: str) -> Element:
        if self._table is None:
            self._table = Element("Table", tags.root)
        if role == "THead":
            return Element("THead", self._table)
        if self._body is None:
            self._body = Element("TBody", self._table)
        return self._body

    def _startRow(self, tags, canvas, row):
        top = self.caption_rows + self.header_rows
        if row < top and self._repeat:
            self._row = None
            tags.begin_artifact(canvas)
        elif row < self.caption_rows:
            self._row = Element(self.caption_role, tags.root)
        else:
            self._row = Element("TR", self._element(tags, "THead" if row < top else "TBody"))
            self._header = row < top

    def _endRow(self, tags, canvas):
        if self._row is None:
            tags.end(canvas)

    def _startCell(self, tags, canvas, row, column, value, *_):
        owner = self._row
        if owner is None:
            return
        if owner.role == "TR":
            if self._header:
                owner = Element("TH", owner, scope="Column")
            elif column == self.row_header:
                owner = Element("TH", owner, scope="Row")
            else:
                owner = Element("TD", owner)
            describe = _alt_text(value)
            if describe is not None:
                owner = Element("Figure", owner, alt=describe())
        tags.begin(canvas, owner)
        self._open = True

    def _endCell(self, tags, canvas):
        if self._open:
            tags.end(canvas)
            self._open = False


def _alt_text(value):
    """The alt-text maker of a cell's one drawing (reportlab hands flowable cells over as a tuple)."""
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else None
    return getattr(value, "alt_text", None)
