"""Stage 1 — ingest: any report file → the neutral Document (paragraphs and tables).

`read(path)` sniffs the bytes, not only the extension, and raises UnreadableFile with a
Chinese reason people can act on.
"""

from __future__ import annotations

from pathlib import Path

from .document import Document, Paragraph, Table, UnreadableFile
from .text import read_text

__all__ = ["SUFFIXES", "Document", "Paragraph", "Table", "UnreadableFile", "read", "read_bytes"]

# Files under reports/ that are read as reports; anything else there is ignored.
SUFFIXES = {".txt", ".text", ".htm", ".html", ".shtml", ".docx", ".doc", ".pdf", ".wps"}


def sniff(data: bytes, suffix: str) -> str:
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in low or b"<table" in low:
        return "html"
    if suffix in {".docx", ".doc", ".pdf", ".wps"}:
        return suffix.lstrip(".")  # claims a binary format but is not one: reported as corrupt
    return "txt"


def read_bytes(data: bytes, source: str, suffix: str = ".txt") -> Document:
    if not data.strip():
        raise UnreadableFile("空文件")
    kind = sniff(data, suffix.lower())
    if kind == "txt":
        return read_text(data, source)
    if kind in {"docx", "doc", "pdf", "wps"} and not _looks_like(kind, data):
        raise UnreadableFile(f"文件已损坏：扩展名为 {suffix}，但内容不是有效的 {kind.upper()} 文件")
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, source)
    if kind == "html":
        from .html import read_html

        return read_html(data, source)
    raise UnreadableFile(
        f"暂不支持 {kind.upper()} 格式（本版本读取 TXT 文本{'与 DOCX' if kind != 'docx' else ''}）；"
        "请另存为 UTF-8 文本后放入 reports/"
    )


def _looks_like(kind: str, data: bytes) -> bool:
    return {
        "docx": data.startswith(b"PK\x03\x04"),
        "pdf": data.startswith(b"%PDF"),
        "doc": data.startswith(b"\xd0\xcf\x11\xe0"),
        "wps": data.startswith(b"\xd0\xcf\x11\xe0"),
    }[kind]


def read(path: Path, source: str | None = None) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件：{exc.strerror}") from exc
    return read_bytes(data, source or str(path), path.suffix)
