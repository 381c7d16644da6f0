"""Times the build on generated corpora (run by hand; tests never time).

    .venv/bin/python scripts/benchmark.py --sizes 1000 10000
    .venv/bin/python scripts/benchmark.py --sizes 1000 --mix --incremental --json bench.json
    .venv/bin/python scripts/benchmark.py --sizes 100000 --mix --incremental --keep /data/bench

Each size: a corpus is generated (`--mix`: web pages, PDF, Word and text, see
generate_corpus.py; without it text exports only, as the older figures), timed apart and not
counted. `--stages` (default: sizes up to 10,000) first times read, parse and check one by one in
this process, which keeps every parsed document in memory: not what the build does. Then the
whole build runs as `xxgk build` does (pipeline.build with its worker processes and default parse
cache, in a child process) while a thread samples the memory of the child's process tree every
0.2 s. The package is compared with the truth the generator wrote (skipped files, wrong cells),
and the site is measured by kind of file. `--incremental` then builds again unchanged, with one
new report, with one report edited, each timed and counted (files parsed, files of site/ and
datapackage/ whose mtime or size changed). Output: Markdown tables; `--json FILE` keeps the
numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import inspect
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_corpus as gen

MB = 1024 * 1024


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- the build in a child process, its memory sampled -------------------------------------------


def cache_supported() -> bool:
    """Whether this checkout's build has the parse cache (`xxgk build --no-cache`)."""
    from xxgk import pipeline

    return "cache" in inspect.signature(pipeline.build).parameters


def parser_fingerprint() -> str | None:
    """The parse cache's fingerprint of the parser code (None before the cache): when it changes
    between two builds of a run (someone edited the parser meanwhile), every file is read again."""
    try:
        from xxgk.cache import fingerprint
    except ImportError:
        return None
    return fingerprint()


