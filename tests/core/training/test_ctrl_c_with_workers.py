"""Ctrl+C in a terminal reaches every process of the foreground group: with ``workers`` > 0 the
data-loader workers got it too, and a run stopped while they were starting (importing torch, a few
seconds) printed each worker's KeyboardInterrupt traceback and torch's 'DataLoader worker (pid N)
is killed by signal: Interrupt' after the run's own 'stopped' line. The workers now leave the
signals to the training process, which stops the run and shuts them down."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CONFIGS = Path(__file__).resolve().parent / "configs"
ROOT = Path(__file__).resolve().parents[3]


def _workers_of(pid: int) -> list[int]:
    """Pids of the spawned multiprocessing children of ``pid`` (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def _catches_sigint(pid: int) -> bool:
    """Whether ``pid`` handles SIGINT now (it ignores it for the milliseconds it launches workers)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(status.split("SigCgt:")[1].split()[0], 16)
    return bool(caught & (1 << (signal.SIGINT - 1)))


def test_ctrl_c_while_the_workers_start_is_the_runs_lines_only(tmp_path):
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config.update(workers=2, checkpoint_every=1000)
    path = tmp_path / "workers.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "RGBT_STUDIO_HOME": str(tmp_path / "home")}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", "--config", str(path), "--out", str(out), "--steps", "100000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal starts it
    try:
        deadline = time.monotonic() + 120
        while not (_workers_of(process.pid) and _catches_sigint(process.pid)):  # launched, still starting up
            assert time.monotonic() < deadline and process.poll() is None, "no worker started"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)  # the terminal's Ctrl+C: the whole group
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.strip() and "/100000" not in line]
    assert process.returncode == 130, err
    assert lines == ["train: stopped before the first checkpoint; nothing was kept", "cancelled"], err
