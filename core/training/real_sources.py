"""Training sources on real footage, from the **train** part of ``configs/real_split.json``.

Registered in ``core.training.sources`` as:

- ``real_visible``: the split's ``train.visible`` image folders with ``groundtruth.txt``;
  the thermal input is derived per sample (``second_stream``, see
  ``core.training.pseudo_modality``): ``pseudo`` (default) a pseudo-thermal image of the
  visible crop, ``same`` the crop's luminance (the same frame twice).
- ``real_thermal``: the split's ``train.thermal`` sequences (``thermal.avi`` decoded once
  into the frame cache, or thermal image folders) with ``groundtruth.txt``; the visible
  input is ``pseudo`` (a colour-less visible-like image) or ``same`` (the grey twice).
- ``rgbt_unlabeled``: the split's ``train.rgbt_unlabeled`` registered pairs (video pairs
  and TNO folder pairs) without boxes: each draw cuts a self-supervised pair, a box with
  texture in both modalities (``core.training.self_supervised.textured_box``) on one frame
  pair, the search frame up to ``max_gap`` frames away (default 0: the same pair) with the
  same box; processing adds the usual shift/scale jitter.
- ``rgbt_pseudo``: short tracklets on those same pairs, labelled by the teacher and kept
  where its forward and backward tracks agree (``core.training.pseudo_labels``), so
  template and search come from different frames of a real moving target.

Common options: ``split`` (default ``configs/real_split.json``), ``data_root`` (default
``../shared/data``), ``include`` (optional names restricting to part of the train group;
a name outside it is a ConfigError), ``frame_cache_mb`` (LRU of decoded frame pairs,
default 256 MB per process), ``cache_dir`` (decoded frames, default
``~/.cache/rgbt-studio``), ``decode_cache`` (labelled sources; default true: image
folders are decoded once into the cache too; false: decoded on each read; videos are
always decoded once). Sequences are drawn uniformly; every sequence is opened once
per process and kept (frame access never reopens a file: images are read by path,
videos through their memory-mapped cache).
"""
from __future__ import annotations

import numpy as np

from core.errors import SequenceError
from core.real_split import DEFAULT_DATA_ROOT, DEFAULT_SPLIT, load_split
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.cache import check_index
from core.training.pseudo_modality import SecondStream
from core.training.real_data import (
    DEFAULT_CACHE_DIR,
    FrameLRU,
    FrameSequence,
    read_groundtruth,
    rgbt_pair_sequence,
    thermal_sequence,
    visible_folder_sequence,
)
from core.training.self_supervised import textured_box
from core.training.sources import SequenceEntry, TrainingSource


def _labelled_entry(name: str, folder, sequence: FrameSequence, extras: dict) -> SequenceEntry:
    gt = folder / "groundtruth.txt"
    if not gt.is_file():
        raise SequenceError(gt, "ground-truth file not found (one x,y,w,h row per frame)")
    boxes, usable = read_groundtruth(gt)
    n = len(sequence)
    if boxes.shape[0] < n:  # frames past the last GT row have no box
        boxes = np.vstack([boxes, np.full((n - boxes.shape[0], 4), np.nan)])
        usable = np.concatenate([usable, np.zeros(n - usable.shape[0], bool)])
    boxes, usable = boxes[:n], usable[:n]
    return SequenceEntry(name, boxes, usable, lambda: sequence, extras)


