"""The thermal display levels of the main window (``app.display_levels`` says the modes).

``install_levels(window)`` puts View > Thermal levels in the window's View menu (full range, auto,
manual...; L toggles the stretch and the full range, Shift+L takes the levels from the part of the frame
the thermal pane shows, Ctrl+L opens the dialog) and keeps a ``ThermalLevels`` as ``window.thermal_levels``.
The choice is kept in the settings and in the open project (``LEVELS_KEY``: a project reopens with
the levels it was left with; manual levels, which belong to their footage, do not follow onto footage
that has none of its own: that opens with the auto stretch), and said in the thermal pane's title
(``title_text``). The auto
stretch of a sequence is read in a worker thread (``StretchSampler``) once per opened project: the
frame on screen's own stretch stands in until it comes. Display only: the frames the trackers and
the exports read are never changed.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup

from app.display_levels import FULL, MODES, frames_stretch, levels_text, region_stretch, sequence_stretch_job
from core.sequences.thermal import ThermalMapping

#: the project's meta entry of the levels it was left with (``ThermalLevels._keep_in_project``)
LEVELS_KEY = "studio_thermal_levels"
SAID = "thermal levels"  # how the status bar's line on the levels starts
MODE_TEXTS = {
    "full": "Full range (0-255)",
    "auto": "Auto contrast (1-99 % of the sequence)",
    "manual": "Manual",
}


class StretchSampler(QObject):
    """Reads a sequence's auto stretch (``sequence_stretch_job``) off the GUI thread, latest request
    wins: ``ready(key, (low, high))`` on the GUI thread for the newest ``start`` only (a project closed
    or replaced meanwhile: ``cancel``, or a newer ``start``, drops it). ``synchronous=True`` reads on the
    calling thread (tests, screenshots). A failed read (the footage gone) says nothing: the frame's own
    stretch stays."""

    ready = Signal(object, object)
    _deliver = Signal(int, object, object)

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.synchronous = synchronous
        self._generation = 0
        self._cancel = threading.Event()
        self._deliver.connect(self._on_deliver)

    def start(self, key, sequence) -> None:
        self.cancel()
        self._generation += 1
        self._cancel = cancel = threading.Event()
        generation = self._generation
        if self.synchronous:
            self._run(generation, key, sequence, cancel, self._on_deliver)
            return
        threading.Thread(target=self._run, args=(generation, key, sequence, cancel, self._deliver.emit),
                         name="thermal-levels", daemon=True).start()

    def cancel(self) -> None:
        self._cancel.set()
        self._generation += 1

    @staticmethod
    def _run(generation: int, key, sequence, cancel: threading.Event, deliver) -> None:
        job = sequence_stretch_job(lambda index: sequence[index].thermal, len(sequence))
        try:
            while True:
                if cancel.is_set():
                    return
                next(job)
        except StopIteration as stop:
            deliver(generation, key, stop.value)
        except Exception:  # noqa: BLE001 (the footage unreadable now: the frame's own stretch stays)
            return
        finally:
            job.close()

    @Slot(int, object, object)
    def _on_deliver(self, generation: int, key, levels) -> None:
        if generation == self._generation:
            self.ready.emit(key, levels)


def project_levels(store) -> dict | None:
    """The levels kept in a project (``LEVELS_KEY``: mode, stretch, low, high), None when it keeps none or
    the entry does not read back (a hand-edited or damaged entry is ignored, never an error)."""
    try:
        entry = store.get_meta(LEVELS_KEY, None)
        mode, stretch = entry["mode"], entry["stretch"]
        low, high = float(entry["low"]), float(entry["high"])
    except Exception:  # noqa: BLE001 (see the docstring)
        return None
    if mode not in MODES or stretch not in ("auto", "manual") or not 0 <= low < high <= 255:
        return None
    return {"mode": mode, "stretch": stretch, "low": low, "high": high}


class ThermalLevels(QObject):
    """The window's thermal display levels. ``mode`` and the manual levels are the settings'
    (``StudioSettings.levels_*``); ``levels()`` is what the views show now (None: the full range)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.sampler = StretchSampler(synchronous=window.synchronous, parent=self)
        self.sampler.ready.connect(self._sampled)
        self.auto: tuple[int, int] | None = None  # the open sequence's auto stretch, once read
        self.auto_from_frame = False  # self.auto is the frame on screen's (the sequence's not read yet)
        self.mapping: ThermalMapping | None = None  # 16-bit/float footage: what the 8-bit levels stand for
        self._document = None
        self._sampling = False
        self._dialog = None  # the levels dialog while it is open (told the sequence's stretch when it comes)

    # -- what is shown --------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.window.settings.levels_mode

    def manual(self) -> tuple[float, float]:
        settings = self.window.settings
        return float(settings.levels_low), float(settings.levels_high)

    def levels(self) -> tuple[float, float] | None:
        """(low, high) on screen now; None: the full 0-255."""
        if self.mode == "manual":
            return self.manual()
        if self.mode == "auto":
            return self.auto
        return None

    def title_text(self) -> str:
        """What the thermal pane's title says of the levels ("levels 0-255", "auto levels 141-212", on
        16-bit footage "raw 2840-3120")."""
        return levels_text(self.mode, self.levels(), self.mapping)

    def frame_stretch(self) -> tuple[int, int] | None:
        """The stretch of the whole thermal frame on screen, None without one."""
        pair = self.window.pair
        return None if pair is None else frames_stretch([pair.thermal])

    # -- choices --------------------------------------------------------------------------------------
    def set_mode(self, mode: str, *, say: bool = True) -> None:
        """Show the thermal frame at ``mode``'s levels ("full", "auto", "manual"), remembered."""
        if mode not in MODES:
            raise ValueError(f"unknown levels mode {mode!r}")
        settings = self.window.settings
        settings.levels_mode = mode
        if mode != "full":
            settings.levels_stretch = mode
        settings.save()
        self._keep_in_project()
        if mode == "auto":
            self._ensure_auto()
        self.apply()
        if say:
            self._say()

    def toggle(self) -> None:
        """L: the stretch chosen last (auto or manual) or the full range, back and forth."""
        settings = self.window.settings
        self.set_mode(settings.levels_stretch if self.mode == "full" else "full")

    def choose_manual(self) -> None:
        """View > Thermal levels > Manual: the manual levels set last; none set yet (0-255), the dialog."""
        if self.manual() == (float(FULL[0]), float(FULL[1])):
            self.show_dialog()
        else:
            self.set_mode("manual")

    def set_manual(self, low: float, high: float, *, say: bool = True) -> None:
        settings = self.window.settings
        settings.levels_low, settings.levels_high = float(low), float(high)
        self.set_mode("manual", say=say)

    def from_view(self) -> None:
        """Shift+L: manual levels from the part of the frame the thermal pane shows (its 1-99 %), kept
        for every frame: zoomed on a dim drone against the sky, the sky's few grey levels fill the
        colormap and the drone stands out."""
        window = self.window
        pair = window.pair
        if pair is None:
            window.statusBar().showMessage("no thermal frame on screen to take levels from", 5000)
            return
        view = window.views.thermal if window.views.thermal.isVisible() else window.views.visible
        (x0, x1), (y0, y1) = view.viewbox.viewRange()
        stretch = region_stretch(pair.thermal, (x0, y0, x1, y1))
        if stretch is None:
            window.statusBar().showMessage("the thermal pane shows none of the frame (Ctrl+0 fits it)", 5000)
            return
        self.set_manual(*stretch, say=False)
        self._say("from the part of the frame the thermal pane shows")

    def show_dialog(self) -> None:
        """Ctrl+L: the levels dialog; its choice is shown as it is made, Cancel puts the one before back."""
        from app.dialogs.levels_dialog import LevelsDialog

        settings = self.window.settings
        before = (settings.levels_mode, settings.levels_stretch, settings.levels_low, settings.levels_high)
        if self.mode != "manual":  # the dialog opens on what is shown
            shown = self.levels() or FULL
            settings.levels_low, settings.levels_high = float(shown[0]), float(shown[1])
        pair = self.window.pair
        dialog = LevelsDialog(self.mode, self.manual(), None if pair is None else pair.thermal,
                              self._auto_for_dialog(), self.mapping, self.window)
        if self.auto_from_frame:  # the sequence's are being read: the frame's until they come (_sampled)
            dialog.set_auto(self.auto, from_frame=True)
        dialog.changed.connect(lambda mode, low, high: self._preview(mode, low, high))
        self._dialog = dialog
        try:
            accepted = dialog.exec()
        finally:
            self._dialog = None
        if accepted:
            mode, low, high = dialog.values()
            settings.levels_low, settings.levels_high = float(low), float(high)
            self.set_mode(mode)
        else:
            (settings.levels_mode, settings.levels_stretch, settings.levels_low, settings.levels_high) = before
            self.apply()

    def _auto_for_dialog(self) -> tuple[int, int] | None:
        self._ensure_auto()
        return self.auto

    def _preview(self, mode: str, low: float, high: float) -> None:
        settings = self.window.settings
        settings.levels_mode = mode
        settings.levels_low, settings.levels_high = float(low), float(high)
        if mode == "auto":
            self._ensure_auto()
        self.apply()

    # -- the open project -----------------------------------------------------------------------------
    def project_opened(self, document) -> None:
        """A project opened: its own auto stretch (read afresh), what its 8-bit frames stand for, and
        whether the left pane shows the thermal frame too (thermal-only footage)."""
        self._document = document
        self.auto = None
        self.auto_from_frame = False
        self._sampling = False
        self.sampler.cancel()
        info = document.info
        self.mapping = ThermalMapping.from_notes(info.notes)
        settings = self.window.settings
        own = project_levels(document.store)
        if own is not None:  # the levels this project was left with
            settings.levels_mode, settings.levels_stretch = own["mode"], own["stretch"]
            settings.levels_low, settings.levels_high = own["low"], own["high"]
            settings.save()
        elif "manual" in (settings.levels_mode, settings.levels_stretch):
            # manual levels are another footage's (0-8 taken from antiuav-4's sky showed TNO's frames white):
            # new footage gets the auto stretch in their place
            settings.levels_mode = "auto" if settings.levels_mode == "manual" else settings.levels_mode
            settings.levels_stretch = "auto"
            settings.save()
        if self.mode == "auto":
            self._ensure_auto()
        self.apply(visible_is_thermal=bool(getattr(info, "thermal_only", False)))

    def _keep_in_project(self) -> None:
        """The levels chosen, kept in the open project too (``LEVELS_KEY``): it reopens with them. Not on a
        project open read-only; a project that cannot be written keeps the settings' choice only."""
        document = self.window.document
        store = getattr(document, "store", None)
        if store is None or getattr(store, "read_only", False) or getattr(document, "closed", False):
            return
        settings = self.window.settings
        try:
            store.set_meta(LEVELS_KEY, {"mode": settings.levels_mode, "stretch": settings.levels_stretch,
                                        "low": float(settings.levels_low), "high": float(settings.levels_high)})
        except Exception:  # noqa: BLE001 (a display choice: the settings keep it; the project's own writes say more)
            return

    def frame_shown(self, _frame: int) -> None:
        """A frame on screen: while the sequence's stretch is being read, the auto levels are this
        frame's (the first frame's, kept until the sequence's come: no flicker while stepping)."""
        if self.mode == "auto" and self.auto is None:
            self._ensure_auto()
            self.apply()

    def _ensure_auto(self) -> None:
        """Start reading the open sequence's auto stretch (once per project); until it comes, the
        frame on screen's stretch."""
        document = self.window.document
        if document is None or self._document is not document:
            if self.auto is None:
                self.auto = self.frame_stretch()
                self.auto_from_frame = self.auto is not None
            return
        if not self._sampling and (self.auto is None or self.auto_from_frame):
            self._sampling = True
            self.sampler.start(document, document.sequence)
        if self.auto is None:
            self.auto = self.frame_stretch()
            self.auto_from_frame = self.auto is not None

    def _sampled(self, document, levels) -> None:
        if document is not self.window.document:
            return
        self.auto = (int(levels[0]), int(levels[1]))
        self.auto_from_frame = False
        if self._dialog is not None:
            self._dialog.set_auto(self.auto)
        if self.mode == "auto":
            self.apply()
            if self.window.statusBar().currentMessage().startswith(SAID):  # it gave the frame's stand-in levels
                self._say()

    def apply(self, *, visible_is_thermal: bool | None = None) -> None:
        """Put the levels on the views and the thermal title."""
        window = self.window
        window.views.set_thermal_levels(self.levels(), visible_is_thermal=visible_is_thermal)
        group = getattr(self, "mode_actions", {})
        if self.mode in group and not group[self.mode].isChecked():
            group[self.mode].setChecked(True)
        if "manual" in group:  # the manual levels said beside their entry
            low, high = self.manual()
            raw = "" if self.mapping is None else f", {levels_text('full', (low, high), self.mapping)}"
            group["manual"].setText(f"{MODE_TEXTS['manual']} ({low:g}-{high:g}{raw})" if (low, high) != FULL
                                    else f"{MODE_TEXTS['manual']}...")
        if window.document is not None:
            window.refresh_boxes()  # the titles
        else:
            titles = window.views
            titles.thermal_panel.title.setText(window._thermal_title())

    def _say(self, how: str = "") -> None:
        from app.actions import key_text

        actions = self.window.actions
        key = key_text(actions, "levels_toggle")
        # on 16-bit/float footage the title says raw values: said here too (22-158 beside 'raw 3766-4220')
        raw = "" if self.mapping is None else f", {levels_text('full', self.levels(), self.mapping)}"
        if self.mode == "full":
            text = f"{SAID}: the full range 0-255{raw} ({key}: the stretch again)"
        else:
            low, high = self.levels() or FULL
            what = ("manual" if self.mode != "auto" else "auto contrast, the sequence's 1-99 %" if not
                    self.auto_from_frame else "auto contrast, this frame's 1-99 % until the sequence's are read")
            text = (f"{SAID} {low:g}-{high:g}{raw} ({what}{', ' + how if how else ''}); the display only, "
                    f"the frames are unchanged; {key}: full range, "
                    f"{key_text(actions, 'levels_dialog')}: adjust")
        self.window.statusBar().showMessage(text, 8000)


