"""Exporters of an annotated sequence to the layouts users expect (``formats.md``).

Each exporter is a job (a generator yielding ``core.progress.Progress``) that returns an
:class:`ExportResult`. Everything is written into a temporary folder beside the target
and renamed into place at the end (``core.fileio.atomic_directory``): closing the job
midway leaves nothing behind and keeps an earlier export intact. Because the target
folder is replaced as a whole, an exporter refuses (ExportError) a folder that holds the
sequence's own sources or a studio project (an earlier export opened in the studio), or an
existing non-empty folder that is not an earlier export (it carries ``EXPORT_MARKER``): those
checks live in ``core.annotations.formats.export_target``, the summary and warnings an export
returns in ``core.annotations.formats.export_notes``.

- RGB-T native (LasHeR or RGBT234 naming): ``visible/``, ``infrared/``, ``visible.txt``,
  ``infrared.txt``, ``init.txt``; ``0,0,0,0`` for absent or unlabelled frames.
- GTOT: ``v/00001v.jpg``, ``i/00001i.jpg``, ``groundTruth_v.txt`` and ``groundTruth_i.txt``
  (corners ``x1 y1 x2 y2``, ``0 0 0 0`` for absent or unlabelled frames), ``init.txt``.

The RGB-T layouts hold both modalities. A single-modality sequence is written there with the
stand-in the studio shows (a visible-only sequence's thermal frames are the visible luminance, a
thermal-only one's visible frames the thermal frames), so that RGB-T loaders still read
it; the export says so first among its warnings and in ``EXPORT_MARKER``
(``export_notes.stand_in_note``), whose ``modality:`` line makes the folder reopen as the one stream it
holds (``core.sequences.declared.exported_one_stream``). The one-folder-per-modality layouts
(GOT-10k, LaSOT) write a single-modality sequence as ONE folder ``<name>`` of the stream it has:
a second folder of the same frames and boxes was a second sequence to a toolkit, the clip
scored twice.
- GOT-10k: ``list.txt`` and one folder per modality (``<name>`` visible,
  ``<name>-thermal``; single-stream footage: ``<name>`` alone) with ``00000001.jpg``, ``groundtruth.txt``, ``absence.label``
  (1 absent, 0 for a full occlusion), ``cover.label`` (8 visible, 4 occluded, 0 absent),
  ``cut_by_image.label`` (1 where the box reaches outside the image; the got10k toolkit
  reads it with the other labels) and ``meta_info.ini``.
- LaSOT style: per modality ``img/00000001.jpg``, ``groundtruth.txt``,
  ``full_occlusion.txt``, ``out_of_view.txt``, and ``SOURCE.txt`` with the ``modality:`` line
  that reopening the folder reads (``core.sequences.declared.declared_modality``) and an
  ``fps:`` line (the source's frame rate; left out when unknown).

Numbers are written as the benchmark's own files hold them (``core.annotations.formats.rows``):
whole pixels in LasHeR, RGBT234, GTOT and LaSOT (each edge to its nearest pixel; the warnings say
how many boxes were not on whole pixels), at most 4 decimals in GOT-10k.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.annotations.formats.export_notes import export_summary, export_warnings, stand_in_note
from core.annotations.formats.export_target import check_export_target, refuse_losses
from core.annotations.formats.rows import (
    format_boxes,
    got10k_cut_by_image,
    got10k_labels,
    lasot_labels,
    rows_from_records,
)
from core.annotations.records import FrameAnnotation
from core.errors import ExportError
from core.fileio import atomic_directory, inside, safe_component
from core.progress import Job, Progress
from core.sequences.declared import EXPORT_MARKER, SOURCE_FILE

EXPORT_FORMATS = ("lasher", "rgbt234", "gtot", "got10k", "lasot")
# EXPORT_MARKER (core.sequences.declared) is written into every export; an existing non-empty folder
# without it is never replaced.


@dataclass
class ExportResult:
    """Where the export went and what the user should know about it: ``summary`` is one line
    saying what the written rows hold (``export_notes.export_summary``), ``warnings`` what may surprise."""

    path: Path
    frames: int
    warnings: list[str] = field(default_factory=list)
    summary: str = ""




def _known_fps(sequence) -> float | None:
    """The sequence's frame rate, or None when it records none (image folders: ``fps_assumed``):
    an export that wrote the assumed 30 as ``fps: 30`` made it a fact, reopened as declared."""
    info = sequence.info
    return None if getattr(info, "fps_assumed", False) else getattr(info, "fps", None)


def _fps_text(fps) -> str | None:
    """``fps`` as the marker's ``fps:`` value (``25``, ``29.97``), None when unknown."""
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        return None
    return f"{fps:.6g}" if math.isfinite(fps) and fps > 0 else None


