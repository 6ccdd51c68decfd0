"""The pair a run saves, ``checkpoint.pt`` (the network, ``core.models.save_checkpoint``;
``extra`` holds the step, the run config and the latest metrics) and ``training_state.pt``
(optimiser, AMP scaler, RNG states, the actor's extra modules such as the distillation
adapter, and the step): written so that neither a signal nor a kill leaves two steps
(:func:`save_pair`, :func:`settle_pending`), and read back for ``--resume``
(:func:`restore_pair`: both files must name the same step)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import torch

from core.config import to_dict
from core.errors import CheckpointError, OutputError, first_line
from core.fileio import atomic_path
from core.models import load_checkpoint, save_checkpoint
from core.models.checkpoint import load_torch_file, save_torch_file
from core.training.config import TrainConfig
from core.training.run_folder import PENDING_STATE
from core.training.stop_signals import interrupt_deferred


def save_pair(out_dir: Path, actor, optimizer, scaler, step: int, config: TrainConfig, metrics: dict,
              teacher: str | Path | None = None, kept: int = 0) -> Path:
    """Write ``checkpoint.pt`` and ``training_state.pt`` of step ``step`` as a pair: a Ctrl-C
    during the writes stops the run after them. A kill cannot be deferred: the state is first
    written whole to :data:`PENDING_STATE`, then the checkpoint replaces the old one (the
    commit), then the pending state is renamed over ``training_state.pt``. Killed before the
    checkpoint's replace, the folder holds the previous pair (and a pending state of a later
    step, dropped on resume); killed after it, a pending state of the checkpoint's step, which
    the resume puts in place (:func:`settle_pending`). A state written after the checkpoint
    instead was lost with the kill, and the pair, of two steps, could never be resumed.
    A write that fails (a full disk) is an OutputError naming the file, with the step the folder
    keeps (``kept``: the run's last saved step, 0 when none); the previous pair stays."""
    model = actor.trainable_module
    checkpoint = out_dir / "checkpoint.pt"
    safe_metrics = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}
    extra_modules = {name: m.state_dict() for name, m in actor.named_children()
                     if m is not actor.trainable_module and name != "teacher"}
    state = {
        "step": int(step), "optimizer": optimizer.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "torch_rng": torch.get_rng_state(), "extra_modules": extra_modules,
    }
    pending = out_dir / PENDING_STATE
    with interrupt_deferred(), naming_what_is_kept(out_dir, step, kept):
        try:
            with atomic_path(pending, suffix=".pt") as tmp:
                save_torch_file(state, tmp)
        except OutputError as error:
            raise OutputError(out_dir / "training_state.pt", error.problem.replace("; nothing was changed", "")
                              ) from error
        try:
            save_checkpoint(checkpoint, model, {"step": int(step), "train_config": to_dict(config),
                                                "metrics": safe_metrics,
                                                **({"teacher": str(Path(teacher).resolve())} if teacher else {})})
        except Exception:  # not written (disk full, ...): the previous pair stands, without a stray state
            pending.unlink(missing_ok=True)
            raise
        try:
            os.replace(pending, out_dir / "training_state.pt")
        except OSError as error:
            raise OutputError(out_dir / "training_state.pt", f"cannot write ({error.strerror or error}); "
                                                             f"{checkpoint} holds step {step}") from error
    return checkpoint


@contextlib.contextmanager
def naming_what_is_kept(out_dir: Path, step: int, kept: int):
    """An OutputError inside (a checkpoint's save, a metrics row) says that the run stopped at
    ``step`` and what its folder keeps (``kept``: the step of its last checkpoint, 0 when none)."""
    try:
        yield
    except OutputError as error:
        keeps = (f"{out_dir / 'checkpoint.pt'} keeps step {kept} (--resume continues from it)" if kept
                 else "no checkpoint of this run was written")
        problem = error.problem.replace("; nothing was changed", "")
        raise OutputError(error.path, f"{problem}; the run stopped at step {step}: {keeps}") from error


def settle_pending(out_dir: Path) -> None:
    """Finish or drop the save a kill interrupted (:func:`save_pair`): a :data:`PENDING_STATE` of the
    checkpoint's step replaces ``training_state.pt`` (the kill came after the checkpoint was
    committed); one of another step, or one that cannot be read, is removed (the kill came
    before: the folder's pair is the previous one). Nothing without a readable checkpoint
    (the resume then says what is wrong with it). Rank 0 only, before the others read."""
    from core.models.checkpoint import read_checkpoint

    pending = out_dir / PENDING_STATE
    if not pending.is_file() or not (out_dir / "checkpoint.pt").is_file():
        return
    try:
        checkpoint_step = (read_checkpoint(out_dir / "checkpoint.pt").get("extra") or {}).get("step")
    except CheckpointError:
        return
    if not isinstance(checkpoint_step, int):
        return
    try:
        state = load_torch_file(pending, "training state")
        step = state.get("step") if isinstance(state, dict) else None
    except CheckpointError:
        step = None
    if isinstance(step, int) and step == checkpoint_step:
        os.replace(pending, out_dir / "training_state.pt")
    else:
        pending.unlink(missing_ok=True)


def restore_pair(out_dir: Path, actor, optimizer, scaler, device) -> int:
    checkpoint, state_path = out_dir / "checkpoint.pt", out_dir / "training_state.pt"
    if not checkpoint.is_file() or not state_path.is_file():
        raise CheckpointError(out_dir, "cannot resume: checkpoint.pt and training_state.pt are both needed")
    model, extra = load_checkpoint(checkpoint)
    state = load_torch_file(state_path, "training state")  # cut short / damaged: one line, not torch's advice
    missing = [k for k in ("step", "optimizer", "torch_rng") if k not in state] if isinstance(state, dict) else None
    if missing is None or missing:
        lacks = "is not a dict" if missing is None else f"lacks {', '.join(repr(k) for k in missing)}"
        raise CheckpointError(state_path, f"not a training state written by `train` ({lacks})")
    if int(extra.get("step", -1)) != int(state.get("step", -2)):
        raise CheckpointError(state_path, f"names step {state.get('step')} but checkpoint.pt is at step {extra.get('step')}")
    try:  # another config's network or optimiser: one line, not torch's list of size mismatches
        actor.trainable_module.load_state_dict(model.state_dict())
        for name, sd in state.get("extra_modules", {}).items():
            getattr(actor, name).load_state_dict(sd)
        optimizer.load_state_dict(state["optimizer"])
        if scaler is not None and state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(state["torch_rng"])
    except (RuntimeError, ValueError, KeyError, TypeError, AttributeError) as error:
        first = first_line(error, limit=160)
        raise CheckpointError(state_path, f"does not fit the network and optimiser this config trains ({first}); "
                                          f"resume with the config the run was trained with ({out_dir / 'config.json'})"
                              ) from error
    return int(state["step"])
