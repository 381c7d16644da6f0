"""PDF with a text layer → Document: characters and ruling lines from pdfium (pdf_pdfium.py),
tables and text lines found as pdfplumber finds them (pdf_layout.py), then our rules.

Chosen over PyMuPDF (AGPL: not for an MIT project). pdfplumber (MIT, on pdfminer.six) read
about 5 files a second on one core, nine tenths of it interpreting content streams in Python.
pdfium (pypdfium2) parses them in C; pdf_pdfium.py rebuilds pdfplumber's characters and paths
from it and pdf_layout.py runs pdfplumber's table finder and word grouping on them with less
work, so the same Document comes out several times faster. A file pdfium cannot open, or
with something pdf_pdfium.py does not model, is read by pdfplumber (`engine="pdfplumber"`),
which also names the damage when a file is broken.

Ruled tables come from pdfplumber's line detection; a cell covered by a merge comes back as
None and is dropped, as the DOCX and HTML readers drop merged-across cells. A page whose
tables have no ruling lines is read line by line, cells split at wide gaps, as the tab-row
text layout is. Prose is the text outside tables, with lines that wrap at the right margin
joined back into paragraphs. A PDF without a text layer (a scan) is named as such.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass

from .document import Block, Document, Paragraph, Table, UnreadableFile
from .furniture import is_page_number
from .pdf_layout import CharIndex, extract, find_tables, page_edges, text_lines

_SENTENCE_END = re.compile(r"[。；;：:！？!?）)]$")
_NUMBERISH = re.compile(r"^[\s\d,，.．\-—/%无]+$")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")  # a page number only where page numbers go (MARGIN)
MARGIN = 0.09  # share of the page height at the top and bottom where page numbers sit
# A top-level heading (「四、」) or the start of a numbered paragraph always starts a new
# paragraph, even when the line before it reaches the margin (WPS indents headings as prose).
_HEADING_START = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．]")
SIZE_CHANGE = 0.1  # type this much larger or smaller than the paragraph's starts a new one
ALONE_INDENT = 4  # characters of indent past which a line stands alone (centred, right-aligned)
RUN_ON_MIN = 20  # a paragraph this long that stops at a page break without 。 goes on overleaf
WRAP_BELOW = 1.6  # a label line this many line heights under a table's box still belongs to it


SCANNED = (
    "扫描版 PDF（没有文字层），无法读取数字：请用 OCR 软件（如 Tesseract、ABBYY、WPS 的"
    "“图片转文字”）转成可检索的 PDF 或 Word，或找到原网页版报告后放入 reports/"
)


@dataclass
class PageContent:
    """What the rules below read from a page, in pdfplumber's coordinates and dictionaries."""

    height: float
    chars: list[dict]
    rects: list[dict]
    lines: list[dict]
    curves: list[dict]


def read_pdf(data: bytes, source: str, engine: str = "pdfium") -> Document:
    """`engine="pdfium"` (default): pdfium's characters and paths; `"pdfplumber"`: pdfplumber
    parses the file (the reference the pdfium path is tested against, and its fallback)."""
    if engine == "pdfium":
        from . import pdf_pdfium

        try:
            doc = pdf_pdfium.open_document(data)
        except pdf_pdfium.Unsupported:  # pdfium cannot open it: pdfplumber names the damage
            return read_pdf(data, source, engine="pdfplumber")
        try:
            pages = [
                PageContent(p.height, *(p.objects.get(k, []) for k in ("char", "rect", "line", "curve")))
                for p in pdf_pdfium.read_pages(doc, pdf_pdfium.font_descents(data))
            ]
        except pdf_pdfium.Unsupported:
            return read_pdf(data, source, engine="pdfplumber")
        finally:
            doc.close()
        return _read_pages(pages, source)
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many types for damaged files; all mean the same
        raise UnreadableFile(f"PDF 文件已损坏，无法打开（{type(exc).__name__}）") from exc
    with pdf:
        contents = [PageContent(p.height, p.chars, p.rects, p.lines, p.curves) for p in pages]
        return _read_pages(contents, source)


