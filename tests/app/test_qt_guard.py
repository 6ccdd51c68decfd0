"""The studio survives many signal emissions (PySide6 6.12 + Python 3.11 refcount bug:
see ``app.qt.pin_singletons``); checked in a child process because the failure mode is
an interpreter abort."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from app.qt import ensure_app
app = ensure_app()
from PySide6.QtCore import QObject, QTimer, Signal
class Rx(QObject):
    sig = Signal(object)
rx = Rx()
seen = []
rx.sig.connect(seen.append)
for i in range(50000):
    rx.sig.emit(None)
ticks = []
timer = QTimer()
timer.setInterval(0)
def tick():
    ticks.append(1)
    if len(ticks) >= 3000:
        timer.stop()
        app.quit()
timer.timeout.connect(tick)
timer.start()
app.exec()
print(len(seen), len(ticks))
"""


def test_fifty_thousand_emits_do_not_abort():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["50000", "3000"]
