"""``SyntheticSequence``: an :class:`~core.sequences.base.RGBTSequence` rendered on demand.

Construction draws the whole script of the sequence (trajectory, camera path, events:
``core.synthetic.plan``) and the fixed textures (``core.synthetic.render``) from
``np.random.SeedSequence(seed)``; frame ``i`` is rendered only when asked for and kept in
a small LRU cache. Frame ``i`` depends only on (config, seed, i), never on access order.

Ground truth (exact; ``x, y, w, h`` float64 on the visible grid):
- ``boxes`` (N, 4): the target's box in the visible frame (kept even when the target is
  hidden, so trainers can see where it is; use ``absent`` to mask);
- ``thermal_boxes`` (N, 4): the box in the thermal frame (differs with ``misalignment``);
- ``absent`` (N,) bool: target fully occluded (never out of view by construction);
- ``occluded`` (N,) bool: more than 25 % of the box covered by the occluder (both
  modalities); ``occlusion`` (N,) fraction; ``distractor_cover`` (N,) fraction hidden by a
  one-modality distractor;
- ``challenges``: the config's tags; ``frame_tags(i)``: tags in effect at frame ``i``.
"""
from __future__ import annotations

import numpy as np

from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.cache import FrameCache, check_index
from core.synthetic.config import SyntheticConfig, evaluation_split, sample_config, sample_training_seed
from core.synthetic.plan import make_plan
from core.synthetic.render import Renderer
from core.synthetic.textures import BackgroundProvider


class SyntheticSequence(RGBTSequence):
    """A deterministic synthetic RGB-T sequence of ``config.num_frames`` frames.

    ``seed`` is a non-negative int; ``name`` defaults to ``synthetic-<seed>``;
    ``cache_frames`` bounds the LRU cache of rendered pairs. ``background``: optional
    ``core.synthetic.textures.BackgroundProvider`` replacing ``config.background`` (e.g.
    real frames: ``core.training.backgrounds.RealBackgrounds``); the sequence is then a
    pure function of (config, seed, what the provider returns).
    """

    def __init__(self, config: SyntheticConfig, seed: int, *, name: str | None = None, cache_frames: int = 8,
                 background: BackgroundProvider | None = None):
        if int(seed) < 0:
            raise ValueError(f"seed must be non-negative, got {seed}")
        self.config = config
        self.seed = int(seed)
        plan_seq, texture_seq = np.random.SeedSequence(self.seed).spawn(2)
        self._plan = make_plan(config, plan_seq)
        self._renderer = Renderer(config, self._plan, texture_seq, background)
        self._cache: FrameCache[FramePair] = FrameCache(cache_frames)
        notes = [f"synthetic seed {self.seed}; challenges: {', '.join(config.challenges) or 'none'}",
                 f"background: {self._renderer.background_source}"]
        if config.has("misalignment"):
            dx, dy = self._plan.thermal_offset
            notes.append(f"thermal frame offset by ({dx:.2f}, {dy:.2f}) px from the visible frame")
        self._info = SequenceInfo(
            name=name or f"synthetic-{self.seed}", layout="synthetic", num_frames=config.num_frames,
            width=config.width, height=config.height, fps=config.fps, notes=notes,
        )
        for array in (self._plan.boxes, self._plan.thermal_boxes, self._plan.absent, self._plan.occluded, self._plan.occlusion):
            array.setflags(write=False)

    # -- RGBTSequence ----------------------------------------------------------------------
    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return self.config.num_frames

    def __getitem__(self, index: int) -> FramePair:
        index = check_index(index, len(self))
        return self._cache.get_or_make(index, self._render, lock_while_making=False)

    def _render(self, index: int) -> FramePair:
        visible, thermal = self._renderer.render(index)
        visible.setflags(write=False)
        thermal.setflags(write=False)
        return FramePair(index=index, visible=visible, thermal=thermal, thermal_raw=None)

    def close(self) -> None:
        self._cache.clear()

    def ground_truth(self):
        """``core.annotations`` records ({frame: FrameAnnotation}, provenance ``imported``), or
        None while that package is not available."""
        try:
            from core.annotations.records import FrameAnnotation, Provenance
        except ImportError:
            return None
        records = {}
        for i in range(len(self)):
            hidden = bool(self.absent[i])
            records[i] = FrameAnnotation(
                frame=i,
                box=None if hidden else self.boxes[i].copy(),
                thermal_box=None if hidden or not self.config.has("misalignment") else self.thermal_boxes[i].copy(),
                absent=hidden,
                occluded=bool(self.occluded[i]),
                provenance=Provenance.IMPORTED,
                keyframe=i == 0,
            )
        return records

    # -- ground truth ------------------------------------------------------------------------
    @property
    def boxes(self) -> np.ndarray:
        """(N, 4) float64 x, y, w, h of the target on the visible grid."""
        return self._plan.boxes

    @property
    def thermal_boxes(self) -> np.ndarray:
        """(N, 4) float64 x, y, w, h of the target in the thermal frame."""
        return self._plan.thermal_boxes

    @property
    def absent(self) -> np.ndarray:
        """(N,) bool, target fully hidden."""
        return self._plan.absent

    @property
    def occluded(self) -> np.ndarray:
        """(N,) bool, more than 25 % of the target box covered."""
        return self._plan.occluded

    @property
    def occlusion(self) -> np.ndarray:
        """(N,) float64 fraction of the target box covered by the occluder."""
        return self._plan.occlusion

    @property
    def distractor_cover(self) -> np.ndarray:
        """(N,) float64 fraction of the target box covered by a distractor (in its one modality)."""
        return self._plan.distractor_cover

    @property
    def challenges(self) -> tuple[str, ...]:
        return self.config.challenges

    @property
    def thermal_contrast(self) -> np.ndarray:
        """(N,) float64 target/background thermal contrast factor (1 normal, ~0 at crossover)."""
        return self._plan.contrast

    def frame_tags(self, index: int) -> tuple[str, ...]:
        """Challenge tags in effect at frame ``index``."""
        return self._plan.tags[index]

    def ground_truth_boxes(self) -> np.ndarray:
        """(N, 4) visible boxes with NaN rows where the target is absent (``core.geometry``)."""
        out = self._plan.boxes.copy()
        out[self._plan.absent] = np.nan
        return out


def sample_sequence(rng: np.random.Generator, challenge_family: str | None = None, *, cache_frames: int = 8) -> SyntheticSequence:
    """A random training sequence: ``sample_config(rng, challenge_family)`` with a training seed."""
    config = sample_config(rng, challenge_family)
    return SyntheticSequence(config, sample_training_seed(rng), cache_frames=cache_frames)


def evaluation_sequences(frames: int = 150, per_family: int = 3) -> list[SyntheticSequence]:
    """The fixed evaluation split (``evaluation_split``) as sequences named ``<family>-<k>``."""
    return [SyntheticSequence(config, seed, name=name) for name, config, seed in evaluation_split(frames, per_family)]
