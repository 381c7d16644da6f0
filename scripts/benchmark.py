"""Times each stage of the build on generated corpora (run by hand; tests never time).

    .venv/bin/python scripts/benchmark.py --sizes 1000 10000

Stages are timed one by one in a single process (read, parse, check), then as the build runs
them (package, aggregate, validate, site); the last line per size is the whole `build()` with
its worker processes. Output: a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import generate

from xxgk.check import check_report
from xxgk.ingest import read
from xxgk.parse import parse_document
from xxgk.pipeline import build, discover


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench(n: int, work: Path, site: bool) -> dict:
    corpus = work / f"corpus-{n}"
    generate(n, corpus)
    files = discover(corpus)
    t = {}
    start = time.perf_counter()
    docs = [(read(p, p.name), hashlib.sha256(p.read_bytes()).hexdigest(), p.name) for p in files]
    t["read"] = time.perf_counter() - start
    start = time.perf_counter()
    reports = [parse_document(d, sha, name) for d, sha, name in docs]
    t["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    for r in reports:
        check_report(r)
    t["check"] = time.perf_counter() - start
    out = work / f"out-{n}"
    start = time.perf_counter()
    result = build(corpus, out, site=site, workers=os.cpu_count())
    t["build (all stages, 2 processes)"] = time.perf_counter() - start
    for k, v in result.timings.items():
        if k in ("package", "aggregate", "validate", "site"):
            t[k] = v
    t["_site_mb"] = du(out / "site") / 1e6 if site else 0
    t["_package_mb"] = du(out / "datapackage") / 1e6
    t["_published"] = result.published
    t["_errors"] = result.errors
    return t


def bench_formats(n: int, work: Path) -> dict[str, tuple[float, int]]:
    """The same n reports as text, web page (GBK), Word and PDF (exported from Word by
    LibreOffice): seconds to read + parse + check each set, in one process, and cells wrong."""
    import subprocess

    from xxgk.synth import corpus
    from xxgk.synth.render import render_docx, render_html

    folder = work / f"formats-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    reps = [rep for rep, _ in corpus(n, seed=11)]
    for i, rep in enumerate(reps):
        (folder / f"{i:05d}.txt").write_text(rep.render(), encoding="utf-8")
        (folder / f"{i:05d}.html").write_bytes(render_html(rep).encode("gbk"))
        (folder / f"{i:05d}.docx").write_bytes(render_docx(rep))
    docx_files = sorted(str(p) for p in folder.glob("*.docx"))
    for k in range(0, len(docx_files), 200):
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *docx_files[k : k + 200],
            ],
            capture_output=True,
            check=True,
        )
    out = {}
    for suffix in ("txt", "html", "docx", "pdf"):
        files = sorted(folder.glob(f"*.{suffix}"))
        start = time.perf_counter()
        wrong = 0
        for path, rep in zip(files, reps, strict=True):
            report = parse_document(read(path, path.name), "0" * 64, path.name)
            check_report(report)
            for (table, row, col), v in rep.slots():
                grid = report.proactive if table == "proactive_disclosure" else None
                got = (
                    grid[(row, col)]
                    if grid is not None
                    else (report.applications if table == "applications" else report.reviews)[row][col]
                ).value
                wrong += got != (None if (table, row, col) in rep.blank else v)
        out[suffix] = (time.perf_counter() - start, wrong)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--no-site", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    ap.add_argument(
        "--formats",
        type=int,
        default=0,
        metavar="N",
        help="also time N reports as TXT, HTML, DOCX and PDF (PDF needs LibreOffice)",
    )
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.formats:
        timing = bench_formats(args.formats, work)
        print(
            f"| format ({args.formats:,} reports, read + parse + check, 1 process) "
            "| seconds | reports per second | cells wrong |"
        )
        print("|---|---:|---:|---:|")
        for suffix, (secs, wrong) in timing.items():
            print(f"| {suffix} | {secs:.1f} | {args.formats / secs:.0f} | {wrong} |")
        print()
    if not args.sizes:
        return
    rows = {n: bench(n, work, not args.no_site) for n in args.sizes}
    stages = [
        "read",
        "parse",
        "check",
        "package",
        "aggregate",
        "validate",
        "site",
        "build (all stages, 2 processes)",
    ]
    print("| stage | " + " | ".join(f"{n:,} reports" for n in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for s in stages:
        print(f"| {s} | " + " | ".join(f"{rows[n].get(s, 0):.1f} s" for n in rows) + " |")
    print(
        "| reports per second, whole build | "
        + " | ".join(f"{n / rows[n]['build (all stages, 2 processes)']:.0f}" for n in rows)
        + " |"
    )
    print("| data package size | " + " | ".join(f"{rows[n]['_package_mb']:.1f} MB" for n in rows) + " |")
    print("| site size | " + " | ".join(f"{rows[n]['_site_mb']:.1f} MB" for n in rows) + " |")
    print(
        "| reports published / error checks | "
        + " | ".join(f"{rows[n]['_published']:,} / {rows[n]['_errors']:,}" for n in rows)
        + " |"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
