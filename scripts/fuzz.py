"""Fuzzing: randomly damaged reports of every format, built in one run (run by hand; the test
tests/test_fuzz.py runs a small sample of it).

    .venv/bin/python scripts/fuzz.py                      # 1,000 files per format
    .venv/bin/python scripts/fuzz.py --per-format 50 --seed 7

From the fixtures (reports/, tests/fixtures/ with its handmade/ and real/ files, and a few
synthetic DOCX and HTML reports) it writes N mutated files per format, deterministically from
the seed: flipped and random bytes, files cut at a random point, deleted, repeated and shuffled
lines (text and HTML), damaged markup and cell spans (HTML), damaged document.xml inside the
zip as well as damaged zip bytes (DOCX), damaged content streams, lengths, page trees and
cross-reference tables (PDF), empty files and files of one format under another's extension.

Then, in two passes:

1. every file alone, through `process_file` (what the build runs per file), in worker
   processes watched by a clock: a file that takes longer than `--timeout` is a hang (its
   worker is killed), one whose reason names 「程序缺陷」 is a crash with its traceback;
2. ONE `xxgk build --no-site` over all of them, under a wall-clock limit.

Verdict: every file appears in source_files.csv as published, duplicate or skipped, skipped
files with a non-empty reason; no reason names 「程序缺陷」 (an uncaught exception in our code);
no hang. Failing files are copied to --findings with a note (reason, traceback) to reproduce.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import itertools
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import shutil
import subprocess
import sys
import time
import traceback
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDMADE = ROOT / "tests" / "fixtures" / "handmade"
REAL = Path("/work/shared/real")  # when tests/fixtures/real is absent
CRASH = "程序缺陷"
FORMATS = ("txt", "html", "docx", "pdf", "doc")
EXTENSION = {"txt": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf", "doc": ".doc"}
# Extensions a damaged or misnamed file may carry: all are read by the build ("" included).
OTHER_EXTENSIONS = [".txt", ".text", ".htm", ".html", ".shtml", ".docx", ".doc", ".pdf", ".wps", ""]


# ---------------------------------------------------------------- seeds


def seeds(synthetic: bool = True) -> dict[str, list[tuple[str, bytes]]]:
    """Undamaged files per format: (short name, bytes). `synthetic` adds two generated Word
    files and pages (more table shapes than the one DOCX fixture; ten seconds to draw)."""
    out: dict[str, list[tuple[str, bytes]]] = {f: [] for f in FORMATS}
    folders = [ROOT / "reports", HANDMADE, ROOT / "tests" / "fixtures", ROOT / "tests" / "fixtures" / "real"]
    if not (ROOT / "tests" / "fixtures" / "real").is_dir():
        folders.append(REAL)
    for folder in folders:
        for p in sorted(folder.glob("*")) if folder.is_dir() else []:
            fmt = p.suffix.lstrip(".")
            if fmt in out and p.is_file():
                out[fmt].append((p.stem[:24], p.read_bytes()))
    if synthetic:
        out["docx"] += [(f"synth{k}", d) for k, d in enumerate(_synthetic_docx())]
        out["html"] += [(f"synth{k}", h) for k, h in enumerate(_synthetic_html())]
    return out


@functools.cache
def _synthetic_docx() -> tuple[bytes, ...]:
    from xxgk.synth import corpus
    from xxgk.synth.render import render_docx

    out = []
    for k, (rep, _) in enumerate(corpus(2, seed=3, error_rate=0)):
        parts = _zip_parts(render_docx(rep, ruled=k == 0))
        # python-docx stamps the time of saving: fixed, so the same seed gives the same files
        stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")
        out.append(_zip([(n, stamp.sub(rb"\g<1>2024-01-01T00:00:00Z", b)) for n, b in parts]))
    return tuple(out)


def _synthetic_html() -> list[bytes]:
    from xxgk.synth import corpus
    from xxgk.synth.render import render_html

    return [render_html(rep).encode("utf-8") for rep, _ in corpus(2, seed=3, error_rate=0)]


# ---------------------------------------------------------------- byte-level mutations


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 2, 5, 20, 100])):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def random_span(rng: random.Random, data: bytes) -> bytes:
    """Overwrite a span with random bytes."""
    if not data:
        return data
    n = min(len(data), rng.choice([1, 8, 64, 512, 4096]))
    at = rng.randrange(len(data) - n + 1)
    return data[:at] + rng.randbytes(n) + data[at + n :]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def delete_span(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    n = min(len(data), rng.choice([1, 16, 256, 4096]))
    at = rng.randrange(len(data) - n + 1)
    return data[:at] + data[at + n :]


def repeat_span(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    n = min(len(data), rng.choice([1, 16, 256, 4096]))
    at = rng.randrange(len(data) - n + 1)
    return data[: at + n] + data[at : at + n] * rng.choice([1, 2, 10]) + data[at + n :]


def insert_junk(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice(
        [b"\x00" * rng.randint(1, 64), rng.randbytes(rng.randint(1, 256)), b"\xff\xfe", b"\xef\xbb\xbf"]
    )
    return data[:at] + junk + data[at:]


BYTE_MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    flip_bits,
    random_span,
    truncate,
    delete_span,
    repeat_span,
    insert_junk,
]


# ---------------------------------------------------------------- line-level mutations


def _lines_op(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    if not lines:
        return lines
    op = rng.choice(["delete", "repeat", "shuffle_window", "shuffle_all", "swap", "delete_block"])
    lines = list(lines)
    i = rng.randrange(len(lines))
    if op == "delete":
        for _ in range(rng.choice([1, 3, 10])):
            if lines:
                del lines[rng.randrange(len(lines))]
    elif op == "repeat":
        lines[i:i] = [lines[i]] * rng.choice([1, 2, 50])
    elif op == "shuffle_window":
        n = rng.choice([3, 10, 40])
        window = lines[i : i + n]
        rng.shuffle(window)
        lines[i : i + n] = window
    elif op == "shuffle_all":
        rng.shuffle(lines)
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        del lines[i : i + rng.choice([5, 30, 100])]
    return lines


def blow_up(rng: random.Random, data: bytes) -> bytes:
    """Size: line breaks lost (one long line, repeated), or a block of lines repeated
    hundreds of times (a table of thousands of rows). Finds work that grows faster than the file."""
    sep = b"\r\n" if b"\r\n" in data else b"\n"
    lines = data.split(sep)
    if rng.random() < 0.5:
        return b"".join(lines) * rng.choice([1, 5, 20])
    i = rng.randrange(len(lines))
    block = lines[i : i + rng.choice([1, 10, 40])]
    return sep.join(lines[:i] + block * rng.choice([200, 1000]) + lines[i:])


def line_mutation(rng: random.Random, data: bytes) -> bytes:
    sep = b"\r\n" if b"\r\n" in data else b"\n"
    return sep.join(_lines_op(rng, data.split(sep)))


def text_edit(rng: random.Random, data: bytes) -> bytes:
    """Edits a reader of text exports meets: tabs lost or doubled, numbers made huge or not
    numbers, line ends changed, re-encoded, cut inside a character."""
    op = rng.choice(["tabs_lost", "tabs_doubled", "numbers", "line_ends", "reencode", "cut_char", "nul"])
    if op == "tabs_lost":
        return data.replace(b"\t", b"", rng.randint(1, 200))
    if op == "tabs_doubled":
        return data.replace(b"\t", b"\t\t", rng.randint(1, 200))
    if op == "numbers":
        repl = [b"99999999999999999999", b"-1", b"1e309", b"NaN", b"\xef\xbc\x91\xef\xbc\x90", b"", b"--"]
        return re.sub(rb"\d+", lambda m: rng.choice(repl) if rng.random() < 0.3 else m.group(), data)
    if op == "line_ends":
        return data.replace(b"\n", rng.choice([b"\r", b"\r\r\n", b"\n\n", b"\x0b", "\u2028".encode()]))
    if op == "reencode":
        for enc in ("utf-8", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            return data
        target = rng.choice(["utf-16", "utf-16-be", "utf-32", "gb18030", "big5", "utf-8-sig", "latin-1"])
        return text.encode(target, errors="replace")
    if op == "cut_char":
        starts = [m.start() for m in re.finditer(rb"[\x80-\xff]{2,}", data)]
        if starts:
            at = rng.choice(starts) + 1
            return data[:at] + data[at + 1 :] if rng.random() < 0.5 else data[:at]
        return data
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" + data[at:]


# ---------------------------------------------------------------- HTML


def html_edit(rng: random.Random, data: bytes) -> bytes:
    op = rng.choice(["span", "span", "drop_tags", "nest", "charset", "unclose", "dup_table", "strip_tables"])
    if op == "span":
        values = [b"0", b"-5", b"99999", b"abc", b"1e9", b"", b"2147483648", b"3.5", b"\xef\xbc\x93"]
        data = re.sub(
            rb"(rowspan|colspan)\s*=\s*[\"']?\d+[\"']?",
            lambda m: m.group(1) + b'="' + rng.choice(values) + b'"' if rng.random() < 0.5 else m.group(),
            data,
        )
        # spans where there were none
        return re.sub(
            rb"<td\b",
            lambda m: b'<td rowspan="' + rng.choice(values) + b'"' if rng.random() < 0.05 else m.group(),
            data,
        )
    if op == "drop_tags":
        tag = rng.choice([b"</td>", b"</tr>", b"<tr>", b"<td>", b"</table>", b"<table", b"</p>", b"<tbody>"])
        return data.replace(tag, b"", rng.choice([1, 5, 1000]))
    if op == "nest":
        depth = rng.choice([300, 1000, 5000, 20000])
        opener, closer = rng.choice(
            [(b"<div>", b"</div>"), (b"<table><tr><td>", b"</td></tr></table>"), (b"<span>", b"</span>")]
        )
        at = data.find(b"<body")
        at = data.find(b">", at) + 1 if at >= 0 else 0
        return data[:at] + opener * depth + b"x" + closer * depth + data[at:]
    if op == "charset":
        bogus = rng.choice(
            [
                *(b"x-unknown", b"utf-16", b"gb2312", b"utf-8", b"big5", b"iso-8859-1", b"", b"idna"),
                *(
                    b"punycode",
                    b"unicode_escape",
                    b"hex",
                    b"utf-7",
                    b"rot13",
                    b"zlib",
                    b"utf-32-be",
                    b"cp037",
                ),
            ]
        )
        if re.search(rb"charset\s*=", data, re.I):
            return re.sub(
                rb"(charset\s*=\s*[\"']?)[A-Za-z0-9_\-]+", rb"\g<1>" + bogus, data, count=1, flags=re.I
            )
        return b'<meta charset="' + bogus + b'">' + data
    if op == "unclose":
        return re.sub(rb"</[a-z]+>", b"", data)
    if op == "dup_table":
        m = re.search(rb"<table.*?</table>", data, re.S | re.I)
        if m:
            return data[: m.end()] + m.group() * rng.choice([2, 20]) + data[m.end() :]
        return data
    return re.sub(rb"</?(table|tbody|tr|td|th)\b[^>]*>", b"\t", data, flags=re.I)


# ---------------------------------------------------------------- DOCX


def _zip_parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in parts:  # a fixed date: the same seed gives the same bytes
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _xml_element_edit(rng: random.Random, xml: bytes) -> bytes:
    """Well-formed damage: delete, repeat, move or swap paragraphs, rows, cells, runs and
    tables; grid spans and vertical merges made inconsistent."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(xml)
    op = rng.choice(["delete", "repeat", "move", "swap", "gridspan", "vmerge", "grid"])
    kinds = [f"{w}{k}" for k in ("p", "tr", "tc", "tbl", "r", "t")]
    els = [e for e in root.iter() if e.tag in kinds and e.getparent() is not None]
    if not els:
        return xml
    for _ in range(rng.choice([1, 3, 20])):
        els = [e for e in els if e.getparent() is not None]
        if not els:
            break
        el = rng.choice(els)
        parent = el.getparent()
        if op == "delete":
            parent.remove(el)
        elif op == "repeat":
            for _ in range(rng.choice([1, 5])):
                el.addnext(etree.fromstring(etree.tostring(el)))
        elif op == "move":
            target = rng.choice(els)
            if target is not el and el not in target.iterancestors() and target not in el.iter():
                target.addnext(el)
        elif op == "swap":
            other = rng.choice([e for e in els if e.tag == el.tag] or [el])
            if other is not el and other not in el.iter() and el not in other.iter():
                mark = etree.Element("mark")
                el.addprevious(mark)
                other.addprevious(el)
                mark.addprevious(other)
                mark.getparent().remove(mark)
        elif op in ("gridspan", "vmerge"):
            tcs = [e for e in root.iter(f"{w}tc")]
            if not tcs:
                break
            tc = rng.choice(tcs)
            pr = tc.find(f"{w}tcPr")
            if pr is None:
                pr = etree.SubElement(tc, f"{w}tcPr")
                tc.insert(0, pr)
            if op == "gridspan":
                g = etree.SubElement(pr, f"{w}gridSpan")
                g.set(f"{w}val", rng.choice(["0", "-1", "2", "40", "1000", "x", ""]))
            else:
                v = etree.SubElement(pr, f"{w}vMerge")
                if rng.random() < 0.5:
                    v.set(f"{w}val", rng.choice(["restart", "continue", "bogus"]))
        else:  # the table grid's columns: removed, multiplied or dropped
            grids = list(root.iter(f"{w}tblGrid"))
            if not grids:
                break
            g = rng.choice(grids)
            cols = list(g)
            if rng.random() < 0.5 and cols:
                for c in cols[: rng.randint(1, len(cols))]:
                    g.remove(c)
            else:
                for _ in range(rng.choice([1, 10, 300])):
                    g.append(
                        etree.fromstring(etree.tostring(cols[0])) if cols else etree.Element(f"{w}gridCol")
                    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _xml_chunk_edit(rng: random.Random, xml: bytes) -> bytes:
    """Raw damage to the XML: chunks split at element starts deleted, repeated, shuffled."""
    cuts = [m.start() for m in re.finditer(rb"<w:(?:p|tr|tc|tbl|r)[ >]", xml)]
    if len(cuts) < 2:
        return flip_bits(rng, xml)
    bounds = [0, *cuts, len(xml)]
    chunks = [xml[a:b] for a, b in itertools.pairwise(bounds)]
    head, body = chunks[0], _lines_op(rng, chunks[1:])
    return head + b"".join(body)


def docx_edit(rng: random.Random, data: bytes) -> bytes:
    try:
        parts = _zip_parts(data)
    # a zip an earlier mutation damaged (NotImplementedError: a compression method flipped)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, NotImplementedError, EOFError):
        return flip_bits(rng, data)
    names = [n for n, _ in parts]
    op = rng.choice(
        ["element", "element", "element", "chunk", "xml_bytes", "xml_cut", "drop_part", "other_part"]
    )
    target = "word/document.xml" if "word/document.xml" in names else rng.choice(names)
    if op == "drop_part":
        gone = rng.choice(names)
        return _zip([(n, b) for n, b in parts if n != gone])
    if op == "other_part":
        target = rng.choice(names)
    out = []
    for name, blob in parts:
        if name == target:
            try:
                if op == "element" or (op == "other_part" and blob.lstrip().startswith(b"<")):
                    blob = (
                        _xml_element_edit(rng, blob)
                        if op == "element"
                        else rng.choice(BYTE_MUTATIONS)(rng, blob)
                    )
                elif op == "chunk":
                    blob = _xml_chunk_edit(rng, blob)
                elif op == "xml_bytes":
                    blob = rng.choice([flip_bits, random_span, delete_span, repeat_span])(rng, blob)
                elif op == "xml_cut":
                    blob = truncate(rng, blob)
                else:
                    blob = rng.choice(BYTE_MUTATIONS)(rng, blob)
            except Exception:  # the seed part is not XML: damage its bytes instead
                blob = flip_bits(rng, blob)
        out.append((name, blob))
    return _zip(out)


def zip_damage(rng: random.Random, data: bytes) -> bytes:
    """Damage a zip can carry: compressed bytes changed (bad CRC or inflate errors), central
    directory cut or its entries' offsets changed."""
    op = rng.choice(["compressed", "directory", "local_header"])
    b = bytearray(data)
    if op == "compressed":
        for _ in range(rng.choice([1, 5])):
            at = rng.randrange(64, max(65, len(b) - 200))
            b[at] ^= 0xFF
        return bytes(b)
    cd = data.rfind(b"PK\x01\x02" if op == "directory" else b"PK\x03\x04")
    if cd < 0:
        return flip_bits(rng, data)
    at = cd + rng.randrange(4, 46)
    b[at] = rng.randrange(256)
    return bytes(b)


# ---------------------------------------------------------------- PDF

_STREAM = re.compile(rb"stream\r?\n")


def _streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every stream's bytes."""
    out = []
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3) : m.start()] == b"end":
            continue
        end = data.find(b"endstream", m.end())
        if end > 0:
            out.append((m.end(), end))
    return out


