"""The separators and missing values of box text, as data tools write them.

:func:`normalize_values` makes plain what spreadsheets, pandas and R write (full-width
separators, values in double quotes, ``,,,`` and ``NA`` missing values); :func:`separator_problem`
and :func:`refuse_separator_problems` refuse a line whose separators would shift or split its
values: an empty value between two separators, both ``,`` and ``;`` (decimal commas), four
``a,b`` pairs parted by spaces or tabs. The rules of every box reader
(:mod:`core.annotations.formats.text`, the import, the metrics' raw reader). Text in, no file read.
"""
from __future__ import annotations

import re
from pathlib import Path

from core.errors import AnnotationFormatError

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


def separator_problem(line: str) -> str | None:
    """What is wrong with the separators of one line of box values, or None: an empty value
    between two separators, both ``,`` and ``;`` between values, or four ``a,b`` pairs parted
    by spaces or tabs (the last two: decimal commas). The rules of the box reader
    (:mod:`core.annotations.formats.text`) and of the metrics' raw reader (``core.metrics.readers``)."""
    for pattern, problem in _LINE_RULES:
        if pattern.search(line) is not None:
            return problem.format(line.strip())
    return None


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
