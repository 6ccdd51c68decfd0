"""Training data sources: where template/search frames and their boxes come from.

A source hands out :class:`SequenceEntry` objects (a sequence's boxes, the frames where
the target is usable, and a way to read frames). Sources are registered by ``kind`` and
built from a :class:`~core.training.config.SourceConfig` (``options`` = keyword
arguments), so a new kind (e.g. the studio's distillation HDF5 files, issue 6) plugs in
with :func:`register_source` without touching the sampler or the trainer.

Built-in kinds:

- ``synthetic``: an endless stream of ``core.synthetic`` sequences; configs and seeds
  come from an RNG seeded by (run seed, rank, generation, slot), seeds always below
  ``core.synthetic.TRAIN_SEED_LIMIT`` (disjoint from the evaluation split). The pool of
  ``pool`` sequences is replaced every ``refresh_steps`` steps, so the stream is a pure
  function of the step (resume reproduces it). Semi-real synthesis (optional):
  ``real_backgrounds`` (probability per sequence, default 0) puts the generator's objects
  on canvases cut from the real train frames (``core.training.backgrounds``; options in
  ``backgrounds``: ``split``, ``data_root``, ``cache_dir``, ``rgbt_share``, ``frame_stride``).
- ``dataset``: sequence folders of LasHeR, RGBT234, GTOT, VTUAV or GOT-10k-style layouts
  (``core.sequences.open_sequence``; boxes from the sequence's ``ground_truth()``).
  ``roots``: folders that are either a sequence or hold sequence folders (one level);
  ``names_file``: optional text file listing the sequence names to keep (a train split).
- ``real_visible``, ``real_thermal``, ``rgbt_unlabeled``, ``rgbt_pseudo``: real footage from
  the train part of ``configs/real_split.json`` (``core.training.real_sources``;
  ``rgbt_pseudo`` reads teacher pseudo-labels, ``core.training.pseudo_labels``).
"""
from __future__ import annotations

import abc
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ConfigError, SequenceError
from core.sequences.base import FramePair, RGBTSequence


@dataclass
class SequenceEntry:
    """One training sequence.

    boxes: (N, 4) float64 x, y, w, h on the visible grid (NaN rows allowed);
    usable: (N,) bool, frames whose target is present with a positive-size box;
    reader: returns the opened :class:`RGBTSequence` (frames read as ``seq[i]``);
    extras: per-source additions (e.g. stored teacher outputs) keyed by name.
    """

    name: str
    boxes: np.ndarray
    usable: np.ndarray
    reader: Callable[[], RGBTSequence]
    extras: dict = field(default_factory=dict)

    def frame(self, index: int) -> FramePair:
        return self.reader()[int(index)]


def usable_frames(boxes: np.ndarray, absent: np.ndarray | None = None) -> np.ndarray:
    """(N,) bool: finite boxes with w, h > 0 and not marked absent."""
    boxes = np.asarray(boxes, dtype=np.float64)
    ok = np.isfinite(boxes).all(axis=1) & (boxes[:, 2] > 0) & (boxes[:, 3] > 0)
    if absent is not None:
        ok &= ~np.asarray(absent, dtype=bool)
    return ok


class TrainingSource(abc.ABC):
    """Draws training sequences. ``draw`` must be a pure function of (rng state, step)."""

    @abc.abstractmethod
    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        """One sequence for a sample of optimiser step ``step``."""

    def describe(self) -> str:
        return type(self).__name__


