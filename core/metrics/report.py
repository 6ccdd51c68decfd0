"""Evaluation results: :class:`EvalReport` (protocol named everywhere), table and JSON."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Curve:
    """A success or precision curve: ``thresholds`` and ``values`` ``(T,)`` float64 in [0, 1]."""

    name: str
    thresholds: np.ndarray
    values: np.ndarray

    def to_dict(self) -> dict:
        return {"name": self.name, "thresholds": [round(float(t), 6) for t in self.thresholds],
                "values": [float(v) for v in self.values]}


@dataclass(frozen=True)
class SequenceScores:
    """One sequence: frames evaluated, its scores (by the protocol's names) and curves."""

    name: str
    frames: int
    scores: dict[str, float]
    curves: dict[str, Curve]


@dataclass(frozen=True)
class AttributeScores:
    """Scores over the sequences (``level='sequence'``) or frames (``'frame'``) with a tag."""

    attribute: str
    level: str
    sequences: int
    frames: int
    scores: dict[str, float]


@dataclass(frozen=True)
class EvalReport:
    """Result of evaluating one tracker under one protocol.

    scores: e.g. ``{"PR": 0.5, "NPR": 0.43, "SR": 0.36}`` in [0, 1]; curves: overall curves
    keyed by the same names; sequences: per-sequence details; attributes: breakdown.
    """

    protocol: str
    tracker: str
    scores: dict[str, float]
    curves: dict[str, Curve]
    sequences: tuple[SequenceScores, ...]
    attributes: tuple[AttributeScores, ...] = ()
    attribute_source: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self, per_sequence: bool = False) -> str:
        """Plain-text table; the first line names the protocol."""
        names = list(self.scores)
        labels = [f"  {a.attribute} [{a.sequences} seq]" if a.level == "sequence" else f"  {a.attribute} [{a.frames} fr]"
                  for a in self.attributes]
        # the first column fits the longest attribute label (a synthetic sequence's per-frame tags,
        # 'visible_distractor (frames) [277 fr]', pushed their scores out of the columns)
        width = max([28] + [len(label) + 1 for label in labels])
        lines = [f"protocol: {self.protocol}   tracker: {self.tracker}   sequences: {len(self.sequences)}"]
        header = f"{'':<{width}}" + "".join(f"{n:>9}" for n in names)
        lines.append(header)
        lines.append(f"{'overall':<{width}}" + "".join(f"{self.scores[n]:>9.4f}" for n in names))
        if self.attributes:
            lines.append(f"attributes ({self.attribute_source}):")
            for a, label in zip(self.attributes, labels, strict=True):
                lines.append(f"{label:<{width}}" + "".join(f"{a.scores.get(n, float('nan')):>9.4f}" for n in names))
        if per_sequence:
            lines.append("sequences:")
            for s in self.sequences:
                lines.append(f"  {s.name[:26]:<{width - 2}}" + "".join(f"{s.scores.get(n, float('nan')):>9.4f}"
                                                                    for n in names))
        for note in self.notes:
            lines.append(f"note: {note}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready dict (the protocol is a top-level key)."""
        return {
            "protocol": self.protocol,
            "tracker": self.tracker,
            "scores": dict(self.scores),
            "curves": {k: c.to_dict() for k, c in self.curves.items()},
            "sequences": [
                {"name": s.name, "frames": s.frames, "scores": dict(s.scores),
                 "curves": {k: [float(v) for v in c.values] for k, c in s.curves.items()}}
                for s in self.sequences
            ],
            "attribute_source": self.attribute_source,
            "attributes": [
                {"attribute": a.attribute, "level": a.level, "sequences": a.sequences, "frames": a.frames,
                 "scores": dict(a.scores)}
                for a in self.attributes
            ],
            "notes": list(self.notes),
        }
