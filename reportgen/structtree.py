"""The agenda pack's structure tree: every part's tags, under one Document.

A screen reader finds its way round a PDF by its structure tree, so the pack
keeps each part's: copied whole, renumbered so that the parts' keys into the
parent tree do not collide, with role and class maps merged (merge.py).
"""

from __future__ import annotations

# ISO 32000-1, 14.8.4: a RoleMap may not give these another meaning (PDF/UA-1, 7.1).
STANDARD_TYPES = frozenset("""
    Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form""".split())


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
        """Add one part's tree; ``pages`` are its pages as placed in the pack.

        ``source`` may be the pack itself (the part the others are merged into):
        its tree is then taken over where it is, not copied.
        """
        tree = source.Root.get("/StructTreeRoot")
        if tree is None or tree.get("/K") is None:
            self.tagged.append(False)
            _drop_struct_parents(pages)
            return
        self.tagged.append(True)
        if source is not self.pack:  # the part merged into (merge.py's base) is in place already
            tree = self.pack.copy_foreign(tree)  # pages are already copied: /Pg finds the pack's pages
        offset = self.next_key
        entries = list(tree_entries(tree.get("/ParentTree"), "/Nums"))
        self.parents += [(int(key) + offset, value) for key, value in entries]
        last = max((int(key) for key, _ in entries), default=-1)
        self.next_key = offset + max(last + 1, int(tree.get("/ParentTreeNextKey", 0)))
        renumber_struct_parents(pages, offset)
        roles = _merge_roles(self.role_map, tree.get("/RoleMap"))
        classes = _merge_map(self.class_map, _items(tree.get("/ClassMap")))
        if roles or classes:
            _rename(struct_elements(tree.get("/K")), roles, classes)
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
        from pikepdf import Array, Dictionary, String

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


def _items(mapping) -> list[tuple[str, object]]:
    return [(key[1:], value) for key, value in mapping.items()] if mapping is not None else []


def _merge_roles(merged: dict, role_map) -> dict[str, str]:
    """Merge a part's role map; return the structure types its elements must change to.

    A standard type may not be mapped (PDF/UA-1, 7.1): where a part maps one onto
    another (LibreOffice did, for a paragraph style called "Quote"), its elements
    of that type take the type it was mapped to, and the mapping is dropped.
    """
    items = _items(role_map)
    renames = _merge_map(merged, [(k, v) for k, v in items if k not in STANDARD_TYPES])
    for name, value in items:
        meant = str(value)[1:]
        if name in STANDARD_TYPES and meant != name:
            renames[name] = renames.get(meant, meant)
    return renames


def _merge_map(merged: dict, items) -> dict[str, str]:
    """Add a part's role or class map entries to ``merged``; return the names it must rename."""
    renames: dict[str, str] = {}
    for name, value in items:
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
