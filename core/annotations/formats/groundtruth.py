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

All boxes come back on the visible grid as ``x, y, w, h`` with provenance ``imported``.
"""
from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np

from core.annotations.formats.header import header_columns, header_lines
from core.annotations.formats.rows import records_from_rows, rows_absent
from core.annotations.formats.text import (
    first_box_line,
    normalize_values,
    read_box_pairs,
    read_boxes,
    read_corners,
    read_text,
)
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError

VTUAV_EVERY = 10
VTUAV_INIT_FILE = "init_frame.npy"

# What a VTUAV ``init_frame.npy`` (a pickled {sequence name: first frame} dict) may contain.
_SAFE_GLOBALS = {
    (module, name)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("_reconstruct", "scalar")
} | {("numpy", "ndarray"), ("numpy", "dtype")}


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles numpy containers of plain values only: never runs code from the file."""

    def find_class(self, module: str, name: str):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in {VTUAV_INIT_FILE}")


def read_vtuav_init_frames(path: str | Path) -> dict[str, int]:
    """VTUAV ``init_frame.npy`` -> {sequence name: index of its first annotated frame}.

    Read without ``allow_pickle`` (a restricted unpickler: only numpy arrays, scalars and
    plain values); anything else raises AnnotationFormatError naming the file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            _, _, dtype = reader(handle)
            if not dtype.hasobject:
                raise AnnotationFormatError(path, "expected a pickled {sequence: first frame} dict")
            value = _SafeUnpickler(handle).load()
        mapping = value.item() if isinstance(value, np.ndarray) else value
        if not isinstance(mapping, dict):
            raise AnnotationFormatError(path, f"expected a dict, found {type(mapping).__name__}")
        return {str(k): int(v) for k, v in mapping.items()}
    except AnnotationFormatError:
        raise
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
        raise AnnotationFormatError(path, f"not a readable VTUAV init-frame file ({error})") from None


def vtuav_first_frame(folder: Path) -> int:
    """First annotated frame of the VTUAV sequence in ``folder``: from ``init_frame.npy`` in
    the folder or up to two levels above (``<root>/test_ST/<seq>``), else 0."""
    for place in (folder, folder.parent, folder.parent.parent):
        candidate = place / VTUAV_INIT_FILE
        if candidate.is_file():
            return read_vtuav_init_frames(candidate).get(folder.name, 0)
    return 0


def read_flags(path: Path, count: int | None = None) -> np.ndarray:
    """A label file of integers (one per line, or comma separated on one line) -> (N,) int.

    A value that is not a whole number (``x``, ``1.5``, ``inf``, ``nan``) or an empty
    value between commas raises AnnotationFormatError naming the file and the line.
    """
    text = read_text(path)
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split(",")
        for position, field in enumerate(fields):
            tokens = field.split()
            if not tokens and position < len(fields) - 1:
                raise AnnotationFormatError(path, f"empty value between commas in {line.strip()!r}", line=number)
            for token in tokens:
                try:
                    value = float(token)
                except ValueError:
                    value = math.nan
                if not (math.isfinite(value) and value.is_integer()):
                    raise AnnotationFormatError(path, f"expected whole numbers, found {token!r}", line=number)
                values.append(int(value))
    values = np.array(values, dtype=np.int64)
    if count is not None and len(values) != count:
        raise AnnotationFormatError(path, f"has {len(values)} values but the ground truth has {count} rows")
    return values


def got10k_flags(absence: np.ndarray | None, cover: np.ndarray | None) -> dict[str, np.ndarray | None]:
    """``absent_frames`` / ``occluded_frames`` for :func:`records_from_rows` from GOT-10k's
    ``absence.label`` (1 = absent) and ``cover.label`` (visible fraction 0..8; 0 = 0 %).

    Cover 0 on a frame not marked absent is a full occlusion (absent and occluded, as
    LaSOT's ``full_occlusion.txt``); cover 1..4 (at most 60 % visible) is occluded; an
    absent frame (out of view) is not occluded. pytracking counts a frame as visible only
    when ``absence == 0 and cover > 0``.
    """
    if cover is None:
        return {"absent_frames": None if absence is None else absence > 0, "occluded_frames": None}
    gone = np.zeros(len(cover), bool) if absence is None else absence > 0
    return {"absent_frames": gone | (cover <= 0), "occluded_frames": ~gone & (cover < 5)}


#: the label files beside a ``groundtruth.txt`` that hold its frames' absent and occluded flags
GOT10K_LABELS = ("absence.label", "cover.label")
LASOT_LABELS = ("full_occlusion.txt", "out_of_view.txt")


#: VOT's per-frame occlusion flags beside its groundtruth.txt (1 = occluded): ``.label`` in VOT up to 2016
#: (VOT-TIR2016's horse), ``.tag`` since; the VOT toolkit reads both
VOT_OCCLUSION_FILES = ("occlusion.label", "occlusion.tag")


def vot_occlusion(box_file: str | Path, count: int) -> np.ndarray | None:
    """(count,) bool: the occluded frames VOT's ``occlusion.label`` (or ``.tag``) beside
    ``box_file`` gives its ``count`` rows, or None when there is none, or it holds another count
    of whole numbers (a tag file is no reason to refuse the sequence's boxes): VOT-TIR2016's horse
    opened with none of its 23 occluded frames marked."""
    folder = Path(box_file).parent
    for name in VOT_OCCLUSION_FILES:
        if (folder / name).is_file():
            try:
                return read_flags(folder / name, count) > 0
            except AnnotationFormatError:
                return None
    return None


def flags_beside(box_file: str | Path, count: int) -> tuple[dict[str, np.ndarray | None], tuple[str, ...]] | None:
    """The absent / occluded flags of the ``count`` rows of ``box_file`` (a ``groundtruth.txt``)
    from the label files beside it, as :func:`load_ground_truth` reads its folder: GOT-10k's
    ``absence.label`` / ``cover.label`` (:func:`got10k_flags`), else LaSOT's
    ``full_occlusion.txt`` + ``out_of_view.txt``, else VOT's ``occlusion.label`` / ``.tag``
    (:data:`VOT_OCCLUSION_FILES`). Returns ``(records_from_rows keyword arguments, names of the
    files read)``, or None when the file has another name or no such files lie beside it. A
    GOT-10k or LaSOT label file of another count raises AnnotationFormatError naming it (as
    opening the folder does); a VOT one is left aside (:func:`vot_occlusion`)."""
    box_file = Path(box_file)
    if box_file.name != "groundtruth.txt":
        return None
    folder = box_file.parent
    got10k = [name for name in GOT10K_LABELS if (folder / name).is_file()]
    if got10k:
        absence, cover = (read_flags(folder / name, count) if name in got10k else None for name in GOT10K_LABELS)
        return got10k_flags(absence, cover), tuple(got10k)
    if all((folder / name).is_file() for name in LASOT_LABELS):
        occlusion, out_of_view = (read_flags(folder / name, count) for name in LASOT_LABELS)
        return {"absent_frames": (occlusion > 0) | (out_of_view > 0), "occluded_frames": occlusion > 0}, LASOT_LABELS
    vot = next((name for name in VOT_OCCLUSION_FILES if (folder / name).is_file()), None)
    occluded = vot_occlusion(box_file, count) if vot is not None else None  # left aside as the folder's reader does
    return ({"occluded_frames": occluded}, (vot,)) if occluded is not None else None


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
    if layout == "gtot":
        vis = folder / "groundTruth_v.txt"
        if not vis.is_file():  # init.txt (x y w h), else a user's groundtruth.txt beside v/ + i/
            init = _first_existing(folder, ("init.txt", "groundtruth.txt"))
            return records_from_rows(files.rows(init)) if init is not None else None
        ir = folder / "groundTruth_i.txt"
        visible = files.rows(vis, corners=True)
        return records_from_rows(visible, _paired_rows(ir, files.rows(ir, corners=True), vis, visible) if ir.is_file() else None)
    if layout in ("rgbt234", "lasher", "rgbt210"):
        vis = _first_existing(folder, ("visible.txt", "init.txt", "groundtruth.txt"))
        if vis is None:
            return None
        ir = folder / "infrared.txt"
        visible = files.rows(vis)
        thermal = _paired_rows(ir, files.rows(ir), vis, visible) if ir.is_file() and vis.name == "visible.txt" else None
        return records_from_rows(visible, thermal)
    if layout == "vtuav":
        vis = _first_existing(folder, ("rgb.txt", "groundtruth.txt"))
        if vis is None:
            return None
        if vis.name == "groundtruth.txt":  # a user's per-frame file beside rgb/ + ir/, not VTUAV's rgb.txt
            return records_from_rows(files.rows(vis))
        visible, thermal = read_box_pairs(vis)  # some rgb.txt hold both boxes on each row
        ir = folder / "ir.txt"
        if ir.is_file():  # row for row with rgb.txt: fewer rows left the rest "same as visible" without a word
            thermal = _paired_rows(ir, files.rows(ir), vis, visible)
        return records_from_rows(visible, thermal, every=VTUAV_EVERY, first_frame=vtuav_first_frame(folder))
    if layout in ("got10k", "got10k-tir", "got10k-visible"):
        gt = folder / "groundtruth.txt"
        if not gt.is_file():
            return None
        rows = files.rows(gt)
        absence = read_flags(folder / "absence.label", len(rows)) if (folder / "absence.label").is_file() else None
        cover = read_flags(folder / "cover.label", len(rows)) if (folder / "cover.label").is_file() else None
        return records_from_rows(rows, **got10k_flags(absence, cover))
    if (folder / "full_occlusion.txt").is_file() and (folder / "groundtruth.txt").is_file():
        return load_lasot(folder)
    gt = _first_existing(folder, ("groundtruth.txt", "groundtruth_rect.txt", "init.txt"))
    if gt is None:
        for sub in ("color", "ir", "visible"):
            gt = _first_existing(folder / sub, ("groundtruth.txt",))
            if gt is not None:
                break
    if gt is None:
        return None
    visible = files.rows(gt)
    ir = gt.parent / "groundtruth_thermal.txt"  # synth --layout video: the thermal boxes beside the visible ones
    thermal = _paired_rows(ir, files.rows(ir), gt, visible) if gt.name == "groundtruth.txt" and ir.is_file() else None
    occluded = vot_occlusion(gt, len(visible)) if gt.name == "groundtruth.txt" else None
    return records_from_rows(visible, thermal, occluded_frames=occluded)


def box_file(folder: str | Path, layout: str) -> Path | None:
    """The file :func:`load_ground_truth` reads the (visible) box rows of ``folder`` from for
    ``layout``, or None when there is none."""
    folder = Path(folder)
    if layout == "gtot":
        return _first_existing(folder, ("groundTruth_v.txt", "init.txt", "groundtruth.txt"))
    if layout in ("rgbt234", "lasher", "rgbt210"):
        return _first_existing(folder, ("visible.txt", "init.txt", "groundtruth.txt"))
    if layout == "vtuav":
        return _first_existing(folder, ("rgb.txt", "groundtruth.txt"))
    if layout in ("got10k", "got10k-tir", "got10k-visible"):
        return _first_existing(folder, ("groundtruth.txt",))
    gt = _first_existing(folder, ("groundtruth.txt", "groundtruth_rect.txt", "init.txt"))
    for sub in ("color", "ir", "visible"):
        if gt is None:
            gt = _first_existing(folder / sub, ("groundtruth.txt",))
    return gt


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
    occlusion = read_flags(folder / "full_occlusion.txt", len(rows))
    out_of_view = read_flags(folder / "out_of_view.txt", len(rows))
    return records_from_rows(rows, absent_frames=(occlusion > 0) | (out_of_view > 0), occluded_frames=occlusion > 0)


# Every file name a ground-truth loader above (or a dataset's metadata) may read.
GT_FILE_NAMES = (
    "groundTruth_v.txt", "groundTruth_i.txt", "visible.txt", "infrared.txt", "init.txt", "rgb.txt", "ir.txt",
    "groundtruth.txt", "groundtruth_rect.txt", "groundtruth_thermal.txt", "absence.label", "cover.label",
    "cut_by_image.label",
    "full_occlusion.txt", "out_of_view.txt", "meta_info.ini", "synthetic.json", "SOURCE.txt", VTUAV_INIT_FILE,
    *VOT_OCCLUSION_FILES,
)


def ground_truth_files(folder: str | Path) -> list[Path]:
    """The ground-truth (and dataset metadata) files present in ``folder`` and in its
    modality sub-folders (``color/``, ``ir/``, ``visible/`` ...)."""
    folder = Path(folder)
    found = []
    for base in (folder, *(folder / sub for sub in ("color", "ir", "visible", "infrared", "v", "i", "rgb"))):
        if base.is_dir():
            found += [base / name for name in GT_FILE_NAMES if (base / name).is_file()]
    return found


def protected_inputs(info, store: str | Path | None = None) -> list[tuple[Path, str]]:
    """``(path, what)`` pairs an output must never overwrite, for a sequence's ``info``
    (``SequenceInfo``): its frame sources, the ground truth beside them, the annotation
    store (``store``, else the default one). For ``core.fileio.check_output``."""
    from core.annotations.store import default_store_path

    out: list[tuple[Path, str]] = []
    folders = []
    for source, what in ((info.visible_source, "the visible frames"), (info.thermal_source, "the thermal frames")):
        if source is None:
            continue
        source = Path(source)
        out.append((source, f"{what} of the sequence"))
        folders.append(source if source.is_dir() else source.parent)
        if source.is_dir():
            folders.append(source.parent)
    for folder in dict.fromkeys(folders):
        out += [(path, "the sequence's ground truth") for path in ground_truth_files(folder)]
    out.append((Path(store) if store is not None else default_store_path(info), "the annotation store"))
    return out


#: the files of :data:`GT_FILE_NAMES` that hold box rows
BOX_FILE_NAMES = ("groundTruth_v.txt", "groundTruth_i.txt", "visible.txt", "infrared.txt", "init.txt", "rgb.txt",
                  "ir.txt", "groundtruth.txt", "groundtruth_rect.txt", "groundtruth_thermal.txt")


def blank_box_files(info) -> list[Path]:
    """The ground-truth box files (:data:`BOX_FILE_NAMES`) beside a sequence's frames (``info``:
    its ``SequenceInfo``) that are empty or hold only blank lines: what to name when the
    sequence's ground truth has no box at all."""
    folders = []
    for source in (info.visible_source, info.thermal_source):
        if source is None:
            continue
        source = Path(source)
        folders.append(source if source.is_dir() else source.parent)
        if source.is_dir():
            folders.append(source.parent)
    blank = []
    for folder in dict.fromkeys(folders):
        for path in ground_truth_files(folder):
            if path.name not in BOX_FILE_NAMES or path in blank:
                continue
            try:
                if not path.read_bytes().strip():
                    blank.append(path)
            except OSError:
                continue
    return blank


def protected_sources(*paths: str | Path | None) -> list[tuple[Path, str]]:
    """``(path, what)`` pairs for a command's input paths, before they are opened: a file
    (a video, a checkpoint) itself and the ground truth beside it; a folder given as a
    pair's stream (two paths) itself and the ground truth in it and beside it; a single
    sequence folder only its ground truth (new files may go into it, never over it)."""
    given = [Path(p) for p in paths if p is not None]
    pair = len({p.resolve() for p in given}) > 1
    out: list[tuple[Path, str]] = []
    for path in given:
        if path.is_dir():
            if pair:
                out.append((path, "an input of this command"))
                out += [(p, "the sequence's ground truth") for p in ground_truth_files(path.parent)]
            out += [(p, "the sequence's ground truth") for p in ground_truth_files(path)]
        else:
            out.append((path, "an input of this command"))
            out += [(p, "the sequence's ground truth") for p in ground_truth_files(path.parent)]
    return out
