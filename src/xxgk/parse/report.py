"""The parsed report: what one file says, as typed data, with every finding about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..formats import catalogue
from .normalize import CellStatus, CellValue


@dataclass
class Finding:
    """One result of a consistency rule or of the parser (a row of checks.csv)."""

    rule: str
    severity: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: float | None = None
    actual: float | None = None
    cells: str = ""  # every cell concerned, 「row:column」 joined by 「;」
    text: str = ""  # what the report printed there: a label as printed, a cell's text

    @classmethod
    def of(
        cls,
        rule: str,
        *,
        table=None,
        row=None,
        column=None,
        expected=None,
        actual=None,
        cells: str = "",
        **context,
    ) -> Finding:
        """A finding whose Chinese message comes from the rule's template in formats.yaml."""
        spec = catalogue().rules[rule]
        ctx = {"expected": _num(expected), "actual": _num(actual), **context}
        return cls(
            rule,
            spec.severity,
            spec.message.format_map(_Blank(ctx)),
            table,
            row,
            column,
            expected,
            actual,
            cells,
            str(context.get("text", "")),
        )


# CellStatus by value without Enum's call machinery (most of from_json's time otherwise).
_STATUS = {s.value: s for s in CellStatus}
_CELLS: dict[tuple, CellValue] = {}  # the distinct cells of the reports read (`_shared`)
_INTS: dict[int, CellValue] = {}  # …those of whole numbers read as printed, by value


def _shared(v: CellValue) -> CellValue:
    """The one object equal to `v` (cells are frozen and few are distinct: a handful of small
    numbers and their printed text). Reports keep ~200 cells each, and a build keeps every report:
    one object per distinct cell rather than one per cell (100,000 reports: 7.3 GB of one process
    without), and no frozen dataclass built per cell when a report is read back from the cache."""
    value = v.value
    # by type and spelling: 0, 0.0 and -0.0 are equal (and hash alike) but are not the same cell
    key = (value.__class__, value if value.__class__ is int else repr(value), v.status.value, v.text)
    hit = _CELLS.get(key)
    if hit is None:
        if len(_CELLS) >= 200_000:
            _CELLS.clear()
        hit = _CELLS[key] = v
    return hit


def _plain(v: CellValue) -> bool:
    """A number read as printed: status OK and the text is the number's own spelling, so that
    the number alone gives the cell back (Report.to_json's lossless form)."""
    value = v.value
    return (
        v.status is CellStatus.OK
        and value is not None
        and value.__class__ in (int, float)
        and v.text == str(value)
    )


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass
class Section:
    number: int
    heading: str
    text: str


