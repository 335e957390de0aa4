"""The scorecard's pages: page size, running header and footer, page numbers, bookmarks, the build.

``build(facts, story, tagged)`` lays out the flowables that ``scorecard_pdf``
made and returns the PDF's bytes; everything on a page that is not content
(running header, footer, "Page x of y") is an artifact. Same input, same bytes:
invariant mode, dates from ``facts.created`` and a document /ID seeded from the facts.
"""

from __future__ import annotations

import hashlib
import io
from functools import partial

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .. import model
from ..formatting import long_date
from .pdf_tags import Tags, TaggingCanvas, artifact, xmp
from .scorecard_cells import BOLD, FONT

PAGE = landscape(A4)
MARGIN = 12 * mm


# ---------------------------------------------------------------- document

class _NumberedCanvas(TaggingCanvas):
    """Says "Page x of y" on every page without holding pages back.

    The total is a form (a PDF XObject) that every page shows and that is
    defined once, after the last page. Holding every page in memory until the
    total is known cost hundreds of megabytes on a council-wide scorecard.
    """

    TOTAL = "reportgenPageTotal"

    def __init__(self, *args, facts: model.PaperFacts, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages_shown = 0
        stamp = facts.created.strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_: stamp)
        # The /ID is a digest seeded with the clock (or SOURCE_DATE_EPOCH): seed it from the facts.
        self._doc.signature = hashlib.md5(f"reportgen {facts.created.isoformat()}".encode(), usedforsecurity=False)

    def showPage(self):
        self._pages_shown += 1
        label = f"Page {self._pages_shown} of "
        x = PAGE[0] - MARGIN - pdfmetrics.stringWidth(label + "0000", FONT, 8)
        with artifact(self):
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(FOOTER_TEXT)
            self.drawString(x, MARGIN - 14, label)
            self.translate(x + pdfmetrics.stringWidth(label, FONT, 8), MARGIN - 14)
            self.doForm(self.TOTAL)
            self.restoreState()
        super().showPage()

    def save(self):
        self.beginForm(self.TOTAL)
        with artifact(self):  # the form is only ever drawn inside an artifact, but says so itself too
            self.setFont(FONT, 8)
            self.setFillColor(FOOTER_TEXT)
            self.drawString(0, 0, str(self._pages_shown))
        self.endForm()
        super().save()


class _Doc(BaseDocTemplate):
    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if outline:
            title, level = outline
            key = f"o{self._bookmarks}"
            self._bookmarks += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


FOOTER_TEXT = colors.HexColor("#333333")


def _decorate(facts: model.PaperFacts, canvas: Canvas, _doc) -> None:
    """The running header and footer: artifacts, since the title block and metadata say the same."""
    top = PAGE[1] - MARGIN + 4
    with artifact(canvas):
        canvas.saveState()
        canvas.setFillColor(FOOTER_TEXT)
        x = MARGIN
        if facts.draft:
            canvas.setFont(BOLD, 8)
            canvas.drawString(x, top, DRAFT)
            x += pdfmetrics.stringWidth(DRAFT, BOLD, 8)
        canvas.setFont(FONT, 8)
        canvas.drawString(x, top, running_header(facts))
        canvas.drawRightString(PAGE[0] - MARGIN, top, f"{facts.committee}, {long_date(facts.meeting_date)}")
        canvas.drawString(MARGIN, MARGIN - 14, facts.council)
        canvas.restoreState()


def running_header(facts: model.PaperFacts) -> str:
    """"Appendix E: <the appendix's own title>", as the meeting file gives it (it names its period in the
    council's words, "Quarter 3 2017/18"); without one, the report's title and the period."""
    if facts.appendix_title:
        return f"Appendix {facts.appendix_letter}: {facts.appendix_title}"
    return f"Appendix {facts.appendix_letter}: {facts.title}, {facts.period_label}"


DRAFT = "DRAFT – "  # before the running header and the document title of a working copy


def document_title(facts: model.PaperFacts) -> str:
    return f"{DRAFT if facts.draft else ''}Appendix {facts.appendix_letter}: {facts.title}"


def build(facts: model.PaperFacts, story: list, tagged: bool) -> bytes:
    buffer = io.BytesIO()
    title, subject = document_title(facts), (f"{facts.committee}, {long_date(facts.meeting_date)}: "
                                             f"performance for {facts.period_label}")
    doc = _Doc(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 6,
               bottomMargin=MARGIN + 6, title=title, author=facts.author, subject=subject, creator="reportgen",
               producer="reportgen", invariant=1, lang=facts.language, displayDocTitle=1, initialFontName=FONT,
               initialFontSize=9)
    doc._bookmarks = 0
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=partial(_decorate, facts))])
    # ASCII85 only makes streams 25% bigger, and reportlab's pure-Python encoder
    # was a fifth of the render time: write binary streams instead.
    saved, rl_config.useA85 = rl_config.useA85, 0
    try:
        metadata = xmp(title=title, lang=facts.language, author=facts.author, subject=subject,
                       created=facts.created, producer="reportgen") if tagged else b""
        doc.build(story, canvasmaker=partial(_NumberedCanvas, facts=facts, tags=Tags() if tagged else None,
                                             metadata=metadata))
    finally:
        rl_config.useA85 = saved
    return buffer.getvalue()
