"""A header line of column names above box rows, and the box convention it names.

Spreadsheets, pandas' ``to_csv`` and R's ``write.csv`` write a first line of column names
(``x,y,w,h``, ``# xmin ymin width height``, ``Box X,Box Y,Box Width,Box Height``):
:func:`header_lines` tells it from a first row, :func:`header_names` reads its names, and
:func:`box_columns` / :func:`header_columns` say which convention its four box columns name:
``"corners"`` (``x1,y1,x2,y2``), ``"xywh"`` (``x,y,w,h``) or ``"centre"`` (``cx,cy,w,h``).
:func:`convention_problem` refuses a header contradicting the convention a caller was told.
The rows themselves are read by :mod:`core.annotations.formats.text`. Text in, no file read.
"""
from __future__ import annotations

import re
from pathlib import Path

from core.errors import AnnotationFormatError

# A column name of a header line: a word (``x``, ``x1``, ``y_min``, ``width(px)``, ``Width[px]``).
_COLUMN_NAME = re.compile(r"[^\W\d]\w*(?:[(\[]\w*[)\]])?")  # any script's letters: Höhe, 宽
# What may open a header line: a comment mark (``# x y w h``, MATLAB's ``% x y w h``).
_COMMENT_MARK = re.compile(r"^[ \t]*[#%][ \t]*")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _header_tokens(line: str) -> list[str]:
    """The names of a header line as written, without a comment mark: parted by commas or
    semicolons when it has any (a spreadsheet's ``Box X,Box Y,Box Width,Box Height``: a name's
    words joined by ``_``), else by spaces and tabs; empty names left out."""
    line = _COMMENT_MARK.sub("", line).strip()
    if "," in line or ";" in line:
        return [re.sub(r"\s+", "_", t.strip()) for t in re.split(r"[,;]", line) if t.strip()]
    return line.split()


def refuse_header_only(lines: list[str], path) -> None:
    """AnnotationFormatError naming ``path`` when ``lines`` (trailing blank ones dropped) are one
    line of 4 to 10 column names and no row: an export of no box yet, which read "line 1: not a
    number in 'x,y,w,h'", as if the header were a row with a typo."""
    if len(lines) != 1:
        return
    names = _header_tokens(lines[0])
    if 4 <= len(names) <= 10 and all(_COLUMN_NAME.fullmatch(n) and not _is_number(n) for n in names):
        raise AnnotationFormatError(Path(path), f"holds only a header line ({lines[0].strip()!r}), no box row", line=1)


def header_lines(lines: list[str], widths: tuple[int, ...] = (4, 8)) -> int:
    """1 when ``lines[0]`` is a line of column names above the box rows, else 0; ``widths``:
    the row widths a box file of the caller may have.

    A header holds as many names as the next line has values (``x,y,w,h`` above
    ``1,2,3,4``; eight above a polygon row), each a word (``x``, ``y_min``, ``width(px)``;
    between commas or semicolons words joined by spaces too, ``Box Width``: :func:`_header_tokens`),
    none of them a number (``NaN`` and ``inf`` are numbers: ``NaN,NaN,NaN,NaN`` is an
    absent frame), optionally after a comment mark (``#``, ``%``). Anything else on the
    first line is read as a row, so a typo there is still refused naming line 1. Spreadsheet
    exports and pandas' ``to_csv`` write such a line; frame 1 is the row after it."""
    if len(lines) < 2:
        return 0
    names = _header_tokens(lines[0])
    values = [t for t in re.split(r"[,;\s]+", lines[1].strip()) if t]
    if len(names) not in widths or len(names) != len(values) or not all(_is_number(v) for v in values):
        return 0
    return int(all(_COLUMN_NAME.fullmatch(n) and not _is_number(n) for n in names))


# Names of a box's third and fourth column (lower case, a unit such as ``(px)`` dropped): the
# right and bottom edges of corner rows, or the width and height of x, y, w, h rows.
_RIGHT = {"x2", "xmax", "x_max", "max_x", "right", "x_right", "xright", "bb_right", "box_right", "bottom_right_x",
          "br_x", "x_br", "box_x2", "bbox_x2"}
