"""SIGTERM (``kill``, a scheduler's time limit, ``docker stop``) ended every command at once, with
no word: ``track-dataset --jobs 2`` left multiprocessing's 'There appear to be 15 leaked
semaphore objects to clean up at shutdown' warning in place of a line of its own. The command
line now stops on SIGTERM as on Ctrl+C (atomic outputs dropped, workers stopped) and says
'terminated', status 143 (128 + SIGTERM)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import core.cli
from core.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_during_a_command_is_one_line_and_status_143(monkeypatch, capsys):
    def command(*_args):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between two bytecodes
            time.sleep(0.01)
        return 0

    monkeypatch.setattr(core.cli, "_main", command)
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        assert main([]) == 143
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back after the command
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert capsys.readouterr().err.strip().splitlines() == ["terminated"]


def test_ctrl_c_is_still_cancelled(monkeypatch, capsys):
    def command(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(core.cli, "_main", command)
    assert main([]) == 130
    assert capsys.readouterr().err.strip().splitlines() == ["cancelled"]


def test_sigterm_stops_track_dataset_workers_cleanly(tmp_path):
    assert main(["synth", str(tmp_path / "data"), "--count", "4", "--frames", "300", "--size", "160x128"]) == 0
    results = tmp_path / "results"
    env = dict(os.environ, OMP_NUM_THREADS="1", RGBT_STUDIO_HOME=str(tmp_path / "home"))
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "track-dataset", str(tmp_path / "data"),
                                "--results", str(results), "--tracker", "csrt", "--jobs", "2"],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    lines = []
    for line in process.stderr:  # the workers run once they report progress
        lines.append(line.rstrip("\n"))
        if line.startswith("tracking:"):
            process.send_signal(signal.SIGTERM)
            break
    rest = process.stderr.read().splitlines()
    code = process.wait(timeout=120)
    err = lines + rest
    assert code == 143, err
    assert err[-1] == "terminated", err
    assert not any("leaked" in line or "Traceback" in line for line in err), err
    for result in results.glob("*.txt"):  # a result is only ever written whole
        assert len(result.read_text().splitlines()) == 300, result
