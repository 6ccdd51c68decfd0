"""A reopened project shows the frame and the zoom the user left it at (app.session_state)."""
from __future__ import annotations

import pytest

from tests.app.conftest import NUM_FRAMES, SIZE, new_window


def _zoom(win, x0, y0, side):
    from PySide6.QtCore import QRectF

    win.views.visible.viewbox.setRange(QRectF(x0, y0, side, side), padding=0.0)


def _centre(win):
    (x0, x1), (y0, y1) = win.views.visible.viewbox.viewRange()
    return (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0


def test_closing_and_reopening_a_project_shows_the_frame_and_zoom_left(qtbot, pair_files, tmp_path):
    store = str(tmp_path / "s.rgbt.sqlite")
    first = new_window(qtbot)
    first.open_pair(*pair_files, store=store)
    first.goto(15)
    _zoom(first, 40, 30, 32)
    left = _centre(first)
    first.close()

    second = new_window(qtbot)
    second.open_pair(*pair_files, store=store)
    assert second.frame == 15
    assert second.transport.slider.value() == 15 and second.transport.label.text().startswith("frame 16/")
    assert second.pair.index == 15  # the picture shown is that frame's, not frame 1's
    assert ", back at frame 16 where it was left" in second.statusBar().currentMessage()
    cx, cy, width = _centre(second)
    assert abs(cx - left[0]) < 1 and abs(cy - left[1]) < 1
    assert width < SIZE[0] / 2  # still zoomed in, not the whole frame
    second.close()


def test_opening_another_project_keeps_where_the_first_was_left(window, pair_files, tmp_path):
    a, b = str(tmp_path / "a.rgbt.sqlite"), str(tmp_path / "b.rgbt.sqlite")
    window.open_pair(*pair_files, store=a)
    window.goto(10)
    _zoom(window, 20, 20, 24)
    window.open_pair(*pair_files, store=b)  # a new project: frame 1, the whole frame
    assert window.frame == 0 and "back at frame" not in window.statusBar().currentMessage()
    assert _centre(window)[2] >= SIZE[0]
    window.open_pair(*pair_files, store=a)
    assert window.frame == 10 and window.pair.index == 10


def test_a_frame_past_the_end_of_shorter_footage_opens_at_the_last_frame(window, pair_files, tmp_path):
    from app.session_state import SessionState, write_session
    from core.annotations.store import AnnotationStore

    path = tmp_path / "long.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.open_pair(*pair_files, store=str(tmp_path / "other.rgbt.sqlite"))  # closes the first, its state kept
    with AnnotationStore.open(path) as store:  # then an entry of longer, larger footage
        write_session(store, SessionState(NUM_FRAMES + 500, (1e6, 1e6, 2e6, 2e6)))
    window.open_pair(*pair_files, store=str(path))
    assert window.frame == NUM_FRAMES - 1 and window.pair.index == NUM_FRAMES - 1
    assert _centre(window)[2] >= SIZE[0]  # a view off the frame is dropped: the whole frame


class _Meta:
    def __init__(self, value):
        self.value = value

    def get_meta(self, key, default=None):
        return self.value


@pytest.mark.parametrize("raw, frame, view", [
    (None, 0, None),
    ("garbage", 0, None),
    ({"frame": 7, "view": [1, 2, 30, 40]}, 7, (1.0, 2.0, 30.0, 40.0)),
    ({"frame": 99}, 23, None),  # clamped to the last of 24 frames
    ({"frame": -4}, 0, None),
    ({"frame": True}, 0, None),
    ({"frame": "12"}, 0, None),
    ({"frame": 3, "view": [5, 5, 1, 1]}, 3, None),  # no size
    ({"frame": 3, "view": [float("nan"), 0, 1, 1]}, 3, None),
    ({"frame": 3, "view": [200, 0, 300, 50]}, 3, None),  # right of a 128-pixel-wide frame
    ({"frame": 3, "view": [1, 2, 3]}, 3, None),
])
def test_read_session_clamps_and_drops_what_does_not_fit(raw, frame, view):
    from app.session_state import read_session

    state = read_session(_Meta(raw), NUM_FRAMES, SIZE[0], SIZE[1])
    assert state.frame == frame and state.view == view


def test_the_export_dialog_offers_the_project_s_last_export_again(window, pair_files, tmp_path, monkeypatch):
    """Found by the real-footage walkthrough: a second Ctrl+E offered the LasHeR layout beside
    the project again, not the folder and format just exported to."""
    from app.dialogs import export_dialog

    window.open_pair(*pair_files, store=str(tmp_path / "x.rgbt.sqlite"))
    shown = []
    target = tmp_path / "out" / "mine"

    def first(dialog):
        shown.append((dialog.format.currentData(), dialog.target.text()))
        dialog.format.setCurrentIndex(dialog.format.findData("annotations"))
        dialog.variant.setCurrentIndex(dialog.variant.findData("annotations-vot"))
        dialog.target.setText(str(target))
        return True

    def again(dialog):
        shown.append((dialog.format.currentData(), dialog.variant.currentData(), dialog.target.text()))
        dialog.format.setCurrentIndex(dialog.format.findData("got10k"))  # another format: the same folder
        shown.append(dialog.target.text())
        return False

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", first)
    window.ask_export()
    assert shown[0][0] == "lasher"  # nothing exported yet: the default layout
    assert target.exists()  # the export ran
    window.open_pair(*pair_files, store=str(tmp_path / "y.rgbt.sqlite"))  # another project: its own defaults
    window.open_pair(*pair_files, store=str(tmp_path / "x.rgbt.sqlite"))
    monkeypatch.setattr(export_dialog.ExportDialog, "exec", again)
    window.ask_export()
    assert shown[1] == ("annotations", "annotations-vot", str(target))
    assert shown[2].startswith(str(target.parent) + "/") and shown[2].endswith("-got10k")


def test_a_last_export_that_does_not_read_back_leaves_the_defaults(qtbot, tmp_path):
    from app.dialogs.export_dialog import ExportDialog
    from app.session_state import read_last_export

    assert read_last_export(_Meta({"format": 3, "target": "/x"})) is None
    assert read_last_export(_Meta({"format": "lasher", "target": "  "})) is None
    assert read_last_export(_Meta(["lasher", "/x"])) is None
    dialog = ExportDialog("seq", tmp_path, last=("gone-plugin", "/elsewhere/seq"))
    qtbot.addWidget(dialog)
    assert dialog.format.currentData() == "lasher" and dialog.target.text() == str(tmp_path / "seq-lasher")
