"""What an export says besides its files: the one-line summary of what its rows hold
(:func:`export_summary`) and the warnings about what the target format cannot hold or will
read differently (:func:`export_warnings`: boxes touching the origin, fractions rounded to whole
pixels, occluded flags with no place (:func:`occlusion_lost`), absent rows a toolkit scores as
misses (:func:`absence_unscored`), unlabelled frames), and the note on a stand-in stream
(:func:`stand_in_note`). Pure functions of the records; the exporters
(``core.annotations.formats.export``, ``annotation_export``) and ``convert`` put them in their
results."""
from __future__ import annotations

from collections.abc import Mapping

from core.annotations.formats.rows import WHOLE_PIXEL_FORMATS, touching_origin
from core.annotations.records import FrameAnnotation, Provenance
from core.wording import plural, verb

#: how the export summary names each provenance
PROVENANCE_WORDS = {Provenance.MANUAL: "drawn", Provenance.INTERPOLATED: "interpolated",
                    Provenance.STUDENT: "tracked", Provenance.TEACHER: "accepted from the teacher",
                    Provenance.IMPORTED: "imported"}


def export_summary(records: Mapping[int, FrameAnnotation], num_frames: int) -> str:
    """One line on what an export of ``records`` over ``num_frames`` frames writes, e.g.
    ``560 frames: 557 boxes (1 drawn, 556 tracked), 2 absent, 1 not annotated``: the boxes by
    provenance (``PROVENANCE_WORDS``, in that order), the frames marked absent, and the frames
    without any record (written as absent rows too)."""
    by_provenance = dict.fromkeys(PROVENANCE_WORDS, 0)
    absent = 0
    for frame, record in records.items():
        if not 0 <= frame < num_frames:
            continue
        if record.absent or record.box is None:
            absent += 1
        else:
            by_provenance[record.provenance] += 1
    boxes = sum(by_provenance.values())
    kinds = ", ".join(f"{count} {PROVENANCE_WORDS[p]}" for p, count in by_provenance.items() if count)
    parts = [f"{boxes} box{'es' if boxes != 1 else ''}" + (f" ({kinds})" if kinds else "")]
    if absent:
        parts.append(f"{absent} absent")
    missing = num_frames - boxes - absent
    if missing:
        parts.append(f"{missing} not annotated")
    return f"{num_frames} frame{'s' if num_frames != 1 else ''}: " + ", ".join(parts)


#: how the warnings name a format whose files hold whole pixels
FORMAT_NAMES = {"lasher": "LasHeR", "rgbt234": "RGBT234", "gtot": "GTOT", "lasot": "LaSOT"}


def fractional_boxes(records: Mapping[int, FrameAnnotation], num_frames: int) -> list[int]:
    """Frames (sorted) in ``0..num_frames-1`` whose visible or thermal box has a value that is not a
    whole number: what a format of whole pixels rounds (``core.annotations.formats.rows.whole_pixel_rows``)."""
    def fractional(box) -> bool:
        return box is not None and any(float(v) != round(float(v)) for v in box)

    return sorted(f for f, r in records.items()
                  if 0 <= f < num_frames and not r.absent and (fractional(r.box) or fractional(r.thermal_box)))


def export_warnings(records: Mapping[int, FrameAnnotation], num_frames: int, *, lasher_rows: bool,
                    target: str | None = None) -> list[str]:
    """What the user should know about an export of ``records`` over ``num_frames`` frames:
    unlabelled frames written as absent, with ``lasher_rows`` (files the LasHeR scorer
    reads) boxes touching x = 0 or y = 0, which that scorer takes for absent rows, and with a
    ``target`` format whose files hold whole pixels (``WHOLE_PIXEL_FORMATS``) how many boxes
    were rounded to them; and the occluded flags the ``target`` format has no place for
    (:func:`occlusion_lost`), and frames without a box in a format whose toolkit has no absent target
    (:func:`absence_unscored`)."""
    out = []
    whole = target in WHOLE_PIXEL_FORMATS
    touching = touching_origin(records, whole_pixels=whole) if lasher_rows else []
    if touching:
        shown = ", ".join(str(f + 1) for f in touching[:10]) + (" ..." if len(touching) > 10 else "")
        out.append(
            f"{plural(len(touching), 'box', 'boxes')} {verb(len(touching), 'touches', 'touch')} x = 0 or y = 0 "
            f"(frames {shown}); the LasHeR scorer reads such rows as absent"
        )
    rounded = fractional_boxes(records, num_frames) if whole else []
    if rounded:
        out.append(f"{plural(len(rounded), 'box', 'boxes')} not on whole pixels: {FORMAT_NAMES[target]} files hold "
                   "whole pixels, so each edge is written to its nearest pixel (at most half a pixel off); "
                   "GOT-10k or plain x,y,w,h files keep the fractions")
    lost = occlusion_lost(records, num_frames, target)
    if lost is not None:
        out.append(lost)
    unscored = absence_unscored(records, num_frames, target)
    if unscored is not None:
        out.append(unscored)
    unlabelled = num_frames - sum(1 for f in records if 0 <= f < num_frames)
    if unlabelled:  # the row as the target's files hold it: a VOT export's read "(0,0,0,0)" over 8-value rows
        out.append(f"{plural(unlabelled, 'frame')} {verb(unlabelled, 'has', 'have')} no annotation and "
                   f"{verb(unlabelled, 'is', 'are')} written as absent ({ABSENT_ROWS.get(target, '0,0,0,0')})")
    return out


