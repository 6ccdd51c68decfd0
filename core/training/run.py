"""Shared CLI plumbing of ``train`` and ``distill``: options, config overrides, the bar."""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from core.assets import resolve_path
from core.commands.arguments import output_folder, positive_int, shipped_file
from core.progress import run_with_bar
from core.training.config import TrainConfig, check_data_not_written, load_train_config, with_overrides
from core.training.distributed import DistributedContext, check_device
from core.training.model_setup import check_init_fits, check_teacher_fits
from core.training.run_folder import drop_unkept_run, prepare_run_folder, run_folder_before
from core.training.trainer import TrainResult, train_job


def config_path(text: str) -> Path:
    """``--config``: :func:`core.assets.resolve_path` (the working directory, else the project's
    ``configs/`` of the source tree or the installed copy); a file found nowhere outside
    ``configs/`` is named as the user gave it, not below the project root."""
    resolved = resolve_path(text)
    if resolved.exists() or Path(text).parts[:1] == ("configs",):
        return resolved
    return Path(text).expanduser()


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=config_path, required=True,
                        help="training config JSON (see configs/ and docs/training.md); a relative path is taken from "
                             "the working directory, else from the project (configs/... of the source tree or the "
                             "installed copy)")
    parser.add_argument("--out", type=output_folder, default=None, help="run folder (default: runs/<config name>)")
    parser.add_argument("--resume", action="store_true", help="continue from the run folder's last checkpoint")
    parser.add_argument("--steps", type=int, default=None, help="override the config's number of steps")
    parser.add_argument("--batch-size", type=int, default=None, help="override the config's batch size")
    parser.add_argument("--seed", type=int, default=None, help="override the config's seed")
    parser.add_argument("--threads", type=positive_int, default=None, help="torch CPU threads (override)")
    parser.add_argument("--init", type=shipped_file, default=None, help="checkpoint initialising the trained network")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="auto (default): the GPU when PyTorch sees one, else the CPU (under torchrun each "
                             "process uses its own GPU)")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The ``--config`` file with the command line's overrides; a bad override is one line
    naming its option (``--steps must be >= 1, got 0``; it said ``steps ...``, a name the
    command line does not have, without the file a config key is named with)."""
    import re

    from core.errors import ConfigError

    config = load_train_config(args.config)
    try:
        return with_overrides(config, steps=args.steps, batch_size=args.batch_size, seed=args.seed,
                              threads=args.threads)
    except ConfigError as error:
        raise ConfigError(re.sub(r"^(steps|batch_size|seed|threads)\b", lambda m: "--" + m.group(1).replace("_", "-"),
                                 str(error))) from error


def run_folder(args: argparse.Namespace) -> Path:
    """``--out``, or ``runs/<config name>``."""
    return args.out if args.out is not None else Path("runs") / args.config.stem


def _top_level_keys(path: Path) -> set[str]:
    """The keys of the config file itself (not of the files it extends); empty when it cannot
    be read (loading the config says why)."""
    from core.errors import ConfigError
    from core.fileio import read_json_object

    try:
        return set(read_json_object(path, "training config"))
    except ConfigError:
        return set()


def check_resume_fits(spec, out: Path) -> None:
    """CheckpointError naming the run's ``checkpoint.pt`` when ``--resume`` is given a config
    whose network is not the one the run trained (another model, or another config of it):
    it ended in a traceback listing torch's size mismatches. Nothing is checked when the
    checkpoint is not there (the run folder's checks say what is missing)."""
    from core.errors import CheckpointError

    checkpoint = Path(out) / "checkpoint.pt"
    if not checkpoint.is_file():
        return
    try:
        check_init_fits(spec, checkpoint)
    except CheckpointError as error:
        what = (error.problem or str(error)).split(";")[0]
        raise CheckpointError(checkpoint, f"{what}: --resume continues the network this run trained; give the "
                                          f"config it was trained with ({Path(out) / 'config.json'})") from error


def check_resume_command(out: Path, teacher: Path | None) -> None:
    """ConfigError when ``--resume`` continues a run with the other command: a run ``train`` made
    resumed by ``distill`` (``teacher`` given), or a distilled run (its checkpoint records the
    teacher) resumed by ``train``. Its training state, with or without the distillation adapter,
    did not fit, and the error asked for the config the run was trained with, which it was
    given. Nothing is checked when the checkpoint cannot be read (the resume says why)."""
    from core.errors import CheckpointError, ConfigError
    from core.models.checkpoint import read_checkpoint

    try:
        extra = read_checkpoint(Path(out) / "checkpoint.pt").get("extra") or {}
    except CheckpointError:
        return
    if not isinstance(extra.get("step"), int):
        return
    distilled_from = extra.get("teacher")
    if teacher is None and isinstance(distilled_from, str):
        raise ConfigError(f"{out} was distilled from {distilled_from}: continue it with `distill --teacher "
                          f"{distilled_from} --resume` (the same --config), or train a new run from its weights "
                          f"(--init {Path(out) / 'checkpoint.pt'}, another --out)")
    if teacher is not None and distilled_from is None:
        raise ConfigError(f"{out} was trained by `train` (no teacher): continue it with `train --resume`, or distil "
                          f"a new run from its weights (--init {Path(out) / 'checkpoint.pt'}, another --out)")


def resume_note(out: Path, config: TrainConfig, label: str, teacher: Path | None = None) -> str | None:
    """For ``--resume`` of the run in ``out`` with steps left to train: a note to print once it
    has trained, when its step count differs from the run's own (None otherwise, and when its
    checkpoint cannot be read: the run folder's checks say why).

    A run already at ``steps`` is said in one line (:class:`NothingToTrain`); one past them is a
    ConfigError: both ran with status 0 and nothing trained, and rewrote the run's
    ``config.json`` with the smaller count ('train: 8 steps' over a record saying 4). A count that
    differs from the run's own is noted: the learning-rate schedule (``decay_at``) is a fraction
    of it, so from the resumed step on the run follows the new count's schedule."""
    from core.errors import CheckpointError, ConfigError
    from core.models.checkpoint import read_checkpoint

    steps = config.steps
    try:
        extra = read_checkpoint(Path(out) / "checkpoint.pt").get("extra") or {}
    except CheckpointError:
        return None
    done = extra.get("step")
    if not isinstance(done, int):
        return None
    if done == steps:  # said in one line, status 0
        raise NothingToTrain(f"{label}: the run in {out} is already at step {done} of {steps}; nothing to train "
                             f"(--steps above {done} trains it further)")
    if done > steps:
        raise ConfigError(f"{steps} steps asked (--steps or the config's steps), but the run in {out} is already at "
                          f"step {done}; give --steps above {done} to continue it (nothing was changed)")
    trained = extra.get("train_config") or {}
    planned = trained.get("steps")
    notes = []
    if isinstance(planned, int) and planned != steps and config.optim.decay_at:
        notes.append(f"note: {out} was planned for {planned} steps and ran on to {steps}: from step {done} on its "
                     f"learning rate decayed at the fractions (optim.decay_at) of {steps} steps, so the weights are not "
                     "those of one uninterrupted run of either length")
    from core.config import to_dict

    now = to_dict(config)
    changed = [key for key in WEIGHT_SETTINGS if key in trained and key in now and trained[key] != now[key]]
    if changed:
        notes.append(f"note: {out} continued from step {done} with other {', '.join(changed)} than it was trained "
                     "with (the run's config.json now holds the new ones): the weights are not those of one "
                     "uninterrupted run of either config")
    before = extra.get("teacher")
    if teacher is not None and isinstance(before, str) and Path(before) != Path(teacher).resolve():
        notes.append(f"note: {out} was distilled from {before} up to step {done} and from {teacher} after it: the "
                     "student learned from two teachers")
    return "\n".join(notes) or None


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a scheduler's time limit, ``docker stop``, ``kill``) stops the run as Ctrl+C does
    (``core.cli.Terminated``, a KeyboardInterrupt: a save in progress is finished first, the
    folder's step is said, then 'terminated', status 143);
    by default it ended the process at once, with no word in the log. Main thread only."""
    import signal
    import threading

    from core.training.stop_signals import stop_raised

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise stop_raised(signum)  # core.cli.Terminated: 'terminated', status 143

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _noted_once_started(job, note: str):
    """``job`` that prints ``note`` on stderr at its first report, which comes once the resumed
    pair has been read (a damaged one is its error alone, with no note before it). In a terminal
    the progress bar is drawn by then: the note clears its line first (``tqdm.write``), or it was
    glued to it ('train: 0it [00:00, ?it/s]note: ...')."""
    from tqdm import tqdm

    try:
        try:
            first = next(job)
        except StopIteration as stop:
            return stop.value
        tqdm.write(note, file=sys.stderr)
        yield first
        return (yield from job)
    finally:
        job.close()


def kept_a_checkpoint(out: Path) -> bool:
    """Whether the run folder holds a checkpoint of its run: ``checkpoint.pt`` beside a
    ``training_state.pt`` (a new run removes an earlier one's state at its start)."""
    return (Path(out) / "training_state.pt").is_file() and (Path(out) / "checkpoint.pt").is_file()


def interrupted_note(out: Path, label: str, total: int) -> str:
    """The line a run stopped by Ctrl+C prints before 'cancelled': the step its folder keeps
    and that ``--resume`` continues it, or that it stopped before its first checkpoint. The
    run's own checkpoint is the one beside a ``training_state.pt`` (a new run removes an
    earlier one's state at its start; ``--force`` leaves the earlier ``checkpoint.pt`` until
    its first checkpoint). The interrupt waits for a checkpoint being saved, so the pair is whole."""
    from core.errors import CheckpointError
    from core.models.checkpoint import read_checkpoint

    checkpoint = Path(out) / "checkpoint.pt"
    if kept_a_checkpoint(out):
        try:
            step = (read_checkpoint(checkpoint).get("extra") or {}).get("step")
        except CheckpointError:
            step = None
        if isinstance(step, int):
            return f"{label}: stopped; {checkpoint} keeps step {step} of {total} (--resume continues from it)"
    earlier = " (checkpoint.pt there is the earlier run's)" if checkpoint.is_file() else ""
    return f"{label}: stopped before the first checkpoint; nothing was kept{earlier}"


#: the run config's sections that change the weights a resumed run reaches (not its logging,
#: checkpoint stride, threads or workers)
WEIGHT_SETTINGS = ("seed", "batch_size", "data", "sampler", "processing", "loss", "distill", "optim")


class NothingToTrain(Exception):
    """``--resume`` of a run that has already trained its steps (the message says so)."""


def check_data_sources(config: TrainConfig) -> None:
    """Build the config's data sources once before the run folder is touched, so that a data
    folder that does not exist, a split without the sequences, or a pseudo-label file without
    tracklets is one line while an earlier run is still whole: the job found them only after
    ``--force`` had removed the earlier run's training state and metrics and rewritten its
    config.json. The sources are rebuilt by the job (cheap: decoded frames are cached)."""
    from core.training.loader import build_sampler

    build_sampler(config, rank=0)


def run(args: argparse.Namespace, *, teacher: Path | None, label: str) -> int:
    """Train (or distil from ``teacher``) into the run folder, after its checks
    (:func:`core.training.run_folder.prepare_run_folder`: an earlier run there needs
    ``--resume`` or ``args.force``; the weights read are never the run's own files)."""
    out = run_folder(args)
    if args.resume and args.init is not None:  # its weights were loaded, then replaced by the resumed ones
        from core.errors import ConfigError
        from core.training.run_folder import check_weights_not_outputs

        check_weights_not_outputs(out, init=args.init, teacher=teacher)  # the run's own file: said as such

        raise ConfigError("--init does not apply to --resume: the run continues from its own checkpoint.pt; leave "
                          "--init out, or start a new run from it (another --out, or --force)")
    config = config_from_args(args)  # a bad config is said before the run folder is touched
    check_device(args.device)
    if teacher is None and "distill" in _top_level_keys(args.config):  # trained without a word of the section
        print(f"note: {args.config} has a 'distill' section, which train does not use (there is no teacher): the "
              f"network trains on the task loss alone; distil with `distill --teacher T.pt --config {args.config}`",
              file=sys.stderr)
    if teacher is not None and config.model.factory != "student":  # it distilled the teacher into a teacher
        from core.errors import ConfigError

        raise ConfigError(f"{args.config}: trains a {config.model.factory} (model.factory); distill trains the "
                          "student from the teacher: give a student's config (e.g. configs/student_kd_bundled.json)")
    check_data_not_written(config, out)
    check_data_sources(config)
    if args.init is None or Path(args.init).is_file():  # a missing one is said by prepare_run_folder
        check_init_fits(config.model, args.init)
    if teacher is not None and Path(teacher).is_file():  # a missing one is said by prepare_run_folder
        check_teacher_fits(config.model, config.distill, teacher)
    note = None
    if args.resume:
        check_resume_command(out, teacher)
        check_resume_fits(config.model, out)
        try:
            note = resume_note(out, config, label, teacher)
        except NothingToTrain as done:
            print(done, file=sys.stderr)
            return 0
    before = None if args.resume else run_folder_before(out)
    prepare_run_folder(out, resume=args.resume, force=bool(getattr(args, "force", False)), init=args.init,
                       teacher=teacher)
    job = train_job(config, out, resume=args.resume, teacher=teacher, init=args.init, device=args.device)
    reporting = DistributedContext.from_env().rank == 0  # under torchrun the other ranks train silently
    if note and reporting:  # before the first step too: a wrong --seed or config can still be stopped
        job = _noted_once_started(job, note)
    try:
        with _sigterm_as_interrupt():
            result: TrainResult = run_with_bar(job, label, disable=None if reporting else True)
    except KeyboardInterrupt:
        if reporting:
            if before is not None and not kept_a_checkpoint(out):  # 'nothing was kept': nor its config.json
                drop_unkept_run(out, before)
            print(interrupted_note(out, label, config.steps), file=sys.stderr)
        raise
    if not reporting:  # their progress and 'last:' row (their own samples_per_s, no validation) said it twice
        return 0
    metrics = ", ".join(f"{k} {v:.4g}" for k, v in result.metrics.items() if isinstance(v, float) and k != "elapsed_s")
    from core.wording import plural

    print(f"{label}: {plural(result.step, 'step')} in {result.seconds:.0f} s -> {result.checkpoint}", file=sys.stderr)
    if metrics:
        print(f"last: {metrics}", file=sys.stderr)
    if note:
        print(note, file=sys.stderr)
    return 0
