"""Opening a dataset sequence folder, or a video given on its own, as a sequence
(:func:`open_sequence`): the streams of the layout ``core.sequences.layouts`` detects, as a
:class:`~core.sequences.pair.PairSequence` with the folder's ground truth, and the name a
lone video's sequence takes."""
from __future__ import annotations

from pathlib import Path

from core.errors import SequenceError
from core.sequences.declared import declared_fps, exported_fps, exported_one_stream
from core.sequences.image_files import folder_name
from core.sequences.image_sources import FolderSource
from core.sequences.layouts import (
    detect_layout,
    find_pair,
    grey_taken_as_thermal,
    lone_video_file,
    thermal_only_folder,
    video_streams,
)
from core.sequences.names import named_by_folder
from core.sequences.pair import PairSequence
from core.sequences.sources import open_source
from core.sequences.stream_checks import MODALITY_OF_WORD, refuse_non_video
from core.sequences.video_source import VideoSource


def lone_video_name(video: Path) -> str:
    """The sequence name of a video opened alone: its file's stem (``flight_0042.avi`` ->
    ``flight_0042``), or its folder's name when the stem names only a modality
    (``antiuav-4/thermal.avi`` -> ``antiuav-4``), as :func:`core.sequences.names.sequence_name` does."""
    return named_by_folder(video, video.stem)


def folder_sequence_of(video: Path) -> tuple[Path, str] | None:
    """``(folder, layout)`` when the video ``video``, given on its own, is the whole sequence of its
    folder: named only by a modality (``antiuav-4/thermal.avi``, so named after the folder, as
    :func:`lone_video_name` does) and the folder's one stream. Its ground truth is then the folder's
    (it said 'ships no ground truth' beside ``antiuav-4/groundtruth.txt``). None otherwise: a pair's
    one video (the folder's ground truth is the pair's), or ``clip.mp4`` (named by itself)."""
    if video.stem.lower() not in MODALITY_OF_WORD:
        return None
    folder = video.resolve().parent
    try:
        layout = detect_layout(folder)
        streams = [s for s in video_streams(folder) if s is not None] or [lone_video_file(folder)]
    except (SequenceError, OSError):
        return None
    if layout.endswith("-video") and [s.resolve() if s else None for s in streams] == [video.resolve()]:
        return folder, layout
    return None


def open_sequence(folder: str | Path, *, frame_offset: int = 0, cache_frames: int = 16) -> PairSequence:
    """Open a dataset sequence folder, auto-detecting its layout (:func:`detect_layout`), or a
    video given on its own (a one-stream sequence named by :func:`lone_video_name`, without ground truth
    unless it is its folder's whole sequence: :func:`folder_sequence_of`).

    ``ground_truth()`` of the result reads the folder's GT files lazily with
    ``core.annotations.formats.load_ground_truth`` (None when there are none).
    """
    folder = Path(folder)
    layout = detect_layout(folder)
    alone = folder.is_file()  # a video given on its own
    gt_place = folder_sequence_of(folder) if alone else (folder, layout)

    def load_gt():
        from core.annotations.formats import load_ground_truth

        return None if gt_place is None else load_ground_truth(*gt_place)

    def missing_box(frame: int):
        from core.annotations.formats.groundtruth import missing_box_reason

        return None if gt_place is None else missing_box_reason(*gt_place, frame)

    pair = None if alone else find_pair(folder)
    visible: FolderSource | VideoSource | None
    thermal: FolderSource | VideoSource | None
    if pair is not None:
        visible = FolderSource(folder / pair[0])
        thermal = FolderSource(folder / pair[1])
        one_stream = exported_one_stream(folder)
        if one_stream == "thermal":  # visible/ holds the thermal frames again
            visible = None
        elif one_stream == "visible":  # infrared/ holds the visible frames' luminance
            thermal = None
    elif layout in ("video-pair", "thermal-video", "visible-video"):
        # a video, or beside one an image folder; else a lone video (clip.mp4, or the folder's only video)
        visible_stream, thermal_stream = video_streams(folder) if folder.is_dir() else (None, None)
        if visible_stream is None and thermal_stream is None:  # its modality is the layout's, decided once
            video = lone_video_file(folder)
            visible_stream, thermal_stream = (video, None) if layout == "visible-video" else (None, video)
        for stream in (visible_stream, thermal_stream):  # as a pair's streams: an empty file says so
            if stream is not None:
                refuse_non_video(stream)
        visible = open_source(visible_stream) if visible_stream is not None else None
        thermal = open_source(thermal_stream) if thermal_stream is not None else None
    else:
        images = thermal_only_folder(folder)
        assert images is not None  # detect_layout succeeded
        if layout in ("visible-only", "got10k-visible"):
            visible, thermal = FolderSource(images), None
        else:
            visible, thermal = None, FolderSource(images)
    # a pair's rate: its export marker's, else (as for one folder) a SOURCE.txt 'fps:' line, the place to state it
    fps = (exported_fps(folder) if pair is not None else None) or declared_fps(folder)
    for source in (visible, thermal) if fps else ():
        if isinstance(source, FolderSource):
            source.fps = fps
    grey = grey_taken_as_thermal(folder, layout) if pair is None else None
    return PairSequence(visible, thermal, name=lone_video_name(folder) if alone else folder_name(folder), layout=layout,
                        frame_offset=frame_offset, cache_frames=cache_frames, ground_truth_loader=load_gt,
                        missing_box_reason=missing_box, notes=[grey] if grey else None)
