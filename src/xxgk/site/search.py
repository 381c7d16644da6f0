"""The site's search: Pagefind (extended build, with Chinese word segmentation) indexes the built
pages into many small files, and a visitor's browser downloads only the parts of the index its
query needs — the index no longer grows into one file every visitor loads (Material's lunr index
was 1.2 MB at 10,000 reports and linear in the site; see README, 性能).

The seam between pages and the search engine is two attributes and one call:
- a page marks what is searchable with SEARCHED and what inside it is not with NOT_SEARCHED
  (templates get them as globals `searched` and `not_searched`); a page with no SEARCHED part is
  not in the index (the 404 page, a report's original HTML copied beside its agency's page);
- `write_index(site_dir)` runs once, after every page is written.
Another engine replaces this module; pages and Shell need not know which one reads them.

Pagefind's extended binary comes from PyPI (`pagefind[extended]`, MIT); its segmenter (charabia,
jieba-rs's dictionary) cuts Chinese at indexing time and in the browser, so Material's jieba
pre-segmentation is no longer needed for search. Its Python API answers about ten requests a
second (it polls the service), too slow for 100,000 pages: the command line reads the HTML.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import subprocess
from pathlib import Path

SEARCHED = "data-pagefind-body"
NOT_SEARCHED = "data-pagefind-ignore"
BUNDLE = "pagefind"  # site/pagefind/: the index and the search library, all served by the site

# The index is split: the national pages' (home, lists, years, data…) in BUNDLE/ with the search
# library, and each group of provinces' pages (agencies, regions, a year's province pages) in
# BUNDLE/<shard>/, which the site's search merges (Pagefind's mergeIndex: each merged index adds
# its small entry and meta files to a visitor's first search, not its library). A build indexes
# again only the groups whose pages changed: one new report re-indexes its province's group and
# the national pages, about a seventh of the site, instead of every page.
SHARDS = 7
MAIN = "main"
SHARDS_FILE = "xxgk-shards.json"  # in BUNDLE/: the merged indexes' folders, for assets/xxgk.js
LIBRARY = ("pagefind.js", "pagefind-worker.js")  # and wasm.*.pagefind: the primary index's only


def search_shard(province: str | None) -> str:
    """The index a page of this province goes in (MAIN for pages of no province), stable by a
    hash of the province's name."""
    if not province:
        return MAIN
    return f"p{int.from_bytes(hashlib.sha256(province.encode()).digest()[:8], 'big') % SHARDS + 1}"


def bundle_of(shard: str) -> str:
    """The folder of the site (with a final /) that holds a shard's index."""
    return f"{BUNDLE}/" if shard == MAIN else f"{BUNDLE}/{shard}/"


# Pagefind's own interfaces, unused: the site's header search (assets/xxgk.js) drives pagefind.js.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)


def pagefind_binary() -> str:
    from pagefind_bin_extended import get_executable

    return str(get_executable())


def write_index(site_dir: Path, bundle: Path | None = None, library: bool = True) -> None:
    """Index every page of site_dir into `bundle` (default site_dir/pagefind/; the build writes it
    elsewhere and copies only the files that changed), reading only index.html files: originals
    copied beside agency pages may be HTML too, and are not the site's pages. Pagefind's output is
    the same bytes for the same pages. `library=False`: an index to be merged into another one,
    without Pagefind's library (the primary index's is the one that runs)."""
    bundle = bundle or site_dir / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    done = subprocess.run(
        [
            pagefind_binary(),
            "--site",
            str(site_dir),
            "--output-path",
            str(bundle),
            "--glob",
            "**/index.html",
            "--force-language",
            "zh-cn",
            "--silent",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not (bundle / "pagefind.js").exists():
        raise RuntimeError(f"Pagefind could not index the site: {done.stdout}{done.stderr}".strip())
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    if not library:
        for name in LIBRARY:
            (bundle / name).unlink(missing_ok=True)
        for wasm in bundle.glob("wasm.*.pagefind"):
            wasm.unlink()


def search_view(page: bytes) -> bytes:
    """What Pagefind reads of a page: its <title> and its SEARCHED parts (with their NOT_SEARCHED
    parts), in a page of their own. Pagefind parses every byte of a page it indexes, and the
    tables it is told to ignore are most of them: an index made from these views is the same,
    byte for byte, as one made from the pages (tests/test_incremental.py), about six times
    faster at 10,000 reports."""
    import lxml.html

    doc = lxml.html.fromstring(page)
    title = doc.findtext(".//title") or ""
    found = doc.xpath(f"//*[@{SEARCHED}][not(ancestor::*[@{SEARCHED}])]")
    parts = [lxml.html.tostring(el, encoding="unicode") for el in found]
    head = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
    )
    return (head + "</head><body>" + "".join(parts) + "</body></html>").encode("utf-8")
