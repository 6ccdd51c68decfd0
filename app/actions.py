"""The window's actions and their shortcuts (CVAT convention by default), listed by the Help
dialog. The user may rebind any of them (Edit > Keyboard shortcuts...); the overrides live in
``StudioSettings.shortcuts`` (name -> key text, "" = no key) and :func:`apply_shortcuts` puts
them on the actions."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

# (name, menu text, shortcut, help text)
SHORTCUTS: tuple[tuple[str, str, str, str], ...] = (
    ("prev_frame", "Previous frame", "D", "go one frame back"),
    ("next_frame", "Next frame", "F", "go one frame forward"),
    ("back_10", "Back 10 frames", "C", "go 10 frames back"),
    ("forward_10", "Forward 10 frames", "V", "go 10 frames forward"),
    ("first_frame", "First frame", "Home", "go to the first frame"),
    ("last_frame", "Last frame", "End", "go to the last frame"),
    ("goto_frame", "Go to frame...", "Ctrl+G", "go to a frame by its number"),
    ("play", "Play / pause", "Space", "play at the source frame rate times the playback speed"),
    ("play_faster", "Play faster", "=", "the next playback speed (x0.125 to x8; the speed button beside Play shows "
                                        "it), also while playing"),
    ("play_slower", "Play slower", "-", "the previous playback speed, down to x0.125 (one frame at a time, slowly)"),
    ("keyframe", "Toggle keyframe", "K", "make the box a manual keyframe (or unmark it)"),
    ("absent", "Toggle absent", "O", "the target is outside / not visible in this frame; with a range shown: in "
                                     "every frame of the range (boxes a person made are kept)"),
    ("occluded", "Toggle occluded", "Q", "the target is partly hidden (box drawn dashed); on an absent frame: "
                                         "fully occluded rather than out of view; with a range shown "
                                         "there: every absent frame of the range"),
    ("track", "Track from here", "T", "track until the next manual keyframe or accepted box, the end of a selected range, the end, or Stop"),
    ("track_back", "Track back from here", "Shift+T", "track back towards the first frame: until the previous manual "
                                                      "keyframe or accepted box, the start of a selected range, frame 1, "
                                                      "or Stop"),
    ("refine", "Refine with teacher...", "R", "teacher proposals for this frame, a range, or low-confidence frames"),
    ("accept", "Accept teacher box", "A", "accept the teacher's proposal on this frame"),
    ("accept_range", "Accept teacher boxes in range", "Shift+A", "accept every proposal in the selected range"),
    ("interpolate", "Interpolate between kept boxes", "I",
     "linear boxes between the boxes kept: keyframes and boxes drawn, accepted or imported (range or whole sequence)"),
    ("attention", "Next stretch needing attention", "N",
     "the start of the next stretch of low confidence, teacher disagreement, or where tracking stopped"),
    ("attention_back", "Previous stretch needing attention", "Shift+N",
     "the start of the stretch needing attention before this frame (N's way back)"),
    ("reference_next", "Next disagreement with the reference", "M",
     "with View > Compare with ... on: the frame where the project's box and the reference disagree most (IoU "
     "under 0.5, worst first), then the next worst"),
    ("reference_back", "Previous disagreement with the reference", "Shift+M",
     "the disagreement with the reference before (M's way back)"),
    ("stop", "Stop", "Esc", "stop tracking, refinement or playback"),
    ("type_box", "Type box...", "B", "draw or correct this frame's box by typing its x, y, width and height "
                                     "(no mouse needed), and the thermal box with Separate thermal box on; it "
                                     "becomes a manual keyframe"),
    ("copy_box", "Copy box", "Ctrl+C", "copy this frame's box (and its thermal box) to paste on another frame; "
                                       "also to the clipboard as x,y,w,h"),
    ("paste_box", "Paste box", "Ctrl+V", "put the copied box on this frame, as a box drawn there (a manual keyframe)"),
    ("delete_box", "Delete box", "Del", "remove this frame's annotation; with a range shown also the range's "
                                        "tracked and interpolated boxes (boxes and marks a person made are kept)"),
    ("undo", "Undo", "Ctrl+Z", "undo the last edit (a whole tracking run is one step)"),
    ("redo", "Redo", "Ctrl+Shift+Z", "redo"),
    ("open_pair", "Open pair...", "Ctrl+O", "open a visible and a thermal video (or image folders)"),
    ("open_sequence", "Open sequence folder...", "Ctrl+Shift+O", "open a dataset sequence folder"),
    ("open_video", "Open one video...", "Ctrl+Alt+O", "open one video of one stream (visible or thermal, by its colour)"),
    ("import_boxes", "Import boxes from a file...", "Ctrl+I", "labels or pre-labels made elsewhere: a box per line, "
                                                               "frame-numbered rows or MOT rows"),
    ("export", "Export...", "Ctrl+E", "write the annotations in a benchmark layout"),
    ("fit", "Fit to window", "Ctrl+0", "show the whole frame"),
    ("zoom_target", "Zoom to the target", "Z", "zoom both views onto this frame's box"),
    # the wheel and a right drag had no keys: a keyboard user could not look closer at a drone with no box yet
    ("zoom_in", "Zoom in", "Ctrl+=", "both views closer about their middle, as the wheel does"),
    ("zoom_out", "Zoom out", "Ctrl+-", "both views farther out about their middle (at most 1.5 times Fit to window)"),
    ("pan_left", "Pan left", "Ctrl+Left", "move both views a quarter of their width to the left, as a right drag does"),
    ("pan_right", "Pan right", "Ctrl+Right", "move both views a quarter of their width to the right"),
    ("pan_up", "Pan up", "Ctrl+Up", "move both views a quarter of their height up"),
    ("pan_down", "Pan down", "Ctrl+Down", "move both views a quarter of their height down"),
    ("follow_target", "Follow the target", "Shift+Z", "keep the box in the middle while playing, stepping or tracking"),
    ("levels_toggle", "Stretch thermal levels / full range", "L", "the thermal picture's contrast: the stretch "
                                                                   "(auto or manual) or the full 0-255, back and "
                                                                   "forth; the display only, never the frames"),
    ("levels_view", "Thermal levels from the view", "Shift+L", "stretch the thermal levels to the part of the frame "
                                                               "the thermal pane shows (zoom on a dim target "
                                                               "first: Z), kept for every frame"),
    ("levels_dialog", "Thermal levels...", "Ctrl+L", "choose the thermal display levels: full range, auto "
                                                     "(the sequence's 1-99 %) or low and high by hand"),
    ("range", "Select range", "Ctrl+R", "show a range on the timeline for refine / interpolate / accept"),
    ("range_start", "Range starts here", "[", "the range on the timeline starts at this frame (shows one)"),
    ("range_end", "Range ends here", "]", "the range on the timeline ends at this frame (shows one)"),
    ("help", "Keyboard shortcuts", "F1", "this list"),
)

ICON_TEXT = {  # short toolbar labels
    "open_pair": "Open", "track": "Track", "stop": "Stop", "refine": "Refine", "accept": "Accept",
    "keyframe": "Keyframe", "absent": "Absent", "interpolate": "Interpolate", "attention": "Next issue",
    "undo": "Undo", "redo": "Redo", "export": "Export",
}
#: Toolbar buttons whose label shows the key ("Track (T)"), kept true when the key is rebound.
KEY_IN_LABEL = ("track", "refine", "accept", "keyframe", "absent", "interpolate", "attention")


DEFAULT_KEYS: dict[str, str] = {name: key for name, _text, key, _tip in SHORTCUTS}
TEXTS: dict[str, str] = {name: text for name, text, _key, _tip in SHORTCUTS}


#: The menu each action of SHORTCUTS is in (``app.menus``), for messages about an action left without a key.
MENU_OF: dict[str, str] = {
    **{name: "Edit" for name in ("undo", "redo", "keyframe", "absent", "occluded", "type_box", "copy_box",
                                 "paste_box", "delete_box", "interpolate")},
    **{name: "Track" for name in ("track", "track_back", "stop", "refine", "accept", "accept_range", "range",
                                  "range_start", "range_end", "attention", "attention_back")},
    **{name: "File" for name in ("open_pair", "open_sequence", "open_video", "import_boxes", "export")},
    "help": "Help",
}


def key_text(actions: Actions, name: str) -> str:
    """The key bound to action ``name`` now, as the status bar and dialogs name it ("Ctrl+Z");
    an action left without a key is named by its menu entry ("Edit > Undo"). Messages that
    wrote the default keys named keys that did nothing once the user had rebound them."""
    key = actions[name].shortcut().toString()
    return key or f"{MENU_OF.get(name, 'View')} > {TEXTS[name]}"


def effective_keys(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """name -> key text in Qt's portable form ("Ctrl+Shift+Z"; "" = none): the defaults
    with ``overrides`` applied (unknown names are ignored)."""
    keys = dict(DEFAULT_KEYS)
    chosen = {}
    for name, key in (overrides or {}).items():
        if name in keys:
            keys[name] = chosen[name] = QKeySequence(key).toString() if key else ""
    # a default key the user gave another action stays with that action (a key new to the defaults, such
    # as [ for Range starts here, would otherwise make both ambiguous: Qt then runs neither)
    taken = {key for key in chosen.values() if key}
    for name in keys:
        if name not in chosen and keys[name] in taken:
            keys[name] = ""
    return keys


def key_conflicts(keys: dict[str, str], reserved: dict[str, str] | None = None) -> list[tuple[str, list[str]]]:
    """``(key, [menu texts])`` for every key bound to more than one action; ``reserved``: key
    text -> what holds it and cannot be rebound (``reserved_keys``: File > Quit's Ctrl+Q, the
    menus' Alt+letter), which clashes with any action bound to that key."""
    by_key: dict[str, list[str]] = {}
    for name, key in keys.items():
        if key:
            by_key.setdefault(key, []).append(TEXTS.get(name, name))
    for key, owner in (reserved or {}).items():
        if key in by_key:
            by_key[key].append(owner)
    return [(key, names) for key, names in by_key.items() if len(names) > 1]


def reserved_keys(window) -> dict[str, str]:
    """key text -> what holds it, for every key of ``window`` that Edit > Keyboard shortcuts...
    cannot rebind: the shortcuts of its other actions (File > Quit's Ctrl+Q) and its menus'
    Alt+letter. An action rebound to one of them took the key from Quit (or the menu) without
    a word: Qt then runs neither on that key."""
    from PySide6.QtWidgets import QMenuBar

    rebindable = [window.actions[name] for name in DEFAULT_KEYS]
    reserved: dict[str, str] = {}
    for action in window.findChildren(QAction):
        if any(action is other for other in rebindable):
            continue
        for key in action.shortcuts():
            text = key.toString()
            if text:
                reserved.setdefault(text, action.text().replace("&", "") or "another command")
    bar = window.findChild(QMenuBar)
    for action in (bar.actions() if bar is not None else []):
        text = action.text()
        at = text.find("&")
        if 0 <= at < len(text) - 1 and text[at + 1] != "&":
            reserved.setdefault(f"Alt+{text[at + 1].upper()}", f"the {text.replace('&', '')} menu")
    return reserved


def apply_shortcuts(actions: Actions, overrides: dict[str, str] | None = None) -> None:
    """Put the effective keys on the actions (and their tool tips)."""
    for name, key in effective_keys(overrides).items():
        action = actions[name]
        action.setShortcut(QKeySequence(key))
        action.setToolTip(f"{TEXTS[name]} ({key})" if key else TEXTS[name])
        action.setIconText(icon_label(name, key))


def icon_label(name: str, key: str, with_key: bool = True) -> str:
    """The toolbar label of action ``name`` bound to ``key`` (key text, "" = none): "Track (T)",
    or "Track" where ``with_key`` is False (a toolbar too narrow for the keys, ``app.menus``)."""
    label = ICON_TEXT.get(name, TEXTS.get(name, name))
    return f"{label} ({key})" if with_key and key and name in KEY_IN_LABEL else label


@dataclass
class Actions:
    """QAction by name (``actions["track"]``)."""

    by_name: dict[str, QAction]

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]