def _marker_text(sequence, note: str | None, *, with_fps: bool = False) -> str:
    """The EXPORT_MARKER file: the sequence name, then, on single-stream footage, a ``modality:``
    line naming the one stream (reopening the folder reads it,
    ``core.sequences.declared.exported_one_stream``), with ``with_fps`` an ``fps: 25`` line (the
    source's frame rate: the LasHeR / RGBT234 layout has no place for it, and the hidden marker is
    no part of what their toolkits read), then the stand-in note."""
    lines = [sequence.info.name]
    if note:
        lines.append(f"modality: {_stored_modality(sequence, 'visible')}")
    fps = _fps_text(_known_fps(sequence)) if with_fps else None
    if fps is not None:
        lines.append(f"fps: {fps}")
    if note:
        lines.append(note)
    return "".join(f"{line}\n" for line in lines)




def _write_image(path: Path, image: np.ndarray, quality: int) -> None:
    """Encode with OpenCV, write with Python: ``cv2.imwrite`` ended the process with a
    segmentation fault on a path that is not valid UTF-8 (a target folder named with a
    Latin-1 byte)."""
    import cv2  # here, so that reading annotations (and the CLI's help) never needs OpenCV

    from core.fileio import describe_os_error

    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if image.ndim == 3 else image
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ExportError(path, "could not encode the image as JPEG")
    try:
        path.write_bytes(data.tobytes())
    except OSError as error:
        raise ExportError(path, f"could not write the image ({describe_os_error(error)})") from None


def _text(path: Path, text: str) -> None:
    """``text`` as UTF-8; a sequence name that is not valid UTF-8 (a folder named with a Latin-1
    byte holds a surrogate such as ``\\udcff``) is written with the byte escaped (``\\xff``)
    instead of stopping the export with a UnicodeEncodeError."""
    path.write_text(text, encoding="utf-8", errors="backslashreplace", newline="")


def _check_entries(tmp: Path, entries) -> None:
    for folder, _, _ in entries:
        _inside(tmp, tmp / folder)


def export_rgbt_native(sequence, records: Mapping[int, FrameAnnotation], out_dir: str | Path, *,
                       naming: str = "lasher", quality: int = 95) -> Job[ExportResult]:
    """LasHeR / RGBT234 / GTOT layout in ``out_dir`` (the sequence folder itself).

    naming: "lasher" (``visible/v000001.jpg``, ``infrared/i000001.jpg``), "rgbt234"
    (``visible/00001v.jpg``, ``infrared/00001i.jpg``) or "gtot" (``v/00001v.jpg``, ``i/00001i.jpg``,
    ``groundTruth_v.txt`` / ``groundTruth_i.txt`` as corners ``x1 y1 x2 y2``, ``init.txt``: the files
    ``convert --to gtot`` writes). LasHeR / RGBT234 lines end with CRLF like the original files. The
    source's frame rate goes into the EXPORT_MARKER's ``fps:`` line (the layout has no fps field;
    image folders otherwise reopen at 30 fps).
    """
    if naming not in ("lasher", "rgbt234", "gtot"):
        raise ValueError(f"naming must be 'lasher', 'rgbt234' or 'gtot', got {naming!r}")
    out_dir = Path(out_dir)
    n = len(sequence)
    folders = ("v", "i") if naming == "gtot" else ("visible", "infrared")
    warnings = export_warnings(records, n, lasher_rows=naming != "gtot", target=naming)
    note = stand_in_note(sequence, f"{folders[0]}/", f"{folders[1]}/")
    warnings = [note, *warnings] if note else warnings
    check_export_target(sequence, out_dir)
    yield Progress(0, n, "exporting frames")
    with atomic_directory(out_dir) as tmp:
        _text(tmp / EXPORT_MARKER, _marker_text(sequence, note, with_fps=True))
        (tmp / folders[0]).mkdir()
        (tmp / folders[1]).mkdir()
        for i in range(n):
            pair = sequence[i]
            if naming == "lasher":
                vname, tname = f"v{i + 1:06d}.jpg", f"i{i + 1:06d}.jpg"
            else:
                vname, tname = f"{i + 1:05d}v.jpg", f"{i + 1:05d}i.jpg"
            _write_image(tmp / folders[0] / vname, pair.visible, quality)
            _write_image(tmp / folders[1] / tname, pair.thermal, quality)
            yield Progress(i + 1, n, f"frame {i + 1}")
        from core.annotations.formats.convert import target_files

        # the files ``convert --to <naming>`` writes, numbers as the benchmark's files hold them
        for name, (text, newline) in target_files(records, n, naming).items():
            _text(tmp / name, text.replace("\n", newline))
        refuse_losses(out_dir)  # a project made in it, or a file put in it, while the frames were written
    return ExportResult(out_dir, n, warnings, export_summary(records, n))


