"""What to do first is said first when a sequence opens (real session: otb-crossing, a read-only
visible-only dataset folder with its ground truth, opened on a 1280-wide window: the status bar's
355-character line was cut after "...otb-crossing is rea\u2026", so "its ground truth (120 frames) is not
shown: File > Import the sequence's ground truth" was never on screen; the path of the project it
cut is in the title bar)."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np


def test_the_ground_truth_note_is_on_screen_before_the_project_s_place(window, tmp_path, monkeypatch):
    folder = tmp_path / "datasets" / "otb-crossing"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(6):
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8))
    (folder / "groundtruth.txt").write_text("".join("10,10,8,8\n" for _ in range(6)))
    real_access = os.access

    def access(path, mode, *args, **kwargs):  # the dataset share: read-only, also for root
        if mode & os.W_OK and Path(path).resolve() == folder.resolve():
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    window.resize(1280, 820)
    window.open_sequence(folder)
    assert window.document is not None, window.last_error
    message = window.statusBar().currentMessage()
    assert "read-only" in message and "visible-only" in message  # all said, in the tooltip too
    shown = window.statusBar().shown_message()
    assert shown != message  # too long for the bar: cut
    assert "File > Import the sequence's ground truth" in shown, shown


def test_damaged_footage_is_said_before_the_missing_stream(window, tmp_path):
    """A thermal video whose last 25 frames' data was damaged (antiuav-4's AVI, bytes overwritten) opened
    with 'opened damaged: 476 frames at 25 fps (thermal-only sequence: no visible stream; both panes show
    ...; if they are a visible camera's, write ...; damaged.avi: its last 25 frames cannot be decoded
    ...)': on a 1600-wide window the bar was cut inside the long thermal-only note and the frames lost were
    never on screen (a helper's session) -> the footage's own notes come before the missing stream's."""
    from tests.core.sequences.test_damaged_avi_tail import _avi, _damage_last

    folder = tmp_path / "flight"
    folder.mkdir()
    path = _avi(folder / "damaged.avi", 30)
    _damage_last(path, 3)
    window.open_sequence(path, store=str(tmp_path / "d.rgbt.sqlite"))
    assert window.document is not None and window.document.info.thermal_only, window.last_error
    message = window.statusBar().currentMessage()
    damaged = message.index("damaged.avi: its last 3 frames cannot be decoded")
    assert damaged < message.index("thermal-only sequence"), message
    # the rest keeps its order: what the missing stream means, then why the grey frames were taken as thermal
    assert message.index("thermal-only sequence") < message.index("the frames are grey"), message


def test_a_thermal_only_sequence_s_ground_truth_entries_are_on_screen_at_1280(window, tmp_path):
    """antiuav-4 (a thermal-only AVI that ships its ground truth) opened on a 1280-wide window: the bar was
    cut at "...View > Compare with th", the way to see the ground truth beside the boxes never on screen
    (an annotator's session). The bar names both menu entries in short; the tooltip says the rest."""
    from tests.core.sequences.test_damaged_avi_tail import _avi

    folder = tmp_path / "antiuav-4"
    folder.mkdir()
    path = _avi(folder / "thermal.avi", 501)
    (folder / "groundtruth.txt").write_text("".join("10,10,8,8\n" for _ in range(501)))
    window.resize(1280, 820)
    window.open_sequence(path, store=str(tmp_path / "a.rgbt.sqlite"))
    assert window.document is not None and window.document.info.thermal_only, window.last_error
    bar = window.statusBar()
    shown = bar.shown_message()
    assert ("ground truth not shown: File > Import the sequence's ground truth, or View > Compare with the "
            "sequence's ground truth;") in shown, shown
    tip = bar.toolTip().splitlines()
    assert tip[0] == "opened antiuav-4: 501 frames at 25 fps"
    assert tip[1] == ("Its ground truth (501 frames) is not shown: File > Import the sequence's ground truth (as the "
                      "boxes) or View > Compare with the sequence's ground truth (beside them)"), tip
    assert tip[2].startswith("Thermal-only sequence: no visible stream"), tip
    bar.showMessage("next")  # the tooltip follows the bar again
    assert bar.toolTip() == "next"
