"""The template matcher: finds the national tables in a Document and reads every cell.

Rows are found by their printed labels (folded, see normalize.fold), never by position: a
row's values are the cells after its label. A label printed differently from the national one
(a typo, a dropped or extra character, cut by a line break) is recognised by closeness, only
within the place the national order leaves for it and only when one candidate is clearly
best (label_variant); another format's row printed in this one is read under its own code
(template_mix). Exports pad or drop blank cells around them, so
the values are aligned by trying every way of dropping blank padding at either end; when more
than one way fits, rows of the same shape in the same table decide, then the row's own
arithmetic; what still cannot be placed is reported (unplaced_cells), never guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from ..formats import Catalogue, ForeignRow, Format, Label, catalogue
from ..ingest.document import Document, Paragraph, Table
from .normalize import ABSENT, CellStatus, CellValue, fold, is_value_like, read_cell, strip_numbering
from .report import Finding


@dataclass(frozen=True)
class Cell:
    """A table cell prepared once per document: its text and its matching keys."""

    text: str
    key: str  # fold(text); "" for value-like cells, which are never labels
    core: str  # fold(strip_numbering(text))


class Grid:
    """A document's tables with every cell folded once; all label searches run over this."""

    def __init__(self, doc: Document):
        self.tables: list[list[tuple[Cell, ...]]] = []
        for table in doc.tables:
            self.tables.append([tuple(_prepare(c) for c in row) for row in table.rows])
        self.raw: list[Table] = doc.tables
        self.keys = {c.key for t in self.tables for row in t for c in row if c.key}
        self.cores = {c.core for t in self.tables for row in t for c in row if c.key}
        # The paragraph right before each table: a text export may print a table's first
        # cell cut by its line break there (「行政」 above 「复议⇥行政诉讼」).
        self.lead: list[str] = []
        for before, block in itertools.pairwise([None, *doc.blocks]):
            if isinstance(block, Table):
                self.lead.append(before.text if isinstance(before, Paragraph) else "")


def _prepare(text: str) -> Cell:
    if not text or is_value_like(text):
        return Cell(text, "", "")
    return Cell(text, fold(text), fold(strip_numbering(text)))


class LabelIndex:
    """Printed labels → codes. A label matches with its numbering (「（七）总计」), or without
    it when the rest is long enough to be unambiguous (「予以公开」 but never 「总计」)."""

    def __init__(self, labels: Iterable[Label]):
        self.full: dict[str, str] = {}
        cores: dict[str, set[str]] = {}
        for lab in labels:
            for text in (lab.label, *lab.aliases):
                self.full.setdefault(fold(text), lab.code)
                core = fold(strip_numbering(text))
                if len(core) >= 4:
                    cores.setdefault(core, set()).add(lab.code)
        self.core = {k: next(iter(v)) for k, v in cores.items() if len(v) == 1}

    def occurs_in(self, grid: Grid) -> bool:
        """Whether any of these labels is printed in the document at all (a cheap test)."""
        return not (grid.keys.isdisjoint(self.full) and grid.cores.isdisjoint(self.core))

    def match(self, cell: Cell) -> str | None:
        if not cell.key:
            return None
        return self.full.get(cell.key) or self.core.get(cell.core)


@dataclass(frozen=True)
class Hit:
    """A table row whose label cell matched: where it is, and the cells after the label."""

    table: int
    row: tuple[str, ...]
    label_at: int
    index: int = 0  # the row's place in its table
    printed: str = ""  # the label as printed, when it was recognised by closeness

    @property
    def position(self) -> tuple[int, int]:
        return (self.table, self.index)

    @property
    def after(self) -> tuple[str, ...]:
        return self.row[self.label_at + 1 :]

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.table, self.label_at, len(self.row))


def find_rows(
    grid: Grid, index: LabelIndex, skip: frozenset[tuple[int, int]] = frozenset(), with_values: bool = False
) -> dict[str, Hit]:
    """The first row, in document order, labelled with each code (the rightmost label wins:
    group labels such as 「（三）不予公开」 precede the row's own). `skip`: rows already read;
    `with_values`: only rows that print something after their label."""
    hits: dict[str, Hit] = {}
    for t, table in enumerate(grid.tables):
        for r, row in enumerate(table):
            if (t, r) in skip:
                continue
            for i in range(len(row) - 1, -1, -1):
                if code := index.match(row[i]):
                    if not with_values or any(c.text.strip() for c in row[i + 1 :]):
                        hits.setdefault(code, Hit(t, grid.raw[t].rows[r], i, r))
                    break
    return hits


