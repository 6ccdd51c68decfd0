"""Windows that fit the screen they open on: the main window's size and place, restored or
not, and the tall dialogs' sizes.

A laptop screen of 1366x768 or 1280x720 is smaller than the studio's default 1280x820, and a
place saved on a larger (or a second) screen can lie off the one there is now: the status bar,
the transport and a dialog's OK fell below the screen's edge.

Rectangles are ``(x, y, width, height)`` ints in Qt's logical (device-independent) pixels,
top-left origin, as ``QRect`` gives them; sizes are ``(width, height)``.
"""
from __future__ import annotations

Rect = tuple[int, int, int, int]
Size = tuple[int, int]

#: Room kept for the window manager's frame around a window's client area, before the window is
#: shown and its frame is known: (left, top, right, bottom) pixels; the top holds the title bar.
FRAME = (4, 32, 4, 4)


def fit_size(size: Size, available: Size, frame: tuple[int, int, int, int] = FRAME) -> Size:
    """``size`` (a client area) shrunk where it and ``frame`` are larger than ``available``; never
    below 1x1."""
    left, top, right, bottom = frame
    width = max(1, min(int(size[0]), int(available[0]) - left - right))
    height = max(1, min(int(size[1]), int(available[1]) - top - bottom))
    return width, height


def fit_rect(rect: Rect, available: Rect, frame: tuple[int, int, int, int] = FRAME) -> Rect:
    """``rect`` (a client area) shrunk to ``available`` less ``frame`` (:func:`fit_size`) and moved
    the least distance that puts it and its frame inside ``available``; a rect that fits is
    returned as it is."""
    ax, ay, aw, ah = (int(v) for v in available)
    left, top, right, bottom = frame
    width, height = fit_size((rect[2], rect[3]), (aw, ah), frame)
    x = min(max(int(rect[0]), ax + left), ax + aw - right - width)
    y = min(max(int(rect[1]), ay + top), ay + ah - bottom - height)
    return x, y, width, height


def _screen_of(widget):
    """The screen ``widget`` opens on: a dialog not shown yet opens over its parent, so its
    parent's; a window, the screen under its centre (a place restored on a second screen is on
    that one, also before the window shows); else the widget's own, the primary one."""
    from PySide6.QtGui import QGuiApplication

    parent = widget.parentWidget()
    if parent is not None and not widget.isVisible():
        screen = parent.screen()
    else:
        screen = QGuiApplication.screenAt(widget.geometry().center())
    return screen or widget.screen() or QGuiApplication.primaryScreen()


def _available(widget) -> Rect:
    area = _screen_of(widget).availableGeometry()
    return area.x(), area.y(), area.width(), area.height()


def keep_on_screen(widget, *, move: bool = True) -> None:
    """Shrink ``widget`` (a top-level window, shown or not) to its screen's free area and, with
    ``move``, move it onto it. The screen is the one under the window's centre, else the primary
    one (a place saved on a screen no longer there). A maximised or full-screen window is left as
    it is. Once shown, the window manager's real frame is used instead of :data:`FRAME`."""
    from PySide6.QtCore import QRect

    if widget.isMaximized() or widget.isFullScreen():
        return
    frame = FRAME
    if widget.isVisible():
        inner, outer = widget.geometry(), widget.frameGeometry()
        frame = (inner.x() - outer.x(), inner.y() - outer.y(), outer.right() - inner.right(),
                 outer.bottom() - inner.bottom())
    current = widget.geometry()
    rect = (current.x(), current.y(), current.width(), current.height())
    if not move:
        size = fit_size(rect[2:], _available(widget)[2:], frame)
        if size != rect[2:]:
            widget.resize(*size)
        return
    fitted = fit_rect(rect, _available(widget), frame)
    if fitted != rect:
        widget.setGeometry(QRect(*fitted))


def resize_to_fit(widget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, shrunk to fit its screen (or its parent's): a dialog 720
    pixels high on a 720-pixel screen had its buttons below the edge."""
    widget.resize(*fit_size((width, height), _available(widget)[2:]))
