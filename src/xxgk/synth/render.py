"""Synthetic reports as the files agencies really publish: a whole web page (HTML) and a Word
file (DOCX) with the national tables' merged cells. PDFs are made from the DOCX by
LibreOffice (scripts/make_fixtures.py), as agencies make them from Word."""

from __future__ import annotations

import html
import io

from ..formats import catalogue
from . import SyntheticReport

_RESULTS = ["结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"]


def paragraphs(rep: SyntheticReport) -> list[tuple[str, str]]:
    """(kind, text) of the report's prose: 'title', 'h' (section heading), 'p', 'table:N'."""
    a, y = rep.agency, rep.year
    d = rep.published_on
    out = [
        ("title", f"{a.full_name}{y}年政府信息公开工作年度报告"),
        (
            "p",
            f"本报告依据《中华人民共和国政府信息公开条例》第五十条编制。所列数据的统计期限为{y}年1月1日至{y}年12月31日。"
            f"如对本报告有疑问，请与{a.full_name}办公室联系（电话：{rep.phone}）。",
        ),
        ("h", "一、总体情况"),
        ("p", f"{y}年，{a.name}认真贯彻落实政府信息公开工作要求，稳步推进各项工作。"),
        ("h", "二、主动公开政府信息情况"),
        ("table", "2"),
        ("h", "三、收到和处理政府信息公开申请情况"),
        ("p", f"{y}年共收到政府信息公开申请{rep.applications['received']['total']}件。"),
        ("table", "3"),
        ("h", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "4"),
        ("h", "五、存在的主要问题及改进情况"),
        ("p", "政府信息公开工作仍有不足，下一步将加强培训，提高公开质量。"),
        ("h", "六、其他需要报告的事项"),
        ("p", f"本年度收取政府信息公开信息处理费{rep.fee}元。"),
        ("sign", a.full_name),
    ]
    if d:
        out.append(("sign", f"{d.year}年{d.month}月{d.day}日"))
    return out


def _value(rep: SyntheticReport, key: tuple[str, str, str], v) -> str:
    if key in rep.blank:
        return ""
    if key in rep.placeholder:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _slot_values(rep: SyntheticReport) -> dict[tuple[str, str, str], str]:
    return {k: _value(rep, k, v) for k, v in rep.slots()}


def table_rows(rep: SyntheticReport, number: str) -> list[list[tuple[str, int, int]]]:
    """The national table as rows of (text, rowspan, colspan); text may hold <br>."""
    return [[(t, rs, cs) for t, rs, cs, _ in row] for row in keyed_rows(rep, number)]


Key = tuple[str, str, str]


def keyed_rows(
    rep: SyntheticReport,
    number: str,
    value_text: dict[Key, str] | None = None,
    labels: dict[str, str] | None = None,
    mix_2019_other: bool = False,
) -> list[list[tuple[str, int, int, Key | None]]]:
    """The national table as rows of (text, rowspan, colspan, key): `key` names the value
    cell (table, row, column), None for labels and headers. `value_text` overrides how
    value cells are printed, `labels` how row labels are (by row or item code);
    `mix_2019_other` prints the 2019 format's single 「（六）其他处理」 row inside a 2021 table
    (its key's row is `other_processing`)."""
    cat = catalogue()
    fmt = cat.formats[rep.template]
    vals = _slot_values(rep) | (value_text or {})
    labels = labels or {}
    rows: list[list[tuple[str, int, int, Key | None]]] = []
    if number == "2":
        clauses: dict[str, list] = {}
        for item in fmt.proactive_items:
            clauses.setdefault(item.clause, []).append(item)
        for clause, items in clauses.items():
            measures = items[0].measures
            rows.append([(clause, 1, 4, None)])
            span = 3 - len(measures)  # four columns: the label and three values
            head = [("信息内容", 1, 1, None)] + [
                (cat.measures[m].label, 1, 1 + (span if k == 0 else 0), None) for k, m in enumerate(measures)
            ]
            rows.append(head)
            for item in items:
                rows.append(
                    [(labels.get(item.code, item.label), 1, 1, None)]
                    + [
                        (
                            vals[("proactive_disclosure", item.code, m)],
                            1,
                            1 + (span if k == 0 else 0),
                            ("proactive_disclosure", item.code, m),
                        )
                        for k, m in enumerate(measures)
                    ]
                )
        return rows
    if number == "3":
        rows.append(
            [
                ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, None),
                ("申请人情况", 1, 7, None),
            ]
        )
        rows.append([("自然人", 2, 1, None), ("法人或其他组织", 1, 5, None), ("总计", 2, 1, None)])
        rows.append(
            [
                ("商业<br>企业", 1, 1, None),
                ("科研<br>机构", 1, 1, None),
                ("社会公益<br>组织", 1, 1, None),
                ("法律服务<br>机构", 1, 1, None),
                ("其他", 1, 1, None),
            ]
        )
        layout = list(fmt.application_layout)
        if mix_2019_other:
            from types import SimpleNamespace

            at = layout.index("（六）其他处理")
            layout[at : at + 4] = [SimpleNamespace(code="other_processing", label="（六）其他处理")]
        groups = {}
        current = None
        for entry in layout:
            if isinstance(entry, str):
                current = entry if entry.startswith("（") else current
                groups[entry] = 0
            elif entry.label[:1].isdigit() and current:
                groups[current] += 1
        outcome_rows = sum(1 for e in layout if not isinstance(e, str) and e.label.startswith("（"))
        outcome_rows += sum(groups.values())
        pending_group = None
        first_outcome = True
        for entry in layout:
            if isinstance(entry, str):
                pending_group = entry if entry.startswith("（") else None
                continue
            keys = [("applications", entry.code, a.code) for a in cat.applicants]
            cells = [(vals[k], 1, 1, k) for k in keys]
            label = labels.get(entry.code, entry.label)
            lead: list[tuple[str, int, int, Key | None]] = []
            if entry.code in ("received", "carried_over", "carried_forward"):
                lead = [(label, 1, 3, None)]
            else:
                if first_outcome:
                    lead.append(("三、本年度办理结果", outcome_rows, 1, None))
                    first_outcome = False
                if entry.label[:1].isdigit():
                    if pending_group:
                        lead.append((pending_group, groups[pending_group], 1, None))
                        pending_group = None
                    lead.append((label, 1, 1, None))
                else:
                    lead.append((label, 1, 2, None))
            rows.append(lead + cells)
        return rows
    rows.append([("行政复议", 1, 5, None), ("行政诉讼", 1, 10, None)])
    rows.append(
        [(t, 2, 1, None) for t in _RESULTS] + [("未经复议直接起诉", 1, 5, None), ("复议后起诉", 1, 5, None)]
    )
    rows.append([(t, 1, 1, None) for t in _RESULTS * 2])
    keys = [("reviews_litigation", p.code, x.code) for p in cat.proceedings for x in cat.review_results]
    rows.append([(vals[k], 1, 1, k) for k in keys])
    return rows


