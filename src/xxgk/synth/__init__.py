"""Synthetic reports for tests and the benchmark, in the two text layouts of the seeds.

The templates are seeds 000 (cell per line) and 001 (tab rows with shifted cells) with their
200 value cells and their names marked, so generated files look exactly like real exports.
Numbers are drawn so that every rule holds; `perturb` then breaks chosen cells on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources

from ..formats import catalogue

LAYOUTS = ("cells", "tabs")
AGENCY_KINDS = (
    "财政局",
    "教育局",
    "档案馆",
    "人力资源和社会保障局",
    "市场监督管理局",
    "自然资源和规划局",
    "住房和城市更新局",
    "卫生健康局",
    "生态环境分局",
    "城市管理执法局",
    "民政局",
    "司法局",
    "交通运输局",
    "水务和湖泊局",
    "统计局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "机关事务服务中心",
    "政务服务和大数据管理局",
    "文化和旅游局",
    "农业农村局",
    "商务局",
    "科学技术和经济信息化局",
    "发展和改革局",
    "公安分局",
    "税务局",
    "医疗保障局",
    "信访局",
    "人民政府办公室",
)
_CN = "〇一二三四五六七八九"


@cache
def _template(layout: str) -> str:
    name = {"cells": "layout_cells.txt", "tabs": "layout_tabs.txt"}[layout]
    return resources.files(__package__).joinpath(name).read_text("utf-8")


@dataclass
class Agency:
    city: str
    district: str
    kind: str

    @property
    def name(self) -> str:
        return f"{self.district}{self.kind}"

    @property
    def full_name(self) -> str:
        return f"{self.city}{self.district}{self.kind}"


@dataclass
class SyntheticReport:
    agency: Agency
    year: int
    layout: str
    published_on: date | None
    phone: str
    fee: int
    proactive: list[float | int]  # every table-二 value, in table order
    applications: dict[str, dict[str, int]]  # row → column → value
    reviews: dict[str, dict[str, int]]
    blank: set[tuple[str, str, str]] = field(default_factory=set)  # (table, row, column)
    placeholder: set[tuple[str, str, str]] = field(default_factory=set)
    chinese_date: bool = False
    template: str = "2021"

    def slots(self) -> list[tuple[tuple[str, str, str], float | int]]:
        """The 200 value cells in document order, keyed (table, row, column)."""
        cat = catalogue()
        fmt = cat.formats[self.template]
        keys = [("proactive_disclosure", i.code, m) for i in fmt.proactive_items for m in i.measures]
        out = list(zip(keys, self.proactive, strict=False))
        for r in fmt.application_rows:
            out += [
                (("applications", r.code, a.code), self.applications[r.code][a.code]) for a in cat.applicants
            ]
        for p in cat.proceedings:
            out += [
                (("reviews_litigation", p.code, x.code), self.reviews[p.code][x.code])
                for x in cat.review_results
            ]
        return out

    def render(self) -> str:
        text = _template(self.layout)
        values = []
        for key, v in self.slots():
            if key in self.blank:
                values.append("")
            elif key in self.placeholder:
                values.append("-")
            else:
                values.append(f"{v:g}" if isinstance(v, float) else str(v))
        parts = text.split("{V}")
        assert len(parts) == len(values) + 1, "template and slots disagree"
        body = "".join(p + v for p, v in zip(parts, values, strict=False)) + parts[-1]
        date_text = ""
        if self.published_on:
            d = self.published_on
            date_text = (
                f"{''.join(_CN[int(c)] for c in str(d.year))}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
                if self.chinese_date
                else f"{d.year}年{d.month}月{d.day}日"
            )
        return (
            body.replace("{FULLNAME}", self.agency.full_name)
            .replace("{NAME}", self.agency.name)
            .replace("{SHORTNAME}", "区" + self.agency.kind)
            .replace("{SIGNATURE}", self.agency.full_name)
            .replace("{PHONE}", self.phone)
            .replace("{FEE}", str(self.fee))
            .replace("{YEAR}", str(self.year))
            .replace("{DATE}", date_text)
        )


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def draw_tables(
    rng: random.Random, volume: int = 20, carried_over: dict[str, int] | None = None, template: str = "2021"
) -> tuple[list, dict, dict]:
    """Consistent tables: every arithmetic rule holds. `carried_over` continues last year's
    结转下年度 (so cross_year_carry holds too)."""
    cat = catalogue()
    fmt = cat.formats[template]
    parts = [a.code for a in cat.applicants if a.code != "total"]
    outcomes = list(fmt.outcome_rows)
    weights = [
        30 if o == "granted" else 10 if o in ("partially_granted", "unavailable_not_held") else 1
        for o in outcomes
    ]
    apps = {r.code: dict.fromkeys(parts, 0) for r in fmt.application_rows}
    for c in parts:
        scale = volume if c == "natural_person" else max(1, volume // 6)
        received = rng.randint(0, scale)
        carried = carried_over[c] if carried_over else rng.randint(0, max(1, scale // 8))
        forward = rng.randint(0, min(received + carried, max(1, scale // 8)))
        processed = received + carried - forward
        apps["received"][c], apps["carried_over"][c] = received, carried
        apps["carried_forward"][c], apps["total_processed"][c] = forward, processed
        for o in rng.choices(outcomes, weights, k=processed):
            apps[o][c] += 1
    for row in apps.values():
        row["total"] = sum(row[c] for c in parts)
    reviews = {}
    for p in cat.proceedings:
        r = {x: rng.choice([0, 0, 0, 1, 2, 3]) for x in ("upheld", "corrected", "other", "pending")}
        r["total"] = sum(r.values())
        reviews[p.code] = r
    proactive: list[float | int] = []
    for item in fmt.proactive_items:
        for m in item.measures:
            unit = cat.measures[m].unit
            if unit == "万元":
                proactive.append(round(rng.uniform(0, 99), 2))
            elif m == "items_change":
                proactive.append(rng.randint(-3, 3))
            else:
                proactive.append(rng.randint(0, 400 if m == "decisions" else 9))
    return proactive, apps, reviews


def perturb(report: SyntheticReport, rng: random.Random) -> tuple[str, str, str]:
    """Break one cell of table 三 or 四 by a small amount; returns the cell changed."""
    cat = catalogue()
    if rng.random() < 0.75:
        row = rng.choice([r.code for r in cat.formats[report.template].application_rows])
        col = rng.choice([a.code for a in cat.applicants])
        report.applications[row][col] += rng.choice([1, 2, 3, 10])
        return ("applications", row, col)
    p = rng.choice([p.code for p in cat.proceedings])
    x = rng.choice([r.code for r in cat.review_results])
    report.reviews[p][x] += rng.choice([1, 2])
    return ("reviews_litigation", p, x)


def districts(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(city, district) pairs from the gazetteer, districts whose names are unambiguous."""
    from ..parse.regions import gazetteer

    g = gazetteer()
    pool = sorted(
        (opts[0].city, name)
        for name, opts in g.districts.items()
        if len(opts) == 1 and opts[0].city and name.endswith("区") and len(name) >= 3
    )
    rng.shuffle(pool)
    return pool[:n]


