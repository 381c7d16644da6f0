"""One agency, one id: grouping reports by agency, and choosing one report per agency-year.

Names are grouped when they share a region and a core name (「武汉市硚口区档案馆」 =
「硚口区档案馆」), and a report's own other names join its group (an abbreviation and the
full name seen in one report). The id is the pinyin of the region and the canonical name, so
it reads as what it is (wuhan-qiaokou-danganguan); ids already published are kept when a
later build sees a fuller name (see `previous`).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..files import replace_atomically
from ..parse.regions import gazetteer
from ..parse.report import Report

_REGION_SUFFIX = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|省|市|区|县|旗|盟)$"
)


@dataclass
class Agency:
    agency_id: str
    name: str
    province: str | None
    city: str | None
    district: str | None
    aliases: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)


# Slugs already made, kept between builds (`load_slugs`, `save_slugs`): a build asks for the slug
# of every agency's name and region, and a rebuild that meets no new name then never loads jieba's
# dictionary (about 1.5 s).
_SLUGS: dict[str, str] = {}
SLUGS_FILE = "slugs.json"  # in OUT/build/
_SLUGS_SAVED = 0  # entries when last loaded or saved


def slug(text: str) -> str:
    """Readable ASCII: pinyin per word, words joined by 「-」 (「档案馆」→ danganguan)."""
    hit = _SLUGS.get(text)
    if hit is None:
        hit = _SLUGS[text] = _slug(text)
    return hit


def _slug_key() -> str:
    """What a slug depends on besides its text: this function's code and the two libraries."""
    from ..cache import library_versions

    code = inspect.getsource(_slug)
    return hashlib.sha256((code + library_versions(("jieba", "pypinyin"))).encode()).hexdigest()


def load_slugs(path: Path) -> None:
    """Add the slugs kept in `path` (made by the same code and libraries) to this process's."""
    global _SLUGS_SAVED
    try:
        kept = json.loads(path.read_text("utf-8"))
        if kept.get("key") == _slug_key():
            _SLUGS.update({k: v for k, v in kept["slugs"].items() if isinstance(v, str)})
    except (OSError, ValueError, AttributeError, KeyError):
        pass  # none kept, or not ours to trust: made again
    _SLUGS_SAVED = len(_SLUGS)


def save_slugs(path: Path) -> None:
    """Keep this process's slugs in `path` (atomically), when it made new ones."""
    global _SLUGS_SAVED
    if len(_SLUGS) == _SLUGS_SAVED and path.exists():
        return
    data = json.dumps({"key": _slug_key(), "slugs": _SLUGS}, ensure_ascii=False, sort_keys=True)
    with contextlib.suppress(OSError):
        replace_atomically(path, lambda fh: fh.write(data.encode("utf-8")))
    _SLUGS_SAVED = len(_SLUGS)


def _slug(text: str) -> str:
    words = []
    # Imported here: a rebuild that meets no new name (`_SLUGS`) never pays for them (0.4 s).
    import jieba
    from pypinyin import Style, lazy_pinyin

    jieba.setLogLevel(logging.WARNING)
    for word in jieba.lcut(text):
        p = "".join(lazy_pinyin(word, style=Style.NORMAL, errors=lambda s: list(s)))
        p = re.sub(r"[^a-z0-9]", "", p.lower())
        if p:
            words.append(p)
    return "-".join(words)


def _region_slug(name: str | None) -> str:
    return slug(_REGION_SUFFIX.sub("", name)) if name and len(name) > 2 else slug(name or "")


def group_agencies(reports: list[Report], previous: dict[str, str] | None = None) -> list[Agency]:
    """Group reports into agencies with stable ids. `previous` maps names already published
    (canonical names and aliases) to their ids, so that an id never changes under a reader."""
    g = gazetteer()
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i, r in enumerate(reports):
        for name in (r.agency_name, *r.other_names):
            key = (r.province, r.city, r.district, g.split(name).core)
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[find(i)].append(r)

    agencies = [_agency(members) for members in groups.values()]
    previous = previous or {}
    taken: set[str] = set()
    for a in sorted(agencies, key=lambda a: (a.agency_id, a.name)):
        kept = sorted({previous[n] for n in (a.name, *a.aliases) if n in previous} - taken)
        if len(kept) == 1:
            a.agency_id = kept[0]
        base, n = a.agency_id, 2
        while a.agency_id in taken:
            a.agency_id, n = f"{base}-{n}", n + 1
        taken.add(a.agency_id)
    return sorted(agencies, key=lambda a: a.agency_id)


def _agency(members: list[Report]) -> Agency:
    g = gazetteer()
    names = sorted({n for r in members for n in (r.agency_name, *r.other_names)})
    split = {n: g.split(n) for n in names}
    # The full name over an abbreviation (longest core), then the most specific prefix.
    canonical = max(names, key=lambda n: (len(split[n].core), len(split[n].prefix), n))
    first = max(members, key=lambda r: (sum(x is not None for x in (r.province, r.city, r.district)), r.year))
    place = (first.province, first.city, first.district)
    region = [
        _region_slug(place[1]) if place[1] else _region_slug(place[0]),
        _region_slug(place[2]) if place[2] and place[2] != place[1] else "",
    ]
    if place[1] and place[0] == place[1]:
        region[0] = _region_slug(place[1])  # 北京市东城区 → beijing-dongcheng
    agency_id = "-".join(p for p in (*region, slug(split[canonical].core)) if p) or "agency"
    return Agency(
        agency_id=agency_id,
        name=canonical,
        province=place[0],
        city=place[1],
        district=place[2],
        aliases=[n for n in names if n != canonical],
        reports=sorted(members, key=lambda r: (r.year, r.source_file)),
    )


def choose_per_year(agency: Agency) -> tuple[list[Report], list[tuple[Report, Report]]]:
    """One report per year. When an agency published two for a year, the one read most
    completely wins (fewest parser errors: rows or tables not found, cells unreadable), then the
    latest publication date (a corrected re-issue), then the first source path. Returns the
    chosen reports and (dropped, chosen) pairs."""
    by_year: dict[int, list[Report]] = defaultdict(list)
    for r in agency.reports:
        by_year[r.year].append(r)
    chosen, dropped = [], []
    parser_rules = {"missing_table", "missing_row", "unreadable_cell", "unplaced_cells"}
    for year in sorted(by_year):
        ranked = sorted(
            by_year[year],
            key=lambda r: (
                sum(f.rule in parser_rules for f in r.findings),
                -(r.published_on.toordinal() if r.published_on else 0),
                r.source_file,
            ),
        )
        chosen.append(ranked[0])
        dropped += [(r, ranked[0]) for r in ranked[1:]]
    return chosen, dropped
