"""HTML pages → Document, with lxml (fast, maintained, tolerant of broken markup).

Real report pages wrap the report in navigation, footers and often layout tables. We drop
what is plainly page furniture (nav, header, footer, scripts, and elements named like menus
or copyright notes that hold no table), treat a table that contains tables as layout, and
expand rowspan/colspan on a full grid: a cell merged down repeats its text in every row it
covers (group labels such as 「（三）不予公开」); a cell merged across is given once, as a reader
sees it (and as the DOCX reader gives it), so a merged value never leaves a blank inside a row.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .document import Block, Document, Paragraph, Table, UnreadableFile
from .encoding import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP_TAGS = {
    "head",
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "iframe",
    "button",
    "select",
    "option",
    "textarea",
    "svg",
    "canvas",
    "object",
}
_FURNITURE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|foot|header|head|breadcrumb|crumb|share|"
    r"copyright|sidebar|side|toolbar|banner|topbar|bottom)([\s_-]|\d|$)",
    re.I,
)
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "center",
    "dl",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "main",
    "body",
    "pre",
    "hr",
    "form",
    "figure",
    "figcaption",
    "caption",
    "address",
    "table",
    "tbody",
    "thead",
}
_MAX_SPAN = 60


def read_html(data: bytes, source: str) -> Document:
    m = _META_CHARSET.search(data[:4096])
    text, encoding = decode(data, m.group(1).decode("ascii") if m else None)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"HTML 无法解析：{exc}") from exc
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return Document(
        source=source, source_format="html", blocks=walker.blocks, encoding=encoding, meta=_page_meta(root)
    )


# The meta tags 政府网站发展指引 asks of every article page, by the field they fill.
_META_NAMES = {"articletitle": "title", "pubdate": "published", "contentsource": "source"}


def _page_meta(root) -> dict[str, str]:
    """Title, publication date and agency from the page's chrome: the guideline's meta tags
    first, then the first <h1> and the <title> (whose site and column names the parser cuts)."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        field = _META_NAMES.get((el.get("name") or "").strip().lower())
        content = _clean(el.get("content") or "").strip()
        if field and content and field not in meta:
            meta[field] = content
    titles = [meta.pop("title", "")]
    titles += [_clean(h.text_content()).strip() for h in root.iter("h1")][:1]
    titles += [_clean(t.text_content()).strip() for t in root.iter("title")][:1]
    titles = [t for t in titles if t]
    if titles:
        meta["title"] = "\n".join(dict.fromkeys(titles))
    return meta


def _is_furniture(el) -> bool:
    if el.tag in _SKIP_TAGS:
        return el.tag not in ("header", "footer") or not el.xpath(".//table")
    names = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(names.strip()) and bool(_FURNITURE.search(names)) and not el.xpath(".//table")


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        for line in text.split("\n"):
            if line.strip():
                self.blocks.append(Paragraph(line.strip()))

    def walk(self, el) -> None:
        if not isinstance(el.tag, str) or _is_furniture(el):
            return  # comments, processing instructions, page furniture
        tag = el.tag.lower()
        if tag == "br":
            self.buffer.append("\n")
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            rows = _grid(el)
            if rows:
                self.blocks.append(Table(rows))
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        if el.text:
            self.buffer.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()


def _clean(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    return "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))


def _cell_text(cell) -> str:
    parts: list[str] = []

    def collect(el) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            return
        if el.tag == "br" or (el.tag in _BLOCK and parts):
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(cell)
    return _clean("".join(parts)).strip()


def _span(value: str | None) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(value).strip() or 1)))
    except ValueError:
        return 1


def _grid(table) -> tuple[tuple[str, ...], ...]:
    rows = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
    grid: dict[tuple[int, int], str | None] = {}  # None: covered by a cell merged across
    width: dict[int, int] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rs, cs = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if dc == 0 else None
                    width[r + dr] = max(width.get(r + dr, 0), c + dc + 1)
            c += cs
    out = []
    for r in range(len(rows)):
        cells = (grid.get((r, c), "") for c in range(width.get(r, 0)))
        row = tuple(c for c in cells if c is not None)
        if any(row):
            out.append(row)
    return tuple(out)
