"""Reading cells: numbers as published, blanks null, placeholders 0, units converted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.parse.normalize import CellStatus, fold, read_cell, strip_numbering


@pytest.mark.parametrize(
    ("text", "unit", "integer", "value", "status"),
    [
        ("0", None, True, 0, CellStatus.OK),
        ("１２", None, True, 12, CellStatus.OK),  # full-width digits
        ("1,234", None, True, 1234, CellStatus.OK),  # thousands separator
        (" 7 ", None, True, 7, CellStatus.OK),
        ("5件", None, True, 5, CellStatus.OK),
        ("", None, True, None, CellStatus.BLANK),
        ("  ", None, True, None, CellStatus.BLANK),
        ("-", None, True, 0, CellStatus.PLACEHOLDER),
        ("—", None, True, 0, CellStatus.PLACEHOLDER),
        ("/", None, True, 0, CellStatus.PLACEHOLDER),
        ("无", None, True, 0, CellStatus.PLACEHOLDER),
        ("251000元", "万元", False, 25.1, CellStatus.OK),  # yuan written in a 万元 column
        ("25.1万元", "万元", False, 25.1, CellStatus.OK),
        ("12.5", "万元", False, 12.5, CellStatus.OK),
        ("2.5", None, True, None, CellStatus.UNREADABLE),  # not a count
        ("-3", None, True, None, CellStatus.UNREADABLE),  # counts are never negative
        ("见附件", None, True, None, CellStatus.UNREADABLE),
    ],
)
def test_read_cell(text, unit, integer, value, status):
    got = read_cell(text, unit=unit, integer=integer)
    assert (got.value, got.status) == (value, status)


@given(st.integers(min_value=0, max_value=10**9))
def test_any_count_round_trips_in_ascii_full_width_and_with_separators(n):
    ascii_ = str(n)
    full = "".join(chr(ord(c) + 0xFEE0) for c in ascii_)
    grouped = f"{n:,}"
    assert {read_cell(t).value for t in (ascii_, full, grouped)} == {n}


@pytest.mark.parametrize(
    "variant", ["（一）予以公开", "(一) 予以公开", "（一）予以\n公开", " ( 一 ) 予以公开 "]
)
def test_label_variants_fold_to_one_key(variant):
    assert fold(variant) == fold("（一）予以公开")


@pytest.mark.parametrize(
    ("label", "core"),
    [
        ("1.属于国家秘密", "属于国家秘密"),
        ("1. 属于国家秘密", "属于国家秘密"),
        ("（三）不予公开", "不予公开"),
        ("一、总体情况", "总体情况"),
        ("四、结转下年度继续办理", "结转下年度继续办理"),
    ],
)
def test_strip_numbering(label, core):
    assert strip_numbering(label) == core
