"""The opening message can be read, and read again (VOT-TIR2016 horse under Xvfb at 1280: 'opened horse:
348 frames at 30 fps (assumed) (ground truth not shown: File > Import the sequence's ground truth, or View >
Compare with the sequence's ground truth; thermal-only s...', cut, and gone after 10 s; nothing in the
studio said it again, so the notes after the cut, what the missing stream means and where to state the real
frame rate, were never read)."""
from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtWidgets import QMenuBar, QMessageBox

from app.status import ElidingStatusBar


def _sequence(tmp_path):
    folder = tmp_path / "otb-crossing"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8))
    (folder / "groundtruth.txt").write_text("".join("10,10,8,8\n" for _ in range(6)))
    return folder


def _help_entry(window):
    (help_menu,) = [a.menu() for a in window.findChild(QMenuBar).actions() if a.text() == "&Help"]
    return {a.text(): a for a in help_menu.actions()}.get("Opening notes...")


def test_the_opening_message_stays_until_the_next_one(window, tmp_path, monkeypatch):
    shown = []
    real = ElidingStatusBar.showMessage

    def show(bar, text, timeout=0):
        shown.append((text, timeout))
        real(bar, text, timeout)

    monkeypatch.setattr(ElidingStatusBar, "showMessage", show)
    window.open_sequence(_sequence(tmp_path), store=str(tmp_path / "c.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    (opening,) = [(text, timeout) for text, timeout in shown if text.startswith("opened otb-crossing")]
    assert opening[1] == 0, opening  # 10000 before: gone after 10 s
    assert window.statusBar().currentMessage() == opening[0]


def test_help_opening_notes_says_the_whole_message_again(window, tmp_path, qtbot):
    entry = _help_entry(window)
    assert entry is not None and not entry.isEnabled()  # no footage open: nothing to say
    window.open_sequence(_sequence(tmp_path), store=str(tmp_path / "c.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    message = window.statusBar().currentMessage()
    window.statusBar().showMessage("something else", 1000)  # the next message took its place
    assert entry.isEnabled()
    entry.trigger()
    box = window.findChild(QMessageBox, "openingNotesDialog")
    assert box is not None and box.isVisible()
    assert box.text() == "opened otb-crossing: 6 frames at 30 fps (assumed)" and message.startswith(box.text())
    notes = box.informativeText().split("\n")
    assert notes[0].startswith("\u2022 Its ground truth (6 frames) is not shown"), notes  # whole, one a line
    assert any("visible-only" in n.lower() for n in notes) and any("View > Frame rate..." in n for n in notes), notes
    box.close()


def test_on_the_demo_s_first_run_the_notes_end_with_what_to_do_first(window, monkeypatch):
    from app.commands import show_first_run_hint, window_hint
    from app.project import demo_request

    request = demo_request()
    if request is None:
        import pytest

        pytest.skip("assets/demo is missing")
    window.settings.first_run_done = False
    show_first_run_hint(window, request, window.settings)
    window.open_request(request)
    assert window.document is not None, window.last_error
    hint = window_hint(window)
    assert window.statusBar().currentMessage() == hint
    window.statusBar().showMessage("box drawn", 1000)
    _help_entry(window).trigger()
    box = window.findChild(QMessageBox, "openingNotesDialog")
    assert box.text().startswith("opened ") and box.informativeText().split("\n")[-1] == "\u2022 " + hint
    box.close()
