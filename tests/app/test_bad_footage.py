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


def test_a_run_stopped_by_a_frame_that_cannot_be_decoded_says_how_to_go_past_it(window, tmp_path, qtbot):
    """A frame folder (otb-crossing's first 30 frames) whose 15th JPEG is cut short: T from frame 1
    failed after 13 frames and said 'T from the last one continues'; T from frame 14 then failed at
    once ('failed before it wrote any frame'), the same frame, and said nothing more (a helper's
    session) -> both say that frame cannot be decoded and to draw the box on the frame after it."""
    import cv2
    import numpy as np

    folder = tmp_path / "crossing"
    folder.mkdir()
    for i in range(8):
        frame = np.full((48, 64, 3), 60, np.uint8)
        frame[20:28, 10 + 3 * i:22 + 3 * i] = 220
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), frame)
    cut = (folder / "00000005.jpg").read_bytes()[:100]
    (folder / "00000005.jpg").write_bytes(cut)
    window.open_sequence(folder, store=str(tmp_path / "c.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    window.views.box_drawn.emit("visible", np.array([10.0, 20.0, 12.0, 8.0]))
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: not window.tracking.busy, timeout=20000)
    said = window.statusBar().currentMessage()
    assert said.startswith("Tracking failed after 3 frames; they are kept (Ctrl+Z undoes them), and frame 5 "
                           "cannot be decoded, so T stops there again: draw the box on frame 6 and T from there"), said
    for box in window.findChildren(QMessageBox):
        box.close()
    window.goto(3)
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: not window.tracking.busy, timeout=20000)
    said = window.statusBar().currentMessage()
    assert said.startswith("Tracking failed before it wrote any frame: frame 5 cannot be decoded, so T stops "
                           "there again: draw the box on frame 6 and T from there"), said
    for box in window.findChildren(QMessageBox):
        box.close()


def test_an_export_stopped_by_a_frame_that_cannot_be_decoded_names_the_annotation_files(window, tmp_path):
    """File > Export... LasHeR (or GOT-10k, LaSOT) of a frame folder with one JPEG cut short failed with
    the file and 'cannot decode image' alone (a helper's session): nothing said the annotation files
    need no frame -> the dialog and the status bar name File > Export... > Annotation files only, which
    writes them."""
    import cv2
    import numpy as np

    folder = tmp_path / "crossing"
    folder.mkdir()
    for i in range(5):
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), np.full((48, 64, 3), 60 + 20 * i, np.uint8))
    (folder / "00000003.jpg").write_bytes(b"")
    window.open_sequence(folder, store=str(tmp_path / "c.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", np.array([10.0, 20.0, 12.0, 8.0]))
    window.export("lasher", tmp_path / "out-lasher")
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "00000003.jpg" in boxes[0].text() + boxes[0].informativeText()
    assert "Annotation files only writes the boxes without the frames" in boxes[0].informativeText()
    assert "Annotation files only" in window.statusBar().currentMessage()
    boxes[0].close()
    window.export("annotations-lasher", tmp_path / "out-files")  # which needs no frame: written
    assert (tmp_path / "out-files" / "visible.txt").read_text().startswith("10,20,12,8")
