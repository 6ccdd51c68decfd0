"""What ``bench accuracy`` evaluates: the synthetic evaluation split and real sequences.

- :func:`synthetic_items`: the FIXED split of ``core.synthetic.evaluation_split`` (seeds
  >= ``EVAL_SEED_BASE``, never drawn by training), grouped by challenge family.
- :func:`real_items`: every ``<data_root>/<dataset>/<sequence>/`` folder, or
  ``<data_root>/<sequence>/`` (a root holding sequence folders directly: a folder that is a
  sequence layout, ``core.sequences.layouts.detect_layout``, is never taken for a dataset), that
  ``core.sequences.open_sequence`` opens and whose ground truth
  (``RGBTSequence.ground_truth()``, i.e. the ``core.annotations.formats`` readers) has a
  box. Folders without ground truth are skipped with a note.
- :func:`ground_truth_rows`: records -> ``(N, 4)`` x, y, w, h float64 rows with
  ``0,0,0,0`` where the target is absent or unlabelled (the LasHeR toolkit's invalid row).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ConfigError, RGBTError

SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class EvalItem:
    """One sequence to evaluate.

    dataset: ``synthetic`` or the real dataset's folder name; name: the sequence name;
    group: the challenge family (synthetic) or the dataset; num_frames: frames used (the
    sequence may be longer); open: builds the ``RGBTSequence``; note: e.g. thermal only.
    """

    dataset: str
    name: str
    group: str
    num_frames: int
    open: Callable[[], object]
    note: str = ""


def synthetic_items(frames: int = 150, per_family: int = 3, families=None) -> list[EvalItem]:
    """The synthetic evaluation split, ``per_family`` sequences of ``frames`` frames for each
    family of ``core.synthetic.challenge_families()`` (or only ``families``); group = the
    family. Unknown family names raise ConfigError."""
    from core.synthetic import SyntheticSequence, challenge_families, evaluation_split

    known = list(challenge_families())
    unknown = [f for f in families or () if f not in known]
    if unknown:
        raise ConfigError(f"unknown challenge family {unknown}; known: {known}")
    items = []
    for name, config, seed in evaluation_split(frames=frames, per_family=per_family):
        family = name.rsplit("-", 1)[0]
        if families and family not in families:
            continue

        def build(config=config, seed=seed, name=name):
            return SyntheticSequence(config, seed, name=name, cache_frames=2)

        items.append(EvalItem(SYNTHETIC, name, family, config.num_frames, build))
    return items


def ground_truth_rows(records, num_frames: int) -> np.ndarray:
    """``{frame: FrameAnnotation}`` -> ``(num_frames, 4)`` float64 visible-grid rows,
    ``0,0,0,0`` where absent or unlabelled."""
    from core.annotations.formats import rows_from_records

    return rows_from_records(records or {}, num_frames)


def _valid(row: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(row)) and row[2] > 0 and row[3] > 0)


def _is_sequence(folder: Path) -> bool:
    """Whether ``folder`` has a sequence layout of its own (its subfolders are its frames)."""
    from core.sequences.layouts import detect_layout

    try:
        detect_layout(folder)
    except RGBTError:
        return False
    return True


def _subfolders(folder: Path) -> list[Path]:
    """The folders in ``folder``, sorted; hidden ones (``.name``: an export's temporary folder) left out."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _sequence_folders(root: Path) -> list[tuple[str, str, Path]]:
    """``(dataset, label, folder)`` per candidate sequence: ``<root>/<dataset>/<sequence>/``, and
    ``<root>/<sequence>/`` where a folder of the root is a sequence itself (dataset: the root's
    name); label names it in notes (``dataset/sequence`` or ``sequence``)."""
    found = []
    for child in _subfolders(root):
        if _is_sequence(child):
            found.append((root.name, child.name, child))
            continue
        found += [(child.name, f"{child.name}/{folder.name}", folder) for folder in _subfolders(child)]
    return found


def real_items(data_root: str | Path, frames: int | None = None) -> tuple[list[EvalItem], list[str]]:
    """Real sequences with ground truth under ``data_root`` (``<dataset>/<sequence>/``, or the
    sequence folders directly: :func:`_sequence_folders`).

    frames: use at most the first ``frames`` frames. Returns (items, notes) where notes
    say what was skipped and why (no folder, no ground truth, cannot be opened).
    """
    from core.sequences import open_sequence

    root = Path(data_root)
    if not root.is_dir():
        return [], [f"real sequences skipped: data folder {root} is absent"]
    items, notes = [], []
    for dataset, label, folder in _sequence_folders(root):
        try:
            sequence = open_sequence(folder)
        except RGBTError as error:
            notes.append(f"{label} skipped: {error}")
            continue
        try:
            records = sequence.ground_truth()
            count = len(sequence) if frames is None else min(len(sequence), int(frames))
            thermal_only = bool(sequence.info.thermal_only)
            visible_only = bool(getattr(sequence.info, "visible_only", False))
        finally:
            sequence.close()
        if not records:
            notes.append(f"{label} skipped: no ground truth")
            continue
        if not any(_valid(row) for row in ground_truth_rows(records, count)):
            notes.append(f"{label} skipped: no ground-truth box to start from")
            continue
        note = ("thermal only: our models get the thermal frame as both streams" if thermal_only else
                "visible only: our models get the colour frame and its luminance as thermal" if visible_only
                else "")
        items.append(EvalItem(dataset, folder.name, dataset, count, lambda folder=folder: open_sequence(folder), note))
    if not items and not notes:
        notes.append(f"real sequences skipped: no sequence folder under {root}")
    return items, notes