# -- synthetic -----------------------------------------------------------------------------
class SyntheticSource(TrainingSource):
    """Endless ``core.synthetic`` stream (see the module docstring).

    seed: run seed; rank: process rank (distributed runs draw different sequences);
    pool: sequences alive at once; refresh_steps: steps before the pool is redrawn;
    challenge_family: restrict to one family of ``core.synthetic.challenge_families()``.
    """

    def __init__(self, seed: int = 0, rank: int = 0, *, pool: int = 16, refresh_steps: int = 20,
                 challenge_family: str | None = None, frames: tuple[int, int] | None = None,
                 real_backgrounds: float = 0.0, backgrounds: dict | None = None):
        from core.synthetic import challenge_families

        if pool < 1 or refresh_steps < 1:
            raise ConfigError(f"synthetic source: pool and refresh_steps must be >= 1, got {pool}, {refresh_steps}")
        if frames is not None and not (len(frames) == 2 and 1 <= frames[0] <= frames[1]):
            raise ConfigError(f"synthetic source: frames must be [min, max] with 1 <= min <= max, got {list(frames)}")
        if not 0.0 <= float(real_backgrounds) <= 1.0:
            raise ConfigError(f"synthetic source: real_backgrounds must be in [0, 1], got {real_backgrounds}")
        if challenge_family is not None and challenge_family not in challenge_families():
            raise ConfigError(f"synthetic source: unknown challenge family {challenge_family!r}")
        self.seed, self.rank = int(seed), int(rank)
        self.pool, self.refresh_steps = int(pool), int(refresh_steps)
        self.challenge_family = challenge_family
        self.frames = tuple(frames) if frames else None
        self._generation = -1
        self._cache: dict[int, SequenceEntry] = {}
        self.real_backgrounds = float(real_backgrounds)
        self.backgrounds = None
        if self.real_backgrounds > 0:
            from core.training.backgrounds import RealBackgrounds

            try:
                self.backgrounds = RealBackgrounds(**dict(backgrounds or {}))
            except TypeError as error:
                raise ConfigError(f"synthetic source: backgrounds: {error}") from error
        elif backgrounds:
            raise ConfigError("synthetic source: 'backgrounds' options need real_backgrounds > 0")

    def describe(self) -> str:
        family = self.challenge_family or "all families"
        text = f"synthetic stream ({family}, pool {self.pool}, refreshed every {self.refresh_steps} steps)"
        if self.backgrounds is not None:
            text += f", {self.real_backgrounds:.0%} on {self.backgrounds.describe()}"
        return text

    def _make(self, generation: int, slot: int) -> SequenceEntry:
        import dataclasses

        from core.synthetic import SyntheticSequence, sample_config, sample_training_seed

        rng = np.random.default_rng([self.seed, self.rank, generation, slot, 0x5EED])
        config = sample_config(rng, self.challenge_family)
        if self.frames:
            config = dataclasses.replace(config, num_frames=int(rng.integers(self.frames[0], self.frames[1] + 1)))
        background = None
        if self.backgrounds is not None:  # its own rng: the configs and seeds above stay as without it
            if np.random.default_rng([self.seed, self.rank, generation, slot, 0xBAC6]).random() < self.real_backgrounds:
                background = self.backgrounds
        sequence = SyntheticSequence(config, sample_training_seed(rng), cache_frames=4, background=background)
        return SequenceEntry(
            name=sequence.info.name, boxes=np.asarray(sequence.boxes), usable=usable_frames(sequence.boxes, sequence.absent),
            reader=lambda: sequence,
        )

    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        generation = int(step) // self.refresh_steps
        if generation != self._generation:
            self._cache.clear()
            self._generation = generation
        slot = int(rng.integers(self.pool))
        if slot not in self._cache:
            self._cache[slot] = self._make(generation, slot)
        return self._cache[slot]


