"""Writing a meeting's outputs: atomically, reproducibly, and into one agenda pack.

Every output of a meeting is made in a hidden folder beside the target and
swapped into place only once all of them are complete (staging.py), and the agenda
pack is merged in merge.py. Everything that ends up in a file is derived
from the inputs and one build date (``build_date``), never from the clock, so the
same inputs give the same bytes and a published paper can be checked later
against its ``manifest.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timezone
from importlib import metadata
from pathlib import Path

from . import __version__
from .atomic import atomic_write_bytes
from .errors import RenderError

LIBRARIES = ("python-docx", "docxtpl", "reportlab", "pandas", "matplotlib", "openpyxl", "pikepdf")
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the earliest time a zip can hold


# --- the build date ---------------------------------------------------------


def build_date(meeting_date: date) -> datetime:
    """The one timestamp every output carries: SOURCE_DATE_EPOCH if set, else the meeting day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise RenderError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970"
            ) from None
    return datetime.combine(meeting_date, time(0, 0), tzinfo=timezone.utc)


def _utc(when: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so that the result never depends on the machine's zone."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


# --- reproducible docx / xlsx -----------------------------------------------------

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_COMMENT_DATE = re.compile(rb'(w:date=")[^"]*(")')


def normalise_docx(data: bytes, when: datetime) -> bytes:
    """Rewrite a .docx (or any OOXML zip: .xlsx too) so the same content gives the same bytes.

    Fixed: zip member times, member order, compression and permissions; the core
    properties' created/modified dates, lastModifiedBy and revision; and the
    comment dates python-docx takes from the clock. (python-docx and docxtpl make
    no other random or clock-based ids: relationship and drawing ids are counters.)
    """
    when = max(_utc(when), ZIP_EPOCH)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in names:
            content = source.read(name)
            if name == "docProps/core.xml":
                content = _fix_core_properties(content, when)
            elif name == "word/comments.xml":
                content = _COMMENT_DATE.sub(rb"\g<1>" + _w3cdtf(when).encode() + rb"\g<2>", content)
            target.writestr(_zip_info(name, when), content, zipfile.ZIP_DEFLATED, 6)
    return buffer.getvalue()


normalise_ooxml = normalise_docx


def _zip_info(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.create_system = 3  # Unix, whatever machine builds it
    info.external_attr = 0o644 << 16
    return info


def _w3cdtf(when: datetime) -> str:
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fix_core_properties(content: bytes, when: datetime) -> bytes:
    from lxml import etree  # here, so that `reportgen check` (build_date) does not load lxml

    root = etree.fromstring(content)
    stamp = _w3cdtf(when)
    for tag in ("created", "modified"):
        element = _child(root, "dcterms", tag)
        element.text = stamp
        element.set(f"{{{_NS['xsi']}}}type", "dcterms:W3CDTF")
    _child(root, "cp", "lastModifiedBy").text = "reportgen"
    _child(root, "cp", "revision").text = "1"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(root, prefix: str, tag: str):
    """``root``'s child ``prefix:tag`` (an lxml element), added when it is missing."""
    name = f"{{{_NS[prefix]}}}{tag}"
    element = root.find(name)
    if element is None:
        from lxml import etree

        element = etree.SubElement(root, name, nsmap={prefix: _NS[prefix]})
    return element


# --- manifest ---------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _relative(path: Path, base: Path) -> str:
    # relpath walks up with '..' where an input lies outside the base (shared templates);
    # resolving first keeps symlinks and './' from changing the name.
    return Path(os.path.relpath(Path(path).resolve(), Path(base).resolve())).as_posix()


def manifest(
    *,
    period: str,
    status_counts: Mapping[str, int],
    inputs: Iterable[Path],
    input_base: Path,
    outputs: Iterable[Path],
    output_base: Path,
    built: datetime | None = None,
    extra: Mapping[str, object] | None = None,
) -> dict:
    """What was built from what: versions, the sha256 of each input and output, the counts.

    Paths are relative to ``input_base`` / ``output_base`` (never absolute), so the
    manifest reads the same on any machine that builds the same inputs.
    """
    data: dict[str, object] = {
        "reportgen": __version__,
        "libraries": library_versions(),
        "period": str(period),
        "status_counts": {str(k): int(v) for k, v in status_counts.items()},
        "inputs": {_relative(p, input_base): sha256_file(p) for p in inputs},
        "outputs": {_relative(p, output_base): sha256_file(p) for p in outputs},
    }
    if built is not None:
        data["build_date"] = _w3cdtf(built)
    data.update(extra or {})
    return data


def manifest_bytes(data: Mapping) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(path: Path, data: Mapping) -> None:
    atomic_write_bytes(Path(path), manifest_bytes(data))