def _modalities(sequence) -> list[tuple[str, str, bool]]:
    """(folder, frame attribute, thermal) per modality; the folder names come from the
    sequence name made safe as one path component (``core.fileio.safe_component``).
    Single-stream footage has one entry, ``<name>`` of the stream it has (no stand-in folder:
    a toolkit would score the same clip twice)."""
    name = safe_component(sequence.info.name)
    info = sequence.info
    if getattr(info, "thermal_only", False):
        return [(name, "thermal", True)]
    if getattr(info, "visible_only", False):
        return [(name, "visible", False)]
    return [(name, "visible", False), (f"{name}-thermal", "thermal", True)]


def _inside(tmp: Path, path: Path) -> Path:
    """``path``, after checking that it stays inside the export's temporary folder."""
    if not inside(tmp, path):
        raise ExportError(path, f"would be written outside the export folder {tmp}; refused")
    return path


def _write_modality_frames(sequence, tmp: Path, entries, image_folder: str, quality: int) -> Job[None]:
    """Write every frame of each modality to ``tmp/<folder>/<image_folder>/00000001.jpg``...
    (``entries`` from :func:`_modalities`), one Progress per frame."""
    n = len(sequence)
    for folder, _, _ in entries:
        (tmp / folder / image_folder).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        pair = sequence[i]
        for folder, attr, _ in entries:
            _write_image(tmp / folder / image_folder / f"{i + 1:08d}.jpg", getattr(pair, attr), quality)
        yield Progress(i + 1, n, f"frame {i + 1}")


def _export_per_modality(sequence, records: Mapping[int, FrameAnnotation], out_dir: str | Path, image_folder: str,
                         quality: int, write_labels, target: str) -> Job[ExportResult]:
    """The frame of the one-folder-per-modality layouts (GOT-10k, LaSOT): checks, frames as
    ``<folder>/<image_folder>/%08d.jpg``, then ``write_labels(tmp, entries, n)`` writes the
    label files, all inside one atomic directory; ``target`` ("got10k", "lasot") for the warnings."""
    out_dir = Path(out_dir)
    n = len(sequence)
    warnings = export_warnings(records, n, lasher_rows=False, target=target)
    entries = _modalities(sequence)  # single-stream footage: one folder, no stand-in to note
    check_export_target(sequence, out_dir)
    yield Progress(0, n, "exporting frames")
    with atomic_directory(out_dir) as tmp:
        _check_entries(tmp, entries)
        _text(tmp / EXPORT_MARKER, _marker_text(sequence, None))
        yield from _write_modality_frames(sequence, tmp, entries, image_folder, quality)
        write_labels(tmp, entries, n)
        refuse_losses(out_dir)  # a project made in it, or a file put in it, while the frames were written
    return ExportResult(out_dir, n, warnings, export_summary(records, n))


def _stored_modality(sequence, attr: str) -> str:
    """What the frames written for ``attr`` (``visible`` / ``thermal``) are: on single-stream
    footage both folders hold the one stream (``export_notes.stand_in_note``), and ``meta_info.ini``
    says so, since reopening the folder reads its ``modality:`` line
    (``core.sequences.declared.declared_modality``): a thermal-only sequence's ``<name>/``
    reopened as visible-only when it said ``visible``."""
    info = sequence.info
    if getattr(info, "thermal_only", False):
        return "thermal"
    if getattr(info, "visible_only", False):
        return "visible"
    return attr


def _whole_hz(fps: float) -> int:
    """``fps`` as GOT-10k's ``meta_info.ini`` writes it: a whole number (``10Hz``); the
    VOT toolkit reads the value with ``int()`` and fails on ``29.97Hz``. 0 when unknown."""
    return round(fps) if math.isfinite(fps) and fps > 0 else 0


