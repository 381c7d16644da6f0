"""pdfplumber's layout (MIT): ruled tables from edges, table cell text and the page's text
lines, giving exactly pdfplumber's results with less work.

Once pdfium had parsed a page (pdf_pdfium.py), pdfplumber's own layout code took most of the
reader's time: `Table.extract` tests every character of the page against every row and cell,
the table finder compares every intersection with every other one and builds sets of edges
for each comparison, and words are built with a dictionary and several calls per character.
This module follows the same steps with the same arithmetic, in the same order where order
can change a result (clusters, snapped averages, joined edges), on tuples and indexes:

- edges: pdfplumber's `Container.edges` (lines, then rectangles' four sides, then curves'
  straight pieces) and `TableFinder` with the settings the reader uses (both strategies
  "lines", tolerances 3, edges at least 1 point long before merging and 3 after);
- cells: `intersections_to_cells`, each intersection's edges kept as sets once;
- tables: `cells_to_tables` (cells sharing a corner, transitively), `Table.rows`, `.bbox`;
- text: `WordExtractor` with its defaults, `extract_text` for a cell and
  `extract_text_lines` (layout off) for a page.

tests/test_pdf_reader.py checks each against pdfplumber's own functions on real, variant and
generated PDFs.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby, pairwise
from operator import itemgetter

TOLERANCE = 3  # pdfplumber's default snap, join, intersection and text tolerances
PREFILTER = 1  # edges shorter than this are dropped before merging (edge_min_length_prefilter)
MIN_EDGE = 3  # and shorter than this after (edge_min_length)
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

# An edge: [x0, top, x1, bottom, width, height, orientation "h" | "v" | None]
Edge = list
Box = tuple[float, float, float, float]


# ---------------------------------------------------------------- clustering


def _cluster_ids(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's cluster_list on the distinct values: sorted, a new cluster wherever a
    value is more than `tolerance` above the value before it."""
    ids: dict[float, int] = {}
    k = -1
    last = None
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            k += 1
        ids[v] = k
        last = v
    return ids


def _cluster(items: list, keys: list, tolerance: float) -> list[list]:
    """cluster_objects: clusters in order of their values, items in their own order."""
    first = keys[0] if keys else None
    if all(k == first for k in keys):
        return [list(items)] if items else []  # one value, one cluster (a line of one font)
    ids = _cluster_ids(keys, tolerance)
    groups: dict[int, list] = {}
    for item, key in zip(items, keys, strict=True):
        groups.setdefault(ids[key], []).append(item)
    return [groups[k] for k in sorted(groups)]


# ---------------------------------------------------------------- edges and tables


def page_edges(lines: list[dict], rects: list[dict], curves: list[dict]) -> list[Edge]:
    """pdfplumber's Container.edges, in its order."""
    edges: list[Edge] = []
    for ln in lines:
        o = "h" if ln["top"] == ln["bottom"] else "v"
        edges.append([ln["x0"], ln["top"], ln["x1"], ln["bottom"], ln["width"], ln["height"], o])
    for r in rects:
        x0, top, x1, bottom, width, height = r["x0"], r["top"], r["x1"], r["bottom"], r["width"], r["height"]
        edges.append([x0, top, x1, top, width, 0, "h"])
        edges.append([x0, top + height, x1, bottom, width, 0, "h"])
        edges.append([x0, top, x0, bottom, 0, height, "v"])
        edges.append([x1, top, x1, bottom, 0, height, "v"])
    for c in curves:
        pts = c["pts"]
        for (ax, ay), (bx, by) in pairwise(pts):
            o = "v" if ax == bx else ("h" if ay == by else None)
            edges.append([min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), abs(ax - bx), abs(ay - by), o])
    return edges


def _snap(edges: list[Edge], at: int) -> list[Edge]:
    """snap_objects: each cluster of positions (x0 of vertical edges, top of horizontal ones)
    moved to its average, as pdfplumber's move_object adds the difference to both ends."""
    out: list[Edge] = []
    end = at + 2
    for cluster in _cluster(edges, [e[at] for e in edges], TOLERANCE):
        avg = sum(e[at] for e in cluster) / len(cluster)
        for e in cluster:
            value = avg - e[at]
            moved = list(e)
            moved[at] = e[at] + value
            moved[end] = e[end] + value
            out.append(moved)
    return out


