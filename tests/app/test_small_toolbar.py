"""The toolbar on a small screen (a 1280 x 720 laptop at 150 %: a window of 853 x 480 points):
Export, a main action, was hidden behind the toolbar's "»" overflow. The toolbar now keeps Export
beside Open (the file actions) and, where its labels with their keys ("Track (T)") do not fit,
shows the labels alone (the keys stay in the tool tips, menus and F1), so every button shows at
853 points; on a wide window the labels keep their keys."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QToolBar

from tests.app.conftest import rebind_keys

BUTTONS = ("open_pair", "export", "track", "stop", "refine", "accept", "keyframe", "absent", "interpolate",
           "attention", "undo", "redo")


def _at_width(window, width: int) -> QToolBar:
    window.resize(width, 480)
    for _ in range(5):
        QApplication.processEvents()
    return window.findChild(QToolBar, "main-toolbar")


def _shown(window, toolbar: QToolBar) -> list[str]:
    """The toolbar's actions whose button is on the bar (not in the "»" overflow)."""
    shown = []
    for name in BUTTONS:
        button = toolbar.widgetForAction(window.actions[name])
        if button is not None and button.isVisible() and button.geometry().right() <= toolbar.width():
            shown.append(name)
    return shown


def test_every_button_shows_at_853_points(window):
    toolbar = _at_width(window, 853)
    assert _shown(window, toolbar) == list(BUTTONS)
    assert window.actions["track"].iconText() == "Track"  # the short label
    assert window.actions["track"].toolTip() == "Track from here (T)"  # the key is still told


def test_a_wide_window_keeps_the_keys_in_the_labels(window):
    toolbar = _at_width(window, 1400)
    assert _shown(window, toolbar) == list(BUTTONS)
    assert window.actions["track"].iconText() == "Track (T)"
    toolbar = _at_width(window, 853)
    assert window.actions["track"].iconText() == "Track"
    toolbar = _at_width(window, 1400)  # wide again: the keys come back
    assert window.actions["keyframe"].iconText() == "Keyframe (K)"


@pytest.mark.parametrize("width", [640, 520])
def test_export_stays_on_a_narrower_window(window, width):
    toolbar = _at_width(window, width)
    shown = _shown(window, toolbar)
    assert shown[:2] == ["open_pair", "export"], shown


def test_rebinding_a_key_on_a_small_window_keeps_the_short_labels(window, monkeypatch):
    toolbar = _at_width(window, 853)
    rebind_keys(monkeypatch, window, {"track": "G"})
    for _ in range(5):
        QApplication.processEvents()
    assert window.actions["track"].iconText() == "Track"
    assert window.actions["track"].toolTip() == "Track from here (G)"
    assert _shown(window, toolbar) == list(BUTTONS)
    toolbar = _at_width(window, 1400)
    assert window.actions["track"].iconText() == "Track (G)"
