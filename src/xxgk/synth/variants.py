"""The variant corpus: named ways real report files differ, each applied to every file format
it fits, with the truth (every cell's value, the sections, the metadata and the findings the
checks must raise) taken from the generator, never from the parser.

A variant is data: a name, a one-line description in Chinese and English, the formats it
applies to, and up to two edits: `report` changes the SyntheticReport and how its cells and
labels are printed (before the document is built), `doc` changes the document model or the
rendering (after). Edits say what they change in the truth through the Case they are given
(`case.expect(...)`, `case.cells[...]`). `make_case(variant, fmt, seed)` builds one file.

    from xxgk.synth.variants import VARIANTS, make_case, evaluate
    case = make_case(VARIANTS["blank_total_column"], "pdf", seed=1)
    score = evaluate(case)      # read + parse + check through xxgk's own API
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from ..formats import catalogue
from . import AGENCY_KINDS, Agency, SyntheticReport, districts, draw_tables
from .layout import Block, Cell, Doc, build_doc, render_cells, render_docx, render_html, render_tabs
from .pdf import PdfStyle, render_pdf
from .render import Key

FORMATS = ("cells", "tabs", "html", "docx", "pdf")
ALL = FORMATS
TEXT = ("cells", "tabs")
SUFFIX = {"cells": ".txt", "tabs": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
APPS, REVIEWS, PROACTIVE = "applications", "reviews_litigation", "proactive_disclosure"


@dataclass(frozen=True)
class Expect:
    """A finding the checks must raise; None fields match anything."""

    rule: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    severity: str = "warning"

    def matches(self, f) -> bool:
        return (
            f.rule == self.rule
            and all(want is None or want == got for want, got in ((self.table, f.table), (self.row, f.row)))
            and (self.column is None or self.column == f.column)
        )

    def __str__(self) -> str:
        where = ":".join(x for x in (self.table, self.row, self.column) if x)
        return f"{self.rule}({where})" if where else self.rule


@dataclass
class Case:
    """One generated file and its truth."""

    variant: str
    fmt: str
    seed: int
    rep: SyntheticReport
    rng: random.Random
    value_text: dict[Key, str] = field(default_factory=dict)  # how value cells are printed
    labels: dict[str, str] = field(default_factory=dict)  # row code → printed label
    mix_2019_other: bool = False
    doc: Doc | None = None
    encoding: str = "utf-8"
    newline: str = "\n"
    tabs_keep_breaks: bool = False
    pdf: PdfStyle = field(default_factory=PdfStyle)
    after: list[Callable[[Case], None]] = field(default_factory=list)  # edits of the built model
    # truth
    cells: dict[Key, float | int | None] = field(default_factory=dict)
    expected: list[Expect] = field(default_factory=list)
    sections: set[int] = field(default_factory=lambda: {1, 2, 3, 4, 5, 6})
    meta: dict[str, object] = field(default_factory=dict)
    data: bytes = b""

    @property
    def suffix(self) -> str:
        return SUFFIX[self.fmt]

    @property
    def name(self) -> str:
        return f"{self.variant}-{self.fmt}-{self.seed}{self.suffix}"

    def expect(self, rule: str, table=None, row=None, column=None, severity="warning") -> None:
        self.expected.append(Expect(rule, table, row, column, severity))

    def values(self, table: str | None = None) -> list[tuple[Key, float | int]]:
        """The cells printed as numbers (not those the report leaves blank or prints as 「-」,
        which a variant that respells numbers must leave as they are)."""
        printed = [
            (k, v) for k, v in self.rep.slots() if k not in self.rep.blank and k not in self.rep.placeholder
        ]
        return [(k, v) for k, v in printed if table is None or k[0] == table]


@dataclass(frozen=True)
class Variant:
    name: str
    zh: str
    en: str
    formats: tuple[str, ...]
    report: Callable[[Case], None] | None = None
    doc: Callable[[Case], None] | None = None
    volume: int = 60  # the applications drawn (thousands separators need big numbers)


# --- edits ------------------------------------------------------------------------------------


def _thousands(case: Case) -> None:
    for k, v in case.values():
        if isinstance(v, int) and v >= 1000:
            case.value_text[k] = f"{v:,}"
    assert any("," in t for t in case.value_text.values()), "volume too small for separators"


def _unit_jian(case: Case) -> None:
    for k, v in case.values(APPS) + case.values(REVIEWS):
        case.value_text[k] = f"{v}件"


def _dash_totals(case: Case) -> None:
    for k, v in case.values(APPS) + case.values(REVIEWS):
        if k[2] == "total" and v == 0:
            case.rep.placeholder.add(k)
            case.value_text[k] = "—"


def _blank_zeros(case: Case) -> None:
    for k, v in case.values(APPS):
        if k[2] != "total" and v == 0:
            case.rep.blank.add(k)


def _blank_totals(case: Case) -> None:
    # The 总计 column blank on every outcome row (a real 2019 上海市人民政府办公厅 report leaves
    # it blank on 20 of 23 rows); received, carried_over, total_processed, carried_forward stay.
    for r in catalogue().formats[case.rep.template].outcome_rows:
        case.rep.blank.add((APPS, r, "total"))
        case.expect("missing_total", APPS, r)


def _mix_2019_other(case: Case) -> None:
    case.mix_2019_other = True
    subs = ("other_no_correction", "other_fee_unpaid", "other_other")
    apps = case.rep.applications
    for a in catalogue().applicants:
        total = sum(apps[s][a.code] for s in subs)
        key = (APPS, "other_processing", a.code)
        case.value_text[key] = str(total)
        case.cells[key] = total
        for s in subs:
            case.cells[(APPS, s, a.code)] = None
    case.expect("template_mix", APPS, "other_processing")


TYPOS = {  # as printed in real files (TEMPLATE.md): a dropped, a missing, an extra character
    "denied_prohibited_by_law": "2.其他法律行政止公开",
    "denied_internal_affairs": "5.属于三类内部事务信",
    "unavailable_needs_creation": "2.没有现成信息需另行制作",
    "rejected_duplicate": "2.重复申申请",
}


def _typos(case: Case) -> None:
    case.labels.update(TYPOS)
    for code in TYPOS:
        case.expect("label_variant", APPS, code)


def _spaces(case: Case) -> None:
    case.labels.update(
        {
            "rejected_excessive": "4.无正当理由大量反复 申请",
            "denied_state_secret": "1. 属于 国家秘密",
            "granted": "（一） 予以公开",
            "carried_forward": "四 、结转下年度 继续办理",
        }
    )
    _relabel_cells(case, {"三、本年度办理结果": "三 、本 年 度办 理 结果"})


def _wrapped(case: Case) -> None:
    case.labels.update(
        {
            "rejected_confirmation": "5.要求行政机关确认或重\n新出具已获取信息",
            "received": "一、本年新收政府信息公开\n申请数量",
            "denied_security_stability": "3.危及“三安全\n一稳定”",
            "total_processed": "（七）\n总计",
        }
    )


def _numbering(case: Case) -> None:
    style = case.rng.choice(("ascii", "dun", "paren"))
    labels = {}
    for r in catalogue().formats[case.rep.template].application_rows:
        lab = r.label
        if lab.startswith("（"):  # （一）予以公开
            lab = "(" + lab[1:].replace("）", ")", 1) if style == "ascii" else lab
        elif lab[:1].isdigit():  # 1.属于国家秘密
            lab = {
                "ascii": f"{lab[0]}. {lab[2:]}",
                "dun": f"{lab[0]}、{lab[2:]}",
                "paren": f"({lab[0]}){lab[2:]}",
            }[style]
        elif lab[1] == "、":  # 一、本年新收…
            lab = lab[0] + {"ascii": ".", "dun": "、", "paren": "．"}[style] + lab[2:]
        labels[r.code] = lab
    case.labels.update(labels)


HEADINGS = {  # wordings seen in real reports, by section number
    2: "二、主动公开政府信息的情况",
    3: "三、收到和处理政府信息公开申请的情况",
    4: "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    5: "五、存在问题及改进情况",
    6: "六、其他需要报告的事项",
}


def _heading_wording(case: Case) -> None:
    heads = [b for b in case.doc.blocks if b.kind == "h"]
    for number, text in HEADINGS.items():
        heads[number - 1].text = text


def _heading_indent(case: Case) -> None:
    for b in case.doc.blocks:
        if b.kind == "h":
            b.indent = "　　"
    case.pdf.heading_indent = True


def _page_numbers(case: Case) -> None:
    style = case.rng.choice(("- {n} -", "-{n}-"))
    case.pdf.page_numbers = style
    blocks, n = [], 1
    for k, b in enumerate(case.doc.blocks):
        if b.table and b.table.number == "3":
            top, bottom = b.table.split(b.table.label_row("1.信访举报投诉类申请"))
            blocks += [
                Block("table", table=top),
                Block("pageno", style.format(n=n)),
                Block("table", table=bottom),
            ]
            n += 1
            continue
        blocks.append(b)
        if k in (4, 12):
            blocks.append(Block("pageno", style.format(n=n)))
            n += 1
    blocks.append(Block("pageno", style.format(n=n)))
    case.doc.blocks = blocks


def _split(restart: bool, repeat: bool) -> Callable[[Case], None]:
    def edit(case: Case) -> None:
        case.pdf.restart_labels, case.pdf.repeat_header = restart, repeat
        blocks = []
        for b in case.doc.blocks:
            if b.table and b.table.number == "3":
                top, bottom = b.table.split(b.table.label_row("4.保护第三方合法权益"), restart, repeat)
                blocks += [Block("table", table=top), Block("pagebreak"), Block("table", table=bottom)]
            else:
                blocks.append(b)
        case.doc.blocks = blocks

    return edit


def _notes(case: Case) -> None:
    blocks = []
    for b in case.doc.blocks:
        blocks.append(b)
        if b.table and b.table.number == "3":
            t = b.table
            t.cells.append(Cell(t.nrows, 0, 1, t.ncols, "注：本表数据统计时间为1月1日至12月31日，单位：件。"))
            t.nrows += 1
        if b.table:
            blocks.append(
                Block("p", "注：1.表中数据截至12月31日；2.“本年新收政府信息公开申请数量”不含咨询类事项。")
            )
    case.doc.blocks = blocks


def _extra_columns(case: Case) -> None:
    for t in case.doc.tables():
        if t.number == "3":
            t.add_blank_column(3)  # between the labels and the values
        t.add_blank_column(t.ncols)  # on the right edge


def _flat_grid(case: Case) -> None:
    for t in case.doc.tables():
        flat = []
        for x in t.cells:
            for dr in range(x.rs):
                for dc in range(x.cs):
                    first = dr == 0 and dc == 0
                    flat.append(
                        Cell(x.r + dr, x.c + dc, 1, 1, x.text if first else "", x.key if first else None)
                    )
        t.cells = flat


def _second_report(case: Case) -> None:
    rng = random.Random(case.seed + 99991)
    other = _base_report(rng, 60, case.rep.year)
    extra = build_doc(other).blocks
    case.doc.blocks += [Block("pagebreak"), *extra]
    case.expect("appended_report")


def _arithmetic(case: Case) -> None:
    # as a real 2023 report prints it: 行政复议 10, 1, 0, 0 with 总计 0
    case.rep.reviews["review"] = {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}
    case.expect("review_total", REVIEWS, "review", severity="error")


def _title_in_head(case: Case) -> None:
    title = case.doc.head_title
    case.doc.body_title = False
    case.doc.meta.update({"ArticleTitle": title, "ContentSource": case.rep.agency.full_name})


def _pubdate_meta(case: Case) -> None:
    d = case.rep.published_on
    case.doc.blocks = [b for b in case.doc.blocks if not (b.kind == "sign" and "年" in b.text)]
    case.doc.meta["PubDate"] = f"{d.isoformat()} 09:30"


def _no_date(case: Case) -> None:
    case.rep.published_on = None
    case.meta["published_on"] = None


PERIODS = (
    "{y}年1月1日至12月31日",
    "从{y}年1月1日到12月31日止",
    "自{y} 年 1 月 1 日起至 {y} 年 12 月 31 日止",
)


def _period(case: Case) -> None:
    y = case.rep.year
    a = case.rep.agency
    wording = case.rng.choice(PERIODS).format(y=y)
    for b in case.doc.blocks:
        if b.kind == "title":
            b.text = f"{a.full_name}政府信息公开工作年度报告"
        elif "统计期限" in b.text:
            b.text = b.text.replace(f"{y}年1月1日至{y}年12月31日", wording)
        elif b.text.startswith(f"{y}年"):
            b.text = "本年度" + b.text[len(f"{y}年") :]
    case.doc.head_title = f"{a.full_name}政府信息公开工作年度报告"


def _gbk(case: Case) -> None:
    case.encoding = "gbk"
    case.doc.page_charset = "gb2312"


def _crlf(case: Case) -> None:
    case.newline = "\r\n"


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _fullwidth(case: Case) -> None:
    for b in case.doc.blocks:
        b.text = b.text.translate(_FULL)
        if b.table:
            for x in b.table.cells:
                x.text = x.text.translate(_FULL)


def _chinese_date(case: Case) -> None:
    d = case.rep.published_on
    from . import _CN, _cn_number

    cn = f"{''.join(_CN[int(c)] for c in str(d.year))}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
    for b in case.doc.blocks:
        if b.kind == "sign" and b.text == f"{d.year}年{d.month}月{d.day}日":
            b.text = cn


def _header_breaks(case: Case) -> None:
    case.tabs_keep_breaks = True
    _relabel_cells(
        case,
        {
            "申请人情况": "申请人\n情况",
            "自然人": "自然\n人",
            "总计": "总\n计",
            "行政复议": "行政\n复议",
            "未经复议直接起诉": "未经复议\n直接起诉",
            "本年制发件数": "本年制发\n件数",
        },
    )


def _bookmark(case: Case) -> None:
    for b in case.doc.blocks:
        if b.kind == "p":
            b.text = "[bookmark: _GoBack]" + b.text
            break


def _fee_in_yuan(case: Case) -> None:
    key = (PROACTIVE, "fees", "amount_10k_yuan")
    amount = dict(case.values())[key]
    case.value_text[key] = f"{round(amount * 10000)}元"


def _fee_header_in_yuan(case: Case) -> None:
    key = (PROACTIVE, "fees", "amount_10k_yuan")
    amount = dict(case.values())[key]
    case.value_text[key] = str(round(amount * 10000))
    _relabel_cells(case, {"本年收费金额（单位：万元）": "本年收费金额（单位：元）"})


def _title_two_lines(case: Case) -> None:
    y = case.rep.year
    at = next(i for i, b in enumerate(case.doc.blocks) if b.kind == "title")
    head, tail = case.doc.blocks[at].text.split(f"{y}年")
    case.doc.blocks[at : at + 1] = [Block("title", f"{head}{y}年政府"), Block("title", tail[2:])]


def _spaced_digits(case: Case) -> None:
    y = case.rep.year
    for b in case.doc.blocks:
        if b.kind in ("title", "p"):
            b.text = b.text.replace(f"{y}年", f" {y} 年").replace("1月1日", " 1 月 1 日").strip()


def _relabel_cells(case: Case, texts: dict[str, str]) -> None:
    """Header or group cells printed differently (after the document is built)."""

    def edit(c: Case) -> None:
        for t in c.doc.tables():
            for x in t.cells:
                if x.key is None and x.text.replace("\n", "") in texts:
                    x.text = texts[x.text.replace("\n", "")]

    case.after.append(edit)


def _pdf(**style) -> Callable[[Case], None]:
    def edit(case: Case) -> None:
        for k, v in style.items():
            setattr(case.pdf, k, v)

    return edit


def _overflow(case: Case) -> None:
    case.labels["carried_forward"] = "四、结转下年度\n继续办理"
    case.pdf.overflow_last_row = True


def _wps(case: Case) -> None:
    case.pdf.white_boxes = case.pdf.heading_indent = case.pdf.restart_labels = True
    case.pdf.page_numbers = "- {n} -"
    for b in case.doc.blocks:
        if b.kind == "h":
            b.indent = "  "


V = Variant
REGISTRY: list[Variant] = [
    V("baseline", "未作变化的报告", "the report as generated, no variation", ALL),
    V(
        "thousands_separator",
        "数字带千位分隔符「1,234」",
        "numbers with thousands separators",
        ALL,
        _thousands,
        volume=9000,
    ),
    V("unit_jian", "单元格带单位「0件」「12件」", "cells with a unit, 「0件」", ALL, _unit_jian),
    V(
        "dash_in_totals",
        "总计为0时写作「—」",
        "zero totals printed 「—」 (placeholder_cell)",
        ALL,
        _dash_totals,
    ),
    V(
        "blank_zeros",
        "申请人各列的0留空（上海式）",
        "zeros of the applicant columns left blank",
        ALL,
        _blank_zeros,
    ),
    V(
        "blank_total_column",
        "总计列空白：不是错误，给出 missing_total 提示",
        "总计 column blank on the outcome rows: missing_total warnings, no error",
        ALL,
        _blank_totals,
    ),
    V(
        "template_mix",
        "2021 版表格中印有 2019 版单行「（六）其他处理」",
        "a 2021 table printing the 2019 single 「（六）其他处理」 row (template_mix, other_processing)",
        ALL,
        _mix_2019_other,
    ),
    V(
        "label_typos",
        "行标签错字、漏字、多字「2.其他法律行政止公开」",
        "row labels with typos, dropped or extra characters",
        ALL,
        _typos,
    ),
    V("label_spaces", "标签中有空格「4.无正当理由大量反复 申请」", "spaces inside labels", ALL, _spaces),
    V(
        "label_wrapped",
        "标签在单元格内换行「5.要求行政机关确认或重⏎新出具已获取信息」",
        "labels wrapped by a line break inside their cell",
        ("cells", "html", "docx", "pdf"),
        _wrapped,
    ),
    V(
        "numbering_styles",
        "编号样式不同「(一)」「1、」「(1)」「一．」",
        "other bracket and numbering styles",
        ALL,
        _numbering,
    ),
    V(
        "heading_wording",
        "章节标题措辞不同「五、存在问题及改进情况」",
        "section headings worded differently",
        ALL,
        doc=_heading_wording,
    ),
    V(
        "heading_indented",
        "章节标题像段落一样缩进「　　一、总体情况」",
        "section headings indented like paragraphs",
        ALL,
        doc=_heading_indent,
    ),
    V(
        "page_numbers",
        "行间有页码「-1-」「- 2 -」",
        "page numbers between lines",
        ("cells", "tabs", "pdf"),
        doc=_page_numbers,
    ),
    V("table_split", "表三断为两张表", "table 三 cut in two", ALL, doc=_split(False, False)),
    V(
        "header_repeated",
        "表三断开，续表重复表头",
        "table 三 cut in two, its header repeated",
        ALL,
        doc=_split(False, True),
    ),
    V(
        "group_label_restart",
        "表三断开，续表重新印出合并的分组标签（WPS）",
        "table 三 cut in two, merged group labels printed again below the cut (WPS)",
        ALL,
        doc=_split(True, False),
    ),
    V(
        "notes_under_table",
        "表内表下有「注：」说明",
        "notes under the tables and a note row inside table 三",
        ALL,
        doc=_notes,
    ),
    V(
        "extra_blank_columns",
        "多出空白列",
        "extra blank columns (inside table 三 and on every right edge)",
        ALL,
        doc=_extra_columns,
    ),
    V(
        "flat_grid",
        "没有合并单元格，合并处为空白单元格",
        "no merged cells: every merge printed as empty cells",
        ALL,
        doc=_flat_grid,
    ),
    V(
        "second_report_appended",
        "一个文件后面附有另一份报告",
        "a second report appended in the same file",
        ALL,
        doc=_second_report,
    ),
    V(
        "arithmetic_error",
        "真实的算术错误：行政复议 10、1、0、0，总计 0",
        "a true arithmetic error: 行政复议 10, 1, 0, 0 with 总计 0 (review_total error)",
        ALL,
        _arithmetic,
    ),
    V(
        "title_in_head_only",
        "标题只在 <title> 与 ArticleTitle 中",
        "title only in <title> and <meta name=ArticleTitle>",
        ("html",),
        doc=_title_in_head,
    ),
    V(
        "pubdate_meta_only",
        "发布日期只在 <meta name=PubDate> 中",
        "no sign-off date; PubDate meta",
        ("html",),
        doc=_pubdate_meta,
    ),
    V(
        "no_signoff_date",
        "没有落款日期：发布日期为空",
        "no sign-off date at all (published_on null)",
        ALL,
        _no_date,
    ),
    V(
        "period_wordings",
        "标题无年份，统计期限写法不同「从2019年1月1日到12月31日止」",
        "title without year; the year only in a differently worded statistics period",
        ALL,
        doc=_period,
    ),
    V("gbk_encoding", "GBK 编码", "GBK encoding", ("cells", "tabs", "html"), doc=_gbk),
    V("crlf", "CRLF 换行", "CRLF line ends", ("cells", "tabs", "html"), doc=_crlf),
    V("fullwidth_digits", "全角数字「１２」", "full-width digits everywhere", ALL, doc=_fullwidth),
    V(
        "chinese_date",
        "落款日期为汉字「二〇二五年一月八日」",
        "sign-off date in Chinese numerals",
        ALL,
        doc=_chinese_date,
    ),
    V(
        "header_line_breaks",
        "表头单元格内换行「总⏎计」",
        "header cells with line breaks (kept in tab rows)",
        ALL,
        _header_breaks,
    ),
    V(
        "bookmark_noise",
        "Word 残留「[bookmark: _GoBack]」",
        "Word leftovers in text exports",
        TEXT,
        doc=_bookmark,
    ),
    V(
        "fee_in_yuan",
        "收费金额写作「251000元」",
        "the fee amount printed in 元 with its unit",
        ALL,
        _fee_in_yuan,
    ),
    V(
        "fee_header_in_yuan",
        "收费金额列头写「（单位：元）」，数值为元",
        "the fee column headed 「（单位：元）」 with its amount in 元 (read as 万元)",
        ALL,
        _fee_header_in_yuan,
    ),
    V(
        "title_two_lines",
        "标题分两行「…2024年政府」「信息公开工作年度报告」",
        "the title split over two lines",
        ALL,
        doc=_title_two_lines,
    ),
    V(
        "spaced_digits",
        "年份前后有空格「 2024 年」",
        "spaces around the digits of years and dates",
        ALL,
        doc=_spaced_digits,
    ),
    V(
        "pdf_borderless",
        "PDF 表格无表格线",
        "PDF tables without ruling lines",
        ("pdf",),
        doc=_pdf(ruled=False),
    ),
    V(
        "white_text_boxes",
        "PDF 每行文字后有白色填充矩形（WPS）",
        "PDF: a white filled box behind every text line (WPS)",
        ("pdf",),
        doc=_pdf(white_boxes=True),
    ),
    V(
        "wps_pdf",
        "WPS 导出的 PDF：白色矩形、缩进标题、页码「- 2 -」、跨页分组标签重印",
        "WPS PDF: white boxes, indented headings, page numbers, group labels restarting",
        ("pdf",),
        doc=_wps,
    ),
    V(
        "last_row_below_box",
        "PDF 表格最后一行标签换行落在表格框外",
        "PDF: a table's last row label wrapping below the box",
        ("pdf",),
        _overflow,
    ),
]
VARIANTS: dict[str, Variant] = {v.name: v for v in REGISTRY}
assert len(VARIANTS) == len(REGISTRY), "variant names are unique"


# --- building a case --------------------------------------------------------------------------


@cache
def _places() -> tuple[tuple[str, str], ...]:
    return tuple(districts(60, random.Random(7)))


def _base_report(rng: random.Random, volume: int, year: int | None = None) -> SyntheticReport:
    city, district = rng.choice(_places())
    year = year or rng.randint(2021, 2024)
    proactive, apps, reviews = draw_tables(rng, volume=volume)
    return SyntheticReport(
        agency=Agency(city, district, rng.choice(AGENCY_KINDS)),
        year=year,
        layout="html",
        published_on=date(year + 1, 1, 1) + timedelta(days=rng.randint(3, 25)),
        phone=f"027-{rng.randint(80000000, 89999999)}",
        fee=0,
        proactive=proactive,
        applications=apps,
        reviews=reviews,
    )


def make_case(variant: Variant | str, fmt: str, seed: int) -> Case:
    v = VARIANTS[variant] if isinstance(variant, str) else variant
    if fmt not in v.formats:
        raise ValueError(f"variant {v.name} does not apply to {fmt}")
    digest = hashlib.sha256(f"{v.name}/{fmt}/{seed}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    case = Case(v.name, fmt, seed, _base_report(rng, v.volume), rng)
    if v.report:
        v.report(case)
    rep = case.rep
    truth = {}
    for k, value in rep.slots():
        truth[k] = None if k in rep.blank else 0 if k in rep.placeholder else value
    case.cells = truth | case.cells
    for t, r, c in sorted(rep.blank):
        case.expect("missing_cell", t, r, c)
    for t, r, c in sorted(rep.placeholder):
        case.expect("placeholder_cell", t, r, c)
    case.meta = {
        "year": rep.year,
        "agency_name": rep.agency.full_name,
        "city": rep.agency.city,
        "district": rep.agency.district,
        "published_on": rep.published_on.isoformat() if rep.published_on else None,
        "template": rep.template,
    } | case.meta
    case.doc = build_doc(rep, case.value_text, case.labels, case.mix_2019_other)
    for edit in case.after:
        edit(case)
    if v.doc:
        v.doc(case)
    case.data = render(case)
    return case


def render(case: Case) -> bytes:
    doc = case.doc
    if case.fmt == "pdf":
        return render_pdf(doc, case.pdf)
    if case.fmt == "docx":
        return render_docx(doc)
    if case.fmt == "html":
        text = render_html(doc)
    elif case.fmt == "cells":
        text = render_cells(doc)
    else:
        text = render_tabs(doc, keep_breaks=case.tabs_keep_breaks)
    return text.replace("\n", case.newline).encode(case.encoding)


# --- scoring ----------------------------------------------------------------------------------

_MISSING = object()


@dataclass
class Score:
    case: Case
    published: bool = False
    reason: str = ""  # why not published
    cells_ok: int = 0
    cells_total: int = 0
    wrong_cells: list[tuple[Key, object, object]] = field(default_factory=list)  # key, want, got
    false_errors: list = field(default_factory=list)  # error findings the truth does not expect
    missed: list[Expect] = field(default_factory=list)  # expected findings not raised
    sections_found: int = 0
    sections_expected: int = 0
    meta_wrong: dict[str, tuple[object, object]] = field(default_factory=dict)
    report: object = None

    @property
    def perfect(self) -> bool:
        return (
            self.published
            and self.cells_ok == self.cells_total
            and not self.false_errors
            and not self.missed
            and self.sections_found == self.sections_expected
            and not self.meta_wrong
        )


def _got(report, key: Key):
    table, row, col = key
    if table == PROACTIVE:
        cell = report.proactive.get((row, col))
    else:
        grid = report.applications if table == APPS else report.reviews
        cell = grid.get(row, {}).get(col)
    return _MISSING if cell is None else cell.value


def evaluate(case: Case) -> Score:
    """Read, parse and check the case's file with xxgk's own API; compare with the truth."""
    from ..check import check_report
    from ..ingest import UnreadableFile, read_bytes
    from ..parse import NotAReport, parse_document

    score = Score(case, cells_total=len(case.cells), sections_expected=len(case.sections))
    score.missed = list(case.expected)
    try:
        doc = read_bytes(case.data, case.name, case.suffix)
        report = parse_document(doc, hashlib.sha256(case.data).hexdigest(), case.name)
        check_report(report)
    except (UnreadableFile, NotAReport) as exc:
        score.reason = str(exc)
        return score
    except Exception as exc:  # a parser bug: scored as not published, named
        score.reason = f"{type(exc).__name__}: {exc}"
        return score
    score.published, score.report = True, report
    for key, want in case.cells.items():
        got = _got(report, key)
        if got is not _MISSING and got == want and (got is None) == (want is None):
            score.cells_ok += 1
        else:
            score.wrong_cells.append((key, want, None if got is _MISSING else got))
    expected_errors = [e for e in case.expected if e.severity == "error"]
    for f in report.findings:
        if f.severity == "error" and not any(e.matches(f) for e in expected_errors):
            score.false_errors.append(f)
    score.missed = [e for e in case.expected if not any(e.matches(f) for f in report.findings)]
    score.sections_found = len(case.sections & {s.number for s in report.sections})
    got_meta = {
        "year": report.year,
        "agency_name": report.agency_name,
        "city": report.city,
        "district": report.district,
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "template": report.template,
    }
    score.meta_wrong = {k: (want, got_meta[k]) for k, want in case.meta.items() if got_meta[k] != want}
    return score


def cases(seeds: int = 1, only: list[str] | None = None, formats: list[str] | None = None):
    """Every (variant, format) pair with `seeds` reports each, in registry order."""
    for v in REGISTRY:
        if only and v.name not in only:
            continue
        for fmt in v.formats:
            if formats and fmt not in formats:
                continue
            for seed in range(seeds):
                yield v, fmt, seed
