"""Tracking-level validation: run the real tracker loop on a few held-out synthetic sequences.

Complements the crop-level ``core.training.validation`` (one template/search pair at a
time) with what the benchmark measures: :func:`tracking_validation` wraps a network
(the in-training model or a loaded checkpoint) in ``core.tracking.Tracker`` +
``TorchEngine`` and tracks the first ``sequences`` sequences of
``core.synthetic.evaluation_sequences(frames, per_family=1)`` (one per challenge family,
never used for training: evaluation seeds are disjoint from the training stream) from
the ground-truth box on frame 0.

Metrics (frames after the initial one where the target is not absent):
``track_iou`` the mean IoU (``core.geometry.iou``), ``track_sr50`` the share with IoU > 0.5.

Command line (evaluates finished checkpoints, e.g. for the model card)::

    python -m core.training.tracking_validation runs/teacher/checkpoint.pt [...] [--sequences 8 --frames 60]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from torch import nn

from core.geometry import iou
from core.progress import run_to_end


def sequence_ious(model: nn.Module, sequence, *, tracker_config=None) -> np.ndarray:
    """(K,) float64 IoU per tracked frame with the target present (frame 0 is the init).
    The model's train/eval mode is restored afterwards."""
    from core.tracking.engines import TorchEngine
    from core.tracking.run import track_sequence
    from core.tracking.tracker import Tracker, TrackerConfig

    was_training = model.training
    device = str(next(model.parameters()).device.type)
    gt = np.asarray(sequence.boxes, dtype=np.float64)
    absent = np.asarray(sequence.absent, dtype=bool)
    try:
        tracker = Tracker(TorchEngine(model, device), model.config, tracker_config or TrackerConfig())
        results = run_to_end(track_sequence(tracker, sequence, gt[0]))
    finally:
        model.train(was_training)
    frames = np.array([frame for frame, _, _ in results[1:]], dtype=int)
    boxes = np.array([box for _, box, _ in results[1:]], dtype=np.float64).reshape(-1, 4)
    keep = ~absent[frames]
    return iou(boxes[keep], gt[frames[keep]])


def tracking_validation(model: nn.Module, *, sequences: int = 4, frames: int = 40) -> dict[str, float]:
    """{"track_iou", "track_sr50"} of ``model`` (forward contract, ``model.config``) over the
    first ``sequences`` held-out synthetic sequences of ``frames`` frames. The model's
    train/eval mode is restored afterwards."""
    from core.synthetic import evaluation_sequences

    if sequences < 1 or frames < 2:
        raise ValueError(f"tracking validation needs >= 1 sequence and >= 2 frames, got {sequences}, {frames}")
    ious = [sequence_ious(model, s) for s in evaluation_sequences(frames=frames, per_family=1)[:sequences]]
    values = np.concatenate(ious) if ious else np.zeros(0)
    if values.size == 0:
        return {"track_iou": 0.0, "track_sr50": 0.0}
    return {"track_iou": float(values.mean()), "track_sr50": float((values > 0.5).mean())}


def main(argv: list[str] | None = None) -> int:
    """The command line (module docstring): one JSON line per checkpoint on stdout; a checkpoint
    that does not load is one ``error:`` line naming it (status 2), not a traceback."""
    from core.commands.arguments import int_at_least, positive_int
    from core.errors import RGBTError

    parser = argparse.ArgumentParser(
        prog="python -m core.training.tracking_validation",
        description="Tracking validation of project checkpoints on held-out synthetic sequences: one JSON line "
                    "per checkpoint (track_iou, track_sr50).")
    parser.add_argument("checkpoints", nargs="+", type=Path, metavar="CKPT", help="project checkpoints (.pt)")
    parser.add_argument("--sequences", type=positive_int, default=8,
                        help="held-out synthetic sequences, one per challenge family (default 8)")
    parser.add_argument("--frames", type=int_at_least(2), default=60, help="frames per sequence (default 60)")
    parser.add_argument("--threads", type=positive_int, default=1, help="torch CPU threads (default 1)")
    args = parser.parse_args(argv)
    import torch

    from core.models import load_checkpoint

    torch.set_num_threads(args.threads)
    for path in args.checkpoints:
        try:
            model, extra = load_checkpoint(path)
        except RGBTError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        numbers = tracking_validation(model, sequences=args.sequences, frames=args.frames)
        print(json.dumps({"checkpoint": str(path), "step": extra.get("step"), **numbers}))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
