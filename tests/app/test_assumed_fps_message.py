"""The opening message said an image folder plays "at 30 fps" as a fact: image frames record no
frame rate, so the studio assumed it. It now says it is assumed and where to state the real one:
View > Frame rate..., kept with the project (a read-only dataset folder cannot take a SOURCE.txt),
which playback, the clock and the exports then take."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "cars"
    folder.mkdir()
    for i in range(5):
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), np.full((48, 64, 3), 30 * i, np.uint8))
    return folder


def test_an_image_folder_opens_saying_its_rate_is_assumed(window, folder):
    window.open_sequence(folder)
    message = window.statusBar().currentMessage()
    assert message.startswith("opened cars: 5 frames at 30 fps (assumed) ("), message
    assert message.endswith("image frames record no frame rate: View > Frame rate... states the real one)"), message
    (folder / "SOURCE.txt").write_text("fps: 10\n")  # the folder's own declaration
    window.open_sequence(folder)
    message = window.statusBar().currentMessage()
    assert "5 frames at 10 fps" in message and "assumed" not in message, message
    assert window.transport.fps == 10  # playback and the clock take the stated rate


def test_the_frame_rate_stated_in_the_studio_is_kept_with_the_project(window, folder, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from core.annotations.formats import exporter
    from core.progress import run_to_end

    window.open_sequence(folder)
    asked = []
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *args: asked.append(args) or (12.5, True))
    window.goto(3)
    window.actions["frame_rate"].trigger()
    assert asked and asked[0][3] == 30  # offered from the assumed rate
    assert window.document.info.fps == 12.5 and not window.document.info.fps_assumed
    assert window.transport.fps == 12.5 and window.transport.frame == 3  # the clock at once, the frame kept
    assert "12.5 fps, kept with this project" in window.statusBar().currentMessage()
    run_to_end(exporter("lasher")(window.document.sequence, {}, tmp_path / "export"))
    assert "fps: 12.5" in (tmp_path / "export" / ".rgbt-studio-export").read_text()  # exports take it
    project = Path(window.document.path)
    window.open_sequence(folder)  # reopened: the project's rate
    assert Path(window.document.path) == project
    assert "5 frames at 12.5 fps (set in this project)" in window.statusBar().currentMessage()
    assert window.transport.fps == 12.5 and window.document.info.fps == 12.5


def test_a_video_keeps_the_rate_it_records(window, pair_files, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window.open_pair(*pair_files)
    assert "assumed" not in window.statusBar().currentMessage()
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *args: pytest.fail("asked for a video's rate"))
    window.actions["frame_rate"].trigger()
    assert "records its frame rate" in window.statusBar().currentMessage()