def _content_edit(rng: random.Random, content: bytes) -> bytes:
    op = rng.choice(["lines", "lines", "bytes", "cut", "operators", "numbers"])
    if op == "lines":
        return b"\n".join(_lines_op(rng, content.split(b"\n")))
    if op == "bytes":
        return rng.choice([flip_bits, random_span, delete_span, repeat_span])(rng, content)
    if op == "cut":
        return truncate(rng, content)
    if op == "numbers":
        values = [b"1e308", b"-1e308", b"0", b"99999999999", b"nan", b"-0", b".", b"--1"]
        return re.sub(
            rb"-?\d+\.?\d*", lambda m: rng.choice(values) if rng.random() < 0.1 else m.group(), content
        )
    ops = [
        b"q " * 5000,
        b"Q " * 500,
        b"1e30 0 0 1e30 0 0 cm ",
        b"0 0 0 0 0 0 cm ",
        b"BT ",
        b"ET ET ",
        b"/F999 12 Tf ",
        b"BT /F1 1e20 Tf (xxxxxxxx) Tj ET ",
        b"[(a) -99999999 (b)] TJ ",
        b"0 0 m 1e9 1e9 l S ",
        b"0 0 1e9 1e9 re f ",
        b"1000 Tz 1000 Tc ",
        b"/Im1 Do ",
        b"BI /W 1 /H 1 ID \x00 EI ",
        b"(" + b"\\(" * 100 + b") Tj ",
        b"[[[[[[[[[[[[[[[[[[[[ ",
        b"<< /A << /B << ",
        b"0 0 m " + b"1 1 l " * 20000 + b"S ",
    ]
    at = rng.randrange(len(content) + 1)
    return content[:at] + b"\n" + rng.choice(ops) + b"\n" + content[at:]