class _LabelledRealSource(TrainingSource):
    group = ""
    missing = ""

    def __init__(self, seed: int = 0, rank: int = 0, *, split: str = DEFAULT_SPLIT, data_root: str = DEFAULT_DATA_ROOT,
                 include: list[str] | None = None, second_stream: str = "pseudo", pseudo_share: float = 1.0,
                 frame_cache_mb: float = 256.0, cache_dir: str = DEFAULT_CACHE_DIR, decode_cache: bool = True):
        self.split = load_split(split)
        self.decode_cache = bool(decode_cache)
        self.stream = SecondStream(self.missing, second_stream, float(pseudo_share))
        self.lru = FrameLRU(frame_cache_mb)
        self.entries: list[SequenceEntry] = []
        for name, folder in self.split.train_folders(self.group, data_root, include):
            sequence = self._open(name, folder, cache_dir)
            self.entries.append(_labelled_entry(name, folder, sequence, {"second_stream": self.stream}))
        if not self.entries:
            raise SequenceError(self.split.path, f"the train part has no {self.group!r} sequences")

    def _open(self, name, folder, cache_dir) -> FrameSequence:
        raise NotImplementedError

    def describe(self) -> str:
        frames = sum(int(e.usable.sum()) for e in self.entries)
        return (f"{len(self.entries)} real {self.group} train sequences ({frames} frames with a box), "
                f"second stream {self.stream.mode}")

    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        return self.entries[int(rng.integers(len(self.entries)))]


class RealVisibleSource(_LabelledRealSource):
    """``real_visible`` (see the module docstring)."""

    group, missing = "visible", "thermal"

    def _open(self, name, folder, cache_dir) -> FrameSequence:
        return visible_folder_sequence(name, folder, self.lru, cache_dir if self.decode_cache else None)


class RealThermalSource(_LabelledRealSource):
    """``real_thermal`` (see the module docstring)."""

    group, missing = "thermal", "visible"

    def _open(self, name, folder, cache_dir) -> FrameSequence:
        return thermal_sequence(name, folder, self.lru, cache_dir, decode_images=self.decode_cache)


class _PairFrames(RGBTSequence):
    """Two frame pairs (template candidate, search candidate) of one unlabeled sequence."""

    def __init__(self, name: str, frames: tuple[FramePair, FramePair]):
        self._frames = frames
        h, w = frames[0].thermal.shape[:2]
        self._info = SequenceInfo(name=name, layout="real-rgbt-pair", num_frames=2, width=w, height=h)

    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> FramePair:
        return self._frames[check_index(index, 2)]


class RGBTUnlabeledSource(TrainingSource):
    """``rgbt_unlabeled`` (see the module docstring). Options besides the common ones:
    ``max_gap`` (frames between the two pairs, default 0), ``size_range`` (box side as a
    fraction of the shorter image side, default [0.08, 0.3]), ``candidates`` (boxes scored
    per draw, default 24), ``learn_shape`` (default true; false: the pairs teach where the box
    is but not its width and height, whose shape is not an object's: ``Processing`` marks them
    ``shaped`` 0 and the box losses take the network's own size for them)."""

    def __init__(self, seed: int = 0, rank: int = 0, *, split: str = DEFAULT_SPLIT, data_root: str = DEFAULT_DATA_ROOT,
                 include: list[str] | None = None, max_gap: int = 0, size_range: tuple[float, float] = (0.08, 0.3),
                 candidates: int = 24, frame_cache_mb: float = 256.0, cache_dir: str = DEFAULT_CACHE_DIR,
                 learn_shape: bool = True):
        from core.errors import ConfigError

        if max_gap < 0 or candidates < 1 or not 0 < size_range[0] <= size_range[1] <= 1:
            raise ConfigError(f"rgbt_unlabeled: need max_gap >= 0, candidates >= 1, 0 < size_range[0] <= "
                              f"size_range[1] <= 1; got {max_gap}, {candidates}, {list(size_range)}")
        self.split = load_split(split)
        self.lru = FrameLRU(frame_cache_mb)
        self.max_gap, self.candidates = int(max_gap), int(candidates)
        self.learn_shape = bool(learn_shape)
        self.size_range = (float(size_range[0]), float(size_range[1]))
        self.sequences = [rgbt_pair_sequence(name, folder, self.lru, cache_dir)
                          for name, folder in self.split.train_folders("rgbt_unlabeled", data_root, include)]
        if not self.sequences:
            raise SequenceError(self.split.path, "the train part has no 'rgbt_unlabeled' sequences")

    def describe(self) -> str:
        frames = sum(len(s) for s in self.sequences)
        return f"{len(self.sequences)} unlabeled real RGB-T train pairs ({frames} frames), self-supervised boxes"

    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        sequence = self.sequences[int(rng.integers(len(self.sequences)))]
        n = len(sequence)
        t = int(rng.integers(n))
        s = int(np.clip(t + rng.integers(-self.max_gap, self.max_gap + 1), 0, n - 1)) if self.max_gap else t
        first = sequence[t]
        box = textured_box(first.visible, first.thermal, rng, size_range=self.size_range, candidates=self.candidates)
        boxes = np.stack([box, box])
        frames = (first, sequence[s])
        pair = _PairFrames(sequence.name, frames)
        return SequenceEntry(sequence.name, boxes, np.ones(2, bool), lambda: pair,
                             {"frames": (t, s), "learn_shape": self.learn_shape})


