"""A synthetic report as a small document model, and its renderings as the files agencies
publish: text exports in both layouts, a web page, a Word file (PDF: synth/pdf.py).

The model is what variants (synth/variants.py) edit: blocks of prose and tables whose cells
are placed on a grid (row, column, rowspan, colspan) and remember which value they print, so
that a variant can change how a cell is written while the truth keeps the value.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field, replace

from . import SyntheticReport
from .render import Key, keyed_rows, paragraphs


@dataclass
class Cell:
    r: int
    c: int
    rs: int
    cs: int
    text: str  # line breaks inside a cell are "\n"
    key: Key | None = None  # the value cell it prints, None for labels and headers


@dataclass
class Table:
    number: str  # "2", "3", "4": the national table it is (or part of)
    cells: list[Cell]
    nrows: int
    ncols: int
    header_rows: int = 0

    @classmethod
    def from_rows(cls, number: str, rows: list[list[tuple[str, int, int, Key | None]]]) -> Table:
        taken: set[tuple[int, int]] = set()
        cells = []
        ncols = 0
        for r, row in enumerate(rows):
            c = 0
            for text, rs, cs, key in row:
                while (r, c) in taken:
                    c += 1
                cells.append(Cell(r, c, rs, cs, text.replace("<br>", "\n"), key))
                taken |= {(r + dr, c + dc) for dr in range(rs) for dc in range(cs)}
                c += cs
            ncols = max(ncols, c)
        header = {"2": 0, "3": 3, "4": 3}[number]
        return cls(number, cells, len(rows), ncols, header)

    def row(self, r: int) -> list[Cell]:
        """The cells that start in row r, left to right."""
        return sorted((x for x in self.cells if x.r == r), key=lambda x: x.c)

    def covered_from_above(self, r: int) -> list[int]:
        """Columns of row r covered by a cell that starts in an earlier row."""
        return [x.c for x in self.cells if x.r < r < x.r + x.rs]

    def printed_row(self, r: int) -> list[Cell]:
        """Row r as Word exports it: its own cells, and an empty cell where a cell merged down
        from above covers it (a vertically merged cell is a cell of every row it spans)."""
        own = self.row(r)
        blanks = [Cell(r, c, 1, 1, "") for c in self.covered_from_above(r)]
        return sorted(own + blanks, key=lambda x: x.c)

    def split(self, at: int, restart: bool = False, repeat_header: bool = False) -> tuple[Table, Table]:
        """The table cut before row `at`: a cell merged across the cut is cut too; its lower
        part is empty, or carries the label again when `restart` (WPS does this); the header
        rows are printed again on top of the lower part when `repeat_header`."""
        top, bottom = [], []
        for x in self.cells:
            if x.r + x.rs <= at:
                top.append(x)
            elif x.r >= at:
                bottom.append(replace(x, r=x.r - at))
            else:
                top.append(replace(x, rs=at - x.r))
                bottom.append(replace(x, r=0, rs=x.r + x.rs - at, text=x.text if restart else ""))
        head = 0
        if repeat_header and self.header_rows:
            head = self.header_rows
            bottom = [replace(x, r=x.r + head) for x in bottom] + [
                replace(x, key=None) for x in self.cells if x.r + x.rs <= head
            ]
        return (
            Table(self.number, top, at, self.ncols, self.header_rows),
            Table(self.number, bottom, self.nrows - at + head, self.ncols, head),
        )

    def add_blank_column(self, at: int) -> None:
        """An empty column inserted before grid column `at` (at = ncols: on the right edge);
        a cell that spans across it widens."""
        for x in self.cells:
            if x.c >= at:
                x.c += 1
            elif x.c + x.cs > at:
                x.cs += 1
        spanned = {(r, c) for x in self.cells for r in range(x.r, x.r + x.rs) for c in range(x.c, x.c + x.cs)}
        self.cells += [Cell(r, at, 1, 1, "") for r in range(self.nrows) if (r, at) not in spanned]
        self.ncols += 1

    def label_row(self, text: str) -> int:
        """The row whose label cell reads `text` (as first printed)."""
        return next(x.r for x in self.cells if x.text == text)


@dataclass
class Block:
    kind: str  # title, p, h (section heading), sign, table, pageno, pagebreak
    text: str = ""
    table: Table | None = None
    indent: str = ""  # printed before the text (「　　」: a heading indented like a paragraph)


@dataclass
class Doc:
    blocks: list[Block]
    head_title: str  # the web page's <title>
    meta: dict[str, str] = field(default_factory=dict)  # <meta name=…> of a CMS article page
    body_title: bool = True  # the title printed in the page body (an <h1>)
    page_charset: str = "utf-8"  # what the web page's meta says

    def tables(self, number: str | None = None) -> list[Table]:
        return [b.table for b in self.blocks if b.table and (number is None or b.table.number == number)]

    def value_cells(self) -> list[Cell]:
        return [x for t in self.tables() for x in t.cells if x.key]


def build_doc(
    rep: SyntheticReport,
    value_text: dict[Key, str] | None = None,
    labels: dict[str, str] | None = None,
    mix_2019_other: bool = False,
) -> Doc:
    """The report as the model: the prose of render.paragraphs and the national tables."""
    blocks = []
    for kind, text in paragraphs(rep):
        if kind == "table":
            rows = keyed_rows(rep, text, value_text, labels, mix_2019_other)
            blocks.append(Block("table", table=Table.from_rows(text, rows)))
        else:
            blocks.append(Block(kind, text))
    title = next(b.text for b in blocks if b.kind == "title")
    return Doc(blocks, head_title=title)


# --- text exports -------------------------------------------------------------------------


def render_cells(doc: Doc) -> str:
    """The 'cell per line' export (seed 000): each cell on its own line behind a tab, its
    wrapped text continuing on lines without a tab, rows separated by blank lines."""
    out: list[str] = []
    for b in doc.blocks:
        if b.table:
            t = b.table
            for r in range(t.nrows):
                for x in t.printed_row(r):
                    first, *rest = x.text.split("\n")
                    out.append("\t" + first)
                    out += rest
                out.append("")
        elif b.kind == "pagebreak":
            out.append("")
        else:
            out.append(b.indent + b.text)
    return "\n".join(out) + "\n"


def render_tabs(doc: Doc, keep_breaks: bool = False) -> str:
    """The 'tab rows' export (seed 001): one table row per line, cells joined by tabs. A line
    break inside a cell is dropped, or kept (`keep_breaks`), which breaks the row's line."""
    out: list[str] = []
    for b in doc.blocks:
        if b.table:
            t = b.table
            for r in range(t.nrows):
                texts = [x.text if keep_breaks else x.text.replace("\n", "") for x in t.printed_row(r)]
                out.append("\t".join(texts))
            out.append("")
        elif b.kind == "pagebreak":
            out.append("")
        else:
            out += [b.indent + b.text, ""]
    return "\n".join(out) + "\n"


