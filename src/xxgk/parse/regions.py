"""Where an agency sits: province, city and district from its names, with the gazetteer.

gazetteer.csv is derived from cpca's adcode table (scripts/make_gazetteer.py). A district
name shared by several cities (鼓楼区) is resolved by the city or province the name itself
carries, then by those the report mentions; otherwise the city stays unknown.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SUFFIXES_P = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区")


@dataclass(frozen=True)
class Place:
    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class NameParts:
    """An agency name split into its region prefix and the rest (its core)."""

    place: Place
    prefix: str  # the region words as written (「武汉市硚口区」), or 「区」 for a bare self-reference
    core: str


class Gazetteer:
    def __init__(self, rows: list[dict[str, str]]):
        self._split: dict[str, NameParts] = {}
        self.provinces: dict[str, str] = {}  # written form → full name
        self.cities: dict[str, list[tuple[str, str]]] = {}  # written → [(province, city)]
        self.districts: dict[str, list[Place]] = {}
        for r in rows:
            if r["level"] == "province":
                name = r["province"]
                self.provinces[name] = name
                short = _short(name)
                if len(short) >= 2:
                    self.provinces.setdefault(short, name)
            elif r["level"] == "city":
                for form in {r["city"], _short(r["city"])}:
                    if len(form) >= 2:
                        self.cities.setdefault(form, []).append((r["province"], r["city"]))
            else:
                self.districts.setdefault(r["district"], []).append(
                    Place(r["province"], r["city"] or None, r["district"])
                )
        # Municipalities are cities too (北京市东城区).
        for name in ("北京市", "天津市", "上海市", "重庆市"):
            for form in (name, name[:-1]):
                self.cities.setdefault(form, []).append((name, name))

    def split(self, name: str) -> NameParts:
        """「武汉市硚口区档案馆」→ (湖北省, 武汉市, 硚口区) + 「档案馆」."""
        parts = self._split.get(name)
        if parts is None:  # an agency's name comes once a report: 10,000 reports, 2,500 names
            parts = self._split[name] = self._split_name(name)
        return parts

    def _split_name(self, name: str) -> NameParts:
        rest, prefix = name, ""
        province = city = district = None
        if p := self._longest(rest, self.provinces):
            province = self.provinces[p]
            prefix, rest = prefix + p, rest[len(p) :]
        if c := self._longest(rest, self.cities):
            options = [o for o in self.cities[c] if province in (None, o[0])]
            if options and _keeps_core(rest, c):
                province, city = options[0]
                prefix, rest = prefix + c, rest[len(c) :]
        if d := self._longest(rest, self.districts):
            options = [
                o for o in self.districts[d] if province in (None, o.province) and city in (None, o.city)
            ]
            if options and _keeps_core(rest, d):
                district = d
                if len(options) == 1:
                    province, city = options[0].province, options[0].city or city
                prefix, rest = prefix + d, rest[len(d) :]
        if not prefix and rest[:1] in ("区", "市", "县") and len(rest) > 2:
            prefix, rest = rest[0], rest[1:]  # 「区经科局」: the district speaking of itself
        return NameParts(Place(province, city, district), prefix, rest)

    def resolve(self, place: Place, context: str) -> Place:
        """Fill a place's missing levels: the gazetteer first, then names the text mentions."""
        if place.district and not place.city:
            options = self.districts.get(place.district, [])
            if place.province:
                options = [o for o in options if o.province == place.province]
            if len(options) > 1:
                mentions = Counter(o for o in options if o.city and o.city in context)
                mentions.update(o for o in options if o.province in context)
                ranked = mentions.most_common(2)
                if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                    options = [ranked[0][0]]
            if len(options) == 1:
                return Place(options[0].province, options[0].city, place.district)
        if place.city and not place.province:
            options = self.cities.get(place.city, [])
            if len(options) == 1:
                return Place(options[0][0], options[0][1], place.district)
        return place

    @staticmethod
    def _longest(text: str, table: dict) -> str | None:
        for n in range(min(len(text), 12), 1, -1):
            if text[:n] in table:
                return text[:n]
        return None


def _short(name: str) -> str:
    for suffix in sorted(_SUFFIXES_P, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _keeps_core(rest: str, prefix: str) -> bool:
    """A region word must leave a name behind it (「武汉市」 alone is no agency prefix)."""
    return len(rest) > len(prefix)


@cache
def gazetteer() -> Gazetteer:
    text = resources.files(__package__).joinpath("gazetteer.csv").read_text("utf-8")
    return Gazetteer(list(csv.DictReader(text.splitlines())))
