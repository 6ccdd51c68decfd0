"""The run folder: the files a training run writes in it and the checks made before any work.

Files (rank 0 writes): ``checkpoint.pt`` and ``training_state.pt``, saved as a pair
(``core.training.checkpoint_pair``, with ``training_state.pending.pt`` between the two),
``metrics.csv`` (``core.training.metrics_log``) and ``config.json`` (the run config).
``init`` / ``teacher`` weights that are one of these files are always refused
(:func:`check_weights_not_outputs`). A new run over a folder that holds an earlier run is
the caller's choice: the ``train`` / ``distill`` commands refuse it before any work unless
``--force`` (:func:`prepare_run_folder`).
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from core.errors import CheckpointError, OutputError, RGBTError
from core.training.distributed import DistributedContext

#: the files a run writes in its folder
RUN_FILES = ("checkpoint.pt", "training_state.pt", "metrics.csv", "config.json", "training_state.pending.pt")
#: the training state of a checkpoint being saved, complete on disk before the checkpoint replaces
#: the old one (:func:`core.training.checkpoint_pair.save_pair`)
PENDING_STATE = "training_state.pending.pt"
#: the files that make a folder an earlier run (a metrics.csv alone is a run stopped before
#: its first checkpoint: nothing to lose, nothing to resume; train-family restarts those)
RUN_RESULTS = ("checkpoint.pt", "training_state.pt")


def _same_path(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_weights_not_outputs(out_dir: str | Path, *, init: str | Path | None = None,
                              teacher: str | Path | None = None) -> None:
    """OutputError when ``init`` or ``teacher`` (checkpoint paths) is one of the files a
    run in ``out_dir`` writes (:data:`RUN_FILES`; the same file after resolving links),
    resumed or not: the run would write over its own input."""
    out_dir = Path(out_dir)
    for option, weights in (("--init", init), ("--teacher", teacher)):
        if weights is None:
            continue
        for name in RUN_FILES:
            if _same_path(Path(weights), out_dir / name):
                hint = "give --resume instead of --init to continue that run, or " if option == "--init" else ""
                raise OutputError(weights, f"{option} is the {name} this run writes in {out_dir}; {hint}"
                                           "choose another --out (or copy the file elsewhere first)")


def check_teacher_checkpoint(teacher: str | Path) -> None:
    """CheckpointError naming ``teacher`` when it does not hold a teacher model: a student
    checkpoint given as the teacher (``distill --teacher student_bundled.pt``) distilled the
    student into a student, with status 0 and no word."""
    from core.models.checkpoint import read_checkpoint

    factory = read_checkpoint(teacher).get("factory")
    if factory != "teacher":
        raise CheckpointError(teacher, f"holds a {factory} model, not a teacher: --teacher takes the teacher "
                                       "checkpoint to distil from (e.g. assets/models/teacher_bundled.pt); a "
                                       "student to start from is --init")


def prepare_run_folder(out_dir: str | Path, *, resume: bool = False, force: bool = False,
                       init: str | Path | None = None, teacher: str | Path | None = None) -> None:
    """The ``train`` / ``distill`` commands' checks before any work (one typed error naming
    the path): ``init`` / ``teacher`` exist (CheckpointError) and are not the run's own
    files (OutputError, :func:`check_weights_not_outputs`); unless ``resume``, ``out_dir``
    holds no earlier run (``checkpoint.pt`` or ``training_state.pt``; OutputError) unless
    ``force``, and no ``metrics.csv`` or ``config.json`` that a run did not write (a user's
    own file of that name; OutputError unless ``force``). Without ``resume`` an earlier
    ``training_state.pt`` and ``metrics.csv`` are removed (by rank 0), so the new run's rows
    are not appended to old ones (a run stopped before its first checkpoint leaves only
    those); an earlier ``checkpoint.pt`` stays until the new run writes its first
    checkpoint (atomically)."""
    out_dir = Path(out_dir)
    for weights in (init, teacher):  # a missing input is the first thing to tell
        if weights is not None and not Path(weights).is_file():
            raise CheckpointError(weights, "checkpoint file not found")
    check_weights_not_outputs(out_dir, init=init, teacher=teacher)
    if teacher is not None:
        check_teacher_checkpoint(teacher)
    from core.fileio import check_output

    check_output(out_dir, folder=True, option="--out")  # a file, or a place that cannot be written
    if resume:
        return
    earlier = [name for name in RUN_RESULTS if (out_dir / name).exists()]
    if earlier and not force:
        raise OutputError(out_dir, f"holds an earlier run ({', '.join(earlier)}); choose another --out, "
                                   "give --resume to continue it, or --force to replace it")
    foreign = [name for name in ("metrics.csv", "config.json") if not _written_by_a_run(out_dir / name)]
    if foreign and not force:
        raise OutputError(out_dir / foreign[0], "is not a file a training run wrote, and this run would "
                                                "replace it; choose another --out, or --force to replace it")
    if DistributedContext.from_env().main:
        # a replaced run's state, or the rows of a run stopped before its first checkpoint:
        # the new run's rows are never appended to them
        for name in ("training_state.pt", PENDING_STATE, "metrics.csv"):
            (out_dir / name).unlink(missing_ok=True)


def _written_by_a_run(path: Path) -> bool:
    """True when ``path`` is absent or looks like the file of that name a run writes: a
    ``metrics.csv`` whose header starts with ``step``, a ``config.json`` holding a JSON
    object with a ``model`` section (a user's own file of that name is never replaced
    without ``--force``)."""
    if not path.exists():
        return True
    try:
        with open(path, encoding="utf-8") as handle:
            if path.name == "metrics.csv":
                return handle.readline().strip().split(",")[0] == "step"
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("model"), dict)


def run_folder_before(out_dir: str | Path) -> tuple[list[Path], str | None]:
    """What a new run's folder held before the run (for :func:`drop_unkept_run`): the folders
    of ``out_dir``'s path that do not exist yet (outermost first) and the text of its
    ``config.json`` (None when there is none)."""
    out_dir = Path(out_dir)
    missing: list[Path] = []
    current = out_dir
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    config = out_dir / "config.json"
    try:
        text = config.read_text(encoding="utf-8") if config.is_file() else None
    except (OSError, UnicodeDecodeError):
        text = None
    return list(reversed(missing)), text


def drop_unkept_run(out_dir: str | Path, before: tuple[list[Path], str | None]) -> None:
    """After a new run stopped before its first checkpoint ('nothing was kept'): remove what it
    wrote, ``config.json`` (the earlier run's text put back, a ``--force``'d run leaving the
    earlier ``checkpoint.pt`` beside its own config) and ``metrics.csv`` (a new run removed the
    earlier one at its start), and the folders it created when they are left empty. A stopped
    run's ``config.json`` stayed in ``--out``. Errors are ignored: the run is stopping."""
    from core.fileio import remove_empty, write_text_atomic

    out_dir = Path(out_dir)
    created, config_text = before
    with contextlib.suppress(OSError, RGBTError):
        if config_text is None:
            (out_dir / "config.json").unlink(missing_ok=True)
        elif (out_dir / "config.json").is_file():
            write_text_atomic(out_dir / "config.json", config_text)
        (out_dir / "metrics.csv").unlink(missing_ok=True)
    remove_empty(created)
