"""Errors as dialogs that name the file and the problem.

``core`` raises typed errors (``core.errors.FileProblem`` keeps ``path`` and
``problem``); the dialog shows both separately. The technical trace goes under Details
only for unexpected errors: an error raised on purpose (``core.errors.RGBTError``: a
corrupt video, a full disk, a malformed line, a setting this machine cannot use) already
says in full what is wrong.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import ConfigError, FileProblem, RGBTError


def describe_error(error: BaseException) -> tuple[str, str]:
    """(headline, text) for a dialog: a FileProblem gives "file: ..." and the problem."""
    if isinstance(error, FileProblem):
        where = str(error.path) if error.path is not None else "(no file)"
        if error.line is not None:
            where += f", line {error.line}"
        return f"Problem with {where}", error.problem
    if isinstance(error, ConfigError):  # in the studio: a choice of File > Settings (device, engine, weights)
        return "A setting cannot be used here (File > Settings...)", str(error)
    if isinstance(error, RGBTError):
        return "Error", str(error)
    if isinstance(error, (OSError,)) and getattr(error, "filename", None):
        return f"Problem with {error.filename}", error.strerror or str(error)
    return type(error).__name__, str(error) or repr(error)


def show_error(parent: QWidget | None, title: str, error: BaseException, trace: str = "") -> QMessageBox:
    """Show a modal error box (non-blocking when the app is offscreen under tests:
    the box is opened with ``open()`` and returned)."""
    headline, text = describe_error(error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, headline, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(text)
    if trace and not isinstance(error, RGBTError):
        box.setDetailedText(trace)
    box.setObjectName("errorDialog")
    box.open()
    return box
