"""Many records kept as columns: what an undo step holds of the frames it replaced.

An undo step keeps the records its frames held before it (``SetRecords._previous``,
``DeleteRecords._previous``) for as long as the studio runs: as ``FrameAnnotation`` objects,
about 400 bytes a frame, so every 40,000-box import or tracking run kept 15 MiB more, without
bound. :class:`RecordColumns` keeps them as numpy columns (about 90 bytes a frame) and makes
the records again when they are read (an undo).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance

_PROVENANCES = list(Provenance)
_CODES = {p: i for i, p in enumerate(_PROVENANCES)}


def _column(boxes: list, present: np.ndarray) -> np.ndarray:
    """(n, 4) read-only float64 of ``boxes`` (one per True of ``present``; None: no box), NaN
    rows where there is none."""
    out = np.full((len(present), 4), np.nan)
    rows = np.flatnonzero(present)
    given = [i for i, box in enumerate(boxes) if box is not None]
    if given:
        out[rows[given]] = np.array([boxes[i] for i in given], dtype=np.float64)
    out.setflags(write=False)
    return out


class RecordColumns(Mapping):
    """A read-only mapping frame -> record (or None: the frame held none), made of ``records``
    (frame -> FrameAnnotation or None); iterated in frame order. Equal to a dict of the same
    items. Boxes (x, y, w, h float pixels) are kept as (n, 4) float64 arrays, NaN rows where
    there is none; the records read back equal those given."""

    __slots__ = ("_frames", "_present", "_boxes", "_thermal", "_flags", "_provenance", "_confidence")

    def __init__(self, records: Mapping[int, FrameAnnotation | None]):
        frames = sorted(int(f) for f in records)
        rows = [records[f] for f in frames]
        present = [r for r in rows if r is not None]
        self._frames = np.array(frames, dtype=np.int64)
        self._present = np.array([r is not None for r in rows], dtype=bool)
        self._boxes = _column([r.box for r in rows if r is not None], self._present)
        self._thermal = _column([r.thermal_box for r in rows if r is not None], self._present)
        flags = np.zeros((len(frames), 3), dtype=bool)  # absent, occluded, keyframe
        flags[self._present] = np.array([(r.absent, r.occluded, r.keyframe) for r in present],
                                        dtype=bool).reshape(-1, 3)
        self._flags = flags
        codes = np.zeros(len(frames), dtype=np.uint8)
        codes[self._present] = [_CODES[r.provenance] for r in present]
        self._provenance = codes
        confidence = np.full(len(frames), np.nan)
        confidence[self._present] = [np.nan if r.confidence is None else r.confidence for r in present]
        self._confidence = confidence

    def __len__(self) -> int:
        return len(self._frames)

    def __iter__(self) -> Iterator[int]:
        return iter(self._frames.tolist())

    def __contains__(self, frame) -> bool:
        return self._index(frame) is not None

    def _index(self, frame) -> int | None:
        try:
            frame = int(frame)
        except (TypeError, ValueError):
            return None
        i = int(np.searchsorted(self._frames, frame))
        return i if i < len(self._frames) and self._frames[i] == frame else None

    def __getitem__(self, frame) -> FrameAnnotation | None:
        i = self._index(frame)
        if i is None:
            raise KeyError(frame)
        return self._record(i)

    def _record(self, i: int) -> FrameAnnotation | None:
        if not self._present[i]:
            return None
        box, thermal = self._boxes[i], self._thermal[i]
        absent, occluded, keyframe = self._flags[i].tolist()
        confidence = float(self._confidence[i])
        return FrameAnnotation._trusted(
            int(self._frames[i]), None if np.isnan(box[0]) else box, None if np.isnan(thermal[0]) else thermal,
            absent, occluded, _PROVENANCES[self._provenance[i]], None if np.isnan(confidence) else confidence,
            keyframe)

    def items(self) -> list[tuple[int, FrameAnnotation | None]]:
        """(frame, record or None) of every frame, in frame order, made at once (one record at a
        time, through ``__getitem__``: 4x slower)."""
        make = FrameAnnotation._trusted
        has_box = (~np.isnan(self._boxes[:, 0])).tolist()
        has_thermal = (~np.isnan(self._thermal[:, 0])).tolist()
        confidences = self._confidence.tolist()
        out = []
        for frame, present, box, has, thermal, has_t, (absent, occluded, keyframe), code, confidence in zip(
                self._frames.tolist(), self._present.tolist(), self._boxes, has_box, self._thermal, has_thermal,
                self._flags.tolist(), self._provenance.tolist(), confidences, strict=True):
            out.append((frame, make(frame, box if has else None, thermal if has_t else None, absent, occluded,
                                    _PROVENANCES[code], None if confidence != confidence else confidence, keyframe)
                        if present else None))
        return out

    def values(self) -> list[FrameAnnotation | None]:
        return [record for _frame, record in self.items()]

    def __eq__(self, other) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # a mapping

    def __repr__(self) -> str:
        return f"RecordColumns({len(self)} frames)"

    @property
    def nbytes(self) -> int:
        """Bytes its columns take."""
        return sum(a.nbytes for a in (self._frames, self._present, self._boxes, self._thermal, self._flags,
                                      self._provenance, self._confidence))


class RecordRows(Sequence):
    """A read-only list of records of distinct frames, kept as :class:`RecordColumns` (~90 bytes
    a frame, not ~400): the records an undo step writes (``SetRecords.records``) once they are no
    longer on screen (``core.annotations.history.compact_records``); each 40,000-frame step kept
    ~12.5 MiB of records for the whole session. Iterated in frame order, its records made again
    (equal to those given) on each read; equal to a list of the same records."""

    __slots__ = ("_columns",)

    def __init__(self, records: Iterable[FrameAnnotation]):
        by_frame = {r.frame: r for r in records}
        self._columns = RecordColumns(by_frame)

    def __len__(self) -> int:
        return len(self._columns)

    def __iter__(self) -> Iterator[FrameAnnotation]:
        return iter(self._columns.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._columns.values()[index]
        i = range(len(self))[index]  # IndexError outside, negative from the end
        return self._columns._record(i)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # a list

    def __repr__(self) -> str:
        return f"RecordRows({len(self)} records)"

    @property
    def frames(self) -> list[int]:
        """Its records' frames, in frame order, without making the records."""
        return list(self._columns)

    @property
    def nbytes(self) -> int:
        return self._columns.nbytes


__all__ = ["RecordColumns", "RecordRows"]
