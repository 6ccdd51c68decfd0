"""Menus, the toolbar and the recent-files menu of the main window."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QToolBar

from app.project import OpenRequest
from app.style import THERMAL_COLORMAPS
from core.trackers import tracker_label, tracker_names

TRACKER_TIPS = {
    "student": "the light one-stream RGB-T student (live speed)",
    "teacher": "the heavy two-stream teacher as the live tracker (slow, most accurate)",
}


def build_menus(window) -> None:
    a = window.actions
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("open_pair", "open_sequence", "open_video"):
        file_menu.addAction(a[name])
    window.recent_menu = file_menu.addMenu("Open recent")
    # listed afresh each time File opens: a project whose sources were deleted or moved since
    # the list was last built stays out of it (it kept being listed, and choosing it said only
    # that the folder does not exist)
    file_menu.aboutToShow.connect(lambda: fill_recent_menu(window))
    file_menu.addSeparator()
    file_menu.addAction(a["import_gt"])
    file_menu.addAction(a["import_boxes"])
    file_menu.addAction(a["export"])
    file_menu.addSeparator()
    file_menu.addAction(a["settings"])
    file_menu.addAction(a["quit"])

    edit_menu = bar.addMenu("&Edit")
    for name in ("undo", "redo"):
        edit_menu.addAction(a[name])
    edit_menu.addSeparator()
    for name in ("type_box", "copy_box", "paste_box", "keyframe", "absent", "occluded", "delete_box", "interpolate",
                 "separate_thermal"):
        edit_menu.addAction(a[name])
    edit_menu.addSeparator()
    edit_menu.addAction(a["shortcuts"])

    track_menu = bar.addMenu("&Track")
    for name in ("track", "track_back", "stop", "refine", "accept", "accept_range", "range", "range_start",
                 "range_end", "attention", "attention_back"):
        track_menu.addAction(a[name])
    track_menu.addSeparator()
    trackers = track_menu.addMenu(tracker_menu_title(window))
    window.tracker_menu = trackers
    tracker_group = QActionGroup(window)
    window.tracker_actions = {}
    for name in tracker_names():
        action = QAction(tracker_label(name), window, checkable=True)
        action.setStatusTip(TRACKER_TIPS.get(name, "a classical OpenCV tracker on one modality "
                                                   "(the visible frame; thermal on thermal-only sequences)"))
        action.setChecked(name == window.settings.models.tracker)
        action.triggered.connect(lambda _checked=False, n=name: window.set_tracker(n))
        tracker_group.addAction(action)
        trackers.addAction(action)
        window.tracker_actions[name] = action

    view_menu = bar.addMenu("&View")
    for name in ("prev_frame", "next_frame", "back_10", "forward_10", "first_frame", "last_frame", "goto_frame", "play",
                 "play_faster", "play_slower", "frame_rate",
                 "fit", "zoom_target", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down",
                 "follow_target"):
        view_menu.addAction(a[name])
    view_menu.addSeparator()
    view_menu.addAction(a["thermal_twin"])
    view_menu.addAction(a["blend"])
    colormaps = view_menu.addMenu("Thermal colormap")
    group = QActionGroup(window)
    window.colormap_actions = {}
    for name in THERMAL_COLORMAPS:
        action = QAction(name, window, checkable=True)
        action.setChecked(name == window.settings.colormap)
        action.triggered.connect(lambda _checked=False, n=name: window.set_colormap(n))
        group.addAction(action)
        colormaps.addAction(action)
        window.colormap_actions[name] = action

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a["help"])
    help_menu.addAction(a["opening_notes"])  # the opening message, gone from the status bar, in full

    toolbar = FittingToolBar(a)
    for name in TOOLBAR:
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(a[name])
    window.addToolBar(toolbar)
    fill_recent_menu(window)


#: The toolbar's buttons (None: a separator). Export sits beside Open, the file actions: last, it was
#: the first button a small screen hid behind the "»" overflow (853 points: a 1280 x 720 laptop at 150 %).
TOOLBAR = ("open_pair", "export", None, "track", "stop", "refine", "accept", None, "keyframe", "absent",
           "interpolate", "attention", None, "undo", "redo")


class FittingToolBar(QToolBar):
    """The main toolbar: its labels say their keys ("Track (T)") where they fit, and are the
    labels alone ("Track") where they do not, so a small window shows every button instead of
    hiding the last ones behind the "»" overflow (the keys stay in the tool tips, the menus and
    F1). ``actions``: the window's ``app.actions.Actions``."""

    def __init__(self, actions):
        super().__init__("Main")
        self.setObjectName("main-toolbar")
        self._actions = actions
        self.with_keys = True
        self._fitting = False

    def actionEvent(self, event) -> None:
        super().actionEvent(event)
        from PySide6.QtCore import QEvent, QTimer

        if event.type() == QEvent.Type.ActionChanged and not self._fitting:
            QTimer.singleShot(0, self.fit)  # a key rebound (apply_shortcuts wrote the labels with keys)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def _labels(self, with_keys: bool) -> dict[str, str]:
        from app.actions import icon_label

        return {name: icon_label(name, self._actions[name].shortcut().toString(), with_keys)
                for name in TOOLBAR if name is not None}

    def fit(self) -> None:
        """Choose the labels for the toolbar's width (the width the labels with keys need:
        the bar's size hint, plus what the keys add while they are left out)."""
        if self._fitting:
            return
        full, short = self._labels(True), self._labels(False)
        metrics = self.fontMetrics()
        extra = sum(metrics.horizontalAdvance(full[n]) - metrics.horizontalAdvance(short[n]) for n in full)
        shown = [self._actions[n].iconText() for n in full]
        needed = self.sizeHint().width() + (extra if shown == list(short.values()) else 0)
        with_keys = needed <= self.width()
        labels = full if with_keys else short
        self._fitting = True
        try:
            self.with_keys = with_keys
            for name, label in labels.items():
                if self._actions[name].iconText() != label:
                    self._actions[name].setIconText(label)
        finally:
            self._fitting = False


