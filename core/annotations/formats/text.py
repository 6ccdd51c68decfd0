"""Tolerant reading of box text files: the one parser every annotation loader uses.

Accepted: values separated by commas, semicolons, spaces or tabs (any mix), CRLF or LF
line ends, a UTF-8 BOM, trailing blank lines, ``NaN`` tokens, 4-value rows ``x y w h``
and 8-value polygon rows ``x1 y1 ... x4 y4`` (VOT; turned into their axis-aligned
bounding box). GTOT's corner files ``x1 y1 x2 y2`` are read with :func:`read_corners`.
A first line of column names (``x,y,w,h``, ``# xmin ymin width height``: as many names as
the next row has values, none of them a number; :func:`core.annotations.formats.header.header_lines`) is a header, not a
frame, and is skipped; line numbers in errors still count it. When its box columns name
corners (``x1,y1,x2,y2``, ``xmin ymin xmax ymax``, ``left,top,right,bottom``) the rows are
read as corners and converted to x, y, w, h (``w = x2 - x1``); when they name a width and a
height (``x,y,w,h``, ``xmin,ymin,width,height``) they are read as they are; other names say
nothing (:func:`core.annotations.formats.header.header_columns`); a centre, a width and a height (``cx,cy,w,h``,
``x_center,y_center,width,height``) are moved to the top-left corner. A reader told the
convention by its caller (GTOT's corner files, ``convert --from corners`` / ``--from xywh``:
``expect``) refuses a header naming another one, naming the file and both conventions.

Rejected with :class:`core.errors.AnnotationFormatError` naming the file and the
1-based line: a row of another length, a token that is not a number, a blank line
between box rows, an empty value between two separators (``1,,2,3,4``: MATLAB's
``dlmread`` reads it as a 0, ``np.loadtxt`` refuses it; reading past it would shift the
row), a line with both ``,`` and ``;`` (decimal commas: ``203,31;149,93;17,27;49,66``), a line of
four ``a,b`` pairs parted by spaces or tabs (decimal commas: ``203,31<tab>149,93<tab>17,27<tab>49,66``;
or point pairs, which no supported layout writes). Separators at the end of a row are allowed
(empty columns after the last value, as Excel writes them).
A row of empty values only (``,,,``: what pandas' ``to_csv`` writes for a NaN row) and ``NA``
tokens (what R's ``write.csv`` writes for a missing value) are NaN, and a value in double quotes
(``"x","y","w","h"``: R's ``write.csv`` header, a spreadsheet's "quote all text cells") is read
without them (:func:`normalize_values`).

The result is always ``(N, 4)`` float64 ``x, y, w, h`` (top-left, float pixels); absent
rows (``0,0,0,0``, NaN, w or h <= 0) are returned as they are in the file: giving them
a meaning is :mod:`core.annotations.formats.rows`'s job.
"""
from __future__ import annotations

import codecs
import re
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np

from core.annotations.formats.header import (
    CONVENTION_WORDS,
    box_columns,
    convention_problem,
    header_columns,
    header_lines,
    header_names,
    refuse_header_only,
)
from core.errors import AnnotationFormatError
from core.geometry import polygon_to_xywh

_SEPARATORS = re.compile(r"[,;]")
# A separator at the start of a line or right after another one, a value following later on the
# line: an empty field, which would shift every later value of the row one place left (1,,2,3,4 is
# not 1,2,3,4). Empty fields after the last value shift nothing: Excel writes them for the empty
# columns right of the data that held a format (10,20,30,40,,).
_EMPTY_FIELD = re.compile(r"(?:^[ \t]*[,;]|[,;][ \t]*[,;])(?=[^\r\n]*[^\s,;])", re.MULTILINE)
# Both ',' and ';' on one line: a decimal-comma locale's CSV ('203,31;149,93;17,27;49,66'), whose
# four numbers split on both separators became eight, read as a polygon.
# A separator at the end of the row ('5,6,7,8;') does not count.
_MIXED_SEPARATORS = re.compile(r"^(?=[^\r\n]*,[ \t]*[^\s,;])(?=[^\r\n]*;[ \t]*[^\s,;])", re.MULTILINE)
#: what is said of a line with both
MIXED_SEPARATORS = "both ',' and ';' in {!r}: decimal commas? write the numbers with decimal points"
# Four 'a,b' pairs parted by spaces or tabs ('203,31<tab>149,93<tab>27,5<tab>80,1'): a decimal-comma
# locale's tab- or space-separated box, whose four numbers split on every separator became eight,
# read as a polygon. Point pairs as a polygon ('x1,y1 x2,y2 x3,y3 x4,y4') read the same way, but no
# layout this project reads writes them, so the line is refused rather than guessed.
_COMMA_PAIRS = re.compile(r"^[ \t]*[^\s,;]+,[^\s,;]+(?:[ \t]+[^\s,;]+,[^\s,;]+){3}(?:[ \t]*[,;])*[ \t]*$",
                          re.MULTILINE)  # separators at the end of the row (Excel's empty columns) allowed
