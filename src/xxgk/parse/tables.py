"""The template matcher: finds the national tables in a Document and reads every cell.

Rows are found by their printed labels (folded, see normalize.fold), never by position: a
row's values are the cells after its label. Exports pad or drop blank cells around them, so
the values are aligned by trying every way of dropping blank padding at either end; when more
than one way fits, rows of the same shape in the same table decide, then the row's own
arithmetic; what still cannot be placed is reported (unplaced_cells), never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..formats import Catalogue, Format, Label, catalogue
from ..ingest.document import Document, Table
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

    @property
    def after(self) -> tuple[str, ...]:
        return self.row[self.label_at + 1 :]

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.table, self.label_at, len(self.row))


def find_rows(grid: Grid, index: LabelIndex) -> dict[str, Hit]:
    """The first row, in document order, labelled with each code (the rightmost label wins:
    group labels such as 「（三）不予公开」 precede the row's own)."""
    hits: dict[str, Hit] = {}
    for t, table in enumerate(grid.tables):
        for r, row in enumerate(table):
            for i in range(len(row) - 1, -1, -1):
                if code := index.match(row[i]):
                    hits.setdefault(code, Hit(t, grid.raw[t].rows[r], i))
                    break
    return hits


@cache
def label_index(format_code: str, kind: str) -> LabelIndex:
    fmt = catalogue().formats[format_code]
    return LabelIndex(fmt.application_rows if kind == "applications" else fmt.proactive_items)


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
    rows = fmt.application_rows
    hits = find_rows(grid, label_index(fmt.code, "applications"))
    result: dict[str, dict[str, CellValue]] = {r.code: dict.fromkeys(columns, ABSENT) for r in rows}
    findings: list[Finding] = []
    if not hits:
        findings.append(Finding.of("missing_table", table=table, table_title=cat.table_titles[table]))
        return result, findings, False
    placed, counts = RowReader(len(columns)).place(hits, prefer=_row_sum_holds)
    labels = row_labels(fmt)
    col_labels = {a.code: a.label for a in cat.applicants}
    for r in rows:
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
    hits = find_rows(grid, label_index(fmt.code, "proactive"))
    in_yuan = _money_headers_in_yuan(grid, fmt)
    result = {(i.code, m): ABSENT for i in fmt.proactive_items for m in i.measures}
    findings: list[Finding] = []
    if not hits:
        findings.append(Finding.of("missing_table", table=table, table_title=cat.table_titles[table]))
        return result, findings, False
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


def _values_after_header(grid: Grid, anchor: str, header_keys: set[str], width: int) -> list[str] | None:
    """Value cells of the rows after the table-四 header, across a page-split table too."""
    if anchor not in grid.keys:
        return None
    for t, table in enumerate(grid.tables):
        start = next((i for i, row in enumerate(table) if any(c.key == anchor for c in row)), None)
        if start is None:
            continue
        following = table[start + 1 :] + (grid.tables[t + 1] if t + 1 < len(grid.tables) else [])
        values: list[str] = []
        for row in following:
            if any(c.key in header_keys for c in row) and not values:
                continue  # still in the header
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
