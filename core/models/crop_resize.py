"""The same trained network at other crop sides: position embeddings resized on their grids.

Every layer of the bundled teacher and student is independent of the token count except
the learned position embeddings ``backbone.pos_embed_z`` (``(1, Nz, C)``, ``Nz =
(template_size / patch_size)^2``) and ``backbone.pos_embed_x`` (``(1, Nx, C)``). Those are
square token grids; resizing them bicubically, as ViT fine-tuning at a higher resolution
does (Dosovitskiy et al. 2021, section 3.2), gives a network that reads larger crops of the
same context (the crop factors stay) at a finer grid, as a starting point for fine-tuning
at those sides. Without fine-tuning it tracks worse (``docs/training.md``, "Larger crops").

``resized_for_crops(model, template_size, search_size)`` returns a new model of the same
factory whose config differs only in the two sides; ``write_resized(src, out, ...)`` does
it checkpoint to checkpoint (``python main.py resize-crops``), recording the source in
``extra.resized_from``.
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from core.errors import CheckpointError, ConfigError
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.registry import build_model, factory_of

#: State-dict names of the token-grid embeddings that depend on the crop sides (the unused
#: ``pos_embed_x_last`` of a teacher with the authors' layout, e.g. an imported MPLT, is a
#: search grid too: a resize refused such a teacher)
GRID_EMBEDDINGS = ("backbone.pos_embed_z", "backbone.pos_embed_x", "backbone.pos_embed_x_last")


def resize_grid_embedding(embedding: torch.Tensor, tokens: int) -> torch.Tensor:
    """``(1, N, C)`` embedding of a square ``sqrt(N)`` grid -> ``(1, tokens, C)``, bicubic.

    Raises ConfigError when either count is not a square."""
    old_side, new_side = math.isqrt(embedding.shape[1]), math.isqrt(tokens)
    if old_side * old_side != embedding.shape[1] or new_side * new_side != tokens:
        raise ConfigError(f"position embeddings of {embedding.shape[1]} -> {tokens} tokens are not square grids")
    if old_side == new_side:
        return embedding.clone()
    grid = embedding.reshape(1, old_side, old_side, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid.float(), size=(new_side, new_side), mode="bicubic", align_corners=False)
    return grid.permute(0, 2, 3, 1).reshape(1, tokens, -1).to(embedding.dtype)


def resized_for_crops(model: nn.Module, template_size: int, search_size: int) -> nn.Module:
    """A copy of ``model`` (a teacher or student, bundled-style or with the authors' layout) at the
    given crop sides.

    The config's other fields, and every weight but the grid embeddings, are kept. The
    sides must be multiples of the model's stride (ConfigError from the config otherwise).
    """
    config = dataclasses.replace(model.config, template_size=int(template_size), search_size=int(search_size))
    resized = build_model(factory_of(model), config, pretrained_stem=False)
    state = model.state_dict()
    target = resized.state_dict()
    for name, tensor in state.items():
        if name not in target:
            raise ConfigError(f"{name} has no place in the resized model")
        if target[name].shape != tensor.shape:
            if name not in GRID_EMBEDDINGS:
                raise ConfigError(f"{name} changes shape with the crop sides ({tuple(tensor.shape)} -> "
                                  f"{tuple(target[name].shape)}); only the position embeddings may")
            state[name] = resize_grid_embedding(tensor, target[name].shape[1])
    resized.load_state_dict(state, strict=True)
    return resized.eval()


def write_resized(source: str | Path, out: str | Path, template_size: int, search_size: int) -> nn.Module:
    """Load the project checkpoint ``source``, resize it and write it to ``out`` (atomic);
    returns the resized model. CheckpointError names ``source`` when it cannot be resized."""
    model, extra = load_checkpoint(source)
    try:
        resized = resized_for_crops(model, template_size, search_size)
    except ConfigError as error:
        raise CheckpointError(Path(source), f"cannot be resized to {template_size}/{search_size}: {error}") from error
    save_checkpoint(out, resized, {**extra, "resized_from": str(source)})
    return resized
