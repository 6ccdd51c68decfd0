"""Fixtures of the studio tests: a small synthetic video pair on disk, a synchronous window.

The trackers are the bundled models; while ``assets/models`` holds no trained weights
they are randomly initialised (``allow_random``), so the tests never depend on training.
"""
from __future__ import annotations

import os
import warnings

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NUM_FRAMES = 24
SIZE = (128, 96)


@pytest.fixture(scope="session", autouse=True)
def _one_thread():
    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="RANDOM WEIGHTS")


@pytest.fixture(scope="session")
def synthetic():
    from core.synthetic import SyntheticConfig, SyntheticSequence

    return SyntheticSequence(SyntheticConfig(width=SIZE[0], height=SIZE[1], num_frames=NUM_FRAMES), seed=5)


@pytest.fixture(scope="session")
def pair_files(tmp_path_factory, synthetic):
    """(visible.mp4, thermal.mp4) of a 24-frame 128x96 synthetic pair."""
    from core.progress import run_to_end
    from core.synthetic.writers import write_video_pair

    folder = tmp_path_factory.mktemp("pair")
    return run_to_end(write_video_pair(synthetic, folder / "visible.mp4", folder / "thermal.mp4"))


def new_window(qtbot):
    """A shown studio window whose workers run synchronously on the GUI thread (the
    ``window`` fixture's; tests that close and open several windows call it directly)."""
    from app.main_window import MainWindow
    from app.qt import ensure_app
    from app.settings import StudioSettings

    ensure_app()
    win = MainWindow(StudioSettings.load(), synchronous=True)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot):
    """A studio window whose workers run synchronously on the GUI thread."""
    win = new_window(qtbot)
    yield win
    win.close()


def rebind_keys(monkeypatch, window, bindings: dict[str, str]) -> None:
    """Rebind keys as the user would through Settings > Keys (``bindings``: action -> key text,
    e.g. ``{"track": "G"}``): the shortcuts dialog is replaced by one that answers OK with them."""
    import app.window_dialogs as window_dialogs

    class Keys:
        def __init__(self, *_args):
            pass

        def exec(self):
            return True

        def values(self):
            return dict(bindings)

    monkeypatch.setattr(window_dialogs, "ShortcutsDialog", Keys)
    window.show_shortcuts()


def slow_track_job(synthetic, frames):
    """A stand-in for ``app.controllers.tracking.track_job``: it writes the true boxes of ``frames``
    (provenance student, confidence 0.5) as a tracking run would, then spends up to 60 s on the next
    frame, reporting every 10 ms so that Stop and Undo are looked at while the run is busy."""
    import time

    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    last = frames[-1]

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for frame in frames:
            command = SetRecords([FrameAnnotation(frame, synthetic.boxes[frame], provenance="student",
                                                  confidence=0.5)], label="track")
            command.apply(store)
            applied.append(command)
            yield Progress(frame, 23, f"frame {frame + 1}",
                           TrackUpdate("Student", frame, synthetic.boxes[frame], 0.5, command, None, 30.0, "", ""))
        for _ in range(6000):  # the next frame is slow
            time.sleep(0.01)
            yield Progress(last, 23, f"frame {last + 1}")
        return last

    return job


def window_running(qtbot, monkeypatch, job, pair_files, store: str):
    """A shown studio window whose tracking runs ``job`` (None: the real tracking job) in a worker
    thread (opening stays synchronous), with the pair ``pair_files`` opened under the project ``store``."""
    import app.controllers.tracking as tracking
    from app.main_window import MainWindow
    from app.qt import ensure_app
    from app.settings import StudioSettings

    if job is not None:
        monkeypatch.setattr(tracking, "track_job", job)
    ensure_app()
    window = MainWindow(StudioSettings.load(), synchronous=False)
    qtbot.addWidget(window)
    window.show()
    window.opener.synchronous = True
    window.opener.runner.synchronous = True
    window.open_pair(*pair_files, store=store)
    return window
