"""train-family's time keeping on a clock the test owns: the runs are stand-ins that log a
step every 1/rate seconds of that clock, so a loaded machine cannot change what is checked
(the phases end at their deadlines, the whole family within its budget, a slow start waited
for in the calibration)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.training import family
from core.training.family import FamilyPlan, train_family

from .conftest import CONFIGS

TINY_BATCH = 2  # the tiny configs' batch_size


class Clock:
    """``time`` for the family: ``sleep`` moves the time on, and every live stand-in run logs
    the steps it made meanwhile (as a process writes its metrics.csv, asked or not)."""

    def __init__(self):
        self.now = 0.0
        self.runs: list = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        for run in self.runs:
            if not run.ended:
                run._log()


def fake_runs(monkeypatch, clock: Clock, *, rate: float, startup_s: float, startup_of: dict | None = None,
              failing: tuple[str, ...] = ()):
    """Replace the subprocesses by runs that log step k at startup_s (``startup_of[name]`` for
    the runs it names) + k / rate seconds after their launch (a resumed run from the step its
    metrics.csv ends at); the runs ``failing`` names end at once, with exit code 1 and no step.
    Returns the launches and stops, as (name, arguments, time) and (name, time)."""
    launched, stopped = [], []

    class Run:
        def __init__(self, name: str, command: list[str], out: Path):
            self.name = name
            self.folder = Path(command[command.index("--out") + 1])
            self.steps = int(command[command.index("--steps") + 1])
            self.folder.mkdir(parents=True, exist_ok=True)
            metrics = self.folder / "metrics.csv"
            rows = metrics.read_text().splitlines()[1:] if "--resume" in command and metrics.is_file() else []
            self.first = int(rows[-1].split(",")[0]) if rows else 0
            self.logged = self.first
            metrics.write_text("step,samples_per_s\n" + "".join(f"{r}\n" for r in rows))
            self.started = clock.now
            self.ended = name in failing
            self.failed = name in failing
            self.startup_s = (startup_of or {}).get(name, startup_s)
            clock.runs.append(self)
            launched.append((name, command, clock.now))

        def _log(self) -> int:
            reached = min(self.steps, self.first + max(0, int((clock.now - self.started - self.startup_s) * rate)))
            with open(self.folder / "metrics.csv", "a") as handle:
                for step in range(self.logged + 1, reached + 1):
                    handle.write(f"{step},{rate * TINY_BATCH}\n")
            if reached > 0:
                (self.folder / "checkpoint.pt").write_bytes(b"weights")
                (self.folder / "training_state.pt").write_bytes(b"state")
            self.logged = reached
            return reached

        def running(self) -> bool:
            return not self.ended and self._log() < self.steps

        def stop(self) -> int:
            code = 1 if self.failed else 130 if self.running() else 0
            self.ended = True
            stopped.append((self.name, clock.now))
            return code

    monkeypatch.setattr(family, "_Run", Run)
    monkeypatch.setattr(family, "time", clock)
    return launched, stopped


def plan(tmp_path, budget_s: float, calibrate_s: float, **options) -> FamilyPlan:
    teacher, student = CONFIGS / "tiny_teacher.json", CONFIGS / "tiny_student.json"
    return FamilyPlan(teacher, student, student, tmp_path / "family", budget_s=budget_s, calibrate_s=calibrate_s,
                      **options)


def run_all(job):
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value


def test_runs_at_the_calibrated_rate_end_within_their_phases(tmp_path, monkeypatch):
    clock = Clock()
    launched, stopped = fake_runs(monkeypatch, clock, rate=0.5, startup_s=3.0)
    summary = run_all(train_family(plan(tmp_path, budget_s=200, calibrate_s=20)))
    assert [name for name, _ in stopped] == ["teacher", "student_nokd", "teacher", "student_nokd", "student_kd"]
    calibration_end, phase1_end = stopped[0][1], stopped[2][1]
    assert 20 <= calibration_end <= 21
    assert phase1_end <= calibration_end + (200 - calibration_end) / 2  # phase 1's deadline: half of what is left
    assert summary["elapsed_s"] <= 200
    assert all(run["exit_code"] == 0 and not run["stopped_at_deadline"] for run in summary["runs"].values())
    kd = next(command for name, command, _ in launched if name == "student_kd")
    assert kd[kd.index("--steps") + 1] == str(summary["steps"]["student_nokd"])
    assert kd[kd.index("--teacher") + 1] == str(tmp_path / "family" / "teacher" / "checkpoint.pt")


def test_the_runs_stop_at_the_deadlines_when_slower_than_planned(tmp_path, monkeypatch):
    clock = Clock()
    fake_runs(monkeypatch, clock, rate=2.0, startup_s=1.0)
    original = family._Run

    class Slowed(original):  # after the calibration the machine gets ten times slower
        def __init__(self, name, command, out):
            super().__init__(name, command, out)
            self.slow = int(command[command.index("--steps") + 1]) < family.OPEN_ENDED_STEPS

        def _log(self):
            if self.slow:
                real = clock.now
                clock.now = self.started + (real - self.started) / 10
                try:
                    return super()._log()
                finally:
                    clock.now = real
            return super()._log()

    monkeypatch.setattr(family, "_Run", Slowed)
    stopped = []
    real_stop = Slowed.stop
    monkeypatch.setattr(Slowed, "stop", lambda self: stopped.append(clock.now) or real_stop(self))
    summary = run_all(train_family(plan(tmp_path, budget_s=120, calibrate_s=10)))
    calibration_end, phase1_end, phase2_end = stopped[0], stopped[2], stopped[4]
    assert phase1_end == pytest.approx(calibration_end + (120 - calibration_end) / 2, abs=1.0)
    assert phase2_end == 120 and summary["elapsed_s"] <= 120
    assert all(run["stopped_at_deadline"] and run["exit_code"] == 130 for run in summary["runs"].values())
    assert all(run["steps_done"] < run["steps_planned"] for run in summary["runs"].values())


def test_a_slow_start_is_waited_for_in_the_calibration(tmp_path, monkeypatch):
    """Runs that log their first step 25 s after launch, with a 10 s calibration: the family
    said 'no step logged in 10 s of calibration' and trained nothing."""
    clock = Clock()
    launched, stopped = fake_runs(monkeypatch, clock, rate=1.0, startup_s=25.0)
    summary = run_all(train_family(plan(tmp_path, budget_s=400, calibrate_s=10)))
    assert 26 <= stopped[0][1] <= 28  # waited for the first logged step, no longer
    assert summary["calibration"]["steps_per_s"] == {"teacher": pytest.approx(1.0), "student_nokd": pytest.approx(1.0)}
    assert set(summary["checkpoints"]) == {"teacher", "student_nokd", "student_kd"}


def test_runs_that_never_log_fail_after_a_quarter_of_the_budget(tmp_path, monkeypatch):
    clock = Clock()
    fake_runs(monkeypatch, clock, rate=1.0, startup_s=10_000.0)
    with pytest.raises(ConfigError, match=r"teacher: no step logged in 100 s of calibration .*; give more --budget-s"):
        run_all(train_family(plan(tmp_path, budget_s=400, calibrate_s=10)))


def test_a_run_that_ends_without_a_step_stops_the_calibration_at_once(tmp_path, monkeypatch):
    """The calibration waits for a slow start, not for a run that ended (a crash at start): it
    says so at once, with the exit code, not after a quarter of the budget."""
    clock = Clock()
    fake_runs(monkeypatch, clock, rate=1.0, startup_s=2.0, failing=("teacher",))
    with pytest.raises(ConfigError, match=r"teacher: no step logged in 0 s of calibration .*; it ended with exit "
                                          r"code 1"):
        run_all(train_family(plan(tmp_path, budget_s=400, calibrate_s=10)))
    assert clock.now <= 1


def test_max_steps_caps_every_run_and_ends_each_phase_with_its_runs(tmp_path, monkeypatch):
    clock = Clock()
    launched, stopped = fake_runs(monkeypatch, clock, rate=1.0, startup_s=2.0)
    summary = run_all(train_family(plan(tmp_path, budget_s=400, calibrate_s=10, max_steps=20)))
    assert summary["steps"] == {"teacher": 20, "student_nokd": 20, "student_kd": 20}
    assert all(run["exit_code"] == 0 and not run["stopped_at_deadline"] for run in summary["runs"].values())
    assert summary["elapsed_s"] < 60  # 10 s calibration, then 12 s, then 22 s: not the 400 s budget
    assert all(command[command.index("--steps") + 1] == "20" for _, command, _ in launched)


def test_max_steps_below_1_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="--max-steps must be at least 1"):
        plan(tmp_path, budget_s=400, calibrate_s=10, max_steps=0)


def test_a_kd_run_that_left_no_checkpoint_is_said_and_fails_the_command(tmp_path, monkeypatch, capsys):
    """The KD run, slow to start, stopped at the budget before its first step: the family had no
    KD student, and the command printed its checkpoints (two) and exited 0."""
    from core.cli import main

    clock = Clock()
    fake_runs(monkeypatch, clock, rate=1.0, startup_s=2.0, startup_of={"student_kd": 500.0})
    out = tmp_path / "family"
    code = main(["train-family", "--out", str(out), "--budget-s", "200", "--calibrate-s", "10",
                 "--teacher-config", str(CONFIGS / "tiny_teacher.json"),
                 "--student-config", str(CONFIGS / "tiny_student.json"),
                 "--kd-config", str(CONFIGS / "tiny_student.json"),
                 "--teacher-init", "none", "--student-init", "none", "--workers", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert (f"train-family: student_kd left no checkpoint: stopped at the budget at step 0, before its first "
            f"checkpoint (every 50 steps; see {out / 'student_kd.log'}); give more --budget-s") in err
    import json

    summary = json.loads((out / "family.json").read_text(encoding="utf-8"))
    assert set(summary["missing"]) == {"student_kd"} and set(summary["checkpoints"]) == {"teacher", "student_nokd"}
