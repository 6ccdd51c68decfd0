"""Quitting the studio while Settings' weights check loads a file (``app.dialogs.weights_check``):
the check ran on a ``ThreadPoolExecutor`` thread, which Python joins at exit, so the window closed
and the process lived on until the load ended (up to about 4.5 s on a loaded machine). The check's
thread is now a daemon: the process ends at once, without a traceback."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import time
    from PySide6.QtCore import QTimer
    from app.qt import ensure_app
    from app.dialogs import weights_check

    def slow(loads):  # a weights file that takes 30 s to load
        time.sleep(30)
        return ""

    weights_check.first_problem = slow
    app = ensure_app()
    check = weights_check.WeightsCheck()
    check.start([weights_check.WeightsLoad("Student", "student", "/nowhere/student.pt", "torch")])
    QTimer.singleShot(300, app.quit)  # the user quits while the load goes on
    app.exec()
    assert check.busy
    print("quit", flush=True)
""")


def test_quitting_during_a_weights_check_does_not_wait_for_the_load(tmp_path):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "RGBT_STUDIO_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1"})
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "quit"
    assert "Traceback" not in done.stderr
    assert elapsed < 15, f"the process lived {elapsed:.1f} s after quitting (the load takes 30 s)"
