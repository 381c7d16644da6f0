"""Word .docx → Document, with python-docx (MIT, maintained; reads the body in order).

Merged cells: python-docx gives a merged cell once per grid position it covers, so a label
merged across columns repeats to its right and a group label merged down repeats below. The
matcher anchors on the rightmost label of a row, so repeats are harmless; we only drop the
horizontal repeats (same cell object) to keep rows close to what a reader sees.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .document import Block, Document, Paragraph, Table, UnreadableFile


def read_docx(data: bytes, source: str, source_format: str = "docx") -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except (
        zipfile.BadZipFile,  # also a part whose CRC does not match
        zlib.error,  # a part whose compressed bytes are damaged
        EOFError,  # a part cut short
        NotImplementedError,  # a compression method zipfile does not know (a damaged header)
        etree.LxmlError,  # a part that is not well-formed XML
        PackageNotFoundError,
        KeyError,
        ValueError,
    ) as exc:
        what = "压缩数据损坏" if isinstance(exc, zlib.error) else type(exc).__name__
        raise UnreadableFile(f"DOCX 文件已损坏，无法打开（{what}）；请用 Word 重新保存") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if text := item.text.strip():
                blocks.append(Paragraph(text))
        elif isinstance(item, DocxTable):
            rows = []
            # The table's grid once: python-docx's row.cells recomputes it for every row.
            grid = item._cells
            width = len(item.columns)
            for r in range(len(grid) // width if width else 0):
                cells, last = [], None
                for cell in grid[r * width : (r + 1) * width]:
                    if cell._tc is last:
                        continue
                    last = cell._tc
                    cells.append("\n".join(p.text.strip() for p in cell.paragraphs).strip())
                rows.append(tuple(cells))
            blocks.append(Table(tuple(rows)))
    return Document(source=source, source_format=source_format, blocks=blocks)