def _join(group: list[Edge], orientation: str) -> list[Edge]:
    """join_edge_group: edges on one line that touch or overlap become one."""
    lo, hi = (0, 2) if orientation == "h" else (1, 3)
    size = 4 if orientation == "h" else 5
    group = sorted(group, key=lambda e: e[lo])
    joined = [group[0]]
    for e in group[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + TOLERANCE:
            if e[hi] > last[hi]:
                grown = list(last)
                grown[hi] = e[hi]
                # resize_object: width from x0; height grown by the difference
                grown[size] = e[hi] - last[0] if orientation == "h" else last[5] + (e[hi] - last[hi])
                joined[-1] = grown
        else:
            joined.append(e)
    return joined


def table_edges(edges: list[Edge]) -> list[Edge]:
    """TableFinder.get_edges with both strategies "lines"."""
    v = [e for e in edges if e[6] == "v" and e[5] >= PREFILTER]
    h = [e for e in edges if e[6] == "h" and e[4] >= PREFILTER]
    snapped = _snap(v, 0) + _snap(h, 1)

    def group(e: Edge) -> tuple[str, float]:
        return ("h", e[1]) if e[6] == "h" else ("v", e[0])

    merged: list[Edge] = []
    for (orientation, _), items in groupby(sorted(snapped, key=group), key=group):
        merged += _join(list(items), orientation)
    return [e for e in merged if (e[5] if e[6] == "v" else e[4]) >= MIN_EDGE]


def _intersections(edges: list[Edge]) -> dict[tuple[float, float], tuple[set, set]]:
    """edges_to_intersections: where a vertical edge meets a horizontal one, within the
    tolerance, with the (boxes of the) edges meeting there."""
    t = TOLERANCE
    v_edges = sorted((e for e in edges if e[6] == "v"), key=lambda e: (e[0], e[1]))
    h_edges = sorted((e for e in edges if e[6] == "h"), key=lambda e: (e[1], e[0]))
    tops = [h[1] for h in h_edges]
    found: dict[tuple[float, float], tuple[set, set]] = {}
    for v in v_edges:
        vx, vtop, vbottom = v[0], v[1], v[3]
        # a slightly wider window than the test, which then decides exactly as pdfplumber's
        lo = bisect_left(tops, vtop - t - 1e-6)
        hi = bisect_right(tops, vbottom + t + 1e-6)
        for h in h_edges[lo:hi]:
            if vtop <= h[1] + t and vbottom >= h[1] - t and vx >= h[0] - t and vx <= h[2] + t:
                point = (vx, h[1])
                if point not in found:
                    found[point] = (set(), set())
                found[point][0].add((v[0], v[1], v[2], v[3]))
                found[point][1].add((h[0], h[1], h[2], h[3]))
    return found


def _cells(found: dict[tuple[float, float], tuple[set, set]]) -> list[Box]:
    """intersections_to_cells: from each intersection, the smallest cell it is the top left
    corner of, walking down and right along the same edges."""
    points = sorted(found)
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)

    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and not found[p1][0].isdisjoint(found[p2][0]):
            return True
        return p1[1] == p2[1] and not found[p1][1].isdisjoint(found[p2][1])

    cells: list[Box] = []
    for pt in points:
        column, row = by_x[pt[0]], by_y[pt[1]]
        below = column[column.index(pt) + 1 :]
        right = row[row.index(pt) + 1 :]
        cell = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in found and connects(corner, right_pt) and connects(corner, below_pt):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


@dataclass(frozen=True)
class Row:
    bbox: Box
    cells: tuple[Box | None, ...]  # None where a merged cell covers the column