def _read_pages(pages: list[PageContent], source: str) -> Document:
    if not any(page.chars for page in pages):
        raise UnreadableFile(SCANNED)
    blocks: list[Block] = []
    for page in pages:
        new = _page_blocks(page, blocks)
        if new and blocks and _runs_on(blocks[-1], new[0]):
            # prose cut by the page break: one paragraph again
            new[0] = Paragraph(blocks.pop().text + new[0].text)
        blocks += new
    return Document(source=source, source_format="pdf", blocks=blocks)


def _runs_on(last: Block, first: Block) -> bool:
    return (
        isinstance(last, Paragraph)
        and isinstance(first, Paragraph)
        and len(last.text) >= RUN_ON_MIN
        and not _SENTENCE_END.search(last.text)
        and not _HEADING_START.match(first.text)
        and not _HEADING_START.match(last.text)
    )


def _is_page_number(line: dict, page_height: float) -> bool:
    text = line["text"].strip()
    if is_page_number(text):
        return True
    in_margin = line["top"] < MARGIN * page_height or line["bottom"] > (1 - MARGIN) * page_height
    return in_margin and bool(_BARE_NUMBER.match(text))


def _visible(obj: dict) -> bool:
    """Rectangles that draw nothing a reader sees are not table edges: WPS paints a white
    filled box behind every text line (measured on a real WPS PDF: 22 a page, no stroke),
    which pdfplumber's line strategy would take for a one-column table around the prose."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    if not obj.get("fill"):
        return False
    return _luminance(obj.get("non_stroking_color")) < 0.5


def _luminance(color) -> float:
    """0 (black) … 1 (white) for the colour spaces PDFs use: grey, RGB, CMYK."""
    if color is None:
        return 0.0  # the default fill is black
    if isinstance(color, (int, float)):
        return float(color)
    c = [float(x) for x in color if isinstance(x, (int, float))]
    if len(c) == 1:
        return c[0]
    if len(c) == 3:
        return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    if len(c) == 4:
        return (1 - c[3]) * (1 - (c[0] + c[1] + c[2]) / 3)
    return 0.0


def _page_blocks(page: PageContent, before: list[Block]) -> list[Block]:
    rects = [r for r in page.rects if _visible(r)]
    tables = [t for t in find_tables(page_edges(page.lines, rects, page.curves)) if len(t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    prose = [c for c in page.chars if outside(c)] if boxes else page.chars
    lines = [ln for ln in text_lines(prose) if not _is_page_number(ln, page.height)]
    items: list[tuple[float, Block]] = []
    index = CharIndex(page.chars) if tables else None
    for k, t in enumerate(tables):
        raw = extract(t, index)
        if k == 0 and raw and before and isinstance(before[-1], Table):
            raw = _continue_split_row(before, raw)
        rows = []
        for row in raw:
            cells = [(c or "").strip() for c in row if c is not None]
            if any(cells):
                rows.append(cells)
        if rows and (tail := _label_tail(t.bbox, lines)) is not None:
            lines.remove(tail)
            _append_to_label(rows[-1], tail["text"].strip())
        if rows:
            items.append((t.bbox[1], Table(tuple(tuple(r) for r in rows))))
    right = max((ln["x1"] for ln in lines), default=0)
    left = min((ln["x0"] for ln in lines), default=0)
    rows: list[list[list]] = []  # borderless table rows: cells as [text, x0]
    row_top = last_top = 0.0
    para: list[str] = []
    para_top = para_size = 0.0

    def flush_para() -> None:
        if para:
            items.append((para_top, Paragraph("".join(para).strip())))
            para.clear()

    def flush_rows() -> None:
        nonlocal rows
        if rows:
            items.append((row_top, Table(tuple(tuple(c[0] for c in r) for r in rows))))
        rows = []

    for ln in lines:
        cells = _split_cells(ln["chars"])
        height = max((c["bottom"] - c["top"] for c in ln["chars"]), default=10)
        close_below = rows and ln["top"] - last_top < 1.5 * height
        if rows and close_below and not any(_NUMBERISH.match(t) for t, _ in cells):
            _continue_cells(rows[-1], cells)  # a wrapped cell of a borderless table
            last_top = ln["top"]
            continue
        if len(cells) >= 2:
            # a borderless table row: cells separated by gaps wider than a character
            flush_para()
            if not rows:
                row_top = ln["top"]
            rows.append([list(c) for c in cells])
            last_top = ln["top"]
            continue
        flush_rows()
        text = ln["text"].strip()
        width = ln["chars"][0]["x1"] - ln["chars"][0]["x0"] if ln["chars"] else 10
        # centred or right-aligned (a title, a sign-off): a line of its own, even where it
        # reaches the right margin; a paragraph's first line is indented by two characters only
        alone = ln["x0"] - left > ALONE_INDENT * width
        size = ln["chars"][0].get("size", 0) if ln["chars"] else 0
        resized = para and abs(size - para_size) > SIZE_CHANGE * max(para_size, 1)
        if _HEADING_START.match(text) or alone or resized:
            flush_para()  # a heading, a line of its own, or type of another size (a title)
        if not para:
            para_top, para_size = ln["top"], size
        para.append(text)
        if ln["x1"] < right - 2 * width or _SENTENCE_END.search(text) or alone:
            flush_para()  # the line stops short of the margin: the paragraph ends here
    flush_para()
    flush_rows()
    return [b for _, b in sorted(items, key=lambda it: it[0])]


def _label_tail(box: tuple, lines: list[dict]) -> dict | None:
    """The last line of a table's last label when it fell just below the box the table
    finder drew (a label wrapped in its cell, 「5.要求行政机关确认或重新出具」 / 「已获取信息」): a
    short text line right under the box, inside its left half, that is no heading or number."""
    x0, _, x1, bottom = box
    for ln in lines:
        height = max((c["bottom"] - c["top"] for c in ln["chars"]), default=10)
        if not (0 <= ln["top"] - bottom <= WRAP_BELOW * height):
            continue
        text = ln["text"].strip()
        inside = x0 <= ln["x0"] and ln["x1"] <= x0 + (x1 - x0) / 2
        label_like = not (_NUMBERISH.match(text) or _HEADING_START.match(text) or _SENTENCE_END.search(text))
        if inside and text and label_like and len(text) <= 20:
            return ln
    return None


def _append_to_label(row: list[str], text: str) -> None:
    """Append to the row's own label: its rightmost text cell that is not a number."""
    labels = [i for i, c in enumerate(row) if c and not _NUMBERISH.match(c)]
    if labels:
        row[labels[-1]] += "\n" + text


