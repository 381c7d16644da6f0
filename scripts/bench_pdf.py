"""The PDF reader against the one before it, file by file, in the same run (run by hand).

    .venv/bin/python scripts/bench_pdf.py           # the 500 reports of `benchmark.py --formats 500`
    .venv/bin/python scripts/bench_pdf.py -n 100
    .venv/bin/python scripts/bench_pdf.py --files tests/fixtures/real/*.pdf /work/shared/real/*.pdf
    .venv/bin/python scripts/bench_pdf.py --base <commit>

The previous reader is the commit before src/xxgk/ingest/pdf_pdfium.py was added (or --base),
checked out with `git worktree add` into a temporary folder and removed afterwards. Two worker
processes, one per version, read every file in turn (which one goes first alternates, so both
see the same load on this shared machine) and time `read_pdf` alone, in CPU time
(time.process_time) and wall time. Every Document must be the same, block for block and cell for
cell; the script names each file that differs and exits 1 if any does.

Without --files it reads the same reports as `scripts/benchmark.py --formats N` (corpus seed 11,
Word files exported to PDF by LibreOffice), made once into --work and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, sys, time
from xxgk.ingest.document import Paragraph, UnreadableFile
from xxgk.ingest.pdf import read_pdf

def blocks(doc):
    return [["p", b.text] if isinstance(b, Paragraph) else ["t", [list(r) for r in b.rows]]
            for b in doc.blocks]

for line in sys.stdin:
    path = json.loads(line)
    data = open(path, "rb").read()
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        out = {"blocks": blocks(read_pdf(data, path))}
    except UnreadableFile as exc:
        out = {"unreadable": str(exc)}
    out["cpu"] = time.process_time() - cpu
    out["wall"] = time.perf_counter() - wall
    print(json.dumps(out, ensure_ascii=False), flush=True)
"""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def default_base() -> str:
    """The commit before the pdfium reader came in (or HEAD, before it is committed)."""
    added = git("log", "--diff-filter=A", "--format=%H", "--", "src/xxgk/ingest/pdf_pdfium.py").split()
    return f"{added[-1]}^" if added else "HEAD"


def generated_pdfs(n: int, work: Path) -> list[Path]:
    """benchmark.py's --formats corpus: the same reports, Word → PDF by LibreOffice."""
    folder = work / f"pdf-{n}"
    pdfs = sorted(folder.glob("*.pdf"))
    if len(pdfs) == n:
        return pdfs
    from xxgk.synth import corpus
    from xxgk.synth.render import render_docx

    folder.mkdir(parents=True, exist_ok=True)
    for i, (rep, _) in enumerate(corpus(n, seed=11)):
        (folder / f"{i:05d}.docx").write_bytes(render_docx(rep))
    docx = sorted(str(p) for p in folder.glob("*.docx"))
    for k in range(0, len(docx), 200):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), *docx[k : k + 200]],
            capture_output=True,
            check=True,
        )
    return sorted(folder.glob("*.pdf"))


class Worker:
    def __init__(self, src: Path):
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )

    def read(self, path: Path) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(str(path)) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=500, help="generated reports (default 500)")
    ap.add_argument("--files", type=Path, nargs="*", help="read these PDFs instead")
    ap.add_argument("--base", help="the commit whose reader is compared (default: before pdf_pdfium.py)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xxgk-bench-pdf")
    args = ap.parse_args()

    files = args.files or generated_pdfs(args.n, args.work)
    base = git("rev-parse", args.base or default_base())
    tree = Path(tempfile.mkdtemp(prefix="xxgk-pdfbase-"))
    git("worktree", "add", "--detach", str(tree), base)
    try:
        old, new = Worker(tree / "src"), Worker(ROOT / "src")
        # one untimed file each: imports and pdfium's start-up are not what we measure
        old.read(files[0])
        new.read(files[0])
        rows = []
        differ = []
        for k, path in enumerate(files):
            pair = (old, new) if k % 2 == 0 else (new, old)
            first, second = pair[0].read(path), pair[1].read(path)
            a, b = (first, second) if pair[0] is old else (second, first)
            if {k: v for k, v in a.items() if k not in ("cpu", "wall")} != {
                k: v for k, v in b.items() if k not in ("cpu", "wall")
            }:
                differ.append(path)
            rows.append((a["cpu"], b["cpu"], a["wall"], b["wall"]))
        old.close()
        new.close()
    finally:
        git("worktree", "remove", "--force", str(tree))

    n = len(files)
    cpu_old, cpu_new = sum(r[0] for r in rows), sum(r[1] for r in rows)
    wall_old, wall_new = sum(r[2] for r in rows), sum(r[3] for r in rows)
    per_file = statistics.median(r[0] / r[1] for r in rows if r[1] > 0)
    print(f"{n} PDFs; previous reader: {base[:10]}")
    print("| reader | CPU s | files/s (CPU) | wall s | files/s (wall) |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| before (pdfplumber) | {cpu_old:.1f} | {n / cpu_old:.1f} | {wall_old:.1f} | {n / wall_old:.1f} |"
    )
    print(f"| after (pdfium) | {cpu_new:.1f} | {n / cpu_new:.1f} | {wall_new:.1f} | {n / wall_new:.1f} |")
    print(
        f"\nspeed-up: {cpu_old / cpu_new:.2f}× CPU, {wall_old / wall_new:.2f}× wall "
        f"(median per file {per_file:.2f}× CPU)"
    )
    print(f"Documents differing: {len(differ)} of {n}")
    for path in differ:
        print(f"  {path}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