# -- dataset folders -----------------------------------------------------------------------
def _annotation_boxes(sequence: RGBTSequence, folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """(boxes (N,4), absent (N,)) from a sequence's ground truth; SequenceError when none."""
    records = sequence.ground_truth()
    if not records:
        raise SequenceError(folder, "no ground-truth annotations found for training")
    n = len(sequence)
    boxes = np.full((n, 4), np.nan)
    absent = np.zeros(n, dtype=bool)
    for frame, record in records.items():
        if 0 <= frame < n:
            if record.box is not None:
                boxes[frame] = np.asarray(record.box, dtype=np.float64)
            absent[frame] = bool(record.absent)
    return boxes, absent


class DatasetSource(TrainingSource):
    """Annotated sequence folders (see the module docstring). Sequences are opened lazily
    (at most ``open_limit`` at once) and their ground truth read on first use."""

    def __init__(self, seed: int = 0, rank: int = 0, *, roots: list[str] | tuple[str, ...] = (),
                 names_file: str | None = None, open_limit: int = 4):
        from core.sequences import detect_layout

        if not roots:
            raise ConfigError("dataset source: 'roots' must name at least one folder")
        keep = None
        if names_file:
            path = Path(names_file)
            if not path.is_file():
                raise ConfigError(f"dataset source: names_file {path} not found")
            keep = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
        self.folders: list[Path] = []
        for root in roots:
            root = Path(root)
            if not root.is_dir():
                raise SequenceError(root, "training data folder does not exist (set its path in the config)")
            try:
                detect_layout(root)
                candidates = [root]
            except SequenceError:
                candidates = sorted(p for p in root.iterdir() if p.is_dir())
            for folder in candidates:
                if keep is not None and folder.name not in keep:
                    continue
                try:
                    detect_layout(folder)
                except SequenceError:
                    continue
                self.folders.append(folder)
        if not self.folders:
            raise SequenceError(Path(roots[0]), "no sequence folders with a known layout found")
        self.open_limit = max(1, int(open_limit))
        self._entries: dict[int, SequenceEntry] = {}
        self._open: OrderedDict[int, RGBTSequence] = OrderedDict()

    def describe(self) -> str:
        return f"{len(self.folders)} dataset sequences under {sorted({str(f.parent) for f in self.folders})}"

    def _reader(self, index: int) -> Callable[[], RGBTSequence]:
        def read() -> RGBTSequence:
            from core.sequences import open_sequence

            if index in self._open:
                self._open.move_to_end(index)
                return self._open[index]
            sequence = open_sequence(self.folders[index], cache_frames=2)
            self._open[index] = sequence
            while len(self._open) > self.open_limit:
                _, old = self._open.popitem(last=False)
                old.close()
            return sequence
        return read

    def draw(self, rng: np.random.Generator, step: int) -> SequenceEntry:
        index = int(rng.integers(len(self.folders)))
        if index not in self._entries:
            reader = self._reader(index)
            boxes, absent = _annotation_boxes(reader(), self.folders[index])
            self._entries[index] = SequenceEntry(self.folders[index].name, boxes, usable_frames(boxes, absent), reader)
        return self._entries[index]


# -- registry ------------------------------------------------------------------------------
SourceBuilder = Callable[..., TrainingSource]


def _real(name: str) -> SourceBuilder:
    """Builder importing ``core.training.real_sources`` on first use (it imports this module)."""
    def build(**options):
        return build.target()(**options)

    def target():
        from core.training import real_sources

        return getattr(real_sources, name)
    build.__name__ = name
    build.target = target
    return build


_SOURCES: dict[str, SourceBuilder] = {
    "synthetic": SyntheticSource, "dataset": DatasetSource, "real_visible": _real("RealVisibleSource"),
    "real_thermal": _real("RealThermalSource"), "rgbt_unlabeled": _real("RGBTUnlabeledSource"),
    "rgbt_pseudo": _real("RGBTPseudoSource"),
}


def register_source(kind: str, builder: SourceBuilder) -> None:
    """Make ``kind`` usable in configs: ``builder(seed=, rank=, **options) -> TrainingSource``."""
    _SOURCES[kind] = builder


def source_kinds() -> list[str]:
    return sorted(_SOURCES)


def checked_options(kind: str, options: dict[str, Any], *, where: str = "") -> dict[str, Any]:
    """``options`` of a ``kind`` source with each value checked against the source's keyword
    annotations (``"pool": "x"`` is a ConfigError naming ``where`` and the option, not a
    comparison error from inside the source); ConfigError for an unknown kind, for an option
    the source does not take (with the ones it takes; ``seed`` and ``rank`` are the trainer's)
    and for a required option left out. A builder taking ``**options`` checks its own."""
    from core.config import checked_arguments

    if kind not in _SOURCES:
        raise ConfigError(f"unknown data source kind {kind!r}; known: {source_kinds()}")
    builder = _SOURCES[kind]
    target = builder.target() if hasattr(builder, "target") else builder
    where = where or f"data source {kind!r}"
    _check_option_names(kind, target, options, where)
    if kind == "synthetic" and isinstance(options.get("backgrounds"), dict):  # RealBackgrounds' own options
        from core.training.backgrounds import RealBackgrounds

        _check_option_names("backgrounds", RealBackgrounds, options["backgrounds"], f"{where}.backgrounds")
    return checked_arguments(target, dict(options), where=where)


def _check_option_names(kind: str, target: Any, options: dict[str, Any], where: str) -> None:
    """ConfigError naming ``where`` for an option ``target`` (a source class or builder) does not
    take, or a required one missing: the call said it as a TypeError ('__init__() got an
    unexpected keyword argument'), without the file or the options the source knows."""
    import inspect

    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return
    passed = ("seed", "rank")  # the trainer's, given to every source
    named = [p for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in passed]
    unknown = sorted(set(options) - {p.name for p in named})
    if unknown:
        hint = ("; the sources' seed comes from the top-level 'seed'" if set(unknown) & set(passed) else "")
        raise ConfigError(f"{where}: unknown key(s) {unknown}; known: {sorted(p.name for p in named)}{hint}")
    missing = [p.name for p in named if p.default is p.empty and p.name not in options]
    if missing:
        raise ConfigError(f"{where}: {kind!r} needs {missing}")


def build_source(kind: str, options: dict[str, Any], *, seed: int, rank: int = 0) -> TrainingSource:
    """Build a registered source; ConfigError for an unknown kind or option."""
    options = checked_options(kind, options)
    try:
        return _SOURCES[kind](seed=seed, rank=rank, **options)
    except TypeError as error:
        raise ConfigError(f"data source {kind!r}: {error}") from error