def build_actions(parent) -> Actions:
    actions = {}
    for name, text, _key, tip in SHORTCUTS:
        action = QAction(text, parent)
        action.setStatusTip(tip)
        parent.addAction(action)  # shortcuts work even when a menu does not show the action
        actions[name] = action
    for name in ("settings", "shortcuts", "quit", "blend", "thermal_twin", "separate_thermal", "import_gt", "frame_rate",
                 "opening_notes"):
        action = QAction(parent)
        actions[name] = action
    actions["frame_rate"].setText("Frame rate...")
    actions["frame_rate"].setStatusTip("the footage's frame rate, for footage that records none (image folders: 30 "
                                       "fps assumed): kept with the project; playback, the clock and exports take it")
    actions["opening_notes"].setText("Opening notes...")
    actions["opening_notes"].setStatusTip("what the status bar said as this footage opened (its frames and frame rate, "
                                          "a ground truth not shown, a missing stream, damaged frames), again")
    actions["settings"].setText("Settings...")
    actions["shortcuts"].setText("Keyboard shortcuts...")
    actions["shortcuts"].setStatusTip("choose the key of any action")
    actions["import_gt"].setText("Import the sequence's ground truth")
    actions["import_gt"].setStatusTip("the dataset's own boxes become imported (protected) records")
    actions["quit"].setText("Quit")
    # the platform's quit key (Ctrl+Q on Linux desktops), Ctrl+Q where the platform names none
    actions["quit"].setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")])
    actions["blend"].setText("Blend thermal over visible")
    actions["blend"].setCheckable(True)
    actions["thermal_twin"].setText("Show thermal view")
    actions["thermal_twin"].setCheckable(True)
    actions["thermal_twin"].setChecked(True)
    actions["separate_thermal"].setText("Separate thermal box (misaligned pair)")
    actions["separate_thermal"].setCheckable(True)
    actions["separate_thermal"].setStatusTip("edits on the thermal view move only the thermal box")
    actions["range"].setCheckable(True)
    actions["follow_target"].setCheckable(True)
    built = Actions(actions)
    apply_shortcuts(built)  # the default keys; the window applies the user's on top
    return built
