"""A window of an opened sequence's frames, with boxes the project keeps: a labelled view.

The shared footage includes RGB-T pairs without boxes, and the data folder is read-only;
the project annotates a window of such a pair and keeps the boxes itself (listed in the
split file, ``core.real_split``). :class:`WindowSequence` is that window as a sequence of
its own, so a benchmark runs on it as on any sequence:

- ``len(view)`` = ``stop - start``; ``view[i]`` is the base's frame ``start + i`` with
  ``FramePair.index`` = ``i`` (0-based within the window, as every sequence numbers its
  frames);
- ``ground_truth()``: the given records, ``{i: core.annotations.records.FrameAnnotation}``
  keyed by window frame (the form ``RGBTSequence.ground_truth`` returns), or None;
- ``info``: a copy of the base's (layout, sources, size, ``visible_only`` /
  ``thermal_only``) with ``num_frames`` = the window's length, its own ``name`` when
  given and a note naming the window and the boxes file;
- ``close()`` closes the base.

**Boxes file** (:func:`read_window_boxes`): one ``x,y,w,h`` line per frame of the window,
in order (float pixels of the visible grid, top-left corner; ``NaN,NaN,NaN,NaN``, or
w or h <= 0, = target absent), read by the reader of every ``groundtruth.txt``
(``core.annotations.formats.text.read_boxes``: commas, spaces or tabs; an 8-value polygon
row is taken as its bounding box). Records have provenance ``imported`` and no separate
thermal box (a video pair's thermal frame is resampled onto the visible grid).
A missing file, a malformed line, a line count other than the window's length or a
window past the sequence's end is one ``ConfigError`` naming the file and the problem.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.errors import AnnotationFormatError, ConfigError
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.cache import check_index


class WindowSequence(RGBTSequence):
    """Frames ``start`` .. ``stop - 1`` (0-based, half-open) of ``base`` as a sequence of
    ``stop - start`` frames (see the module docstring). ``records``: ground truth keyed by
    window frame, or None. ``name``: the view's name (default: the base's). ``boxes``:
    the boxes file, named in ``info.notes``. ValueError when the range is empty or does
    not lie within ``base``."""

    def __init__(self, base: RGBTSequence, start: int, stop: int, records: Mapping[int, Any] | None = None, *,
                 name: str | None = None, boxes: str | Path | None = None):
        start, stop = int(start), int(stop)
        if not 0 <= start < stop <= len(base):
            raise ValueError(f"window [{start}, {stop}) does not lie within the {len(base)} frames of {base.name}")
        self._base = base
        self._start = start
        self._records = None if records is None else dict(records)
        note = f"frames {start + 1}-{stop} of the {len(base)} of {base.name}"
        if boxes is not None:
            note += f"; boxes from {boxes}"
        self._info = dataclasses.replace(base.info, name=name or base.info.name, num_frames=stop - start,
                                         notes=[*base.info.notes, note])

    @property
    def start(self) -> int:
        """The base's frame (0-based) that is this window's frame 0."""
        return self._start

    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return self._info.num_frames

    def __getitem__(self, index: int) -> FramePair:
        index = check_index(index, len(self))
        return dataclasses.replace(self._base[self._start + index], index=index)

    def ground_truth(self) -> dict[int, Any] | None:
        """The window's records keyed by window frame (a new dict each call), or None."""
        return None if self._records is None else dict(self._records)

    def close(self) -> None:
        self._base.close()


def read_window_boxes(path: str | Path, length: int, window: str = "the window") -> dict[int, Any]:
    """The boxes file ``path`` (see the module docstring) as records keyed 0 .. ``length - 1``.

    ``window`` names the window in the error (``"frames 81-200"``). ConfigError naming the
    file when it is missing, malformed (with the line) or has other than ``length`` lines.
    """
    from core.annotations.formats.rows import records_from_rows
    from core.annotations.formats.text import read_boxes

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: boxes file not found (one x,y,w,h line per frame of {window})")
    try:
        rows = read_boxes(path)
    except AnnotationFormatError as error:
        raise ConfigError(str(error)) from None
    if len(rows) != length:
        raise ConfigError(f"{path}: {len(rows)} box lines for the {length} frames of {window}; one x,y,w,h line "
                          "per frame (NaN,NaN,NaN,NaN where the target is absent)")
    return records_from_rows(rows)


def open_window(folder: str | Path, boxes: str | Path, frames: tuple[int, int] | None = None, *,
                name: str | None = None, cache_frames: int = 16) -> WindowSequence:
    """The sequence folder ``folder`` (``core.sequences.open_sequence``) cut to ``frames``
    (``(first, last)``, 1-based, inclusive; None = every frame) with the boxes of the file
    ``boxes`` as its ground truth. ConfigError naming the boxes file when the window runs
    past the sequence's end or the file does not fit (:func:`read_window_boxes`);
    SequenceError when the folder does not open."""
    from core.sequences.open_folder import open_sequence

    base = open_sequence(folder, cache_frames=cache_frames)
    try:
        length = len(base)
        first, last = frames if frames is not None else (1, length)
        window = f"frames {first}-{last}" if frames is not None else f"all {length} frames"
        if not 1 <= first <= last <= length:
            raise ConfigError(f"{boxes}: {window} of {folder} run past the sequence's end ({length} frames)")
        records = read_window_boxes(boxes, last - first + 1, f"{window} of {Path(folder).name}")
    except BaseException:
        base.close()
        raise
    return WindowSequence(base, first - 1, last, records, name=name, boxes=boxes)