#: the row a format's files hold for a frame without a box, where it is not 0,0,0,0
ABSENT_ROWS = {"gtot": "0 0 0 0", "vot": "0,0,0,0,0,0,0,0"}


#: how the occlusion note names a target format
TARGET_NAMES = {**FORMAT_NAMES, "got10k": "GOT-10k", "vot": "VOT", "xywh": "plain x,y,w,h"}


def occlusion_lost(records: Mapping[int, FrameAnnotation], num_frames: int, target: str | None) -> str | None:
    """The note for an export to ``target`` whose files cannot hold some of the occluded flags
    of ``records`` (over ``0..num_frames-1``), or None: LasHeR, RGBT234, GTOT and plain
    x,y,w,h files have no occlusion field at all (an occluded box reads back as a plain box, a
    full occlusion as a plain absence), LaSOT's ``full_occlusion.txt`` holds full occlusions
    only (a partly occluded box reads back as a plain box). GOT-10k's ``cover.label`` and VOT's
    ``occlusion.label`` keep both; an unknown ``target`` (None) says nothing."""
    if target is None or target in ("got10k", "vot") or target not in TARGET_NAMES:
        return None
    partial = target == "lasot"
    frames = sorted(f for f, r in records.items()
                    if 0 <= f < num_frames and r.occluded and (not partial or not r.absent))
    if not frames:
        return None
    one = len(frames) == 1
    what = (f"LaSOT files hold full occlusions only (full_occlusion.txt), so {'its box reads' if one else 'their boxes read'}"
            " back as not occluded" if partial else f"{TARGET_NAMES[target]} files have no occlusion flag, so "
            f"{'it reads' if one else 'they read'} back as not occluded")
    return (f"{plural(len(frames), 'frame')} marked {'partly ' if partial else ''}occluded ({_frames_text(frames)}): "
            f"{what}; GOT-10k's cover.label and VOT's occlusion.label keep the flag")


def _frames_text(frames: list[int]) -> str:
    """0-based ``frames`` as the user counts them: ``frame 2``, ``frames 2, 6``, the first 10 then ``...``."""
    shown = ", ".join(str(f + 1) for f in frames[:10]) + (" ..." if len(frames) > 10 else "")
    return f"frame{'s' if len(frames) > 1 else ''} {shown}"


#: formats whose toolkits have no absent target (formats.md: RGBT234 "none", GTOT "not encoded"; the
#: project's protocols of those names: ``invalid_gt="none"``)
NO_ABSENCE_FORMATS = {"rgbt234": "RGBT234", "gtot": "GTOT"}


def absence_unscored(records: Mapping[int, FrameAnnotation], num_frames: int, target: str | None) -> str | None:
    """The note for an export to a format whose toolkit knows no absent target
    (:data:`NO_ABSENCE_FORMATS`) when frames of ``0..num_frames-1`` are written as ``0,0,0,0``
    rows (marked absent, or not annotated): that toolkit scores such a row as a box every
    tracker misses, where LasHeR's reads it as absent. None otherwise."""
    if target not in NO_ABSENCE_FORMATS:
        return None
    frames = [f for f in range(num_frames)
              if (record := records.get(f)) is None or record.absent or record.box is None]
    if not frames:
        return None
    name, row = NO_ABSENCE_FORMATS[target], ABSENT_ROWS.get(target, "0,0,0,0")
    return (f"{plural(len(frames), 'frame')} without a box ({_frames_text(frames)}) {verb(len(frames), 'is', 'are')} "
            f"written as {f'a {row} row' if len(frames) == 1 else f'{row} rows'}, and the {name} toolkit has no absent "
            "target: "
            "it scores "
            f"{'that frame' if len(frames) == 1 else 'those frames'} against a box of no size at 0,0, a miss for "
            "a tracker's box there (the LasHeR toolkit reads such rows as absent)")


def stand_in_note(sequence, visible_folder: str, thermal_folder: str) -> str | None:
    """The line an export says when one modality's frames are a stand-in for a stream the
    sequence lacks (an RGB-T layout needs both folders): a visible-only sequence's
    ``thermal_folder`` holds the visible frames' luminance, a thermal-only sequence's
    ``visible_folder`` the thermal frames. None for a sequence with both streams."""
    info = sequence.info
    if getattr(info, "visible_only", False):
        return (f"visible-only sequence: {thermal_folder} holds the visible frames' luminance, not thermal "
                "images (the layout needs both streams; do not score or train on it as thermal)")
    if getattr(info, "thermal_only", False):
        return (f"thermal-only sequence: {visible_folder} holds the thermal frames, not visible images "
                "(the layout needs both streams; do not score or train on it as visible)")
    return None
