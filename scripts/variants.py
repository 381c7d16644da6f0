"""Runs the variant corpus (src/xxgk/synth/variants.py) through xxgk's own read → parse →
check and compares every file with its truth, which comes from the generator.

    .venv/bin/python scripts/variants.py                      # 5 reports per variant × format
    .venv/bin/python scripts/variants.py -n 20 --seed 100 --markdown variants.md
    .venv/bin/python scripts/variants.py --only blank_total_column --format pdf --show
    .venv/bin/python scripts/variants.py --only wps_pdf -n 1 --out /tmp/variants   # keep the files

Prints a Markdown table, variant × format: ✓ when every report was published with every
cell read exactly, no error finding the truth does not expect, every expected finding,
every section and the metadata; otherwise what went wrong, summed over the reports:
`cells` read exactly / expected, `false err` (error findings not in the truth), `missed`
(expected findings not raised), `sections` found / expected, `meta` fields wrong,
`published` reports / generated.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from xxgk.synth.variants import FORMATS, REGISTRY, VARIANTS, cases, evaluate, make_case


def run_one(job: tuple[str, str, int, str | None, bool]) -> dict:
    name, fmt, seed, out, show = job
    case = make_case(name, fmt, seed)
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / case.name).write_bytes(case.data)
    s = evaluate(case)
    detail = []
    if show and not s.perfect:
        detail.append(f"### {case.name}")
        if not s.published:
            detail.append(f"- not published: {s.reason}")
        for key, want, got in s.wrong_cells[:12]:
            detail.append(f"- cell {':'.join(key)}: want {want!r}, got {got!r}")
        if len(s.wrong_cells) > 12:
            detail.append(f"- … {len(s.wrong_cells) - 12} more wrong cells")
        for f in s.false_errors[:8]:
            where = ":".join(x for x in (f.table, f.row, f.column) if x)
            detail.append(f"- false error {f.rule}({where}): {f.message}")
        for e in s.missed[:8]:
            detail.append(f"- missed expected finding {e}")
        if s.sections_found < s.sections_expected:
            got = sorted(x.number for x in s.report.sections) if s.report else []
            detail.append(f"- sections found {got}")
        for k, (want, got) in s.meta_wrong.items():
            detail.append(f"- {k}: want {want!r}, got {got!r}")
    return {
        "variant": name,
        "fmt": fmt,
        "published": int(s.published),
        "cells_ok": s.cells_ok,
        "cells_total": s.cells_total,
        "false_errors": len(s.false_errors),
        "false_rules": Counter(f.rule for f in s.false_errors),
        "missed": len(s.missed),
        "missed_rules": Counter(e.rule for e in s.missed),
        "sections_found": s.sections_found,
        "sections_expected": s.sections_expected,
        "meta_wrong": len(s.meta_wrong),
        "meta_fields": Counter(s.meta_wrong.keys()),
        "perfect": int(s.perfect),
        "detail": "\n".join(detail),
    }


def summarise(results: list[dict]) -> dict:
    total: dict = {"n": len(results)}
    for r in results:
        for k, v in r.items():
            if isinstance(v, int):
                total[k] = total.get(k, 0) + v
            elif isinstance(v, Counter):
                total[k] = total.get(k, Counter()) + v
    return total


def cell_text(t: dict) -> str:
    if t["perfect"] == t["n"]:
        return "✓"
    parts = []
    if t["published"] < t["n"]:
        parts.append(f"published {t['published']}/{t['n']}")
    if t["cells_ok"] < t["cells_total"]:
        parts.append(f"cells {t['cells_ok']}/{t['cells_total']}")
    if t["false_errors"]:
        rules = ", ".join(f"{k}×{v}" for k, v in t["false_rules"].most_common(2))
        parts.append(f"false err {t['false_errors']} ({rules})")
    if t["missed"]:
        rules = ", ".join(f"{k}×{v}" for k, v in t["missed_rules"].most_common(2))
        parts.append(f"missed {t['missed']} ({rules})")
    if t["sections_found"] < t["sections_expected"]:
        parts.append(f"sections {t['sections_found']}/{t['sections_expected']}")
    if t["meta_wrong"]:
        parts.append("meta " + ", ".join(sorted(t["meta_fields"])))
    return "; ".join(parts)


def table(results: list[dict], n: int) -> str:
    by = {}
    for r in results:
        by.setdefault((r["variant"], r["fmt"]), []).append(r)
    fmts = [f for f in FORMATS if any(f == k[1] for k in by)]
    lines = [
        f"| variant ({n} report{'s' if n != 1 else ''} each) | " + " | ".join(fmts) + " |",
        "|---|" + "---|" * len(fmts),
    ]
    for v in REGISTRY:
        if not any(k[0] == v.name for k in by):
            continue
        cells = [cell_text(summarise(by[(v.name, f)])) if (v.name, f) in by else "" for f in fmts]
        lines.append(f"| `{v.name}` {v.zh} | " + " | ".join(cells) + " |")
    per_fmt = [summarise([r for r in results if r["fmt"] == f]) for f in fmts]
    lines.append("| **reports perfect** | " + " | ".join(f"{t['perfect']}/{t['n']}" for t in per_fmt) + " |")
    lines.append(
        "| **cells read exactly** | "
        + " | ".join(f"{t['cells_ok'] / max(1, t['cells_total']):.2%}" for t in per_fmt)
        + " |"
    )
    lines.append("| **false errors** | " + " | ".join(str(t["false_errors"]) for t in per_fmt) + " |")
    lines.append("| **missed expected findings** | " + " | ".join(str(t["missed"]) for t in per_fmt) + " |")
    lines.append(
        "| **sections found** | "
        + " | ".join(f"{t['sections_found']}/{t['sections_expected']}" for t in per_fmt)
        + " |"
    )
    lines.append(
        "| **reports published** | " + " | ".join(f"{t['published']}/{t['n']}" for t in per_fmt) + " |"
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=5, help="reports per variant × format (default 5)")
    ap.add_argument("--seed", type=int, default=0, help="first seed (reports use seed … seed+n-1)")
    ap.add_argument("--only", nargs="*", metavar="VARIANT", help="only these variants")
    ap.add_argument("--format", nargs="*", choices=FORMATS, help="only these formats")
    ap.add_argument("--show", action="store_true", help="print what went wrong in each imperfect report")
    ap.add_argument("--out", type=Path, help="write the generated files to this folder")
    ap.add_argument("--markdown", type=Path, metavar="PATH", help="also write the table to this file")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--list", action="store_true", help="list the variants and exit")
    args = ap.parse_args()
    if args.list:
        for v in REGISTRY:
            print(f"{v.name:24} {','.join(v.formats):28} {v.zh} — {v.en}")
        return
    unknown = [x for x in args.only or [] if x not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s): {', '.join(unknown)}; see --list")
    jobs = []
    for v, fmt, k in cases(args.n, args.only, args.format):
        jobs.append((v.name, fmt, args.seed + k, str(args.out) if args.out else None, args.show))
    start = time.perf_counter()
    if args.workers > 1 and len(jobs) > 8:
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(run_one, jobs, chunksize=4))
    else:
        results = [run_one(j) for j in jobs]
    secs = time.perf_counter() - start
    if args.show:
        for r in results:
            if r["detail"]:
                print(r["detail"] + "\n")
    md = table(results, args.n)
    print(md)
    print(f"\n{len(results)} files generated, read, parsed and checked in {secs:.1f} s")
    if args.markdown:
        args.markdown.write_text(md + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
