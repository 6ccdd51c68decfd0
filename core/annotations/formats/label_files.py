"""The label files beside a ``groundtruth.txt`` that hold its frames' absent and occluded flags:
GOT-10k's ``absence.label`` / ``cover.label``, LaSOT's ``full_occlusion.txt`` /
``out_of_view.txt``, VOT's ``occlusion.label`` / ``occlusion.tag``. Read as whole numbers, one
per line or comma separated (:func:`read_flags`), and turned into the ``absent_frames`` /
``occluded_frames`` of :func:`core.annotations.formats.rows.records_from_rows`."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from core.annotations.formats.decoding import read_text
from core.errors import AnnotationFormatError


def read_flags(path: Path, count: int | None = None) -> np.ndarray:
    """A label file of integers (one per line, or comma separated on one line) -> (N,) int.

    A value that is not a whole number (``x``, ``1.5``, ``inf``, ``nan``) or an empty
    value between commas raises AnnotationFormatError naming the file and the line.
    """
    values = np.array(_values_and_lines(path)[0], dtype=np.int64)
    if count is not None and len(values) != count:
        raise AnnotationFormatError(path, f"has {len(values)} values but the ground truth has {count} rows")
    return values


def _values_and_lines(path: Path) -> tuple[list[int], list[int]]:
    """The whole numbers of the label file ``path`` and the 1-based line of each (see
    :func:`read_flags`)."""
    text = read_text(path)
    values, lines = [], []
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
                lines.append(number)
    return values, lines


def got10k_flags(absence: np.ndarray | None, cover: np.ndarray | None) -> dict[str, np.ndarray | None]:
    """``absent_frames`` / ``occluded_frames`` for ``records_from_rows`` from GOT-10k's
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


def got10k_folder_flags(folder: Path, count: int) -> dict[str, np.ndarray | None]:
    """:func:`got10k_flags` of the GOT-10k label files in ``folder`` (:data:`GOT10K_LABELS`; either
    may be missing) for ``count`` box rows; a label file of another count raises
    AnnotationFormatError naming it."""
    absence, cover = (read_flags(folder / name, count) if (folder / name).is_file() else None
                      for name in GOT10K_LABELS)
    return got10k_flags(absence, cover)


#: the values of each label file that make a frame absent, and what is said of them
_ABSENT_BY = {
    "got10k": (("absence.label", lambda v: v > 0, "marks the target absent (out of view)"),
               ("cover.label", lambda v: v <= 0, "(no part of the target visible) marks it fully occluded")),
    "lasot": (("full_occlusion.txt", lambda v: v > 0, "marks the target fully occluded"),
              ("out_of_view.txt", lambda v: v > 0, "marks the target out of view")),
}


def absent_by_label(folder: Path, labels: str, row: int) -> tuple[Path, int, str] | None:
    """Which label file of ``labels`` (``"got10k"``: :data:`GOT10K_LABELS`, ``"lasot"``:
    :data:`LASOT_LABELS`) in ``folder`` makes box row ``row`` (0-based) absent, as
    :func:`got10k_flags` / :func:`lasot_flags` read them: ``(file, line, what)``, ``what``
    quoting its value (``"'1' marks the target absent (out of view)"``); None when none does or
    a file cannot be read (opening the folder said so). A GOT-10k or LaSOT frame marked so keeps
    its box row, which is then no reason to give."""
    for name, absent, what in _ABSENT_BY[labels]:
        path = folder / name
        if not path.is_file():
            continue
        try:
            values, lines = _values_and_lines(path)
        except AnnotationFormatError:
            return None
        if row < len(values) and absent(values[row]):
            return path, lines[row], f"{str(values[row])!r} {what}"
    return None


def lasot_flags(folder: Path, count: int) -> dict[str, np.ndarray]:
    """``absent_frames`` / ``occluded_frames`` of LaSOT's ``full_occlusion.txt`` and
    ``out_of_view.txt`` in ``folder`` (both needed) for ``count`` box rows: a fully occluded
    frame is absent and occluded, an out-of-view one absent; a missing file or one of another
    count raises AnnotationFormatError naming it."""
    occlusion, out_of_view = (read_flags(folder / name, count) for name in LASOT_LABELS)
    return {"absent_frames": (occlusion > 0) | (out_of_view > 0), "occluded_frames": occlusion > 0}


