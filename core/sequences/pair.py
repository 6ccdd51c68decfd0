"""The concrete :class:`RGBTSequence` over two frame sources (or one: thermal-only or visible-only).

Index arithmetic with a frame offset ``k`` (thermal index = visible index + k):
sequence frame ``i`` shows visible frame ``v = i + max(0, -k)`` and thermal frame
``v + k``; the length is ``min(Nv, Nt - k) - max(0, -k)``, i.e. the visible frames that
have a thermal partner. Different frame counts therefore end at the common length.
Two videos at different frame rates are paired by time: visible frame ``v`` gets thermal frame
``round(v * r) + k`` with ``r`` = thermal fps / visible fps
(``core.sequences.stream_checks.time_ratio``); a video at a variable frame rate (a phone's:
``FrameSource.frame_times``) is paired by its frames' own times, each visible frame with the thermal
frame nearest in time (``core.sequences.partners``). The sequence again holds the visible frames that
have a partner, from the first.

A thermal frame of another size is resampled onto the visible grid (``cv2.resize``,
bilinear) *before* the 8-bit mapping, so ``thermal == mapping(thermal_raw)`` and both are
on the visible grid.

One stream only: ``visible=None`` (thermal-only) gives the thermal frame replicated to 3
channels as ``visible``; ``thermal=None`` (visible-only) gives the visible frame's
luminance (``cv2.COLOR_RGB2GRAY``) as ``thermal``. Either way a tracker gets the one
present stream as both inputs, and ``info.thermal_only`` / ``info.visible_only`` say so.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from core.errors import SequenceError
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.cache import FrameCache, check_index
from core.sequences.frame_source import FrameSource
from core.sequences.partners import number_partners, time_partners
from core.sequences.stream_checks import (
    dropped_frames,
    frame_rates_differ,
    paired_by_number,
    time_ratio,
)
from core.sequences.thermal import ThermalMapping, false_colour, to_single_channel
from core.sequences.visible import visible_shift, visible_to_rgb

#: relative difference of width / height above which a thermal frame resampled onto the visible
#: grid is said to be stretched (640x512, 5:4, onto 1280x720, 16:9: 30 %)
ASPECT_TOLERANCE = 0.02


#: the most bytes of decoded frames a sequence keeps (about 40 pairs of 640 x 480 frames, 5 of 4K:
#: 16 pairs of 4K frames held 530 MB)
FRAME_CACHE_BYTES = 192 * 1024 * 1024


def pair_bytes(pair: FramePair) -> int:
    """The bytes of a frame pair's arrays (visible, thermal and the raw thermal frame)."""
    return sum(a.nbytes for a in (pair.visible, pair.thermal, pair.thermal_raw) if a is not None)


