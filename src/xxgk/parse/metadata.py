"""What a report says about itself: title, agency and its other names, year, publication
date, contact phone, and the 信息处理费 it collected."""

from __future__ import annotations

import re
from datetime import date

from .normalize import nfkc, squash
from .regions import gazetteer

# Agency names end in one of these (局、中心、档案馆、委员会、人民政府 …).
AGENCY_END = (
    r"(?:局|厅|委员会|委|办公室|办公厅|办|中心|馆|院|所|站|队|处|署|会|部|社|人民政府|政府|街道办事处|"
    r"办事处|街道|镇|乡|管委会|集团|公司|大队|支队|总队|学校|医院|分局|监狱|园区|管理区)"
)
# The name is bounded: unbounded, a long line with no year in it costs the search quadratic
# time (scripts/fuzz.py found a 55,000-character line taking 60 s).
_TITLE = re.compile(
    r"(?P<name>[^。；;，,：:]{0,80}?)(?P<year>(?:19|20)\d{2})年度?(?P<mid>[^。；;]{0,20}?)"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(?:19|20)\d{2})年度?(?P<name>[^。；;，,]{2,40}?)(?:政府|政务)?信息公开(?:工作)?年度报告"
)
# The statistics period, however worded (over squashed text): 「自2023年1月1日起至2023年12月31日止」,
# 「2025年1月1日至12月31日」, 「从2019年1月1日到12月31日止」, 「2024年1月1日—2024年12月31日」.
_PERIOD = re.compile(r"(?:19|20)(\d{2})年0?1月0?1日(?:起)?(?:至|到|—|–|-|~|～)(?:(?:19|20)\1年)?12月31日")
_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DATE_AR = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_DATE_CN = re.compile(
    r"([〇○零OoＯ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_PHONE = re.compile(
    r"(?:电话|联系电话|咨询电话|联系方式|Tel|TEL)[^0-9（(]{0,6}"
    r"(?P<phone>[(（]?0\d{2,3}[)）]?[-－—\s]?\d{7,8}(?:[-－转]\d{1,5})?|1[3-9]\d{9})"
)
_CONTACT = re.compile(
    r"(?:请(?:与|向)|请联系|联系单位|联系人)[:：]?\s*(?P<org>[^，,。；;（(:：\s]{2,40}?)"
    r"(?:联系|咨询|，|,|。|；|（|\(|\s|$)"
)
_INTERNAL_UNIT = re.compile(
    r"(?:党政综合办公室|综合办公室|党政办公室|党政办|办公室|综合科|综合股|政务公开科|政策法规科|"
    r"法规科|秘书科|行政科|政务服务科|信息中心|综合处|办公厅秘书处)$"
)
_FEE_NUMBER = re.compile(r"(?:信息)?处理费[^。；;0-9]{0,20}?(\d+(?:\.\d+)?)\s*(万元|元)?")
_FEE_NONE = re.compile(
    r"(?:未|没有|无|不)[^。；;]{0,30}(?:收取|收|征收)[^。；;]{0,15}处理费|处理费[^。；;]{0,10}(?:为零|为0|无|未)"
    r"|无[^。；;]{0,10}处理费"
)


def find_title(paragraphs: list[str]) -> tuple[str | None, str | None, int | None]:
    """(title, agency name, year) from the first lines, which may split the title in two.
    A name ending like an agency (局、中心 …) is preferred; otherwise the title's own words."""
    lines = [squash(t) for t in paragraphs[:40]]
    loose: tuple[str, str, int] | None = None
    # The shortest run of lines that ends where a title ends: a title split over two or three
    # lines is joined, but navigation text before it is not glued on.
    for end in range(len(lines)):
        for start in range(end, max(-1, end - 3), -1):
            if len(lines[start]) > 80:
                break
            joined = "".join(lines[start : end + 1])
            for pattern in (_TITLE, _TITLE_YEAR_FIRST):
                m = pattern.search(joined)
                if not m:
                    continue
                raw = _strip_name(m.group("name"))
                if looks_like_agency(raw):
                    return m.group(0).strip(), raw, int(m.group("year"))
                if loose is None and len(raw) >= 2 and not re.search(r"\d", raw):
                    loose = (m.group(0).strip(), raw, int(m.group("year")))
    if loose:
        return loose
    # No title with a name: the year alone, from the statistics period or a title line.
    joined = "".join(squash(p) for p in paragraphs[:12])
    if m := _TITLE.search(joined) or _TITLE_YEAR_FIRST.search(joined):
        return m.group(0), None, int(m.group("year"))
    if m := _PERIOD.search(joined):
        return None, None, int(m.group(0)[:4])
    return None, None, None


