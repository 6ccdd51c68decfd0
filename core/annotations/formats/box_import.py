"""Boxes from a file of the user's own onto the footage: labels or pre-labels made elsewhere.

An annotator brings boxes made outside the studio: another tool's labels, a colleague's file,
another tracker's results (``track --out``), an annotation tool's MOT export. Two kinds of file
are read, told apart by the width of their rows:

* **one row per frame** (4 values ``x,y,w,h`` or an 8-value polygon, what every box file of
  this project and the benchmarks hold; :func:`core.annotations.formats.text.parse_boxes`):
  row k is frame k (1-based, the first row frame 1); a file of fewer rows than the footage has
  frames is said (:func:`short_of_footage`: another video's boxes, or a cut file). ``0,0,0,0``, NaN and w or h <= 0 rows
  mark the target absent (NaN as pandas and R write it too: ``,,,``, ``5,,,,``, ``NA``;
  :func:`core.annotations.formats.separators.normalize_values`, which also reads values in double
  quotes, as R writes its header, without them). GTOT's ``groundTruth_v.txt`` and
  ``groundTruth_i.txt`` hold corners ``x1 y1 x2 y2`` (:func:`core.annotations.formats.text.read_corners`) and are read so,
  by their name; the import says so. VTUAV's ``rgb.txt`` / ``ir.txt`` are read by their name too
  (one row per 10 frames when their count fits, 8-value rows a visible then a thermal box;
  :func:`_vtuav_rows`). So are rows whose header names corners (``x1,y1,x2,y2``,
  ``xmin,ymin,xmax,ymax``; ``frame,x1,y1,x2,y2`` for frame-numbered rows).
* **frame-numbered rows**: 5 values ``frame,x,y,w,h``, or MOTChallenge's 6, 7, 9 or 10
  values ``frame,id,x,y,w,h[,conf,...]`` (what CVAT, DarkLabel and MOT tools write; 8-value
  rows are polygons, as above). Frame numbers
  count from 1, as MOT's do; a file holding a frame 0 counts from 0, and the import says
  so. Frames without a row have no box. A MOT file of several objects needs ``object_id``
  (:class:`SeveralObjectsError` lists them): the studio labels one object. A row whose 7th
  value is 0 (MOTChallenge ground truth's "consider" flag: a box its evaluation ignores, such as
  a static person or a reflection) is skipped, and how many is said; an object of only such rows
  is not offered.

A first line of column names is skipped (:func:`core.annotations.formats.header.header_lines`);
when it opens with a separator (``,x,y,w,h``: pandas' ``to_csv`` with its row index; R's
``write.csv`` writes ``"","x","y","w","h"`` above ``"1",10,20,30,40``), the unnamed first column
is a row index and is left out, said.
Boxes are ``x, y, w, h`` top-left float pixels on the visible grid, records keyed by 0-based
frame. ``checked``: the boxes become ``imported`` records (human-checked: tracking never
replaces them; absent rows become absent marks); otherwise machine boxes (``student``
provenance: the next tracking run replaces them, as it does a tracked box) and rows without a
box are left out, since a tracker's "no box" says nothing a person checked.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.annotations.formats.corners import swapped_corner
from core.annotations.formats.decoding import read_text
from core.annotations.formats.header import (
    CONVENTION_WORDS,
    box_columns,
    header_lines,
    header_names,
    refuse_header_only,
)
from core.annotations.formats.numbered_rows import (  # SeveralObjectsError: callers import it from here
    NumberedRows,
    SeveralObjectsError,  # noqa: F401
    line_tokens,
    numbered_rows,
    object_ids,
    rows_of_object,
)
from core.annotations.formats.rows import records_from_rows, rows_absent
from core.annotations.formats.separators import normalize_values, refuse_separator_problems
from core.annotations.formats.text import header_to_xywh, parse_boxes, read_box_pairs, read_corners
from core.annotations.records import FrameAnnotation, Provenance
from core.errors import AnnotationFormatError
from core.fileio import SQLITE_MAGIC, file_magic
from core.progress import Job, Progress, run_to_end
from core.wording import plural

_SPLIT = re.compile(r"[,;\s]+")
#: row widths of frame-numbered files: frame,x,y,w,h and MOT's frame,id,x,y,w,h[,conf[,x,y,z]] (MOT20's 9);
#: 8 values are a polygon (VOT), read one row per frame
FRAME_NUMBERED_WIDTHS = (5, 6, 7, 9, 10)
# a header opening with a separator: an unnamed first column (pandas' row index)
_INDEX_HEADER = re.compile(r"^[ \t]*[,;][ \t]*")
# a row's first value, a whole number, and the separator after it
_FIRST_FIELD = re.compile(r"^[ \t]*\d+[ \t]*(?:[,;][ \t]*|[ \t]+)")
#: VTUAV's box files: one row per 10 frames (from init_frame.npy's frame), 8-value rows a visible
#: box then a thermal box (read as one row per frame and as polygons, they became boxes on the wrong
#: frames, or the bounding box of two boxes' numbers, without a word)
VTUAV_FILES = ("rgb.txt", "ir.txt")
#: what a 0 as the 7th value of a MOT row means (MOTChallenge's ground truth: the "consider" flag,
#: 0 = not_ignored false; its evaluation leaves such boxes out, and so does the import)
MOT_IGNORED = "MOTChallenge's flag for a box to ignore"
#: GTOT's box files, whose rows are corners x1 y1 x2 y2 (read as x, y, w, h, every box was too wide
#: and too tall by its own corner, without a word)
CORNER_FILES = ("groundTruth_v.txt", "groundTruth_i.txt")


@dataclass(frozen=True)
class BoxFileImport:
    """What :func:`read_box_file` found. ``records``: 0-based frame -> FrameAnnotation (only
    frames inside the footage); ``kind``: ``"one row per frame"`` or ``"frame-numbered rows"``;
    ``notes``: what the import adapted or left out, in the status bar's words; ``holds``: what
    a row holds as the import reads it, in words (``"x,y,w,h boxes"``, ``"GTOT corners x1 y1 x2
    y2"``), for the question before the import; ``rows``: the box rows of a file of one row per
    frame, past the footage's end included (0 for other kinds: a scores file beside it,
    :mod:`core.annotations.formats.box_scores`, must hold as many)."""

    records: dict[int, FrameAnnotation]
    kind: str
    notes: tuple[str, ...]
    holds: str = "x,y,w,h boxes"
    rows: int = 0


def read_box_file(path: str | Path, frames: int, *, checked: bool = True,
                  object_id: int | None = None) -> BoxFileImport:
    """The boxes of ``path`` for footage of ``frames`` frames (see the module doc):
    :func:`box_file_job` run to its end, then :meth:`BoxFile.read`.

    AnnotationFormatError naming the file (and line) when it cannot be read, holds no box
    row, mixes row widths, or has a frame number that is not a whole number >= 0, or twice,
    or a MOT object id that is not a whole number;
    SeveralObjectsError for a MOT file of several objects without ``object_id``; an
    ``object_id`` the file does not hold is an AnnotationFormatError listing those it does.
    """
    return run_to_end(box_file_job(path, frames)).read(checked=checked, object_id=object_id)


@dataclass(frozen=True)
class BoxFile:
    """A box file read and parsed once (:func:`box_file_job`) for footage of ``frames`` frames:
    :meth:`read` gives the boxes of one object, as checked labels or as pre-labels, without
    reading the file again (the studio's import asked which object, then how to import, and
    read and parsed the file for each answer: three passes of 1.2 s over a 62,000-row MOT file).
    ``ids``: the object ids to choose from (sorted) when the file is MOT rows of several
    objects, else ``()``."""

    path: Path
    frames: int
    ids: tuple = ()
    _read: Callable[[bool, int | None], BoxFileImport] | None = field(default=None, repr=False)
    _made: tuple[BoxFileImport, BoxFileImport] | None = field(default=None, repr=False)

    def read(self, *, checked: bool = True, object_id: int | None = None) -> BoxFileImport:
        """The boxes of object ``object_id`` (needed when :attr:`ids` lists several), as checked
        labels (``checked``) or pre-labels; the errors of :func:`read_box_file`. A file of one
        object gives both as they were made while it was read (on the studio's worker thread)."""
        if object_id is None and self._made is not None:
            return self._made[0 if checked else 1]
        return self._read(checked, object_id)

    def object_job(self, object_id: int) -> Job[BoxFile]:
        """Job: the boxes of object ``object_id`` of this file of several (:attr:`ids`), both
        kinds made (a file of one object: :attr:`ids` empty), from this parse."""
        yield Progress(0, None, f"reading object {object_id} of {self.path.name}")
        return BoxFile.of_one_object(self.path, self.frames, lambda checked, _id: self._read(checked, object_id))

    @classmethod
    def of_one_object(cls, path: Path, frames: int,
                      read: Callable[[bool, int | None], BoxFileImport]) -> BoxFile:
        """The file whose boxes ``read(checked, object_id)`` gives, both kinds made now (the
        file's errors said here)."""
        return cls(path, frames, (), read, (read(True, None), read(False, None)))


#: rows between two progress reports (and cancel points) while a box file is read
REPORT_ROWS = 10_000


def box_file_job(path: str | Path, frames: int) -> Job[BoxFile]:
    """Job: read and parse the box file ``path`` once for footage of ``frames`` frames (see the
    module doc), yielding :class:`core.progress.Progress` over its rows (a long MOT file takes
    a second or more); returns a :class:`BoxFile`. Closing the job stops the reading. The file's
    errors are raised here, those of a chosen object (:meth:`BoxFile.read`) there: see
    :func:`read_box_file`."""
    path = Path(path)
    if file_magic(path, len(SQLITE_MAGIC)) == SQLITE_MAGIC:  # it said "not UTF-8 text; save the file as UTF-8"
        raise AnnotationFormatError(path, "is a studio project (an SQLite database), not a text file of boxes")
    yield Progress(0, None, f"reading {path.name}")
    raw = read_text(path)
    text = normalize_values(raw, numbered=True)  # pandas' NaN rows (',,,', '5,,,,'), R's NA and quotes
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    notes: tuple[str, ...] = ()
    if (unindexed := _without_row_index(lines)) is not None:
        lines, text = unindexed, "\n".join(unindexed) + "\n"
        notes = ("the unnamed first column (a row index, as pandas' to_csv writes) left out",)
    refuse_header_only(lines, path)
    skip = header_lines(lines, (4, 8, *FRAME_NUMBERED_WIDTHS))
    refuse_separator_problems(text, path)  # '10,,30,40' named its line, not 'rows of 3 values'
    widths, values = yield from _row_values(path, lines[skip:])
    if 0 in widths:  # a line of separators only ('rows of 0, 4 values' said neither where nor what)
        number, line = next((n, line) for n, line in enumerate(lines[skip:], start=skip + 1)
                            if line.strip() and not _SPLIT.sub("", line))
        raise AnnotationFormatError(path, f"no value in {line.strip()!r}", line=number)
    if not widths:
        raise AnnotationFormatError(path, "holds no box row")

    def one_row_per_frame(rows: np.ndarray, notes: tuple[str, ...], holds: str) -> BoxFile:
        def read(checked: bool, _object_id: int | None) -> BoxFileImport:
            return _one_row_per_frame(path, rows, frames, checked, notes, holds=holds)
        return BoxFile.of_one_object(path, frames, read)

    if widths == {4} and path.name in CORNER_FILES:
        return one_row_per_frame(read_corners(path, text=raw), ("rows read as GTOT corners x1 y1 x2 y2 (the file's "
                                                                "name)",),
                                 "GTOT corners x1 y1 x2 y2 (top-left, bottom-right)")
    if path.name in VTUAV_FILES and widths <= {4, 8}:  # a mix refused by read_box_pairs, as opening the folder
        pairs = read_box_pairs(path, text=raw)

        def vtuav(checked: bool, _object_id: int | None) -> BoxFileImport:
            return _vtuav_rows(path, frames, checked, notes, pairs)
        return BoxFile.of_one_object(path, frames, vtuav)
    columns = _header_kind(path, lines[0], next(iter(widths)) if len(widths) == 1 else 0) if skip else None
    if columns in ("corners", "centre"):
        notes += (f"rows read as {CONVENTION_WORDS[columns]} (the header names them)",)
    named = f"{CONVENTION_WORDS[columns]} boxes" if columns in ("corners", "centre") else None
    if widths <= {4, 8}:  # parse_boxes reads rows under a header naming corners or centres so
        holds = named or ("x,y,w,h boxes" if widths == {4} else "8-value polygons x1,y1,...,x4,y4 (their bounding "
                          "boxes)" if widths == {8} else "x,y,w,h boxes and 8-value polygons")
        return one_row_per_frame(parse_boxes(text, path), notes, holds)
    if len(widths) == 1 and (width := next(iter(widths))) in FRAME_NUMBERED_WIDTHS:
        rows = numbered_rows(path, lines, skip, values, width)
        box = "x1,y1,x2,y2" if columns == "corners" else "cx,cy,w,h" if columns == "centre" else "x,y,w,h"
        holds = f"frame,{box} rows" if width == 5 else f"MOT rows frame,id,{box},..."

        def numbered(checked: bool, object_id: int | None) -> BoxFileImport:
            found = _frame_numbered(path, rows, frames, checked, object_id, columns)
            return BoxFileImport(found.records, found.kind, notes + found.notes, holds)
        ids = object_ids(rows)
        return BoxFile(path, frames, tuple(ids), numbered) if len(ids) > 1 else \
            BoxFile.of_one_object(path, frames, numbered)
    raise AnnotationFormatError(path, f"rows of {', '.join(str(w) for w in sorted(widths))} values: expected one "
                                      "box per frame (x,y,w,h, or an 8-value polygon), or frame-numbered rows "
                                      "(frame,x,y,w,h, or MOT's frame,id,x,y,w,h,...) of one width")


def _row_values(path: Path, lines: list[str]) -> Job[tuple[set[int], np.ndarray | None]]:
    """Job: the widths (values per line) of the lines of ``lines`` that are not blank, and
    ``(len(lines), width)`` float64 values when every line holds ``width`` numbers (else None),
    reporting :class:`Progress` every :data:`REPORT_ROWS` lines. The lines' tokens are kept for
    one block of lines at a time (all of a 300,000-row MOT file held 600 MB)."""
    widths: set[int] = set()
    blocks: list[np.ndarray] | None = []
    for start in range(0, len(lines), REPORT_ROWS):
        yield Progress(start, len(lines), f"reading {path.name}: row {start + 1} of {len(lines)}")
        block = lines[start:start + REPORT_ROWS]
        tokens = [line_tokens(line) for line in block]
        widths |= {len(row) for row, line in zip(tokens, block, strict=True) if row or line.strip()}
        if blocks is not None and len({len(row) for row in tokens}) == 1 and tokens[0]:
            try:
                blocks.append(np.array([t for row in tokens for t in row], dtype=np.float64).reshape(len(block), -1))
                continue
            except ValueError:
                pass
        blocks = None  # a blank line, a value that is not a number, or rows of another width
    same = blocks and len({block.shape[1] for block in blocks}) == 1
    return widths, np.concatenate(blocks) if same else None


def _without_row_index(lines: list[str]) -> list[str] | None:
    """``lines`` without their first column when it is an unnamed row index, else None: the
    header opens with a separator (``,x,y,w,h``: pandas' ``DataFrame.to_csv`` with its default
    ``index=True``), its names make a header of the rest (:func:`header_lines`), and every row
    has one value more, the first a whole number. Line numbers stay the file's."""
    if len(lines) < 2 or not _INDEX_HEADER.match(lines[0]):
        return None
    names = header_names(lines[0])
    rows = [line for line in lines[1:] if line.strip()]
    if any(len(line_tokens(line)) != len(names) + 1 or not _FIRST_FIELD.match(line)
           for line in rows):
        return None
    kept = [_INDEX_HEADER.sub("", lines[0])] + [_FIRST_FIELD.sub("", line) for line in lines[1:]]
    widths = (4, 8, *FRAME_NUMBERED_WIDTHS)
    return kept if header_lines(kept, widths) else None


def _header_kind(path: Path, header: str, width: int) -> str | None:
    """What the header line names the box columns of rows ``width`` values wide
    (:func:`core.annotations.formats.header.box_columns`, the rule of every box reader:
    ``"corners"``, ``"centre"``, ``"xywh"`` or None): x1,y1,x2,y2 (4), frame,x1,y1,x2,y2 (5),
    MOT's frame,id,x1,y1,x2,y2,... (6 and more); None for 8 (a polygon's points)."""
    names = header_names(header)
    if len(names) != width or width not in (4, *FRAME_NUMBERED_WIDTHS):
        return None
    return box_columns(names[0:4] if width == 4 else names[1:5] if width == 5 else names[2:6], path)


def _from_header(path: Path, columns: str | None, boxes: np.ndarray, lines: list[int]) -> np.ndarray:
    """``(N, 4)`` boxes in the convention ``columns`` -> x, y, w, h (absent rows stay absent):
    corners converted, a row whose bottom-right corner lies left of or above its top-left one
    raising AnnotationFormatError naming its file line (``lines[k]``), as GTOT's reader does;
    centres moved to the top-left corner."""
    if columns == "corners" and (found := swapped_corner(boxes)) is not None:
        k, _what = found
        raise AnnotationFormatError(path, "x2 < x1 or y2 < y1: the header names corners x1,y1,x2,y2, the "
                                          "top-left corner then the bottom-right one", line=lines[k])
    return header_to_xywh(path, columns, boxes, [])


def _refuse_relative(path: Path, boxes: np.ndarray) -> None:
    """AnnotationFormatError when every box of ``(N, 4)`` present ``boxes`` has all its values
    within 0..1: coordinates relative to the image size (YOLO's normalized ``cx cy w h``, a
    tool's fractions), not pixels. Imported, they became boxes under a pixel in the top-left
    corner of every frame, said only as "imported N frames"."""
    if len(boxes) and bool(((boxes >= 0) & (boxes <= 1)).all()):
        raise AnnotationFormatError(path, f"every box lies within 0..1 (the first: {_values(boxes[0])}), under a "
                                          "pixel: coordinates relative to the image size (as YOLO writes them)? "
                                          "write x,y,w,h in pixels")


def _values(box: np.ndarray) -> str:
    return ",".join(f"{float(v):g}" for v in box)


def _vtuav_rows(path: Path, frames: int, checked: bool, notes: tuple[str, ...],
                pairs: tuple[np.ndarray, np.ndarray | None] | None = None) -> BoxFileImport:
    """VTUAV's ``rgb.txt`` / ``ir.txt`` (:data:`VTUAV_FILES`): 8-value rows are a visible box
    then a thermal box (the thermal one kept where it differs); rows are one per 10 frames from
    the first annotated frame (``init_frame.npy`` beside the file or up to two folders above,
    else frame 1) when their count fits that and not one row per frame of the footage.
    ``pairs``: :func:`read_box_pairs` of ``path``, read already."""
    from core.annotations.formats.vtuav_init import VTUAV_EVERY, vtuav_first_frame

    visible, thermal = read_box_pairs(path) if pairs is None else pairs
    notes = list(notes)
    holds = "x,y,w,h boxes (VTUAV's)"
    if thermal is not None:
        notes.append("8-value rows read as VTUAV's visible box then thermal box (the file's name)")
        holds = "VTUAV's x,y,w,h visible box then thermal box"
    first = vtuav_first_frame(path.parent)
    sparse = -(-max(frames - first, 0) // VTUAV_EVERY)  # rows of frames first, first + 10, ... inside the footage
    if len(visible) == frames or len(visible) > sparse + 1:
        if thermal is None:
            return _one_row_per_frame(path, visible, frames, checked, tuple(notes), holds=holds)
        every, first = 1, 0
    else:
        every = VTUAV_EVERY
        notes.append(f"rows read as VTUAV's, one per {VTUAV_EVERY} frames from frame {first + 1} (the file's name and "
                     f"its {plural(len(visible), 'row')} for {frames} frames)")
    keep = (first + np.arange(len(visible)) * every) < frames
    if not keep.all():
        notes.append(_past_the_end(int((~keep).sum()), frames))
    visible = visible[keep]
    thermal = thermal[keep] if thermal is not None else None
    _refuse_relative(path, visible[~rows_absent(visible)])
    records = records_from_rows(visible, thermal, every=every, first_frame=first, provenance=_provenance(checked))
    return BoxFileImport(_machine_boxes_only(records, checked), "one row per frame" if every == 1 else
                         f"one row per {every} frames", tuple(notes), holds)


def short_of_footage(rows: int, frames: int) -> str:
    """The note on a file of one row per frame whose ``rows`` rows end before footage of
    ``frames`` frames (``rows < frames``): the frames it gives no box. (Frame-numbered rows
    leave frames out by design: a target that leaves the view.)"""
    rest = f"frame {frames} gets" if rows + 1 == frames else f"frames {rows + 1}-{frames} get"
    return f"the file's {plural(rows, 'row')} end before the footage's {frames} frames: {rest} no box from it"


def _past_the_end(rows: int, frames: int) -> str:
    """The note on ``rows`` rows of frames past the last of the footage's ``frames``, left out."""
    return f"{plural(rows, 'row')} past the footage's last frame ({frames}) left out"


def _provenance(checked: bool) -> Provenance:
    return Provenance.IMPORTED if checked else Provenance.STUDENT


def _one_row_per_frame(path: Path, rows: np.ndarray, frames: int, checked: bool,
                       notes: tuple[str, ...] = (), *, holds: str = "x,y,w,h boxes") -> BoxFileImport:
    """``rows``: ``(N, 4)`` x, y, w, h, row k frame k; ``notes``: what the reading adapted;
    ``holds``: what the file's rows hold, in words. A ``groundtruth.txt`` with GOT-10k's or
    LaSOT's label files beside it takes its absent and occluded flags from them, as opening
    its folder does (``core.annotations.formats.label_files.flags_beside``): imported alone,
    a GOT-10k export's partly occluded boxes and full occlusions came back plain."""
    notes = list(notes)
    count = len(rows)
    flags = _labels_beside(path, count, notes)
    if len(rows) > frames:
        notes.append(_past_the_end(len(rows) - frames, frames))
        rows = rows[:frames]
    elif len(rows) < frames:  # another video's boxes (113 rows onto 560 frames) were imported without a word
        notes.append(short_of_footage(len(rows), frames))
    gone = rows_absent(rows)
    _refuse_relative(path, rows[~gone])
    leading = int(np.argmin(gone)) if not gone.all() else 0
    if checked and leading:  # "(19 absent)" alone: track --out's "not tracked" rows became absent marks
        where = "frame 1 opens the file as an absent row" if leading == 1 else \
            f"frames 1-{leading} open the file as absent rows"
        # "read as", not "now absent marks": View > Compare with a box file... reads the file so too, and makes no mark
        notes.append(f"{where} (0,0,0,0), read as the target absent: a tracker's results (track --out) write them "
                     "before the frame it started on, which pre-labels leave out")
    if flags is not None:
        flags = {name: None if value is None else value[:len(rows)] for name, value in flags.items()}
    records = records_from_rows(rows, provenance=_provenance(checked), **(flags or {}))
    return BoxFileImport(_machine_boxes_only(records, checked), "one row per frame", tuple(notes), holds, count)


def _labels_beside(path: Path, count: int, notes: list[str]) -> dict | None:
    """The absent / occluded flags of the ``count`` rows of ``path`` from the label files beside
    it (:func:`core.annotations.formats.label_files.flags_beside`), a note appended to ``notes``
    saying which were read; label files of another count are said and left out (the boxes still
    import), None then and when there are none."""
    from core.annotations.formats.label_files import flags_beside

    try:
        found = flags_beside(path, count, vot_errors=True)  # a VOT label left aside is said too
    except AnnotationFormatError as error:
        notes.append(f"{Path(error.path).name} beside it not read ({error.problem}): no occluded flags from it")
        return None
    if found is None:
        return None
    flags, names = found
    what = "absent and occluded" if flags.get("absent_frames") is not None else "occluded"  # VOT's: occluded only
    notes.append(f"{what} frames read from {' and '.join(names)} beside it")
    return flags


def _frame_numbered(path: Path, rows: NumberedRows, frames: int, checked: bool,
                    object_id: int | None, columns: str | None = None) -> BoxFileImport:
    """Records of the frame-numbered ``rows`` of object ``object_id`` (see the module doc);
    ``columns``: what the header names their boxes (``"corners"``: x1, y1, x2, y2; ``"centre"``:
    cx, cy, w, h; else x, y, w, h)."""
    considered = np.flatnonzero(~rows.ignored)
    if len(rows.ignored) and not len(considered):
        raise AnnotationFormatError(path, f"holds no box to import: all {plural(len(rows.ignored), 'row')} have 0 as "
                                          f"their 7th value, {MOT_IGNORED}")
    keep = considered[rows_of_object(path, None if rows.ids is None else rows.ids[considered], object_id)]
    skipped = 0 if rows.ids is None else int((rows.ignored & np.isin(rows.ids, rows.ids[keep])).sum())
    numbers, boxes, line_of = rows.numbers[keep], rows.boxes[keep], rows.line_of[keep]
    notes = [f"{plural(skipped, 'row')} skipped: 0 as the 7th value, {MOT_IGNORED}"] if skipped else []
    first = 0 if len(rows.numbers) and rows.numbers.min() == 0 else 1  # the file's count, not this object's
    if first == 0:
        notes.append("frame numbers read from 0 (the file holds a frame 0)")
    order = np.argsort(numbers, kind="stable")
    again = np.flatnonzero(numbers[order][1:] == numbers[order][:-1]) + 1  # a frame's later rows, sorted
    if len(again):
        second = int(order[again].min())  # the first row, in file order, of a frame seen before
        earlier = int(np.flatnonzero(numbers == numbers[second])[0])
        no_identity = rows.ids is not None and bool((rows.ids[keep] == -1).all())  # MOT detections (det.txt)
        why = (": the rows' object id is -1 (MOT detections, boxes of no one object); import a tracker's or "
               "an annotation tool's rows of one id" if no_identity else "")
        raise AnnotationFormatError(path, f"frame {int(numbers[second])} has a second row (the first on line "
                                          f"{int(line_of[earlier])}){why}", line=int(line_of[second]))
    inside = numbers - first < frames
    if not inside.all():
        notes.append(_past_the_end(int((~inside).sum()), frames))
    boxes = _from_header(path, columns, boxes[inside].reshape(-1, 4), line_of[inside].tolist())
    boxes = np.array(boxes, dtype=np.float64)  # private, shared read-only by the records
    boxes.setflags(write=False)
    absent = rows_absent(boxes)
    _refuse_relative(path, boxes[~absent])
    provenance = _provenance(checked)
    make = FrameAnnotation._trusted  # absent rows are those not finite or of w or h <= 0 (rows_absent)
    records = {}
    for k, (frame, gone) in enumerate(zip((numbers[inside] - first).tolist(), absent.tolist(), strict=True)):
        records[frame] = (make(frame, None, None, True, False, provenance) if gone
                          else make(frame, boxes[k], None, False, False, provenance))
    return BoxFileImport(_machine_boxes_only(records, checked), "frame-numbered rows", tuple(notes))


def _machine_boxes_only(records: dict[int, FrameAnnotation], checked: bool) -> dict[int, FrameAnnotation]:
    """Checked labels keep their absent marks; pre-labels keep only their boxes."""
    return records if checked else {f: r for f, r in records.items() if not r.absent}
