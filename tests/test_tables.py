"""The template matcher: rows found by label, values aligned, nothing guessed."""

from __future__ import annotations

from xxgk.formats import catalogue
from xxgk.ingest.document import Document, Table
from xxgk.parse.tables import Grid, alignments, read_applications, read_reviews

FMT = catalogue().formats["2021"]


def doc_of(*rows):
    return Grid(Document("t", "txt", [Table(tuple(tuple(r) for r in rows))]))


def test_alignments_only_drop_blank_padding():
    assert alignments(["", "1", "2", ""], 2) == [1]
    assert alignments(["1", "2"], 2) == [0]
    assert alignments(["", "1", "", ""], 2) == [0, 1]  # ambiguous: the blank may be first or last
    assert alignments(["1", "2", "3"], 2) == []  # a number is never dropped
    assert alignments(["1"], 2) == []


def _full_table(overrides: dict[str, list[str]]):
    rows = []
    for r in FMT.application_rows:
        rows.append(overrides.get(r.code, ["", r.label, "", *["0"] * 7, ""]))
    return rows


def test_an_ambiguous_row_follows_rows_of_the_same_shape():
    """「label, '', v1..v6, '', ''」 could hold a blank first or last value: rows of the same
    shape in the table (label first, ten cells) show the values start right after the filler."""
    rows = _full_table(
        {
            "received": ["一、本年新收政府信息公开申请数量", "", "4", "0", "0", "0", "0", "1", "5", ""],
            "carried_over": ["二、上年结转政府信息公开申请数量", "", "2", "0", "0", "0", "0", "0", "", ""],
        }
    )
    cells, findings, found = read_applications(doc_of(*rows), FMT, catalogue())
    assert found
    assert [cells["carried_over"][c].value for c in cells["carried_over"]] == [2, 0, 0, 0, 0, 0, None]
    assert [cells["received"][c].value for c in cells["received"]] == [4, 0, 0, 0, 0, 1, 5]
    assert ("missing_cell", "carried_over", "total") in {(f.rule, f.row, f.column) for f in findings}


def test_a_row_that_cannot_be_placed_is_an_error_not_a_guess():
    rows = _full_table({"granted": ["", "（一）予以公开", "1", "2", "3"]})
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert all(v.value is None for v in cells["granted"].values())
    [f] = [f for f in findings if f.rule == "unplaced_cells"]
    assert (f.severity, f.row, f.expected, f.actual) == ("error", "granted", 7, 3)


def test_a_missing_row_is_reported_and_left_null():
    rows = [r for r in _full_table({}) if "重复申请" not in r[1]]
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert {f.row for f in findings if f.rule == "missing_row"} == {"rejected_duplicate"}
    assert all(v.value is None for v in cells["rejected_duplicate"].values())


def test_labels_match_without_their_numbering_when_unambiguous():
    rows = _full_table({"granted": ["", "予以公开", *["1"] * 6, "6"]})
    cells, _findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert cells["granted"]["total"].value == 6


def test_table_four_reads_fifteen_numbers_after_its_header():
    header = [
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ]
    values = [str(i) for i in range(15)]
    cells, _findings, found = read_reviews(doc_of(*header, values), catalogue())
    assert found and cells["litigation_after_review"]["total"].value == 14
    assert cells["review"]["upheld"].value == 0 and cells["litigation_direct"]["upheld"].value == 5