# --- web page -----------------------------------------------------------------------------


def render_html(doc: Doc) -> str:
    """A whole CMS page: navigation, a layout table, the article, a footer (as render.py)."""
    body = []
    for b in doc.blocks:
        text = html.escape(b.indent + b.text)
        if b.kind == "title":
            if doc.body_title:
                body.append(f'<h1 class="title">{text}</h1>')
            body.append('<div class="info">字号：[大 中 小]&nbsp;&nbsp;打印本页</div>')
        elif b.kind == "h":
            body.append(f'<p style="text-indent:2em"><strong>{text}</strong></p>')
        elif b.kind in ("p", "pageno"):
            body.append(f'<p style="text-indent:2em"><span style="font-family:仿宋">{text}</span></p>')
        elif b.kind == "sign":
            body.append(f'<p style="text-align:right">{text}</p>')
        elif b.table:
            t = b.table
            trs = []
            for r in range(t.nrows):
                tds = []
                for x in t.row(r):
                    attrs = (f' rowspan="{x.rs}"' if x.rs > 1 else "") + (
                        f' colspan="{x.cs}"' if x.cs > 1 else ""
                    )
                    inner = (
                        "&nbsp;" if not x.text else "<br>".join(html.escape(s) for s in x.text.split("\n"))
                    )
                    tds.append(f'<td{attrs} valign="center"><p align="center"><span>{inner}</span></p></td>')
                trs.append("<tr>" + "".join(tds) + "</tr>")
            body.append(
                '<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>'
                + "\n".join(trs)
                + "</tbody></table>"
            )
    metas = "".join(f'<meta name="{k}" content="{html.escape(v)}">' for k, v in doc.meta.items())
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset={doc.page_charset}">'
        f"{metas}<title>{html.escape(doc.head_title)}</title>"
        "<script>var _hmt = _hmt || [];</script><style>td{font-size:12px}</style></head><body>"
        '<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
        '<a href="/hdjl/">互动交流</a></div>'
        '<div class="nav-bar"><ul><li>机构概况</li><li>政策文件</li><li>年度报告</li></ul></div>'
        '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
        '<table width="100%" class="layout"><tr><td width="200">栏目导航</td><td><div class="article">'
        + "\n".join(body)
        + '</div></td></tr></table><div class="share">分享到：微信 微博</div>'
        '<div id="footer">主办单位：人民政府办公室　版权所有　网站标识码：4201040001　鄂ICP备05003311号</div>'
        "</body></html>"
    )


# --- Word ---------------------------------------------------------------------------------


def render_docx(doc: Doc, ruled: bool = True) -> bytes:
    """A Word file whose tables merge cells across (gridSpan) and down (vMerge), as the
    national format does; written as XML directly (python-docx's cell.merge is quadratic)."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.table import _Cell

    d = docx.Document()
    for b in doc.blocks:
        if b.table:
            t = b.table
            table = d.add_table(rows=t.nrows, cols=t.ncols)
            table.style = "Table Grid" if ruled else "Normal Table"
            starts = {(x.r, x.c): x for x in t.cells}
            above = {(r, x.c): x for x in t.cells for r in range(x.r + 1, x.r + x.rs)}
            for r, tr in enumerate(table._tbl.tr_lst):
                for tc in tr.tc_lst:
                    tr.remove(tc)
                c = 0
                while c < t.ncols:
                    x = starts.get((r, c)) or above.get((r, c))
                    tc = OxmlElement("w:tc")
                    pr = OxmlElement("w:tcPr")
                    tc.append(pr)
                    tc.append(OxmlElement("w:p"))
                    tr.append(tc)
                    if x is None:  # a grid position no cell covers
                        c += 1
                        continue
                    if x.cs > 1:
                        span = OxmlElement("w:gridSpan")
                        span.set(qn("w:val"), str(x.cs))
                        pr.append(span)
                    if x.rs > 1:
                        merge = OxmlElement("w:vMerge")
                        if x.r == r:
                            merge.set(qn("w:val"), "restart")
                        pr.append(merge)
                    if x.r == r and x.text:
                        cell = _Cell(tc, table)
                        cell.text = x.text
                        for run in cell.paragraphs[0].runs:
                            run.font.size = Pt(8)
                    c += x.cs
        elif b.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            para = d.add_paragraph(b.indent + b.text)
            if b.kind == "title" and para.runs:
                para.runs[0].bold = True
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
