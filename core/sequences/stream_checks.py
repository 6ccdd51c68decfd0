"""Checks of a path given as one stream of a pair, the words that name a stream's modality, and
the notes on two streams that pair badly (gaps in a folder's numbering, frame rates that differ).

A user gives streams as paths (``track VISIBLE THERMAL``, Open pair, a drop): each must be a video
or a folder of frames (:func:`refuse_non_video`, :func:`refuse_sequence_folder`), and the two must not
be named the other way round (:func:`refuse_swapped`). The words (:data:`VISIBLE_STEMS`,
:data:`THERMAL_STEMS`, :data:`MODALITY_OF_WORD`) are how a file or folder name says its modality:
``visible.mp4``, ``IR/``, ``modality: thermal`` in a ``SOURCE.txt``.
"""
from __future__ import annotations

from pathlib import Path

from core.errors import SequenceError
from core.sequences.frame_source import FrameSource
from core.sequences.image_files import IMAGE_EXTENSIONS, folder_name, has_images, missing_numbers
from core.sequences.image_sources import tiff_pages
from core.sequences.video_source import VideoSource

VISIBLE_STEMS = ("visible", "visual", "rgb", "color", "colour", "vis")
THERMAL_STEMS = ("infrared", "thermal", "ir", "tir", "lwir")
#: a stream's name (lower case) -> the modality it says
MODALITY_OF_WORD = {**{w: "visible" for w in VISIBLE_STEMS + ("optical",)}, **{w: "thermal" for w in THERMAL_STEMS}}


_NOT_VIDEO = (
    (b"SQLite format 3\x00", "an SQLite database (an annotation store?)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (distillation data?)"),
    (b"PK\x03\x04", "a zip archive (a checkpoint?)"),
    (b"%PDF", "a PDF document"),
)


def refuse_non_video(path: Path) -> None:
    """SequenceError when the file ``path`` is plainly not a video: empty, text, one image
    (``IMAGE_EXTENSIONS``), or a known non-video format (folders and missing paths are left
    to ``open_source``)."""
    if not path.is_file():
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise SequenceError(path, f"cannot be read ({error.strerror or error})") from None
    if not head:
        raise SequenceError(path, "is empty (0 bytes), not a video")
    for magic, what in _NOT_VIDEO:
        if head.startswith(magic):
            raise SequenceError(path, f"is {what}, not a video")
    if path.suffix.lower() in IMAGE_EXTENSIONS and tiff_pages(path) <= 1:  # OpenCV opens it as a video of one frame
        raise SequenceError(path, f"is one image, not a stream of frames; give its folder ({path.parent}) "
                                  "or a video")
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return
        raise SequenceError(path, "is a text file, not a video (give a video file or a folder of frames)")


def refuse_sequence_folder(path: Path) -> None:
    """SequenceError when the folder ``path``, given as one stream of a pair, holds no images
    itself but is a whole sequence folder (``visible/`` + ``infrared/``, a video pair, ...):
    it was 'folder holds no images', which sent the user looking for missing frames."""
    if not path.is_dir() or has_images(path):  # listing and sorting every frame to see one took 1 s
        return
    from core.sequences.layouts import detect_layout  # layouts imports this module (open_pair's checks)

    try:
        layout = detect_layout(path)
    except SequenceError:
        return  # not a sequence folder either: open_source says what is missing
    raise SequenceError(path, f"is a whole sequence folder ({layout} layout), not one stream of frames: give it "
                              "alone (once), or its visible and its thermal frame folder or video")


def named_modality(path: Path) -> str | None:
    """``visible`` / ``thermal`` when the name of the video (its stem) or frame folder ``path``
    is a modality word (``visible``, ``rgb``, ``infrared``, ``thermal``, ``ir``, ...), else None."""
    name = path.stem if path.is_file() else folder_name(path)
    return MODALITY_OF_WORD.get(name.lower())


def refuse_swapped(visible: Path, thermal: Path) -> None:
    """SequenceError when the stream given as visible is named thermal and the one given as
    thermal is named visible (``infrared.mp4 visible.mp4``): the pair opened the wrong way round,
    the networks fed each stream as the other, without a word. Names that say nothing, or agree,
    pass."""
    if named_modality(visible) == "thermal" and named_modality(thermal) == "visible":
        raise SequenceError(visible, f"is given as the visible stream and {thermal.name} as the thermal one, but "
                                     "their names say the other way round: the streams look swapped; give the "
                                     "visible stream first")


def _missing_numbers_words(visible: FrameSource, thermal: FrameSource) -> list[str]:
    """"<stream> has no frame numbered 4, 9, ..." for each stream that is an image folder whose
    numbering has gaps (at most eight numbers named)."""
    parts = []
    for word, source in (("visible", visible), ("thermal", thermal)):
        missing = missing_numbers(getattr(source, "files", None) or [])
        if missing:
            shown = ", ".join(str(n) for n in missing[:8]) + (", ..." if len(missing) > 8 else "")
            parts.append(f"{word} has no frame numbered {shown}")
    return parts


def dropped_frames(visible: FrameSource, thermal: FrameSource) -> str:
    """The words a frame-count note adds for an image folder whose numbering has gaps
    (``core.sequences.image_files.missing_numbers``): frames are paired by position, so past each gap
    the streams are a frame further apart. "" when neither stream is such a folder."""
    parts = _missing_numbers_words(visible, thermal)
    if not parts:
        return ""
    return (f" ({'; '.join(parts)}: frames are paired by position, so past each missing number the streams are "
            "a frame further apart)")


def paired_by_number(visible: FrameSource, thermal: FrameSource) -> str:
    """The note on two image folders paired by their frame numbers (``core.sequences.partners.number_partners``):
    which numbers each lacks, and what a visible frame without a thermal partner of its number gets."""
    parts = _missing_numbers_words(visible, thermal)
    return (f"{'; '.join(parts)}: frames are paired by their numbers (a visible frame whose number the thermal "
            "stream lacks gets the thermal frame of the nearest number)")


def time_ratio(visible, thermal, tolerance: float = 0.01) -> float:
    """Thermal frames per visible frame, ``thermal.fps / visible.fps``, for two videos whose frame
    rates differ by more than ``tolerance`` (relative); else 1.0 (matching rates, or an image
    folder, whose rate is not recorded): the pairing of :class:`core.sequences.pair.PairSequence`."""
    if not (isinstance(visible, VideoSource) and isinstance(thermal, VideoSource)):
        return 1.0
    if min(visible.fps, thermal.fps) <= 0:
        return 1.0
    if abs(visible.fps - thermal.fps) <= tolerance * max(visible.fps, thermal.fps):
        return 1.0
    return thermal.fps / visible.fps


def frame_rates_differ(visible, thermal, tolerance: float = 0.01) -> str | None:
    """A note when two videos play at different frame rates (:func:`time_ratio`): each visible
    frame is then paired with the thermal frame shown at its time. None for image folders
    (their rate is not recorded) or matching rates."""
    ratio = time_ratio(visible, thermal, tolerance)
    if ratio == 1.0:
        return None
    uneven = visible.frame_times() is not None or thermal.frame_times() is not None  # by each frame's own time
    return (f"frame rates differ: visible {visible.fps:g} fps, thermal {thermal.fps:g} fps"
            + (" on average" if uneven else "") + "; each visible frame is paired with the thermal frame at its time"
            + ("" if uneven else f" (thermal frame = visible frame x {ratio:.4g}, rounded)"))