def title_parts(page_title: str) -> list[str]:
    """A page's <title> and meta titles, cut where CMSs join the site and column names on
    (「…年度报告_政府信息公开年报_某某管委会」)."""
    parts = []
    for line in page_title.split("\n"):
        parts += [p for p in re.split(r"\s*(?:_|\||｜|--|—|－\s)\s*", line) if p.strip()]
    return parts


def _strip_name(name: str) -> str:
    name = re.sub(r"^(?:关于|附件\d*[:：]?)", "", name).strip('“”"《》 ')
    return re.sub(r"(?:关于)?的?$", "", name)


def looks_like_agency(name: str) -> bool:
    return len(name) >= 3 and re.search(AGENCY_END + "$", name) is not None


def parse_date(text: str) -> date | None:
    t = nfkc(text)
    if m := _DATE_AR.search(t):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DATE_CN.search(text):
        y = int("".join(str(_CN_DIGITS[c]) for c in nfkc(m.group(1)).replace("O", "〇")))
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _cn_small(s: str) -> int:
    """「十二」→12, 「二十三」→23, 「八」→8."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def find_signature(paragraphs: list[str]) -> tuple[date | None, list[str], set[int]]:
    """The sign-off at the end: the publication date and the agency name(s) above it.
    Returns the date, the names, and the indexes of the paragraphs they occupy."""
    published, names, used = None, [], set()
    for i in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 7), -1):
        text = squash(paragraphs[i])
        if not text:
            continue
        d = parse_date(text)
        rest = _DATE_AR.sub("", nfkc(text)) if d else text
        rest = _DATE_CN.sub("", rest) if d else rest
        if d and published is None and len(rest) <= 30 and not re.search(r"[。，,；]", rest):
            published = d
            used.add(i)
            if rest and re.search(AGENCY_END + "$", rest):
                names.append(rest)
            continue
        if len(text) <= 30 and re.fullmatch(r"[^。，,；;：:]+" + AGENCY_END, text):
            names.append(text)
            used.add(i)
            continue
        if published is not None or names:
            break
    return published, names, used


_PUBLISHED_LABEL = re.compile(r"(?:发布日期|发布时间|成文日期|印发日期|公开日期|日期)[:：]\s*")


def find_labelled_date(paragraphs: list[str]) -> date | None:
    """「发布时间：2025-01-10」 in a web page's article header: the date when no sign-off has one."""
    for text in paragraphs[:40]:
        t = nfkc(text)
        m = _PUBLISHED_LABEL.search(t)
        if m and (d := parse_date(t[m.end() : m.end() + 20])):
            return d
    return None


def find_contact_names(text: str) -> list[str]:
    """Organisations named in 「请联系：…」 lines, with an internal unit (办公室 …) also cut off."""
    names = []
    for m in _CONTACT.finditer(squash(text)):
        org = m.group("org")
        names.append(org)
        if (cut := _INTERNAL_UNIT.sub("", org)) and cut != org and len(cut) >= 3:
            names.append(cut)
    return names


def find_phone(text: str) -> str | None:
    if m := _PHONE.search(nfkc(text)):
        phone = re.sub(r"[（(]", "", m.group("phone"))
        phone = re.sub(r"[)）\s－—]", "-", phone).strip("-")
        return re.sub(r"-+", "-", phone)
    return None


def find_fee(texts: list[str]) -> float | None:
    """信息处理费 in yuan: a stated amount, 0 when the report says none was collected, or None."""
    for i, raw in enumerate(texts):
        text = squash(raw)
        if "处理费" not in text:
            continue
        for sentence in re.split(r"[。；;]", text):
            if "处理费" not in sentence:
                continue
            if _FEE_NONE.search(sentence):
                return 0.0
            if m := _FEE_NUMBER.search(sentence):
                return float(m.group(1)) * (10000 if m.group(2) == "万元" else 1)
        # 「1.政府信息处理费用收取情况。」 followed by a line 「无」
        if i + 1 < len(texts) and squash(texts[i + 1]) in {"无", "无。", "0", "0元", "没有"}:
            return 0.0
    return None


def same_agency(a: str, b: str) -> bool:
    """Whether two names denote one agency: the same core under compatible region prefixes,
    or one core an abbreviation of the other (「经科局」 ⊂ 「经济信息化和科技创新局」, same first
    and last character). Used only for names found in one report."""
    g = gazetteer()
    pa, pb = g.split(a), g.split(b)
    for x, y in ((pa.place.district, pb.place.district), (pa.place.city, pb.place.city)):
        if x and y and x != y:
            return False
    ca, cb = pa.core, pb.core
    if ca == cb:
        return True
    short, long_ = sorted((ca, cb), key=len)
    if len(short) < 2 or short[0] != long_[0] or short[-1] != long_[-1]:
        return False
    it = iter(long_)
    return all(ch in it for ch in short)
