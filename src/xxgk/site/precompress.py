"""Precompressed copies beside a built site's text files, for hosts that serve them as they are:

    python -m xxgk.site.precompress site            # .gz beside each text file over 1 KB
    python -m xxgk.site.precompress site --brotli   # and .br (needs `pip install brotli`)

nginx (`gzip_static on;`, `brotli_static on;` with ngx_brotli), Caddy (`file_server { precompressed
br gzip }`), Apache (mod_rewrite rules or mod_brotli) and object stores behind a CDN that are given
`Content-Encoding` per file send these instead of compressing on every request. GitHub Pages
compresses on the fly and ignores them: `xxgk build` therefore does not write them (they would
add about a third to the Pages artifact, which is capped at 1 GB); run this as a deploy step for
the hosts above. Output is deterministic (gzip without a file name or time).
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

SUFFIXES = {".html", ".csv", ".json", ".js", ".mjs", ".css", ".xml", ".svg", ".wasm"}
MIN_BYTES = 1024  # smaller files gain nothing worth a second file
ORIGINAL_PARENT = "agencies"  # reports' original files (copied as published) are left alone


def precompress(site: Path, brotli: bool = False) -> dict[str, int]:
    """Write FILE.gz (and FILE.br) beside each text file of the site over 1 KB, where smaller by
    a tenth at least; stale copies of files that changed or went are removed. Returns bytes in
    and out."""
    br = None
    if brotli:
        import brotli as br  # PyPI `brotli`: Google's bindings (MIT); optional
    stats = {"files": 0, "bytes": 0, "gz": 0, "br": 0}
    for old in [*site.rglob("*.gz"), *site.rglob("*.br")]:
        if old.name.startswith("sitemap") and old.suffix == ".gz":
            continue  # sitemap.xml.gz is written by the build for search engines
        old.unlink()
    for path in sorted(site.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file() or _is_original(site, path):
            continue
        data = path.read_bytes()
        if len(data) <= MIN_BYTES:
            continue
        stats["files"] += 1
        stats["bytes"] += len(data)
        packed = {"gz": gzip.compress(data, compresslevel=9, mtime=0)}
        if br is not None:
            packed["br"] = br.compress(data, quality=11)
        for suffix, out in packed.items():
            if len(out) <= 0.9 * len(data):
                path.with_name(f"{path.name}.{suffix}").write_bytes(out)
                stats[suffix] += len(out)
    return stats


def _is_original(site: Path, path: Path) -> bool:
    rel = path.relative_to(site).parts
    return rel[0] == ORIGINAL_PARENT and len(rel) == 3 and rel[2].startswith(rel[1] + "-")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m xxgk.site.precompress", description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--brotli", action="store_true", help="also .br (needs the brotli package)")
    args = ap.parse_args(argv)
    s = precompress(args.site, args.brotli)
    print(
        f"{s['files']:,} files, {s['bytes'] / 1e6:.1f} MB: .gz {s['gz'] / 1e6:.1f} MB"
        + (f", .br {s['br'] / 1e6:.1f} MB" if args.brotli else "")
    )


if __name__ == "__main__":
    main()
