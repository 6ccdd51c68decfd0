"""Errors as dialogs that name the file and the problem."""
from __future__ import annotations

import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import FileProblem, RGBTError


def error_text(error: BaseException) -> tuple[str, str]:
    """(headline, details) for an error: file + problem for FileProblem, the message for
    other typed errors, type + message + traceback for bugs."""
    if isinstance(error, FileProblem):
        where = str(error.path) if error.path is not None else "(no file)"
        if error.line is not None:
            where += f", line {error.line}"
        return f"{where}\n\n{error.problem}", ""
    if isinstance(error, (RGBTError, ValueError, OSError)):
        return str(error), ""
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return f"{type(error).__name__}: {error}", details


def show_error(parent: QWidget | None, title: str, error: BaseException) -> QMessageBox:
    """A non-blocking critical message box (kept by the parent until closed)."""
    headline, details = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, headline, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setObjectName("errorDialog")
    box.open()
    return box
