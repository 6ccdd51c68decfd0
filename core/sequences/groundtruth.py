"""Ground truth of a dataset folder, aligned with the frames of an opened sequence.

The readers (``core.annotations.formats.load_ground_truth``) index records by the
*file* frame of each modality. A :class:`~core.sequences.pair.PairSequence` may start
later (negative frame offset), end earlier (common length) and resample the thermal
frame; :func:`align_ground_truth` applies the same changes to the records:

- sequence frame ``i`` shows visible frame ``v = i + visible_start``: the record of
  visible frame ``v`` becomes the record of frame ``i``; records outside
  ``[visible_start, visible_start + length)`` are dropped;
- the thermal box belongs to thermal frame ``v + offset``: it is taken from that frame's
  record, its separate thermal box or, where the thermal row equals that frame's visible
  row (LasHeR: always), that frame's box (an absent or missing record there -> None, i.e.
  "same as ``box``"; a result equal to ``box`` is None too);
- paired by time or by number (``thermal_rows`` given), the thermal box of frame ``i`` is taken
  from the record of visible frame ``thermal_rows[i]`` instead (a thermal row belongs to the
  thermal frame its visible frame was paired with: the first visible frame paired with the
  thermal frame that frame ``i`` now shows; -1, none: None);
- thermal boxes are scaled by ``(W / thermal_width, H / thermal_height)`` when the
  thermal stream was resampled onto the visible grid ``W x H``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from core.annotations.records import FrameAnnotation


def align_ground_truth(records: Mapping[int, FrameAnnotation], *, visible_start: int, offset: int, length: int,
                       thermal_scale: tuple[float, float] = (1.0, 1.0),
                       thermal_rows: np.ndarray | None = None) -> dict[int, FrameAnnotation]:
    """Records keyed by file frame -> records keyed by sequence frame (see the module docstring).
    ``thermal_rows``: (length,) int, the visible file frame whose record holds each sequence frame's
    thermal box (-1: none), replacing ``i + visible_start + offset``."""
    sx, sy = thermal_scale
    scale = np.array([sx, sy, sx, sy], dtype=np.float64)
    aligned: dict[int, FrameAnnotation] = {}
    for i in range(length):
        record = records.get(i + visible_start)
        if record is None:
            continue
        thermal_box, own_row = record.thermal_box, record.thermal_box is not None
        row = i + visible_start + offset if thermal_rows is None else int(thermal_rows[i])
        if row != i + visible_start:
            partner = records.get(row) if row >= 0 else None
            if partner is None or partner.absent:
                thermal_box, own_row = None, False
            else:  # that frame's thermal row: its own box, or the visible row it equals
                thermal_box, own_row = partner.effective_thermal_box, partner.thermal_box is not None
        if record.absent:
            thermal_box = None
        elif thermal_box is not None and own_row and (sx, sy) != (1.0, 1.0):
            thermal_box = np.asarray(thermal_box, dtype=np.float64) * scale
        if thermal_box is not None and np.array_equal(thermal_box, record.box):
            thermal_box = None  # the same box: "same as box"
        if record.frame == i and thermal_box is record.thermal_box:
            aligned[i] = record  # records are immutable: a copy of each took 0.25 s of 40,000 frames, every call
        else:
            aligned[i] = replace(record, frame=i, thermal_box=thermal_box)
    return aligned


def rows_past_the_end(records: Mapping[int, FrameAnnotation], frames: int) -> str | None:
    """A note when the ground truth (``records`` keyed by file frame) has rows past the last of
    the ``frames`` frames of its stream, else None. Those rows are never used; more often
    than not they mean a frame is missing from the folder (or a file from another
    sequence), and then every box after the gap belongs to the frame after its own."""
    if not records:
        return None
    extent = max(records) + 1
    if extent <= frames:
        return None
    return (f"the ground truth has rows for {extent} frames, the footage {frames}: the last "
            f"{extent - frames} are not used (a frame missing from the footage would shift every later box)")
