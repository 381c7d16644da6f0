"""A PDF's characters and paths from pdfium (pypdfium2: Apache-2.0 / BSD-3-Clause), in the shape
pdfplumber gives them, so that the reader's table and paragraph logic runs on them unchanged.

pdfplumber interprets every content stream in pure Python (pdfminer.six): about nine tenths of
the reader's time went there (cProfile, 2026-11). pdfium parses the same page in C; we only
ask it, per character, for its Unicode text, its text object and its origin, and per path for
its points, and rebuild the boxes the way pdfminer draws them, so the Document read from them
is the one pdfplumber gives:

- a character's box is its advance (the font's width for it, not the glyph's ink, which
  pdfium's "loose" box adds) by its font size, from the baseline plus the font's descent as
  pdfminer takes it (font_descents); characters keep the content stream's order;
- a path is split into subpaths and each is called a line, a rectangle or a curve by
  pdfminer's rules (「re」 and 「m l l l h」 are rectangles, only axis-aligned ones);
- coordinates are pdfplumber's: from the top left of the MediaBox, the page's /Rotate applied.

pdfium keeps coordinates in single precision: boxes agree with pdfplumber's to about 1e-4
point (measured on 676 PDFs), far inside every tolerance the reader uses. pdfium drops a space
that repeats the one before it and adds spaces and line breaks it guesses (flagged as
generated, which we skip); neither matters, as whitespace only ever separates words.
Anything this module does not model (a character without Unicode, text that is not upright,
a Type 3 font, two fonts of one name with different descents, a text object pdfium leaves
out, a missing MediaBox, a file pdfium cannot open) raises Unsupported, and the reader then
reads the file with pdfplumber, as before.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import re
from dataclasses import dataclass, field
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as raw


def _fast(fn, restype, *argtypes):
    """pdfium's function with plain C types: handles pass as integers and come back as
    integers (or None), which per character is several times cheaper than pypdfium2's typed
    pointer objects."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_P, _I, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p  # handle, index, pointer to a number
_get_unicode = _fast(raw.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)
_is_generated = _fast(raw.FPDFText_IsGenerated, _I, _P, _I)
_map_error = _fast(raw.FPDFText_HasUnicodeMapError, _I, _P, _I)
_text_object = _fast(raw.FPDFText_GetTextObject, _P, _P, _I)
_char_origin = _fast(raw.FPDFText_GetCharOrigin, _I, _P, _I, _D, _D)
_text_font = _fast(raw.FPDFTextObj_GetFont, _P, _P)
_font_size = _fast(raw.FPDFTextObj_GetFontSize, _I, _P, _D)
_char_matrix = _fast(raw.FPDFText_GetMatrix, _I, _P, _I, _D)
_obj_type = _fast(raw.FPDFPageObj_GetType, _I, _P)
_obj_matrix = _fast(raw.FPDFPageObj_GetMatrix, _I, _P, _D)
_page_object = _fast(raw.FPDFPage_GetObject, _P, _P, _I)
_form_object = _fast(raw.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_draw_mode = _fast(raw.FPDFPath_GetDrawMode, _I, _P, _D, _D)
_fill_color = _fast(raw.FPDFPageObj_GetFillColor, _I, _P, _D, _D, _D, _D)
_count_segments = _fast(raw.FPDFPath_CountSegments, _I, _P)
_segment = _fast(raw.FPDFPath_GetPathSegment, _P, _P, _I)
_segment_point = _fast(raw.FPDFPathSegment_GetPoint, _I, _P, _D, _D)
_segment_type = _fast(raw.FPDFPathSegment_GetType, _I, _P)
_segment_close = _fast(raw.FPDFPathSegment_GetClose, _I, _P)
_PATH, _FORM, _TEXT = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_TEXT
_MOVETO, _LINETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO


class Unsupported(Exception):
    """Something pdfium reports that we do not turn into pdfplumber's objects exactly."""


@dataclass
class PageObjects:
    """One page: its size and its objects as pdfplumber's dictionaries (`char`, `rect`,
    `line`, `curve`), in pdfplumber's coordinates (points from the top left)."""

    number: int  # from 1
    mediabox: tuple[float, float, float, float]
    doctop: float  # the page's top in the whole document (pdfplumber's `doctop`)
    objects: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def height(self) -> float:
        return self.mediabox[3] - self.mediabox[1]


Matrix = tuple[float, float, float, float, float, float]


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector order, as pdfminer's mult_matrix)."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (
        a * a1 + b * c1,
        a * b1 + b * d1,
        c * a1 + d * c1,
        c * b1 + d * d1,
        e * a1 + f * c1 + e1,
        e * b1 + f * d1 + f1,
    )


