"""PNG charts into a reportlab PDF without decoding them.

A PNG's image data is a zlib stream of rows, each row led by its filter byte:
exactly what a PDF image's /FlateDecode filter reads with /DecodeParms
<< /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns width >>. So the
chart's own IDAT bytes become the image stream as they are. reportlab's
``drawImage`` instead decodes the PNG with Pillow, hashes the pixels and
compresses them again: 20-25 ms for each exception chart, a quarter of the time
it takes to lay out a whole scorecard. charts.py saves every chart as an
opaque 8-bit RGB PNG for this reason; any other PNG is drawn by ``drawImage``.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObject, PDFStream

SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB, BIT_DEPTH = 2, 8  # PNG colour type 2: truecolour, no alpha


@dataclass(frozen=True)
class PngRows:
    """What a PDF image needs of a plain RGB PNG: its size and its compressed rows."""

    width: int
    height: int
    data: bytes


def png_rows(png: bytes) -> PngRows | None:
    """The size and IDAT stream of an 8-bit RGB, non-interlaced PNG; None for any other PNG."""
    if not png.startswith(SIGNATURE):
        return None
    at, header, data = len(SIGNATURE), None, []
    while at + 12 <= len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body, crc = png[at + 8:at + 8 + length], png[at + 8 + length:at + 12 + length]
        if len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return None  # truncated or damaged: let Pillow say so
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None or not data:
        return None
    width, height, depth, colour, compression, filtering, interlace = header
    if (depth, colour, compression, filtering, interlace) != (BIT_DEPTH, RGB, 0, 0, 0):
        return None
    return PngRows(width, height, b"".join(data))


class PngImage(PDFObject):
    """An image XObject whose stream is a PNG's IDAT data, predictor and all."""

    def __init__(self, rows: PngRows):
        self.rows = rows

    def format(self, document):
        rows = self.rows
        stream = PDFStream(content=rows.data)
        stream.dictionary.dict.update({
            "Type": PDFName("XObject"), "Subtype": PDFName("Image"),
            "Width": rows.width, "Height": rows.height, "BitsPerComponent": BIT_DEPTH,
            "ColorSpace": PDFName("DeviceRGB"), "Filter": PDFName("FlateDecode"),  # one filter: one DecodeParms
            "DecodeParms": PDFDictionary({"Predictor": 15, "Colors": 3, "BitsPerComponent": BIT_DEPTH,
                                          "Columns": rows.width}),
            "Length": len(rows.data),
        })
        return stream.format(document)


def draw_png(canvas, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """Draw ``png`` filling the box at (x, y); each distinct PNG is stored once per document."""
    rows = png_rows(png)
    if rows is None:
        canvas.drawImage(ImageReader(io.BytesIO(png)), x, y, width, height, mask="auto")
        return
    # The same calls canvas.drawImage makes for an image it has loaded itself.
    name = hashlib.md5(png, usedforsecurity=False).hexdigest()
    registered = canvas._doc.getXObjectName(name)
    if canvas._doc.idToObject.get(registered) is None:
        image = PngImage(rows)
        canvas._doc.Reference(image, registered)
        canvas._doc.addForm(name, image)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)
    canvas._currentPageHasImages = 1
