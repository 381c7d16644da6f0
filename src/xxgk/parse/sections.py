"""The six sections of a report, found by the meaning of their headings (formats.yaml)."""

from __future__ import annotations

import re

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


def find_sections(paragraphs: list[str], sections: tuple[SectionDef, ...]) -> dict[int, tuple[int, str]]:
    """Section number → (paragraph index, heading as written), searched in order so that a
    sub-heading such as 「上年度存在问题及改进情况」 inside section 五 is not taken for one."""
    found: dict[int, tuple[int, str]] = {}
    start = 0
    for s in sections:
        for i in range(start, len(paragraphs)):
            if heading_section(paragraphs[i], (s,)):
                found[s.number] = (i, paragraphs[i].strip())
                start = i + 1
                break
    return found
