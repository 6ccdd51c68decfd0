"""The runs of ``bench accuracy --real``: which sequences, from which frames.

**Sequences** (:func:`real_items`): the entries of one part of the split file
(``core.real_split``; the validation part by default) under the data root, opened by
``SplitEntry.open``: a folder by ``core.sequences.open_sequence``, a **labelled view**
(the project's boxes for a window of a folder's frames) as that window
(``core.sequences.window``), which then is the sequence: its length, frames, ground
truth, starts and ``max_frames`` are the window's, its name the entry's, and the result
cache keys it by ``folder[first:last]`` (:attr:`RealItem.cache_sequence`). An entry
listed as ``visible`` must open visible-only, ``thermal`` thermal-only, ``rgbt`` as a
pair (else ``ConfigError``: a misdetected layout would silently change what is
measured). Only the **first ``max_frames`` frames** of a longer sequence are used (the
run must fit in 15 minutes on 2 cores; the table says which sequences were cut). Absent
folders are skipped with a note.

With ``starts`` > 1 each sequence also gives runs from evenly spaced later first frames
(``name@frame``; :func:`start_frames`). With a ``veil`` every run's visible frames come
under smoke or fog (``core.bench.veil``); with a ``resize`` every frame and box is scaled
(``core.bench.resize``), the veil laid on the resized frame; with a ``frame_step`` K the runs see
every K-th frame (``core.bench.frame_step``), renumbered, and ``max_frames`` counts original frames
(a run sees ``max_frames / K`` frames of the same stretch of footage); with a ``compression`` every
frame goes through a JPEG round trip (``core.bench.compression``) before the veil; with ``grey``
every visible frame becomes its luminance (``core.bench.grey``) before the compression; with a
``thermal_offset`` every thermal frame of a pair is moved by a few pixels (``core.bench.misregistration``)
before the compression; with an
``init_error`` plan every run starts from its first ground-truth box drawn a little off
(``core.bench.init_error``; the k-th run of the list takes the plan's k-th error).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.bench.compression import CompressedSequence, FootageCompression
from core.bench.eval_sets import ground_truth_rows
from core.bench.frame_step import FrameStep, SteppedSequence
from core.bench.grey import GreyVisible, GreyVisibleSequence
from core.bench.init_error import InitBoxPerturbation, InitErrorPlan
from core.bench.misregistration import MisregisteredSequence, ThermalOffset
from core.bench.real_metrics import valid_rows
from core.bench.resize import FootageResize, ResizedSequence
from core.bench.veil import VeiledSequence, VisibleVeil
from core.errors import ConfigError, RGBTError
from core.real_split import RealSplit, SplitEntry
from core.wording import plural

DEFAULT_MAX_FRAMES = 300


@dataclass(frozen=True, kw_only=True)
class RealItem:
    """One run on a real sequence: ``modality`` (``visible`` | ``thermal`` | ``rgbt``),
    ``folder`` relative to the data root, ``name`` (the entry's name: its folder's last
    component unless a labelled view names itself; the entry's label when names clash;
    ``name@F`` for a run from frame F > 0), ``path`` (the folder under the data root),
    ``length`` (frames in the sequence: a labelled view's window), ``num_frames`` (frames
    used from ``first_frame``), ``layout`` as detected, ``first_frame`` (the run starts at
    the first valid ground-truth box at or after it; 0-based in the window), ``veil``: the
    visible stream's veil (``core.bench.veil``) or None, ``entry``: the split entry
    (``core.real_split.SplitEntry``; None = the folder itself), ``resize``: the scale of every
    frame and box (``core.bench.resize``) or None, ``frame_step``: every how many frames the run
    sees one (``core.bench.frame_step``; ``length``, ``num_frames`` and ``first_frame`` then count
    stepped frames) or None, ``compression``: the JPEG round trip of every frame
    (``core.bench.compression``) or None, ``grey``: the visible stream made grey (``core.bench.grey``)
    or None, ``thermal_offset``: how far a pair's thermal frames are moved
    (``core.bench.misregistration``) or None, ``init_error``: how the run's first box is drawn off the
    ground truth (``core.bench.init_error``) or None. Fields are keyword-only: sixteen of
    them, several of the same type, are too many to pass by position."""

    modality: str
    folder: str
    name: str
    path: Path
    length: int
    num_frames: int
    layout: str
    first_frame: int = 0
    veil: VisibleVeil | None = None
    entry: SplitEntry | None = None
    resize: FootageResize | None = None
    frame_step: FrameStep | None = None
    compression: FootageCompression | None = None
    init_error: InitBoxPerturbation | None = None
    grey: GreyVisible | None = None
    thermal_offset: ThermalOffset | None = None

    def open(self):
        """The sequence (a labelled view's window), stepped, resized, made grey, its thermal stream
        moved, compressed and then under the veil, each when there is one."""
        sequence = (self.entry or SplitEntry(self.folder)).open(self.path, cache_frames=2)
        wrappers = ((self.frame_step, SteppedSequence), (self.resize, ResizedSequence),
                    (self.grey, GreyVisibleSequence), (self.thermal_offset, MisregisteredSequence),
                    (self.compression, CompressedSequence),
                    (self.veil, VeiledSequence))
        for change, wrapper in wrappers:
            if change is not None:
                sequence = wrapper(sequence, change)
        return sequence

    @property
    def cache_sequence(self) -> str:
        """The sequence in the result cache's key: the folder, or a labelled view's
        ``folder[first:last]`` (1-based, inclusive), so another window is another run (the
        boxes are in the key as the ground-truth rows)."""
        return self.entry.label if self.entry is not None else self.folder

    @property
    def cache_dataset(self) -> str:
        """What the result cache files this run under besides its folder: the modality, and
        the veil, the resize, the frame step, the compression, the grey visible stream, the thermal
        stream's offset and the first box's error when there are (a changed run is another run)."""
        changes = (self.veil, self.resize, self.frame_step, self.compression, self.grey, self.thermal_offset,
                   self.init_error)
        return "|".join([self.modality] + [change.key for change in changes if change is not None])


def _opened_modality(info) -> str:
    return "visible" if info.visible_only else "thermal" if info.thermal_only else "rgbt"


def start_frames(length: int, starts: int) -> list[int]:
    """``starts`` evenly spaced first frames of runs on a sequence of ``length`` frames
    (``[0]`` for one; the OTB toolkit's temporal robustness evaluation, TRE, in spirit)."""
    return sorted({int(round(k * length / starts)) for k in range(starts)})


def real_items(split: RealSplit, part: str, data_root: str | Path,
               max_frames: int | None = DEFAULT_MAX_FRAMES, starts: int = 1,
               veil: VisibleVeil | None = None,
               resize: FootageResize | None = None,
               frame_step: FrameStep | None = None,
               compression: FootageCompression | None = None,
               grey: GreyVisible | None = None,
               thermal_offset: ThermalOffset | None = None,
               init_error: InitErrorPlan | None = None) -> tuple[list[RealItem], list[str]]:
    """(items, notes) of ``part`` of ``split`` under ``data_root`` (see the module docstring).

    ``starts`` > 1: that many runs per sequence, from evenly spaced first frames
    (:func:`start_frames`), each over at most ``max_frames`` frames; a tracker that
    loses the target early in one run still shows what it does on the rest, so the
    mean depends less on one unlucky jump."""
    root = Path(data_root)
    if max_frames is not None and max_frames < 2:
        raise ConfigError("--max-frames must be >= 2 (the first frame initialises the trackers)")
    if starts < 1:
        raise ConfigError("--starts must be >= 1")
    run_frames = max_frames
    if frame_step is not None and max_frames is not None:
        run_frames = max(2, frame_step.length(int(max_frames)))
    listed = split.entries(part)
    names = [entry.name for _, entry in listed]
    items, notes, cut = [], [], []
    for (modality, entry), name in zip(listed, names, strict=True):
        folder = entry.folder
        path = root / folder
        if names.count(name) > 1:
            name = entry.label
        if not path.is_dir():
            notes.append(f"{entry.label} skipped: no folder {path}")
            continue
        try:
            sequence = entry.open(path, cache_frames=1)
        except RGBTError as error:
            raise ConfigError(f"{entry.label} (in {split.path}) cannot be opened: {error}") from None
        footage_length = len(sequence)
        if frame_step is not None:
            sequence = SteppedSequence(sequence, frame_step)
        try:
            info = sequence.info
            opened = _opened_modality(info)
            length = len(sequence)
            records = sequence.ground_truth()
        finally:
            sequence.close()
        if opened != modality:
            raise ConfigError(f"{entry.label} is listed as {modality} in {split.path} but opens as {opened} "
                              f"(layout {info.layout})")
        valid = valid_rows(ground_truth_rows(records, length)) if records else np.zeros(length, bool)
        for first in start_frames(length, starts):
            count = length - first if run_frames is None else min(length - first, int(run_frames))
            label = name if first == 0 else f"{name}@{first}"
            if count < 2 or not valid[first:first + count].any():
                notes.append(f"{label} skipped: no ground-truth box in its {plural(count, 'frame')} from frame {first}")
                continue
            if first == 0 and count < length:
                cut.append(f"{name} {footage_length}")
            erred = None if init_error is None else init_error.for_run(len(items))
            items.append(RealItem(modality=modality, folder=folder, name=label, path=path, length=length,
                                  num_frames=count, layout=info.layout, first_frame=first, veil=veil,
                                  entry=entry if entry.is_view else None, resize=resize, frame_step=frame_step,
                                  compression=compression, init_error=erred, grey=grey,
                                  thermal_offset=thermal_offset))
    if cut:
        notes.append(f"first {plural(max_frames, 'frame')} of each longer sequence (of {', '.join(cut)} frames)")
    if starts > 1:
        notes.append(f"{starts} runs per sequence from evenly spaced first frames (name@frame), "
                     f"each over at most {max_frames or 'all'} frames; means are over runs")
    if veil is not None:
        notes.append(f"visible frames under smoke/fog: {veil.key} (the thermal input stays clean; peers see "
                     "the veiled visible frames)")
    if resize is not None:
        notes.append(f"every frame and box {resize.key} (both streams; PR's 20 px threshold is in the resized "
                     "frame; SR and NPR do not depend on the resolution)")
    if frame_step is not None:
        notes.append(f"{frame_step.key} of the footage (1/{frame_step.step} of its frame rate; a run covers the "
                     f"same frames of the footage as at full rate, {run_frames or 'all'} of them seen; frame "
                     "numbers and starts are in stepped frames)")
    if compression is not None:
        notes.append(f"every frame (both streams) through a JPEG round trip at {compression.key}; the boxes are "
                     "unchanged")
    if grey is not None:
        notes.append("every visible frame grey (its luminance in three channels, as a monochrome camera records "
                     "it); the thermal stream is unchanged, thermal-only sequences are as they were")
    if thermal_offset is not None:
        notes.append(f"every thermal frame of a pair moved by ({thermal_offset.dx:g}, {thermal_offset.dy:g}) px, as "
                     "two cameras registered that far off record it; the visible frames, the boxes and "
                     "single-modality sequences are unchanged")
    if init_error is not None:
        how = "OTB's twelve SRE errors in turn" if init_error.cycles else init_error.spec
        notes.append(f"every run starts from its first ground-truth box drawn off ({how}; shifts by 10% of the box, "
                     "scales about its centre); the ground truth is unchanged and the init frame is not scored")
    if part == "train" and split.parts[part].get("rgbt_unlabeled"):
        notes.append(f"{len(split.parts[part]['rgbt_unlabeled'])} unlabeled RGB-T sequences of the train part "
                     "skipped (no boxes)")
    return items, notes