@dataclass
class Report:
    source_file: str
    source_format: str
    source_sha256: str
    template: str
    year: int
    agency_name: str
    title: str | None = None
    other_names: list[str] = field(default_factory=list)  # every other name the report uses
    province: str | None = None
    city: str | None = None
    district: str | None = None
    published_on: date | None = None
    contact_phone: str | None = None
    fee_collected_yuan: float | None = None
    sections: list[Section] = field(default_factory=list)
    proactive: dict[tuple[str, str], CellValue] = field(default_factory=dict)
    applications: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    reviews: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    tables_found: tuple[str, ...] = ()

    @property
    def foreign_rows(self) -> tuple[str, ...]:
        """Table-三 rows of another format that this report printed (TEMPLATE.md, Mixed templates)."""
        own = {r.code for r in catalogue().formats[self.template].application_rows}
        return tuple(c for c in self.applications if c not in own)

    @property
    def error_count(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warning_count(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def to_json(self, *, lossless: bool = False) -> dict:
        """The report as plain JSON. By default (`xxgk parse`) a cell is its value only;
        `lossless=True` keeps each cell's status and printed text and the tables found, which
        later stages use, so that `Report.from_json` gives back an equal report (the parse
        cache stores this form)."""

        def detail(v: CellValue) -> object:
            # A number read as printed (most cells) is kept as the number alone: the cache's
            # entries are half the size and read back in a third of the time.
            if _plain(v):
                return v.value
            return {"value": v.value, "status": v.status.value, "text": v.text}

        def cell(v: CellValue) -> object:
            return detail(v) if lossless else v.value

        def cells(d: dict[str, CellValue]) -> dict:
            return {k: cell(v) for k, v in d.items()}

        def proactive(item: str, measure: str, v: CellValue) -> dict:
            if lossless and not _plain(v):
                return {"item": item, "measure": measure, **detail(v)}  # type: ignore[dict-item]
            return {"item": item, "measure": measure, "value": v.value}

        out = {
            "source_file": self.source_file,
            "source_format": self.source_format,
            "source_sha256": self.source_sha256,
            "template": self.template,
            "title": self.title,
            "agency_name": self.agency_name,
            "other_names": self.other_names,
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "year": self.year,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "contact_phone": self.contact_phone,
            "fee_collected_yuan": self.fee_collected_yuan,
            "sections": [s.__dict__ for s in self.sections],
            "proactive_disclosure": [proactive(i, m, v) for (i, m), v in self.proactive.items()],
            "applications": {row: cells(cols) for row, cols in self.applications.items()},
            "reviews_litigation": {p: cells(r) for p, r in self.reviews.items()},
            "checks": [f.__dict__ for f in self.findings],
        }
        if lossless:
            out["tables_found"] = list(self.tables_found)
        return out

    def share_cells(self) -> Report:
        """Each cell replaced by the one object equal to it (`_shared`), as `from_json` gives them:
        a report read in another process arrives with cells of its own."""
        self.proactive = {k: _shared(v) for k, v in self.proactive.items()}
        self.applications = {r: {c: _shared(v) for c, v in cs.items()} for r, cs in self.applications.items()}
        self.reviews = {p: {c: _shared(v) for c, v in cs.items()} for p, cs in self.reviews.items()}
        return self

    @classmethod
    def from_json(cls, obj: dict) -> Report:
        """The report written by `to_json(lossless=True)`, equal field by field (ints stay
        ints, order of rows and cells kept). Raises ValueError for the values-only form of
        `xxgk parse`, which has lost each cell's status and printed text."""
        if "tables_found" not in obj:
            raise ValueError("只有 to_json(lossless=True) 的输出可以读回：单元格缺少状态与原文")

        def cell(c: object) -> CellValue:
            if c.__class__ is not dict:  # a number read as printed (`_plain`)
                hit = _INTS.get(c) if c.__class__ is int else None  # type: ignore[call-overload]
                if hit is None:
                    hit = _shared(CellValue(c, CellStatus.OK, str(c)))  # type: ignore[arg-type]
                    if c.__class__ is int and len(_INTS) < 100_000:
                        _INTS[c] = hit  # type: ignore[index]
                return hit
            return _shared(CellValue(c["value"], _STATUS[c["status"]], c["text"]))  # type: ignore[index]

        ints = _INTS  # the common case, a small whole number read as printed, without a call

        def cells(d: dict[str, object]) -> dict[str, CellValue]:
            out = {}
            for k, c in d.items():
                hit = ints.get(c) if c.__class__ is int else None  # type: ignore[call-overload]
                out[k] = hit if hit is not None else cell(c)
            return out

        published = obj["published_on"]
        return cls(
            source_file=obj["source_file"],
            source_format=obj["source_format"],
            source_sha256=obj["source_sha256"],
            template=obj["template"],
            year=obj["year"],
            agency_name=obj["agency_name"],
            title=obj["title"],
            other_names=list(obj["other_names"]),
            province=obj["province"],
            city=obj["city"],
            district=obj["district"],
            published_on=date.fromisoformat(published) if published else None,
            contact_phone=obj["contact_phone"],
            fee_collected_yuan=obj["fee_collected_yuan"],
            sections=[Section(**s) for s in obj["sections"]],
            proactive={
                (c["item"], c["measure"]): cell(c if "status" in c else c["value"])
                for c in obj["proactive_disclosure"]
            },
            applications={row: cells(cols) for row, cols in obj["applications"].items()},
            reviews={p: cells(r) for p, r in obj["reviews_litigation"].items()},
            findings=[Finding(**f) for f in obj["checks"]],
            tables_found=tuple(obj["tables_found"]),
        )