_BOTTOM = {"y2", "ymax", "y_max", "max_y", "bottom", "y_bottom", "ybottom", "bb_bottom", "box_bottom", "bottom_right_y",
           "br_y", "y_br", "box_y2", "bbox_y2"}
_WIDTH = {"w", "width", "bb_width", "box_width", "bbox_width", "bw"}
_HEIGHT = {"h", "height", "bb_height", "box_height", "bbox_height", "bh"}
# Names of a box's first and second column when they are its centre (cx,cy,w,h; YOLO-style).
_CENTRE_X = {"cx", "xc", "x_c", "x_center", "x_centre", "center_x", "centre_x", "xcenter", "xcentre", "centerx"}
_CENTRE_Y = {"cy", "yc", "y_c", "y_center", "y_centre", "center_y", "centre_y", "ycenter", "ycentre", "centery"}
#: what :func:`header_columns` calls the conventions, in the words of the messages
CONVENTION_WORDS = {"corners": "corners x1,y1,x2,y2", "xywh": "x,y,w,h (a width and a height)",
                    "centre": "centres cx,cy,w,h"}


def header_names(line: str) -> list[str]:
    """The column names of a header line, lower-cased, without a comment mark (``#``, ``%``)
    or a unit (``width(px)`` -> ``width``), a name's words joined by ``_`` (``box_width``)."""
    return [re.sub(r"_*[(\[].*$", "", name).lower() for name in _header_tokens(line)]  # 'width (px)' -> width


def box_columns(names: list[str], path: str | Path = "<text>") -> str | None:
    """``"corners"`` when the four names of a box's columns name corners (the third and fourth
    a right and a bottom edge: ``x1,y1,x2,y2``, ``xmin,ymin,xmax,ymax``, ``left,top,right,bottom``),
    ``"xywh"`` when they name a width and a height (``x,y,w,h``, ``bb_left,bb_top,bb_width,bb_height``),
    ``"centre"`` when they name a centre, a width and a height (``cx,cy,w,h``, ``x_center,y_center,
    width,height``), None when they say neither (``a,b,c,d``). A header naming one of each
    (``x1,y1,x2,height``; ``cx,y,w,h``) raises AnnotationFormatError naming ``path`` and line 1:
    which convention holds is not known."""
    first, second, third, fourth = names[:4]
    edges = (third in _RIGHT, fourth in _BOTTOM)
    sizes = (third in _WIDTH, fourth in _HEIGHT)
    centre = (first in _CENTRE_X, second in _CENTRE_Y)
    if any(centre) and not all(centre):
        raise AnnotationFormatError(Path(path), f"the header names {first!r} and {second!r}: one a centre, the other "
                                                "not; name cx,cy,w,h (the centre) or x,y,w,h (the top-left corner)",
                                    line=1)
    if all(edges) and not any(centre):
        return "corners"
    if all(sizes):
        return "centre" if all(centre) else "xywh"
    if any(edges) and any(sizes):
        raise AnnotationFormatError(Path(path), f"the header names {third!r} and {fourth!r}: one a corner, the other "
                                                "a size; name x1,y1,x2,y2 (corners) or x,y,w,h", line=1)
    return None


def header_columns(lines: list[str], path: str | Path = "<text>") -> str | None:
    """What the header line of ``lines`` (:func:`header_lines`) says its four box columns are
    (:func:`box_columns`): ``"corners"``, ``"xywh"``, or None (no header, names that say
    neither, or eight names: a polygon's points, or VTUAV's two boxes, see :func:`read_box_pairs`)."""
    if not header_lines(lines):
        return None
    names = header_names(lines[0])
    return box_columns(names, path) if len(names) == 4 else None


def convention_problem(path: str | Path, named: str | None, expect: str | None, why: str) -> None:
    """AnnotationFormatError naming ``path`` (line 1) when the header names the convention
    ``named`` and the caller was told ``expect`` (``"corners"`` / ``"xywh"``), ``why`` saying
    by what (``"GTOT's groundTruth_v.txt"``, ``"--from xywh"``)."""
    if named is None or expect is None or named == expect:
        return
    raise AnnotationFormatError(Path(path), f"the header names {CONVENTION_WORDS[named]} but {why} holds "
                                            f"{CONVENTION_WORDS[expect]}: which of the two the rows are is not known; "
                                            "fix the header or the rows", line=1)