#: what is said of such a line
COMMA_PAIRS = ("four comma pairs parted by spaces or tabs in {!r}: decimal commas (x y w h) or point pairs "
               "(a polygon)? write the numbers with decimal points and one kind of separator")
# what an empty value needs, searched for alone (the rules' own search tries each place of the text)
_TWO_SEPARATORS = re.compile(r"[,;][ \t]*[,;]")
_LINE_OPENS_WITH_SEPARATOR = re.compile(r"[\r\n][ \t]*[,;]")
#: the separator rules of one line, in the order they are checked, and what is said of a line breaking one
_LINE_RULES = ((_EMPTY_FIELD, "empty value between separators in {!r}"),
               (_MIXED_SEPARATORS, MIXED_SEPARATORS),
               (_COMMA_PAIRS, COMMA_PAIRS))


# A row of 4 or 8 empty values (3 or 7 separators of one kind, nothing else): pandas' to_csv
# writes a NaN row so (its na_rep is ""). Not an empty value between two numbers: nothing shifts.
_EMPTY_ROW = re.compile(r"^[ \t]*([,;])(?:(?:[ \t]*\1){2}|(?:[ \t]*\1){6})[ \t]*$", re.MULTILINE)
# A frame-numbered row of a frame and 4 empty values (``5,,,,``), as pandas writes a NaN box.
_EMPTY_NUMBERED_ROW = re.compile(r"^([ \t]*\d+[ \t]*)([,;])(?:[ \t]*\2){3}[ \t]*$", re.MULTILINE)
# R's missing value (write.csv's default na = "NA") as a whole value.
_NA = re.compile(r"(?<![^\s,;])NA(?![^\s,;])", re.IGNORECASE)
# A whole value in double quotes ("x", "1", ""): R's write.csv quotes its header and row names.
_QUOTED = re.compile(r'(?<![^\s,;])"([^"\s,;]*)"(?![^\s,;])')


def normalize_values(text: str, *, numbered: bool = False) -> str:
    """``text`` as data tools write it, made plain: full-width separators ``，`` and ``；`` (typed
    with a Chinese input method) as ``,`` and ``;``, values in double quotes without them (R's
    ``write.csv`` quotes its header ``"x","y","w","h"`` and row names ``"1"``), and a missing
    value turned into ``nan``: a row of empty values only (``,,,`` for x,y,w,h; pandas'
    ``to_csv`` of a NaN row) and ``NA`` values (R's ``write.csv``); with ``numbered``, also a
    frame number followed by four empty values (``5,,,,``). Any other empty value is left for
    the reader to refuse."""
    if "\uff0c" in text or "\uff1b" in text:  # full-width ，and ；(a Chinese input method's): the ASCII ones
        text = text.replace("\uff0c", ",").replace("\uff1b", ";")
    if '"' in text:
        text = _QUOTED.sub(r"\1", text)
    if "," in text or ";" in text:
        def nans(match: re.Match) -> str:
            separator = match.group(1)
            return separator.join(["nan"] * (match.group(0).count(separator) + 1))

        if _opens_with_separator(text):  # an empty row opens with its first separator
            text = _EMPTY_ROW.sub(nans, text)
        if numbered and _TWO_SEPARATORS.search(text) is not None:  # 5,,,, holds separators in a row
            text = _EMPTY_NUMBERED_ROW.sub(lambda m: m.group(1) + (m.group(2) + "nan") * 4, text)
    return _NA.sub("nan", text) if "a" in text or "A" in text else text