def tracker_menu_title(window) -> str:
    """"Tracker (T runs it)", with the key Track from here has now (it said T after a rebind)."""
    from app.actions import key_text

    return f"Tracker ({key_text(window.actions, 'track')} runs it)"


def fill_recent_menu(window) -> None:
    """File > Open recent: the recent projects whose sources are still there. The list in the
    settings keeps the others (a disk not mounted now may come back), the menu leaves them out."""
    menu = window.recent_menu
    menu.clear()
    menu.setToolTipsVisible(True)  # the full paths, for two sequences of one name
    present = [recent for recent in window.settings.recent if recent.present()]
    labels = [recent.label() for recent in present]
    for recent, label in zip(present, labels, strict=True):
        if labels.count(label) > 1:  # a sequence and its exports: three "antiuav-4", told apart on hover alone
            first = Path(recent.paths[0])
            label = f"{label} (in {first.parent if recent.kind != 'pair' else first.parent.parent})"
        action = menu.addAction(label)
        action.setToolTip(" | ".join(recent.paths))
        action.triggered.connect(lambda _checked=False, r=recent: open_recent(window, r))
    menu.setEnabled(bool(present))


def open_recent(window, recent) -> None:
    """File > Open recent's entry ``recent`` (a ``Recent``): opened, unless it is the project this
    window holds, which stays open as it is, with its undo history, and the status bar says so
    (reopening it closed it and opened it again, dropping the undo history without a word). A
    project open read-only is opened again: that is how it becomes editable once its disk has
    room or the other window let it go (``Document.refuse_if_read_only`` says so)."""
    document = window.document
    if document is not None and not document.closed and not document.read_only and _is_open(window, recent):
        window.statusBar().showMessage(f"{recent.label()} is already open in this window ({document.path}); "
                                       "nothing reopened, the undo history kept", 8000)
        return
    window.open_request(OpenRequest.from_recent(recent))


def _is_open(window, recent) -> bool:
    """Whether ``recent`` names the project open in ``window``: its annotation database, or the
    sources (and frame offset) the open project was opened from."""
    document = window.document
    opened = getattr(window, "_opened_recent", None)
    if recent.store:  # and, when the window knows, the same footage: an entry written before 2026-12-07 can
        # name a pair's project for one of its videos (``app.project.OpenRequest.recent_entry``)
        return _same_path(recent.store, document.path) and (opened is None or _same_footage(opened, recent))
    return (opened is not None and opened.kind == recent.kind and opened.frame_offset == recent.frame_offset
            and len(opened.paths) == len(recent.paths)
            and all(_same_path(a, b) for a, b in zip(opened.paths, recent.paths, strict=True))
            and (not opened.store or _same_path(opened.store, document.path)))


def _same_footage(a, b) -> bool:
    """Whether the recent entries ``a`` and ``b`` name the same sources, of one kind."""
    return (a.kind == b.kind and len(a.paths) == len(b.paths)
            and all(_same_path(x, y) for x, y in zip(a.paths, b.paths, strict=True)))


def _same_path(a, b) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
