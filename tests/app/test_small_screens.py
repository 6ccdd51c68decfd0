"""The studio on a screen smaller than its default size (a 1366x768 or 1280x720 laptop) and a
place saved on a screen that is no longer there: the window and its dialogs fit the screen.

The offscreen platform's screen is 800 x 800 logical pixels: smaller than the default window
(1280 x 820) in both directions, as a laptop screen is in height."""
from __future__ import annotations

import pytest

from app.window_geometry import FRAME, fit_rect, fit_size


@pytest.mark.parametrize(("rect", "available", "expected"), [
    ((100, 100, 400, 300), (0, 0, 1366, 768), (100, 100, 400, 300)),  # fits: left as it is
    ((1, 20, 1280, 820), (0, 0, 1366, 768), (4, 32, 1280, 732)),  # the default on a 768-high screen
    ((0, 0, 1280, 820), (0, 0, 1280, 720), (4, 32, 1272, 684)),  # on 1280 x 720: both shrink
    ((1700, 300, 1600, 1000), (0, 0, 1366, 768), (4, 32, 1358, 732)),  # saved on a 2560 x 1440 screen
    ((3000, 2000, 600, 400), (0, 0, 1366, 768), (762, 364, 600, 400)),  # off screen: moved, not shrunk
    ((-900, -50, 600, 400), (0, 0, 1366, 768), (4, 32, 600, 400)),  # above and left of it
    ((2000, 100, 600, 400), (1366, 0, 1920, 1080), (2000, 100, 600, 400)),  # on the second screen
    ((100, 100, 600, 400), (0, 27, 1366, 741), (100, 100, 600, 400)),  # under a top panel: fits
    ((100, 10, 600, 400), (0, 27, 1366, 741), (100, 59, 600, 400)),  # its title bar under the panel
])
def test_fit_rect(rect, available, expected):
    assert fit_rect(rect, available) == expected


def test_fit_size_never_goes_below_one_pixel():
    assert fit_size((640, 720), (1280, 720)) == (640, 720 - FRAME[1] - FRAME[3])
    assert fit_size((640, 720), (2, 2)) == (1, 1)


def _inside(window) -> bool:
    screen = window.screen().availableGeometry()
    return screen.contains(window.frameGeometry())


def test_the_window_fits_a_screen_smaller_than_its_default_size(qtbot):
    """On a 1366x768 screen the default 1280 x 820 window had its transport bar and status bar
    below the screen's edge (Xvfb, openbox)."""
    from tests.app.conftest import new_window

    window = new_window(qtbot)
    assert _inside(window), (window.frameGeometry(), window.screen().availableGeometry())
    window.close()


def test_a_place_saved_on_a_larger_screen_comes_back_on_this_one(qtbot):
    """A window left at (1700, 300), 1600 x 1000, on a 2560 x 1440 screen came back, on a 1366 x 768
    one, at the default 1280 x 820 with its bottom off the screen (Qt's restoreGeometry refuses the
    saved place and the default size stays)."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QMainWindow

    from app.settings import StudioSettings
    from tests.app.conftest import new_window

    far = QMainWindow()
    qtbot.addWidget(far)
    far.setGeometry(QRect(1700, 300, 1600, 1000))
    settings = StudioSettings.load()
    settings.window_geometry = bytes(far.saveGeometry().data())
    settings.save()
    window = new_window(qtbot)
    assert _inside(window), (window.frameGeometry(), window.screen().availableGeometry())
    window.close()


def test_a_size_that_fits_is_kept(qtbot):
    """What fits the screen comes back as it was left (the fitting changes nothing there)."""
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    first.resize(600, 450)
    qtbot.waitUntil(lambda: first.size().width() == 600)
    first.close()
    second = new_window(qtbot)
    assert (second.width(), second.height()) == (600, 450)
    second.close()


def test_the_keyboard_shortcuts_dialog_fits_the_screen(qtbot, monkeypatch):
    """Edit > Keyboard shortcuts... was 720 pixels high: on a 1280 x 720 screen its OK and Cancel
    were below the edge (Xvfb, openbox). The offscreen screen is 800 high: a 1280 x 720 one is
    put in its place."""
    import app.window_geometry as window_geometry
    from app.dialogs.shortcuts_dialog import ShortcutsDialog
    from app.qt import ensure_app

    ensure_app()
    monkeypatch.setattr(window_geometry, "_available", lambda _widget: (0, 0, 1280, 720))
    dialog = ShortcutsDialog({})
    qtbot.addWidget(dialog)
    assert dialog.height() + FRAME[1] + FRAME[3] <= 720


def test_the_help_dialog_fits_the_screen(qtbot, window):
    """F1's list of keys (820 x 700) fits the screen too."""
    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    available = dialog.screen().availableGeometry()
    assert dialog.width() + FRAME[0] + FRAME[2] <= available.width()
    assert dialog.height() + FRAME[1] + FRAME[3] <= available.height()