def pdf_stream_edit(rng: random.Random, data: bytes) -> bytes:
    """Damage one or more decompressed streams (page contents, fonts, ToUnicode maps), then
    compress them again; the stream's /Length is rewritten or left wrong."""
    streams = _streams(data)
    if not streams:
        return flip_bits(rng, data)
    chosen = sorted(rng.sample(streams, min(len(streams), rng.choice([1, 1, 2, 5]))), reverse=True)
    for start, end in chosen:
        raw = data[start:end].rstrip(b"\r\n")
        try:
            content = zlib.decompressobj().decompress(raw)
            compressed = True
        except zlib.error:
            content, compressed = raw, False
        new = _content_edit(rng, content)
        blob = zlib.compress(new) if compressed else new
        head = data.rfind(b"<<", 0, start)
        fix_length = rng.random() < 0.8 and head >= 0
        if fix_length:
            dict_bytes = data[head:start]
            fixed = re.sub(rb"/Length\s+(\d+\s+\d+\s+R|\d+)", b"/Length %d" % len(blob), dict_bytes, count=1)
            data = data[:head] + fixed + blob + b"\n" + data[end:]
        else:
            data = data[:start] + blob + b"\n" + data[end:]
    return data


def pdf_structure_edit(rng: random.Random, data: bytes) -> bytes:
    """Damage to the objects around the content: page tree, boxes, lengths, xref, trailer."""
    op = rng.choice(
        ["kids_loop", "count", "mediabox", "length", "xref", "startxref", "eof", "encrypt", "root", "objnum"]
    )

    def sub(pattern: bytes, repl: bytes, count: int = 0) -> bytes:
        return re.sub(pattern, repl, data, count=count)

    if op == "kids_loop":
        m = re.search(rb"(\d+) 0 obj\s*<<[^>]*?/Type\s*/Pages", data)
        if m:
            return re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [" + m.group(1) + b" 0 R]", data, count=1)
        return sub(rb"/Parent\s+\d+\s+0\s+R", b"/Parent 1 0 R")
    if op == "count":
        return sub(rb"/Count\s+\d+", rng.choice([b"/Count 0", b"/Count -1", b"/Count 999999999"]))
    if op == "mediabox":
        box = rng.choice(
            [b"[0 0 0 0]", b"[0 0 1e30 1e30]", b"[0 0 -600 -800]", b"[a b c d]", b"[0 0]", b"5 0 R"]
        )
        return sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox " + box)
    if op == "length":
        return sub(
            rb"/Length\s+\d+(?!\s+\d+\s+R)",
            lambda m: (
                b"/Length %d" % rng.choice([0, 1, 10**9, rng.randrange(100000)])
                if rng.random() < 0.5
                else m.group()
            ),
        )
    if op == "xref":
        at = data.rfind(b"xref")
        if at < 0:
            return truncate(rng, data)
        b = bytearray(data)
        for _ in range(rng.choice([1, 10, 50])):
            i = at + rng.randrange(4, min(2000, len(b) - at))
            if i < len(b) and chr(b[i]).isdigit():
                b[i] = ord(str(rng.randrange(10)))
        return bytes(b)
    if op == "startxref":
        return sub(rb"startxref\s+\d+", b"startxref " + rng.choice([b"0", b"999999999", b"-5", b"12"]))
    if op == "eof":
        return data.replace(b"%%EOF", b"")[: -rng.randrange(1, 200)]
    if op == "encrypt":
        return (
            sub(rb"trailer\s*<<", b"trailer\n<< /Encrypt 9999 0 R ", 1)
            if b"trailer" in data
            else (data + b"\ntrailer\n<< /Encrypt << /Filter /Standard /V 9 >> >>\n%%EOF\n")
        )
    if op == "root":
        return sub(rb"/Root\s+\d+\s+0\s+R", b"/Root 99999 0 R")
    # object numbers shuffled: references now point at the wrong objects
    nums = [m.start(1) for m in re.finditer(rb"\n(\d+) 0 obj", data)]
    b = bytearray(data)
    for i in rng.sample(nums, min(len(nums), rng.choice([1, 3, 10]))):
        b[i] = ord(str(rng.randrange(1, 10)))
    return bytes(b)


