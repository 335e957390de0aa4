"""Charts go into the scorecard PDF as their PNG's own rows (render/pdf_images.py)."""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
import pytest
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from reportgen.render.charts import rag_count_chart
from reportgen.render.pdf_images import draw_png, png_rows


def _png(mode: str = "RGB", size=(40, 24), **save) -> bytes:
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 4, 20, 18), fill=(200, 30, 40) if mode != "L" else 90)
    draw.line((0, 23, 39, 0), fill=(20, 60, 120) if mode != "L" else 10, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def _images_drawn(*pngs: bytes) -> list[pikepdf.Object]:
    """The image XObjects of a page on which each PNG was drawn."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    for png in pngs:
        draw_png(canvas, png, 10, 10, 200, 120)
    canvas.showPage()
    canvas.save()
    pdf = _OPEN[out] = pikepdf.open(io.BytesIO(out.getvalue()))  # kept open: its objects live in it
    resources = pdf.pages[0].Resources.XObject
    return [resources[name] for name in resources.keys()]


_OPEN: dict = {}


def test_an_rgb_png_is_embedded_as_its_own_rows_and_decodes_to_the_same_pixels():
    png = _png()
    rows = png_rows(png)
    assert (rows.width, rows.height) == (40, 24)
    [image] = _images_drawn(png)
    assert image.read_raw_bytes() == rows.data  # not decoded and compressed again
    assert image.DecodeParms.Predictor == 15 and image.DecodeParms.Columns == 40
    assert "/SMask" not in image
    decoded = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert decoded.tobytes() == Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def test_the_same_chart_twice_is_stored_once():
    png = _png()
    assert len(_images_drawn(png, png)) == 1


@pytest.mark.parametrize("mode", ["RGBA", "L", "P"])
def test_any_other_png_is_left_to_reportlab_and_still_drawn(mode):
    png = _png(mode)
    assert png_rows(png) is None
    [image] = _images_drawn(png)
    decoded = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert decoded.size == (40, 24)
    assert decoded.getpixel((10, 10)) == Image.open(io.BytesIO(png)).convert("RGB").getpixel((10, 10))


def _with_header_byte(png: bytes, offset: int, value: int) -> bytes:
    """``png`` with one IHDR field changed and the chunk's CRC made right again."""
    ihdr = bytearray(png[12:29])
    ihdr[4 + offset] = value
    return png[:12] + bytes(ihdr) + struct.pack(">I", zlib.crc32(bytes(ihdr))) + png[33:]


@pytest.mark.parametrize("variant", ["interlaced", "16-bit", "bad CRC", "truncated", "not a png"])
def test_a_png_the_fast_path_cannot_read_as_rows_is_recognised(variant):
    png = _png()
    assert png_rows(png) is not None
    changed = {"interlaced": lambda: _with_header_byte(png, 12, 1), "16-bit": lambda: _with_header_byte(png, 8, 16),
               "bad CRC": lambda: png[:40] + bytes([png[40] ^ 0xFF]) + png[41:],
               "truncated": lambda: png[:60], "not a png": lambda: png[8:]}[variant]()
    assert png_rows(changed) is None


def test_charts_are_saved_as_opaque_rgb_pngs_that_take_the_fast_path():
    png = rag_count_chart({"Green": 3, "Amber": 2, "Red": 1}, title="Status")
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB" and image.info.get("interlace") is None
    assert png_rows(png) is not None
    assert image.getpixel((1, 1)) == (255, 255, 255)  # white, not the transparent black of raw RGBA
