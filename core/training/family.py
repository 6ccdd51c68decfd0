"""Train the whole family in a fixed time: teacher, no-KD student, KD student.

``python main.py train-family --budget-s 520 --out DIR`` (``core.commands.train_family``)
is what a session with a GPU machine for a few minutes runs (``docs/training.md``, "A
GPU session"). Every run is a ``train`` / ``distill`` subprocess of the core command line
(no Qt needed, so it runs where PySide6 is not installed) writing its own
run folder under ``out`` (``teacher``, ``student_nokd``, ``student_kd``):

1. **calibration** (``calibrate_s``): the teacher and the no-KD student train side by side
   with an open-ended step count; their ``metrics.csv`` gives steps per second. A run that
   has logged no step by then (a slow start: a loaded machine, a first CUDA
   initialisation) is waited for, up to a quarter of the budget.
2. **phase 1**: both are resumed with the step counts that end them halfway through the
   remaining time (:func:`plan_steps`); the no-KD student's count is also capped by what
   the KD student can do in phase 2, since the ablation needs the same steps.
3. **phase 2**: the KD student is distilled from the phase-1 teacher, from the **same init,
   data, batch, seed and steps** as the no-KD student: the two differ only in the loss.

``max_steps`` caps every run's steps (a quick check of the recipe: the runs end before the
budget, and each phase ends when its runs do). Snapshots of each run at 50 % and 75 % of its
steps land in ``out/snapshots``. A run still
going at its phase's deadline is stopped (SIGINT, then SIGKILL) and keeps its last
checkpoint. ``out/family.json`` records the plan, the rates, the exit codes and the
checkpoints. The derived configs (workers, logging) are written next to the runs with
``"extends"``, so the given configs are never modified.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import Job, Progress

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUNS = ("teacher", "student_nokd", "student_kd")
SNAPSHOT_FRACTIONS = (0.5, 0.75)
#: the KD student's speed relative to the no-KD one (a teacher forward more per step;
#: 280-350 against 570-650 samples/s on the H200, docs/training.md)
KD_SLOWDOWN = 0.5
#: time kept free at the end of each phase for the last checkpoint: this many seconds, or
#: ``PHASE_MARGIN_SHARE`` of the phase when that is less
PHASE_MARGIN_S = 20.0
PHASE_MARGIN_SHARE = 0.15
OPEN_ENDED_STEPS = 1_000_000
#: the core command line without the studio's commands: a training machine has no Qt
CORE_CLI = "import sys; from core.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass(frozen=True)
class FamilyPlan:
    """What ``train_family`` runs. Paths are as given (relative to the working directory)."""

    teacher_config: Path
    student_config: Path
    kd_config: Path
    out: Path
    budget_s: float
    calibrate_s: float = 60.0
    teacher_init: Path | None = None
    student_init: Path | None = None
    workers: int = 0
    log_every: int = 10
    max_steps: int | None = None

    def __post_init__(self) -> None:
        if self.calibrate_s <= 0 or self.budget_s < 4 * self.calibrate_s:
            raise ConfigError(f"--budget-s ({self.budget_s:g}) must be at least 4x --calibrate-s "
                              f"({self.calibrate_s:g}): calibration, two phases and their margins")
        if self.max_steps is not None and self.max_steps < 1:
            raise ConfigError(f"--max-steps must be at least 1 (got {self.max_steps})")
        # written into the runs' derived configs, they stopped each run inside its own process
        if self.workers < 0:
            raise ConfigError(f"--workers must be at least 0 (got {self.workers})")
        if self.log_every < 1:
            raise ConfigError(f"--log-every must be at least 1 (got {self.log_every})")
        for path in (self.teacher_config, self.student_config, self.kd_config, self.teacher_init, self.student_init):
            if path is not None and not Path(path).is_file():
                raise ConfigError(f"{path}: file not found")


def plan_steps(teacher_done: int, teacher_rate: float, student_done: int, student_rate: float,
               phase1_s: float, phase2_s: float, kd_slowdown: float = KD_SLOWDOWN) -> tuple[int, int]:
    """(teacher steps, student steps) in total, for runs that did ``*_done`` steps at
    ``*_rate`` steps/s: the teacher fills ``phase1_s``; the student fills it too, but no
    more than the KD student (``kd_slowdown`` x the student's rate) can do in ``phase2_s``.
    Each is at least its done steps + 1, rounded down to 10."""
    teacher = teacher_done + teacher_rate * max(phase1_s, 0.0)
    student = min(student_done + student_rate * max(phase1_s, 0.0), student_rate * kd_slowdown * max(phase2_s, 0.0))
    return (max(int(teacher) // 10 * 10, teacher_done + 1), max(int(student) // 10 * 10, student_done + 1))


def _resumable(run_dir: Path) -> bool:
    """Whether ``run_dir`` holds a run to continue: its training state, or the pending one of a
    save that a kill interrupted (``core.training.run_folder.PENDING_STATE``; the resume settles it)."""
    from core.training.run_folder import PENDING_STATE

    return (run_dir / "training_state.pt").is_file() or (run_dir / PENDING_STATE).is_file()


def read_progress(run_dir: Path, batch_size: int) -> tuple[int, float | None]:
    """(last logged step, steps/s over the logged rows after the first) of a run folder's
    ``metrics.csv``; (0, None) before the first row."""
    try:
        with open(run_dir / "metrics.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return 0, None
    if not rows:
        return 0, None
    steady = rows[1:] or rows
    rates = [float(r["samples_per_s"]) for r in steady if r.get("samples_per_s")]
    return int(rows[-1]["step"]), (sum(rates) / len(rates) / batch_size if rates else None)


def run_command(config: Path, run_folder: Path, steps: int, *, resume: bool, init: Path | None = None,
                teacher: Path | None = None) -> list[str]:
    """The ``main.py`` arguments of one run: ``train`` (or ``distill`` from ``teacher``) of
    ``config`` into ``run_folder`` for ``steps``, resumed or started afresh. The family owns
    its run folders, so a fresh start replaces what is there (``--force``): a calibration
    run stopped between writing its checkpoint and its training state cannot be resumed."""
    command = ["distill", "--teacher", str(teacher)] if teacher is not None else ["train"]
    command += ["--config", str(config), "--out", str(run_folder), "--steps", str(steps)]
    if init is not None and not resume:  # a resumed run continues from its own checkpoint (--init is refused)
        command += ["--init", str(init)]
    command.append("--resume" if resume else "--force")
    return command


class _Run:
    """One ``main.py train|distill`` subprocess in its own process group."""

    def __init__(self, name: str, command: list[str], out: Path):
        self.name, self.out = name, out
        self.log = open(out / f"{name}.log", "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        path = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=path)
        self.process = subprocess.Popen([sys.executable, "-c", CORE_CLI, *command],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        """Stop the run (SIGINT to its group, SIGKILL after 10 s); its exit code."""
        if self.running():
            for sig, wait_s in ((signal.SIGINT, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        code = self.process.wait()
        self.log.close()
        return code


def _derived_config(plan: FamilyPlan, name: str, base: Path, workers: int) -> Path:
    path = plan.out / f"{name}.config.json"
    write_text_atomic(path, json.dumps({"extends": str(Path(base).resolve()), "workers": workers,
                                        "log_every": plan.log_every, "checkpoint_every": 5 * plan.log_every},
                                       indent=2) + "\n")
    return path


def check_family_configs(plan: FamilyPlan, loaded: dict) -> None:
    """ConfigError before any folder or run when the three configs cannot make the family: a
    teacher config that trains a student (or a student config a teacher), or a teacher whose
    crops or score maps the KD student cannot be distilled from
    (:func:`core.training.actors.geometry_mismatch`). The KD run refused it in phase 2, after
    the calibration and phase 1 had spent half the budget. A config whose data cannot be read
    (:func:`core.training.run.check_data_sources`) was 'no step logged in 60 s of calibration'."""
    from core.training.actors import geometry_mismatch
    from core.training.model_setup import model_config

    paths = {"teacher": plan.teacher_config, "student_nokd": plan.student_config, "student_kd": plan.kd_config}
    options = {"teacher": "--teacher-config", "student_nokd": "--student-config", "student_kd": "--kd-config"}
    for name, factory in (("teacher", "teacher"), ("student_nokd", "student"), ("student_kd", "student")):
        if loaded[name].model.factory != factory:
            raise ConfigError(f"{paths[name]}: trains a {loaded[name].model.factory} (model.factory); "
                              f"{options[name]} takes a {factory}'s config")
    problem = geometry_mismatch(model_config(loaded["teacher"].model), model_config(loaded["student_kd"].model),
                                loaded["student_kd"].distill)
    if problem is not None:
        raise ConfigError(f"{paths['teacher']} and {paths['student_kd']}: {problem}")
    from core.training.run import check_data_sources

    for name in RUNS:  # data that cannot be read: its runs failed at once, said after the whole calibration
        check_data_sources(loaded[name])


def train_family(plan: FamilyPlan) -> Job[dict]:
    """Run the plan (module docstring); yields Progress in seconds of the budget; returns the
    summary written to ``out/family.json``. Closing the job stops every run."""
    from core.training.config import load_train_config
    from core.training.model_setup import check_init_fits

    start = time.monotonic()
    out = Path(plan.out)
    loaded = {name: load_train_config(path) for name, path in  # a bad config leaves no folder
              (("teacher", plan.teacher_config), ("student_nokd", plan.student_config),
               ("student_kd", plan.kd_config))}
    batch = {name: config.batch_size for name, config in loaded.items()}
    for name, init in (("teacher", plan.teacher_init), ("student_nokd", plan.student_init),
                       ("student_kd", plan.student_init)):  # nor does an init of the wrong model (a calibration later)
        check_init_fits(loaded[name].model, init)
    check_family_configs(plan, loaded)
    out.mkdir(parents=True, exist_ok=True)
    (out / "snapshots").mkdir(exist_ok=True)
    configs = {"teacher": _derived_config(plan, "teacher", plan.teacher_config, plan.workers),
               "student_nokd": _derived_config(plan, "student_nokd", plan.student_config, plan.workers),
               "student_kd": _derived_config(plan, "student_kd", plan.kd_config, 2 * plan.workers)}
    inits = {"teacher": plan.teacher_init, "student_nokd": plan.student_init, "student_kd": plan.student_init}
    summary: dict = {"plan": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(plan).items()},
                     "runs": {}}
    live: dict[str, _Run] = {}
    taken: set[tuple[str, float]] = set()

    def elapsed() -> float:
        return time.monotonic() - start

    def launch(name: str, steps: int, resume: bool, teacher: Path | None = None) -> None:
        command = run_command(configs[name], out / name, steps, resume=resume, init=inits[name], teacher=teacher)
        live[name] = _Run(name, command, out)

    def snapshot(name: str, total: int) -> None:
        done, _ = read_progress(out / name, batch[name])
        for fraction in SNAPSHOT_FRACTIONS:
            checkpoint = out / name / "checkpoint.pt"
            if (name, fraction) not in taken and done >= fraction * total and checkpoint.is_file():
                shutil.copy2(checkpoint, out / "snapshots" / f"{name}_p{int(fraction * 100)}.pt")
                taken.add((name, fraction))

    def run_until(deadline: float, totals: dict[str, int], label: str) -> Job[None]:
        while any(live[n].running() for n in totals) and elapsed() < deadline:
            for name, total in totals.items():
                snapshot(name, total)
            steps = ", ".join(f"{n} {read_progress(out / n, batch[n])[0]}/{t}" for n, t in totals.items())
            yield Progress(int(elapsed()), int(plan.budget_s), f"{label}: {steps}")
            time.sleep(1.0)
        for name, total in totals.items():
            summary["runs"][name] = {"steps_planned": total, "exit_code": live.pop(name).stop(),
                                     "steps_done": read_progress(out / name, batch[name])[0],
                                     "stopped_at_deadline": elapsed() >= deadline}
            snapshot(name, total)

    def calibrated() -> bool:
        """Whether the calibration can end: both runs done, one ended without a logged step
        (nothing to wait for), past ``calibrate_s`` with a rate for each, or past a quarter of
        the budget (the plan allows that much)."""
        runs = ("teacher", "student_nokd")
        running = {n: live[n].running() for n in runs}
        rated = {n: read_progress(out / n, batch[n])[1] is not None for n in runs}
        if not any(running.values()) or any(not running[n] and not rated[n] for n in runs):
            return True
        if elapsed() >= plan.budget_s / 4:
            return True
        return elapsed() >= plan.calibrate_s and all(rated.values())

    try:
        for name in ("teacher", "student_nokd"):
            shutil.rmtree(out / name, ignore_errors=True)
            launch(name, plan.max_steps or OPEN_ENDED_STEPS, resume=False)
        while not calibrated():
            waiting = "" if elapsed() < plan.calibrate_s else ": waiting for a first logged step"
            yield Progress(int(elapsed()), int(plan.budget_s), f"calibrating steps/s{waiting}")
            time.sleep(1.0)
        rates, done = {}, {}
        for name in ("teacher", "student_nokd"):
            ended = not live[name].running()
            code = live.pop(name).stop()
            done[name], rate = read_progress(out / name, batch[name])
            if rate is None:
                why = f"it ended with exit code {code}" if ended else "give more --budget-s"
                raise ConfigError(f"{name}: no step logged in {elapsed():.0f} s of calibration "
                                  f"(see {out / (name + '.log')}); {why}")
            rates[name] = rate
        phase_s = (plan.budget_s - elapsed()) / 2
        phase1_end = elapsed() + phase_s
        margin = min(PHASE_MARGIN_S, PHASE_MARGIN_SHARE * phase_s)
        teacher_steps, student_steps = plan_steps(done["teacher"], rates["teacher"], done["student_nokd"],
                                                  rates["student_nokd"], phase_s - margin, phase_s - margin)
        if plan.max_steps is not None:  # a run the calibration finished is resumed at its step: nothing to train
            teacher_steps = max(min(teacher_steps, plan.max_steps), done["teacher"])
            student_steps = max(min(student_steps, plan.max_steps), done["student_nokd"])
        summary["calibration"] = {"steps_per_s": rates, "steps_done": done}
        summary["steps"] = {"teacher": teacher_steps, "student_nokd": student_steps, "student_kd": student_steps}
        launch("teacher", teacher_steps, resume=_resumable(out / "teacher"))
        launch("student_nokd", student_steps, resume=_resumable(out / "student_nokd"))
        yield from run_until(phase1_end, {"teacher": teacher_steps, "student_nokd": student_steps}, "phase 1")
        teacher_checkpoint = out / "teacher" / "checkpoint.pt"
        if not teacher_checkpoint.is_file():
            raise ConfigError(f"{teacher_checkpoint}: the teacher left no checkpoint (see {out / 'teacher.log'})")
        shutil.rmtree(out / "student_kd", ignore_errors=True)
        launch("student_kd", student_steps, resume=False, teacher=teacher_checkpoint)
        yield from run_until(plan.budget_s, {"student_kd": student_steps}, "phase 2")
    finally:
        for run in live.values():
            run.stop()
        summary["elapsed_s"] = round(elapsed(), 1)
        summary["checkpoints"] = {name: str(out / name / "checkpoint.pt") for name in RUNS
                                  if (out / name / "checkpoint.pt").is_file()}
        summary["snapshots"] = sorted(str(p) for p in (out / "snapshots").glob("*.pt"))
        summary["missing"] = missing_checkpoints(summary, out, 5 * plan.log_every)
        write_text_atomic(out / "family.json", json.dumps(summary, indent=2) + "\n")
    return summary


def missing_checkpoints(summary: dict, out: Path, checkpoint_every: int) -> dict[str, str]:
    """Run name -> why it left no checkpoint, for each run of ``summary["runs"]`` without one
    (a KD run stopped at the budget before its first checkpoint left the family without its
    KD student, and the command said nothing and exited 0)."""
    missing = {}
    for name, run in summary.get("runs", {}).items():
        if name in summary.get("checkpoints", {}):
            continue
        how = "at the budget" if run.get("stopped_at_deadline") else f"with exit code {run.get('exit_code')}"
        missing[name] = (f"stopped {how} at step {run.get('steps_done', 0)}, before its first checkpoint (every "
                         f"{checkpoint_every} steps; see {out / (name + '.log')})")
    return missing
