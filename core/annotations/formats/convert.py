"""Converting annotation files between formats (no frames): the ``convert`` command's core.

Sources: a sequence folder of any layout, or a folder holding only its GT files
(``load_ground_truth``), or one text file of boxes (``--from xywh|corners|polygon|vtuav``
or a layout name). Targets (``TARGET_FORMATS``):

- ``lasher``: ``visible.txt``, ``infrared.txt``, ``init.txt`` (comma x,y,w,h, CRLF, 0,0,0,0 absent)
- ``rgbt234``: the same three files
- ``gtot``: ``groundTruth_v.txt``, ``groundTruth_i.txt`` (space x1 y1 x2 y2, width = x2 - x1), ``init.txt``
- ``got10k``: ``groundtruth.txt``, ``absence.label``, ``cover.label``
- ``lasot``: ``groundtruth.txt``, ``full_occlusion.txt``, ``out_of_view.txt``
- ``vot``: ``groundtruth.txt`` as 8-value polygons, ``occlusion.label`` (1 = occluded)
- ``xywh``: one ``<name>.txt`` with comma x,y,w,h
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.annotations.formats.corners import xywh_to_corners
from core.annotations.formats.groundtruth import GOT10K_LAYOUTS, RGBT_LAYOUTS, load_ground_truth
from core.annotations.formats.label_files import flags_beside
from core.annotations.formats.rows import (
    format_boxes,
    format_number,
    format_rows,
    got10k_cut_by_image,
    got10k_labels,
    lasot_labels,
    records_from_rows,
    rows_from_records,
    whole_pixel_rows,
)
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners
from core.annotations.formats.vtuav_init import VTUAV_EVERY, vtuav_first_frame
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError, SequenceError
from core.wording import plural

# File formats for a single box file, and dataset layouts for a sequence (or GT-only) folder.
FILE_FORMATS = ("xywh", "corners", "polygon", "vtuav")
LAYOUTS = ("gtot", "rgbt210", "rgbt234", "lasher", "vtuav", "vot-rgbt", "vot-tir", "got10k", "lasot")
#: --from names that stand for another: every --to name reads back under its own name (``vot`` writes
#: the VOT layout's groundtruth.txt)
SOURCE_ALIASES = {"vot": "vot-rgbt"}
SOURCE_FORMATS = ("auto", *FILE_FORMATS, *(name for name in LAYOUTS if name not in FILE_FORMATS), *SOURCE_ALIASES)
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


#: the ground-truth reader of each layout family (``load_ground_truth``'s branches) and the files
#: that are that family's own: another layout's folder without them was read through the
#: family's fallbacks (``convert LASHER_FOLDER --from gtot`` read LasHeR's init.txt as GTOT's)
_FAMILIES = {"gtot": ("gtot",), "rgbt": RGBT_LAYOUTS, "vtuav": ("vtuav",), "got10k": GOT10K_LAYOUTS}
_OWN_FILES = {"gtot": ("groundTruth_v.txt",), "rgbt": ("visible.txt", "init.txt"), "vtuav": ("rgb.txt",),
              "got10k": ("groundtruth.txt",)}


def _family(layout: str) -> str:
    return next((family for family, names in _FAMILIES.items() if layout in names), "other")


def check_named_layout(src: Path, layout: str) -> None:
    """AnnotationFormatError when the folder ``src``, given ``--from LAYOUT``, holds none of that
    layout's own ground-truth files and is, by its frames or its file names, a folder of another
    layout (read another way): ``convert LASHER_FOLDER --from gtot`` read LasHeR's init.txt as
    GTOT's ground truth without a word. A folder of the same family (LasHeR given as rgbt234),
    one holding the named layout's file, or one of no known layout is read as named."""
    family = _family(layout)
    if family == "other" or any((src / name).is_file() for name in _OWN_FILES[family]):
        return
    from core.sequences import detect_layout

    try:
        found = detect_layout(src)
    except SequenceError:
        found = guess_layout(src)
    if found is None or _family(found) == family:
        return
    guessed = guess_layout(src)
    if guessed is not None and _family(guessed) == family:
        return
    own = " or ".join(_OWN_FILES[family])
    raise AnnotationFormatError(src, f"is a {found} folder, not {layout} (no {own}): give --from {found}, or leave "
                                     "--from out to read it by its layout")


