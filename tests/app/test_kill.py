"""Kill the studio (SIGKILL) while it tracks; reopening loses no committed edit."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.annotations.records import Provenance
from core.annotations.store import AnnotationStore

CHILD = Path(__file__).with_name("studio_child.py")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_mid_tracking_loses_nothing(tmp_path):
    store_path = tmp_path / "killed.rgbt.sqlite"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    child = subprocess.Popen([sys.executable, str(CHILD), str(store_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    committed: list[int] = []
    manual_seen = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            if line.startswith("manual"):
                manual_seen = True
            if line.startswith("committed"):
                committed.append(int(line.split()[1]))
                if len(committed) >= 5:
                    break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()[-2000:]
    assert manual_seen and len(committed) >= 5, child.stderr.read()[-2000:]

    with AnnotationStore.open(store_path) as store:
        records = store.records()
    assert records[0].provenance == Provenance.MANUAL and records[0].keyframe
    assert np.allclose(records[300].box, [30.0, 20.0, 24.0, 22.0])
    for frame in committed:
        assert records[frame].provenance == Provenance.STUDENT, frame
    # the run was killed before its end: it cannot have reached the keyframe at 300
    assert max(records) == 300 and all(f < 300 for f in committed)