def header_to_xywh(path, columns: str | None, values: np.ndarray, lines: list[str], first_line: int = 1) -> np.ndarray:
    """``(N, 4)`` rows in the convention ``columns`` names (:func:`box_columns`) -> x, y, w, h:
    corners converted (a swapped corner refused naming its line, ``lines[k]`` being file line
    ``k + first_line``), centres moved to the top-left corner (``x = cx - w / 2``), others as
    they are."""
    if columns == "corners":
        _refuse_swapped_corners(path, lines, values, first_line, "the header names corners x1,y1,x2,y2")
        return corners_to_xywh(values)
    if columns == "centre":
        out = np.array(values, dtype=np.float64).reshape(-1, 4)
        out[:, :2] -= out[:, 2:] / 2
        return out
    return values


def first_box_line(path: str | Path) -> int:
    """The 1-based file line of the first box row of ``path``: 2 under a header line
    (:func:`header_lines`), else 1. For a reader's caller that names a row's line from its
    index (row k lies on line ``k + first_box_line(path)``); read only where such an error is
    raised."""
    return 1 + header_lines(normalize_values(read_text(path)).splitlines())  # a quoted header is one too


def swapped_corner(corners: np.ndarray) -> tuple[int, str] | None:
    """``(row, what)`` of the first row of ``(N, 4)`` corners x1 y1 x2 y2 whose bottom-right
    corner lies left of or above its top-left one (``what``: "x2 (5) < x1 (9)"), or None.
    ``0 0 0 0`` and NaN rows pass."""
    with np.errstate(invalid="ignore"):
        swapped = (corners[:, 2] < corners[:, 0]) | (corners[:, 3] < corners[:, 1])
    if not swapped.any():
        return None
    k = int(np.flatnonzero(swapped)[0])
    x1, y1, x2, y2 = corners[k].tolist()
    return k, f"x2 ({x2:g}) < x1 ({x1:g})" if x2 < x1 else f"y2 ({y2:g}) < y1 ({y1:g})"


def separator_problem(line: str) -> str | None:
    """What is wrong with the separators of one line of box values, or None: an empty value
    between two separators, both ``,`` and ``;`` between values, or four ``a,b`` pairs parted
    by spaces or tabs (the last two: decimal commas). The rules of this module's reader and
    of the metrics' raw reader (``core.metrics.readers``)."""
    for pattern, problem in _LINE_RULES:
        if pattern.search(line) is not None:
            return problem.format(line.strip())
    return None


