"""PDFs of synthetic reports, drawn with reportlab (fast, no LibreOffice, no font file: the
built-in CID font STSong-Light, whose text pdfplumber extracts as Unicode).

Tables are drawn ruled (every cell's box) or borderless, top-aligned as Word does. A table
that does not fit on the page continues on the next, its rows merged across the break cut
in two (the lower part empty, as Word prints it, or with the label again, as WPS does).
WPS-like quirks on request: a white filled rectangle behind every text line (the boxes
pdfplumber's table finder takes for cells), headings indented like paragraphs, page numbers
「- 2 -」 between pages' lines, a table's last row whose label wraps below the table's box.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .layout import Doc, Table

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 57.0, 57.0, 60.0, 70.0
WIDTH = PAGE_W - LEFT - RIGHT
BODY, BODY_LEAD = 10.5, 18.0
CELL, CELL_LEAD, PAD = 7.5, 9.5, 5.0
_LABEL_WIDTHS = {"2": [160.0], "3": [34.0, 48.0, 150.0], "4": []}


@dataclass
class PdfStyle:
    ruled: bool = True
    white_boxes: bool = False  # WPS: a white filled rectangle behind every text line
    page_numbers: str | None = None  # e.g. "- {n} -" or "-{n}-"
    heading_indent: bool = False  # headings indented like paragraphs (two characters)
    restart_labels: bool = False  # a merged label cut by a page break printed again (WPS)
    repeat_header: bool = False  # a table's header rows printed again on each page
    overflow_last_row: bool = False  # a table's last row: label lines below the box


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return pdfmetrics


def _wrap(text: str, width: float, size: float) -> list[str]:
    metrics = _font()
    lines: list[str] = []
    for piece in text.split("\n"):
        line = ""
        for ch in piece:
            if line and metrics.stringWidth(line + ch, FONT, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


class _Writer:
    def __init__(self, style: PdfStyle):
        from reportlab.pdfgen import canvas

        _font()
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=(PAGE_W, PAGE_H), pageCompression=0)
        self.style = style
        self.top = TOP  # distance of the next line from the page top
        self.page = 1

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.top = TOP

    def _footer(self) -> None:
        if self.style.page_numbers:
            self.text(PAGE_W / 2, PAGE_H - 40, self.style.page_numbers.format(n=self.page), BODY, "center")

    def finish(self) -> bytes:
        self._footer()
        self.c.save()
        return self.buf.getvalue()

    def text(self, x: float, baseline_from_top: float, s: str, size: float, align: str = "left") -> None:
        metrics = _font()
        w = metrics.stringWidth(s, FONT, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        y = PAGE_H - baseline_from_top
        if self.style.white_boxes and s:
            lead = BODY_LEAD if size >= BODY else CELL_LEAD
            self.c.setFillColorRGB(1, 1, 1)
            self.c.rect(x, y - (lead - size) / 2 - 1, w, lead, stroke=0, fill=1)
            self.c.setFillColorRGB(0, 0, 0)
        self.c.setFont(FONT, size)
        self.c.drawString(x, y, s)

    def paragraph(self, s: str, size: float, first_indent: float, align: str, lead: float) -> None:
        avail = WIDTH - first_indent
        lines = _wrap(s, avail, size)  # a long title wraps too, each line centred
        if first_indent and len(lines) > 1:
            first = _wrap(s, avail, size)[0]
            lines = [first, *_wrap(s[len(first) :], WIDTH, size)]
        for k, line in enumerate(lines):
            if self.top + lead > PAGE_H - BOTTOM:
                self.new_page()
            x = {
                "left": LEFT + (first_indent if k == 0 else 0),
                "center": PAGE_W / 2,
                "right": PAGE_W - RIGHT,
            }
            self.text(x[align], self.top + size, line, size, align)
            self.top += lead

    # --- tables -----------------------------------------------------------------------

    def widths(self, t: Table) -> list[float]:
        fixed = _LABEL_WIDTHS[t.number][: t.ncols]
        rest = t.ncols - len(fixed)
        each = (WIDTH - sum(fixed)) / rest if rest else 0
        return fixed + [each] * rest

    def heights(self, t: Table, widths: list[float]) -> list[float]:
        h = [CELL_LEAD + 2 * PAD] * t.nrows
        need = {}
        for x in t.cells:
            w = sum(widths[x.c : x.c + x.cs]) - 2 * PAD
            n = len(_wrap(x.text, w, CELL))
            if self.style.overflow_last_row and x.r + x.rs == t.nrows and t.nrows > t.header_rows + 1:
                n = 1
            need[id(x)] = n * CELL_LEAD + 2 * PAD
            if x.rs == 1:
                h[x.r] = max(h[x.r], need[id(x)])
        for x in t.cells:
            if x.rs > 1:
                short = need[id(x)] - sum(h[x.r : x.r + x.rs])
                if short > 0:
                    h[x.r + x.rs - 1] += short
        return h

    def table(self, t: Table) -> None:
        widths = self.widths(t)
        h = self.heights(t, widths)
        room = PAGE_H - BOTTOM - self.top
        fits, used = 0, 0.0
        for r in range(t.nrows):
            if used + h[r] > room:
                break
            used += h[r]
            fits = r + 1
        if fits < t.nrows:
            if fits <= t.header_rows + 1 or fits < 2:
                if self.top > TOP:
                    self.new_page()
                    return self.table(t)
                fits = max(fits, 1)  # taller than a page: cut anyway
            top, bottom = t.split(fits, self.style.restart_labels, self.style.repeat_header)
            self._draw(top, widths, self.heights(top, widths))
            self.new_page()
            return self.table(bottom)
        self._draw(t, widths, h)
        self.top += BODY_LEAD if self.style.overflow_last_row else BODY_LEAD / 2
        return None

    def _draw(self, t: Table, widths: list[float], h: list[float]) -> None:
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        ys = [self.top]
        for v in h:
            ys.append(ys[-1] + v)
        c = self.c
        c.setLineWidth(0.5)
        for x in t.cells:
            x0, x1 = xs[x.c], xs[x.c + x.cs]
            y0, y1 = ys[x.r], ys[x.r + x.rs]
            if self.style.ruled:
                c.rect(x0, PAGE_H - y1, x1 - x0, y1 - y0, stroke=1, fill=0)
            lines = _wrap(x.text, x1 - x0 - 2 * PAD, CELL)
            below = self.style.overflow_last_row and x.r + x.rs == t.nrows and t.nrows > t.header_rows + 1
            step = CELL_LEAD + 2 * PAD if below else CELL_LEAD  # wrapped lines wholly below the box
            for k, line in enumerate(lines):
                base = y0 + PAD + CELL + k * step - 1
                if len(lines) == 1:
                    self.text((x0 + x1) / 2, base, line, CELL, "center")
                else:
                    self.text(x0 + PAD, base, line, CELL)
        self.top = ys[-1]


def render_pdf(doc: Doc, style: PdfStyle | None = None) -> bytes:
    style = style or PdfStyle()
    w = _Writer(style)
    indent = 2 * BODY
    for b in doc.blocks:
        if b.table:
            w.table(b.table)
        elif b.kind == "pagebreak":
            w.new_page()
        elif b.kind == "title":
            w.top += 10
            w.paragraph(b.text, 16, 0, "center", 28)
            w.top += 18
        elif b.kind == "h":
            w.paragraph(
                b.indent + b.text, BODY + 1, indent if style.heading_indent else 0, "left", BODY_LEAD + 4
            )
        elif b.kind == "sign":
            w.paragraph(b.text, BODY, 0, "right", BODY_LEAD)
        elif b.kind == "pageno":
            w.paragraph(b.text, BODY, 0, "center", BODY_LEAD)
        else:
            w.paragraph(b.indent + b.text, BODY, indent, "left", BODY_LEAD)
    return w.finish()
