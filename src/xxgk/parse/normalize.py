"""Text folding for matching labels, and reading numbers out of cells.

Labels are compared folded: NFKC (full-width → ASCII), then every whitespace and punctuation
character removed, so 「（一）予以公开」, 「(一) 予以公开」 and 「（一）予以\\n公开」 are one key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

_FOLD_DROP = re.compile(r"[\s\u200b\ufeff\u3000]+|[^\w]", re.UNICODE)
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+\s*[.．、)）](?!\d))\s*"
)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """The matching key of a label: NFKC, no whitespace, no punctuation, lower case."""
    return _FOLD_DROP.sub("", nfkc(text)).replace("_", "").lower()


def strip_numbering(text: str) -> str:
    """「（三）不予公开」→「不予公开」, 「1.属于国家秘密」→「属于国家秘密」, 「一、总体情况」→「总体情况」."""
    return _NUMBERING.sub("", nfkc(text), count=1)


def squash(text: str) -> str:
    """Whitespace folded away, for Chinese prose where spaces are noise (「2024 年」)."""
    return re.sub(r"\s+", "", nfkc(text))


class CellStatus(StrEnum):
    OK = "ok"
    BLANK = "blank"  # printed empty: null, missing_cell warning
    PLACEHOLDER = "placeholder"  # 「-」「—」「/」「无」: read as 0, placeholder_cell warning
    UNREADABLE = "unreadable"  # text that is not a number: null, unreadable_cell error
    ABSENT = "absent"  # the row or table was not found: null, no cell finding of its own


@dataclass(frozen=True)
class CellValue:
    value: float | int | None
    status: CellStatus
    text: str = ""

    @property
    def known(self) -> bool:
        """Usable by the arithmetic rules (a blank counts as 0 there)."""
        return self.status in (CellStatus.OK, CellStatus.PLACEHOLDER, CellStatus.BLANK)

    @property
    def as_number(self) -> float | int:
        return self.value if self.value is not None else 0


ABSENT = CellValue(None, CellStatus.ABSENT)

PLACEHOLDERS = {"-", "—", "–", "/", "无", "——", "--", "\\", "－", "一"}
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_UNIT = re.compile(r"(万元|元|件|个|项|条|次|宗|人次|人)$")


def read_cell(
    text: str, unit: str | None = None, integer: bool = True, column_unit: str | None = None
) -> CellValue:
    """Read a table cell as published. `unit` is the data's unit (万元 rescales 「251000元」);
    `column_unit` is what the printed column header says, when it differs (「（元）」)."""
    raw = text
    t = squash(text).replace(",", "").replace("，", "")
    if not t:
        return CellValue(None, CellStatus.BLANK, raw)
    if t in PLACEHOLDERS or set(t) <= {"-", "—", "–", "－"}:
        return CellValue(0, CellStatus.PLACEHOLDER, raw)
    scale = 1e-4 if unit == "万元" and column_unit == "元" else 1.0
    if m := _UNIT.search(t):
        written = m.group(1)
        t = t[: m.start()]
        if unit == "万元" and written == "元":
            scale = 1e-4
        elif unit == "元" and written == "万元":
            scale = 1e4
    if not _NUMBER.match(t):
        return CellValue(None, CellStatus.UNREADABLE, raw)
    number = float(t) * scale
    if integer:
        if number != int(number) or number < 0:
            return CellValue(None, CellStatus.UNREADABLE, raw)
        return CellValue(int(number), CellStatus.OK, raw)
    return CellValue(round(number, 6), CellStatus.OK, raw)


_PLAIN_NUMBER = re.compile(r"^\s*\d+\s*$")


def is_value_like(text: str) -> bool:
    """A cell that holds (or could hold) a number rather than a label."""
    if _PLAIN_NUMBER.match(text):
        return True  # the common case, without the full reading
    return read_cell(text, integer=False).status != CellStatus.UNREADABLE
