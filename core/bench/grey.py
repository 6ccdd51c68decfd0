"""The visible stream from a monochrome camera, for ``bench accuracy --real --grey-visible``.

The validation split's visible footage is in colour. Footage a user brings often is not: a
surveillance camera in night mode (its infrared-cut filter out) records grey frames, so do older
machine-vision and drone cameras, and some benchmark sequences are grey to begin with. A tracker
whose matching leans on colour (its network's visible branch, the loop's match on the drawn
target's pixels) then has less to go on. This module makes that measurable on the split's own boxes:
every visible frame becomes its luminance in all three channels (``core.sequences.base.grey_rgb``).
The thermal stream is unchanged; on a thermal-only sequence (its visible frame is the thermal one
replicated) nothing changes, and on a visible-only one the thermal frame already is that luminance.

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB, thermal (H, W) uint8.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.bench.mapped_sequence import MappedSequence
from core.sequences.base import FramePair, grey_rgb


@dataclass(frozen=True)
class GreyVisible:
    """The visible stream as a monochrome camera records it (no parameters)."""

    @property
    def key(self) -> str:
        """Names the change in cache keys and tables."""
        return "grey visible"

    def apply(self, pair: FramePair) -> FramePair:
        """``pair`` with its visible frame replaced by its luminance in three channels; the thermal
        frame (and the raw one, when kept) as it was."""
        return FramePair(pair.index, grey_rgb(pair.visible), pair.thermal, pair.thermal_raw)


class GreyVisibleSequence(MappedSequence):
    """A sequence whose frames come through ``GreyVisible().apply``; everything else (length, ground
    truth, info, close) is the wrapped sequence's."""

    def __init__(self, sequence, change: GreyVisible):
        super().__init__(sequence, change.apply)