# Closeness of a printed label to a national one (rapidfuzz's normalised Indel similarity,
# 0–100, on folded labels without numbering). Measured on real labels: 「其他法律行政止公开」
# 86, 「要求行政机关确认或重」 (cut by a line break) 74; unrelated labels of the same table < 50.
CLOSE_ENOUGH = 60
CLEARLY_BEST = 10  # the best candidate must beat the second by this much, both ways
_SHORTEST_CORE = 4  # shorter labels (「其他」「总计」) are too short to judge by closeness


def match_rows(grid: Grid, labels: Sequence[Label], foreign: Sequence[ForeignRow] = ()) -> dict[str, Hit]:
    """Every row of a table that can be told: by its national label, as another format's row
    printed in this one (`foreign`, only when none of the rows it replaces is printed), or by
    closeness within the place the national order leaves for it."""
    hits = find_rows(grid, _index(tuple(labels)))
    if not hits:
        return hits
    used = frozenset(h.position for h in hits.values())
    # only where none of the rows it replaces is printed: the common case costs no search
    foreign = tuple(f for f in foreign if not any(c in hits for c in f.replaces))
    if foreign and _index(foreign).occurs_in(grid):
        for code, hit in find_rows(grid, _index(foreign), used, with_values=True).items():
            hits[code] = hit
            used |= {hit.position}
    replaced = {c for f in foreign if f.code in hits for c in f.replaces}
    order = [lab.code for lab in labels]
    missing = [c for c in order if c not in hits and c not in replaced]
    if missing:
        hits.update(_match_by_closeness(grid, labels, hits, used, missing))
    return hits


@cache
def _index(labels: tuple[Label, ...]) -> LabelIndex:
    return LabelIndex(labels)


def _core(text: str) -> str:
    return fold(strip_numbering(text))


def _match_by_closeness(
    grid: Grid, labels: Sequence[Label], hits: dict[str, Hit], used: frozenset, missing: list[str]
) -> dict[str, Hit]:
    """Missing rows recognised from labels printed differently. A row is a candidate for a
    missing code only between the rows found for its neighbours in the national order; it is
    taken when it is close enough and clearly closer to that code than to any other label of
    the table, and the code clearly closer to it than to any other candidate. Never a guess."""
    order = [lab.code for lab in labels]
    national = {lab.code: [_core(t) for t in (lab.label, *lab.aliases)] for lab in labels}
    first = min(h.table for h in hits.values())
    last = max(h.table for h in hits.values())
    found: dict[str, Hit] = {}
    taken: set[tuple[int, int]] = set(used)
    for code in missing:
        k = order.index(code)
        before = [hits[c].position for c in order[:k] if c in hits]
        after = [hits[c].position for c in order[k + 1 :] if c in hits]
        low = before[-1] if before else (first, -1)
        high = after[0] if after else (last, 1 << 30)
        if high <= low:
            continue
        scored = []
        for pos, hit, printed in _candidates(grid, low, high, taken):
            own = _closeness(printed, national[code])
            others = max(
                (_closeness(printed, cores) for c, cores in national.items() if c != code), default=0
            )
            scored.append((own, others, pos, hit, printed))
        best: dict[tuple[int, int], tuple] = {}
        for entry in scored:  # a row and its label joined with the line above: the closer one
            if entry[2] not in best or entry[0] > best[entry[2]][0]:
                best[entry[2]] = entry
        scored = sorted(best.values(), key=lambda s: s[0], reverse=True)
        if not scored:
            continue
        own, others, pos, hit, printed = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        if (
            len(national[code][0]) >= _SHORTEST_CORE
            and own >= CLOSE_ENOUGH
            and own - others >= CLEARLY_BEST
            and own - runner_up >= CLEARLY_BEST
        ):
            found[code] = Hit(hit.table, hit.row, hit.label_at, hit.index, printed)
            taken.add(pos)
    return found


def _closeness(printed: str, cores: list[str]) -> float:
    core = _core(printed)
    return max((fuzz.ratio(core, c) for c in cores if c), default=0.0)


