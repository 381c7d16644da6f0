"""The PDF reader on pdfium reads every PDF exactly as pdfplumber does, only faster.

pdfplumber stays the reference (`read_pdf(..., engine="pdfplumber")`): pdfium's characters and
paths must be pdfplumber's, pdf_layout's tables, cell texts and text lines must be what
pdfplumber's own functions give for the same page, and so the Documents must be equal.
scripts/bench_pdf.py checks the same against the previous commit's reader on 500 generated
PDFs and measures the speed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from xxgk.ingest import UnreadableFile, pdf, pdf_layout, pdf_pdfium, read_bytes
from xxgk.synth.variants import make_case

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real" / "huaian-hongze-2024.pdf"
# The PDF variants of the variant corpus: WPS white boxes, indented headings, page numbers,
# tables without ruling lines, split across pages, labels wrapped below the box…
VARIANTS = [
    "wps_pdf",
    "pdf_borderless",
    "white_text_boxes",
    "last_row_below_box",
    "table_split",
    "group_label_restart",
    "label_wrapped",
    "title_two_lines",
    "spaced_digits",
    "notes_under_table",
]


def _variant(name: str, seed: int = 1) -> bytes:
    return make_case(name, "pdf", seed).data


def _pdfs() -> list[tuple[str, bytes]]:
    files = [
        ("real", REAL.read_bytes()),
        ("borderless", (FIXTURES / "handmade" / "borderless.pdf").read_bytes()),
    ]
    return files + [(name, _variant(name)) for name in VARIANTS]


PDFS = _pdfs()
IDS = [name for name, _ in PDFS]


def _without_repeated_spaces(chars: list[dict]) -> list[dict]:
    out: list[dict] = []
    for c in chars:
        if not (c["text"].isspace() and out and out[-1]["text"].isspace()):
            out.append(c)
    return out


@pytest.mark.parametrize("data", [d for _, d in PDFS], ids=IDS)
def test_pdfium_gives_pdfplumbers_characters_and_paths(data):
    pages = pdf_pdfium.read_pages(pdf_pdfium.open_document(data), pdf_pdfium.font_descents(data))
    with pdfplumber.open(io.BytesIO(data)) as reference:
        assert len(pages) == len(reference.pages)
        for ours, theirs in zip(pages, reference.pages, strict=True):
            assert ours.mediabox == theirs.mediabox
            a = _without_repeated_spaces(ours.objects.get("char", []))
            b = _without_repeated_spaces(theirs.chars)
            assert "".join(c["text"] for c in a) == "".join(c["text"] for c in b)
            for x, y in zip(a, b, strict=True):
                if not x["text"].isspace():
                    assert x["upright"] == y["upright"]
                    for key in ("x0", "x1", "top", "bottom", "size"):
                        assert x[key] == pytest.approx(y[key], abs=1e-3), (x["text"], key)
            for kind in ("rect", "line", "curve"):
                mine, ref = ours.objects.get(kind, []), theirs.objects.get(kind, [])
                assert len(mine) == len(ref), kind
                for x, y in zip(mine, ref, strict=True):
                    for key in ("x0", "x1", "top", "bottom", "width", "height"):
                        assert x[key] == pytest.approx(y[key], abs=1e-3)
                    assert (x["stroke"], x["fill"]) == (y["stroke"], y["fill"])
                    assert pdf._visible(x) == pdf._visible(y)


@pytest.mark.parametrize("data", [d for _, d in PDFS], ids=IDS)
def test_layout_is_pdfplumbers_on_pdfplumbers_own_pages(data):
    """pdf_layout against pdfplumber's TableFinder, Table.extract, extract_text and
    extract_text_lines, on the very objects pdfplumber parsed."""
    with pdfplumber.open(io.BytesIO(data)) as reference:
        for page in reference.pages:
            visible = page.filter(pdf._visible)
            theirs = visible.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            rects = [r for r in page.rects if pdf._visible(r)]
            ours = pdf_layout.find_tables(pdf_layout.page_edges(page.lines, rects, page.curves))
            assert [sorted(t.cells) for t in ours] == [sorted(t.cells) for t in theirs]
            index = pdf_layout.CharIndex(page.chars)
            for mine, ref in zip(ours, theirs, strict=True):
                assert mine.bbox == ref.bbox
                assert [r.cells for r in mine.rows] == [tuple(r.cells) for r in ref.rows]
                assert pdf_layout.extract(mine, index) == ref.extract()
            lines = pdf_layout.text_lines(page.chars)
            assert lines == page.extract_text_lines(return_chars=True)
            assert pdf_layout.cell_text(page.chars) == pdfplumber.utils.extract_text(page.chars)


@pytest.mark.parametrize("data", [d for _, d in PDFS], ids=IDS)
def test_every_pdf_reads_as_pdfplumber_reads_it(data):
    assert pdf.read_pdf(data, "x.pdf") == pdf.read_pdf(data, "x.pdf", engine="pdfplumber")


def test_the_real_wps_pdf_is_read_by_pdfium_not_by_the_fallback(monkeypatch):
    def no_pdfplumber(*args, **kwargs):
        raise AssertionError("pdfplumber was asked to parse the file")

    monkeypatch.setattr(pdfplumber, "open", no_pdfplumber)
    doc = pdf.read_pdf(REAL.read_bytes(), "real.pdf")
    assert len(doc.tables) >= 3


def test_fonts_take_pdfminers_descent_even_where_the_file_says_zero():
    """LibreOffice writes Ascent 0 and Descent 0; pdfminer then puts a character's bottom on
    its baseline, pdfium would take the font program's descent instead."""
    data = _variant("wps_pdf")
    descents = pdf_pdfium.font_descents(data)
    assert descents["STSong-Light"] == {-0.271}  # its FontDescriptor's /Descent -271


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages_read_as_pdfplumber_reads_them(rotation):
    """Turned a half, text stays upright and pdfium reads it; turned a quarter, lines run
    down the page and pdfplumber reads the file."""
    doc = pypdfium2.PdfDocument(_variant("wps_pdf"))
    for page in doc:
        page.set_rotation(rotation)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    assert pdf.read_pdf(data, "x.pdf") == pdf.read_pdf(data, "x.pdf", engine="pdfplumber")
    if rotation == 180:
        pdf_pdfium.read_pages(pdf_pdfium.open_document(data), pdf_pdfium.font_descents(data))
    else:
        with pytest.raises(pdf_pdfium.Unsupported, match="not upright"):
            pdf_pdfium.read_pages(pdf_pdfium.open_document(data), pdf_pdfium.font_descents(data))


def test_a_scan_is_still_named_a_scan():
    with pytest.raises(UnreadableFile, match="扫描版 PDF"):
        read_bytes((FIXTURES / "scanned.pdf").read_bytes(), "scan.pdf", ".pdf")


def _outcome(data: bytes, engine: str):
    try:
        return pdf.read_pdf(data, "x.pdf", engine=engine).blocks
    except UnreadableFile as exc:
        return str(exc)


@pytest.mark.parametrize("cut", [18, 5000, 0.5, 0.9], ids=["header", "5000_bytes", "half", "nine_tenths"])
def test_a_cut_pdf_is_named_damaged_as_before(cut):
    """What pdfium or pdfminer cannot open goes to pdfplumber, which names the damage as
    it always did."""
    real = REAL.read_bytes()
    data = real[: cut if isinstance(cut, int) else int(len(real) * cut)]
    assert _outcome(data, "pdfium") == _outcome(data, "pdfplumber")
    assert "PDF 文件已损坏" in _outcome(data, "pdfium")
