"""Pages poured into one page MkDocs built: the theme, navigation and assets without MkDocs'
per-page cost (about a millisecond a page where MkDocs takes about a hundred). The theme's
indentation is dropped (Material's templates indent every line: 13.6 KB of an agency page's
shell was about half blank space)."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .incremental import Output

SHELL = "_shell"


TITLE_TOKEN = "XXGKTITLETOKEN"


BODY_TOKEN = "XXGKBODYTOKEN"


class Shell:
    """The page MkDocs built around a placeholder (agencies/_shell/): theme, navigation and
    assets for any page two folders deep. Pages are poured into it with their own title and
    written through `out` (site/incremental.py: a page whose bytes did not change is not
    rewritten)."""

    def __init__(self, page: str, out: Output):
        self.head, sep, self.tail = compact_html(page).partition(BODY_TOKEN)
        if not sep or SHELL in self.head.replace(f"agencies/{SHELL}", "") + self.tail:
            raise RuntimeError("the shell page lost its placeholder")
        self.out = out
        self.site_dir = out.root
        self.digest = hashlib.sha256(page.encode("utf-8")).hexdigest()  # part of a page's inputs
        self.locations: list[str] = []  # every page poured (or kept), for the sitemap

    def pour(self, location: str, title: str, body: str, unit: str | None = None) -> None:
        """Write site/<location>index.html (location like 「agencies/<id>/」). The title is searched;
        the body marks its own searchable parts (site/search.py)."""
        name = html.escape(title)
        page = self.head.replace(TITLE_TOKEN, name) + body + self.tail.replace(TITLE_TOKEN, name)
        self.out.write(f"{location}index.html", page.replace(f"agencies/{SHELL}/", location), unit)
        self.locations.append(location)


_PRE = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>)", re.S)


def compact_html(text: str) -> str:
    """Runs of blank space that hold a line break become one line break, outside <pre> and
    <textarea>: the page renders the same (HTML folds blank space) and inline scripts keep
    their line ends."""
    parts = _PRE.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"[ \t\r]*\n\s*", "\n", parts[i])
    return "".join(parts)


def compact_pages(site_dir: Path) -> None:
    """compact_html on every page MkDocs wrote (run before any page is poured or copied)."""
    for path in site_dir.rglob("*.html"):
        path.write_text(compact_html(path.read_text("utf-8")), encoding="utf-8")
