"""A PDF's characters and paths from pdfium (pypdfium2: Apache-2.0 / BSD-3-Clause), in the shape
pdfplumber gives them, so that the reader's table and paragraph logic runs unchanged on top.

pdfplumber interprets every content stream in pure Python (pdfminer.six): about nine tenths of
the reader's time went there (cProfile, 2026-11). pdfium parses the same page in C; we only
ask it, per character, for its Unicode text, its text object and its origin, and per path for
its points, and rebuild the boxes the way pdfminer draws them, so the Document read from them
is the one pdfplumber gives:

- a character's box is its advance (the font's width for it, not the glyph's ink, which
  pdfium's "loose" box adds) by its font size, from the baseline plus the font's descent;
- a path is split into subpaths and each is called a line, a rectangle or a curve by
  pdfminer's rules (「re」 and 「m l l l h」 are rectangles, only axis-aligned ones);
- coordinates are pdfplumber's: from the top left of the MediaBox, the page's /Rotate applied.

pdfium drops a space that repeats the one before it and adds the spaces and line breaks it
guesses (flagged as generated, which we skip); neither matters here, as whitespace only ever
separates words. Anything this module does not model (a character without Unicode, text that
is neither upright nor a plain vertical font, a missing MediaBox) raises Unsupported, and the
reader then reads the file with pdfplumber instead.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

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
_PATH, _FORM = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
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


def read_pages(doc: pdfium.PdfDocument) -> list[PageObjects]:
    pages = []
    doctop = 0.0
    for index in range(len(doc)):
        try:
            page = doc.get_page(index)
        except pdfium.PdfiumError as exc:
            raise Unsupported(f"pdfium cannot load page {index + 1}") from exc
        try:
            objects = _Page(page, index + 1, doctop)
        finally:
            page.close()
        pages.append(objects.result)
        doctop += objects.result.height
    return pages


class _Page:
    def __init__(self, page: pdfium.PdfPage, number: int, doctop: float):
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
        self.result.objects["char"] = self._chars(handle)
        # out-parameters for pdfium, allocated once a page
        self._ints = (ctypes.c_int(), ctypes.c_int())
        self._uints = tuple(ctypes.c_uint() for _ in range(4))
        self._floats = (ctypes.c_float(), ctypes.c_float())
        self._values = [ctypes.addressof(v) for v in (*self._ints, *self._uints, *self._floats)]
        self.rects: list[dict] = []
        self.lines: list[dict] = []
        self.curves: list[dict] = []
        self._walk(handle, None)
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
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pox, poy = ctypes.addressof(ox), ctypes.addressof(oy)
        objects: dict[int, tuple] = {}  # text object → (font, size, linear matrix, descent)
        widths: dict[tuple[int, int], float] = {}
        descents: dict[int, float] = {}
        chars: list[dict] = []
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
                info = objects[obj] = self._text_object(textpage, i, obj, descents)
            font, size, (a, b, c, d), descent = info
            key = (font, code)
            width = widths.get(key)
            if width is None:
                w = ctypes.c_float()
                if not raw.FPDFFont_GetGlyphWidth(
                    ctypes.cast(font, raw.FPDF_FONT), code, 1000.0, ctypes.byref(w)
                ):
                    raise Unsupported("no glyph width")
                width = widths[key] = w.value / 1000
            _char_origin(tp, i, pox, poy)
            chars.append(self._char(chr(code), ox.value, oy.value, size, a, b, c, d, width, descent))
        return chars

    def _text_object(self, textpage, index: int, address: int, descents: dict[int, float]) -> tuple:
        obj = ctypes.cast(address, raw.FPDF_PAGEOBJECT)
        font = ctypes.cast(raw.FPDFTextObj_GetFont(obj), ctypes.c_void_p).value
        if not font:
            raise Unsupported("a text object without a font")
        size = ctypes.c_float()
        if not raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
            raise Unsupported("no font size")
        m = raw.FS_MATRIX()
        if not raw.FPDFText_GetMatrix(textpage, index, ctypes.byref(m)):
            raise Unsupported("no text matrix")
        # text space → user space → pdfminer's page space: only the linear part is kept, the
        # origin comes per character
        a, b, c, d, _, _ = _mult((m.a, m.b, m.c, m.d, 0, 0), (*self.ctm[:4], 0, 0))
        descent = descents.get(font)
        if descent is None:
            value = ctypes.c_float()
            if not raw.FPDFFont_GetDescent(ctypes.cast(font, raw.FPDF_FONT), 1000.0, ctypes.byref(value)):
                raise Unsupported("no font descent")
            descent = descents[font] = -abs(value.value) / 1000  # pdfminer: always negative
        return font, size.value, (a, b, c, d), descent

    def _char(
        self, text: str, ox: float, oy: float, size: float, a, b, c, d, width: float, descent: float
    ) -> dict:
        # the box pdfminer gives (LTChar): in text space, then through the character's matrix
        if width >= 0:  # horizontal writing: advance to the right, descent below the baseline
            box = (0.0, descent * size, width * size, descent * size + size)
        else:
            # vertical writing (CID font, 「-V」 CMap): pdfium's origin is the box's lower left
            box = (0.0, 0.0, size, -width * size)
        px, py = self._point(ox, oy)  # the origin, already in pdfplumber's space (y down)
        xs, ys = [], []
        for bx, by in ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])):
            xs.append(px + a * bx + c * by)
            ys.append(py - (b * bx + d * by))
        x0, x1 = min(xs), max(xs)
        top, bottom = min(ys), max(ys)
        upright = a * d > 0 and b * c <= 0
        if not upright and not (a == 0 and d == 0):
            raise Unsupported("slanted text")
        return {
            "object_type": "char",
            "page_number": self.number,
            "text": text,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": self.doctop + top,
            "width": x1 - x0,
            "height": bottom - top,
            "size": (x1 - x0) if width < 0 else (bottom - top),
            "upright": upright,
        }

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