def corpus(
    n_reports: int,
    seed: int = 1,
    error_rate: float = 0.2,
    blank_rate: float = 0.05,
    first_year: int = 2021,
    years: int = 4,
) -> list[tuple[SyntheticReport, list]]:
    """`n_reports` reports: agencies × consecutive years, alternating layouts. Returns each report
    with the cells broken on purpose."""
    rng = random.Random(seed)
    n_agencies = max(1, -(-n_reports // years))
    places = districts(max(1, n_agencies // len(AGENCY_KINDS) + 1), rng)
    agencies = [Agency(city, district, kind) for city, district in places for kind in AGENCY_KINDS]
    out = []
    for k in range(n_reports):
        agency = agencies[k // years]
        year = first_year + k % years
        carry = None if k % years == 0 or not out else dict(out[-1][0].applications["carried_forward"])
        proactive, apps, reviews = draw_tables(rng, carried_over=carry)
        late = rng.random() < 0.1
        published = date(year + 1, 1, 1) + timedelta(days=rng.randint(3, 25) + (40 if late else 0))
        rep = SyntheticReport(
            agency=agency,
            year=year,
            layout=LAYOUTS[(k // years) % 2],
            published_on=published,
            phone=f"027-{rng.randint(80000000, 89999999)}",
            fee=0,
            proactive=proactive,
            applications=apps,
            reviews=reviews,
            chinese_date=rng.random() < 0.2,
        )
        broken = [perturb(rep, rng)] if rng.random() < error_rate else []
        if rng.random() < blank_rate and apps["carried_forward"]["other_org"] == 0:
            rep.blank.add(("applications", "carried_forward", "other_org"))  # a blank meaning 0
        out.append((rep, broken))
    return out