class _Window(RGBTSequence):
    """Frames ``start .. start + count - 1`` of a sequence, re-indexed from 0."""

    def __init__(self, sequence: RGBTSequence, start: int, count: int):
        self._sequence, self._start, self._count = sequence, int(start), int(count)
        info = sequence.info
        self._info = SequenceInfo(name=f"{info.name}@{start}", layout=info.layout, num_frames=count,
                                  width=info.width, height=info.height)

    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> FramePair:
        pair = self._sequence[self._start + check_index(index, self._count)]
        return FramePair(index, pair.visible, pair.thermal, pair.thermal_raw)


class RGBTPseudoSource(TrainingSource):
    """``rgbt_pseudo``: tracklets of teacher pseudo-labels on the train part's unlabeled
    RGB-T pairs (``core.training.pseudo_labels``; ``python main.py pseudo-labels``). Options
    besides the common ones: ``labels`` (the labels file, required). Every tracklet is one
    sequence whose unlabelled frames (failed forward-backward check) are not usable; a
    tracklet on a sequence outside the train part's ``rgbt_unlabeled`` group is a
    ConfigError (validation footage never trains)."""

    def __init__(self, seed: int = 0, rank: int = 0, *, labels: str, split: str = DEFAULT_SPLIT,
                 data_root: str = DEFAULT_DATA_ROOT, frame_cache_mb: float = 256.0,
                 cache_dir: str = DEFAULT_CACHE_DIR):
        from core.errors import ConfigError
        from core.real_split import normalise_folder, resolve_path
        from core.training.pseudo_labels import read_labels, tracklet_boxes
        from core.training.sources import usable_frames

        path = resolve_path(labels)
        content = read_labels(path)
        self.split = load_split(split)
        self.lru = FrameLRU(frame_cache_mb)
        names = sorted({t["sequence"] for t in content["tracklets"]})
        if not names:
            raise ConfigError(f"{path}: the pseudo-label file holds no tracklets")
        opened = {}
        for name, folder in self.split.train_folders("rgbt_unlabeled", data_root, names):
            sequence = rgbt_pair_sequence(name, folder, self.lru, cache_dir)
            opened[name] = opened[name.rsplit("/", 1)[-1]] = sequence
        self.entries: list[SequenceEntry] = []
        for tracklet in content["tracklets"]:
            sequence = opened[normalise_folder(tracklet["sequence"])]
            boxes = tracklet_boxes(tracklet)
            start = int(tracklet["start"])
            if start + len(boxes) > len(sequence):
                raise ConfigError(f"{path}: tracklet at frame {start} of {tracklet['sequence']} runs past its "
                                  f"{len(sequence)} frames")
            window = _Window(sequence, start, len(boxes))
            self.entries.append(SequenceEntry(window.info.name, boxes, usable_frames(boxes),
                                              lambda w=window: w, {"frames": (start, start + len(boxes) - 1)}))
        self.path = path

    def describe(self) -> str:
        frames = sum(int(e.usable.sum()) for e in self.entries)
        return f"{len(self.entries)} pseudo-labelled RGB-T tracklets ({frames} labelled frames) from {self.path.name}"

    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        return self.entries[int(rng.integers(len(self.entries)))]