def child_build(argv: list[str]) -> None:
    """`benchmark.py --child-build REPORTS OUT RESULT [--no-cache] [--no-site] [--workers N]`:
    one pipeline.build, its result written as JSON (run by run_build in a fresh process)."""
    ap = argparse.ArgumentParser(prog="benchmark.py --child-build")
    ap.add_argument("reports", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("result", type=Path)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--no-site", action="store_true")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    from xxgk import pipeline

    kw = {"cache": not args.no_cache} if cache_supported() else {}
    r = pipeline.build(args.reports, args.out, site=not args.no_site, workers=args.workers, **kw)
    reasons: dict[str, int] = {}
    for _, reason in r.skipped:
        reasons[reason] = reasons.get(reason, 0) + 1
    result = {
        "files": r.files,
        "published": r.published,
        "agencies": r.agencies,
        "skipped": len(r.skipped),
        "skipped_reasons": reasons,
        "duplicates": len(r.duplicates),
        "errors": r.errors,
        "warnings": r.warnings,
        "parsed": getattr(r, "parsed", r.files),
        "from_cache": getattr(r, "from_cache", 0),
        "timings": r.timings,
        "failed": r.failed,
        "validation": r.validation[:10],
        "seconds_in_process": time.perf_counter() - start,
        "parser_fingerprint": parser_fingerprint(),
    }
    args.result.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants every `interval`
    seconds: the peak of their sum (RSS, and PSS, which shares pages between processes
    instead of counting them in each) and the peak of the largest single process."""

    def __init__(self, root: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_rss = self.peak_pss = self.peak_one = 0
        self.most_processes = 0
        self.samples = 0
        self._halt = threading.Event()
        try:
            import psutil

            self._psutil = psutil
        except ImportError:
            self._psutil = None

    def run(self) -> None:
        while not self._halt.is_set():
            with contextlib.suppress(Exception):  # a process ending while read: the next sample is fine
                self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def _tree(self) -> list[int]:
        if self._psutil:
            try:
                root = self._psutil.Process(self.root)
                return [self.root] + [p.pid for p in root.children(recursive=True)]
            except self._psutil.NoSuchProcess:
                return []
        kids: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
                kids.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += kids.get(pid, [])
        return tree

    @staticmethod
    def _memory(pid: int) -> tuple[int, int]:
        """(RSS, PSS) in bytes; PSS 0 where smaps_rollup cannot be read."""
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        pss = 0
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
        except OSError:
            pass
        return rss, pss

    def sample(self) -> None:
        total_rss = total_pss = 0
        pids = self._tree()
        for pid in pids:
            try:
                rss, pss = self._memory(pid)
            except (OSError, ValueError, IndexError):
                continue
            total_rss += rss
            total_pss += pss
            self.peak_one = max(self.peak_one, rss)
        self.peak_rss = max(self.peak_rss, total_rss)
        self.peak_pss = max(self.peak_pss, total_pss)
        self.most_processes = max(self.most_processes, len(pids))
        self.samples += 1


def run_build(
    reports: Path, out: Path, *, cache: bool = True, site: bool = True, workers: int | None = None
) -> dict:
    """One build as `xxgk build` runs it, in a child process: its result, wall time and memory."""
    result_file = out.parent / f".{out.name}-result.json"
    result_file.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-build", str(reports), str(out)]
    cmd += [str(result_file)]
    cmd += ([] if cache else ["--no-cache"]) + ([] if site else ["--no-site"])
    cmd += ["--workers", str(workers or os.cpu_count() or 1)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    memory = TreeMemory(proc.pid)
    memory.start()
    _, status, usage = os.wait4(proc.pid, 0)  # the rusage of the child and its reaped descendants
    wall = time.perf_counter() - start
    memory.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"build failed (exit {proc.returncode}): {' '.join(cmd)}")
    result = json.loads(result_file.read_text("utf-8"))
    result_file.unlink()
    result.update(
        seconds=wall,
        peak_tree_rss_mb=memory.peak_rss / MB,
        peak_tree_pss_mb=memory.peak_pss / MB,
        peak_process_rss_mb=memory.peak_one / MB,
        processes=memory.most_processes,
        memory_samples=memory.samples,
        maxrss_wait4_mb=usage.ru_maxrss / 1024,
        maxrss_children_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )
    return result


# --- what the build wrote -----------------------------------------------------------------------

SITE_KINDS = (
    "html",
    "csv",
    "xlsx",
    "json",
    "js/css assets",
    "DuckDB-WASM (SQL page, fixed)",
    "search index",
    "downloads (parquet, duckdb, zip)",
    "package copy (site/datapackage/)",
    "other",
    "originals copied",
)


def site_kind(rel: tuple[str, ...]) -> str:
    name = rel[-1]
    # a file published gzip-compressed (datapackage/data/*.csv.gz, the SQL page's .wasm.gz) counts
    # as what it holds
    suffix = Path(name.removesuffix(".gz")).suffix.lower()
    if rel[0] in ("search", "pagefind"):  # MkDocs' lunr index, or Pagefind's files
        return "search index"
    if rel[0] == "datapackage" and len(rel) > 1:
        return "package copy (site/datapackage/)"
    # an original: agencies/<agency id>/<agency id>-<year>.<suffix> (site/agency_pages.py)
    if rel[0] == "agencies" and len(rel) == 3 and re.fullmatch(re.escape(rel[1]) + r"-\d{4}(\.\w+)?", name):
        return "originals copied"
    if suffix in (".html", ".csv", ".xlsx", ".json"):
        return suffix[1:]
    if suffix == ".wasm":
        return "DuckDB-WASM (SQL page, fixed)"
    if suffix in (".js", ".css", ".map", ".mjs", ".woff", ".woff2", ".ttf"):
        return "js/css assets"
    if suffix in (".parquet", ".duckdb", ".zip"):
        return "downloads (parquet, duckdb, zip)"
    return "other"


def site_breakdown(site: Path, published: int) -> dict:
    """Bytes and files of the site by kind; pages (index.html files); KB per published report
    without the copied originals."""
    kinds = {k: {"files": 0, "bytes": 0} for k in SITE_KINDS}
    pages = 0
    for dirpath, _, names in os.walk(site):
        rel_dir = Path(dirpath).relative_to(site).parts
        for name in names:
            rel = (*rel_dir, name)
            k = kinds[site_kind(rel)]
            k["files"] += 1
            k["bytes"] += os.stat(os.path.join(dirpath, name)).st_size
            pages += name == "index.html"
    total = sum(k["bytes"] for k in kinds.values())
    without = total - kinds["originals copied"]["bytes"]
    return {
        "kinds": kinds,
        "total_bytes": total,
        "files": sum(k["files"] for k in kinds.values()),
        "pages": pages,
        "kb_per_report": without / 1024 / max(1, published),
    }


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """path → (mtime_ns, size) of every file under the folders."""
    out = {}
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            for name in names:
                p = os.path.join(dirpath, name)
                st = os.stat(p)
                out[p] = (st.st_mtime_ns, st.st_size)
    return out


def rewritten(before: dict, after: dict, folder: Path) -> dict:
    """Files under `folder` written (mtime or size changed, or new) and removed between snapshots."""
    prefix = str(folder) + os.sep
    b = {p: v for p, v in before.items() if p.startswith(prefix)}
    a = {p: v for p, v in after.items() if p.startswith(prefix)}
    return {
        "written": sum(1 for p, v in a.items() if b.get(p) != v),
        "removed": sum(1 for p in b if p not in a),
        "files": len(a),
    }


# --- checking the package against the generator's truth -----------------------------------------


def verify(corpus: Path, out: Path, every: int = 1) -> dict:
    """Every `every`-th file of the truth: published, and each of its 200 cells in the package
    as generated (None = blank)."""
    import polars as pl

    from xxgk.synth import corpus as synth_corpus

    keys = [key for key, _ in synth_corpus(1)[0][0].slots()]
    truth = gen.read_truth(corpus, every)
    files = sorted(truth)
    data = out / "datapackage" / "data"

    def csv(name: str) -> pl.DataFrame:
        return pl.read_csv(data / f"{name}.csv", infer_schema_length=0)

    sources = csv("source_files")
    status = {r["source_file"]: r for r in sources.iter_rows(named=True)}
    skipped = [f for f, r in status.items() if r["status"] != "published"]
    missing = [f for f in truth if f not in status]
    ids = {status[f]["report_id"]: f for f in files if f in status and status[f]["report_id"]}
    got: dict[tuple, str | None] = {}
    want_ids = pl.DataFrame({"report_id": list(ids)}, schema={"report_id": pl.String})

    def ours(name: str) -> pl.DataFrame:
        return csv(name).join(want_ids, on="report_id", how="semi")

    for row in ours("applications").iter_rows(named=True):
        for col, v in row.items():
            if col not in ("report_id", "row", "row_order"):
                got[(ids[row["report_id"]], "applications", row["row"], col)] = v
    for row in ours("reviews_litigation").iter_rows(named=True):
        for col, v in row.items():
            if col not in ("report_id", "proceeding"):
                got[(ids[row["report_id"]], "reviews_litigation", row["proceeding"], col)] = v
    for row in ours("proactive_disclosure").iter_rows(named=True):
        got[(ids[row["report_id"]], "proactive_disclosure", row["item"], row["measure"])] = row["value"]
    wrong, examples, checked = 0, [], 0
    for f in files:
        if f not in ids.values():
            continue
        for key, want in zip(keys, truth[f], strict=True):
            checked += 1
            v = got.get((f, *key), "missing")
            ok = (v is None) if want is None else (v not in (None, "missing") and float(v) == float(want))
            if not ok:
                wrong += 1
                if len(examples) < 10:
                    examples.append([f, ":".join(key), want, v])
    return {
        "files": len(truth),
        "skipped": len(skipped),
        "skipped_files": skipped[:10],
        "not_in_package": missing[:10],
        "reports_checked": len(ids),
        "cells_checked": checked,
        "cells_wrong": wrong,
        "wrong_examples": examples,
    }


def report_value(out: Path, source_file: str, row: str, col: str) -> str | None:
    """One applications cell of the report read from `source_file`, as the package has it."""
    import polars as pl

    data = out / "datapackage" / "data"
    src = pl.read_csv(data / "source_files.csv", infer_schema_length=0)
    rid = src.filter(pl.col("source_file") == source_file)["report_id"].to_list()
    if not rid:
        return None
    apps = pl.read_csv(data / "applications.csv", infer_schema_length=0)
    hit = apps.filter((pl.col("report_id") == rid[0]) & (pl.col("row") == row))[col].to_list()
    return hit[0] if hit else None


# --- one size -----------------------------------------------------------------------------------


def stage_times(corpus: Path) -> dict:
    """read, parse and check one by one in this process (every document kept in memory)."""
    from xxgk.check import check_report
    from xxgk.ingest import read
    from xxgk.parse import parse_document
    from xxgk.pipeline import discover

    files = discover(corpus)
    t: dict = {}
    by_format: dict[str, list] = {}  # suffix → [files, seconds to read]
    start = time.perf_counter()
    docs = []
    for p in files:
        one = time.perf_counter()
        docs.append((read(p, p.name), hashlib.sha256(p.read_bytes()).hexdigest(), p.name))
        f = by_format.setdefault(p.suffix.lstrip("."), [0, 0.0])
        f[0] += 1
        f[1] += time.perf_counter() - one
    t["read"] = time.perf_counter() - start
    t["read_by_format"] = by_format
    start = time.perf_counter()
    reports = [parse_document(d, sha, name) for d, sha, name in docs]
    t["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    for r in reports:
        check_report(r)
    t["check"] = time.perf_counter() - start
    return t


def make_corpus(n: int, work: Path, args) -> tuple[Path, dict]:
    mix = None if args.mix is None else gen.parse_mix(args.mix)
    name = f"corpus-{n}" if mix is None else f"corpus-{n}-mixed"
    corpus = work / name
    manifest_file = work / f"{name}.manifest.json"
    wanted = {"reports": n, "seed": args.seed, "mix": gen.mix_text(mix or gen.TEXT_ONLY)}
    wanted["variant_share"] = args.variants
    if args.reuse_corpus and manifest_file.exists() and gen.truth_path(corpus).exists():
        manifest = json.loads(manifest_file.read_text("utf-8"))
        if {k: manifest.get(k) for k in wanted} == wanted:
            manifest["reused"] = True
            return corpus, manifest
    shutil.rmtree(corpus, ignore_errors=True)
    manifest = gen.generate(n, corpus, args.seed, mix, args.variants, args.gen_workers)
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return corpus, manifest


def bench(n: int, work: Path, args) -> dict:
    row: dict = {"reports": n, "cache": cache_supported()}
    corpus, row["corpus"] = make_corpus(n, work, args)
    stages = args.stages if args.stages is not None else n <= 10_000
    if stages:
        row["stages"] = stage_times(corpus)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    site = not args.no_site
    full = run_build(corpus, out, site=site, workers=args.workers)
    row["full"] = full
    row["package_bytes"] = du(out / "datapackage")
    if site:
        row["site"] = site_breakdown(out / "site", full["published"])
    verify_every = args.verify_every or (1 if n <= 10_000 else max(1, n // 5000))
    row["verify"] = verify(corpus, out, verify_every)
    if args.incremental:
        row["incremental"] = incremental(n, corpus, out, args, full)
    return row


STEPS = {"unchanged": "unchanged", "add": "+1 report", "edit": "1 edited"}


def incremental(n: int, corpus: Path, out: Path, args, full: dict) -> dict:
    """The same build again unchanged, with one new report, with one report edited."""
    mix = None if args.mix is None else gen.parse_mix(args.mix)
    site = not args.no_site
    folders = (out / "site", out / "datapackage")
    steps: dict = {"full": full}
    before = snapshot(*folders)
    previous = full
    for step in args.incremental:
        change: dict = {}
        if step == "+1 report":
            change = gen.add_report(corpus, n, args.seed, mix, args.variants)
        elif step == "1 edited":
            change = gen.edit_report(corpus, n, args.seed, mix, args.variants)
        r = run_build(corpus, out, site=site, workers=args.workers)
        after = snapshot(*folders)
        r["site_files"] = rewritten(before, after, folders[0])
        r["package_files"] = rewritten(before, after, folders[1])
        if step == "+1 report":
            r["added"] = {k: v for k, v in change.items() if k != "cells"}
            r["added"]["published"] = r["published"] - previous["published"]
        if step == "1 edited":
            r["edited"] = change
            got = report_value(out, change["file"], "received", "total")
            r["edited"]["in_package"] = got
            r["edited"]["ok"] = got is not None and int(got) == change["received"]
        r["parser_changed"] = r.get("parser_fingerprint") != previous.get("parser_fingerprint")
        steps[step] = r
        before, previous = after, r
    if not args.keep_changes:  # the corpus as generated again (--reuse-corpus)
        if "+1 report" in steps:
            (corpus / steps["+1 report"]["added"]["file"]).unlink()
        if "1 edited" in steps:
            gen.edit_report(corpus, n, args.seed, mix, args.variants, restore=True)
    return steps


# --- tables -------------------------------------------------------------------------------------


def _mb(b: float) -> str:
    return f"{b / MB:,.1f} MB" if b < 10 * 1024 * MB else f"{b / MB / 1024:,.2f} GB"


def _gb_or_mb(mb: float) -> str:
    return f"{mb:,.0f} MB" if mb < 10_000 else f"{mb / 1024:,.1f} GB"


def _written(w: dict) -> str:
    return f"{w['written']:,} of {w['files']:,}" + (f" ({w['removed']:,} removed)" if w["removed"] else "")


def corpus_line(row: dict) -> str:
    c = row["corpus"]
    formats = "、".join(f"{k} {v:,}" for k, v in sorted(c["formats"].items(), key=lambda kv: -kv[1]))
    size = sum(c.get("bytes", {}).values())
    how = "reused" if c.get("reused") else f"generated in {c.get('seconds', 0):,.0f} s (not counted)"
    variants = sum(c.get("variants", {}).values())
    return (
        f"Corpus: {row['reports']:,} reports ({formats}; {variants:,} with a variant; "
        f"{_mb(size)}), {how}; parse cache: {'yes' if row['cache'] else 'no'}."
    )


def print_size(row: dict) -> None:
    n, full = row["reports"], row["full"]
    print(f"\n### {n:,} reports\n")
    print(corpus_line(row) + "\n")
    t = full["timings"]
    lines = [
        ("whole build (`xxgk build`, wall)", f"{full['seconds']:,.1f} s"),
        ("reports per second", f"{n / full['seconds']:,.0f}"),
    ]
    lines += [(f"– {k}", f"{v:,.1f} s") for k, v in t.items() if k != "total"]
    lines += [
        ("peak memory, process tree (sum of RSS)", _gb_or_mb(full["peak_tree_rss_mb"])),
        ("peak memory, process tree (sum of PSS)", _gb_or_mb(full["peak_tree_pss_mb"])),
        ("peak memory, largest process (RSS)", _gb_or_mb(full["peak_process_rss_mb"])),
        (
            "ru_maxrss (wait4 / RUSAGE_CHILDREN)",
            f"{full['maxrss_wait4_mb']:,.0f} / {full['maxrss_children_mb']:,.0f} MB",
        ),
        ("data package size", _mb(row["package_bytes"])),
    ]
    site = row.get("site")
    if site:
        lines += [
            ("site size", f"{_mb(site['total_bytes'])} ({site['files']:,} files)"),
            ("pages (index.html)", f"{site['pages']:,}"),
            ("site per report, originals excluded", f"{site['kb_per_report']:,.0f} KB"),
        ]
    v = row["verify"]
    lines += [
        (
            "published / skipped / error checks",
            f"{full['published']:,} / {full['skipped']:,} / {full['errors']:,}",
        ),
        ("cells checked / wrong", f"{v['cells_checked']:,} / {v['cells_wrong']:,}"),
    ]
    print("| | |\n|---|---:|")
    for k, val in lines:
        print(f"| {k} | {val} |")
    if site:
        print("\n| site: kind of file | files | size | share |\n|---|---:|---:|---:|")
        for kind, k in site["kinds"].items():
            if k["files"]:
                share = k["bytes"] / max(1, site["total_bytes"])
                print(f"| {kind} | {k['files']:,} | {_mb(k['bytes'])} | {share:.0%} |")
    if v["cells_wrong"] or v["skipped"] or v["not_in_package"]:
        print(f"\nskipped: {full['skipped_reasons']} (first: {v['skipped_files']})")
        print(f"not in the package: {v['not_in_package']}")
        print(f"wrong cells (file, cell, want, got): {v['wrong_examples']}")
    inc = row.get("incremental")
    if inc:
        print(
            "\n| build | seconds | × full | files parsed | site files written | "
            "datapackage files written | peak memory (tree RSS) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        base = inc["full"]["seconds"]
        for step, r in inc.items():
            sw, pw = (
                (_written(r["site_files"]), _written(r["package_files"]))
                if step != "full"
                else ("all", "all")
            )
            print(
                f"| {step} | {r['seconds']:,.1f} | {r['seconds'] / base:.2f} | {r['parsed']:,} | {sw} | {pw} "
                f"| {_gb_or_mb(r['peak_tree_rss_mb'])} |"
            )
        changed = [step for step, r in inc.items() if r.get("parser_changed")]
        if changed:
            print(
                f"\nThe parser's code changed before: {', '.join(changed)} (the parse cache's fingerprint "
                "differs from the build before), so those builds read every file again: run again."
            )
        if "+1 report" in inc:
            added = inc["+1 report"]["added"]
            print(f"\n+1 report: {added['file']} ({added['fmt']}), published +{added['published']}.")
        if "1 edited" in inc:
            edited = inc["1 edited"]["edited"]
            print(
                f"\nedited: {edited['file']} ({edited['fmt']}), 总计 received now {edited['received']}, "
                f"in the package {edited['in_package']} ({'ok' if edited['ok'] else 'WRONG'})."
            )
    sys.stdout.flush()


def _read_format(row: dict, suffix: str) -> str:
    files, secs = row.get("stages", {}).get("read_by_format", {}).get(suffix, (0, 0))
    return f"{files:,}, {1000 * secs / files:.0f} ms" if files else "–"


def _again(row: dict, step: str) -> str:
    if step not in row.get("incremental", {}):
        return "–"
    secs = row["incremental"][step]["seconds"]
    return f"{secs:.1f} s ({secs / row['full']['seconds']:.0%})"


def print_summary(rows: dict[int, dict]) -> None:
    """One column per size, as the README's table (stage rows only where --stages ran)."""
    sizes = list(rows)
    print("\n| stage | " + " | ".join(f"{n:,} reports" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))

    def line(label: str, cell) -> None:
        print(f"| {label} | " + " | ".join(cell(rows[n]) for n in sizes) + " |")

    if any("stages" in r for r in rows.values()):
        formats = {f for r in rows.values() for f in r.get("stages", {}).get("read_by_format", {})}
        for s in ("read", "parse", "check"):
            line(
                f"{s} (1 process, all in memory)",
                lambda r, s=s: f"{r['stages'][s]:.1f} s" if "stages" in r else "–",
            )
            if s == "read":
                for f in sorted(formats):
                    line(f"– {f} (files, ms per file)", lambda r, f=f: _read_format(r, f))
    for s in ("read+parse+check", "select", "package", "aggregate", "validate", "site"):
        line(s, lambda r, s=s: f"{r['full']['timings'].get(s, 0):.1f} s")
    workers = os.cpu_count()
    line(f"whole build (`xxgk build`, {workers} processes)", lambda r: f"{r['full']['seconds']:.1f} s")
    line("reports per second, whole build", lambda r: f"{r['reports'] / r['full']['seconds']:.0f}")
    line("peak memory (process tree, RSS)", lambda r: _gb_or_mb(r["full"]["peak_tree_rss_mb"]))
    line("data package size", lambda r: _mb(r["package_bytes"]))
    line("site size", lambda r: _mb(r["site"]["total_bytes"]) if "site" in r else "–")
    line("pages", lambda r: f"{r['site']['pages']:,}" if "site" in r else "–")
    line(
        "site per report, originals excluded",
        lambda r: f"{r['site']['kb_per_report']:.0f} KB" if "site" in r else "–",
    )
    line(
        "reports published / error checks", lambda r: f"{r['full']['published']:,} / {r['full']['errors']:,}"
    )
    line(
        "skipped files / cells wrong", lambda r: f"{r['full']['skipped']:,} / {r['verify']['cells_wrong']:,}"
    )
    if any("incremental" in r for r in rows.values()):
        for step in STEPS.values():
            line(f"build again: {step}", lambda r, step=step: _again(r, step))


# --- the old per-format timing ------------------------------------------------------------------


def bench_formats(n: int, work: Path) -> dict[str, tuple[float, int]]:
    """The same n reports as text, web page (GBK), Word and PDF (exported from Word by
    LibreOffice): seconds to read + parse + check each set, in one process, and cells wrong."""
    from xxgk.check import check_report
    from xxgk.ingest import read
    from xxgk.parse import parse_document
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


def machine() -> dict:
    def git(*a: str) -> str:
        run = subprocess.run(["git", *a], capture_output=True, text=True, cwd=Path(__file__).parent)
        return run.stdout.strip()

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
        "python": sys.version.split()[0],
        "xxgk": str(Path(__import__("xxgk").__file__).parent),
        "checkout_commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_src_files": len(git("status", "--porcelain", "src").splitlines()),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def main() -> None:
    if sys.argv[1:2] == ["--child-build"]:
        return child_build(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument(
        "--mix",
        nargs="?",
        const="",
        default=None,
        metavar="html=0.5,pdf=0.3,docx=0.15,txt=0.05",
        help=f"formats of the generated reports (--mix alone: {gen.mix_text(gen.DEFAULT_MIX)}); "
        "default: text exports only, as the older figures",
    )
    ap.add_argument(
        "--variants",
        type=float,
        default=None,
        metavar="SHARE",
        help="share of reports with a real-world variation (default 0.05 with --mix, 0 without)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--incremental",
        nargs="?",
        const=",".join(STEPS),
        default=None,
        metavar="unchanged,add,edit",
        help="after the full build, build again: unchanged, with one new report, with one report edited "
        "(--incremental alone: all three)",
    )
    ap.add_argument(
        "--stages",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time read, parse, check in one process first (default: sizes up to 10,000)",
    )
    ap.add_argument("--no-site", action="store_true")
    ap.add_argument("--workers", type=int, default=None, help="build processes (default: CPU count)")
    ap.add_argument("--gen-workers", type=int, default=None, help="corpus generation processes")
    ap.add_argument("--verify-every", type=int, default=0, metavar="K", help="check every K-th file's cells")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    ap.add_argument(
        "--reuse-corpus", action="store_true", help="with --keep: reuse a corpus generated before"
    )
    ap.add_argument("--keep-changes", action="store_true", help="leave the incremental changes in the corpus")
    ap.add_argument("--json", type=Path, help="write every number to this file")
    ap.add_argument(
        "--formats",
        type=int,
        default=0,
        metavar="N",
        help="also time N reports as TXT, HTML, DOCX and PDF (PDF needs LibreOffice)",
    )
    ap.add_argument(
        "--src",
        type=Path,
        help="import xxgk from this folder (e.g. a snapshot: git archive HEAD src | tar -x -C DIR), "
        "so that edits to the checkout during a long run do not change the code measured",
    )
    args = ap.parse_args()
    if args.src:
        src = str(args.src.resolve())
        if not (Path(src) / "xxgk" / "__init__.py").exists():
            raise SystemExit(f"--src: no xxgk package in {src}")
        sys.path.insert(0, src)
        os.environ["PYTHONPATH"] = os.pathsep.join(x for x in (src, os.environ.get("PYTHONPATH")) if x)
    try:
        args.incremental = [STEPS[s.strip()] for s in args.incremental.split(",")] if args.incremental else []
    except KeyError as e:
        raise SystemExit(f"--incremental: unknown step {e} (one of {', '.join(STEPS)})") from None
    if args.variants is None:
        args.variants = 0.05 if args.mix is not None else 0.0
    work = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    numbers: dict = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}, "sizes": {}}
    if args.formats:
        timing = bench_formats(args.formats, work)
        numbers["formats"] = {k: {"seconds": s, "wrong": w} for k, (s, w) in timing.items()}
        print(
            f"| format ({args.formats:,} reports, read + parse + check, 1 process) "
            "| seconds | reports per second | cells wrong |"
        )
        print("|---|---:|---:|---:|")
        for suffix, (secs, wrong) in timing.items():
            print(f"| {suffix} | {secs:.1f} | {args.formats / secs:.0f} | {wrong} |")
        print()
    rows = {}
    for n in args.sizes:
        rows[n] = bench(n, work, args)
        print_size(rows[n])
        numbers["sizes"][str(n)] = rows[n]
        if args.json:
            args.json.write_text(json.dumps(numbers, ensure_ascii=False, indent=1), "utf-8")
    if rows:
        print_summary(rows)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
