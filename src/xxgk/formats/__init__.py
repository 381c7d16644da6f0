"""The national report formats, loaded from formats.yaml into typed, read-only objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml


@dataclass(frozen=True)
class Label:
    """A printed row or column with its canonical code."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class ApplicationRow(Label):
    outcome: bool = False


@dataclass(frozen=True)
class ForeignRow(ApplicationRow):
    """Another format's row printed inside this one, standing in for `replaces`."""

    replaces: tuple[str, ...] = ()
    from_format: str = ""


@dataclass(frozen=True)
class ProactiveItem(Label):
    clause: str = ""
    measures: tuple[str, ...] = ()
    money_header: str | None = None


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str


@dataclass(frozen=True)
class SectionDef:
    number: int
    code: str
    title: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    message: str
    explain: str = ""
    table: str | None = None
    for_each: str | None = None
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    totals: tuple[str, ...] = ()  # cells that, printed blank, stop the rule (default: left)
    total_sides: tuple[str, ...] = ("left",)


@dataclass(frozen=True)
class Format:
    """One national format (`2019`, `2021`): what its tables look like."""

    code: str
    issued_by: str
    first_year: int
    last_year: int | None
    proactive_items: tuple[ProactiveItem, ...]
    # Every printed line of table 三 in order: data rows and group headings (code None).
    application_layout: tuple[ApplicationRow | str, ...]
    foreign_rows: tuple[ForeignRow, ...] = ()

    @cached_property
    def application_rows(self) -> tuple[ApplicationRow, ...]:
        return tuple(r for r in self.application_layout if isinstance(r, ApplicationRow))

    @cached_property
    def outcome_rows(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.application_rows if r.outcome)

    def row_codes(self, printed_foreign: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Table 三's row codes as a report prints them: a foreign row it printed comes right
        after the rows it replaces (which stay, null), so every report has its format's rows."""
        codes = [r.code for r in self.application_rows]
        for f in self.foreign_rows:
            if f.code in printed_foreign:
                codes.insert(codes.index(f.replaces[-1]) + 1, f.code)
        return tuple(codes)

    def outcome_codes(self, printed_foreign: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The outcome rows a rule sums: a printed foreign row in place of those it replaces."""
        foreign = [f for f in self.foreign_rows if f.code in printed_foreign]
        replaced = {c for f in foreign for c in f.replaces}
        rows = [c for c in self.outcome_rows if c not in replaced]
        for f in foreign:
            rows.insert(min(len(rows), self.outcome_rows.index(f.replaces[0])), f.code)
        return tuple(rows)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True)
class Catalogue:
    """Everything formats.yaml declares."""

    formats: dict[str, Format]
    sections: tuple[SectionDef, ...]
    applicants: tuple[Label, ...]
    proceedings: tuple[Label, ...]
    review_results: tuple[Label, ...]
    measures: dict[str, Measure]
    rules: dict[str, Rule]
    table_titles: dict[str, str]
    deadline_month: int
    deadline_day: int

    def format_for_year(self, year: int) -> Format:
        for fmt in self.formats.values():
            if fmt.covers(year):
                return fmt
        return self.formats[max(self.formats)]

    def all_codes(self, kind: str) -> list[str]:
        """Every code of one kind across all formats, in first-seen order (for schema enums)."""
        fmts = self.formats.values()
        codes = {
            "application_row": [r.code for f in fmts for r in (*f.application_rows, *f.foreign_rows)],
            "proactive_item": [i.code for f in fmts for i in f.proactive_items],
            "proactive_measure": [m for f in fmts for i in f.proactive_items for m in i.measures],
            "format": list(self.formats),
            "applicant": [a.code for a in self.applicants],
            "proceeding": [p.code for p in self.proceedings],
            "review_result": [r.code for r in self.review_results],
            "rule": list(self.rules),
            "unit": sorted({m.unit for m in self.measures.values()}),
            "table": list(self.table_titles),
        }[kind]
        return list(dict.fromkeys(codes))


def _label(cls, raw: dict, **extra):
    return cls(
        code=raw["code"],
        label=raw["label"],
        aliases=tuple(raw.get("aliases", ())),
        group=raw.get("group"),
        **extra,
    )


@cache
def catalogue() -> Catalogue:
    raw = yaml.safe_load(resources.files(__package__).joinpath("formats.yaml").read_text("utf-8"))
    formats = {}
    for code, f in raw["formats"].items():
        layout: list[ApplicationRow | str] = []
        for r in f["application_rows"]:
            if "group" in r and "code" not in r:
                layout.append(r["group"])
            else:
                layout.append(_label(ApplicationRow, r, outcome=bool(r.get("outcome"))))
        items = tuple(
            _label(
                ProactiveItem,
                i,
                clause=i["clause"],
                measures=tuple(i["measures"]),
                money_header=i.get("money_header"),
            )
            for i in f["proactive_items"]
        )
        foreign = tuple(
            _label(
                ForeignRow,
                r,
                outcome=bool(r.get("outcome")),
                replaces=tuple(r["replaces"]),
                from_format=str(r.get("from_format", "")),
            )
            for r in f.get("foreign_rows", ())
        )
        first, last = f["years"]
        formats[str(code)] = Format(str(code), f["issued_by"], first, last, items, tuple(layout), foreign)
    rules = {
        r["code"]: Rule(
            code=r["code"],
            severity=r["severity"],
            title=r["title"],
            message=r["message"],
            explain=r.get("explain", ""),
            table=r.get("table"),
            for_each=r.get("for_each"),
            left=tuple(r.get("left", ())),
            right=tuple(r.get("right", ())),
            totals=tuple(r.get("totals", r.get("left", ()))),
            total_sides=tuple(r.get("total_sides", ("left",))),
        )
        for r in raw["rules"]
    }
    return Catalogue(
        formats=formats,
        sections=tuple(
            SectionDef(s["number"], s["code"], s["title"], tuple(s["patterns"])) for s in raw["sections"]
        ),
        applicants=tuple(_label(Label, a) for a in raw["applicants"]),
        proceedings=tuple(_label(Label, p) for p in raw["proceedings"]),
        review_results=tuple(_label(Label, r) for r in raw["review_results"]),
        measures={k: Measure(k, v["label"], v["unit"]) for k, v in raw["measures"].items()},
        rules=rules,
        table_titles=dict(raw["tables"]),
        deadline_month=raw["publication_deadline"]["month"],
        deadline_day=raw["publication_deadline"]["day"],
    )