class PairSequence(RGBTSequence):
    """Visible and thermal :class:`FrameSource` s, or one of them (``visible=None``:
    thermal-only; ``thermal=None``: visible-only; see the module docstring).

    Reads are serialised by one lock (OpenCV captures are not thread-safe); decoded pairs
    are kept in an LRU cache of at most ``cache_frames`` entries and :data:`FRAME_CACHE_BYTES`.
    """

    def __init__(self, visible: FrameSource | None, thermal: FrameSource | None, *, name: str, layout: str,
                 frame_offset: int = 0, cache_frames: int = 16, notes: list[str] | None = None,
                 ground_truth_loader: Callable[[], Mapping[int, Any] | None] | None = None,
                 missing_box_reason: Callable[[int], tuple | None] | None = None):
        if cache_frames < 0:
            raise ValueError("cache_frames must be >= 0")
        if visible is None and thermal is None:
            raise ValueError("a sequence needs a visible or a thermal stream")
        self._visible = visible
        self._thermal = thermal
        self._lock = threading.RLock()
        self._cache: FrameCache[FramePair] = FrameCache(cache_frames, FRAME_CACHE_BYTES, pair_bytes)
        self._base_notes = list(notes or [])
        self._offset = 0
        self._visible_start = 0
        #: thermal frames per visible frame: 1 unless two videos play at different rates (paired by time)
        self._rate = time_ratio(visible, thermal) if visible is not None and thermal is not None else 1.0
        #: the thermal frame (before the offset) of each visible frame when paired by time, else None
        self._partner = time_partners(visible, thermal, self._rate) if visible is not None and thermal is not None \
            else None
        #: whether two image folders whose numbering has gaps are paired by their frame numbers
        self._by_number = False
        if self._partner is None and visible is not None and thermal is not None:
            self._partner = number_partners(visible, thermal)
            self._by_number = self._partner is not None
        self._mapping: ThermalMapping | None = None
        self._gt_loader = ground_truth_loader
        self._missing_box_reason = missing_box_reason
        self._gt_records: Mapping[int, Any] | None = None
        self._gt_loaded = False
        #: what the ground truth did not fit (``core.sequences.groundtruth.rows_past_the_end``),
        #: known once ``ground_truth()`` has read it, and then also in ``info.notes``
        self.ground_truth_note: str | None = None
        #: the notes (also in ``info.notes``) on inputs that do not match: the two streams'
        #: frame counts or rates, and :attr:`ground_truth_note` once known; a batch run reports
        #: these per sequence, not the notes on what was adapted as a matter of course
        self.mismatch_notes: list[str] = []
        #: the notes (also in ``info.notes``) its streams' sources gave of what is wrong with their
        #: files: frames that cannot be decoded, a file cut short, frame numbers given twice, a
        #: variable frame rate; the studio says these first on opening
        self.source_notes: list[str] = []

        for source in (visible, thermal):
            note = getattr(source, "note", None)
            if note:
                self._base_notes.append(note)
                self.source_notes.append(note)
        # the first frames as stored, read once: an image folder decodes a frame on every read
        visible_first = visible.read(0) if visible is not None else None
        self._visible_shift = 8
        if visible_first is not None and visible_first.dtype == np.uint16:
            self._visible_shift = visible_shift(visible)
            if self._visible_shift < 8:  # the high byte of a 12-bit camera's frames is 0..15: black
                self._base_notes.append(f"{visible.path.name}: 16-bit visible frames holding "
                                        f"{self._visible_shift + 8}-bit values, scaled to 8-bit by dropping "
                                        f"their {self._visible_shift} low bits")
        if thermal is None:
            height, width = visible_first.shape[:2]
            self._thermal_dtype = np.dtype(np.uint8)
            self._thermal_size = (int(width), int(height))
            self._base_notes.append("visible-only sequence: the thermal stream is the visible frame's "
                                    "luminance (gray)")
        else:
            thermal_stored = thermal.read(0)
            thermal_first = self._single_channel(thermal_stored, 0)
            self._thermal_dtype = thermal_first.dtype
            if thermal_first.dtype != np.uint8:
                self._mapping = ThermalMapping.fit_stream(len(thermal), self._thermal_raw_at)
                self._base_notes.append(self._mapping.describe())
            self._thermal_size = (int(thermal_first.shape[1]), int(thermal_first.shape[0]))
            if false_colour(thermal_stored):
                self._base_notes.append(
                    f"{thermal.path.name}: the thermal frames are in false colour (a camera palette?) and are read "
                    "as their luminance, which keeps the order of temperatures for a palette that brightens "
                    "with heat (grey, ironbow) but not for jet or rainbow (there the hottest parts turn dark): "
                    "export the camera's grey or raw frames")
        if visible is None:
            height, width = thermal_first.shape[:2]
            self._base_notes.append("thermal-only sequence: the visible stream is the thermal frame "
                                    "replicated to 3 channels")
        elif thermal is not None:
            height, width = visible_first.shape[:2]
            t_height, t_width = thermal_first.shape[:2]
            if (t_width, t_height) != (width, height):
                # another shape: unregistered cameras; a box drawn on one view does not fit the other
                stretched = abs((t_width / t_height) / (width / height) - 1.0) > ASPECT_TOLERANCE
                self._base_notes.append(f"thermal {t_width}x{t_height} resampled onto the visible grid "
                                        f"{width}x{height} (bilinear)"
                                        + ("; the two frames differ in shape, so the thermal picture is stretched "
                                           "to the visible one's (cameras not registered?)" if stretched else ""))
            counts_differ = (f"frame counts differ: visible {len(visible)}, thermal {len(thermal)}"
                             + ("" if self._partner is None else
                                f" ({len(visible) / visible.fps:.2f} s and {len(thermal) / thermal.fps:.2f} s)")
                             + "; using the common length" + ("" if self._by_number else dropped_frames(visible, thermal))
                             ) if self._lengths_differ() else None
            by_number = paired_by_number(visible, thermal) if self._by_number else None
            for note in (counts_differ, by_number, frame_rates_differ(visible, thermal)):
                if note:
                    self.mismatch_notes.append(note)
                    self._base_notes.append(note)
        self._info = SequenceInfo(
            name=name, layout=layout, num_frames=0, width=int(width), height=int(height),
            fps=(visible or thermal).fps, fps_assumed=not getattr(visible or thermal, "fps_known", True),
            visible_source=visible.path if visible is not None else None,
            thermal_source=thermal.path if thermal is not None else None,
            thermal_only=visible is None, visible_only=thermal is None)
        self.frame_offset = frame_offset

    # --- offset ------------------------------------------------------------------
    @property
    def frame_offset(self) -> int:
        """Thermal index = visible index + ``frame_offset`` (paired by time: ``round(visible index x
        rate) + frame_offset``, the module doc). Setting it clears the cache."""
        return self._offset

    @frame_offset.setter
    def frame_offset(self, offset: int) -> None:
        offset = int(offset)
        if (self._visible is None or self._thermal is None) and offset != 0:
            kind = "thermal-only" if self._visible is None else "visible-only"
            raise ValueError(f"a {kind} sequence has no second stream to offset")
        n_visible = len(self._visible) if self._visible is not None else len(self._thermal)
        n_thermal = len(self._thermal) if self._thermal is not None else n_visible
        start, length = self._span(offset, n_visible, n_thermal)
        if length <= 0:
            raise SequenceError((self._thermal or self._visible).path, f"frame offset {offset} leaves no overlapping frames "
                                f"(visible {n_visible}, thermal {n_thermal})")
        with self._lock:
            self._offset = offset
            self._visible_start = start
            self._cache.clear()
            notes = list(self._base_notes)
            if offset:
                uneven = any(source.frame_times() is not None for source in (self._visible, self._thermal))
                paired = ("visible frame" if self._partner is None else "the one numbered as the visible frame"
                          if self._by_number else "the one shown at the visible frame's time" if uneven
                          else f"visible frame x {self._rate:.4g} (rounded)")
                notes.append(f"frame offset {offset:+d}: thermal frame = {paired} {offset:+d}")
            self._info.notes = notes
            self._info.num_frames = length

    def set_frame_offset(self, offset: int) -> None:
        self.frame_offset = offset

    def first_visible_frame(self, offset: int) -> int:
        """The visible stream's frame that sequence frame 0 shows at frame offset ``offset``
        (``max(0, -offset)`` unless paired by time); the store keys its records from it."""
        if self._visible is None or self._thermal is None:
            return 0
        return self._span(int(offset), len(self._visible), len(self._thermal))[0]

    def _thermal_index(self, visible_index: int) -> int:
        """The thermal frame paired with visible frame ``visible_index`` (0-based file frames)."""
        if self._partner is None:
            return visible_index + self._offset
        return int(self._partner[visible_index]) + self._offset

    def _span(self, offset: int, n_visible: int, n_thermal: int) -> tuple[int, int]:
        """(first visible frame with a thermal partner, how many in a row have one) at ``offset``."""
        if self._partner is None:
            start = max(0, -offset)
            return start, min(n_visible, n_thermal - offset) - start
        thermal = self._partner + offset
        paired = np.flatnonzero((thermal >= 0) & (thermal < n_thermal))
        return (int(paired[0]), int(paired.size)) if paired.size else (0, 0)

    def _lengths_differ(self) -> bool:
        """Whether the two streams end at different times (by more than a frame when paired by time)."""
        n_visible, n_thermal = len(self._visible), len(self._thermal)
        if self._partner is None:
            return n_visible != n_thermal
        if self._rate == 1.0:  # variable frame rate: the last visible frame's partner is not the last thermal one
            return abs(int(self._partner[-1]) - (n_thermal - 1)) > 1
        return abs(n_thermal - n_visible * self._rate) > max(1.0, self._rate)

    # --- RGBTSequence ------------------------------------------------------------
    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return self._info.num_frames

    def __getitem__(self, index: int) -> FramePair:
        index = check_index(index, len(self))
        with self._lock:  # one decoder per stream: decode under the sequence lock
            return self._cache.get_or_make(index, self._decode)

    def ground_truth(self) -> dict[int, Any] | None:
        """The dataset's GT as ``{frame: core.annotations.records.FrameAnnotation}`` keyed by
        *sequence* frame (offset, common length and thermal resampling applied, see
        ``core.sequences.groundtruth``), or None when the source has no GT file.

        Malformed GT files raise ``AnnotationFormatError`` naming the file and line.
        """
        if self._gt_loader is None:
            return None
        with self._lock:
            if not self._gt_loaded:
                self._gt_records = self._gt_loader()
                self._gt_loaded = True
                self._note_ground_truth_fit(self._gt_records)
            records = self._gt_records
        if records is None:
            return None
        from core.sequences.groundtruth import align_ground_truth

        width, height = self._info.width, self._info.height
        t_width, t_height = self._thermal_size
        rows = None if self._partner is None or not self._offset else self._thermal_rows()  # at 0: its own rows
        return align_ground_truth(records, visible_start=self._visible_start, offset=self._offset if rows is None else 0,
                                  length=len(self), thermal_scale=(width / t_width, height / t_height),
                                  thermal_rows=rows)

    def _thermal_rows(self) -> np.ndarray:
        """(len(self),) int64 when paired by time or number: the visible file frame whose ground-truth
        row holds the thermal box of each sequence frame, the first visible frame paired (at offset 0)
        with the thermal frame it shows now; -1 where none is (a thermal frame no visible frame got)."""
        shown = self._partner[self._visible_start:self._visible_start + len(self)] + self._offset
        first = np.searchsorted(self._partner, shown)  # the partners rise with the visible frame
        found = first < self._partner.size
        found[found] = self._partner[first[found]] == shown[found]
        return np.where(found, first, -1).astype(np.int64)

    def missing_box_reason(self, frame: int) -> tuple | None:
        """Why sequence frame ``frame`` (0-based) has no box in :meth:`ground_truth`: the
        ground-truth file, its line (or None), what the row holds and whether the row is
        malformed (``core.annotations.formats.groundtruth.missing_box_reason``); None when
        not known (no ground-truth file, footage opened from two paths)."""
        if self._missing_box_reason is None:
            return None
        return self._missing_box_reason(frame + self._visible_start)  # the visible stream's file frame

    def _note_ground_truth_fit(self, records: Mapping[int, Any] | None) -> None:
        """Set :attr:`ground_truth_note` (and add it to the notes) when the GT, keyed by file
        frame of the visible stream (the thermal one on thermal-only footage), runs past it."""
        from core.sequences.groundtruth import rows_past_the_end

        stream = self._visible if self._visible is not None else self._thermal
        note = rows_past_the_end(records or {}, len(stream))
        if note is not None:
            self.ground_truth_note = note
            self.mismatch_notes.append(note)
            self._base_notes.append(note)
            self._info.notes = [*self._info.notes, note]

    def cached_indices(self) -> list[int]:
        """Frame indices now in the cache, least recently used first."""
        return self._cache.indices()

    def close(self) -> None:
        with self._lock:
            self._cache.clear()
            for source in (self._visible, self._thermal):
                if source is not None:
                    source.close()

    # --- decoding ----------------------------------------------------------------
    def _thermal_raw_at(self, thermal_index: int) -> np.ndarray:
        return self._single_channel(self._thermal.read(thermal_index), thermal_index)

    def _single_channel(self, raw: np.ndarray, thermal_index: int) -> np.ndarray:
        """Thermal frame ``thermal_index`` as stored -> one channel (``to_single_channel``); a
        frame of another shape is a SequenceError naming its file."""
        try:
            return to_single_channel(raw)
        except ValueError as error:
            raise SequenceError(self._thermal_name(thermal_index), f"frame {thermal_index + 1}: {error}") from error

    def _thermal_name(self, index: int) -> Path:
        return _frame_file(self._thermal, index)

    def _decode(self, index: int) -> FramePair:
        if self._thermal is None:
            return self._decode_visible_only(index)
        visible_index = index + self._visible_start
        thermal_index = self._thermal_index(visible_index)
        raw = self._thermal_raw_at(thermal_index)
        width, height = self._info.width, self._info.height
        if raw.shape[:2] != (height, width):
            raw = cv2.resize(raw, (width, height), interpolation=cv2.INTER_LINEAR)
        if raw.dtype != self._thermal_dtype:
            raise SequenceError(self._thermal_name(thermal_index),
                                f"thermal frame {thermal_index + 1} is {raw.dtype}, the first thermal frame is "
                                f"{self._thermal_dtype}: mixed bit depths in one stream")
        if self._mapping is not None:
            thermal = self._mapping.apply(raw)
            thermal_raw = raw
        else:
            thermal, thermal_raw = raw, None
        if self._visible is None:
            visible = cv2.cvtColor(thermal, cv2.COLOR_GRAY2RGB)
        else:
            visible = visible_to_rgb(self._visible.read(visible_index), self._visible_shift)
            if visible.shape[:2] != (height, width):
                raise SequenceError(_frame_file(self._visible, visible_index), f"visible frame {visible_index + 1} is "
                                    f"{visible.shape[1]}x{visible.shape[0]}, the first is {width}x{height}")
        for array in (visible, thermal, thermal_raw):
            if array is not None:
                array.setflags(write=False)
        return FramePair(index=index, visible=visible, thermal=thermal, thermal_raw=thermal_raw)

    def _decode_visible_only(self, index: int) -> FramePair:
        width, height = self._info.width, self._info.height
        visible = visible_to_rgb(self._visible.read(index), self._visible_shift)
        if visible.shape[:2] != (height, width):
            raise SequenceError(_frame_file(self._visible, index), f"visible frame {index + 1} is "
                                f"{visible.shape[1]}x{visible.shape[0]}, the first is {width}x{height}")
        thermal = cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY)
        visible.setflags(write=False)
        thermal.setflags(write=False)
        return FramePair(index=index, visible=visible, thermal=thermal)


def _frame_file(source: FrameSource, index: int) -> Path:
    """The file of frame ``index`` (0-based) of ``source``: its image in a folder, else the video."""
    files = getattr(source, "files", None)
    return files[index] if files is not None else source.path
