"""Box rows <-> annotation records, and writing box text files.

Reading the tolerant text itself (commas, spaces, tabs, CRLF, trailing blank lines,
NaN, 4- or 8-value rows) is ``core.metrics.readers.read_box_rows``; this module gives
the rows their meaning: which rows are absent, sparse rows (VTUAV: one per 10 frames),
per-modality boxes.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.fileio import write_text_atomic


def row_is_absent(row: np.ndarray) -> bool:
    """A row marks an absent target when it is NaN or has w <= 0 or h <= 0 (covers ``0,0,0,0``)."""
    return bool(np.any(~np.isfinite(row)) or row[2] <= 0 or row[3] <= 0)


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
    records: dict[int, FrameAnnotation] = {}
    for k, row in enumerate(np.asarray(visible, dtype=np.float64).reshape(-1, 4)):
        frame = first_frame + k * every
        flagged_absent = absent_frames is not None and bool(absent_frames[k])
        occluded = occluded_frames is not None and bool(occluded_frames[k])
        if flagged_absent or row_is_absent(row):
            records[frame] = FrameAnnotation(frame, None, absent=True, occluded=occluded, provenance=provenance)
            continue
        thermal_box = None
        if thermal is not None and k < len(thermal):
            t = thermal[k]
            if not row_is_absent(t) and not np.array_equal(t, row):
                thermal_box = t
        records[frame] = FrameAnnotation(frame, row, thermal_box=thermal_box, occluded=occluded, provenance=provenance)
    return records


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


def format_number(value: float) -> str:
    """Integers without a decimal point, others with up to 4 decimals (no trailing zeros)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def format_rows(rows: np.ndarray, separator: str = ",") -> str:
    """Rows -> text, one ``x,y,w,h`` line each, ``\\n`` line ends, final newline."""
    return "".join(separator.join(format_number(v) for v in row) + "\n" for row in np.asarray(rows).reshape(-1, 4))


def write_rows(path: str | Path, rows: np.ndarray, separator: str = ",", *, newline: str = "\n") -> Path:
    """Write box rows atomically."""
    write_text_atomic(path, format_rows(rows, separator), newline=newline)
    return Path(path)


def touching_origin(records: Mapping[int, FrameAnnotation]) -> list[int]:
    """Frames whose box touches x <= 0 or y <= 0: the LasHeR scorer reads such rows as absent."""
    return sorted(
        f for f, r in records.items() if r.box is not None and (r.box[0] <= 0 or r.box[1] <= 0)
    )


def got10k_labels(records: Mapping[int, FrameAnnotation], num_frames: int) -> tuple[str, str]:
    """GOT-10k ``absence.label`` and ``cover.label`` texts (cover: 8 visible, 4 occluded, 0 absent)."""
    absence, cover = [], []
    for i in range(num_frames):
        record = records.get(i)
        gone = record is None or record.absent
        absence.append("1" if gone else "0")
        cover.append("0" if gone else ("4" if record.occluded else "8"))
    return "\n".join(absence) + "\n", "\n".join(cover) + "\n"


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
