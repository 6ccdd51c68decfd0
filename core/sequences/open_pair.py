"""Opening a visible and a thermal stream given as two paths (:func:`open_pair`: two videos,
two image folders, or one of each) as a :class:`~core.sequences.pair.PairSequence`, with the
ground truth of the folder whose own pair they are."""
from __future__ import annotations

from pathlib import Path

from core.sequences.layouts import video_streams
from core.sequences.names import sequence_name
from core.sequences.pair import PairSequence
from core.sequences.sources import open_source
from core.sequences.stream_checks import refuse_non_video, refuse_sequence_folder, refuse_swapped


def open_pair(visible: str | Path, thermal: str | Path, *, frame_offset: int = 0,
              cache_frames: int = 16) -> PairSequence:
    """Open a visible and a thermal stream: each a video file or an image folder.

    ``frame_offset``: thermal index = visible index + offset (can be changed later via
    ``sequence.frame_offset``). Raises SequenceError naming the file on any problem.
    """
    visible, thermal = Path(visible), Path(thermal)
    for path in (visible, thermal):
        refuse_non_video(path)
        refuse_sequence_folder(path)
    refuse_swapped(visible, thermal)
    v_source = open_source(visible)
    t_source = open_source(thermal)
    kind = "folder-pair" if visible.is_dir() and thermal.is_dir() else "video-pair"
    return PairSequence(v_source, t_source, name=sequence_name(visible, thermal), layout=kind,
                        frame_offset=frame_offset, cache_frames=cache_frames,
                        ground_truth_loader=_beside_videos_ground_truth(visible, thermal))


def _beside_videos_ground_truth(visible: Path, thermal: Path):
    """The ground-truth loader of a video pair that is its folder's own pair (the folder
    opens as the ``video-pair`` layout with exactly these two streams, e.g. ``synth --layout
    video``, the demo, or ``visible.mp4`` + ``thermal/``): its ``groundtruth.txt`` then belongs
    to them, as when the folder itself is opened. None for any other pair (whose boxes nothing
    says are theirs)."""
    video = visible if visible.is_file() else thermal
    if not video.is_file():
        return None
    folder = video.resolve().parent
    if video_streams(folder) != (visible.resolve(), thermal.resolve()):
        return None

    def load():
        from core.annotations.formats import load_ground_truth

        return load_ground_truth(folder, "video-pair")

    return load