def install_levels(window) -> ThermalLevels:
    """View > Thermal levels and its keys on ``window`` (a ``MainWindow`` whose menus are built and whose
    view settings are applied); the levels chosen last are shown. Returns ``window.thermal_levels``."""
    levels = ThermalLevels(window)
    window.thermal_levels = levels
    a = window.actions
    view_menu = next((action.menu() for action in window.menuBar().actions()
                      if action.menu() is not None and action.text().replace("&", "") == "View"), None)
    menu = view_menu.addMenu("Thermal levels") if view_menu is not None else None
    group = QActionGroup(window)
    levels.mode_actions = {}
    for mode in MODES:
        action = QAction(MODE_TEXTS[mode], window, checkable=True)
        action.setChecked(mode == levels.mode)
        if mode == "manual":
            action.triggered.connect(lambda _checked=False: levels.choose_manual())
        else:
            action.triggered.connect(lambda _checked=False, m=mode: levels.set_mode(m))
        group.addAction(action)
        levels.mode_actions[mode] = action
        if menu is not None:
            menu.addAction(action)
    if menu is not None:
        menu.addSeparator()
        for name in ("levels_toggle", "levels_view", "levels_dialog"):
            menu.addAction(a[name])
    a["levels_toggle"].triggered.connect(levels.toggle)
    a["levels_view"].triggered.connect(levels.from_view)
    a["levels_dialog"].triggered.connect(levels.show_dialog)
    window.project_opened.connect(levels.project_opened)
    window.frame_shown.connect(levels.frame_shown)
    levels.apply()
    return levels