def _page_ctm(rotation: int, box: tuple[float, float, float, float]) -> Matrix:
    """pdfminer's page matrix (PDFPageInterpreter.process_page)."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def open_document(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:  # damaged, encrypted…: pdfplumber says what it is
        raise Unsupported(f"pdfium cannot open it ({exc})") from exc


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def font_descents(data: bytes) -> dict[str, set[float]]:
    """Each font's descent as pdfminer takes it (pdfminer.pdffont): the FontDescriptor's
    /Descent, 0 where there is none, the AFM value for the 14 standard fonts, made negative;
    by base font name without a subset tag. pdfium replaces a descriptor's zero Ascent and
    Descent (LibreOffice writes both 0) with the font program's, so its own value would put
    such characters lower than pdfplumber does. Only font dictionaries are read here (about
    2 ms a file), never a content stream."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    def name(value) -> str:
        value = resolve1(value)
        if isinstance(value, PSLiteral):
            value = value.name
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return _SUBSET.sub("", str(value))

    def number(value) -> float:
        value = resolve1(value)
        return float(value) if isinstance(value, (int, float)) else 0.0

    out: dict[str, set[float]] = {}
    seen: set[int] = set()

    def add_fonts(resources, depth: int = 0) -> None:
        resources = resolve1(resources)
        if not isinstance(resources, dict) or depth > 8:
            return
        fonts = resolve1(resources.get("Font"))
        for ref in (fonts or {}).values() if isinstance(fonts, dict) else ():
            spec = resolve1(ref)
            if not isinstance(spec, dict) or id(spec) in seen:
                continue
            seen.add(id(spec))
            subtype = name(spec.get("Subtype", "Type1"))
            names = {name(spec.get("BaseFont", ""))}
            if subtype == "Type3":
                raise Unsupported("a Type 3 font")
            if subtype == "Type0":
                descendants = resolve1(spec.get("DescendantFonts")) or [{}]
                spec = resolve1(descendants[0]) if isinstance(descendants, list) else {}
                spec = spec if isinstance(spec, dict) else {}
                names.add(name(spec.get("BaseFont", "")))
                descriptor = resolve1(spec.get("FontDescriptor")) or {}
            else:
                basefont = resolve1(spec.get("BaseFont"))
                basefont = basefont.name if isinstance(basefont, PSLiteral) else basefont
                if basefont in FONT_METRICS:  # pdfminer's AFM metrics win over the file's
                    descriptor = FONT_METRICS[basefont][0]
                else:
                    descriptor = resolve1(spec.get("FontDescriptor")) or {}
            descent = number(descriptor.get("Descent", 0)) if isinstance(descriptor, dict) else 0.0
            for n in names:
                out.setdefault(n, set()).add(-abs(descent) / 1000)
        xobjects = resolve1(resources.get("XObject"))
        for ref in (xobjects or {}).values() if isinstance(xobjects, dict) else ():
            xobject = resolve1(ref)
            if getattr(xobject, "attrs", None) is not None and id(xobject) not in seen:
                seen.add(id(xobject))
                add_fonts(xobject.attrs.get("Resources"), depth + 1)

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for page in PDFPage.create_pages(document):
            add_fonts(page.resources)
    except Unsupported:
        raise
    except Exception as exc:  # pdfminer cannot read the fonts: pdfplumber will say why
        raise Unsupported(f"font dictionaries unreadable ({type(exc).__name__})") from exc
    return out


def read_pages(doc: pdfium.PdfDocument, descents: dict[str, set[float]]) -> list[PageObjects]:
    pages = []
    doctop = 0.0
    for index in range(len(doc)):
        try:
            page = doc.get_page(index)
        except pdfium.PdfiumError as exc:
            raise Unsupported(f"pdfium cannot load page {index + 1}") from exc
        try:
            objects = _Page(page, index + 1, doctop, descents)
        finally:
            page.close()
        pages.append(objects.result)
        doctop += objects.result.height
    return pages


@dataclass(frozen=True)
class _TextObject:
    font: int  # pdfium's font handle
    size: float  # Tf
    matrix: tuple[float, float, float, float]  # text space → pdfminer's page space
    descent: float  # the font's, in text space units (negative)
    upright: bool
    order: int  # its place in the content stream


