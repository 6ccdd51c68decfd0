"""SIGKILL a studio mid-tracking: reopening loses no edit it had committed."""
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

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_tracking_keeps_committed_edits(tiny_pair, tmp_path, make_window, qtbot):
    visible, thermal = tiny_pair
    store_path = tmp_path / "killed.rgbt.sqlite"
    env = dict(os.environ, RGBT_STUDIO_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("child_studio.py")), str(visible),
                              str(thermal), str(store_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    committed: list[int] = []
    box_seen = False
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            word = line.split()
            if word[:1] == ["BOX"]:
                box_seen = True
            elif word[:1] == ["COMMITTED"]:
                committed.append(int(word[1]))
                if len(committed) >= 4:
                    break
            elif word[:1] == ["DONE"]:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert box_seen and len(committed) >= 4, f"child reported {committed}"

    # the store as left by the killed process: every reported frame is there
    store = AnnotationStore.open(store_path)
    try:
        records = store.records()
    finally:
        store.close()
    assert records[0].provenance == Provenance.MANUAL
    np.testing.assert_allclose(records[0].box, [30, 25, 24, 24])
    for frame in committed:
        assert records[frame].provenance == Provenance.STUDENT

    # and the studio reopens it
    window = make_window()
    from tests.app.studio.helpers import open_and_wait

    project = open_and_wait(qtbot, window, None, store_path)
    assert set(committed) | {0} <= set(project.records)
