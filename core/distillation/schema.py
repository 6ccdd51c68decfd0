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
            provenance     (N,)  u1     PROVENANCE_CODES (0 = unlabelled)
            keyframe       (N,)  bool
            student_box    (N,4) f32    the student's raw output; NaN where it did not run
            student_confidence (N,) f32 NaN where it did not run
            teacher_box    (N,4) f32    the teacher's raw output; NaN where it did not run
            teacher_confidence (N,) f32
        samples/                        one row per distillation sample (M rows)
            frame          (M,)  i4     search frame index (0-based)
            template_frame (M,)  i4     frame the template was cut from
            template_box   (M,4) f32    box the template crop is centred on (x,y,w,h)
            search_geometry (M,4) f64   CropGeometry: origin_x, origin_y, scale, output_size
            score_map      (M,1,F,F) f16  teacher score map (sigmoid)
            size_map       (M,2,F,F) f16  teacher size map (sigmoid, crop units)
            offset_map     (M,2,F,F) f16  teacher offset map
            template_visible (M,Z,Z,3) u1  only when frames_mode == "embedded" (RGB)
            template_thermal (M,Z,Z)   u1
            search_visible   (M,X,X,3) u1
            search_thermal   (M,X,X)   u1

In "referenced" mode the crops are recut from the source frames with the stored
geometry (``core.tracking.crop.crop_square``), which keeps files small.
"""
from __future__ import annotations

SCHEMA_VERSION = 1
FORMAT_NAME = "rgbt-studio-distillation"
FRAMES_MODES = ("embedded", "referenced")

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
SAMPLE_DATASETS = ("frame", "template_frame", "template_box", "search_geometry", "score_map", "size_map", "offset_map")
EMBEDDED_DATASETS = ("template_visible", "template_thermal", "search_visible", "search_thermal")
