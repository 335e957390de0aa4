"""Would docxtpl take this filled-in template part without an error? Answered with expat, not lxml.

After Jinja, docxtpl (0.20) rewrites each part's XML with regular expressions
(tabs, line and page breaks in text become runs: ``resolve_listing``), then
parses it: the body leniently, then fixes its tables' grids (``fix_tables``);
headers and footers strictly. ``safe_part`` says True only when every one of
those steps is sure to succeed; when it cannot be sure (an unusual shape, a
comment, a nested paragraph holding a tab...) it says False, and `reportgen
check` then renders the real .docx to decide. So it may be too careful, never
too trusting.
"""

from __future__ import annotations

import math
import re
from xml.parsers import expat

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LISTING = re.compile("[\t\a\n\f]")  # what resolve_listing turns into markup
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # what XML 1.0 cannot hold
_T_TAG_WITH_LISTING = re.compile(r"<w:t [^>]*[\t\a\n\f]")
MAX_DEPTH = 200  # libxml2 refuses documents deeper than 256 elements
MAX_SIZE = 5_000_000  # characters; libxml2 refuses a text node of over 10 MB
MAX_NAME = 1_000  # characters (with its namespace); libxml2 refuses a name of over 50,000


class Unsure(Exception):
    """The part might not pass docxtpl and python-docx: let them decide."""


class _Reader:
    """One expat pass over a part, noting what docxtpl's rewriting and table fixing rely on."""

    def __init__(self, body: bool):
        self.body = body
        self.stack: list[tuple[str, str, str]] = []  # (namespace, local name, prefix)
        self.grids: list[bool] = []  # for each open w:tbl: has it a w:tblGrid child yet?
        self.root_w: str | None = None
        self.risky = ""  # why resolve_listing's regular expressions might not match the elements
        self.needs_listing = False

    def parser(self):
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.namespace_prefixes = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartNamespaceDeclHandler = self.namespace
        for handler in ("CommentHandler", "StartCdataSectionHandler", "ProcessingInstructionHandler",
                        "XmlDeclHandler", "StartDoctypeDeclHandler", "EntityDeclHandler"):
            setattr(parser, handler, self.unusual)
        return parser

    def unusual(self, *_args):
        raise Unsure("a comment, CDATA, processing instruction, declaration or entity")

    def namespace(self, prefix, uri):
        if self.stack:
            self.risky = "a namespace declared below the root"
        elif prefix == "w":
            self.root_w = uri

    def start(self, name, attrs):
        parts = name.split(" ")
        uri, local, prefix = (parts + ["", ""])[:3] if len(parts) > 1 else ("", name, "")
        if len(self.stack) >= MAX_DEPTH:
            raise Unsure("nested too deep")
        if max(map(len, (name, *attrs)), default=0) > MAX_NAME:
            raise Unsure("a name too long")
        if (prefix, local) in (("w", "rPr"), ("w", "pPr")) and (prefix, local) in {(p, n) for _, n, p in self.stack}:
            self.risky = f"w:{local} inside w:{local}"
        if uri == W:
            self._table_part(local, attrs)
        self.stack.append((uri, local, prefix))

    def _table_part(self, local: str, attrs: dict) -> None:
        if not self.body:
            return
        parent = self.stack[-1][:2] if self.stack else None
        if local == "tbl":
            self.grids.append(False)
        elif local == "tblGrid" and parent == (W, "tbl"):
            self.grids[-1] = True
        elif local == "gridCol":
            _number(attrs.get(f"{W} w w"), float)
        elif local == "gridSpan":
            _number(attrs.get(f"{W} val w"), int)

    def end(self, name):
        uri, local, _ = self.stack.pop()
        if self.body and (uri, local) == (W, "tbl") and not self.grids.pop():
            raise Unsure("a table without a w:tblGrid")

    def text(self, data):
        if not LISTING.search(data):
            return
        self.needs_listing = True
        names = [(p, n) for _, n, p in self.stack]
        if names[-3:] != [("w", "p"), ("w", "r"), ("w", "t")] or any(
                names.count(("w", n)) != 1 for n in ("p", "r", "t")):
            raise Unsure("a tab or break in text that is not directly in a run of one paragraph")


def _number(text: str | None, kind) -> None:
    try:
        value = kind(text)
    except (TypeError, ValueError):
        raise Unsure("a table grid width or span that is not a number") from None
    if not math.isfinite(value) or abs(value) > 1e12:
        raise Unsure("a table grid width out of range")


def safe_part(xml: str, body: bool) -> bool:
    """True when docxtpl's rewriting of this filled-in part, and parsing it, cannot fail."""
    if len(xml) > MAX_SIZE or NOT_XML.search(xml) or "<!" in xml or "<?" in xml:
        return False
    reader = _Reader(body)
    try:
        reader.parser().Parse(xml.encode("utf-8"), True)
    except (Unsure, expat.ExpatError, UnicodeEncodeError):
        return False
    if reader.needs_listing and (reader.risky or _T_TAG_WITH_LISTING.search(xml)):
        return False
    return not body or reader.root_w == W