def test_table_four_split_over_two_tables_is_joined():
    header = [["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]
    doc = Document(
        "t", "txt", [Table(tuple(tuple(r) for r in [*header, ["1"] * 8])), Table((tuple(["1"] * 7),))]
    )
    cells, _findings, found = read_reviews(Grid(doc), catalogue())
    assert found and cells["litigation_after_review"]["total"].value == 1


def test_an_amount_column_printed_in_yuan_is_normalised_to_10k_yuan():
    from xxgk.parse.tables import read_proactive

    fmt2019 = catalogue().formats["2019"]
    grid = doc_of(
        ["第二十条第（九）项"],
        ["信息内容", "采购项目数量", "采购总金额（元）"],
        ["政府集中采购", "3", "1,250,000"],
    )
    cells, _, _ = read_proactive(grid, fmt2019, catalogue())
    assert cells[("procurement", "projects")].value == 3
    assert cells[("procurement", "amount_10k_yuan")].value == 125.0
    grid = doc_of(["信息内容", "采购项目数量", "采购总金额（万元）"], ["政府集中采购", "3", "125"])
    cells, _, _ = read_proactive(grid, fmt2019, catalogue())
    assert cells[("procurement", "amount_10k_yuan")].value == 125.0


def _rules(findings):
    return {(f.rule, f.row) for f in findings}


def test_a_typod_label_is_read_by_closeness_and_says_so():
    """「2.其他法律行政止公开」 (淮安市洪泽区, 2024): clearly closest to one national label in
    its place; read as that row, with a label_variant warning quoting what was printed."""
    rows = _full_table({"denied_prohibited_by_law": ["", "2.其他法律行政止公开", "", *["3"] * 6, "18", ""]})
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert cells["denied_prohibited_by_law"]["total"].value == 18
    [variant] = [f for f in findings if f.rule == "label_variant"]
    assert (variant.row, variant.text, variant.severity) == (
        "denied_prohibited_by_law",
        "2.其他法律行政止公开",
        "warning",
    )
    assert "missing_row" not in {f.rule for f in findings}


def test_a_label_cut_by_a_line_break_onto_a_row_of_its_own_is_joined():
    rows = _full_table({"rejected_confirmation": ["", "新出具已获取信息", "", *["1"] * 6, "6", ""]})
    k = [r.code for r in FMT.application_rows].index("rejected_confirmation")
    rows.insert(k, ["", "5.要求行政机关确认或重"])
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert cells["rejected_confirmation"]["total"].value == 6
    assert ("label_variant", "rejected_confirmation") in _rules(findings)


def test_between_two_equally_close_candidates_nothing_is_guessed():
    """Two rows printed where 「2.重复申请」 belongs, each as close to it as the other: the
    row is not taken from either (missing_row), and neither is read as anything else."""
    rows = _full_table({"rejected_duplicate": ["", "2.重复申请书", "", *["1"] * 6, "6", ""]})
    k = [r.code for r in FMT.application_rows].index("rejected_duplicate")
    rows.insert(k + 1, ["", "2.重复的申请", "", *["2"] * 6, "12", ""])
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert ("missing_row", "rejected_duplicate") in _rules(findings)
    assert all(v.value is None for v in cells["rejected_duplicate"].values())
    assert "label_variant" not in {f.rule for f in findings}


def test_a_label_far_from_every_national_one_stays_missing():
    rows = _full_table({"rejected_duplicate": ["", "2.其他情形说明", "", *["0"] * 6, "0", ""]})
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert ("missing_row", "rejected_duplicate") in _rules(findings)
    assert all(v.value is None for v in cells["rejected_duplicate"].values())


def test_the_2019_other_processing_row_in_a_2021_table_is_template_mix():
    rows = [r for r in _full_table({}) if not r[1].startswith(("1.申请人", "2.申请人", "3.其他"))]
    k = next(i for i, r in enumerate(rows) if r[1] == "（七）总计")
    rows.insert(k, ["", "（六）其他处理", "", *["1"] * 6, "6", ""])
    cells, findings, _ = read_applications(doc_of(*rows), FMT, catalogue())
    assert cells["other_processing"]["total"].value == 6
    assert all(v.value is None for v in cells["other_other"].values())
    assert ("template_mix", "other_processing") in _rules(findings)
    assert not any(f.rule == "missing_row" for f in findings)
    assert list(cells)[-3:] == ["other_processing", "total_processed", "carried_forward"]
