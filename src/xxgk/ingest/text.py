"""Plain-text exports of reports → Document.

Two layouts are seen in the wild (TEMPLATE.md):
- *cell per line*: each table cell on its own line behind one tab, rows separated by blank
  lines, a cell's wrapped text continuing on the next line without a tab (「⇥商业」「企业」);
- *tab rows*: one table row per line, cells separated by tabs; merged cells are left out or
  padded, so a row's label may sit in any column and values shift.
"""

from __future__ import annotations

import re

from .document import Block, Document, Paragraph, Table
from .encoding import decode
from .furniture import is_page_number

# Word leftovers in text exports (「[bookmark: _GoBack]」): noise, not report text.
_WORD_NOISE = re.compile(r"\[bookmark: [^\]]*\]")
_NUMERIC = re.compile(r"^[\s\d.,，．%％\-—/]*$")
# A line that is plainly prose, not the wrapped end of a cell.
_PROSE_END = re.compile(r"[。；;：:]$")


def read_text(data: bytes, source: str) -> Document:
    text, encoding = decode(data)
    text = _WORD_NOISE.sub("", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [ln for ln in lines if not is_page_number(ln)]
    blocks = _tab_rows(lines) if _layout(lines) == "tab_rows" else _cell_lines(lines)
    return Document(source=source, source_format="txt", blocks=blocks, encoding=encoding)


def _layout(lines: list[str]) -> str:
    inner = sum(1 for ln in lines if "\t" in ln.lstrip("\t"))
    cell = sum(1 for ln in lines if ln.startswith("\t") and "\t" not in ln[1:])
    return "tab_rows" if inner > cell else "cell_lines"


def _paragraph(line: str) -> Paragraph | None:
    text = line.strip()
    return Paragraph(text) if text else None


def _cell_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row: list[str] | None = None  # the row cells are added to
    row_ended = False  # a blank line ends a row, unless a wrapped cell line follows it

    def close_table() -> None:
        nonlocal rows, row
        if rows:
            blocks.append(Table(tuple(tuple(r) for r in rows if r)))
        rows, row = [], None

    for line in lines:
        if line.startswith("\t"):
            if row is None or row_ended:
                row = []
                rows.append(row)
                row_ended = False
            row.append(line[1:].strip())
        elif not line.strip():
            row_ended = True
        elif row and _continues_cell(row[-1], line):
            # Wrapped cell text (「⇥商业」「企业」), sometimes after a blank line (003).
            row[-1] = row[-1] + "\n" + line.strip()
            row_ended = False
        else:
            close_table()
            if p := _paragraph(line):
                blocks.append(p)
    close_table()
    return blocks


_HEADING_START = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")


def _continues_cell(cell: str, line: str) -> bool:
    """Whether a tab-less line inside a table is the wrapped end of its last cell."""
    text = line.strip()
    return (
        bool(cell)
        and not _NUMERIC.match(cell)
        and len(text) <= 40
        and not _PROSE_END.search(text)
        and not _HEADING_START.match(text)
    )


def _breaks_cell(line: str, following: list[str]) -> bool:
    """A tab-less line inside a tab-row table whose next line goes on with tabs: the first
    part of a cell cut by a line break (exports write a cell's line breaks as they are)."""
    nxt = _next_row(following)
    text = line.strip()
    return "\t" in nxt and len(text) <= 40 and not _PROSE_END.search(text) and not _HEADING_START.match(text)


def _next_row(following: list[str]) -> str:
    return next((n for n in following if n.strip()), "")


def _tab_rows(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    wrapped = ""  # a cell's text before a line break inside it (「5.要求行政机关确认或重」)
    for k, line in enumerate(lines):
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if wrapped:
                cells[0] = wrapped + "\n" + cells[0] if cells[0] else wrapped
                wrapped = ""
            rows.append(tuple(cells))
        elif not line.strip():
            continue  # blank lines inside a table do not end it
        elif rows and _breaks_cell(line, lines[k + 1 : k + 3]):
            if _NUMERIC.match(_next_row(lines[k + 1 : k + 3]).split("\t")[0]):
                # a number starts the next row: this is the end of the row above's last cell
                rows[-1] = (*rows[-1][:-1], rows[-1][-1] + "\n" + line.strip())
            else:
                wrapped = (wrapped + "\n" if wrapped else "") + line.strip()
        else:
            if rows:
                blocks.append(Table(tuple(rows)))
                rows = []
            if p := _paragraph(line):
                blocks.append(p)
    if rows:
        blocks.append(Table(tuple(rows)))
    return blocks