def _candidates(grid: Grid, low: tuple[int, int], high: tuple[int, int], taken: set[tuple[int, int]]):
    """Rows strictly between two positions that print a label and something after it. A label
    cut by a line break onto a row of its own is joined to the row below it."""
    for t in range(low[0], high[0] + 1):
        table = grid.tables[t]
        start = low[1] + 1 if t == low[0] else 0
        end = min(high[1], len(table)) if t == high[0] else len(table)
        for r in range(start, end):
            if (t, r) in taken:
                continue
            row = table[r]
            at = next((i for i in range(len(row) - 1, -1, -1) if row[i].key), None)
            if at is None or not any(c.text.strip() for c in row[at + 1 :]):
                continue
            raw = grid.raw[t].rows[r]
            yield (t, r), Hit(t, raw, at, r), raw[at]
            above = table[r - 1] if r > start else ()
            if (
                above
                and (t, r - 1) not in taken
                and above[-1].key
                and not any(c.text.strip() for c in above[1:] if not c.key)
            ):
                yield (t, r), Hit(t, raw, at, r), grid.raw[t].rows[r - 1][-1] + raw[at]


def label_index(format_code: str, kind: str) -> LabelIndex:
    return _index(table_labels(format_code, kind))


def table_labels(format_code: str, kind: str) -> tuple[Label, ...]:
    fmt = catalogue().formats[format_code]
    return fmt.application_rows if kind == "applications" else fmt.proactive_items


def alignments(cells: Sequence[str], n: int) -> list[int]:
    """Offsets at which `n` values can sit among `cells` by dropping only blank padding."""
    extra = len(cells) - n
    if extra < 0:
        return []
    lead = next((i for i, c in enumerate(cells) if c.strip()), len(cells))
    trail = next((i for i, c in enumerate(reversed(cells)) if c.strip()), len(cells))
    return [i for i in range(extra + 1) if i <= lead and extra - i <= trail]


class RowReader:
    """Places the values of labelled rows, learning each table's column offsets as it goes."""

    def __init__(self, width: int):
        self.width = width
        self.learned: dict[tuple, int] = {}

    def place(
        self, hits: dict[str, Hit], prefer: Callable[[list[str]], bool] | None = None
    ) -> tuple[dict[str, list[str] | None], dict[str, int]]:
        """Returns values per code (None: cannot be placed) and the cell count seen per code."""
        placed: dict[str, list[str] | None] = {}
        pending: dict[str, list[int]] = {}
        for code, hit in hits.items():
            offsets = alignments(hit.after, self.width)
            if len(offsets) == 1:
                self.learned[hit.shape] = self.learned[hit.shape[1:]] = offsets[0]
                placed[code] = list(hit.after[offsets[0] : offsets[0] + self.width])
            else:
                pending[code] = offsets
        for code, offsets in pending.items():
            hit = hits[code]
            choice = None
            for key in (hit.shape, hit.shape[1:]):
                if self.learned.get(key) in offsets:
                    choice = self.learned[key]
                    break
            if choice is None and prefer and offsets:
                fitting = [o for o in offsets if prefer(list(hit.after[o : o + self.width]))]
                choice = fitting[0] if len(fitting) == 1 else None
            placed[code] = None if choice is None else list(hit.after[choice : choice + self.width])
        counts = {code: sum(1 for c in hit.after if c.strip()) for code, hit in hits.items()}
        return placed, counts


def _money_headers_in_yuan(grid: Grid, fmt: Format) -> set[str]:
    """Items whose amount column header says 元 rather than 万元 (「采购总金额（元）」): their
    amounts are divided by 10,000, since the data is in 万元 whatever the report printed."""
    found = set()
    for item in fmt.proactive_items:
        if not item.money_header:
            continue
        key = fold(item.money_header)
        for header in grid.keys:
            if key in header and "元" in header[len(key) :] and "万元" not in header:
                found.add(item.code)
    return found


def _placed_values(
    code: str,
    label: str,
    hits: dict[str, Hit],
    placed: dict[str, list[str] | None],
    counts: dict[str, int],
    width: int,
    table: str,
    cat: Catalogue,
    findings: list[Finding],
) -> list[str] | None:
    """A row's value texts, or None with the finding that says why (row absent, or its cells
    cannot be placed)."""
    if code not in hits:
        findings.append(
            Finding.of(
                "missing_row", table=table, row=code, table_title=cat.table_titles[table], row_label=label
            )
        )
        return None
    if placed[code] is None:
        findings.append(
            Finding.of(
                "unplaced_cells", table=table, row=code, expected=width, actual=counts[code], row_label=label
            )
        )
    return placed[code]


