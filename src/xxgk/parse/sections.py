"""The six sections of a report, found by the meaning of their headings (formats.yaml)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..formats import SectionDef
from .normalize import fold, nfkc

_TOP_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")
_SUB_NUMBER = re.compile(r"^\s*(?:[(（]|\d+[.．、])")


def heading_section(text: str, sections: tuple[SectionDef, ...]) -> SectionDef | None:
    """The section a paragraph is the heading of: short, top-level numbering or none."""
    t = nfkc(text).strip()
    if _SUB_NUMBER.match(t):
        return None
    core = fold(_TOP_NUMBER.sub("", t))
    if not core or len(core) > 30:
        return None
    for s in sections:
        if any(re.search(p, core) for p in s.patterns):
            return s
    return None


_NUMERALS = "一二三四五六七八九十"
# A heading worded unlike every pattern is still taken when it carries the section's own
# number, stands where the order leaves for it, and is this close (rapidfuzz ratio, 0–100) to
# the national title (measured: 「政府信息公开工作存在的问题及改进情况」 67, 「其他需报告事项」 88;
# another section's title under the wrong number, 「收到和处理政府信息公开申请情况」 for 二, 48).
HEADING_CLOSE_ENOUGH = 55


def find_sections(paragraphs: list[str], sections: tuple[SectionDef, ...]) -> dict[int, tuple[int, str]]:
    """Section number → (paragraph index, heading as written), searched in order so that a
    sub-heading such as 「上年度存在问题及改进情况」 inside section 五 is not taken for one. A
    section no pattern finds is looked for by its number and closeness between its neighbours."""
    found: dict[int, tuple[int, str]] = {}
    start = 0
    for s in sections:
        for i in range(start, len(paragraphs)):
            if heading_section(paragraphs[i], (s,)):
                found[s.number] = (i, paragraphs[i].strip())
                start = i + 1
                break
    for s in sections:
        if s.number in found:
            continue
        low = max((i for n, (i, _) in found.items() if n < s.number), default=-1)
        high = min((i for n, (i, _) in found.items() if n > s.number), default=len(paragraphs))
        if (i := _numbered_heading(paragraphs, low + 1, high, s)) is not None:
            found[s.number] = (i, paragraphs[i].strip())
    return dict(sorted(found.items()))


def _numbered_heading(paragraphs: list[str], start: int, end: int, s: SectionDef) -> int | None:
    number = _NUMERALS[s.number - 1] if s.number <= len(_NUMERALS) else None
    for i in range(start, end):
        t = nfkc(paragraphs[i]).strip()
        m = _TOP_NUMBER.match(t)
        if not m or number is None or m.group(0).strip()[:-1].strip() != number:
            continue
        core = fold(t[m.end() :])
        if 0 < len(core) <= 40 and fuzz.ratio(core, fold(s.title)) >= HEADING_CLOSE_ENOUGH:
            return i
    return None
