"""Page furniture that readers drop wherever it falls between lines: page numbers.

Exports from Word and WPS keep them as lines of their own: 「-1-」「- 2 -」「—3—」「第 4 页」
「第4页 共5页」「5/12」. A bare number is a page number only where a reader knows it sits in the
page's margin (the PDF reader); elsewhere it may be a table's value.
"""

from __future__ import annotations

import re

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


def is_page_number(line: str) -> bool:
    return PAGE_NUMBER.match(line) is not None