def _folder_layout(src: Path, source_format: str) -> str:
    if source_format in LAYOUTS:
        check_named_layout(src, source_format)
        return source_format
    if source_format != "auto":
        raise AnnotationFormatError(src, f"is a folder; --from must be 'auto' or a layout {LAYOUTS}")
    from core.sequences import detect_layout

    try:
        return detect_layout(src)
    except SequenceError:  # no frames beside the GT files: decide from the file names
        layout = guess_layout(src)
        if layout is None:
            raise AnnotationFormatError(src, "no ground-truth file found in the folder" + _sequences_hint(src)) from None
        return layout


def _sequences_hint(folder: Path) -> str:
    """``; it holds the sequence folders a, b: give one of them as SRC`` when ``folder`` is a
    dataset root (a GOT-10k or LaSOT export's folder, which the studio's export writes with
    ``list.txt`` and one folder per modality) whose sub-folders hold ground truth, else ``""``:
    convert of the export's folder said only 'no ground-truth file found'."""
    from core.annotations.formats.gt_files import ground_truth_files

    try:
        found = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                       and any(f.parent == p for f in ground_truth_files(p)))
    except OSError:
        return ""
    if not found:
        return ""
    shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return (f"; it holds the sequence folder{'s' if len(found) > 1 else ''} {shown} (a dataset's root, as a GOT-10k or "
            f"LaSOT export writes it): give {'one of them' if len(found) > 1 else 'it'} as SRC")


#: a box file's name that says its format, as the studio's import reads it (``box_import``): GTOT's
#: corner files and VTUAV's files of one row per 10 frames; words for the note that says so
NAMED_FILE_FORMATS = {"groundTruth_v.txt": "corners", "groundTruth_i.txt": "corners",
                      "rgb.txt": "vtuav", "ir.txt": "vtuav"}
NAMED_FORMAT_WORDS = {"corners": "GTOT corners x1 y1 x2 y2", "vtuav": "VTUAV rows, one per 10 frames"}


def named_file_format(src: str | Path, source_format: str = "auto") -> str | None:
    """The format a box file ``src`` given with ``--from auto`` is read in by its name
    (:data:`NAMED_FILE_FORMATS`), or None. ``convert groundTruth_v.txt out.txt --to xywh`` read
    GTOT's corners as x,y,w,h (widths of 157 for a 21 px target), without a word."""
    src = Path(src)
    if source_format != "auto" or src.is_dir():
        return None
    return NAMED_FILE_FORMATS.get(src.name)


