"""Bytes → str for text-like files: UTF-8 (with or without BOM), UTF-16, GBK/GB18030.

Detection is charset-normalizer's; we restrict its candidates to encodings Chinese government
sites actually use, and read every GB-family answer as GB18030, the superset (a page that says
GB2312 is really GBK or GB18030).
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from .document import UnreadableFile

_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn"}


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). `declared` is a charset a file names itself (HTML meta)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf_8_sig"),
        (codecs.BOM_UTF16_LE, "utf_16"),
        (codecs.BOM_UTF16_BE, "utf_16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                name = "UTF-8" if enc == "utf_8_sig" else "UTF-16"
                raise UnreadableFile(
                    f"文件以 {name} 编码标记开头，但第 {exc.start} 字节处不是有效的 {name}："
                    "文件可能已损坏；请用原软件重新导出"
                ) from exc
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    if declared:
        enc = "gb18030" if declared.lower().replace("-", "") in _GB_FAMILY else declared
        try:
            return data.decode(enc), enc
        except (UnicodeError, LookupError, ValueError):  # a charset that is none, or not this one
            pass
    if b"\x00" in data[:4096]:
        raise UnreadableFile("二进制文件，不是文本")
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise UnreadableFile("无法识别文件编码（不是 UTF-8 或 GBK/GB18030 文本）")
    enc = best.encoding
    if enc.replace("-", "_").lower() in _GB_FAMILY:
        enc = "gb18030"
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"文件编码识别为 {enc}，但无法解码：{exc.reason}") from exc
