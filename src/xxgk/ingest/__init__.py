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
    try:
        return _read_kind(kind, data, source, suffix)
    except UnreadableFile:
        raise
    except RecursionError as exc:
        raise UnreadableFile(
            f"{_LABEL[kind]} 文件已损坏或结构异常：嵌套层次过深，无法读取；请用原软件重新保存或导出"
        ) from exc
    except Exception as exc:
        library = _failing_library(exc)
        if library is None:
            raise  # our own bug: the pipeline names it as one
        # The exception's type only: its message quotes the damaged bytes (and brackets that
        # rich, printing the build summary, would read as markup).
        raise UnreadableFile(
            f"{_LABEL[kind]} 文件已损坏，无法读取（{library} 出错：{type(exc).__name__}）；"
            "请重新下载，或用原软件重新保存或导出"
        ) from exc


_LABEL = {"txt": "文本", "html": "网页", "docx": "DOCX", "doc": "DOC", "wps": "WPS", "pdf": "PDF"}
# The libraries that read a file's bytes: an exception raised inside them, rather than in our
# code, means the file is damaged in a way they cannot recover from (fuzzing: scripts/fuzz.py).
_READERS = {
    "pdfplumber": "pdfplumber",
    "pdfminer": "pdfminer",
    "docx": "python-docx",
    "lxml": "lxml",
    "charset_normalizer": "charset-normalizer",
    "zipfile": "zipfile",
    "zlib": "zlib",
}


def _failing_library(exc: BaseException) -> str | None:
    """The reading library the exception came out of, or None when it was raised in our code
    (or in code our code called directly). Decided by the frames below our last one."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_globals.get("__name__") or "")
        tb = tb.tb_next
    ours = [i for i, name in enumerate(frames) if name == "xxgk" or name.startswith("xxgk.")]
    below = frames[ours[-1] + 1 :] if ours else frames
    for name in below:
        if (root := name.split(".", 1)[0]) in _READERS:
            return _READERS[root]
    return None


def _read_kind(kind: str, data: bytes, source: str, suffix: str) -> Document:
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
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, source)
    if kind in {"doc", "wps"}:
        from .docx import read_docx

        return read_docx(_convert_legacy_word(data, kind), source, source_format="doc")
    raise UnreadableFile(f"不支持的文件格式：{kind}")


def _convert_legacy_word(data: bytes, kind: str) -> bytes:
    """Old binary Word (.doc) and WPS files become .docx through LibreOffice, when installed."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableFile(
            f"旧版 {kind.upper()} 文件需要 LibreOffice 转换，本机未安装：请安装 LibreOffice"
            "（Debian: apt-get install libreoffice-writer-nogui）后重新构建，或用 Word 另存为 .docx"
        )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"report.{kind}"
        src.write_bytes(data)
        try:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                capture_output=True,
                timeout=120,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableFile("LibreOffice 转换超时（120 秒），文件可能已损坏") from exc
        out = Path(tmp) / "report.docx"
        if not out.exists():
            raise UnreadableFile(f"{kind.upper()} 文件已损坏：LibreOffice 无法转换")
        return out.read_bytes()


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
