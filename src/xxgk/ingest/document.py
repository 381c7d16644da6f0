"""The neutral document every reader produces: paragraphs and tables of cells, in order.

Readers (text, HTML, DOCX, PDF) differ in how they find paragraphs and cells; after them,
one template matcher (parse/) reads every file type the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """Rows of cell texts as the file lays them out: rows may differ in length (shifted cells,
    merged cells that a text export left out), which the matcher resolves by row labels."""

    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | Table


@dataclass
class Document:
    source: str  # path as given, for messages
    source_format: str  # txt, html, docx, pdf
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    # What the file says about itself outside its body, for when the body does not: a web
    # page's <title> and the meta tags of 政府网站发展指引 (`title`, `published`, `source`).
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


class UnreadableFile(Exception):
    """A file that cannot become a Document; the message (Chinese) says why and what to do."""
