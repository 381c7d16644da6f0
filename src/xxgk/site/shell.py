"""Pages poured into one page MkDocs built: the theme, navigation and assets without MkDocs'
per-page cost (about a millisecond a page where MkDocs takes about a hundred)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

SHELL = "_shell"


TITLE_TOKEN = "XXGKTITLETOKEN"


BODY_TOKEN = "XXGKBODYTOKEN"


class Shell:
    """The page MkDocs built around a placeholder (agencies/_shell/): theme, navigation and
    assets for any page two folders deep. Pages are poured into it with their own title."""

    def __init__(self, site_dir: Path):
        shell_dir = site_dir / "agencies" / SHELL
        page = (shell_dir / "index.html").read_text("utf-8")
        self.head, sep, self.tail = page.partition(BODY_TOKEN)
        if not sep or SHELL in self.head.replace(f"agencies/{SHELL}", "") + self.tail:
            raise RuntimeError("the shell page lost its placeholder")
        shutil.rmtree(shell_dir)
        self.site_dir = site_dir
        self.entries: list[dict] = []

    def pour(self, location: str, title: str, body: str, search_text: str) -> None:
        """Write site/<location>index.html (location like 「agencies/<id>/」) and its search entry."""
        name = html.escape(title)
        page = self.head.replace(TITLE_TOKEN, name) + body + self.tail.replace(TITLE_TOKEN, name)
        folder = self.site_dir / location
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(page.replace(f"agencies/{SHELL}/", location), encoding="utf-8")
        self.entries.append(
            {"location": location, "title": segment(title), "text": html.escape(segment(search_text))}
        )

    def write_search_entries(self) -> None:
        index_path = self.site_dir / "search" / "search_index.json"
        index = json.loads(index_path.read_text("utf-8"))
        index["docs"] = [d for d in index["docs"] if not d["location"].startswith(f"agencies/{SHELL}/")]
        index["docs"] += self.entries
        index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def segment(text: str) -> str:
    """Chinese text cut into words with zero-width spaces, as Material's search plugin does."""
    import jieba

    return re.sub(
        r"[\u4e00-\u9fff]+", lambda m: "\u200b" + "\u200b".join(jieba.cut(m.group(0))) + "\u200b", text
    )