def render_html(rep: SyntheticReport) -> str:
    """A whole page: navigation, a layout table, the article, a footer."""
    body = []
    for kind, text in paragraphs(rep):
        if kind == "title":
            body.append(
                f'<h1 class="title">{html.escape(text)}</h1>'
                f'<div class="info">来源：{html.escape(rep.agency.full_name)}&nbsp;&nbsp;'
                f"字号：[大 中 小]</div>"
            )
        elif kind == "h":
            body.append(f'<p style="text-indent:2em"><strong>{html.escape(text)}</strong></p>')
        elif kind == "p":
            body.append(
                f'<p style="text-indent:2em"><span style="font-family:仿宋">{html.escape(text)}</span></p>'
            )
        elif kind == "sign":
            body.append(f'<p style="text-align:right">{html.escape(text)}</p>')
        else:
            trs = []
            for row in table_rows(rep, text):
                tds = []
                for t, rs, cs in row:
                    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                    inner = "&nbsp;" if t == "" else "<br>".join(html.escape(x) for x in t.split("<br>"))
                    tds.append(f'<td{attrs} valign="center"><p align="center"><span>{inner}</span></p></td>')
                trs.append("<tr>" + "".join(tds) + "</tr>")
            body.append(
                '<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>'
                + "\n".join(trs)
                + "</tbody></table>"
            )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{html.escape(rep.agency.full_name)}{rep.year}年政府信息公开工作年度报告</title>"
        "<script>var _hmt = _hmt || [];</script><style>td{font-size:12px}</style></head><body>"
        '<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
        '<a href="/hdjl/">互动交流</a></div>'
        '<div class="nav-bar"><ul><li>机构概况</li><li>政策文件</li><li>年度报告</li></ul></div>'
        '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
        '<table width="100%" class="layout"><tr><td width="200">栏目导航</td><td><div class="article">'
        + "\n".join(body)
        + '</div></td></tr></table><div class="share">分享到：微信 微博</div>'
        '<div id="footer">主办单位：人民政府办公室　版权所有　网站标识码：4201040001　鄂ICP备05003311号</div>'
        "</body></html>"
    )


def render_docx(rep: SyntheticReport, ruled: bool = True) -> bytes:
    """A Word file whose tables merge cells across and down, as the national format does;
    `ruled=False` leaves the tables without borders (a PDF of it has no ruling lines)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    for kind, text in paragraphs(rep):
        if kind == "table":
            rows = table_rows(rep, text)
            width = max(sum(cs for _, _, cs in row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid" if ruled else "Normal Table"
            taken: set[tuple[int, int]] = set()
            for r, row in enumerate(rows):
                c = 0
                for t, rs, cs in row:
                    while (r, c) in taken:
                        c += 1
                    cell = table.cell(r, c)
                    if rs > 1 or cs > 1:
                        cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
                    cell.text = t.replace("<br>", "\n")
                    for dr in range(rs):
                        for dc in range(cs):
                            taken.add((r + dr, c + dc))
                    c += cs
            for row in table.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.font.size = Pt(8)
        else:
            para = document.add_paragraph(text)
            if kind == "title":
                para.runs[0].bold = True
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
