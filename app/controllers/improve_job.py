"""The job of "Improve the student from this project" and what the studio decides before it
starts (no widgets; the job itself uses no Qt, the options are read through ``app.settings``'
QSettings): the fine-tuning options last chosen (INI ``improve/*``: ``load_options``,
``save_options``), whether the labels can judge the result (``holdout_problem``,
``held_out_advice``, ``more_advice``) and where its files go (``improve_paths``).

The job (``improve_job``) chains the two core jobs the CLI runs: the distillation
export of the project (``core.distillation.export.export_distillation`` through the
export dialog's entry, crops embedded, the settings' teacher) to ``<home>/distill/`` and
``core.distillation.finetune.finetune_student`` from the current student ``.pt`` to a new
``<home>/students/student-<UTC time>.pt``, with its ONNX Runtime copies beside it
(``core.distillation.runtime_copies``: the improved student runs with the engine and the
speed of the bundled one; without them, where they cannot be written, with PyTorch). The data
file has its name only once the fine-tune is done: until then it is an unfinished file beside
it (``unfinished_path``). Cancel closes the job: the data file is removed and no weights file
is left (the checkpoint is written once, atomically, at the end of the fine-tune, and removed
when the cancel comes while its copies are written); a killed run leaves only the unfinished file, which
the next Improve removes (``core.fileio.sweep_stale_kind``, each with a CleanupNote).
``app.controllers.improving`` runs it in a worker.
"""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from app.settings import StudioSettings
from core.distillation.finetune import FinetuneConfig, FinetuneResult
from core.errors import DistillationDataError, ExportError, FileProblem
from core.fileio import describe_os_error, sweep_stale_kind, temp_name
from core.progress import Job, Progress
from core.wording import plural

DEFAULT_CONFIG = FinetuneConfig()  # the studio's fine-tune: 200 steps, batch 16
OPTION_KEYS = {"steps": ("improve/steps", int), "lr": ("improve/lr", float), "replay": ("improve/replay", float),
               "holdout_fraction": ("improve/holdout", float)}


def load_options(base: FinetuneConfig) -> FinetuneConfig:
    """``base`` with the fine-tuning options last chosen in the studio (INI ``improve/*``);
    unreadable or out-of-range values keep ``base``'s."""
    q = StudioSettings.qsettings()
    changes = {}
    for name, (key, kind) in OPTION_KEYS.items():
        try:
            value = kind(q.value(key))
        except (TypeError, ValueError):
            continue
        if (name == "steps" and value >= 1) or (name == "lr" and 0 < value <= 1e-2) or \
                (name in ("replay", "holdout_fraction") and 0 <= value <= 0.9):
            changes[name] = value
    return replace(base, **changes)


def save_options(config: FinetuneConfig) -> None:
    q = StudioSettings.qsettings()
    for name, (key, _kind) in OPTION_KEYS.items():
        q.setValue(key, getattr(config, name))
    q.sync()


class NotEnoughLabels(DistillationDataError):
    """The project has too few human-checked labels to make distillation samples."""


def holdout_problem(document, config: FinetuneConfig) -> str | None:
    """One line when fine-tuning on ``document``'s labels with ``config`` could not judge
    itself (``core.distillation.export.holdout_check``, the rule the fine-tune holds frames
    out by); None when it can, when nothing is held out on purpose and when there is no
    sample at all (``improve_job`` says "too few labels" then, before any work)."""
    from core.distillation.export import holdout_check

    info = document.info
    check = holdout_check(dict(document.records), document.num_frames, config.holdout_fraction,
                          (int(info.width), int(info.height)))
    problem = check.problem()
    if problem is not None and check.boxes == 0:
        problem += (" (without it, it would learn only from frames marked absent: no box after the "
                    "first keyframe)")
    return problem


def held_out_advice(document, config: FinetuneConfig) -> tuple[int, str] | None:
    """(held-out frames with a box, one line) when the before/after check of fine-tuning on
    ``document``'s labels with ``config`` would score some frames but fewer than
    ``FEW_HELD_OUT``: too few for its scores to say whether the student got better or worse.
    The line gives the numbers and what makes the scores meaningful (more frames after the
    last checked one, or several sequences). None when the check scores enough frames, none
    at all (``holdout_problem`` says so) or nothing is held out on purpose."""
    from core.distillation.export import FEW_HELD_OUT, holdout_check, more_frames_for

    info = document.info
    records, size = dict(document.records), (int(info.width), int(info.height))
    check = holdout_check(records, document.num_frames, config.holdout_fraction, size)
    if config.holdout_fraction <= 0 or not check.can_judge or check.scored >= FEW_HELD_OUT:
        return None
    more = more_frames_for(records, document.num_frames, config.holdout_fraction, size)
    checked = f"{check.samples} checked frame{'s' if check.samples != 1 else ''} after the first keyframe"
    scored = f"{check.scored} held-out frame{'s' if check.scored != 1 else ''}"
    line = (f"the before/after check would score only {scored} (the last {config.holdout_fraction:.0%} of the "
            f"{checked}): too few to say whether the student got better or worse")
    return check.scored, f"{line}; {more_advice(check.last_frame, more, document.num_frames)}"


def more_advice(last_frame: int | None, more: int, num_frames: int | None) -> str:
    """What makes the before/after scores meaningful: ``more`` frames with a box after
    ``last_frame`` (0-based; said 1-based) where the footage has them, or several sequences."""
    from core.distillation.export import FEW_HELD_OUT

    several = ("or fine-tune on several projects' exports (python main.py distill --data A.h5 B.h5 ..., "
               "each holding out its own frames)")
    if last_frame is None or more <= 0:
        return f"label more frames, {several}"
    following = None if num_frames is None else num_frames - last_frame - 1
    if following is not None and following < more:
        return (f"draw or accept the target's box on at least {more} more frames of this sequence (frames before "
                f"frame {last_frame + 1} count too: the footage has {plural(following, 'frame')} after it), {several}")
    return (f"draw or accept the target's box on at least {more} more frame{'s' if more != 1 else ''} after "
            f"frame {last_frame + 1} (then {FEW_HELD_OUT} held-out frames are scored), {several}")