def read_text(path: str | Path) -> str:
    """The text of ``path``: UTF-8 (a BOM dropped), or UTF-16 when it starts with a UTF-16
    byte-order mark (what ``>`` and ``Out-File`` write in Windows PowerShell 5: a tracker's
    output redirected there) or without one (every other byte NUL); a first line in Windows-1252
    above UTF-8 lines is read so (a
    header of column names Excel saved on Windows).
    AnnotationFormatError when missing, a folder, unreadable, or holding another byte that is
    not UTF-8 (naming its line). The metrics' raw reader
    (``core.metrics.readers``) reads its files through it too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AnnotationFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise AnnotationFormatError(path, "is a folder, expected a text file of boxes") from None
    except OSError as error:
        raise AnnotationFormatError(path, f"cannot read as text ({error})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise AnnotationFormatError(path, f"cannot read as UTF-16 text ({error.reason})") from None
    if b"\x00" in data:
        return _with_nul_bytes(path, data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = error.start
    end = data.find(b"\n")
    if 0 <= bad < end and not data.startswith(codecs.BOM_UTF8):
        # Excel on Windows saves CSV in the ANSI code page: a header of column names such as
        # X;Y;Breite;Höhe holds a Windows-1252 byte (ö = 0xf6) above rows of ASCII numbers
        try:
            first = data[:end].decode("cp1252")
        except UnicodeDecodeError:
            first = None
        if first is not None:
            try:
                return first + data[end:].decode("utf-8")
            except UnicodeDecodeError as error:
                bad = end + error.start
    raise AnnotationFormatError(path, f"not UTF-8 text (byte 0x{data[bad]:02x}); save the file as UTF-8",
                                line=data.count(b"\n", 0, bad) + 1)


def _with_nul_bytes(path: Path, data: bytes) -> str:
    """The text of ``data`` holding NUL bytes: UTF-16 without a byte-order mark (every other byte
    0 around ASCII text: what Python's ``utf-16-le`` or .NET's ``Encoding.Unicode.GetBytes`` write)
    decoded so; else AnnotationFormatError naming the line of the first NUL (a file cut short by a
    crash is padded with them): they read as "not a number in '\x00\x00...'"."""
    head = data[:256] if len(data) % 2 == 0 else b""
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros and not zeros.strip(b"\x00"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    at = data.index(b"\x00")
    raise AnnotationFormatError(path, "holds NUL bytes, no text: a file cut short (a crash while it was written) or "
                                      "not a text file of boxes", line=data.count(b"\n", 0, at) + 1)


def refuse_separator_problems(text: str, path) -> None:
    """AnnotationFormatError naming ``path`` and the first line of ``text`` that breaks a
    separator rule (:func:`separator_problem`), searched in the whole text at once (a rule
    that needs a character the text lacks is not searched: each search of a 62,000-row file
    took 0.1 s)."""
    for pattern, problem in _LINE_RULES:
        if not _may_break(pattern, text):
            continue
        found = pattern.search(text)
        if found is not None:
            start = text.rfind("\n", 0, found.start()) + 1
            end = text.find("\n", found.start())
            line = text[start:] if end < 0 else text[start:end]
            raise AnnotationFormatError(Path(path), problem.format(line.strip()), line=text.count("\n", 0, start) + 1)


def _may_break(pattern: re.Pattern, text: str) -> bool:
    """False when ``text`` lacks what the separator rule ``pattern`` needs: both ``,`` and ``;``
    (mixed separators), ``,`` and a space or a tab (comma pairs), two separators in a row or a
    line opening with one (an empty value; searched for alone, twice as fast)."""
    if pattern is _MIXED_SEPARATORS:
        return "," in text and ";" in text
    if pattern is _COMMA_PAIRS:
        return "," in text and (" " in text or "\t" in text)
    if pattern is _EMPTY_FIELD:
        return _opens_with_separator(text) or _TWO_SEPARATORS.search(text) is not None
    return True


def _opens_with_separator(text: str) -> bool:
    """Whether a line of ``text`` opens with ``,`` or ``;`` (after spaces or tabs)."""
    return text.lstrip(" \t")[:1] in (",", ";") or _LINE_OPENS_WITH_SEPARATOR.search(text) is not None


def _tokens(text: str, path) -> tuple[list[str], list[list[str]], int, str | None]:
    """Lines as written (trailing blank ones and a header line (:func:`header_lines`)
    dropped), their value tokens, the 1-based file line of the first of them, and what the
    header says the columns are (:func:`header_columns`); a line breaking a separator rule
    (:func:`separator_problem`) raises AnnotationFormatError naming it."""
    text = normalize_values(text)
    refuse_separator_problems(text, path)
    lines = text.splitlines()  # as written, for the messages that quote a line
    while lines and not lines[-1].strip():
        lines.pop()
    refuse_header_only(lines, path)
    values = _SEPARATORS.sub(" ", text).splitlines()[:len(lines)]  # the same lines: separators are no line ends
    skip = header_lines(lines)
    columns = header_columns(lines, path) if skip else None
    return lines[skip:], [line.split() for line in values[skip:]], skip + 1, columns


def _checked_rows(path, lines: list[str], tokens: list[list[str]], widths: tuple[int, ...],
                  what: str, first_line: int = 1) -> list[list[float]]:
    """Rows as floats, line by line (the first is file line ``first_line``); the first bad
    line raises AnnotationFormatError."""
    rows = []
    for number, (line, row) in enumerate(zip(lines, tokens, strict=True), start=first_line):
        if not row:  # blank, or separators only (',,,,': no row of the file's width)
            problem = "blank line between box rows" if not line.strip() else f"no value in {line.strip()!r}"
            raise AnnotationFormatError(Path(path), problem, line=number)
        try:
            values = [float(v) for v in row]
        except ValueError:
            raise AnnotationFormatError(Path(path), f"not a number in {line.strip()!r}", line=number) from None
        if len(values) not in widths:
            raise AnnotationFormatError(Path(path), f"expected {what} per row, got {len(values)}", line=number)
        rows.append(values)
    return rows


def _uniform(tokens: list[list[str]], width: int) -> np.ndarray | None:
    """Fast path: ``(N, width)`` when every row has ``width`` numbers, else None."""
    if any(len(t) != width for t in tokens):
        return None
    try:
        return np.array([v for row in tokens for v in row], dtype=np.float64).reshape(-1, width)
    except ValueError:
        return None


def parse_boxes(text: str, path: str | Path = "<text>", *, expect: str | None = None,
                why: str = "the file") -> np.ndarray:
    """Box rows of ``text`` -> ``(N, 4)`` float64 x, y, w, h (see the module doc): 4-value rows
    under a header naming corners are corners, converted (:func:`header_columns`).

    ``path`` only names the source in errors. ``expect``: ``"xywh"`` when the caller knows the
    rows are x, y, w, h (``why`` says how: ``"--from xywh"``); a header naming corners then
    raises AnnotationFormatError (:func:`convention_problem`).
    """
    lines, tokens, first_line, columns = _tokens(text, path)
    convention_problem(path, columns, expect, why)
    values = _uniform(tokens, 4)
    if values is None and (values := _uniform(tokens, 8)) is not None:
        return _polygon_box(values)
    if values is None:
        rows = _checked_rows(path, lines, tokens, (4, 8), "4 values (x,y,w,h) or 8 (polygon)", first_line)
        boxes = [values if len(values) == 4 else _polygon_box(values).tolist() for values in rows]
        values = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        if columns in ("corners", "centre"):  # below four such names, a polygon row has no corner or centre
            k = next(k for k, row in enumerate(rows) if len(row) != 4)
            raise AnnotationFormatError(Path(path), f"expected 4 values (the header names {CONVENTION_WORDS[columns]}), "
                                                    f"got {len(rows[k])}", line=k + first_line)
    return header_to_xywh(path, columns, values, lines, first_line)


def read_box_pairs(path: str | Path, *, text: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """VTUAV-style rows: 4 values (one box) or 8 values (visible box, then thermal box).

    Returns ``(visible (N,4), thermal (N,4) or None)``; every row must have the same
    width (a mix raises AnnotationFormatError at the first odd line). ``text``: the file's
    text (:func:`read_text`) when the caller has read it already.
    """
    text = read_text(path) if text is None else text
    lines, tokens, first_line, columns = _tokens(text, path)
    width = len(tokens[0]) if tokens else 4
    values = _uniform(tokens, width) if width in (4, 8) else None
    if values is None:
        values = np.asarray(_checked_rows(path, lines, tokens, (width,) if width in (4, 8) else (4, 8),
                                          "4 values (x y w h) or 8 (visible box, thermal box), the same on every row",
                                          first_line),
                            dtype=np.float64).reshape(-1, width)
    if width == 8:
        visible, thermal = values[:, :4].copy(), values[:, 4:].copy()
        names = header_names(text.splitlines()[0]) if first_line > 1 else []
        kinds = {box_columns(names[:4], path), box_columns(names[4:], path)} if len(names) == 8 else {None}
        if len(kinds) == 1 and (kind := kinds.pop()) in ("corners", "centre"):  # two boxes named alike
            return (header_to_xywh(path, kind, visible, lines, first_line),
                    header_to_xywh(path, kind, thermal, lines, first_line))
        return visible, thermal
    return header_to_xywh(path, columns, values, lines, first_line), None


def read_boxes(path: str | Path, *, expect: str | None = None, why: str = "the file") -> np.ndarray:
    """``(N, 4)`` float64 x, y, w, h rows of a box file (4-value or 8-value polygon rows; corners
    under a header naming them, converted); ``expect``, ``why``: see :func:`parse_boxes`."""
    return parse_boxes(read_text(path), path, expect=expect, why=why)


def decimal_sum(a, b, *, subtract: bool = False) -> np.ndarray:
    """``a + b`` (``a - b`` with ``subtract``) elementwise, computed on the values as written
    (their shortest decimal text) and rounded once to float64: ``229.48 + 16.04`` is
    ``245.52``, where float64 gives ``245.51999999999998``, and ``245.52 - 229.48`` is
    ``16.04`` again. So boxes written as corners or polygons and read back come back as
    they were written. Whole numbers (exact either way), NaN and inf take the float64 path."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = np.broadcast_to(a, shape).reshape(-1), np.broadcast_to(b, shape).reshape(-1)
    with np.errstate(invalid="ignore"):
        out = a - b if subtract else a + b
        fractional = np.isfinite(out) & ((a != np.round(a)) | (b != np.round(b)))
    if fractional.any():
        with localcontext(prec=50):  # exact for any two float64 texts of pixel coordinates
            for k in np.flatnonzero(fractional).tolist():
                x, y = Decimal(repr(float(a[k]))), Decimal(repr(float(b[k])))
                out[k] = float(x - y if subtract else x + y)
    return out.reshape(shape)


