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
without them (:func:`core.annotations.formats.separators.normalize_values`).

The result is always ``(N, 4)`` float64 ``x, y, w, h`` (top-left, float pixels); absent
rows (``0,0,0,0``, NaN, w or h <= 0) are returned as they are in the file: giving them
a meaning is :mod:`core.annotations.formats.rows`'s job. The file's text comes from
:mod:`core.annotations.formats.decoding` (its encoding), the separator rules and missing values
from :mod:`core.annotations.formats.separators`, corners and polygons are turned into x, y, w, h
by :mod:`core.annotations.formats.corners`' arithmetic.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.annotations.formats.corners import corners_to_xywh, decimal_sum, swapped_corner
from core.annotations.formats.decoding import read_text
from core.annotations.formats.header import (
    CONVENTION_WORDS,
    box_columns,
    convention_problem,
    header_columns,
    header_lines,
    header_names,
    refuse_header_only,
)
from core.annotations.formats.separators import normalize_values, refuse_separator_problems
from core.errors import AnnotationFormatError
from core.geometry import polygon_to_xywh

_SEPARATORS = re.compile(r"[,;]")


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


def _tokens(text: str, path) -> tuple[list[str], list[list[str]], int, str | None]:
    """Lines as written (trailing blank ones and a header line (:func:`header_lines`)
    dropped), their value tokens, the 1-based file line of the first of them, and what the
    header says the columns are (:func:`header_columns`); a line breaking a separator rule
    (:func:`core.annotations.formats.separators.separator_problem`) raises AnnotationFormatError naming it."""
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
    if values is None:  # every row as wide as the first: 'the same on every row per row' said so twice
        what = {4: "4 values (x y w h)", 8: "8 values (a visible box, then a thermal box)"}.get(
            width, "4 values (x y w h) or 8 (a visible box, then a thermal box)")
        values = np.asarray(_checked_rows(path, lines, tokens, (width,) if width in (4, 8) else (4, 8), what,
                                          first_line), dtype=np.float64).reshape(-1, width)
    if width == 8:
        visible, thermal = values[:, :4].copy(), values[:, 4:].copy()
        names = header_names(normalize_values(text).splitlines()[0]) if first_line > 1 else []  # R's quotes away
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


def _polygon_box(points: np.ndarray) -> np.ndarray:
    """:func:`core.geometry.polygon_to_xywh` with the width and height as :func:`decimal_sum`
    differences (a polygon written from a box reads back as that box)."""
    box = polygon_to_xywh(points)
    p = np.asarray(points, dtype=np.float64)
    box[..., 2] = decimal_sum(p[..., 0::2].max(axis=-1), box[..., 0], subtract=True)
    box[..., 3] = decimal_sum(p[..., 1::2].max(axis=-1), box[..., 1], subtract=True)
    return box


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