def improve_paths(home: Path, name: str, now: datetime | None = None) -> tuple[Path, Path]:
    """(distillation data file, new student checkpoint) under ``home``, unused names."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "project"
    for n in range(1000):
        tail = "" if n == 0 else f"-{n}"
        data = home / "distill" / f"{safe}-{stamp}{tail}.h5"
        out = home / "students" / f"student-{stamp}{tail}.pt"
        if not data.exists() and not out.exists():
            return data, out
    raise FileExistsError(out)


def student_checkpoint(models) -> Path:
    """The ``.pt`` of the current student (the ``.pt`` beside an ``.onnx`` choice)."""
    from core.tracking.factory import default_weights

    path = Path(models.weights("student") or default_weights("student"))
    if path.suffix == ".onnx":
        path = path.with_suffix(".pt")
    if not path.is_file():
        raise DistillationDataError(path, "the student has no checkpoint (.pt) to fine-tune; choose student "
                                          "weights in Settings first")
    return path


def unfinished_path(data_path: Path) -> Path:
    """Where ``improve_job`` writes ``data_path`` until the fine-tune is done with it: a hidden
    ``.<name>.h5.<pid>.<random>.tmp`` beside it, the name ``core.fileio`` gives a writer's
    temporary (``temp_name``), so a killed run leaves no complete-looking ``.h5`` and the next
    Improve removes what it left (``sweep_stale_kind``: its process is gone)."""
    return data_path.with_name(f"{temp_name(data_path)}{secrets.token_hex(4)}.tmp")


def _naming(error: FileProblem, unfinished: Path, data_path: Path) -> FileProblem:
    """``error`` naming ``data_path`` where it names the unfinished file the user never sees."""
    if error.path != unfinished or type(error).__init__ is not FileProblem.__init__:
        return error
    return type(error)(data_path, error.problem, line=error.line)


def improve_job(sequence, records, store, models, data_path: Path, out_path: Path,
                config: FinetuneConfig = DEFAULT_CONFIG) -> Job[FinetuneResult]:
    """Export ``records`` of ``sequence`` to ``data_path`` and fine-tune the current student
    into ``out_path``; yields Progress ("1/2 ..." export, "2/2 ..." fine-tune), returns the
    FinetuneResult. Raises NotEnoughLabels when there is nothing to learn from. The data is
    written under ``unfinished_path(data_path)`` and renamed to ``data_path`` after the
    fine-tune; first, the unfinished files of earlier runs in that folder whose process is
    gone are removed."""
    from app.dialogs.export_dialog import entry
    from core.distillation.export import plan_samples
    from core.distillation.finetune import finetune_student

    started = time.time()
    if not plan_samples(records, len(sequence)):
        raise NotEnoughLabels(getattr(store, "path", None), "too few human-checked labels: draw or accept boxes "
                                                             "on at least two frames (a keyframe and a later one)")
    init = student_checkpoint(models)
    data_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_kind(data_path.parent, data_path.suffix, before=started)
    # a run killed while exporting leaves the writer's own temporary of the unfinished file
    # (.<unfinished name>.<pid>.<random>.tmp, the unfinished name itself ending in .tmp)
    sweep_stale_kind(data_path.parent, ".tmp", before=started)
    unfinished = unfinished_path(data_path)
    finished = weights_written = False
    try:
        export = entry("distillation-embedded").factory(sequence, records, unfinished, store, models)
        for report in export:
            yield replace(report, message=f"1/2 export: {report.message}")
        try:
            for_finetune = finetune_student(init, [unfinished], out_path, config, recorded_data=[data_path])
            while True:
                report = next(for_finetune)
                yield replace(report, message=f"2/2 fine-tune: {report.message}")
        except StopIteration as stop:
            result = stop.value
            weights_written = True
        except DistillationDataError as error:
            if "no labelled training samples" in error.problem:
                raise NotEnoughLabels(data_path, "too few human-checked labels to train on (all samples were "
                                                 "held out); label more frames") from error
            raise
        yield Progress(config.steps, config.steps, "2/2 fine-tune: writing the ONNX Runtime copies")
        _runtime_copies(out_path)
        try:
            os.replace(unfinished, data_path)
        except OSError as error:
            raise ExportError(data_path, f"cannot put the data in place ({describe_os_error(error)})") from error
        finished = True
        return result
    except FileProblem as error:  # about the unfinished file: name the one the user knows
        named = _naming(error, unfinished, data_path)
        if named is error:
            raise
        raise named from error
    finally:
        if not finished:
            unfinished.unlink(missing_ok=True)
            if weights_written:  # cancelled while its copies were written: no weights are left
                from core.distillation.runtime_copies import runtime_copy_paths

                for path in (out_path, *runtime_copy_paths(out_path)):
                    path.unlink(missing_ok=True)


def _runtime_copies(checkpoint: Path) -> None:
    """The ONNX Runtime copies of the fine-tuned ``checkpoint`` (``write_runtime_copies``);
    where they cannot be written (no ONNX exporter, a copy that differs from PyTorch) the
    student runs with PyTorch, as a checkpoint alone does."""
    from core.distillation.runtime_copies import write_runtime_copies

    try:
        write_runtime_copies(checkpoint)
    except Exception:  # noqa: BLE001 - the exporters raise many kinds; the fine-tuned .pt stands without them
        pass
