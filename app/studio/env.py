"""Process-wide Qt set-up: the studio home folder, pyqtgraph options, the QApplication."""
from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_ENV = "RGBT_STUDIO_HOME"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = PROJECT_ROOT / "assets" / "demo"


def studio_home() -> Path:
    """Folder of the studio's settings and of projects without a writable home.

    ``$RGBT_STUDIO_HOME`` when set (tests set it), else ``~/.rgbt-studio``. Created on demand.
    """
    folder = Path(os.environ.get(HOME_ENV) or Path.home() / ".rgbt-studio")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def configure_pyqtgraph() -> None:
    """Row-major images (numpy (H, W[, C]) as stored), antialiased boxes. Call once."""
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background="#1e1e1e", foreground="#d0d0d0")


def application(argv: list[str] | None = None):
    """The QApplication (created once), with pyqtgraph configured.

    Also applies ``app.qt.pin_singletons`` (PySide6 6.12 on Python < 3.12 drops a
    reference to True/None per signal emit and aborts after ~1000 emits).
    """
    from PySide6.QtWidgets import QApplication

    from app.qt import pin_singletons

    pin_singletons()

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setApplicationName("RGB-T Studio")
        app.setOrganizationName("rgbt-studio")
    configure_pyqtgraph()
    return app