# ---------------------------------------------------------------- plan


@dataclass
class Mutant:
    name: str  # relative path under the fuzz reports folder
    data: bytes
    how: str


MUTATORS: dict[str, list[tuple[str, Callable[[random.Random, bytes], bytes], int]]] = {
    # (name, function, weight)
    "txt": [
        ("bytes", lambda r, d: r.choice(BYTE_MUTATIONS)(r, d), 4),
        ("lines", line_mutation, 4),
        ("text", text_edit, 3),
        ("size", blow_up, 1),
    ],
    "html": [
        ("bytes", lambda r, d: r.choice(BYTE_MUTATIONS)(r, d), 3),
        ("lines", line_mutation, 3),
        ("text", text_edit, 2),
        ("markup", html_edit, 4),
        ("size", blow_up, 1),
    ],
    "docx": [
        ("bytes", lambda r, d: r.choice(BYTE_MUTATIONS)(r, d), 3),
        ("zip", zip_damage, 2),
        ("xml", docx_edit, 7),
    ],
    "pdf": [
        ("bytes", lambda r, d: r.choice(BYTE_MUTATIONS)(r, d), 4),
        ("stream", pdf_stream_edit, 5),
        ("structure", pdf_structure_edit, 3),
    ],
    "doc": [("bytes", lambda r, d: r.choice(BYTE_MUTATIONS)(r, d), 1)],
}


