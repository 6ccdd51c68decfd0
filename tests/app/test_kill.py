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


def _kill_mid_tracking(store_path):
    """Run the studio child on ``store_path``, SIGKILL it after 5 committed frames; returns them."""
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
    return committed


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_mid_tracking_loses_nothing(tmp_path):
    store_path = tmp_path / "killed.rgbt.sqlite"
    committed = _kill_mid_tracking(store_path)

    with AnnotationStore.open(store_path) as store:
        records = store.records()
    assert records[0].provenance == Provenance.MANUAL and records[0].keyframe
    assert np.allclose(records[300].box, [30.0, 20.0, 24.0, 22.0])
    for frame in committed:
        assert records[frame].provenance == Provenance.STUDENT, frame
    # the run was killed before its end: it cannot have reached the keyframe at 300
    assert max(records) == 300 and all(f < 300 for f in committed)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_reopened_after_sigkill_mid_tracking_says_so_and_shows_the_last_box(window, tmp_path):
    """The project reopened without a word at the frame it was last closed on (frame 1), the killed
    run's boxes somewhere after it and no undo step for them: the user could not tell that a run had
    been cut short, nor where. It now shows the run's last box and says what was kept, once."""
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    store_path = tmp_path / "killed.rgbt.sqlite"
    committed = _kill_mid_tracking(store_path)
    with AnnotationStore.open(store_path, read_only=True) as store:
        last = max(f for f, r in store.records().items() if r.provenance == Provenance.STUDENT)
    assert last >= max(committed)
    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=400), seed=7)
    window.open_request(OpenRequest("object", store=str(store_path), sequence=sequence))
    message = window.statusBar().currentMessage()
    assert "tracking from frame 1 was cut short (studio killed or crashed)" in message, message
    assert f"its boxes up to frame {last + 1} are kept; T continues it" in message, message
    assert window.frame == last
    window.open_request(OpenRequest("object", store=str(store_path), sequence=sequence))
    assert "cut short" not in window.statusBar().currentMessage()  # said once


def test_a_run_the_windows_close_stopped_is_not_said_to_be_cut_short(window, tmp_path):
    """A run left marked as going on (its end came after the project had closed) beside the close's own
    note: only "tracking was stopped ... when the window closed" is said, not also "killed or crashed"."""
    from app.project import OpenRequest
    from app.session_state import SessionState, write_run, write_session
    from core.annotations.records import FrameAnnotation
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=20), seed=7)
    path = tmp_path / "closed.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(f, sequence.boxes[f], provenance="student", confidence=0.5) for f in range(1, 6)])
        write_run(store, 0, "student", 5)
        write_session(store, SessionState(5, None, 5))
    window.open_request(OpenRequest("object", store=str(path), sequence=sequence))
    message = window.statusBar().currentMessage()
    assert "when the window closed" in message and "cut short" not in message, message
    with AnnotationStore.open(path, read_only=True) as store:
        assert store.get_meta("studio_run") is None


def test_a_run_going_on_in_the_editing_window_is_not_said_to_be_cut_short(window, tmp_path):
    """Opened read-only beside the window that is tracking: its run's note is in the project, and the
    read-only window said the run had been cut short by a killed studio while it went on."""
    from app.project import OpenRequest
    from app.session_state import write_run
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=20), seed=7)
    path = tmp_path / "busy.rgbt.sqlite"
    other = AnnotationStore.open(path)  # the window that tracks
    try:
        write_run(other, 0, "student", 5)
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_request(OpenRequest("object", store=str(path), sequence=sequence))
        assert window.document.read_only
        assert "cut short" not in window.statusBar().currentMessage()
        assert other.get_meta("studio_run") is not None
    finally:
        other.close()
