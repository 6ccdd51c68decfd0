"""Edit > Separate thermal box on footage of one stream (a thermal video alone, antiuav-7): both
panes show the same frame, so a box moved on the thermal view is the frame's one box."""
from __future__ import annotations

import cv2
import numpy as np

from app.project import OpenRequest


def _thermal_only(window, tmp_path):
    folder = tmp_path / "drone"
    folder.mkdir()
    for i in range(4):
        frame = np.full((48, 64), 30, np.uint8)
        frame[20:26, 30 + i:40 + i] = 200  # a small warm target on a cold sky
        cv2.imwrite(str(folder / f"{i + 1:08d}.png"), frame)
    window.open_request(OpenRequest("sequence", (str(folder),), store=str(tmp_path / "d.rgbt.sqlite")))
    assert window.document.info.thermal_only


def test_separate_thermal_box_is_off_and_ignored_on_one_stream_footage(window, tmp_path):
    """On antiuav-7 opened alone, Edit > Separate thermal box (misaligned pair) was offered; on, a
    correction dragged on the right pane kept the frame's box where it was on the left pane (the same
    thermal frame) and stored a second box beside it: two boxes on one picture, the tracker starting
    from the one not corrected, visible.txt and infrared.txt of an export disagreeing -> the toggle
    is disabled there (its tip says why) and a thermal-view edit moves the frame's one box."""
    _thermal_only(window, tmp_path)
    action = window.actions["separate_thermal"]
    assert not action.isEnabled()
    assert "one stream" in action.toolTip() and "one stream" in action.statusTip()
    action.setEnabled(True)  # a project saved with it on, or a stale state: still one box
    action.setChecked(True)
    window.views.box_drawn.emit("visible", np.array([29.0, 19.0, 12.0, 8.0]))
    window.views.box_edited.emit("thermal", np.array([31.0, 19.0, 12.0, 8.0]))
    record = window.document.store.get(0)
    assert np.allclose(record.box, [31.0, 19.0, 12.0, 8.0])
    assert record.thermal_box is None


def test_the_typed_box_dialog_names_the_thermal_frame_on_thermal_only_footage(window, tmp_path, qtbot):
    """On antiuav-4 opened alone, B said 'in pixels of the 640 x 512 visible frame' where there is
    no visible frame (a helper's session on real footage) -> it names the thermal frame; a pair's
    dialog still names the visible one (the thermal frame lies on its grid)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    _thermal_only(window, tmp_path)
    said = []

    def answer():
        dialog = QApplication.activeModalWidget()
        said.extend(label.text() for label in dialog.findChildren(QLabel))
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.actions["type_box"].trigger()
    about = next(text for text in said if text.startswith("The box on frame 1"))
    assert "64 x 48 thermal frame" in about and "visible" not in about
