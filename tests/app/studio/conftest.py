"""Fixtures of the ``app.studio`` tests: a tiny synthetic video pair, a real window.

Trackers are the bundled models, randomly initialised while ``assets/models`` holds no
weights (``allow_random``); workers are real threads, waited for with ``qtbot``.
"""
from __future__ import annotations

import os
import warnings

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FRAMES = 12
SIZE = (128, 96)


@pytest.fixture(scope="session", autouse=True)
def _quiet_single_thread():
    import torch

    from app.qt import pin_singletons

    pin_singletons()  # PySide6 6.12 / Python 3.11 emit refcount bug (see app.qt)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="RANDOM WEIGHTS")


@pytest.fixture(scope="session")
def tiny_sequence():
    from core.synthetic import SyntheticConfig, SyntheticSequence

    return SyntheticSequence(SyntheticConfig(width=SIZE[0], height=SIZE[1], num_frames=FRAMES), seed=7)


@pytest.fixture(scope="session")
def tiny_pair(tmp_path_factory, tiny_sequence):
    """(visible.mp4, thermal.mp4) paths of a 12-frame 128x96 synthetic pair."""
    from core.progress import run_to_end
    from core.synthetic.writers import write_video_pair

    folder = tmp_path_factory.mktemp("tiny-pair")
    return run_to_end(write_video_pair(tiny_sequence, folder / "visible.mp4", folder / "thermal.mp4"))


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Factory of shown studio windows using a per-test settings file."""
    from app.studio.env import application
    from app.studio.settings import StudioSettings
    from app.studio.window import MainWindow

    application()
    made = []

    def make():
        window = MainWindow(StudioSettings(tmp_path / "studio.ini"))
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
