"""Footage that cannot be read: the open error, a corrupt stretch, a frame that cannot be decoded."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox


def test_open_error_is_a_dialog_naming_the_file(window, tmp_path, qtbot):
    missing = tmp_path / "nope.mp4"
    window.open_pair(missing, tmp_path / "thermal.mp4")
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    texts = [box.text() + box.informativeText() for box in boxes]
    for box in boxes:  # an earlier test's dialog left open may be among them, in any order
        box.close()
    assert any("nope.mp4" in text for text in texts), texts
    assert window.document is None


def test_a_corrupt_stretch_stops_playback_with_one_dialog(window, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from app.project import OpenRequest
    from core.errors import SequenceError
    from core.synthetic import SyntheticConfig, SyntheticSequence

    class CorruptFromFrame2(SyntheticSequence):
        def __getitem__(self, index):
            if index >= 2:
                raise SequenceError("/data/thermal.mp4", f"cannot decode frame {index}")
            return super().__getitem__(index)

    sequence = CorruptFromFrame2(SyntheticConfig(width=128, height=96, num_frames=30), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "c.rgbt.sqlite"), sequence=sequence))
    window.transport.toggle_play()
    qtbot.waitUntil(lambda: not window.transport.playing, timeout=3000)
    qtbot.wait(300)  # frames already asked for may still fail: they must not stack dialogs
    window.goto(5)
    window.goto(6)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "thermal.mp4" in boxes[0].informativeText() + boxes[0].text()
    assert "Cannot show frame" in window.statusBar().currentMessage()
    boxes[0].close()
    window.goto(7)  # once the user closed it, the next failure is shown again
    assert len([b for b in window.findChildren(QMessageBox) if b.isVisible()]) == 1


def test_a_frame_that_cannot_be_decoded_is_shown_black_not_as_the_frame_before(window, tmp_path):
    import numpy as np

    from app.project import OpenRequest
    from core.errors import SequenceError
    from core.synthetic import SyntheticConfig, SyntheticSequence

    class CorruptFrame3(SyntheticSequence):
        def __getitem__(self, index):
            if index == 3:
                raise SequenceError("/data/thermal.mp4", f"cannot decode frame {index + 1}")
            return super().__getitem__(index)

    sequence = CorruptFrame3(SyntheticConfig(width=128, height=96, num_frames=8), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "c.rgbt.sqlite"), sequence=sequence))
    window.views.box_drawn.emit("visible", (10.0, 10.0, 30.0, 30.0))
    window.goto(2)
    assert window.views.visible.image.image.any()
    window.goto(3)
    for view in (window.views.visible, window.views.thermal):
        assert view.image.image.shape[:2] == (96, 128) and not np.any(view.image.image)  # size (zoom) kept
    assert window.pair is None
    assert "frame 4" in window.views.visible_panel.title.text()
    assert "cannot be decoded" in window.views.visible_panel.title.text()
    window.goto(4)
    assert window.views.visible.image.image.any() and "cannot be decoded" not in window.views.visible_panel.title.text()
