"""Build a distillation file from an annotated sequence: a job (generator of Progress).

For every frame whose label a human made or accepted (manual, accepted teacher,
interpolated between human keyframes, imported ground truth), and for every frame a
human flagged absent (a *negative*: nothing to find), one *sample* is written: the search crop that a tracker would see at that frame
(centred on the previous frame's label, factor ``search_factor``) and the teacher's
score / size / offset maps on it, with the template cut from the nearest earlier human
keyframe. The per-frame labels, the student's and the teacher's raw outputs, the
provenance and which tracker made each machine-tracked box go in ``labels/`` (schema in ``core.distillation.schema``).

Records at frames the sequence does not have (a video that got shorter, a store made for
a longer cut or another frame offset) are left out of everything and reported
(:func:`outside_frames_note`); the sources are recorded as absolute paths, so a
"referenced" file works from any folder.

The studio's export dialog and ``python main.py export-distill`` both call
:func:`export_distillation`, so they write the same file.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.tracked_by import tracked_by
from core.distillation import schema
from core.distillation.writer import DistillationWriter, FileHeader, Sample, SequenceAttrs, weights_sha256
from core.geometry import is_valid_box
from core.progress import Job, Progress
from core.sequences.base import RGBTSequence
from core.tracking.crop import normalize_thermal, normalize_visible, sample_target
from core.wording import plural


@dataclass(frozen=True)
class TeacherRunner:
    """What the exporter needs of the teacher: an engine with ``run(z_v, z_t, x_v, x_t)``
    (numpy (1,3,S,S) float32 -> (score, size, offset, ...)) and its model config
    (template_size, search_size, feature_size, template_factor, search_factor)."""

    engine: object
    model_config: object
    model_name: str = "teacher"
    weights_path: str | None = None


def labels_from_records(
    records: Mapping[int, FrameAnnotation],
    num_frames: int,
    student_outputs: Mapping[int, tuple] | None = None,
    teacher_outputs: Mapping[int, tuple] | None = None,
    tracker_outputs: Mapping[str, Mapping[int, tuple]] | None = None,
) -> dict[str, np.ndarray]:
    """Per-frame label arrays (schema.LABEL_DATASETS and ``tracker``) from annotation
    records and raw outputs; every array has N = ``num_frames`` rows.

    ``student_outputs`` / ``teacher_outputs`` map frame -> (box (4,) x, y, w, h, confidence).
    ``tracker_outputs``: tracker name (``core.trackers.tracker_names()``) -> such a map,
    every tracker's latest outputs as the store keeps them; it decides ``tracker`` (N,)
    uint8 (schema.TRACKER_CODES) for machine-tracked frames (provenance "student") by the
    rule of ``core.annotations.tracked_by``. None (not known): every machine-tracked frame
    is TRACKER_UNKNOWN; so is one whose box matches no tracker's output. Other frames are
    TRACKER_NONE. Raises ValueError for a tracker name without a code.
    """
    n = num_frames
    nan4 = np.full((n, 4), np.nan, dtype=np.float32)
    labels = {
        "box": nan4.copy(),
        "thermal_box": nan4.copy(),
        "absent": np.zeros(n, dtype=bool),
        "occluded": np.zeros(n, dtype=bool),
        "provenance": np.zeros(n, dtype=np.uint8),
        "keyframe": np.zeros(n, dtype=bool),
        "student_box": nan4.copy(),
        "student_confidence": np.full(n, np.nan, dtype=np.float32),
        "teacher_box": nan4.copy(),
        "teacher_confidence": np.full(n, np.nan, dtype=np.float32),
        "tracker": np.zeros(n, dtype=np.uint8),
    }
    for frame, record in records.items():
        if not 0 <= frame < n:
            continue
        if record.box is not None:
            labels["box"][frame] = record.box
        if record.thermal_box is not None:
            labels["thermal_box"][frame] = record.thermal_box
        labels["absent"][frame] = record.absent
        labels["occluded"][frame] = record.occluded
        labels["provenance"][frame] = schema.PROVENANCE_CODES[Provenance(record.provenance).value]
        labels["keyframe"][frame] = record.keyframe
        if record.provenance == Provenance.STUDENT:
            labels["tracker"][frame] = schema.TRACKER_UNKNOWN
    for frame, name in tracked_by(records, tracker_outputs or {}).items():
        if name not in schema.TRACKER_CODES:
            raise ValueError(f"tracker {name!r} has no code in core.distillation.schema.TRACKER_CODES")
        if 0 <= frame < n:
            labels["tracker"][frame] = schema.TRACKER_CODES[name]
    for key, outputs in (("student", student_outputs), ("teacher", teacher_outputs)):
        for frame, (box, confidence) in (outputs or {}).items():
            if 0 <= frame < n and box is not None:
                labels[f"{key}_box"][frame] = box
                labels[f"{key}_confidence"][frame] = np.nan if confidence is None else confidence
    return labels


def _is_label(record: FrameAnnotation | None) -> bool:
    return (
        record is not None
        and not record.absent
        and Provenance(record.provenance).value in schema.LABEL_PROVENANCES
        and is_valid_box(record.box)
    )


def _is_flagged_absent(record: FrameAnnotation | None) -> bool:
    """A person (not a tracker) said the target is not visible in this frame."""
    return (
        record is not None
        and record.absent
        and Provenance(record.provenance).value in schema.LABEL_PROVENANCES
    )


def _is_human_keyframe(record: FrameAnnotation) -> bool:
    provenance = Provenance(record.provenance)
    return _is_label(record) and (record.keyframe or provenance in (Provenance.MANUAL, Provenance.IMPORTED))


def outside_frames(records: Mapping[int, FrameAnnotation], num_frames: int) -> list[int]:
    """The frames of ``records`` outside 0..``num_frames`` - 1, sorted (0-based)."""
    return sorted(frame for frame in records if not 0 <= frame < num_frames)


def off_image_frames(records: Mapping[int, FrameAnnotation], width: int, height: int) -> list[int]:
    """The frames of ``records`` whose box lies wholly outside the ``width`` x ``height``
    image (no pixel of the target to learn from), sorted (0-based); absent records and
    records without a box are never among them."""
    off = []
    for frame, record in records.items():
        if record.absent or record.box is None:
            continue
        x, y, w, h = (float(v) for v in record.box)
        if x + w <= 0 or y + h <= 0 or x >= width or y >= height:
            off.append(frame)
    return sorted(off)


def _frames_text(frames: list[int]) -> str:
    return ", ".join(str(f + 1) for f in frames[:10]) + (" ..." if len(frames) > 10 else "")


def left_out_records(records: Mapping[int, FrameAnnotation], num_frames: int,
                     frame_size: tuple[int, int] | None = None
                     ) -> tuple[dict[int, FrameAnnotation], str | None]:
    """(the records an export of ``num_frames`` frames keeps, one line telling the user
    which it leaves out, or None when every record fits). Left out: frames the sequence does
    not have and, with ``frame_size`` (width, height), boxes wholly outside the image (a box
    with no pixel of the image is no label: a crop of padding). Frames 1-based in the line,
    as the studio shows them."""
    parts = []
    outside = outside_frames(records, num_frames)
    if outside:
        parts.append(f"{plural(len(outside), 'annotated frame')} outside the sequence's {num_frames} frames left out "
                     f"(frames {_frames_text(outside)})")
    kept = {frame: record for frame, record in records.items() if 0 <= frame < num_frames}
    if frame_size is not None:
        off = off_image_frames(kept, *frame_size)
        if off:
            parts.append(f"{plural(len(off), 'box', 'boxes')} wholly outside the {frame_size[0]}x{frame_size[1]} image left out "
                         f"(frames {_frames_text(off)})")
        for frame in off:
            del kept[frame]
    return kept, "; ".join(parts) or None


def outside_frames_note(records: Mapping[int, FrameAnnotation], num_frames: int,
                        frame_size: tuple[int, int] | None = None) -> str | None:
    """The line of :func:`left_out_records` alone (None when every record fits)."""
    return left_out_records(records, num_frames, frame_size)[1]


def plan_samples(records: Mapping[int, FrameAnnotation], num_frames: int | None = None) -> list[tuple[int, int, int]]:
    """(frame, template_frame, previous_label_frame) for every sample to write.

    The first human keyframe serves as the template until the next one; the search crop
    of ``frame`` is centred on the label of the nearest earlier labelled frame. Frames
    flagged absent by a person are planned too (negatives) but never serve as
    ``previous``: the crop stays where the target was last seen. With ``num_frames``,
    records outside 0..num_frames - 1 are left out (never a sample, template or previous).
    """
    plan = []
    template_frame = None
    previous = None
    for frame in sorted(records):
        if num_frames is not None and not 0 <= frame < num_frames:
            continue
        record = records[frame]
        if _is_flagged_absent(record):
            if template_frame is not None and previous is not None:
                plan.append((frame, template_frame, previous))
            continue
        if not _is_label(record):
            continue
        if template_frame is not None and previous is not None:
            plan.append((frame, template_frame, previous))
        if _is_human_keyframe(record):
            template_frame = frame
        previous = frame
    return plan


def holdout_check(records: Mapping[int, FrameAnnotation], num_frames: int, holdout_fraction: float,
                  frame_size: tuple[int, int] | None = None):
    """Whether fine-tuning on an export of ``records`` could judge itself (a
    ``core.distillation.dataset.HoldOutCheck``: a held-out frame with a box to score, a
    sample left to train on; its ``problem()`` line says what is missing), from the records
    alone, before any export: the samples :func:`export_distillation` would write (records
    it leaves out, with ``frame_size`` (width, height) also boxes wholly outside the image,
    left out) split by the rule of ``core.distillation.dataset.load_items``."""
    from core.distillation.dataset import check_holdout

    kept, _note = left_out_records(records, num_frames, frame_size)
    plan = plan_samples(kept, num_frames)
    return check_holdout([(frame, bool(kept[frame].absent)) for frame, _t, _p in plan], holdout_fraction,
                         num_frames)


#: fewer held-out frames with a box than this and a fine-tune's before/after scores cannot say
#: whether the student got better or worse (one or two frames at the sequence's end decide them)
FEW_HELD_OUT = 5


def more_frames_for(records: Mapping[int, FrameAnnotation], num_frames: int, holdout_fraction: float,
                    frame_size: tuple[int, int] | None = None, wanted: int = FEW_HELD_OUT) -> int:
    """How many more frames with a box after the last sample of ``records`` give ``wanted``
    held-out frames with a box (the rule of :func:`holdout_check`); 0 when they already do or
    nothing is held out (``holdout_fraction`` 0)."""
    from core.distillation.dataset import check_holdout

    if holdout_fraction <= 0:
        return 0
    kept, _note = left_out_records(records, num_frames, frame_size)
    samples = [(frame, bool(kept[frame].absent)) for frame, _t, _p in plan_samples(kept, num_frames)]
    last = max((frame for frame, _a in samples), default=-1)
    for more in range(0, 4 * wanted + 2 * len(samples) + 1000):
        extra = [(last + 1 + k, False) for k in range(more)]
        if check_holdout(samples + extra, holdout_fraction).scored >= wanted:
            return more
    return more


def export_distillation(
    sequence: RGBTSequence,
    records: Mapping[int, FrameAnnotation],
    out_path: str | Path,
    teacher: TeacherRunner,
    *,
    frames_mode: str = "referenced",
    student_outputs: Mapping[int, tuple] | None = None,
    teacher_outputs: Mapping[int, tuple] | None = None,
    tracker_outputs: Mapping[str, Mapping[int, tuple]] | None = None,
    student_model: str = "",
    student_weights: str | None = None,
    frame_offset: int | None = None,
) -> Job[Path]:
    """Write one sequence's distillation file; yields Progress, returns the path.

    Closing the generator midway deletes the partial file and keeps any earlier one.
    ``out_path`` is checked before any work (``core.fileio.check_output``): never the
    sequence's frames, its ground truth or an annotation store (OutputError); an earlier
    file at ``out_path`` is replaced. ``tracker_outputs`` (tracker name -> the store's
    ``tracker_outputs(name)``) records which tracker made each machine-tracked box
    (``labels/tracker``; see :func:`labels_from_records`); None = not known. Its
    ``student`` and ``teacher`` entries are also the raw outputs the file stores, unless
    ``student_outputs`` / ``teacher_outputs`` are given.

    ``frame_offset`` (thermal index = visible index + offset) is recorded in the file;
    None: the sequence's own (``sequence.frame_offset``, 0 for a sequence without one).
    The crops are cut from ``sequence`` as it is, so a given offset must equal the
    sequence's own (ValueError otherwise): open the pair with the offset first.

    Records at frames outside 0..len(sequence) - 1 are left out of the labels and the
    samples, and so are boxes wholly outside the image (:func:`off_image_frames`); the first
    Progress message says how many (:func:`outside_frames_note`).
    """
    from core.annotations.formats.gt_files import protected_inputs
    from core.fileio import check_output

    info = sequence.info
    check_output(out_path, protected=protected_inputs(info), force=True, option="the distillation file")
    _check_utf8(info)
    own_offset = int(getattr(sequence, "frame_offset", 0) or 0)
    if frame_offset is None:
        frame_offset = own_offset
    elif int(frame_offset) != own_offset:
        raise ValueError(f"frame_offset {frame_offset} differs from the sequence's own ({own_offset}); "
                         "the crops are cut from the sequence as opened")
    num_frames = len(sequence)
    records, note = left_out_records(records, num_frames, (int(info.width), int(info.height)))
    cfg = teacher.model_config
    header = FileHeader(
        frames_mode=frames_mode,
        template_size=int(cfg.template_size),
        search_size=int(cfg.search_size),
        feature_size=int(cfg.feature_size),
        template_factor=float(cfg.template_factor),
        search_factor=float(cfg.search_factor),
        teacher_model=teacher.model_name,
        teacher_sha256=weights_sha256(teacher.weights_path),
        student_model=student_model,
        student_sha256=weights_sha256(student_weights),
    )
    attrs = SequenceAttrs(
        name=info.name,
        visible_source=_absolute(info.visible_source),
        thermal_source=_absolute(info.thermal_source),
        width=int(info.width),
        height=int(info.height),
        num_frames=num_frames,
        frame_offset=int(frame_offset),
        layout=info.layout,
    )
    if tracker_outputs:
        student_outputs = student_outputs if student_outputs is not None else tracker_outputs.get("student")
        teacher_outputs = teacher_outputs if teacher_outputs is not None else tracker_outputs.get("teacher")
    labels = labels_from_records(records, num_frames, student_outputs, teacher_outputs, tracker_outputs)
    plan = plan_samples(records, num_frames)
    out_path = Path(out_path)
    yield Progress(0, len(plan), f"distillation export of {info.name}" + (f"; {note}" if note else ""))
    template_cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    with DistillationWriter(out_path, header) as writer:
        seq_writer = writer.begin_sequence(attrs, labels)
        for done, (frame, template_frame, previous) in enumerate(plan, start=1):
            if template_frame not in template_cache:
                template_cache.clear()  # one template at a time: memory stays flat
                pair = sequence[template_frame]
                box = records[template_frame].box
                zv, _ = sample_target(pair.visible, box, cfg.template_factor, cfg.template_size)
                zt, _ = sample_target(pair.thermal, box, cfg.template_factor, cfg.template_size)
                template_cache[template_frame] = (zv, zt, normalize_visible(zv)[None], normalize_thermal(zt)[None])
            zv, zt, zv_n, zt_n = template_cache[template_frame]
            pair = sequence[frame]
            previous_box = records[previous].box
            xv, geometry = sample_target(pair.visible, previous_box, cfg.search_factor, cfg.search_size)
            xt, _ = sample_target(pair.thermal, previous_box, cfg.search_factor, cfg.search_size)
            outputs = teacher.engine.run(zv_n, zt_n, normalize_visible(xv)[None], normalize_thermal(xt)[None])
            score, size, offset = (np.asarray(o)[0] for o in outputs[:3])
            sample = Sample(
                frame=frame,
                template_frame=template_frame,
                template_box=np.asarray(records[template_frame].box, dtype=np.float64),
                search_geometry=geometry.as_array(),
                score_map=score,
                size_map=size,
                offset_map=offset,
            )
            if frames_mode == "embedded":
                sample.template_visible, sample.template_thermal = zv, zt
                sample.search_visible, sample.search_thermal = xv, xt
            seq_writer.add_sample(sample)
            yield Progress(done, len(plan), f"frame {frame + 1}")
    return out_path


def _check_utf8(info) -> None:
    """ExportError naming the sequence's source when its name or a source path is not valid
    UTF-8 (a folder named with a Latin-1 byte on Linux): the file stores them as UTF-8 text,
    and h5py stopped with a UnicodeEncodeError traceback after the teacher was loaded."""
    from core.errors import ExportError

    sources = [Path(s) for s in (info.visible_source, info.thermal_source) if s]
    for text in [str(info.name), *map(_absolute, sources)]:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            where = sources[0] if sources else Path(str(info.name))
            raise ExportError(where, "the sequence's name or path is not valid UTF-8 text (a byte such as \\xff "
                                     "in a folder name); the distillation file stores names and paths as UTF-8: "
                                     "rename the folder") from None


def _absolute(source) -> str:
    """A source path as stored: absolute and resolved ("" for none), so the file can be
    read from any folder."""
    return str(Path(source).resolve()) if source else ""


__all__ = ["FEW_HELD_OUT", "TeacherRunner", "export_distillation", "holdout_check", "labels_from_records", "left_out_records", "more_frames_for", "off_image_frames",
           "outside_frames", "outside_frames_note", "plan_samples"]
