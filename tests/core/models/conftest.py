"""Fixtures of the model tests: single-threaded torch, tiny inputs, the authors' layouts."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

LAYOUTS = Path(__file__).resolve().parent / "layouts"


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def read_layout(name: str) -> dict[str, tuple[tuple[int, ...], str]]:
    """``layouts/<name>.tsv`` -> {key: (shape, dtype)} (copied from shared/design/layouts)."""
    out = {}
    for line in (LAYOUTS / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, shape, dtype = line.split("\t")
        dims = tuple(int(d) for d in shape.strip("()").replace(" ", "").split(",") if d)
        out[key] = (dims, dtype)
    return out


def model_inputs(config, batch: int = 1, seed: int = 0):
    """Random normalised inputs (template_v, template_t, search_v, search_t) for ``config``."""
    g = torch.Generator().manual_seed(seed)
    z, x = config.template_size, config.search_size
    return (torch.randn(batch, 3, z, z, generator=g), torch.randn(batch, 3, z, z, generator=g),
            torch.randn(batch, 3, x, x, generator=g), torch.randn(batch, 3, x, x, generator=g))
