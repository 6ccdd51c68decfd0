"""How many of a video's frames open: the frame count its container gives, checked at open against
the frames that decode with a handful of reads (never the whole file), and the one line that says
why fewer open (a container that over-counts, a file cut short, damaged last frames).

Each check takes ``read`` (frame index -> the frame; SequenceError when it cannot be decoded: a
``core.sequences.video_source.VideoSource``'s), the count the container gives and the file, and
returns ``(frames that open, note or None)``; which check a file gets is the video source's choice.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.errors import SequenceError
from core.wording import plural

#: how many frames before the claimed end :func:`estimated_tail` tries when the last one does not decode
TAIL_CHECK_FRAMES = 4

Read = Callable[[int], object]


def last_decodable(read: Read, claimed: int, path: Path, *, damaged: bool) -> int:
    """The index of the last of ``claimed`` frames that decodes: the last one (one seek), else frames
    1, 2, 4, 8, ... before it are tried (a damaged tail is short) until one decodes, and the last that
    decodes is found between the two by bisection (a handful of seeks, one frame in memory at a time);
    SequenceError when not even the first frame decodes (said of damaged data when ``damaged``, else
    of a file cut short)."""
    try:
        read(claimed - 1)
        return claimed - 1
    except SequenceError:
        pass
    bad, step = claimed - 1, 1
    while True:
        at = max(0, claimed - 1 - step)
        try:
            read(at)
            break
        except SequenceError:
            if at == 0:
                raise SequenceError(path, f"none of its {claimed} frames can be decoded (damaged file?)"
                                    if damaged else f"the file is cut short: none of its {claimed} frames can "
                                                    "be decoded (truncated copy?)") from None
            bad, step = at, step * 2
    good = at
    while bad - good > 1:
        middle = (good + bad) // 2
        try:
            read(middle)
            good = middle
        except SequenceError:
            bad = middle
    return good


def readable_end(read: Read, claimed: int, path: Path, *, damaged: bool = False) -> tuple[int, str | None]:
    """A file cut short (a copy or download that stopped) keeps its header's frame count while its
    later frames are gone, and an AVI or a Matroska file whose last frames' data is damaged
    (``damaged``: a recording that stopped badly, a bad copy) keeps its index's or its blocks' count
    while they cannot be decoded: the stream ends at the last frame that decodes
    (:func:`last_decodable`), and the note says so."""
    good = last_decodable(read, claimed, path, damaged=damaged)
    if good + 1 == claimed:
        return claimed, None
    if damaged:
        lost = claimed - good - 1
        last = "its last frame cannot" if lost == 1 else f"its last {lost} frames cannot"
        return good + 1, (f"{path.name}: {last} be decoded (damaged data); "
                          f"the container reports {claimed} frames, the first {good + 1} are opened")
    return good + 1, (f"{path.name}: the file is cut short; the container reports {claimed} frames, "
                      f"the first {good + 1} can be decoded")


def matroska_end(read: Read, claimed: int, path: Path, *, cut_short: bool, reported: int) -> tuple[int, str | None]:
    """A Matroska / WebM file's blocks count its frames (``claimed``; ``core.sequences.mkv_times``), as
    an AVI's index does: its last frame is tried and, when its last frames' data is damaged, they are
    left out as an AVI's are (:func:`readable_end`, a note naming damaged data). A file cut short
    (``cut_short``: a copy, download or recording that stopped) holds the frames before the cut: it
    opens with those that decode and says it is cut short, with the count the container gives
    (``reported``: its duration x its rate; 0 when that tells nothing, as for a variable frame rate)
    when that is more."""
    if not cut_short:
        return readable_end(read, claimed, path, damaged=True)
    good = last_decodable(read, claimed, path, damaged=False)
    said = (f"the container reports {reported} frames, the first {good + 1} can be decoded"
            if reported > good + 1 else f"the first {plural(good + 1, 'frame')} can be decoded")
    return good + 1, f"{path.name}: the file is cut short; {said}"


def estimated_tail(read: Read, claimed: int, path: Path) -> tuple[int, str | None]:
    """Containers that only estimate their frame count (duration x fps; e.g. mpeg-ts, or an mkv /
    webm whose blocks cannot be read) can claim a few frames too many: the last decodable frame among
    the final :data:`TAIL_CHECK_FRAMES` + 1 ends the stream. When none of those decode, the file is
    cut off earlier: :func:`readable_end` looks for its last decodable frame."""
    for last in range(claimed - 1, max(-1, claimed - 1 - TAIL_CHECK_FRAMES), -1):
        try:
            read(last)
        except SequenceError:
            continue
        if last + 1 < claimed:
            return last + 1, f"{path.name}: the container reports {claimed} frames, {last + 1} can be decoded"
        return claimed, None
    return readable_end(read, claimed, path)


def unseekable_note(path: Path, *, cut_short: bool) -> str:
    """The note of a file OpenCV cannot seek in (no duration): its frames are found by reading from
    the first one, and its last frame is not tried at open (that would decode the whole file); it
    says the file is cut short when its blocks say so (``cut_short``)."""
    cut = "the file is cut short; " if cut_short else ""
    return (f"{path.name}: {cut}it records no duration, so its frames are found by reading from the first one: "
            "going back in a long file is slow (a copy made with ffmpeg -c copy records one)")