def read_source(src: str | Path, source_format: str = "auto") -> tuple[dict[int, FrameAnnotation], int]:
    """Records and frame count (last frame + 1) from a sequence folder or one box file.

    A folder: ``source_format`` "auto" (detected from the frames, else from the GT file
    names) or a layout name (``LAYOUTS``). A file: "auto"/"xywh"/"polygon" (4- or
    8-value rows; corners under a header naming them, except with "xywh", which refuses such
    a header), "corners"/"gtot" (``x1 y1 x2 y2``; a header naming x,y,w,h is refused), "vtuav"
    (one row per 10 frames from the frame ``init_frame.npy`` beside it or up to two folders above
    names, as for the sequence folder),
    or any other layout name (read as x, y, w, h rows; a ``groundtruth.txt`` takes the absent and
    occluded flags of GOT-10k's, LaSOT's or VOT's label files beside it,
    ``core.annotations.formats.label_files.flags_beside``). "vot" is "vot-rgbt" (``SOURCE_ALIASES``).
    """
    src = Path(src)
    if source_format not in SOURCE_FORMATS:
        raise AnnotationFormatError(src, f"unknown source format {source_format!r}; choose from {SOURCE_FORMATS}")
    source_format = SOURCE_ALIASES.get(source_format, source_format)
    if not src.exists():
        raise AnnotationFormatError(src, "not found")
    source_format = named_file_format(src, source_format) or source_format
    if src.is_dir():
        records = load_ground_truth(src, _folder_layout(src, source_format))
        if records is None:
            raise AnnotationFormatError(src, "no ground-truth file found in the sequence folder")
    elif source_format in ("corners", "gtot"):
        records = records_from_rows(read_corners(src, f"a file given as --from {source_format}"))
    elif source_format == "vtuav":  # from init_frame.npy's frame, as the sequence folder is read
        visible, thermal = read_box_pairs(src)
        records = records_from_rows(visible, thermal, every=VTUAV_EVERY, first_frame=vtuav_first_frame(src.parent))
    else:  # a header naming corners is read so, but not under --from xywh, which says otherwise
        expect, why = ("xywh", "a file given as --from xywh") if source_format == "xywh" else (None, "the file")
        rows = read_boxes(src, expect=expect, why=why)
        # a groundtruth.txt with GOT-10k's, LaSOT's or VOT's label files beside it: their absent and
        # occluded flags, as its folder is read (given alone, a GOT-10k export's full occlusions came out
        # as plain absent rows and its partly occluded boxes plain)
        found = flags_beside(src, len(rows))
        records = records_from_rows(rows, **(found[0] if found is not None else {}))
    count = max(records) + 1 if records else 0
    return records, count


#: targets that hold a thermal box beside the visible one on each frame
TWO_BOX_TARGETS = ("lasher", "rgbt234", "gtot")


#: what ``convert`` says a user can do about it
CONVERT_ADVICE = ("convert the thermal file alone, e.g. infrared.txt, for the thermal boxes; --to lasher, rgbt234 or "
                  "gtot keep both")


def thermal_dropped(records: Mapping[int, FrameAnnotation], target: str, *,
                    keeps_thermal: tuple[str, ...] = TWO_BOX_TARGETS, subject: str = "thermal ground truth",
                    advice: str = CONVERT_ADVICE) -> str | None:
    """The note for a target that holds one box per frame (got10k, lasot, vot, xywh) when the
    source's thermal boxes differ from its visible ones (RGBT234's ``infrared.txt``, GTOT's
    ``groundTruth_i.txt``, VTUAV's ``ir.txt``): only the visible boxes are written, and the
    thermal ones were left out without a word. None when nothing is left out.
    ``keeps_thermal``: the targets that write the thermal boxes too; ``subject`` names the
    boxes and ``advice`` (in parentheses at the end) what to do instead."""
    if target in keeps_thermal:
        return None
    frames = sorted(f for f, r in records.items() if not r.absent and r.thermal_box is not None)
    if not frames:
        return None
    shown = ", ".join(str(f + 1) for f in frames[:10]) + (" ..." if len(frames) > 10 else "")
    return (f"the {subject} differs from the visible one on {plural(len(frames), 'frame')} ({shown}); "
            f"{target} holds one box per frame: only the visible boxes are written ({advice})")


def _polygon_text(rows: np.ndarray) -> str:
    lines = []
    for x, y, x2, y2 in xywh_to_corners(rows):  # decimal sums: 229.48 + 16.04 is written 245.52
        points = (x, y, x2, y, x2, y2, x, y2)
        lines.append(",".join(format_number(v) for v in points))
    return "\n".join(lines) + "\n"


def vot_occlusion_label(records: Mapping[int, FrameAnnotation], count: int) -> str:
    """VOT's ``occlusion.label`` text: ``1`` on each of the ``count`` frames whose record is
    occluded (a partly occluded box, or, with its ``0,...`` row, a full occlusion), else ``0``."""
    return "".join("1\n" if (r := records.get(f)) is not None and r.occluded else "0\n" for f in range(count))


