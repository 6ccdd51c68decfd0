"""Ground-truth loaders for every dataset layout, returning per-frame records.

| layout | files | notes |
|---|---|---|
| gtot | ``groundTruth_v.txt``, ``groundTruth_i.txt`` (else ``init.txt``, else ``groundtruth.txt``: x y w h) | corners ``x1 y1 x2 y2``, width = x2 - x1 |
| rgbt234 | ``visible.txt``, ``infrared.txt`` | per-modality boxes |
| rgbt210 | ``init.txt`` | one file for both; ``0,0,0,0`` = absent |
| lasher | ``visible.txt`` (= ``infrared.txt``), else ``init.txt`` | ``0,0,0,0`` = absent |
| vtuav | ``rgb.txt``, ``ir.txt`` (else a ``groundtruth.txt`` of one row per frame) | one row per 10 frames from ``init_frame.npy``'s offset; 8-value rows = visible + thermal box; w or h <= 0 = absent |
| vot-rgbt, vot-tir, folder-pair, video-pair | ``groundtruth.txt`` (``groundtruth_thermal.txt``: thermal boxes, as ``synth --layout video`` writes them) | 4 values or an 8-value polygon |
| got10k | ``groundtruth.txt``, ``absence.label``, ``cover.label`` | cover 0..8 (visible fraction); occluded when cover < 5; cover 0 and not absent = full occlusion (absent, occluded) |
| lasot | ``groundtruth.txt``, ``full_occlusion.txt``, ``out_of_view.txt`` | |

All boxes come back on the visible grid as ``x, y, w, h`` with provenance ``imported``. The label
files' flags are read by :mod:`core.annotations.formats.label_files`, VTUAV's first frame by
:mod:`core.annotations.formats.vtuav_init`; which files of a folder are ground truth (and may
never be overwritten) is :mod:`core.annotations.formats.gt_files`'s.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from core.annotations.formats.decoding import read_text
from core.annotations.formats.header import header_columns, header_lines
from core.annotations.formats.label_files import (
    absent_by_label,
    got10k_folder_flags,
    lasot_flags,
    vot_occlusion,
)
from core.annotations.formats.rows import records_from_rows, rows_absent
from core.annotations.formats.separators import normalize_values
from core.annotations.formats.text import first_box_line, read_box_pairs, read_boxes, read_corners
from core.annotations.formats.vtuav_init import VTUAV_EVERY, vtuav_first_frame
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError


def _paired_rows(path: Path, rows: np.ndarray, visible_path: Path, visible: np.ndarray) -> np.ndarray:
    """``rows`` of the thermal GT file ``path``, after checking they pair one to one with
    the visible rows (the RGBT234 and GTOT toolkits compare the two files frame by frame);
    AnnotationFormatError naming ``path`` otherwise (naming ``visible_path`` when that one
    is the empty file)."""
    if len(visible) == 0 and len(rows):  # 'infrared.txt: has 4 rows but visible.txt has 0' blamed the full file
        raise AnnotationFormatError(visible_path, f"the ground-truth file is empty (no box rows), but {path.name} "
                                                  f"beside it has {len(rows)}")
    if len(rows) != len(visible):
        raise AnnotationFormatError(path, f"has {len(rows)} rows but {visible_path.name} has {len(visible)}; "
                                          "the two files need one row per frame each")
    return rows


def _first_existing(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    return None


#: the visible box file of each layout family that a folder's ground truth may come from
#: (``init.txt`` is left out: RGBT234's differs from its visible.txt in 17 sequences)
LAYOUT_BOX_FILES = ("groundTruth_v.txt", "visible.txt", "groundtruth.txt")
#: two layouts' boxes closer than this (pixels, each value) are the same box: files written with
#: other decimals (2 or 4, or float noise such as 245.51999999999998) must not be refused
SAME_BOX_TOLERANCE_PX = 0.01
#: the layouts read as GOT-10k (groundtruth.txt with absence.label / cover.label beside it)
GOT10K_LAYOUTS = ("got10k", "got10k-tir", "got10k-visible")
#: the layouts read as RGBT234 / LasHeR / RGBT210 (visible.txt + infrared.txt, else init.txt)
RGBT_LAYOUTS = ("rgbt234", "lasher", "rgbt210")


class _BoxFiles:
    """The box rows of a folder's files, each file read once (:func:`read_boxes`, or
    :func:`read_corners` for GTOT's corner files): :func:`load_ground_truth` reads the files
    :func:`refuse_mixed_layouts` compared, which read them a second time."""

    def __init__(self):
        self._rows: dict[tuple[Path, bool], np.ndarray] = {}

    def rows(self, path: Path, *, corners: bool = False) -> np.ndarray:
        """``(N, 4)`` x, y, w, h rows of ``path`` (a shared array: copy before changing it)."""
        key = (Path(path), corners)
        if key not in self._rows:
            self._rows[key] = read_corners(path) if corners else read_boxes(path)
        return self._rows[key]


def refuse_mixed_layouts(folder: str | Path, files: _BoxFiles | None = None) -> None:
    """AnnotationFormatError when ``folder`` holds the box files of two layouts
    (:data:`LAYOUT_BOX_FILES`) with different boxes, naming the second file and its first
    differing line: which one a reader takes depends on the layout it guesses or the
    protocol (convert read GTOT's corners, eval --protocol lasher visible.txt, track-dataset
    groundtruth.txt), so the same folder gave other boxes to each without a word. Files that
    agree (absent as ``0,0,0,0`` in one, NaN in another; values within
    :data:`SAME_BOX_TOLERANCE_PX`, as files written with other decimals) pass. ``files``: where
    the rows read are kept, for the caller to read them from (:func:`load_ground_truth`)."""
    folder = Path(folder)
    present = [folder / name for name in LAYOUT_BOX_FILES if (folder / name).is_file()]
    if len(present) < 2:
        return
    files = _BoxFiles() if files is None else files
    rows = [files.rows(p, corners=p.name == "groundTruth_v.txt") for p in present]
    first, reference = present[0], rows[0]
    gone = rows_absent(reference)
    for path, other in zip(present[1:], rows[1:], strict=True):
        other_gone = rows_absent(other)
        common = min(len(reference), len(other))
        differs = (gone[:common] != other_gone[:common]) | (
            ~gone[:common] & np.any(np.abs(reference[:common] - other[:common]) > SAME_BOX_TOLERANCE_PX, axis=1))
        if differs.any() or len(other) != len(reference):
            row = int(np.flatnonzero(differs)[0]) if differs.any() else common
            line = row + first_box_line(path)  # a header line above the rows is the file's line 1
            raise AnnotationFormatError(path, f"holds other boxes than {first.name} beside it: the folder has the "
                                              "ground truth of two layouts; keep one", line=line)


def load_ground_truth(folder: str | Path, layout: str | None = None) -> dict[int, FrameAnnotation] | None:
    """Records of the sequence folder's GT, or None when the folder has no GT file.

    ``layout``: as ``core.sequences.detect_layout`` names it (detected when None).
    Malformed files raise AnnotationFormatError naming the file and line, as does a folder
    with the ground truth of two layouts that differ (:func:`refuse_mixed_layouts`).
    """
    folder = Path(folder)
    files = _BoxFiles()  # a folder of two layouts' files: each read once, compared, then loaded
    refuse_mixed_layouts(folder, files)
    if layout is None:
        from core.sequences import detect_layout

        layout = detect_layout(folder)
    vis = box_file(folder, layout)
    if vis is None:
        return None
    if layout == "gtot":
        if vis.name != "groundTruth_v.txt":  # init.txt (x y w h), else a user's groundtruth.txt beside v/ + i/
            return records_from_rows(files.rows(vis))
        ir = folder / "groundTruth_i.txt"
        visible = files.rows(vis, corners=True)
        return records_from_rows(visible, _paired_rows(ir, files.rows(ir, corners=True), vis, visible) if ir.is_file() else None)
    if layout in RGBT_LAYOUTS:
        ir = folder / "infrared.txt"
        visible = files.rows(vis)
        thermal = _paired_rows(ir, files.rows(ir), vis, visible) if ir.is_file() and vis.name == "visible.txt" else None
        return records_from_rows(visible, thermal)
    if layout == "vtuav":
        if vis.name == "groundtruth.txt":  # a user's per-frame file beside rgb/ + ir/, not VTUAV's rgb.txt
            return records_from_rows(files.rows(vis))
        visible, thermal = read_box_pairs(vis)  # some rgb.txt hold both boxes on each row
        ir = folder / "ir.txt"
        if ir.is_file():  # row for row with rgb.txt: fewer rows left the rest "same as visible" without a word
            thermal = _paired_rows(ir, files.rows(ir), vis, visible)
        return records_from_rows(visible, thermal, every=VTUAV_EVERY, first_frame=vtuav_first_frame(folder))
    if layout in GOT10K_LAYOUTS:
        rows = files.rows(vis)
        return records_from_rows(rows, **got10k_folder_flags(folder, len(rows)))
    if (folder / "full_occlusion.txt").is_file() and (folder / "groundtruth.txt").is_file():
        rows = files.rows(vis)  # box_file's groundtruth.txt
        return records_from_rows(rows, **lasot_flags(folder, len(rows)))
    visible = files.rows(vis)
    ir = vis.parent / "groundtruth_thermal.txt"  # synth --layout video: the thermal boxes beside the visible ones
    thermal = _paired_rows(ir, files.rows(ir), vis, visible) if vis.name == "groundtruth.txt" and ir.is_file() else None
    occluded = vot_occlusion(vis, len(visible)) if vis.name == "groundtruth.txt" else None
    return records_from_rows(visible, thermal, occluded_frames=occluded)


def box_file(folder: str | Path, layout: str) -> Path | None:
    """The file :func:`load_ground_truth` reads the (visible) box rows of ``folder`` from for
    ``layout``, or None when there is none."""
    folder = Path(folder)
    if layout == "gtot":
        return _first_existing(folder, ("groundTruth_v.txt", "init.txt", "groundtruth.txt"))
    if layout in RGBT_LAYOUTS:
        return _first_existing(folder, ("visible.txt", "init.txt", "groundtruth.txt"))
    if layout == "vtuav":
        return _first_existing(folder, ("rgb.txt", "groundtruth.txt"))
    if layout in GOT10K_LAYOUTS:
        return _first_existing(folder, ("groundtruth.txt",))
    gt = _first_existing(folder, ("groundtruth.txt", "groundtruth_rect.txt", "init.txt"))
    for sub in ("color", "ir", "visible"):
        if gt is None:
            gt = _first_existing(folder / sub, ("groundtruth.txt",))
    return gt


def _label_files_read(folder: Path, layout: str, path: Path) -> str | None:
    """Which label files :func:`load_ground_truth` reads beside the box file ``path`` of
    ``folder`` for ``layout``: ``"got10k"``, ``"lasot"`` or None."""
    if layout in GOT10K_LAYOUTS:
        return "got10k"
    if layout not in ("gtot", "vtuav", *RGBT_LAYOUTS) and path == folder / "groundtruth.txt" and \
            (folder / "full_occlusion.txt").is_file():
        return "lasot"
    return None


def missing_box_reason(folder: str | Path, layout: str, frame: int) -> tuple[Path, int | None, str, bool] | None:
    """Why file frame ``frame`` (0-based) of the sequence folder ``folder`` has no box in its
    ground truth: ``(file, line or None, what, malformed)``, None when there is no box file.

    ``what`` quotes the row: ``'0,0,0,0' marks the target absent`` (NaN too, and w or h <= 0
    on VTUAV, whose format says so: ``malformed`` False), ``the row '10,20,-5,30' has a
    negative width (-5)`` (a row the format has no absence for: ``malformed`` True), or, with
    no line, that the file has no row for the frame. Call it once the file has loaded (the
    rows are then one per line)."""
    import re

    folder = Path(folder)
    path = box_file(folder, layout)
    if path is None:
        return None
    text = read_text(path)
    written = text.splitlines()  # quoted in the reason, as the file has them
    lines = normalize_values(text).splitlines()  # read as the box readers read them (a quoted header, NA, ',,,')
    while lines and not lines[-1].strip():
        lines.pop()
    header = header_lines(lines)  # a line of column names is no frame's row
    corners = path.name in ("groundTruth_v.txt", "groundTruth_i.txt") or header_columns(lines, path) == "corners"
    lines, written = lines[header:], written[header:len(lines)]
    vtuav = layout == "vtuav" and path.name == "rgb.txt"  # a groundtruth.txt there has a row per frame
    every, first = (VTUAV_EVERY, vtuav_first_frame(folder)) if vtuav else (1, 0)
    index = (frame - first) // every
    if frame < first or (frame - first) % every or index >= len(lines):
        return path, None, f"{path} has {len(lines)} rows: the frame is unlabelled", False
    labels = _label_files_read(folder, layout, path)  # a label beside it may make a frame of a good row absent
    if labels is not None and (by_label := absent_by_label(folder, labels, index)) is not None:
        return (*by_label, False)
    text = written[index].strip()
    try:
        values = [float(v) for v in re.split(r"[,;\s]+", lines[index].strip().rstrip(",;")) if v][:8]
    except ValueError:
        values = []
    if len(values) == 8 and not vtuav:  # a polygon: no width to blame (its box is its bounding box)
        values = []
    if corners and len(values) == 4:
        values = values[:2] + [values[2] - values[0], values[3] - values[1]]  # x1 y1 x2 y2 -> x y w h
    absent = f"{text!r} marks the target absent"
    if len(values) < 4 or not all(math.isfinite(v) for v in values[:4]) or not any(values[:4]):
        return path, index + 1 + header, absent, False
    w, h = values[2], values[3]
    if vtuav and (w <= 0 or h <= 0):
        return path, index + 1 + header, absent, False
    problems = [f"a negative width ({w:g})" if w < 0 else "width 0" if w == 0 else "",
                f"a negative height ({h:g})" if h < 0 else "height 0" if h == 0 else ""]
    problem = " and ".join(p for p in problems if p) or "no box"
    return path, index + 1 + header, f"the row {text!r} has {problem}", True


def load_lasot(folder: str | Path) -> dict[int, FrameAnnotation]:
    """LaSOT-style folder: ``groundtruth.txt`` + ``full_occlusion.txt`` + ``out_of_view.txt``."""
    folder = Path(folder)
    rows = read_boxes(folder / "groundtruth.txt")
    return records_from_rows(rows, **lasot_flags(folder, len(rows)))
