"""Which weights a bench runs a network with: a named checkpoint, random weights asked for, or the bundled one.

A checkpoint option (``--student``, ``--teacher``, ``--weights``) that names a missing file is
a typo, refused with one line naming the option; it never turns into random weights (it did,
with ``--random-weights``: a bench measured random networks under the name of the file the
user meant). Random weights come only from ``--random-weights`` itself, for the networks whose
checkpoint the user did not name, bundled checkpoint present or not (tests and dry runs).
"""
from __future__ import annotations

import warnings
from pathlib import Path

from core.commands.arguments import shipped_file
from core.errors import CheckpointError, ConfigError


def add_checkpoint_options(parser, *, teacher_role: str) -> None:
    """``--student`` (the checkpoint the bench fine-tunes, never modified) and ``--teacher``
    (``teacher_role``: what the bench does with its boxes or maps, ending the phrase "teacher
    checkpoint ..."), each a Path, default None: the bundled checkpoint, or random weights with
    ``--random-weights``; read them with :func:`checkpoint_or_random`. One wording for
    ``bench loop`` and ``bench loop-real``."""
    parser.add_argument("--student", type=shipped_file, default=None,
                        help="student checkpoint to fine-tune (default: the bundled student, or random weights with "
                             "--random-weights; never modified)")
    parser.add_argument("--teacher", type=shipped_file, default=None,
                        help=f"teacher checkpoint {teacher_role} (default: the bundled teacher, or random weights "
                             "with --random-weights)")


def checkpoint_or_random(named: str | Path | None, option: str, random_weights: bool, *,
                         random_option: bool = True) -> Path | None:
    """The checkpoint a bench loads for one network: ``named`` (the option's value, which
    must exist), else None when ``random_weights`` (random weights, :func:`bench_tracker`),
    else None too but meaning the bundled one is loaded: callers pass the result with
    ``random_weights`` to :func:`bench_tracker`. CheckpointError naming ``option`` for a
    named file that does not exist; ``random_option`` False: the bench has no --random-weights,
    which the message then leaves out."""
    if named is None:
        return None
    path = Path(named)
    if not path.exists():
        random = ", or random weights with --random-weights" if random_option else ""
        raise CheckpointError(path, f"{option} names a checkpoint that does not exist (fix the path, or leave {option} "
                                    f"out: the bundled one{random})")
    return path


def bench_tracker(model: str, path: Path | None, random_weights: bool, *, engine: str = "torch",
                  device: str = "auto", threads: int | None = None, config=None):
    """A Tracker of ``model`` ("student" | "teacher"): from ``path`` (a checkpoint
    :func:`checkpoint_or_random` let through), else random weights when ``random_weights``
    (a RandomWeightsWarning, as ``load_tracker`` gives, so the benches' banners follow), else
    the bundled checkpoint (its absence is ``load_tracker``'s one line, which names
    --random-weights)."""
    from core.tracking.factory import RandomWeightsWarning, load_tracker

    if path is not None or not random_weights:
        return load_tracker(model, path, engine=engine, device=device, config=config, threads=threads)
    if engine == "onnx":
        raise ConfigError("--random-weights runs PyTorch (there is no ONNX export of random weights); give "
                          "--engine torch")
    from core.tracking.engines import TorchEngine, choose_device
    from core.tracking.factory import random_model
    from core.tracking.tracker import Tracker

    warnings.warn(f"RANDOM WEIGHTS: the {model} tracker is randomly initialised (--random-weights); its boxes are "
                  "meaningless - use it only for tests and demos", RandomWeightsWarning, stacklevel=2)
    network = random_model(model)
    return Tracker(TorchEngine(network, choose_device(device), threads=threads), network.config, config,
                   weights_path="random")
