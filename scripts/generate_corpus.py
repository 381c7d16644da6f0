"""Writes N synthetic reports (agencies × consecutive years, ~20% with a deliberate arithmetic
error, some blank cells, some published late) into a folder, with the truth the generator knows
(every value cell of every file) next to it, in FOLDER.truth.jsonl.gz.

    .venv/bin/python scripts/generate_corpus.py 1000 /tmp/corpus-1000
    .venv/bin/python scripts/generate_corpus.py 1000 /tmp/mixed-1000 --mix          # default mix
    .venv/bin/python scripts/generate_corpus.py 1000 /tmp/m --mix html=0.4,pdf=0.3,docx=0.2,txt=0.1

Without --mix every report is a text export in the two layouts of the seeds (the corpus the
README's older figures were measured on, byte for byte). With --mix each report is rendered in
its format by xxgk.synth's renderers: web page (half GBK, half UTF-8), PDF (reportlab), Word,
text; the formats are dealt in blocks of 100 reports, so every 100 consecutive reports hold the
proportions exactly and report k's format does not depend on N (adding report N+1 keeps the
others). `--variants SHARE` renders that share of the reports with one of the real-world
variations of synth/variants.py that keep the numbers (SPRINKLE). Files are written by worker
processes; every file's bytes depend only on the seed and its number.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import io
import json
import os
import random
import re
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

FORMATS = ("html", "pdf", "docx", "txt")
SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "txt": ".txt"}
# What agencies publish (README 性能): mostly CMS web pages, often with the same report attached
# as PDF; Word files less often; plain text only as an export.
DEFAULT_MIX = {"html": 0.5, "pdf": 0.3, "docx": 0.15, "txt": 0.05}
HTML_GBK = 0.5  # share of web pages in GBK (charset=gb2312), the others UTF-8
BLOCK = 100
# Variants (synth/variants.py) that change how a file looks but not its numbers, agency or year.
SPRINKLE = (
    "unit_jian",
    "label_typos",
    "label_spaces",
    "label_wrapped",
    "numbering_styles",
    "heading_wording",
    "heading_indented",
    "page_numbers",
    "table_split",
    "header_repeated",
    "group_label_restart",
    "notes_under_table",
    "extra_blank_columns",
    "flat_grid",
    "fullwidth_digits",
    "chinese_date",
    "header_line_breaks",
    "bookmark_noise",
    "crlf",
    "gbk_encoding",
    "title_two_lines",
    "spaced_digits",
    "title_in_head_only",
    "pubdate_meta_only",
    "pdf_borderless",
    "white_text_boxes",
    "wps_pdf",
    "last_row_below_box",
)
TEXT_ONLY = {"txt": 1.0}


def parse_mix(text: str | None) -> dict[str, float]:
    """「html=0.4,pdf=0.3,docx=0.2,txt=0.1」 → proportions summing to 1 (empty: DEFAULT_MIX)."""
    if not text:
        return dict(DEFAULT_MIX)
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, _, share = part.partition("=")
        name = name.strip().lower().lstrip(".")
        name = {"htm": "html", "text": "txt", "word": "docx"}.get(name, name)
        if name not in FORMATS:
            raise ValueError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
        mix[name] = float(share)
    total = sum(mix.values())
    if total <= 0 or any(v < 0 for v in mix.values()):
        raise ValueError("proportions must be ≥ 0 and not all 0")
    return {k: v / total for k, v in mix.items() if v > 0}


def mix_text(mix: dict[str, float]) -> str:
    return ",".join(f"{k}={v:g}" for k, v in mix.items())


@cache
def _block(seed: int, b: int, mix_key: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    """The formats of reports b*BLOCK … b*BLOCK+99: the exact proportions (largest remainder),
    shuffled by the seed."""
    quota = {f: share * BLOCK for f, share in mix_key}
    counts = {f: int(q) for f, q in quota.items()}
    for f in sorted(quota, key=lambda f: counts[f] - quota[f])[: BLOCK - sum(counts.values())]:
        counts[f] += 1
    deck = [f for f, c in counts.items() for _ in range(c)]
    random.Random(f"xxgk-mix/{seed}/{b}").shuffle(deck)
    return tuple(deck)


def choices(k: int, seed: int, mix: dict[str, float], variants: float, layout: str) -> dict:
    """Report k's format, variant (or None) and, for a web page, its encoding."""
    fmt = _block(seed, k // BLOCK, tuple(mix.items()))[k % BLOCK]
    rng = random.Random(f"xxgk-corpus/{seed}/{k}")
    variant = None
    if rng.random() < variants:
        from xxgk.synth.variants import VARIANTS

        vfmt = layout if fmt == "txt" else fmt
        fits = [v for v in SPRINKLE if vfmt in VARIANTS[v].formats]
        variant = rng.choice(fits)
    return {"fmt": fmt, "variant": variant, "gbk": fmt == "html" and rng.random() < HTML_GBK}


def relpath(k: int, rep, fmt: str) -> str:
    return f"{rep.agency.city}/{rep.agency.district}/{k:06d}-{rep.agency.kind}-{rep.year}{SUFFIX[fmt]}"


# --- Word files, fast ---------------------------------------------------------------------------
# python-docx takes ~0.2 s a file; every report of one shape differs only in its texts. So the
# document is rendered once per shape by synth.layout.render_docx with each plain text replaced by
# a token, and each report's texts are put in place of the tokens (the same document.xml
# python-docx writes). Zip entries carry a fixed date, so the bytes depend only on the report.

_TOKEN = re.compile("\ue000(\\d+)\ue001")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_SHAPES: dict[tuple, tuple[str, list[tuple[str, bytes]]]] = {}


def _plain(text: str) -> bool:
    return bool(text) and text == text.strip() and not any(c in text for c in "\n\t\r\ue000\ue001")


def _tokenised(doc) -> tuple[object, list[str], tuple]:
    d = copy.deepcopy(doc)
    texts: list[str] = []
    shape: list = []

    def token(text: str) -> str:
        texts.append(text)
        return f"\ue000{len(texts) - 1}\ue001"

    for b in d.blocks:
        if b.table:
            cells = []
            for x in b.table.cells:
                plain = _plain(x.text)
                if plain:
                    x.text = token(x.text)
                cells.append((x.r, x.c, x.rs, x.cs, None if plain else x.text))
            shape.append(("table", b.table.nrows, b.table.ncols, tuple(cells)))
        else:
            full = b.indent + b.text
            if _plain(full):
                b.indent, b.text = "", token(full)
                shape.append((b.kind, None))
            else:
                shape.append((b.kind, full))
    return d, texts, tuple(shape)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def docx_bytes(doc) -> bytes:
    """synth.layout.render_docx(doc), fast and with fixed zip dates."""
    from xxgk.synth.layout import render_docx

    token_doc, texts, shape = _tokenised(doc)
    if shape not in _SHAPES:
        if len(_SHAPES) > 256:
            _SHAPES.clear()
        z = zipfile.ZipFile(io.BytesIO(render_docx(token_doc)))
        members = [(i.filename, z.read(i)) for i in z.infolist()]
        xml = next(data for name, data in members if name == "word/document.xml").decode("utf-8")
        _SHAPES[shape] = (xml, members)
    xml, members = _SHAPES[shape]
    body = _TOKEN.sub(lambda m: escape(texts[int(m[1])]), xml).encode("utf-8")
    return _zip([(name, body if name == "word/document.xml" else data) for name, data in members])


# --- one report ---------------------------------------------------------------------------------


def render(rep, fmt: str, variant: str | None, gbk: bool, k: int, seed: int) -> tuple[bytes, list]:
    """The file's bytes and its truth: the 200 value cells in slot order (None = blank)."""
    from xxgk.synth.layout import build_doc
    from xxgk.synth.layout import render_html as html_page
    from xxgk.synth.pdf import render_pdf

    if variant:
        return _render_variant(rep, fmt, variant, k, seed)
    truth = [None if key in rep.blank else 0 if key in rep.placeholder else v for key, v in rep.slots()]
    if fmt == "txt":
        return rep.render().encode("utf-8"), truth
    doc = build_doc(rep)
    if fmt == "html":
        if gbk:
            doc.page_charset = "gb2312"
        return html_page(doc).encode("gbk" if gbk else "utf-8"), truth
    if fmt == "docx":
        return docx_bytes(doc), truth
    return render_pdf(doc), truth


def _render_variant(rep, fmt: str, name: str, k: int, seed: int) -> tuple[bytes, list]:
    """As variants.make_case, on this corpus report instead of a random one."""
    from xxgk.synth import variants as V
    from xxgk.synth.layout import build_doc

    v = V.VARIANTS[name]
    rep = copy.deepcopy(rep)
    case = V.Case(name, rep.layout if fmt == "txt" else fmt, k, rep, random.Random(f"xxgk-v/{seed}/{k}"))
    if v.report:
        v.report(case)
    truth = {key: None if key in rep.blank else 0 if key in rep.placeholder else x for key, x in rep.slots()}
    truth |= case.cells
    case.doc = build_doc(rep, case.value_text, case.labels, case.mix_2019_other)
    for edit in case.after:
        edit(case)
    if v.doc:
        v.doc(case)
    data = docx_bytes(case.doc) if case.fmt == "docx" else V.render(case)
    return data, [truth[key] for key, _ in rep.slots()]


def _init_worker() -> None:
    from reportlab import rl_config

    rl_config.invariant = 1  # no creation date or random id: the same bytes every run


def _write_chunk(jobs: list[tuple], folder: str, seed: int) -> list[dict]:
    _init_worker()
    out = []
    for k, rep, fmt, variant, gbk in jobs:
        data, truth = render(rep, fmt, variant, gbk, k, seed)
        rel = relpath(k, rep, fmt)
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out.append({"k": k, "file": rel, "fmt": fmt, "variant": variant, "bytes": len(data), "cells": truth})
    return out


def truth_path(folder: Path) -> Path:
    return folder.with_name(folder.name + ".truth.jsonl.gz")


def read_truth(folder: Path, every: int = 1) -> dict[str, list]:
    """file → its 200 cells in slot order, for every `every`-th file written."""
    with gzip.open(truth_path(folder), "rt", encoding="utf-8") as fh:
        return {row["file"]: row["cells"] for i, row in enumerate(map(json.loads, fh)) if i % every == 0}


def generate(
    n: int,
    folder: Path,
    seed: int = 1,
    mix: dict[str, float] | None = None,
    variants: float = 0.0,
    workers: int | None = None,
) -> dict:
    """Writes the corpus; returns a manifest (counts by format, layout and variant, bytes,
    seconds). `mix=None`: text exports only, as before."""
    from xxgk.synth import corpus

    start = time.perf_counter()
    mix = mix or TEXT_ONLY
    folder.mkdir(parents=True, exist_ok=True)
    reps = corpus(n, seed=seed)
    manifest: dict = {
        "reports": n,
        "seed": seed,
        "mix": mix_text(mix),
        "variant_share": variants,
        "broken": sum(bool(b) for _, b in reps),
        "layouts": {},
        "formats": {},
        "variants": {},
        "bytes": {},
    }
    jobs = []
    for k, (rep, _) in enumerate(reps):
        c = choices(k, seed, mix, variants, rep.layout)
        jobs.append((k, rep, c["fmt"], c["variant"], c["gbk"]))
        if c["fmt"] == "txt":
            manifest["layouts"][rep.layout] = manifest["layouts"].get(rep.layout, 0) + 1
    del reps
    workers = workers or os.cpu_count() or 1
    size = max(20, min(500, -(-len(jobs) // (workers * 8))))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_write_chunk, chunks, [str(folder)] * len(chunks), [seed] * len(chunks))
            rows = [row for chunk in results for row in chunk]
    else:
        rows = [row for chunk in chunks for row in _write_chunk(chunk, str(folder), seed)]
    with gzip.open(truth_path(folder), "wt", encoding="utf-8", compresslevel=3) as fh:
        for row in rows:
            fh.write(json.dumps({"file": row["file"], "cells": row["cells"]}) + "\n")
            manifest["formats"][row["fmt"]] = manifest["formats"].get(row["fmt"], 0) + 1
            manifest["bytes"][row["fmt"]] = manifest["bytes"].get(row["fmt"], 0) + row["bytes"]
            if row["variant"]:
                manifest["variants"][row["variant"]] = manifest["variants"].get(row["variant"], 0) + 1
    manifest["seconds"] = round(time.perf_counter() - start, 1)
    return manifest


# --- changes for incremental builds ------------------------------------------------------------


def add_report(
    folder: Path, n: int, seed: int = 1, mix: dict[str, float] | None = None, variants: float = 0.0
) -> dict:
    """Writes report number n (the next one the generator makes: the same reports 0…n-1, then
    one more) into a corpus of n reports; returns its file, format, variant and truth (`cells`);
    the truth file is left as generated."""
    from xxgk.synth import corpus

    _init_worker()
    rep, broken = corpus(n + 1, seed=seed)[n]
    c = choices(n, seed, mix or TEXT_ONLY, variants, rep.layout)
    (row,) = _write_chunk([(n, rep, c["fmt"], c["variant"], c["gbk"])], str(folder), seed)
    return row | {"broken": bool(broken)}


def edit_report(
    folder: Path,
    n: int,
    seed: int = 1,
    mix: dict[str, float] | None = None,
    variants: float = 0.0,
    k: int | None = None,
    restore: bool = False,
) -> dict:
    """Rewrites report k (default: the middle one) with one more application received from a
    natural person, granted (so the arithmetic still holds: received, total processed and
    granted +1 in the natural-person and 总计 columns); `restore` writes it as generated."""
    from xxgk.synth import corpus

    _init_worker()
    k = n // 2 if k is None else k
    rep, _ = corpus(n, seed=seed)[k]
    c = choices(k, seed, mix or TEXT_ONLY, variants, rep.layout)
    for row in ("received", "total_processed", "granted"):
        for col in ("natural_person", "total"):
            rep.applications[row][col] += 0 if restore else 1
    (row,) = _write_chunk([(k, rep, c["fmt"], c["variant"], c["gbk"])], str(folder), seed)
    return {
        "file": row["file"],
        "fmt": row["fmt"],
        "variant": row["variant"],
        "received": rep.applications["received"]["total"],
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--mix",
        nargs="?",
        const="",
        default=None,
        metavar="html=0.5,pdf=0.3,docx=0.15,txt=0.05",
        help=f"file formats and their shares (--mix alone: {mix_text(DEFAULT_MIX)}); default text only",
    )
    ap.add_argument("--variants", type=float, default=0.0, metavar="SHARE", help="share of SPRINKLE variants")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    mix = None if args.mix is None else parse_mix(args.mix)
    print(
        json.dumps(
            generate(args.n, args.folder, args.seed, mix, args.variants, args.workers), ensure_ascii=False
        )
    )