def plan(per_format: int, seed: int, formats: list[str], synthetic: bool = True) -> list[Mutant]:
    """N mutants per format, the same for the same seed."""
    pool = seeds(synthetic)
    others = [(fmt, s) for fmt in FORMATS for s in pool[fmt]]
    out = []
    for fmt in formats:
        if not pool[fmt]:
            continue
        rng = random.Random(f"{seed}-{fmt}")
        mutators = MUTATORS[fmt]
        weights = [w for *_, w in mutators]
        for k in range(per_format):
            seed_name, data = rng.choice(pool[fmt])
            ext = EXTENSION[fmt]
            roll = rng.random()
            if roll < 0.01:
                how, data = "empty", rng.choice([b"", b" \n\t\r\n", b"\x00"])
            elif roll < 0.05:  # another format's file under this extension
                other_fmt, (seed_name, data) = rng.choice(others)
                how = f"is-{other_fmt}"
                if rng.random() < 0.5:
                    data = rng.choice(BYTE_MUTATIONS)(rng, data)
                    how += "-bytes"
            elif roll < 0.08:  # this format under another extension (or none)
                ext = rng.choice([e for e in OTHER_EXTENSIONS if e != EXTENSION[fmt]])
                name, fn, _ = rng.choices(mutators, weights)[0]
                how, data = f"ext-{name}", fn(rng, data) if rng.random() < 0.5 else data
            else:
                name, fn, _ = rng.choices(mutators, weights)[0]
                data = fn(rng, data)
                how = name
                if rng.random() < 0.15:  # a second, different damage on top
                    name2, fn2, _ = rng.choices(mutators, weights)[0]
                    data = fn2(rng, data)
                    how += f"+{name2}"
            out.append(Mutant(f"{fmt}/{k:04d}-{seed_name}-{how}{ext}", data, how))
    return out


