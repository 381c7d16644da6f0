"""sitemap.xml for every page, the poured ones included (MkDocs only knows its own)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .shell import SHELL

if TYPE_CHECKING:
    from .incremental import Output


def mkdocs_pages(docs: Path) -> list[str]:
    """The pages MkDocs built, as locations (「」, 「data/」, 「regions/」), the shell left out."""
    pages = []
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).as_posix()
        if SHELL in rel:
            continue
        rel = rel.removesuffix(".md")
        pages.append("" if rel == "index" else rel.removesuffix("/index").removesuffix("index") + "/")
    return pages


SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)


def write_sitemaps(out: Output, site_url: str, locations: list[str], lastmod: str) -> None:
    """sitemap.xml for every page, agency pages included (MkDocs only knows its own pages). Past
    50,000 pages it becomes a sitemap index over sitemap-1.xml, sitemap-2.xml, …"""
    import gzip
    from xml.sax.saxutils import escape

    base = site_url.rstrip("/") + "/"

    def urlset(locs: list[str]) -> str:
        urls = "".join(
            f"<url><loc>{escape(base + loc)}</loc><lastmod>{lastmod}</lastmod></url>\n" for loc in locs
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
        )

    locations = sorted(set(locations))
    if len(locations) <= SITEMAP_LIMIT:
        files = {"sitemap.xml": urlset(locations)}
    else:
        chunks = [locations[i : i + SITEMAP_LIMIT] for i in range(0, len(locations), SITEMAP_LIMIT)]
        files = {f"sitemap-{n}.xml": urlset(c) for n, c in enumerate(chunks, 1)}
        index = "".join(
            f"<sitemap><loc>{escape(base + name)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
            for name in files
        )
        files["sitemap.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{index}</sitemapindex>\n"
        )
    for name, text in files.items():  # through `out`: an unchanged sitemap is not rewritten
        out.write(name, text)
        out.write(f"{name}.gz", gzip.compress(text.encode("utf-8"), mtime=0))