def _split_cells(chars: list[dict]) -> list[tuple[str, float]]:
    """A text line's characters split into (text, x0) cells where the gap is wider than a
    character: prose has none (measured: at most a third of a character), table columns do."""
    if not chars:
        return []
    cells: list[tuple[str, float]] = []
    current, x0 = [chars[0]["text"]], chars[0]["x0"]
    for prev, ch in itertools.pairwise(chars):
        size = max(prev["x1"] - prev["x0"], 1.0)
        if ch["x0"] - prev["x1"] > size:
            cells.append(("".join(current).strip(), x0))
            current, x0 = [], ch["x0"]
        current.append(ch["text"])
    cells.append(("".join(current).strip(), x0))
    return [c for c in cells if c[0]]


def _continue_cells(row: list[list], fragments: list[tuple[str, float]]) -> None:
    """Append each wrapped fragment to the cell of the row above it that starts at or left of it."""
    for text, x0 in fragments:
        owners = [c for c in row if c[1] <= x0 + 2]
        cell = owners[-1] if owners else row[0]
        cell[0] = cell[0] + "\n" + text


def _continue_split_row(before: list[Block], raw: list[list[str | None]]) -> list[list[str | None]]:
    """A row broken by a page break: the new page's table starts with the rest of its label
    and no numbers. Its texts are appended, cell by cell, to the last row of the page before."""
    head = [c or "" for c in raw[0]]
    last = list(before[-1].rows[-1])
    if sum(c is not None for c in raw[0]) == 1 < len(raw[0]):
        return raw  # one cell across the whole table: a title row (「第二十条第（六）项」)
    texts = [c for c in head if c.strip()]
    if not texts or any(_NUMBERISH.match(c) for c in texts):
        return raw
    labels = [i for i, c in enumerate(last) if c.strip() and not _NUMBERISH.match(c)]
    if len(texts) != 1 or not labels:
        return raw
    i = labels[-1]  # the row's own label is its rightmost text cell
    last[i] = last[i] + "\n" + texts[0]
    before[-1] = Table((*before[-1].rows[:-1], tuple(last)))
    return raw[1:]