def write(mutants: list[Mutant], folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for m in mutants:
        path = folder / m.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(m.data)


# ---------------------------------------------------------------- pass 1: each file alone, timed


@dataclass
class FileResult:
    name: str
    seconds: float  # wall clock
    status: str  # published-able ("ok"), "skipped", "crash", "hang", "died"
    reason: str | None = None
    detail: str | None = None  # traceback of a crash
    cpu: float = 0.0  # CPU seconds: unlike the wall clock, not slowed by other work on the machine


def _worker(conn, reports_dir: Path, memory_limit: int | None) -> None:
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    import logging

    logging.disable(logging.WARNING)  # pdfminer's warnings about damaged PDFs
    from xxgk.check import check_report
    from xxgk.ingest import read
    from xxgk.parse import parse_document
    from xxgk.pipeline import process_file

    while True:
        name = conn.recv()
        if name is None:
            return
        path = reports_dir / name
        t, c = time.perf_counter(), time.process_time()
        outcome = process_file(path, reports_dir)
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        status, detail = ("ok" if outcome.report else "skipped"), None
        if outcome.reason and CRASH in outcome.reason:
            status = "crash"
            try:  # once more, stage by stage, for the traceback
                report = parse_document(read(path, name), outcome.sha256, name)
                check_report(report)
            except Exception:
                detail = f"{outcome.reason}\n\n{traceback.format_exc()}"
        conn.send(FileResult(name, seconds, status, outcome.reason, detail, cpu))


def time_each(
    names: list[str], reports_dir: Path, timeout: float, workers: int, memory_limit: int | None = 4 << 30
) -> list[FileResult]:
    """Every file through process_file in its own watched worker: a file over `timeout`
    seconds is a hang and its worker is killed and replaced."""
    ctx = multiprocessing.get_context("fork")
    # The readers' libraries are imported once, here, so no file's time includes an import.
    import docx  # noqa: F401
    import lxml.html  # noqa: F401
    import pdfplumber  # noqa: F401

    import xxgk.ingest.docx
    import xxgk.ingest.html
    import xxgk.ingest.pdf
    import xxgk.pipeline  # noqa: F401

    todo = list(reversed(names))
    results: list[FileResult] = []
    busy: dict = {}  # connection → (process, name, start)

    def spawn():
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, reports_dir, memory_limit), daemon=True)
        proc.start()
        child.close()
        return parent, proc

    idle = [spawn() for _ in range(max(1, workers))]
    while todo or busy:
        while todo and idle:
            conn, proc = idle.pop()
            name = todo.pop()
            conn.send(name)
            busy[conn] = (proc, name, time.perf_counter())
        ready = multiprocessing.connection.wait(list(busy), timeout=0.2)
        for conn in ready:
            proc, name, start = busy.pop(conn)
            try:
                results.append(conn.recv())
                idle.append((conn, proc))
            except (EOFError, OSError):  # the worker died (out of memory, segfault)
                results.append(
                    FileResult(name, time.perf_counter() - start, "died", f"worker exit {proc.exitcode}")
                )
                conn.close()
                idle.append(spawn())
        now = time.perf_counter()
        for conn, (proc, name, start) in list(busy.items()):
            if now - start > timeout:
                proc.kill()
                proc.join()
                conn.close()
                del busy[conn]
                results.append(FileResult(name, now - start, "hang", f"over {timeout:g} s"))
                idle.append(spawn())
    for conn, proc in idle:
        conn.send(None)
        proc.join(timeout=5)
    return results


