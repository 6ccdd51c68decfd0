"""The arrow keys step frames while a view or the timeline holds the keyboard focus.

Left and Right did nothing there, without a word (the views and the timeline took them and
dropped them), where DarkLabel, VLC and most video tools step a frame; only the slider, when it
had the focus, stepped. D / F stay the default keys (CVAT's); a key bound to an action wins."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _open(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    qtbot.wait(20)
    window.goto(5)


def test_left_and_right_step_a_frame_on_the_views_and_the_timeline(window, pair_files, tmp_path, qtbot):
    _open(window, pair_files, tmp_path, qtbot)
    for widget in (window.views.visible, window.views.thermal, window.timeline):
        widget.setFocus(Qt.FocusReason.MouseFocusReason)
        start = window.frame
        QTest.keyClick(widget, Qt.Key.Key_Right)
        assert window.frame == start + 1
        QTest.keyClick(widget, Qt.Key.Key_Right)
        QTest.keyClick(widget, Qt.Key.Key_Left)
        assert window.frame == start + 1
        assert window.transport.frame == window.frame


def test_modified_arrows_are_left_alone(window, pair_files, tmp_path, qtbot):
    _open(window, pair_files, tmp_path, qtbot)
    view = window.views.visible
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.frame == 5


def test_arrows_at_the_ends_stay_on_the_footage(window, pair_files, tmp_path, qtbot):
    _open(window, pair_files, tmp_path, qtbot)
    view = window.views.visible
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    window.goto(0)
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert window.frame == 0
    window.goto(window.document.num_frames - 1)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert window.frame == window.document.num_frames - 1


def test_an_arrow_bound_to_an_action_stays_the_action_s(window, pair_files, tmp_path, qtbot, monkeypatch):
    from tests.app.conftest import rebind_keys

    _open(window, pair_files, tmp_path, qtbot)
    rebind_keys(monkeypatch, window, {"back_10": "Left"})
    window.show_shortcuts()
    window.goto(15)
    view = window.views.visible
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert window.frame == 5
