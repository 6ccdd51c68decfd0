"""The distillation HDF5 schema (version 1): names, codes and validation.

Documented for users in ``docs/distillation_hdf5.md``; this module is the single source
of the names. Layout::

    /                                   attrs: schema_version=1, format="rgbt-studio-distillation",
                                               created (ISO 8601 UTC), producer,
                                               teacher_model, teacher_sha256, student_model,
                                               student_sha256, frames_mode ("embedded"|"referenced"),
                                               template_size Z, search_size X, feature_size F,
                                               template_factor, search_factor (crop side / sqrt(w*h))
    /sequences/<name>/                  attrs: name, visible_source, thermal_source, width, height,
                                               num_frames N, frame_offset, layout
        labels/                         per frame of the sequence (N rows)
            box            (N,4) f32    visible-grid x,y,w,h of the label; NaN where none
            thermal_box    (N,4) f32    per-modality thermal box; NaN where none
            absent         (N,)  bool
            occluded       (N,)  bool
            provenance     (N,)  u1     PROVENANCE_CODES (0 = unlabelled); attrs: codes
                                        (JSON object name -> code, also the group's
                                        provenance_codes attribute)
            tracker        (N,)  u1     TRACKER_CODES: which tracker made a machine-tracked
                                        (provenance "student") box; 0 = not machine-tracked,
                                        255 = machine-tracked by an unknown tracker.
                                        attrs: codes (JSON object name -> code). Optional:
                                        added within version 1, absent from older files
            keyframe       (N,)  bool
            student_box    (N,4) f32    the student's raw output; NaN where it did not run
            student_confidence (N,) f32 NaN where it did not run
            teacher_box    (N,4) f32    the teacher's raw output; NaN where it did not run
            teacher_confidence (N,) f32
        samples/                        one row per distillation sample (M rows)
            frame          (M,)  i4     search frame index (0-based)
            template_frame (M,)  i4     frame the template was cut from
            template_box   (M,4) f64    box the template crop is centred on (x,y,w,h; f32 before 2026-12-07)
            search_geometry (M,4) f64   CropGeometry: origin_x, origin_y, scale, output_size
            score_map      (M,1,F,F) f16  teacher score map (sigmoid)
            size_map       (M,2,F,F) f16  teacher size map (sigmoid, crop units)
            offset_map     (M,2,F,F) f16  teacher offset map
            template_visible (M,Z,Z,3) u1  only when frames_mode == "embedded" (RGB)
            template_thermal (M,Z,Z)   u1
            search_visible   (M,X,X,3) u1
            search_thermal   (M,X,X)   u1

Provenance "student" means *machine-tracked*: the studio stores every live tracker's box
(student, teacher, OpenCV CSRT / KCF / MIL) with it; ``labels/tracker`` says which one.

In "referenced" mode the crops are recut from the source frames with the stored
geometry (``core.tracking.crop.crop_square``), which keeps files small.
"""
from __future__ import annotations

from pathlib import Path

SCHEMA_VERSION = 1
FORMAT_NAME = "rgbt-studio-distillation"
FRAMES_MODES = ("embedded", "referenced")
FILE_SUFFIX = ".h5"  # what a distillation file's name without a suffix gets


def output_path(path: str | Path) -> Path:
    """The file a distillation export named ``path`` writes: ``path`` with ``.h5`` appended
    when its name has no suffix, as file dialogs do (``export-distill --out walk-3`` or
    "walk-3" typed in the studio wrote an HDF5 file named ``walk-3``, which
    ``distill --data exports/*.h5`` passed over); a name with a suffix (``.h5``, ``.hdf5``)
    is kept as given, and so is an existing folder (the output checks refuse it by its own name:
    appending wrote ``<folder>.h5`` beside a folder the user named by mistake)."""
    path = Path(path)
    return path if path.suffix or path.is_dir() else path.with_name(path.name + FILE_SUFFIX)


#: Provenance names (``core.annotations.records.Provenance`` values) -> stored codes.
PROVENANCE_CODES: dict[str | None, int] = {
    None: 0,
    "manual": 1,
    "interpolated": 2,
    "student": 3,
    "teacher": 4,
    "imported": 5,
}
PROVENANCE_NAMES = {code: name for name, code in PROVENANCE_CODES.items()}

#: Tracker names (``core.trackers.tracker_names()``) -> codes of ``labels/tracker``. Codes
#: are part of the file format: append new trackers, never renumber.
TRACKER_CODES: dict[str, int] = {
    "none": 0,  # not machine-tracked (manual, interpolated, accepted teacher, imported, unlabelled)
    "student": 1,
    "teacher": 2,
    "csrt": 3,
    "kcf": 4,
    "mil": 5,
    "nanotrack": 6,
    "unknown": 255,  # machine-tracked, but which tracker is not known
}
TRACKER_NONE = TRACKER_CODES["none"]
TRACKER_UNKNOWN = TRACKER_CODES["unknown"]
TRACKER_NAMES = {code: name for name, code in TRACKER_CODES.items()}

#: Provenances whose boxes serve as hard labels when fine-tuning (human-checked).
LABEL_PROVENANCES = ("manual", "teacher", "interpolated", "imported")

ROOT_ATTRS = (
    "schema_version",
    "format",
    "created",
    "producer",
    "teacher_model",
    "teacher_sha256",
    "student_model",
    "student_sha256",
    "frames_mode",
    "template_size",
    "search_size",
    "feature_size",
    "template_factor",
    "search_factor",
)
#: Root attributes added within schema version 1, with the value every file written before
#: them had (the crop factors came in on 2026-11-24; the crops were cut at 2 and 4 before):
#: readers fill them in, as they fill in ``labels/tracker``.
ROOT_ATTR_DEFAULTS = {"template_factor": 2.0, "search_factor": 4.0}
SEQUENCE_ATTRS = ("name", "visible_source", "thermal_source", "width", "height", "num_frames", "frame_offset", "layout")
LABEL_DATASETS = {
    "box": (4,),
    "thermal_box": (4,),
    "absent": (),
    "occluded": (),
    "provenance": (),
    "keyframe": (),
    "student_box": (4,),
    "student_confidence": (),
    "teacher_box": (4,),
    "teacher_confidence": (),
}
#: Label datasets added within version 1 (older files lack them; readers fill them in):
#: name -> row shape. Writers and readers of older releases ignore them.
OPTIONAL_LABEL_DATASETS = {
    "tracker": (),
}
#: Code tables stored as the JSON attribute ``codes`` on their label dataset.
LABEL_CODE_TABLES = {
    "provenance": {(name or "unlabelled"): code for name, code in PROVENANCE_CODES.items()},
    "tracker": TRACKER_CODES,
}
SAMPLE_DATASETS = ("frame", "template_frame", "template_box", "search_geometry", "score_map", "size_map", "offset_map")
EMBEDDED_DATASETS = ("template_visible", "template_thermal", "search_visible", "search_thermal")
