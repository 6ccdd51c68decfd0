"""Go to frame... (Ctrl+G) with a number past the footage's end, typed.

Found under Xvfb on 0117_1605 (407 frames): typing 9999 left "99" in the field (the keystroke that
went past 407 was dropped as typed) and Enter went to frame 99; 450 went to frame 45. A number past
the end now goes to the last frame and the status bar says there is no such frame."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QSpinBox


def _type_frame(qtbot, text: str, seen: list) -> None:
    def answer():
        dialog = QApplication.activeModalWidget()
        try:
            field = dialog.findChild(QSpinBox)
            field.selectAll()
            qtbot.keyClicks(field, text)
            seen.append(field.text())
            qtbot.keyClick(field, Qt.Key.Key_Return)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, answer)


def test_a_number_past_the_end_goes_to_the_last_frame_and_says_so(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    last = window.document.num_frames  # 24
    seen = []
    _type_frame(qtbot, "9999", seen)
    window.actions["goto_frame"].trigger()
    assert seen == ["9999"]
    assert window.frame == last - 1
    assert window.statusBar().currentMessage() == f"there is no frame 9999: the footage ends at frame {last}, shown"
    _type_frame(qtbot, "12", seen)
    window.actions["goto_frame"].trigger()
    assert window.frame == 11


def test_refine_s_frames_typed_past_the_end_read_as_the_last_frame(qtbot):
    """R > Frames on 0117_1605 (407 frames) from frame 299: 450 typed as the last frame read 45, and OK
    would have refined frames 45-299 (254 teacher runs) instead of 299-407."""
    from app.dialogs.refine_dialog import RefineDialog

    dialog = RefineDialog(298, 407, None, 0.4)
    qtbot.addWidget(dialog)
    dialog.last.selectAll()
    qtbot.keyClicks(dialog.last, "450")
    assert dialog.last.text() == "450"
    assert dialog.mode() == "range" and dialog.range_() == (298, 407)
