"""The variant corpus (src/xxgk/synth/variants.py): every named way real files differ, in
every file format it fits, one generated report each, read → parsed → checked through
xxgk's own API and compared with the truth the generator made (never the parser's output).

Every cell read exactly, no error the truth does not expect, every expected finding (such as
missing_total for a blank 总计, template_mix for the 2019 「（六）其他处理」 row, label_variant for
a misprinted label), every section, the metadata. `scripts/variants.py` runs more reports per
pair and prints the table; `--only NAME --format FMT --show` says what went wrong.
"""

from __future__ import annotations

from functools import cache

import pytest

from xxgk.synth.variants import cases, evaluate, make_case

PAIRS = [(v.name, fmt) for v, fmt, _ in cases(1)]
SEED = 0


@cache
def case(name: str, fmt: str):
    return make_case(name, fmt, SEED)


@cache
def score(name: str, fmt: str):
    return evaluate(case(name, fmt))


def _id(pair) -> str:
    return f"{pair[0]}-{pair[1]}"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_published_and_every_cell_read_exactly(pair):
    s = score(*pair)
    assert s.published, s.reason
    wrong = {":".join(k): (want, got) for k, want, got in s.wrong_cells}
    assert wrong == {}, f"{len(wrong)} of {s.cells_total} cells wrong (want, got)"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_no_false_errors(pair):
    s = score(*pair)
    assert s.published, s.reason
    false = [(f.rule, f.table, f.row, f.column, f.message) for f in s.false_errors]
    assert false == []


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_every_expected_finding(pair):
    s = score(*pair)
    assert s.published, s.reason
    assert [str(e) for e in s.missed] == []


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_every_section_found(pair):
    s = score(*pair)
    assert s.published, s.reason
    found = sorted(x.number for x in s.report.sections)
    assert s.sections_found == s.sections_expected, f"found {found}"


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_metadata(pair):
    s = score(*pair)
    assert s.published, s.reason
    assert s.meta_wrong == {}, "field: (want, got)"


def test_every_variant_changes_the_file():
    """A variant that renders the same bytes as the baseline tests nothing."""
    same = [
        f"{name}-{fmt}"
        for name, fmt in PAIRS
        if name != "baseline" and case(name, fmt).data == case("baseline", fmt).data
    ]
    assert same == []


def test_the_corpus_is_wide():
    from xxgk.synth.variants import REGISTRY

    assert len(REGISTRY) >= 25
    assert {f for _, f in PAIRS} == {"cells", "tabs", "html", "docx", "pdf"}