def test_a_window_left_maximised_comes_back_maximised_on_another_screen(qtbot, monkeypatch):
    """Left maximised on a 2560 x 1440 screen, the window came back on a 1366 x 768 one as a plain
    window (Xvfb, openbox): Qt's restoreGeometry refuses a place saved on another screen, and the
    maximised state it holds went with it. The refusal is simulated here (one offscreen screen)."""
    from app.main_window import MainWindow
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    monkeypatch.setattr(MainWindow, "restoreGeometry", lambda _self, _geometry: False)
    second = new_window(qtbot)
    assert second.isMaximized()
    second.close()
    monkeypatch.undo()
    third = new_window(qtbot)  # un-maximised at the close: it comes back so
    third.showNormal()
    qtbot.waitUntil(lambda: not third.isMaximized())
    third.close()
    fourth = new_window(qtbot)
    assert not fourth.isMaximized()
    fourth.close()


def test_the_help_dialog_fits_a_1280_x_720_screen_at_150_percent(qtbot, monkeypatch, window):
    """F1 on a 1280 x 720 screen at 150 % (853 x 480 points): the dialog stayed 937 points wide, the
    width of its one-line introduction, and its Close button and descriptions ran off the screen's
    right edge (Xvfb, QT_SCALE_FACTOR=1.5). A screen of 853 x 480 is put in the offscreen one's place."""
    import app.window_geometry as window_geometry
    from app.dialogs.help_dialog import HelpDialog

    monkeypatch.setattr(window_geometry, "_available", lambda _widget: (0, 0, 853, 480))
    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.width() + FRAME[0] + FRAME[2] <= 853, dialog.width()
    assert dialog.height() + FRAME[1] + FRAME[3] <= 480, dialog.height()


def test_a_place_on_a_second_screen_stays_there(qtbot, monkeypatch):
    """A window restored onto a second screen, right of the first, is fitted to that screen's free
    area, not moved onto the first (its screen is the one under its centre, also before it shows).
    A second screen at x 1366 is put beside the offscreen one."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMainWindow

    from app.window_geometry import keep_on_screen

    class Second:
        def availableGeometry(self):
            return QRect(1366, 0, 1920, 1080)

    first_screen = QGuiApplication.primaryScreen()
    monkeypatch.setattr(QGuiApplication, "screenAt",
                        staticmethod(lambda point: Second() if point.x() >= 1366 else first_screen))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(QRect(2000, 100, 600, 400))
    keep_on_screen(window)
    assert window.geometry() == QRect(2000, 100, 600, 400)
    window.setGeometry(QRect(2000, 100, 2400, 1400))  # larger than that screen: shrunk onto it
    keep_on_screen(window)
    assert window.geometry() == QRect(*fit_rect((2000, 100, 2400, 1400), (1366, 0, 1920, 1080)))
