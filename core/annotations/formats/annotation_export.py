"""Export the annotation files of a sequence without its frames (``formats.md``).

For a user who keeps the frames where they are and needs only the ground truth in a
benchmark's format. A job (generator yielding ``core.progress.Progress``) returning a
``core.annotations.formats.export.ExportResult``. The files are the same as
``python main.py convert --to <format>`` writes (``convert.target_files``); the folder is
written like the layout exports: into a temporary folder beside the target, renamed into
place at the end, with ``EXPORT_MARKER``. The same guard protects the user's data: the
target may not hold the sequence's own frames nor a studio project, and an existing non-empty folder is
replaced only when it is an earlier export, so a dataset's own ground truth is never
written over.

Formats (``ANNOTATION_FORMATS``), all one line per frame, ``0`` rows where the target is
absent or the frame is unlabelled:

- ``lasher``: ``visible.txt``, ``infrared.txt``, ``init.txt`` (comma x,y,w,h, CRLF);
- ``gtot``: ``groundTruth_v.txt``, ``groundTruth_i.txt`` (space x1 y1 x2 y2), ``init.txt``;
- ``vot``: ``groundtruth.txt`` (visible boxes as 8-value polygons; a warning says on how many
  frames the thermal box differs and is not written) and ``occlusion.label`` (1 = occluded);
- ``xywh``: ``<name>.txt`` (visible) and ``<name>-thermal.txt`` (comma x,y,w,h).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from core.annotations.formats.convert import target_files, thermal_dropped
from core.annotations.formats.export import EXPORT_MARKER, ExportResult
from core.annotations.formats.export_notes import export_summary, export_warnings
from core.annotations.formats.export_target import check_export_target, refuse_losses
from core.annotations.formats.rows import format_boxes, rows_from_records
from core.annotations.records import FrameAnnotation
from core.fileio import atomic_directory, safe_component
from core.progress import Job, Progress

ANNOTATION_FORMATS = ("lasher", "gtot", "vot", "xywh")


def annotation_files(records: Mapping[int, FrameAnnotation], num_frames: int, target: str,
                     name: str) -> dict[str, tuple[str, str]]:
    """The files of ``target`` (one of ANNOTATION_FORMATS): relative name -> (text, line end).

    ``name`` (a safe single path component) names the ``xywh`` files."""
    if target not in ANNOTATION_FORMATS:
        raise ValueError(f"unknown annotation format {target!r}; choose one of {ANNOTATION_FORMATS}")
    files = target_files(records, num_frames, target, name)
    if target == "xywh":
        files[f"{name}-thermal.txt"] = (format_boxes(rows_from_records(records, num_frames, thermal=True), target), "\n")
    return files


def export_annotation_files(sequence, records: Mapping[int, FrameAnnotation], out_dir: str | Path, *,
                            target: str) -> Job[ExportResult]:
    """Write the annotation files of ``target`` format for ``sequence`` into ``out_dir``
    (a folder, created or replaced as a whole; see the module docstring for the guard).
    Rows cover every frame of the sequence (``len(sequence)``)."""
    out_dir = Path(out_dir)
    n = len(sequence)
    files = annotation_files(records, n, target, safe_component(sequence.info.name))
    warnings = export_warnings(records, n, lasher_rows=target == "lasher", target=target)
    dropped = thermal_dropped({f: r for f, r in records.items() if 0 <= f < n}, target,
                              keeps_thermal=("lasher", "gtot", "xywh"), subject="thermal box",
                              advice="the LasHeR, GTOT or plain-text files keep both")
    if dropped:
        warnings.append(dropped)
    check_export_target(sequence, out_dir)
    yield Progress(0, len(files), "writing annotation files")
    with atomic_directory(out_dir) as tmp:
        (tmp / EXPORT_MARKER).write_text(f"{sequence.info.name}\n", encoding="utf-8", errors="backslashreplace")
        for done, (relative, (text, newline)) in enumerate(files.items(), start=1):
            (tmp / relative).write_text(text, encoding="utf-8", newline=newline)
            yield Progress(done, len(files), relative)
        refuse_losses(out_dir)  # a project made in it, or a file put in it, while the files were written
    return ExportResult(out_dir, n, warnings, export_summary(records, n))