#: VOT's per-frame occlusion flags beside its groundtruth.txt (1 = occluded): ``.label`` in VOT up to 2016
#: (VOT-TIR2016's horse), ``.tag`` since; the VOT toolkit reads both
VOT_OCCLUSION_FILES = ("occlusion.label", "occlusion.tag")


def vot_occlusion(box_file: str | Path, count: int) -> np.ndarray | None:
    """(count,) bool: the occluded frames VOT's ``occlusion.label`` (or ``.tag``) beside
    ``box_file`` gives its ``count`` rows (VOT-TIR2016's horse opened with none of its 23 occluded
    frames marked), or None when there is none or :func:`read_vot_occlusion` refuses it (a tag file
    is no reason to refuse the sequence's boxes). A file that ends before the last row is read as
    the VOT toolkit reads it (``vot/dataset/common.py``): line k is row k, a blank line and the rows
    past its end not occluded (VOT2019's graduate: an occlusion.tag of 768 lines for 864 frames)."""
    folder = Path(box_file).parent
    for name in VOT_OCCLUSION_FILES:
        if (folder / name).is_file():
            try:
                return read_vot_occlusion(folder / name, count)
            except AnnotationFormatError:
                return None
    return None


def read_vot_occlusion(path: Path, count: int) -> np.ndarray:
    """(count,) bool: the occluded flags of VOT's label file ``path`` (:func:`vot_occlusion`) for
    ``count`` rows, line k row k as the VOT toolkit reads them (a blank line and the rows past the
    file's end not occluded; values comma separated on one line only as many as rows);
    AnnotationFormatError naming it when it has more lines than rows (another sequence's file),
    several values on a line but not one per row, or a value that is not a whole number."""
    values, lines = _values_and_lines(path)
    if len(set(lines)) < len(lines):  # several values on a line: one per row, or none
        if len(values) == count:
            return np.array(values, dtype=np.int64) > 0
        line = next(n for n in lines if lines.count(n) > 1)
        raise AnnotationFormatError(path, f"holds {lines.count(line)} values on line {line}: VOT's holds one a line")
    if lines and lines[-1] > count:
        raise AnnotationFormatError(path, f"has {lines[-1]} lines but the ground truth has {count} rows")
    occluded = np.zeros(count, bool)
    occluded[np.array(lines, dtype=np.int64) - 1] = np.array(values, dtype=np.int64) > 0
    return occluded


def flags_beside(box_file: str | Path, count: int, *,
                 vot_errors: bool = False) -> tuple[dict[str, np.ndarray | None], tuple[str, ...]] | None:
    """The absent / occluded flags of the ``count`` rows of ``box_file`` (a ``groundtruth.txt``)
    from the label files beside it, as :func:`core.annotations.formats.groundtruth.load_ground_truth`
    reads its folder: GOT-10k's
    ``absence.label`` / ``cover.label`` (:func:`got10k_flags`), else LaSOT's
    ``full_occlusion.txt`` + ``out_of_view.txt``, else VOT's ``occlusion.label`` / ``.tag``
    (:data:`VOT_OCCLUSION_FILES`). Returns ``(records_from_rows keyword arguments, names of the
    files read)``, or None when the file has another name or no such files lie beside it. A
    GOT-10k or LaSOT label file of another count raises AnnotationFormatError naming it (as
    opening the folder does); a VOT one is left aside (:func:`vot_occlusion`), or with
    ``vot_errors`` raises it too (:func:`read_vot_occlusion`), for the import to say so."""
    box_file = Path(box_file)
    if box_file.name != "groundtruth.txt":
        return None
    folder = box_file.parent
    got10k = [name for name in GOT10K_LABELS if (folder / name).is_file()]
    if got10k:
        return got10k_folder_flags(folder, count), tuple(got10k)
    if all((folder / name).is_file() for name in LASOT_LABELS):
        return lasot_flags(folder, count), LASOT_LABELS
    vot = next((name for name in VOT_OCCLUSION_FILES if (folder / name).is_file()), None)
    if vot is None:
        return None
    # left aside as the folder's reader does, or (vot_errors) said: the import names what it left aside
    occluded = read_vot_occlusion(folder / vot, count) if vot_errors else vot_occlusion(box_file, count)
    return ({"occluded_frames": occluded}, (vot,)) if occluded is not None else None