def export_got10k(sequence, records: Mapping[int, FrameAnnotation], out_dir: str | Path, *,
                  quality: int = 95) -> Job[ExportResult]:
    """GOT-10k layout in ``out_dir`` (a dataset root with ``list.txt``), one folder per modality.
    ``meta_info.ini``'s ``anno_fps`` is a whole number (:func:`_whole_hz`); a rate that is not
    (29.97) also goes into a ``SOURCE.txt`` beside it (``fps: 29.97``, the LaSOT export's file,
    which ``core.sequences.declared.declared_fps`` reads first): the export reopened at 30."""

    def write_labels(tmp: Path, entries, n: int) -> None:
        absence, cover = got10k_labels(records, n)
        w, h = sequence.info.width, sequence.info.height
        fps = _fps_text(_known_fps(sequence))
        if fps is not None and float(fps) == _whole_hz(float(fps)):
            fps = None  # meta_info.ini's whole number says it
        for folder, attr, thermal in entries:
            modality = _stored_modality(sequence, attr)
            _text(tmp / folder / "groundtruth.txt", format_boxes(rows_from_records(records, n, thermal=thermal), "got10k"))
            _text(tmp / folder / "absence.label", absence)
            _text(tmp / folder / "cover.label", cover)
            _text(tmp / folder / "cut_by_image.label", got10k_cut_by_image(records, n, w, h, thermal=thermal))
            _text(
                tmp / folder / "meta_info.ini",
                "[METAINFO]\n"
                f"url: rgbt-studio export of {sequence.info.name}\n"
                f"modality: {modality}\n"
                f"resolution: ({w}, {h})\n"
                f"anno_fps: {_whole_hz(_known_fps(sequence) or 0.0)}Hz\n"
                "object_class: object\nmotion_class: unknown\nmajor_class: unknown\nroot_class: object\n"
                "motion_adverb: unknown\n",
            )
            if fps is not None:
                _text(tmp / folder / SOURCE_FILE, f"rgbt-studio export of {sequence.info.name}\n"
                                                  f"modality: {modality}\nfps: {fps}\n")
        _text(tmp / "list.txt", "".join(f"{folder}\n" for folder, _, _ in entries))

    return (yield from _export_per_modality(sequence, records, out_dir, "", quality, write_labels, "got10k"))


def export_lasot(sequence, records: Mapping[int, FrameAnnotation], out_dir: str | Path, *,
                 quality: int = 95) -> Job[ExportResult]:
    """LaSOT-style layout in ``out_dir``: one folder per modality with ``img/`` and label files.
    Each folder's ``SOURCE.txt`` names the stream it holds (``modality: thermal``) and the source's
    frame rate (``fps: 25``; LaSOT has no meta file, and image folders otherwise reopen at 30 fps)."""

    def write_labels(tmp: Path, entries, n: int) -> None:
        occlusion, out_of_view = lasot_labels(records, n)
        fps = _fps_text(_known_fps(sequence))
        fps_line = f"fps: {fps}\n" if fps is not None else ""
        for folder, attr, thermal in entries:
            _text(tmp / folder / "groundtruth.txt", format_boxes(rows_from_records(records, n, thermal=thermal), "lasot"))
            _text(tmp / folder / "full_occlusion.txt", occlusion)
            _text(tmp / folder / "out_of_view.txt", out_of_view)
            # LaSOT has no meta file; without the modality line gray visible frames (TNO's) reopened as
            # thermal-only, and without the fps line the frames reopened at 30 fps
            _text(tmp / folder / SOURCE_FILE, f"rgbt-studio export of {sequence.info.name}\n"
                                              f"modality: {_stored_modality(sequence, attr)}\n{fps_line}")

    return (yield from _export_per_modality(sequence, records, out_dir, "img", quality, write_labels, "lasot"))


def exporter(name: str):
    """The export job function for a format name in EXPORT_FORMATS."""
    if name in ("lasher", "rgbt234", "gtot"):
        return lambda seq, records, out, **kw: export_rgbt_native(seq, records, out, naming=name, **kw)
    if name == "got10k":
        return export_got10k
    if name == "lasot":
        return export_lasot
    raise ValueError(f"unknown export format {name!r}; choose one of {EXPORT_FORMATS}")