def _polygon_box(points: np.ndarray) -> np.ndarray:
    """:func:`core.geometry.polygon_to_xywh` with the width and height as :func:`decimal_sum`
    differences (a polygon written from a box reads back as that box)."""
    box = polygon_to_xywh(points)
    p = np.asarray(points, dtype=np.float64)
    box[..., 2] = decimal_sum(p[..., 0::2].max(axis=-1), box[..., 0], subtract=True)
    box[..., 3] = decimal_sum(p[..., 1::2].max(axis=-1), box[..., 1], subtract=True)
    return box


def corners_to_xywh(corners: np.ndarray) -> np.ndarray:
    """``(N, 4)`` GTOT corners ``x1 y1 x2 y2`` -> ``x, y, w, h`` with ``w = x2 - x1`` (no +1;
    a :func:`decimal_sum` difference)."""
    c = np.asarray(corners, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([c[:, :2], decimal_sum(c[:, 2:], c[:, :2], subtract=True)], axis=1)


def xywh_to_corners(boxes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`corners_to_xywh` (``x2 = x + w``, a :func:`decimal_sum`); all-zero
    (absent) rows stay ``0 0 0 0``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    out = np.concatenate([b[:, :2], decimal_sum(b[:, :2], b[:, 2:])], axis=1)
    out[~np.any(b != 0, axis=1)] = 0.0
    return out


def read_corners(path: str | Path, why: str | None = None, *, text: str | None = None) -> np.ndarray:
    """GTOT ``groundTruth_v.txt`` / ``groundTruth_i.txt`` -> ``(N, 4)`` x, y, w, h.

    Only 4-value rows ``x1 y1 x2 y2``: an 8-value polygon row (a VOT file given as corners)
    raises AnnotationFormatError naming its line; read as a polygon's bounding box, then
    as corners, it became a box of the wrong size without a word. A header naming a width
    and a height (``x y w h``) contradicts the corners and raises it too (:func:`convention_problem`;
    ``why``: what says the rows are corners, by default GTOT's file of that name); ``text``: the
    file's text (:func:`read_text`) when the caller has read it already."""
    text = read_text(path) if text is None else text
    lines, tokens, first_line, columns = _tokens(text, path)
    convention_problem(path, columns, "corners", why or f"GTOT's {Path(path).name}")
    values = _uniform(tokens, 4)
    if values is None:
        values = np.asarray(_checked_rows(path, lines, tokens, (4,), "4 values (x1 y1 x2 y2)", first_line),
                            dtype=np.float64).reshape(-1, 4)
    _refuse_swapped_corners(path, lines, values, first_line)
    return corners_to_xywh(values)


def _refuse_swapped_corners(path, lines: list[str], corners: np.ndarray, first_line: int = 1,
                            why: str = "GTOT rows are x1 y1 x2 y2") -> None:
    """AnnotationFormatError naming the first line whose bottom-right corner lies left of or
    above its top-left one (x2 < x1 or y2 < y1): GTOT encodes no absent target, so such a
    row is a typo or swapped corners, not an absence (read as x, y, w, h it became a box of
    negative width, taken for 'absent' without a word). ``0 0 0 0`` (what the project writes
    for an absent frame) and NaN rows pass."""
    found = swapped_corner(corners)
    if found is None:
        return
    k, what = found
    raise AnnotationFormatError(Path(path), f"{what} in {lines[k].strip()!r}: {why}, the top-left corner then the "
                                            "bottom-right one", line=k + first_line)
