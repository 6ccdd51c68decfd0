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
