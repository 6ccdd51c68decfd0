"""Template/search frame pairs from weighted sources.

:class:`PairSampler` draws a source (by weight), a sequence from it, a template frame
and a search frame at most ``max_gap`` frames apart, both with the target present
(``SequenceEntry.usable``). With ``negative_share`` > 0 that share of the pairs is
*negative*: the search frame and box come from another sequence of the same source
(another object; ``PairSample.negative``). Randomness comes only from the generator
passed in, so a sample is a pure function of that generator's seed and the step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import SequenceError
from core.sequences.base import FramePair
from core.training.config import SamplerConfig
from core.training.sources import SequenceEntry, TrainingSource


@dataclass
class PairSample:
    """template/search: frame pairs; *_box: (4,) float64 x, y, w, h visible grid;
    entry: the sequence they came from; template_index/search_index: 0-based frames.
    negative: the search frame and box belong to another sequence's target (the
    template's target is not in the search crop)."""

    template: FramePair
    template_box: np.ndarray
    search: FramePair
    search_box: np.ndarray
    entry: SequenceEntry
    template_index: int
    search_index: int
    negative: bool = False


def choose_pair(usable: np.ndarray, max_gap: int, rng: np.random.Generator) -> tuple[int, int] | None:
    """(template, search) frame indices, both usable and ``|s - t| <= max_gap``; None when
    the sequence has no usable frame."""
    frames = np.flatnonzero(usable)
    if frames.size == 0:
        return None
    template = int(frames[rng.integers(frames.size)])
    lo = int(np.searchsorted(frames, template - max_gap, side="left"))
    hi = int(np.searchsorted(frames, template + max_gap, side="right"))
    search = int(frames[lo + rng.integers(hi - lo)])
    return template, search


class PairSampler:
    """sources: built :class:`TrainingSource` objects; weights: their relative shares."""

    def __init__(self, sources: list[TrainingSource], weights: list[float], config: SamplerConfig):
        if len(sources) != len(weights) or not sources:
            raise ValueError("one weight per source, at least one source")
        w = np.asarray(weights, dtype=np.float64)
        self.sources = sources
        self.probabilities = w / w.sum()
        self.config = config

    def sample(self, rng: np.random.Generator, step: int) -> PairSample:
        """One pair; SequenceError when ``attempts`` sequences in a row had no usable frame."""
        for _ in range(max(1, self.config.attempts)):
            source = self.sources[int(rng.choice(len(self.sources), p=self.probabilities))]
            entry = source.draw(rng, step)
            pair = choose_pair(entry.usable, self.config.max_gap, rng)
            if pair is None:
                continue
            t, s = pair
            if self.config.negative_share > 0 and rng.random() < self.config.negative_share:
                negative = self._negative_search(source, entry, rng, step)
                if negative is not None:
                    other, s = negative
                    return PairSample(entry.frame(t), entry.boxes[t].copy(), other.frame(s), other.boxes[s].copy(),
                                      entry, t, s, negative=True)
            return PairSample(entry.frame(t), entry.boxes[t].copy(), entry.frame(s), entry.boxes[s].copy(), entry, t, s)
        raise SequenceError(None, f"no sequence with a visible target after {self.config.attempts} draws")

    def _negative_search(self, source: TrainingSource, entry: SequenceEntry, rng: np.random.Generator,
                         step: int) -> tuple[SequenceEntry, int] | None:
        """(another sequence of ``source``, a usable frame of it), or None when a few draws
        give only ``entry`` itself (a source with one sequence)."""
        for _ in range(4):
            other = source.draw(rng, step)
            if other is entry or other.name == entry.name:
                continue
            frames = np.flatnonzero(other.usable)
            if frames.size:
                return other, int(frames[rng.integers(frames.size)])
        return None