def _printed(hit: Hit) -> str:
    return " ".join(hit.row[hit.label_at].split())


def _variant_findings(hits: dict[str, Hit], labels: dict[str, str], table: str) -> list[Finding]:
    return [
        Finding.of(
            "label_variant", table=table, row=code, text=" ".join(hit.printed.split()), row_label=labels[code]
        )
        for code, hit in hits.items()
        if hit.printed
    ]


def _row_sum_holds(values: list[str]) -> bool:
    """Total (last) equals the sum of the others: the row arithmetic of tables 三 and 四."""
    cells = [read_cell(v) for v in values]
    if not all(c.known for c in cells):
        return False
    *parts, total = (c.as_number for c in cells)
    return sum(parts) == total


def read_applications(
    grid: Grid, fmt: Format, cat: Catalogue
) -> tuple[dict[str, dict[str, CellValue]], list[Finding], bool]:
    table = "applications"
    columns = [a.code for a in cat.applicants]
    hits = match_rows(grid, fmt.application_rows, fmt.foreign_rows)
    foreign = [f for f in fmt.foreign_rows if f.code in hits]
    replaced = {c for f in foreign for c in f.replaces}
    rows = [*fmt.application_rows, *foreign]
    codes = fmt.row_codes(tuple(f.code for f in foreign))
    result: dict[str, dict[str, CellValue]] = {c: dict.fromkeys(columns, ABSENT) for c in codes}
    findings: list[Finding] = []
    if not hits:
        findings.append(Finding.of("missing_table", table=table, table_title=cat.table_titles[table]))
        return result, findings, False
    placed, counts = RowReader(len(columns)).place(hits, prefer=_row_sum_holds)
    labels = row_labels(fmt)
    col_labels = {a.code: a.label for a in cat.applicants}
    for f in foreign:
        labels[f.code] = f.label
        findings.append(Finding.of("template_mix", table=table, row=f.code, text=_printed(hits[f.code])))
    findings += _variant_findings(hits, labels, table)
    for r in sorted(rows, key=lambda r: codes.index(r.code)):
        if r.code in replaced:
            continue  # stands null beside the foreign row that replaces it: not missing
        values = _placed_values(
            r.code, labels[r.code], hits, placed, counts, len(columns), table, cat, findings
        )
        if values is None:
            continue
        for col, text in zip(columns, values, strict=False):
            cell = read_cell(text)
            result[r.code][col] = cell
            findings.extend(cell_findings(cell, table, r.code, col, labels[r.code], col_labels[col]))
    return result, findings, True


def read_proactive(
    grid: Grid, fmt: Format, cat: Catalogue
) -> tuple[dict[tuple[str, str], CellValue], list[Finding], bool]:
    table = "proactive_disclosure"
    hits = match_rows(grid, fmt.proactive_items)
    in_yuan = _money_headers_in_yuan(grid, fmt)
    result = {(i.code, m): ABSENT for i in fmt.proactive_items for m in i.measures}
    findings: list[Finding] = []
    if not hits:
        findings.append(Finding.of("missing_table", table=table, table_title=cat.table_titles[table]))
        return result, findings, False
    findings += _variant_findings(hits, {i.code: i.label for i in fmt.proactive_items}, table)
    for item in fmt.proactive_items:
        width = len(item.measures)
        placed, counts = RowReader(width).place({item.code: hits[item.code]} if item.code in hits else {})
        values = _placed_values(item.code, item.label, hits, placed, counts, width, table, cat, findings)
        if values is None:
            continue
        for measure, text in zip(item.measures, values, strict=False):
            unit = cat.measures[measure].unit
            cell = read_cell(
                text,
                unit=unit,
                integer=unit != "万元" and measure != "items_change",
                column_unit="元" if item.code in in_yuan and unit == "万元" else None,
            )
            result[(item.code, measure)] = cell
            findings.extend(
                cell_findings(cell, table, item.code, measure, item.label, cat.measures[measure].label)
            )
    return result, findings, True


