"""The progress dialog of a long job (open, export, Improve): Cancel, and the window's close
button still works.

A window-modal dialog would keep the user off the window meanwhile, but Qt then drops the
window manager's close request for the window it blocks: the X did nothing until the job
ended. So the dialog is not modal, and ``JobProgressDialog`` keeps the window's input (mouse,
keys, wheel, shortcuts, drops) away from it while it is up, as modality would; the close
request reaches the window, whose ``closeEvent`` cancels the job (its outputs are written
atomically, so a cancelled job leaves none) and closes.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

#: the events a modal dialog would keep from the window it blocks
BLOCKED = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Shortcut,
    QEvent.Type.ContextMenu, QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class _InputBlock(QObject):
    """An application event filter that drops user input meant for ``window`` (its widgets, and
    the actions and shortcuts it owns)."""

    def __init__(self, window: QWidget, parent: QObject):
        super().__init__(parent)
        self.window = window

    def _owner(self, watched) -> QWidget | None:
        obj = watched
        while obj is not None and not isinstance(obj, QWidget):
            obj = obj.parent()  # an action or a shortcut: the widget that owns it
        return obj.window() if obj is not None else None

    def eventFilter(self, watched, event) -> bool:
        if event.type() in BLOCKED:
            try:
                return self._owner(watched) is self.window
            except RuntimeError:  # a wrapper whose C++ object has gone
                return False
        return False


class JobProgressDialog(QProgressDialog):
    """A ``QProgressDialog`` over ``window`` for a running job; ``canceled`` cancels it. Call
    ``finish()`` when the job ends (the window takes input again, the dialog goes)."""

    def __init__(self, text: str, title: str, maximum: int, window: QWidget, *, minimum_duration: int = 200):
        super().__init__(text, "Cancel", 0, maximum, window)
        # Cancel is the dialog's only button, so Qt made it the default: a stray Enter (typed
        # for the window behind) cancelled a long export. Cancel takes a click, or Space on it.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.setWindowTitle(title)
        self.setMinimumDuration(minimum_duration)
        self._block: _InputBlock | None = _InputBlock(window, self)
        QApplication.instance().installEventFilter(self._block)

    @property
    def blocking(self) -> bool:
        return self._block is not None

    def finish(self) -> None:
        if self._block is not None:
            QApplication.instance().removeEventFilter(self._block)
            self._block = None
        try:
            self.canceled.disconnect()
        except (RuntimeError, TypeError):
            pass
        self.reset()
        self.deleteLater()
