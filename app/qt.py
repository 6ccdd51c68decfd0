"""The one QApplication and the global pyqtgraph options (set once, before any view)."""
from __future__ import annotations

import sys

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

_CONFIGURED = False
_PINNED = False
SINGLETON_REFS = 1 << 40


def pin_singletons() -> bool:
    """Work around a reference-count bug of PySide6 6.12 on Python < 3.12.

    There, every ``emit()`` of a connected Python-defined Signal drops one reference to
    ``True`` that it never took (``emit`` returns a borrowed bool), and some C++ -> Python
    slot calls drop one to ``None``; after a few hundred emits the interpreter aborts
    with "Fatal Python error: bool_dealloc" / "none_dealloc". Python 3.12+ makes these
    singletons immortal, which hides the bug. Here we do the same by hand: add 2**40 to
    the reference counts of True, False and None (they are static objects, never freed),
    so the stolen references can never bring them to zero. Returns True when applied.
    """
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12):
        return False
    import ctypes

    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += SINGLETON_REFS
    _PINNED = True
    return True


def configure_pyqtgraph() -> None:
    global _CONFIGURED
    if not _CONFIGURED:
        pg.setConfigOptions(imageAxisOrder="row-major", antialias=False, background="#202020",
                            foreground="#cccccc")
        _CONFIGURED = True


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The existing QApplication or a new one named "RGB-T Studio"."""
    pin_singletons()
    configure_pyqtgraph()
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setApplicationName("RGB-T Studio")
        app.setOrganizationName("rgbt-studio")
    return app


def freeze_heap() -> None:
    """Move every object alive now (imported modules, loaded models) out of the garbage
    collector's reach (``gc.freeze``): a full collection then scans only what was made
    since, instead of pausing every thread ~100 ms over torch's and Qt's objects (the
    event-loop stalls ``bench studio`` measured). Called after start-up and after a
    tracker loads (no collection first: that would itself be the pause we avoid; the
    little garbage alive at that moment stays, which is harmless); cheap to call again."""
    import gc

    gc.freeze()

