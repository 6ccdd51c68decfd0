"""Menus and keyboard shortcuts (CVAT convention), built from one table.

``SHORTCUTS`` is the single source for the menus, the key bindings and the Help dialog.
Each row: (action name, menu, text, key sequence, what it does).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

SHORTCUTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("open_pair", "File", "Open pair...", "Ctrl+O", "open a visible and a thermal stream (videos or folders)"),
    ("open_sequence", "File", "Open sequence...", "Ctrl+Shift+O", "open a dataset sequence folder"),
    ("open_project", "File", "Open project...", "Ctrl+P", "open a saved project (.rgbt.sqlite)"),
    ("export", "File", "Export...", "Ctrl+E", "export boxes and frames (LasHeR/RGBT234, GOT-10k, LaSOT)"),
    ("settings", "File", "Settings...", "Ctrl+,", "model weights, engine, device"),
    ("quit", "File", "Quit", "Ctrl+Q", "close the studio (every edit is already saved)"),
    ("undo", "Edit", "Undo", "Ctrl+Z", "undo the last edit (a tracking run is one step)"),
    ("redo", "Edit", "Redo", "Ctrl+Shift+Z", "redo"),
    ("keyframe", "Edit", "Keyframe", "K", "confirm the current box as a manual keyframe (toggle)"),
    ("absent", "Edit", "Absent", "O", "target absent / outside on this frame (toggle)"),
    ("occluded", "Edit", "Occluded", "Q", "target occluded on this frame (toggle, drawn dashed)"),
    ("interpolate", "Edit", "Interpolate between keyframes", "I", "fill the frames between the keyframes around here"),
    ("delete_box", "Edit", "Delete box", "Delete", "remove this frame's annotation"),
    ("track", "Track", "Track from here", "T", "student tracks to the next manual keyframe, the end, or Stop"),
    ("stop", "Track", "Stop", "Esc", "stop tracking or refinement"),
    ("refine", "Track", "Refine frame with teacher", "R", "the teacher proposes a box for this frame"),
    ("refine_range", "Track", "Refine range...", "Shift+R", "the teacher refines a range or low-confidence frames"),
    ("accept", "Track", "Accept teacher box", "A", "accept the proposal on this frame"),
    ("accept_all", "Track", "Accept all teacher boxes", "Shift+A", "accept every pending proposal"),
    ("next_attention", "Track", "Next frame needing attention", "N", "unlabelled, low confidence, teacher disagrees"),
    ("prev", "View", "Previous frame", "D", "one frame back"),
    ("next", "View", "Next frame", "F", "one frame forward"),
    ("back10", "View", "Back 10 frames", "C", "ten frames back"),
    ("fwd10", "View", "Forward 10 frames", "V", "ten frames forward"),
    ("play", "View", "Play / pause", "Space", "play at the source frame rate"),
    ("overlay", "View", "Blend thermal over visible", "B", "thermal overlay on the visible view"),
    ("separate_thermal", "View", "Separate thermal box", "", "edit the thermal box on its own (misaligned pairs)"),
    ("fit", "View", "Fit frame", "Home", "zoom to the whole frame"),
    ("help", "Help", "Shortcuts", "F1", "this list"),
)
CHECKABLE = {"overlay", "separate_thermal"}
MENUS = ("File", "Edit", "Track", "View", "Help")


def build_actions(window: QMainWindow, slots: dict[str, Callable]) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """QActions for every row of SHORTCUTS, connected to ``slots[name]``, in menus.

    ``undo`` and ``redo`` may be given as ready QActions in ``slots`` (from a QUndoGroup).
    """
    bar = window.menuBar()
    menus = {name: bar.addMenu(f"&{name}") for name in MENUS}
    actions: dict[str, QAction] = {}
    for name, menu, text, key, tip in SHORTCUTS:
        slot = slots[name]
        if isinstance(slot, QAction):
            action = slot
            action.setParent(window)
        else:
            action = QAction(text, window)
            if name in CHECKABLE:
                action.setCheckable(True)
                action.toggled.connect(slot)
            else:
                action.triggered.connect(lambda _checked=False, s=slot: s())
        if key:
            action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(f"{text} ({key})" if key else text)
        menus[menu].addAction(action)
        window.addAction(action)  # shortcuts work whatever widget has focus
        actions[name] = action
        if name in ("open_project", "settings", "delete_box", "stop", "accept_all", "play"):
            menus[menu].addSeparator()
    menus["recent"] = menus["File"].addMenu("Recent projects")
    menus["File"].insertMenu(actions["export"], menus["recent"])
    menus["colormap"] = menus["View"].addMenu("Thermal colormap")
    return actions, menus
