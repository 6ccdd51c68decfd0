"""A sequence seen through a change of its frames (``core.bench.veil``, ``core.bench.resize``)."""
from __future__ import annotations

from collections.abc import Callable

from core.sequences.base import FramePair


class MappedSequence:
    """``sequence`` whose frames come through ``apply`` (FramePair -> FramePair); length,
    ground truth, info and close are the wrapped sequence's unless a subclass says otherwise."""

    def __init__(self, sequence, apply: Callable[[FramePair], FramePair]):
        self._sequence = sequence
        self._apply = apply

    def __len__(self) -> int:
        return len(self._sequence)

    def __getitem__(self, index: int) -> FramePair:
        return self._apply(self._sequence[index])

    def __getattr__(self, name):
        return getattr(self._sequence, name)