def target_files(records: Mapping[int, FrameAnnotation], count: int, target: str,
                 name: str = "sequence", image_size: tuple[int, int] | None = None) -> dict[str, tuple[str, str]]:
    """The files of ``target`` format: relative name -> (text, line end).

    ``image_size`` (width, height) of the frames, when known, adds GOT-10k's
    ``cut_by_image.label`` (the got10k toolkit reads it with its other labels)."""
    visible = rows_from_records(records, count)
    thermal = rows_from_records(records, count, thermal=True)
    if target in ("lasher", "rgbt234"):
        visible_text = format_boxes(visible, target)
        return {"visible.txt": (visible_text, "\r\n"), "infrared.txt": (format_boxes(thermal, target), "\r\n"),
                "init.txt": (visible_text, "\r\n")}
    if target == "gtot":  # whole pixels: corners of the rounded boxes, so init.txt's w = x2 - x1 holds
        visible, thermal = whole_pixel_rows(visible), whole_pixel_rows(thermal)
        return {"groundTruth_v.txt": (format_rows(xywh_to_corners(visible), " "), "\n"),
                "groundTruth_i.txt": (format_rows(xywh_to_corners(thermal), " "), "\n"),
                "init.txt": (format_rows(visible, "\t"), "\r\n")}
    if target == "got10k":
        absence, cover = got10k_labels(records, count)
        files = {"groundtruth.txt": (format_boxes(visible, target), "\n"), "absence.label": (absence, "\n"),
                 "cover.label": (cover, "\n")}
        if image_size is not None:
            files["cut_by_image.label"] = (got10k_cut_by_image(records, count, *image_size), "\n")
        return files
    if target == "lasot":
        occlusion, out_of_view = lasot_labels(records, count)
        return {"groundtruth.txt": (format_boxes(visible, target), "\n"), "full_occlusion.txt": (occlusion, "\n"),
                "out_of_view.txt": (out_of_view, "\n")}
    if target == "vot":  # occlusion.label as VOT-TIR2016's (the VOT toolkit reads .label and .tag files)
        return {"groundtruth.txt": (_polygon_text(visible), "\n"), "occlusion.label": (vot_occlusion_label(records, count), "\n")}
    if target == "xywh":
        return {f"{name}.txt": (format_boxes(visible, target), "\n")}
    raise ValueError(f"unknown target format {target!r}; choose from {TARGET_FORMATS}")


def target_paths(dst: str | Path, target: str, files) -> list[Path]:
    """Where ``files`` (names from :func:`target_files`) go: ``dst/<name>``, or ``dst``
    itself for ``xywh``."""
    dst = Path(dst)
    return [dst if target == "xywh" else dst / relative for relative in files]


def write_target(records: Mapping[int, FrameAnnotation], count: int, dst: str | Path, target: str,
                 name: str = "sequence", *, protected=(), force: bool = True,
                 image_size: tuple[int, int] | None = None) -> list[Path]:
    """Write ``records`` in ``target`` format under ``dst`` (a folder; a file for ``xywh``).

    Every output is checked before the first is written (``core.fileio.check_output``:
    never a path of ``protected``, an existing file only with ``force``). The files are one
    set, replaced together: each is written to a temporary file beside its place, and only
    when all are written do they replace the earlier ones (a disk full at the second file
    replaced visible.txt and left an earlier conversion's infrared.txt beside it, saying
    'nothing was changed'); should a replacement itself fail, the files this call created are
    removed.
    """
    from core.fileio import atomic_path, check_output

    files = target_files(records, count, target, name, image_size)
    paths = target_paths(dst, target, files)
    if target != "xywh":
        check_output(dst, protected=protected, folder=True, option="DST")
    for path in paths:
        check_output(path, protected=protected, force=force, option="DST" if target == "xywh" else "the output")
    written: list[Path] = []
    new = [p for p in paths if not p.exists()]
    try:
        with contextlib.ExitStack() as replace_all:  # on leaving: every temporary replaces its file
            for path, (text, newline) in zip(paths, files.values(), strict=True):
                tmp = replace_all.enter_context(atomic_path(path))
                with open(tmp, "w", encoding="utf-8", newline=newline) as handle:
                    handle.write(text)
                written.append(path)
    except BaseException:
        for path in written:
            if path in new:
                path.unlink(missing_ok=True)
        raise
    return written