class _Page:
    def __init__(self, page: pdfium.PdfPage, number: int, doctop: float, descents: dict[str, set[float]]):
        handle = page.raw
        box = [ctypes.c_float() for _ in range(4)]
        if not raw.FPDFPage_GetMediaBox(handle, *(ctypes.byref(v) for v in box)):
            raise Unsupported("no MediaBox")
        left, bottom, right, top = (v.value for v in box)
        rotation = raw.FPDFPage_GetRotation(handle) * 90
        # pdfplumber's page box (page._normalize_box, page._invert_box)
        x0, x1 = sorted((left, right))
        y0, y1 = sorted((bottom, top))
        if rotation in (90, 270):
            x0, y0, x1, y1 = y0, x0, y1, x1
        height = y1 - y0
        mediabox = (x0, height - y1, x1, height - y0)
        self.result = PageObjects(number, mediabox, doctop)
        self.height = height
        self.mb_x0 = mediabox[0]
        self.mb_top = mediabox[1]
        self.ctm = _page_ctm(rotation, (left, bottom, right, top))
        self.number = number
        self.doctop = doctop
        self.descents = descents
        # out-parameters for pdfium, allocated once a page
        self._ints = (ctypes.c_int(), ctypes.c_int())
        self._uints = tuple(ctypes.c_uint() for _ in range(4))
        self._floats = (ctypes.c_float(), ctypes.c_float())
        self._values = [ctypes.addressof(v) for v in (*self._ints, *self._uints, *self._floats)]
        self.rects: list[dict] = []
        self.lines: list[dict] = []
        self.curves: list[dict] = []
        self.text_order: dict[int, int] = {}  # text object → its place in the content stream
        self._walk(handle, None)
        self.result.objects["char"] = self._chars(handle)
        for kind, objs in (("rect", self.rects), ("line", self.lines), ("curve", self.curves)):
            if objs:
                self.result.objects[kind] = objs

    # -------------------------------------------------------------- coordinates

    def _point(self, x: float, y: float) -> tuple[float, float]:
        """A point in PDF user space → pdfplumber's (x, top)."""
        a, b, c, d, e, f = self.ctm
        px, py = a * x + c * y + e, b * x + d * y + f
        return px + self.mb_x0, self.height - py + self.mb_top

    # -------------------------------------------------------------- characters

    def _chars(self, handle) -> list[dict]:
        textpage = raw.FPDFText_LoadPage(handle)
        if not textpage:
            raise Unsupported("no text page")
        try:
            return self._read_chars(textpage)
        finally:
            raw.FPDFText_ClosePage(textpage)

    def _read_chars(self, textpage) -> list[dict]:
        count = raw.FPDFText_CountChars(textpage)
        tp = ctypes.cast(textpage, ctypes.c_void_p).value
        self._size, self._matrix = ctypes.c_float(), raw.FS_MATRIX()
        self._size_ref, self._matrix_ref = ctypes.addressof(self._size), ctypes.addressof(self._matrix)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pox, poy = ctypes.addressof(ox), ctypes.addressof(oy)
        objects: dict[int, _TextObject] = {}
        widths: dict[tuple[int, int], float] = {}
        descents: dict[int, float] = {}
        chars: list[dict] = []
        order: list[int] = []  # each character's text object's place in the content stream
        ca, cb, cc, cd, ce, cf = self.ctm
        shift_x, shift_y = ce + self.mb_x0, self.height + self.mb_top - cf
        for i in range(count):
            if _is_generated(tp, i):
                continue
            code = _get_unicode(tp, i)
            if code == 0 or code == 0xFFFE or 0xD800 <= code <= 0xDFFF or _map_error(tp, i):
                raise Unsupported("a character without Unicode")  # pdfminer writes 「(cid:N)」
            obj = _text_object(tp, i)
            info = objects.get(obj)
            if info is None:
                if not obj:
                    raise Unsupported("a character without a text object")
                info = objects[obj] = self._text_object(tp, i, obj, descents)
            key = (info.font, code)
            width = widths.get(key)
            if width is None:
                w = ctypes.c_float()
                if not raw.FPDFFont_GetGlyphWidth(
                    ctypes.cast(info.font, raw.FPDF_FONT), code, 1000.0, ctypes.byref(w)
                ):
                    raise Unsupported("no glyph width")
                width = widths[key] = w.value / 1000
            _char_origin(tp, i, pox, poy)
            x, y = ox.value, oy.value
            # the origin in pdfplumber's space (self._point, written out)
            px, py = ca * x + cc * y + shift_x, shift_y - (cb * x + cd * y)
            size = info.size
            # the box pdfminer gives (LTChar), in text space from the origin
            if width >= 0:  # horizontal writing: advance to the right, descent below the baseline
                bx0, by0, bx1, by1 = 0.0, info.descent * size, width * size, info.descent * size + size
            else:  # vertical writing (CID font, 「-V」 CMap): pdfium's origin is the box's lower left
                bx0, by0, bx1, by1 = 0.0, 0.0, size, -width * size
            a, b, c, d = info.matrix
            if b == 0 and c == 0:  # the four corners below, two of each coordinate equal
                xa, xb = px + a * bx0, px + a * bx1
                ya, yb = py - d * by0, py - d * by1
            else:
                xs = [px + a * bx + c * by for bx, by in ((bx0, by0), (bx0, by1), (bx1, by0), (bx1, by1))]
                ys = [py - (b * bx + d * by) for bx, by in ((bx0, by0), (bx0, by1), (bx1, by0), (bx1, by1))]
                xa, xb, ya, yb = min(xs), max(xs), min(ys), max(ys)
            x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
            top, bottom = (ya, yb) if ya <= yb else (yb, ya)
            order.append(info.order)
            chars.append(
                {
                    "text": chr(code),
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "size": (x1 - x0) if width < 0 else (bottom - top),
                    "upright": info.upright,
                }
            )
        self._check_left_out(textpage, objects)
        if any(a > b for a, b in itertools.pairwise(order)):
            # pdfium puts some text objects where it sees them on the line (LibreOffice draws
            # 「“」 in another font after the line); pdfminer keeps the content stream's order
            chars = [c for _, c in sorted(zip(order, chars, strict=True), key=itemgetter(0))]
        return chars

    def _check_left_out(self, textpage, used: dict) -> None:
        """pdfium leaves out a text object that repeats the one before it at the same place
        (a bold faked by drawing twice); pdfminer keeps both. Any text object with text that
        gave no character is therefore something this module does not model."""
        for obj in self.text_order:
            if obj in used:
                continue
            n = raw.FPDFTextObj_GetText(ctypes.cast(obj, raw.FPDF_PAGEOBJECT), textpage, None, 0)
            if n > 2:  # more than the UTF-16 terminator
                buffer = ctypes.create_string_buffer(n)
                raw.FPDFTextObj_GetText(
                    ctypes.cast(obj, raw.FPDF_PAGEOBJECT),
                    textpage,
                    ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                    n,
                )
                if buffer.raw[: n - 2].decode("utf-16-le", "replace").strip():
                    raise Unsupported("a text object pdfium left out")

    def _text_object(
        self, textpage: int, index: int, address: int, descents: dict[int, float]
    ) -> _TextObject:
        font = _text_font(address)
        if not font:
            raise Unsupported("a text object without a font")
        size, m = self._size, self._matrix
        if not _font_size(address, self._size_ref):
            raise Unsupported("no font size")
        if not _char_matrix(textpage, index, self._matrix_ref):
            raise Unsupported("no text matrix")
        # text space → user space → pdfminer's page space: only the linear part is kept, the
        # origin comes per character
        if self.ctm[:4] == (1, 0, 0, 1):
            a, b, c, d = m.a, m.b, m.c, m.d
        else:
            a, b, c, d, _, _ = _mult((m.a, m.b, m.c, m.d, 0, 0), (*self.ctm[:4], 0, 0))
        upright = a * d > 0 and b * c <= 0  # pdfminer's test (LTChar)
        if not upright:
            # text turned a quarter (or slanted, mirrored): its lines run down the page and
            # their tops nearly tie, where pdfium's single-precision coordinates could order
            # two blocks unlike pdfminer's: pdfplumber reads such a file
            raise Unsupported("text that is not upright")
        descent = descents.get(font)
        if descent is None:
            buffer = ctypes.create_string_buffer(256)
            raw.FPDFFont_GetBaseFontName(ctypes.cast(font, raw.FPDF_FONT), buffer, 256)
            name = _SUBSET.sub("", buffer.value.decode("utf-8", "replace"))
            values = self.descents.get(name, set())
            if len(values) != 1:  # not found, or two fonts of that name that differ
                raise Unsupported(f"the descent of font {name!r}")
            descent = descents[font] = next(iter(values))
        place = self.text_order.get(address)
        if place is None:
            raise Unsupported("a text object not among the page's objects")
        return _TextObject(font, size.value, (a, b, c, d), descent, upright, place)

    # -------------------------------------------------------------- paths

    def _walk(self, parent, form_matrix: Matrix | None) -> None:
        """Every path on the page, in drawing order, inside form XObjects too."""
        if form_matrix is None:
            count = raw.FPDFPage_CountObjects(parent)
            get = _page_object
            parent = ctypes.cast(parent, ctypes.c_void_p).value
        else:
            count = raw.FPDFFormObj_CountObjects(ctypes.cast(parent, raw.FPDF_PAGEOBJECT))
            get = _form_object
        m = raw.FS_MATRIX()
        pm = ctypes.addressof(m)
        for i in range(count):
            obj = get(parent, i)
            kind = _obj_type(obj)
            if kind == _TEXT:
                self.text_order[obj] = len(self.text_order)
                continue
            if kind != _PATH and kind != _FORM:
                continue
            if not _obj_matrix(obj, pm):
                raise Unsupported("no object matrix")
            matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
            if form_matrix is not None:
                matrix = _mult(matrix, form_matrix)
            if kind == _FORM:
                self._walk(obj, matrix)
            else:
                self._path(obj, matrix)

    def _path(self, obj: int, matrix: Matrix) -> None:
        v = self._values
        if not _draw_mode(obj, v[0], v[1]):
            raise Unsupported("no draw mode")
        fill, stroke = self._ints[0].value != 0, bool(self._ints[1].value)
        if not (fill or stroke):
            return  # a clipping path: pdfminer never paints it
        colour = None
        if _fill_color(obj, v[2], v[3], v[4], v[5]):
            colour = tuple(u.value / 255 for u in self._uints[:3])
        # segments → pdfminer's operators: m, l, c (its end point only), h (back to the start)
        a, b, c, d, e, f = matrix
        x, y = self._floats
        px, py = v[6], v[7]
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        start = None
        bezier = 0
        point = self._point
        for i in range(_count_segments(obj)):
            seg = _segment(obj, i)
            _segment_point(seg, px, py)
            kind = _segment_type(seg)
            xv, yv = x.value, y.value
            pt = point(a * xv + c * yv + e, b * xv + d * yv + f)
            if kind == _LINETO:
                ops.append("l")
                pts.append(pt)
                bezier = 0
            elif kind == _MOVETO:
                ops.append("m")
                pts.append(pt)
                start = pt
                bezier = 0
            elif kind == _BEZIERTO:
                bezier += 1
                if bezier % 3:
                    continue  # a control point: pdfminer keeps only the curve's end
                ops.append("c")
                pts.append(pt)
            else:
                raise Unsupported("unknown path segment")
            if start is not None and _segment_close(seg):
                if ops[-1] == "l" and pt == start:
                    ops[-1] = "h"  # pdfium closes with a line back to the start: pdfminer's h
                else:
                    ops.append("h")
                    pts.append(start)
        self._paint(ops, pts, stroke, fill, colour)

    def _paint(self, ops, pts, stroke: bool, fill: bool, colour) -> None:
        """pdfminer's PDFLayoutAnalyzer.paint_path: subpaths, then line / rect / curve."""
        starts = [i for i, op in enumerate(ops) if op == "m"]
        for k, s in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(ops)
            if end - s < 2:
                continue  # a lone m: pdfminer's regex (m[^m]+) skips it
            self._subpath("".join(ops[s:end]), list(pts[s:end]), stroke, fill, colour)

    def _subpath(self, shape: str, pts: list, stroke: bool, fill: bool, colour) -> None:
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        common = {
            "page_number": self.number,
            "stroke": stroke,
            "fill": fill,
            "non_stroking_color": colour,
        }
        if shape in ("mlh", "ml"):
            self.lines.append(self._box("line", pts[:2], common))
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            )
            if pts[0] == last and square:
                self.rects.append(self._box("rect", [pts[0], pts[2]], common))
            else:
                self.curves.append(self._box("curve", pts, common, keep_points=True))
        else:
            self.curves.append(self._box("curve", pts, common, keep_points=True))

    def _box(self, kind: str, pts: list, common: dict, keep_points: bool = False) -> dict:
        xs = [p[0] for p in pts]
        tops = [p[1] for p in pts]
        x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
        obj = {
            "object_type": kind,
            **common,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": self.doctop + top,
            "y0": self.height - bottom + self.mb_top,
            "y1": self.height - top + self.mb_top,
            "width": x1 - x0,
            "height": bottom - top,
        }
        if keep_points:
            obj["pts"] = pts
        return obj
