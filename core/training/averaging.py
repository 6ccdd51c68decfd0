"""Weight averaging of checkpoints of one run's lineage (a "model soup" / SWA over stages).

Checkpoints taken along one training lineage (a run and the runs initialised from it)
lie in one basin; the mean of their weights usually tracks more robustly than any one of
them (Izmailov et al., SWA, 2018; Wortsman et al., model soups, 2022). Here it is measured,
not assumed: see ``assets/models/MODEL_CARD.md`` for the validation table that chose the
shipped student.

``average_checkpoints(paths)`` checks that all checkpoints hold the same factory, config
and tensor names/shapes (CheckpointError naming the file otherwise), averages floating-
point tensors in float64 and keeps integer buffers (e.g. BatchNorm's
``num_batches_tracked``) of the last checkpoint. ``python main.py average-weights A B ...
--out X`` writes the result (project format, ``extra.averaged_from`` lists the inputs).
"""
from __future__ import annotations

import itertools
from pathlib import Path

import torch

from core.errors import CheckpointError, ConfigError
from core.models.checkpoint import load_checkpoint, non_finite_problem, read_checkpoint, save_checkpoint


def average_checkpoints(paths: list[str | Path]) -> dict[str, torch.Tensor]:
    """The mean state dict of ``paths`` (>= 2 project checkpoints of one model config)."""
    if len(paths) < 2:
        raise ConfigError("averaging needs at least two checkpoints")
    first = read_checkpoint(paths[0])
    sums: dict[str, torch.Tensor] = {}
    payloads = itertools.chain((first,), map(read_checkpoint, paths[1:]))  # one checkpoint in memory at a time
    for path, payload in zip(paths, payloads, strict=True):
        if payload["factory"] != first["factory"] or payload["config"] != first["config"]:
            raise CheckpointError(Path(path), f"holds another model ({payload['factory']}, its config differs from "
                                              f"{Path(paths[0]).name}); only checkpoints of one model average")
        state = payload["state_dict"]
        problem = non_finite_problem(state)
        if problem is not None:  # it made the whole mean NaN, written with status 0
            raise CheckpointError(Path(path), f"{problem}; it cannot be averaged")
        if set(state) != set(first["state_dict"]):
            raise CheckpointError(Path(path), "its tensor names differ from the first checkpoint's")
        for name, tensor in state.items():
            if tensor.shape != first["state_dict"][name].shape:
                raise CheckpointError(Path(path), f"{name}: shape {tuple(tensor.shape)} differs from the first "
                                                  f"checkpoint's {tuple(first['state_dict'][name].shape)}")
            if tensor.is_floating_point():
                sums[name] = sums.get(name, 0) + tensor.double()
            else:
                sums[name] = tensor.clone()
    return {name: (value / len(paths)).to(first["state_dict"][name].dtype) if first["state_dict"][name].is_floating_point()
            else value for name, value in sums.items()}


def write_average(paths: list[str | Path], out: str | Path) -> Path:
    """Average ``paths`` and save the result to ``out`` (project checkpoint format)."""
    state = average_checkpoints(paths)
    model, _ = load_checkpoint(paths[0])
    model.load_state_dict(state, strict=True)
    return save_checkpoint(out, model, extra={"averaged_from": [str(p) for p in paths]})
