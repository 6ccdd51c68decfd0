"""Confidences for imported pre-labels: the scores file ``track --scores`` writes beside its
``--out`` boxes (``core.commands.track_setup.format_scores``: one confidence per line, line k
= frame k like the boxes' rows, ``nan`` before the frame tracking started on).

Imported without them, pre-labels had no score, so the timeline's confidence curve and N (the
next frame that needs attention) flagged none of them. The file is found by name only beside
the boxes file (:func:`scores_beside`) and used only when it holds exactly one value per box
row (:func:`read_scores`): a scores file of another run cannot be taken for this one's.
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np

from core.annotations.formats.box_import import BoxFileImport
from core.annotations.formats.decoding import read_text
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError
from core.wording import plural


def score_names(boxes: Path) -> list[str]:
    """File names a scores file of ``boxes`` may have, beside it: ``scores.txt`` (``track --out
    boxes.txt --scores scores.txt``), ``<stem>_scores<ext>``, ``<stem>-scores<ext>``,
    ``<stem>.scores<ext>``."""
    suffix = boxes.suffix or ".txt"
    names = [f"scores{suffix}", "scores.txt"] + [f"{boxes.stem}{sep}scores{suffix}" for sep in ("_", "-", ".")]
    return [name for name in dict.fromkeys(names) if name != boxes.name]


def scores_beside(boxes: str | Path) -> Path | None:
    """The scores file beside ``boxes`` (:func:`score_names`), when exactly one is there; else None."""
    boxes = Path(boxes)
    found = [boxes.parent / name for name in score_names(boxes) if (boxes.parent / name).is_file()]
    return found[0] if len(found) == 1 else None


def read_scores(path: str | Path, rows: int) -> np.ndarray:
    """``(rows,)`` float64 confidences of ``path``, one per line (``nan`` = no score).

    AnnotationFormatError naming the file (and line) when a line is not one number, or when it
    holds another count than ``rows`` (the box file's rows: then it is not their scores).
    """
    path = Path(path)
    lines = read_text(path).splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    values = []
    for number, line in enumerate(lines, start=1):
        try:
            values.append(float(line.strip()))
        except ValueError:
            raise AnnotationFormatError(path, f"not one number in {line.strip()!r}: a scores file holds one "
                                              "confidence per line", line=number) from None
    if len(values) != rows:
        raise AnnotationFormatError(path, f"holds {len(values)} scores for {rows} box rows: not their scores")
    return np.asarray(values, dtype=np.float64)


def with_scores(found: BoxFileImport, scores: np.ndarray, source: Path) -> BoxFileImport:
    """``found`` (one row per frame, row k frame k) with record k's confidence ``scores[k]``
    (None where it is NaN), and a note naming ``source``. Each record is a copy with its
    confidence set, its box arrays shared (read-only): through ``dataclasses.replace`` each
    was checked and its boxes copied again, 0.67 s of 40,000 pre-labels."""
    records = {}
    values = scores.tolist()
    for frame, record in found.records.items():
        score = values[frame] if frame < len(values) else math.nan
        records[frame] = _with_confidence(record, None if math.isnan(score) else score)
    scored = sum(1 for r in records.values() if r.confidence is not None)
    return dataclasses.replace(found, records=records, notes=found.notes + (
        f"confidences of {plural(scored, 'frame')} from {source.name} (track --scores)",))


def _with_confidence(record: FrameAnnotation, confidence: float | None) -> FrameAnnotation:
    """A copy of ``record`` (valid: its box arrays read-only, shared) with ``confidence`` (a
    float, or None for no score)."""
    scored = FrameAnnotation._trusted(record.frame, record.box, record.thermal_box, record.absent, record.occluded,
                                      record.provenance)
    put = object.__setattr__  # a frozen record, fresh: set once, as its constructor does
    put(scored, "confidence", confidence)
    put(scored, "keyframe", record.keyframe)
    return scored
