"""Raw readers: GT and result files as numpy, exactly as the toolkits read them.

Independent of ``core.annotations``' row meanings on purpose: ``0,0,0,0`` rows, NaN rows and
GTOT corners are kept as they are in the file, because the metrics' rules depend on them (only
the file's text is decoded by the same ``read_text``: UTF-8 or UTF-16 with its BOM).
All arrays are ``(N, 4)`` float64 ``x, y, w, h`` unless stated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.annotations.formats.corners import swapped_corner
from core.annotations.formats.decoding import read_text
from core.annotations.formats.groundtruth import refuse_mixed_layouts
from core.annotations.formats.header import convention_problem, header_columns, header_lines
from core.annotations.formats.separators import normalize_values, separator_problem
from core.annotations.formats.text import first_box_line, header_to_xywh
from core.errors import AnnotationFormatError, ConfigError
from core.geometry import polygon_to_xywh
from core.metrics.toolkit_geometry import corners_to_gtot_xywh, matlab_round

_SPLIT = re.compile(r"[,\s;]+")


def read_box_rows(path: str | Path, *, allow_nan: bool = True, eight: str = "polygon",
                  corners: bool = False) -> np.ndarray:
    """Rows of 4 numbers (or 8-value rows) -> ``(N, 4)`` float64.

    eight: what an 8-value row is: ``"polygon"`` (VOT: its bounding box), ``"corners"`` (the
    RGBT234 / VTUAV toolkits' ``corner2rect.m``: ``round([p1, p2, p3 - p1, p6 - p2])``, MATLAB
    rounding), ``"visible"`` / ``"thermal"`` (VTUAV: a visible box then a thermal box; the chosen half).

    UTF-8 or UTF-16 text (``core.annotations.formats.decoding.read_text``). Commas, spaces, tabs
    (any mix), CRLF, blank lines (skipped only at the end or as
    trailing lines), a separator at the end of a row and a first line of column names
    (``header_lines``: ``x,y,w,h``) are tolerated; ``NaN`` tokens are
    kept when ``allow_nan``. A row of another length, a non-number, an empty value
    between separators or a line of decimal commas (``separator_problem``) raises AnnotationFormatError with the 1-based line.
    """
    path = Path(path)
    lines = normalize_values(read_text(path)).splitlines()  # pandas' ',,,', R's NA and quotes, as core.annotations
    while lines and not lines[-1].strip():
        lines.pop()
    rows = []
    skip = header_lines(lines)
    columns = header_columns(lines, path) if skip else None  # a header naming the columns decides, as in core.annotations
    convention_problem(path, columns, "corners" if corners else None, f"GTOT's {path.name}")
    for number, line in enumerate(lines[skip:], start=skip + 1):
        if (problem := separator_problem(line)) is not None:
            raise AnnotationFormatError(path, problem, line=number)
        tokens = [t for t in _SPLIT.split(line.strip()) if t]
        if not tokens:
            raise AnnotationFormatError(path, "blank line inside the box rows", line=number)
        try:
            values = [float(t) for t in tokens]
        except ValueError:
            raise AnnotationFormatError(path, f"not a number in {line.strip()!r}", line=number) from None
        if not allow_nan and any(np.isnan(values)):
            raise AnnotationFormatError(path, "NaN in a ground-truth row", line=number)
        if len(values) == 8:
            if eight == "polygon":
                values = list(polygon_to_xywh(values))
            elif eight == "corners":
                values = list(matlab_round([values[0], values[1], values[2] - values[0], values[5] - values[1]]))
            else:
                values = values[:4] if eight == "visible" else values[4:]
        elif len(values) != 4:
            raise AnnotationFormatError(path, f"expected 4 or 8 values per row, got {len(values)}", line=number)
        rows.append(values)
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    if columns in ("corners", "centre") and not corners:  # converted as core.annotations converts them
        return header_to_xywh(path, columns, rows, lines[skip:], skip + 1)
    return rows


def read_gtot_corners(path: str | Path) -> np.ndarray:
    """GTOT ``groundTruth_v.txt`` / ``_i.txt`` (``x1 y1 x2 y2``) -> xywh with ``w = x2 - x1``.

    A row whose bottom-right corner lies left of or above its top-left one (x2 < x1 or
    y2 < y1) raises AnnotationFormatError with its line: GTOT marks no absent target, so it is
    a typo or swapped corners, which scored as a box of negative width without a word (the
    annotation reader, ``core.annotations.formats.text.read_corners``, refuses it the same way).
    """
    corners = read_box_rows(path, corners=True)
    if (found := swapped_corner(corners)) is not None:
        k, what = found
        raise AnnotationFormatError(Path(path), f"{what}: GTOT rows are x1 y1 x2 y2, the top-left corner then "
                                                "the bottom-right one", line=k + first_box_line(path))
    return corners_to_gtot_xywh(corners)


@dataclass(frozen=True)
class SequenceGT:
    """GT of one sequence: ``visible`` ``(N,4)``, ``infrared`` ``(N,4)`` or None, files read."""

    name: str
    visible: np.ndarray
    infrared: np.ndarray | None
    files: tuple[Path, ...]


# per protocol: candidate (visible, infrared, corners) file pairs inside a sequence folder
_GT_FILES: dict[str, tuple[tuple[str, str | None, bool], ...]] = {
    "lasher": (("visible.txt", None, False), ("init.txt", None, False), ("groundtruth.txt", None, False)),
    "rgbt234": (("visible.txt", "infrared.txt", False), ("init.txt", None, False), ("groundtruth.txt", None, False)),
    "rgbt210": (("init.txt", None, False), ("visible.txt", "infrared.txt", False), ("groundtruth.txt", None, False)),
    "gtot": (("groundTruth_v.txt", "groundTruth_i.txt", True), ("init.txt", None, False), ("groundtruth.txt", None, False)),
    "vtuav": (("rgb.txt", "ir.txt", False), ("groundtruth.txt", None, False)),
}
_GT_FILES["pytracking-lasher"] = _GT_FILES["lasher"]


def sequence_gt(root: str | Path, name: str, protocol: str) -> SequenceGT:
    """GT of sequence ``name`` under ``root``: ``root/<name>/<files>`` or a flat ``root/<name>.txt``.

    GTOT ``init.txt`` is already x y w h (w = x2 - x1); a flat file is xywh for all protocols.
    An empty GT file raises AnnotationFormatError.
    """
    seq = _sequence_gt(Path(root), name, protocol)
    if seq.visible.shape[0] == 0:
        raise AnnotationFormatError(seq.files[0], "ground-truth file has no box row")
    return seq


def _sequence_gt(root: Path, name: str, protocol: str) -> SequenceGT:
    if protocol not in _GT_FILES:
        raise ConfigError(f"unknown evaluation protocol {protocol!r}")
    folder = root / name
    if folder.is_dir():
        refuse_mixed_layouts(folder)  # which file a protocol reads must not change the boxes
        for vis, ir, corners in _GT_FILES[protocol]:
            vpath = folder / vis
            if not vpath.is_file():
                continue
            if protocol == "vtuav":
                return _vtuav_gt(name, vpath, folder / ir if ir is not None else None)
            reader = read_gtot_corners if corners else read_box_rows
            visible = reader(vpath)
            infrared, files = None, (vpath,)
            if ir is not None and (folder / ir).is_file():
                infrared = reader(folder / ir)
                files = (vpath, folder / ir)
            return SequenceGT(name, visible, infrared, files)
        wanted = ", ".join(v for v, _, _ in _GT_FILES[protocol])
        raise AnnotationFormatError(folder, f"no ground-truth file for protocol {protocol} (looked for {wanted})")
    flat = root / f"{name}.txt"
    if flat.is_file():
        return SequenceGT(name, read_box_rows(flat), None, (flat,))
    raise AnnotationFormatError(root, f"no ground truth for sequence {name!r} (neither {name}/ nor {name}.txt)")


def _vtuav_gt(name: str, visible_path: Path, infrared_path: Path | None) -> SequenceGT:
    """VTUAV rows are 4 values, or 8: the visible box then the thermal box (never a polygon)."""
    visible = read_box_rows(visible_path, eight="visible")
    if infrared_path is not None and infrared_path.is_file():
        return SequenceGT(name, visible, read_box_rows(infrared_path, eight="thermal"), (visible_path, infrared_path))
    first = next((line for line in read_text(visible_path).splitlines() if line.strip()), "")
    if len([t for t in _SPLIT.split(first.strip()) if t]) == 8:
        return SequenceGT(name, visible, read_box_rows(visible_path, eight="thermal"), (visible_path,))
    return SequenceGT(name, visible, None, (visible_path,))


def result_files(folder: str | Path) -> dict[str, Path]:
    """``{seq: path}`` of every ``<seq>.txt`` in the results ``folder``, sorted by name; raises
    AnnotationFormatError naming the folder when it is missing or holds none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AnnotationFormatError(folder, "results folder not found")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())  # walk.TXT too
    if not files:
        raise AnnotationFormatError(folder, "no <sequence>.txt result file in the results folder")
    out: dict[str, Path] = {}
    for p in files:
        if p.stem in out:
            raise AnnotationFormatError(p, f"holds the results of sequence '{p.stem}' as {out[p.stem].name} does: "
                                           "keep one of the two")
        out[p.stem] = p
    return out


def read_results_dir(folder: str | Path) -> dict[str, np.ndarray]:
    """Every ``<seq>.txt`` in ``folder`` -> ``{seq: (M, 4) xywh}`` (NaN rows kept)."""
    return {name: read_box_rows(path) for name, path in result_files(folder).items()}


def has_sequence(root: str | Path, name: str) -> bool:
    """Whether the dataset ``root`` has ground truth for the sequence ``name``: its ``<name>/``
    folder or a flat ``<name>.txt`` (what :func:`sequence_gt` reads; its files are not checked)."""
    root = Path(root)
    return (root / name).is_dir() or (root / f"{name}.txt").is_file()
