"""Stage 2 — parse: Document → Report, by the template matcher and the formats' data."""

from __future__ import annotations

from ..formats import Catalogue, Format, catalogue
from ..ingest.document import Document
from .metadata import (
    find_contact_names,
    find_fee,
    find_labelled_date,
    find_phone,
    find_signature,
    find_title,
    looks_like_agency,
    parse_date,
    same_agency,
    title_parts,
)
from .normalize import fold
from .regions import Place, gazetteer
from .report import Finding, Report, Section
from .sections import find_sections, heading_section
from .tables import Grid, find_rows, label_index, read_applications, read_proactive, read_reviews

__all__ = ["NotAReport", "Report", "parse_document"]


class NotAReport(Exception):
    """The file was read but is not a usable annual report (not one, or cut short)."""


def parse_document(doc: Document, sha256: str, source_file: str) -> Report:
    cat = catalogue()
    paragraphs = [p.text for p in doc.paragraphs]
    title, name, year = find_title(paragraphs)
    if name is None and doc.meta.get("title"):
        # a CMS page may print its title only in <title>, <h1> or ArticleTitle
        page_title, page_name, page_year = find_title(title_parts(doc.meta["title"]))
        if page_name and (year is None or page_year == year):
            title, name, year = page_title, page_name, page_year
    headings = find_sections(paragraphs, cat.sections)
    if title is None and len(headings) < 3 and not doc.tables:
        raise NotAReport("不是政府信息公开工作年度报告：未找到年度报告标题、章节或统计表")
    if year is None:
        raise NotAReport("未找到报告年度（标题或统计期限中的年份）")

    grid = Grid(doc)
    fmt = choose_format(grid, cat, year)
    proactive, f2, has2 = read_proactive(grid, fmt, cat)
    applications, f3, has3 = read_applications(grid, fmt, cat)
    reviews, f4, has4 = read_reviews(grid, cat)
    if not (has2 or has3 or has4) and len(headings) < 3:
        raise NotAReport("不是政府信息公开工作年度报告：未找到统计表和章节标题")
    if 6 not in headings and not has4:
        last = max(headings, default=0)
        raise NotAReport(
            f"文件不完整：在第{last}部分之后中断，缺少第四部分的统计表和第六部分（可能是截断的文件）"
        )

    end = _report_end(paragraphs, headings, cat)
    appended = paragraphs[end].strip()[:40] if end < len(paragraphs) else None
    paragraphs = paragraphs[:end]
    published_on, signature_names, signature_at = find_signature(paragraphs)
    published_on = published_on or find_labelled_date(paragraphs) or parse_date(doc.meta.get("published", ""))
    full_text = "\n".join(paragraphs)
    candidates = signature_names + find_contact_names(full_text)
    if source := doc.meta.get("source"):
        candidates.append(source)
    if name is None:
        name = next((n for n in candidates if len(n) >= 4), None)
        if name is None:
            raise NotAReport("未找到发布机关名称（标题与落款中均没有）")
    g = gazetteer()
    other_names = []
    for n in candidates:
        bare = g.split(n).prefix in ("区", "市", "县")  # 「区经科局」 says nothing new
        if n != name and n not in other_names and not bare and same_agency(name, n):
            other_names.append(n)

    place = max((g.split(n).place for n in [name, *other_names]), key=_specificity)
    place = g.resolve(place, full_text)

    findings: list[Finding] = []
    if appended:  # what was left out is said, not silently dropped
        findings.append(Finding.of("appended_report", text=appended))
    sections = _sections(paragraphs, headings, signature_at, cat)
    for s in cat.sections:
        if s.number not in headings:
            findings.append(Finding.of("missing_section", section=s.number, section_title=s.title))
    findings += f2 + f3 + f4

    six = [paragraphs[i] for i in range(headings[6][0], len(paragraphs))] if 6 in headings else []
    return Report(
        source_file=source_file,
        source_format=doc.source_format,
        source_sha256=sha256,
        template=fmt.code,
        year=year,
        agency_name=name,
        title=title,
        other_names=other_names,
        province=place.province,
        city=place.city,
        district=place.district,
        published_on=published_on,
        contact_phone=find_phone(full_text),
        fee_collected_yuan=find_fee(six) if six else None,
        sections=sections,
        proactive=proactive,
        applications=applications,
        reviews=reviews,
        findings=findings,
        tables_found=tuple(
            t
            for t, ok in (
                ("proactive_disclosure", has2),
                ("applications", has3),
                ("reviews_litigation", has4),
            )
            if ok
        ),
    )


def choose_format(grid: Grid, cat: Catalogue, year: int) -> Format:
    """The format whose labels the document's tables carry most; the year's format on a tie."""

    def evidence(fmt: Format) -> int:
        rows = len(find_rows(grid, label_index(fmt.code, "applications")))
        items = len(find_rows(grid, label_index(fmt.code, "proactive")))
        measures = {m for i in fmt.proactive_items for m in i.measures}
        return rows + items + sum(fold(cat.measures[m].label) in grid.keys for m in measures)

    by_year = cat.format_for_year(year)
    return max(cat.formats.values(), key=lambda f: (evidence(f), f is by_year))


def _report_end(paragraphs: list[str], headings: dict[int, tuple[int, str]], cat: Catalogue) -> int:
    """Where this report ends: a file may carry a second report after the first one's section
    六 (an earlier year appended, an annex). Its title or its 「一、总体情况」 starts it; its
    sign-off date, names and text are not this report's."""
    if 6 not in headings:
        return len(paragraphs)
    for i in range(headings[6][0] + 1, len(paragraphs)):
        text = paragraphs[i].strip()
        title = len(text) <= 60 and "。" not in text and find_title([text])[0] is not None
        if title or heading_section(text, cat.sections[:1]):
            above = paragraphs[i - 1].strip()
            if i - 1 > headings[6][0] and title and len(above) <= 30 and looks_like_agency(above):
                return i - 1  # the title's first line: the agency's name
            return i
    return len(paragraphs)


def _specificity(place: Place) -> int:
    return sum(x is not None for x in (place.province, place.city, place.district))


def _sections(
    paragraphs: list[str], headings: dict[int, tuple[int, str]], skip: set[int], cat: Catalogue
) -> list[Section]:
    ordered = sorted(headings.items(), key=lambda kv: kv[1][0])
    out = []
    for k, (number, (start, heading)) in enumerate(ordered):
        end = ordered[k + 1][1][0] if k + 1 < len(ordered) else len(paragraphs)
        body = [paragraphs[i].strip() for i in range(start + 1, end) if i not in skip]
        out.append(Section(number, heading, "\n".join(p for p in body if p)))
    return out