# ---------------------------------------------------------------- pass 2: one build


def build_once(
    reports_dir: Path, out_dir: Path, limit: float, workers: int | None
) -> tuple[float, str | None]:
    """`xxgk build --no-site` as a user runs it, killed after `limit` seconds."""
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "xxgk.cli",
        "build",
        "--no-site",
        "--reports",
        str(reports_dir),
        "--out",
        str(out_dir),
    ]
    if workers:
        cmd += ["--workers", str(workers)]
    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t, f"the build did not finish within {limit:g} s (hang)"
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        return seconds, f"build exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-3000:]}"
    return seconds, None


def read_source_files(out_dir: Path) -> dict[str, dict]:
    path = out_dir / "datapackage" / "data" / "source_files.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["source_file"]: row for row in csv.DictReader(fh)}


# ---------------------------------------------------------------- verdict


@dataclass
class Verdict:
    files: int
    per_format: Counter = field(default_factory=Counter)
    build_seconds: float = 0.0
    timing_seconds: float = 0.0
    build_error: str | None = None
    statuses: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (file, what, detail)
    slowest: list[FileResult] = field(default_factory=list)  # by CPU time
    slowest_wall: FileResult | None = None

    @property
    def ok(self) -> bool:
        return self.build_error is None and not self.failures


def reason_kind(reason: str) -> str:
    """A reason without its file-specific details, for counting."""
    kind = re.sub(r"\d+", "N", re.split(r"[：:（(]", reason, maxsplit=1)[0])
    return kind.strip()[:60] or reason[:60]


# A file's CPU budget grows with its size: a size mutation makes files of tens of MB, which take
# seconds for honest, linear work (an 18 MB page: 5 s). Quadratic work still shows: 22 s for 72 KB.
SLOW_PER_MB = 0.5


def judge(
    names: list[str],
    rows: dict[str, dict],
    timed: list[FileResult],
    slow: float,
    sizes: dict[str, int] | None = None,
) -> Verdict:
    v = Verdict(files=len(names))
    sizes = sizes or {}
    for n in names:
        v.per_format[n.split("/", 1)[0]] += 1
    for n in names:
        row = rows.get(n)
        if row is None:
            v.failures.append((n, "missing", "not in source_files.csv"))
            continue
        status, reason = row["status"], (row.get("reason") or "").strip()
        v.statuses[status] += 1
        if status not in {"published", "duplicate", "skipped"}:
            v.failures.append((n, "status", status))
        if status == "skipped":
            v.reasons[reason_kind(reason)] += 1
            if not reason:
                v.failures.append((n, "no reason", ""))
        if CRASH in reason:
            v.failures.append((n, "crash in build", reason))
    extra = set(rows) - set(names)
    for n in sorted(extra):
        v.failures.append((n, "unexpected", "in source_files.csv but not an input"))
    for r in timed:
        if r.status in {"crash", "hang", "died"}:
            v.failures.append((r.name, r.status, r.detail or r.reason or ""))
        elif r.cpu > slow + SLOW_PER_MB * sizes.get(r.name, 0) / 1e6:
            v.failures.append((r.name, "slow", f"{r.cpu:.1f} s of CPU ({r.seconds:.1f} s wall clock)"))
    v.slowest = sorted(timed, key=lambda r: -r.cpu)[:5]
    v.slowest_wall = max(timed, key=lambda r: r.seconds, default=None)
    return v