@dataclass
class Grid:
    """A ruled table: pdfplumber's Table, its cells as boxes."""

    cells: tuple[Box, ...]

    @cached_property
    def bbox(self) -> Box:
        c = self.cells
        return (min(b[0] for b in c), min(b[1] for b in c), max(b[2] for b in c), max(b[3] for b in c))

    @cached_property
    def rows(self) -> list[Row]:
        """Table.rows: cells by top, then by left; a column no cell of the row starts at is None."""
        xs = sorted({c[0] for c in self.cells})
        rows = []
        for _, row_cells in groupby(sorted(self.cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
            by_x = {c[0]: c for c in row_cells}
            cells = tuple(by_x.get(x) for x in xs)
            present = [c for c in cells if c is not None]
            bbox = (
                min(c[0] for c in present),
                min(c[1] for c in present),
                max(c[2] for c in present),
                max(c[3] for c in present),
            )
            rows.append(Row(bbox, cells))
        return rows


def find_tables(edges: list[Edge]) -> list[Grid]:
    """TableFinder(...).tables: cells sharing a corner, transitively, make a table; tables of
    more than one cell, from the top."""
    cells = _cells(_intersections(table_edges(edges)))
    by_corner: dict[tuple[float, float], list[int]] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            by_corner.setdefault(corner, []).append(i)
    seen = [False] * len(cells)
    tables: list[list[Box]] = []
    for i in range(len(cells)):
        if seen[i]:
            continue
        seen[i] = True
        todo, members = [i], []
        while todo:
            j = todo.pop()
            members.append(cells[j])
            x0, top, x1, bottom = cells[j]
            for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
                for k in by_corner[corner]:
                    if not seen[k]:
                        seen[k] = True
                        todo.append(k)
        tables.append(members)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [Grid(tuple(t)) for t in tables if len(t) > 1]


# ---------------------------------------------------------------- text


def _words(chars: list[dict]) -> list[tuple[str, float, list[dict]]]:
    """WordExtractor(defaults).iter_extract_tuples: (text, top, characters) for each word.
    Runs of upright characters are read in lines from the top, left to right; others
    (turned a quarter) in lines from the left, top to bottom. Whitespace ends a word, as does
    a gap of more than 3 points, a step back or a step of more than 3 points across."""
    t = TOLERANCE
    words: list[tuple[str, float, list[dict]]] = []

    def add(word: list[dict]) -> None:
        text = "".join([LIGATURES.get(c["text"], c["text"] or "") for c in word])
        words.append((text, min([c["top"] for c in word]), word))

    for upright, run in groupby(chars, key=itemgetter("upright")):
        run = list(run)
        # (start, end, across) as char_begins_new_word compares them
        if upright:
            lines = _cluster(run, [c["top"] for c in run], t)
            along, end, across = "x0", "x1", "top"
        else:
            lines = _cluster(run, [c["x0"] for c in run], t)
            along, end, across = "top", "bottom", "x0"
        for line in lines:
            line.sort(key=itemgetter("x0") if upright else itemgetter("top", "bottom"))
            word: list[dict] = []
            prev_start = prev_end = prev_across = 0.0
            for c in line:
                text = c["text"]
                if text.isspace():
                    if word:
                        add(word)
                    word = []
                    continue
                if text == "":  # pdfplumber: `"" in split_at_punctuation` holds: a word alone
                    if word:
                        add(word)
                    add([c])
                    word = []
                    continue
                start, across_ = c[along], c[across]
                if word and (start < prev_start or start > prev_end + t or abs(across_ - prev_across) > t):
                    add(word)
                    word = [c]
                else:
                    word.append(c)
                prev_start, prev_end, prev_across = start, c[end], across_
            if word:
                add(word)
    return words


def cell_text(chars: list[dict]) -> str:
    """pdfplumber.utils.extract_text(chars), layout off: words in lines from the top."""
    if not chars:
        return ""
    words = _words(chars)
    lines = _cluster(words, [w[1] for w in words], TOLERANCE)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


_LINE = re.compile(r" *([^\n]+?) *(\n|$)")  # TextMap.extract_text_lines(strip=True)


def text_lines(chars: list[dict]) -> list[dict]:
    """Page.extract_text_lines(return_chars=True), layout off: pdfplumber's text map (a line
    for each run of words whose tops cluster together, words joined by a space, a character
    once per letter of its text) and the same pattern over it."""
    words = _words(chars)
    ids = _cluster_ids([w[1] for w in words], TOLERANCE)
    letters: list[tuple[str, dict | None]] = []
    for i, (_, line) in enumerate(groupby(words, key=lambda w: ids[w[1]])):
        if i:
            letters.append(("\n", None))
        length = 0
        for _, _, word in line:
            if length:
                letters.append((" ", None))
                length += 1
            for c in word:
                for letter in LIGATURES.get(c["text"], c["text"]):
                    letters.append((letter, c))
                    length += 1
    text = "".join(t for t, _ in letters)
    lines = []
    for m in _LINE.finditer(text):
        if not m.group(1).strip():
            continue
        line_chars = [c for _, c in letters[m.start(1) : m.end(1)] if c is not None]
        lines.append(
            {
                "text": m.group(1),
                "x0": min(c["x0"] for c in line_chars),
                "top": min(c["top"] for c in line_chars),
                "x1": max(c["x1"] for c in line_chars),
                "bottom": max(c["bottom"] for c in line_chars),
                "chars": line_chars,
            }
        )
    return lines


class CharIndex:
    """A page's characters by their middle, for Table.extract's test (h_mid ≥ x0, h_mid < x1,
    v_mid ≥ top, v_mid < bottom: half-open boxes)."""

    def __init__(self, chars: list[dict]):
        self.chars = chars
        self.mids = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]
        self.order = sorted(range(len(chars)), key=lambda i: self.mids[i][1])
        self.v_sorted = [self.mids[i][1] for i in self.order]

    def inside(self, bbox: Box) -> list[int]:
        """Indexes, in page order, of the characters whose middle is in the box."""
        x0, top, x1, bottom = bbox
        mids = self.mids
        lo, hi = bisect_left(self.v_sorted, top), bisect_left(self.v_sorted, bottom)
        return sorted(i for i in self.order[lo:hi] if x0 <= mids[i][0] < x1)


def extract(grid: Grid, index: CharIndex) -> list[list[str | None]]:
    """Table.extract() with default text settings: each cell's characters (in page order)
    read as words and lines; None for a column a merged cell covers."""
    chars, mids = index.chars, index.mids
    out: list[list[str | None]] = []
    for row in grid.rows:
        in_row = index.inside(row.bbox)
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = cell
            picked = [chars[i] for i in in_row if x0 <= mids[i][0] < x1 and top <= mids[i][1] < bottom]
            texts.append(cell_text(picked))
        out.append(texts)
    return out
