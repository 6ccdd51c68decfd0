"""The one QApplication and the global pyqtgraph options (set once, before any view)."""
from __future__ import annotations

import sys

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

_CONFIGURED = False


def configure_pyqtgraph() -> None:
    global _CONFIGURED
    if not _CONFIGURED:
        pg.setConfigOptions(imageAxisOrder="row-major", antialias=False, background="#202020",
                            foreground="#cccccc")
        _CONFIGURED = True


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The existing QApplication or a new one named "RGB-T Studio"."""
    configure_pyqtgraph()
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setApplicationName("RGB-T Studio")
        app.setOrganizationName("rgbt-studio")
    return app
