"""Stage 1: bytes of any encoding and either text layout become the same neutral Document."""

from __future__ import annotations

import codecs

import pytest

from xxgk.ingest import Paragraph, Table, UnreadableFile, read_bytes

CELL_LINES = "标题\n\t信息内容\n\t本年制发件数\n\n\t规章\n\t3\n\n正文\n"
TAB_ROWS = "标题\n信息内容\t本年制发件数\n规章\t3\n\n正文\n"


@pytest.mark.parametrize("text", [CELL_LINES, TAB_ROWS], ids=["cell_lines", "tab_rows"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_layouts_and_encodings_give_one_document(text, encoding, newline):
    doc = read_bytes(text.replace("\n", newline).encode(encoding), "x.txt")
    assert doc.blocks == [
        Paragraph("标题"),
        Table((("信息内容", "本年制发件数"), ("规章", "3"))),
        Paragraph("正文"),
    ]


def test_wrapped_cell_text_joins_its_cell_even_after_a_blank_line():
    text = "\t行政复议\n\t结果\n\n纠正\n\t其他\n结果\n\n\t0\n\t1\n\n下一段。\n"
    doc = read_bytes(text.encode(), "x.txt")
    assert doc.tables[0].rows == (("行政复议", "结果\n纠正", "其他\n结果"), ("0", "1"))
    assert doc.paragraphs == [Paragraph("下一段。")]


def test_a_heading_after_a_number_cell_is_not_glued_to_it():
    doc = read_bytes("\t规章\n\t0\n四、政府信息公开行政复议、行政诉讼情况\n".encode(), "x.txt")
    assert doc.tables[0].rows == (("规章", "0"),)
    assert doc.paragraphs[0].text.startswith("四、")


def test_word_bookmarks_are_dropped():
    doc = read_bytes("[bookmark: _GoBack]2024年收取信息处理费0元。\n".encode(), "x.txt")
    assert doc.paragraphs == [Paragraph("2024年收取信息处理费0元。")]


@pytest.mark.parametrize(
    ("data", "suffix", "reason"),
    [
        (b"", ".txt", "空文件"),
        (b"  \n\n ", ".txt", "空文件"),
        (bytes(range(256)) * 40, ".txt", "二进制"),
        (b"PK\x03\x04 this is not really a zip", ".docx", "DOCX 文件已损坏"),
        (b"hello, not a word file", ".docx", "不是有效的 DOCX"),
        (b"%PDF-1.7 truncated", ".pdf", "PDF 文件已损坏"),
    ],
)
def test_bad_files_say_why(data, suffix, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_bytes(data, "bad" + suffix, suffix)


def test_gbk_without_bom_is_read_as_gb18030():
    text = "武汉市硚口区档案馆2024年政府信息公开工作年度报告\n" * 3
    doc = read_bytes(text.encode("gbk"), "x.txt")
    assert doc.encoding == "gb18030" and doc.paragraphs[0].text.startswith("武汉市")


def test_bom_is_not_part_of_the_text():
    doc = read_bytes(codecs.BOM_UTF8 + "标题\n".encode(), "x.txt")
    assert doc.paragraphs == [Paragraph("标题")]


def test_html_merged_cells_become_a_grid():
    page = """<html><head><meta charset="gb2312"><title>不是正文</title></head><body>
    <div class="nav">首页 政务公开</div>
    <table><tr><td><table>
      <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>1</td></tr>
      <tr><td>（三）不予公开</td><td>1.属于<br>国家秘密</td><td><p><span>2</span></p></td></tr>
      <tr><td colspan="3">四、结转下年度继续办理</td><td>&nbsp;</td></tr>
    </table></td></tr></table>
    <p>正文&nbsp;一段。</p><div id="footer">版权所有</div></body></html>"""
    doc = read_bytes(page.encode("gbk"), "x.html", ".html")
    assert doc.encoding == "gb18030"
    assert doc.tables[0].rows == (
        ("三、本年度办理结果", "（一）予以公开", "1"),
        ("三、本年度办理结果", "（三）不予公开", "1.属于\n国家秘密", "2"),
        ("四、结转下年度继续办理", ""),
    )
    assert [p.text for p in doc.paragraphs] == ["正文 一段。"]