def read_reviews(grid: Grid, cat: Catalogue) -> tuple[dict[str, dict[str, CellValue]], list[Finding], bool]:
    """Table 四 has no row labels: its 15 numbers follow the header that names 行政复议."""
    table = "reviews_litigation"
    procs, results = cat.proceedings, cat.review_results
    result = {p.code: dict.fromkeys((r.code for r in results), ABSENT) for p in procs}
    findings: list[Finding] = []
    width = len(procs) * len(results)
    header_keys = {fold(p.label) for p in procs} | {fold(r.label) for r in results}
    values = _values_after_header(grid, fold(procs[0].label), header_keys, width)
    if values is None:
        findings.append(Finding.of("missing_table", table=table, table_title=cat.table_titles[table]))
        return result, findings, False
    offsets = alignments(values, width)
    if len(offsets) != 1:
        fitting = [
            o
            for o in offsets
            if all(
                _row_sum_holds(values[o + k * len(results) : o + (k + 1) * len(results)])
                for k in range(len(procs))
            )
        ]
        offsets = fitting
    if len(offsets) != 1:
        findings.append(
            Finding.of(
                "unplaced_cells",
                table=table,
                expected=width,
                actual=sum(1 for v in values if v.strip()),
                row_label=cat.table_titles[table],
            )
        )
        return result, findings, True
    cells = iter(values[offsets[0] : offsets[0] + width])
    for p in procs:
        for r in results:
            cell = read_cell(next(cells))
            result[p.code][r.code] = cell
            findings.extend(cell_findings(cell, table, p.code, r.code, proceeding_label(p), r.label))
    return result, findings, True


_HEADER_PIECE = 6  # 「尚未审结」「未经复议直接起诉」 cut by line breaks: short pieces, no numbers


def _in_header(row: tuple[Cell, ...], header_keys: set[str]) -> bool:
    """A row of table 四's header: it names a proceeding or result, or it holds only short
    pieces of text and no number (header cells cut up by their line breaks: 「结果」「纠正」)."""
    if any(c.key in header_keys for c in row):
        return True
    texts = [c for c in row if c.text.strip()]
    return bool(texts) and all(c.key and len(c.key) <= _HEADER_PIECE for c in texts)


def _values_after_header(grid: Grid, anchor: str, header_keys: set[str], width: int) -> list[str] | None:
    """Value cells of the rows after the table-四 header, across a page-split table too."""

    def loosely(key: str) -> bool:  # 「行政复议」, also with a caption glued on (「表四行政复议」)
        return anchor in key and len(key) <= len(anchor) + _HEADER_PIECE

    # the common case, an exact header cell, needs no looser test of every cell
    names = anchor.__eq__ if anchor in grid.keys else loosely

    def cut_above(t: int) -> bool:
        first = grid.tables[t][0][0] if grid.tables[t] and grid.tables[t][0] else None
        return (
            first is not None
            and len(grid.lead[t]) <= _HEADER_PIECE
            and names(fold(grid.lead[t] + first.text))
        )

    for t, table in enumerate(grid.tables):
        start = next((i for i, row in enumerate(table) if any(names(c.key) for c in row)), None)
        if start is None and cut_above(t):
            start = 0
        if start is None:
            continue
        following = table[start + 1 :] + (grid.tables[t + 1] if t + 1 < len(grid.tables) else [])
        values: list[str] = []
        for row in following:
            if not values and _in_header(row, header_keys):
                continue
            if any(c.key for c in row):
                break  # a label: the numbers have ended
            if values or any(c.text.strip() for c in row):
                values.extend(c.text for c in row)
            if sum(1 for v in values if v.strip()) >= width:
                break
        return values
    return None


def cell_findings(
    cell: CellValue, table: str, row: str, column: str, row_label: str, column_label: str
) -> list[Finding]:
    rule = {
        CellStatus.BLANK: "missing_cell",
        CellStatus.PLACEHOLDER: "placeholder_cell",
        CellStatus.UNREADABLE: "unreadable_cell",
    }.get(cell.status)
    if rule is None:
        return []
    return [
        Finding.of(
            rule,
            table=table,
            row=row,
            column=column,
            cells=f"{row}:{column}",
            row_label=row_label,
            column_label=column_label,
            text=cell.text.strip(),
        )
    ]


def row_labels(fmt: Format) -> dict[str, str]:
    """Readable labels of table-三 rows: a sub-row carries its group (「（六）其他处理 3.其他」)."""
    labels, group = {}, None
    for entry in fmt.application_layout:
        if isinstance(entry, str):
            group = entry if entry.startswith("（") else None
            continue
        numbered_sub = entry.label[:1].isdigit()
        labels[entry.code] = f"{group} {entry.label}" if group and numbered_sub else entry.label
        if not numbered_sub:
            group = None
    return labels


def proceeding_label(p: Label) -> str:
    return f"{p.group}（{p.label}）" if p.group else p.label