def save_findings(v: Verdict, reports_dir: Path, findings: Path) -> None:
    if not v.failures:
        return
    findings.mkdir(parents=True, exist_ok=True)
    for name, what, detail in v.failures:
        src = reports_dir / name
        if not src.exists():
            continue
        flat = name.replace("/", "__")
        shutil.copy(src, findings / flat)
        (findings / f"{flat}.{what.replace(' ', '-')}.txt").write_text(
            f"file: {flat}\nproblem: {what}\nreproduce: .venv/bin/xxgk parse {findings / flat}\n\n{detail}\n",
            encoding="utf-8",
        )


def run(
    per_format: int,
    seed: int,
    work: Path,
    formats: list[str] | None = None,
    timeout: float = 20.0,
    slow: float = 5.0,
    build_limit: float | None = None,
    workers: int | None = None,
    findings: Path | None = None,
    log: Callable[[str], None] = lambda s: None,
    synthetic: bool = True,
) -> Verdict:
    if formats is None:
        formats = [f for f in FORMATS if f != "doc" or shutil.which("soffice") or shutil.which("libreoffice")]
    workers = workers or os.cpu_count() or 1
    reports_dir = work / "reports"
    t = time.perf_counter()
    mutants = plan(per_format, seed, formats, synthetic)
    write(mutants, reports_dir)
    names = [m.name for m in mutants]
    log(f"{len(names)} files written to {reports_dir} in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    timed = time_each(names, reports_dir, timeout, workers)
    timing_seconds = time.perf_counter() - t
    log(f"pass 1 (each file alone, {workers} workers): {timing_seconds:.1f} s")

    limit = build_limit or max(120.0, 2 * timing_seconds + 60)
    seconds, error = build_once(reports_dir, work / "out", limit, workers)
    log(f"pass 2 (one build): {seconds:.1f} s")
    sizes = {m.name: len(m.data) for m in mutants}
    v = judge(names, read_source_files(work / "out"), timed, slow, sizes)
    v.build_seconds, v.timing_seconds, v.build_error = seconds, timing_seconds, error
    if findings is not None:
        shutil.rmtree(findings, ignore_errors=True)
        save_findings(v, reports_dir, findings)
    return v


def report(v: Verdict, findings: Path | None) -> str:
    lines = [
        f"files: {v.files} ({', '.join(f'{k} {n}' for k, n in sorted(v.per_format.items()))})",
        f"pass 1, each file alone: {v.timing_seconds:.1f} s; pass 2, one build: {v.build_seconds:.1f} s",
        "source_files: " + ", ".join(f"{k} {n}" for k, n in v.statuses.most_common()),
        "skipped, by reason:",
        *(f"  {n:6d}  {k}" for k, n in v.reasons.most_common()),
        "slowest files (CPU): " + ", ".join(f"{r.name} {r.cpu:.2f} s" for r in v.slowest),
        "slowest file (wall clock): "
        + (f"{v.slowest_wall.name} {v.slowest_wall.seconds:.2f} s" if v.slowest_wall else "-"),
    ]
    if v.build_error:
        lines.append(f"BUILD FAILED: {v.build_error}")
    kinds = Counter(what for _, what, _ in v.failures)
    lines.append("failures: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) if kinds else "none"))
    for name, what, detail in v.failures[:50]:
        last = detail.strip().splitlines()[-1] if detail.strip() else ""
        lines.append(f"  {what}: {name}  {last[:200]}")
    if v.failures and findings is not None:
        lines.append(f"files and notes to reproduce: {findings}")
    lines.append("VERDICT: " + ("PASS" if v.ok else "FAIL"))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-format", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default=None, help="comma-separated (default: txt,html,docx,pdf[,doc])")
    ap.add_argument("--work", type=Path, default=Path("/tmp/fuzz"))
    ap.add_argument("--findings", type=Path, default=Path("/tmp/fuzz-findings"))
    ap.add_argument("--timeout", type=float, default=30.0, help="a file slower than this is a hang")
    ap.add_argument(
        "--slow",
        type=float,
        default=5.0,
        help="a file using more CPU seconds (plus 0.5 s per MB of file) fails the run",
    )
    ap.add_argument("--build-limit", type=float, default=None, help="seconds (default: from pass 1)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--no-synthetic", action="store_true", help="fixtures only, no generated seeds")
    args = ap.parse_args()
    formats = args.formats.split(",") if args.formats else None
    t = time.perf_counter()
    v = run(
        args.per_format,
        args.seed,
        args.work,
        formats=formats,
        timeout=args.timeout,
        slow=args.slow,
        build_limit=args.build_limit,
        workers=args.workers,
        findings=args.findings,
        log=lambda s: print(s, flush=True),
        synthetic=not args.no_synthetic,
    )
    print(report(v, args.findings))
    print(f"total: {time.perf_counter() - t:.1f} s")
    return 0 if v.ok else 1


if __name__ == "__main__":
    sys.exit(main())
