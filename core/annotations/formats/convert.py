"""Converting annotation files between formats (no frames): the ``convert`` command's core.

Sources: a sequence folder of any layout, or a folder holding only its GT files
(``load_ground_truth``), or one text file of boxes (``--from xywh|corners|polygon|vtuav``
or a layout name). Targets (``TARGET_FORMATS``):

- ``lasher``: ``visible.txt``, ``infrared.txt``, ``init.txt`` (comma x,y,w,h, CRLF, 0,0,0,0 absent)
- ``rgbt234``: the same three files
- ``gtot``: ``groundTruth_v.txt``, ``groundTruth_i.txt`` (space x1 y1 x2 y2, width = x2 - x1), ``init.txt``
- ``got10k``: ``groundtruth.txt``, ``absence.label``, ``cover.label``
- ``lasot``: ``groundtruth.txt``, ``full_occlusion.txt``, ``out_of_view.txt``
- ``vot``: ``groundtruth.txt`` as 8-value polygons
- ``xywh``: one ``<name>.txt`` with comma x,y,w,h
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.annotations.formats.groundtruth import VTUAV_EVERY, load_ground_truth
from core.annotations.formats.rows import (
    format_number,
    format_rows,
    got10k_labels,
    lasot_labels,
    records_from_rows,
    rows_from_records,
)
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners, xywh_to_corners
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError, SequenceError
from core.fileio import write_text_atomic

# File formats for a single box file, and dataset layouts for a sequence (or GT-only) folder.
FILE_FORMATS = ("xywh", "corners", "polygon", "vtuav")
LAYOUTS = ("gtot", "rgbt210", "rgbt234", "lasher", "vtuav", "vot-rgbt", "vot-tir", "got10k", "lasot")
SOURCE_FORMATS = ("auto", *FILE_FORMATS, *(name for name in LAYOUTS if name not in FILE_FORMATS))
TARGET_FORMATS = ("lasher", "rgbt234", "gtot", "got10k", "lasot", "vot", "xywh")


def guess_layout(folder: Path) -> str | None:
    """The layout of a folder holding ground-truth files only (no frames), from file names."""
    def has(name: str) -> bool:
        return (folder / name).is_file()

    if has("groundTruth_v.txt"):
        return "gtot"
    if has("visible.txt") or has("infrared.txt"):
        return "rgbt234"
    if has("rgb.txt"):
        return "vtuav"
    if has("groundtruth.txt") and has("full_occlusion.txt"):
        return "lasot"
    if has("groundtruth.txt") and (has("absence.label") or has("cover.label")):
        return "got10k"
    if has("groundtruth.txt"):
        return "vot-rgbt"
    if has("init.txt"):
        return "rgbt210"
    return None


def _folder_layout(src: Path, source_format: str) -> str:
    if source_format in LAYOUTS:
        return source_format
    if source_format != "auto":
        raise AnnotationFormatError(src, f"is a folder; --from must be 'auto' or a layout {LAYOUTS}")
    from core.sequences import detect_layout

    try:
        return detect_layout(src)
    except SequenceError:  # no frames beside the GT files: decide from the file names
        layout = guess_layout(src)
        if layout is None:
            raise AnnotationFormatError(src, "no ground-truth file found in the folder") from None
        return layout


def read_source(src: str | Path, source_format: str = "auto") -> tuple[dict[int, FrameAnnotation], int]:
    """Records and frame count (last frame + 1) from a sequence folder or one box file.

    A folder: ``source_format`` "auto" (detected from the frames, else from the GT file
    names) or a layout name (``LAYOUTS``). A file: "auto"/"xywh"/"polygon" (4- or
    8-value rows), "corners"/"gtot" (``x1 y1 x2 y2``), "vtuav" (one row per 10 frames),
    or any other layout name (read as x, y, w, h rows).
    """
    src = Path(src)
    if source_format not in SOURCE_FORMATS:
        raise AnnotationFormatError(src, f"unknown source format {source_format!r}; choose from {SOURCE_FORMATS}")
    if not src.exists():
        raise AnnotationFormatError(src, "not found")
    if src.is_dir():
        records = load_ground_truth(src, _folder_layout(src, source_format))
        if records is None:
            raise AnnotationFormatError(src, "no ground-truth file found in the sequence folder")
    elif source_format in ("corners", "gtot"):
        records = records_from_rows(read_corners(src))
    elif source_format == "vtuav":
        visible, thermal = read_box_pairs(src)
        records = records_from_rows(visible, thermal, every=VTUAV_EVERY)
    else:
        records = records_from_rows(read_boxes(src))
    count = max(records) + 1 if records else 0
    return records, count


def _polygon_text(rows: np.ndarray) -> str:
    lines = []
    for x, y, w, h in rows:
        points = (x, y, x + w, y, x + w, y + h, x, y + h)
        lines.append(",".join(format_number(v) for v in points))
    return "\n".join(lines) + "\n"


def write_target(records: Mapping[int, FrameAnnotation], count: int, dst: str | Path, target: str,
                 name: str = "sequence") -> list[Path]:
    """Write ``records`` in ``target`` format under ``dst`` (a folder; a file for ``xywh``)."""
    dst = Path(dst)
    visible = rows_from_records(records, count)
    thermal = rows_from_records(records, count, thermal=True)
    written: list[Path] = []

    def put(relative: str, text: str, newline: str = "\n") -> None:
        path = dst / relative if target != "xywh" else dst
        write_text_atomic(path, text, newline=newline)
        written.append(path)

    if target in ("lasher", "rgbt234"):
        put("visible.txt", format_rows(visible), "\r\n")
        put("infrared.txt", format_rows(thermal), "\r\n")
        put("init.txt", format_rows(visible), "\r\n")
    elif target == "gtot":
        put("groundTruth_v.txt", format_rows(xywh_to_corners(visible), " "))
        put("groundTruth_i.txt", format_rows(xywh_to_corners(thermal), " "))
        put("init.txt", format_rows(visible, "\t"), "\r\n")
    elif target == "got10k":
        put("groundtruth.txt", format_rows(visible))
        absence, cover = got10k_labels(records, count)
        put("absence.label", absence)
        put("cover.label", cover)
    elif target == "lasot":
        put("groundtruth.txt", format_rows(visible))
        occlusion, out_of_view = lasot_labels(records, count)
        put("full_occlusion.txt", occlusion)
        put("out_of_view.txt", out_of_view)
    elif target == "vot":
        put("groundtruth.txt", _polygon_text(visible))
    elif target == "xywh":
        put(f"{name}.txt", format_rows(visible))
    else:
        raise ValueError(f"unknown target format {target!r}; choose from {TARGET_FORMATS}")
    return written
