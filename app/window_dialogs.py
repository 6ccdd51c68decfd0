"""The main window's dialogs, settings and drag-and-drop (a mixin of ``MainWindow``):
open pair / sequence / video, settings, shortcuts, help, errors, colormap and blend, the
timeline's range, drops. Export is ``app.window_export``.

Questions go through ``ask`` (tests answer them with ``ask_hook``). File pickers open where
the last one ended (else the home folder, never the application's folder)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.actions import apply_shortcuts, key_text, reserved_keys
from app.dialogs.errors import show_error
from app.dialogs.file_names import pick_file, pick_folder
from app.dialogs.help_dialog import HelpDialog
from app.dialogs.open_pair import OpenPairDialog
from app.dialogs.settings_dialog import SettingsDialog
from app.dialogs.shortcuts_dialog import ShortcutsDialog
from app.project import classify_drop
from app.style import THERMAL_COLORMAPS

#: a file of these dropped on open footage is a box file to import (``EditGlue.import_box_file``)
BOX_FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".mot")  # the Import dialog's filter (app.window_edits) lists these
# Notes of ``core.sequences.pair`` on streams that do not match: frames left out or drifting apart.
UNMATCHED_STREAMS = ("frame counts differ", "frame rates differ")


class WindowDialogs:
    """Needs the ``MainWindow`` attributes: settings, document, views, actions, pool,
    synchronous, open_pair, open_sequence, open_request, statusBar."""

    ask_hook = None  # tests: callable(title, text, choices) -> the chosen choice (or None)

    def ask(self, title: str, text: str, choices: tuple[str, ...]) -> str | None:
        """A question with button ``choices`` (the last one cancels); the chosen text, or
        None when the dialog was closed."""
        if self.ask_hook is not None:
            return self.ask_hook(title, text, choices)
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        buttons = {}
        for i, choice in enumerate(choices):
            role = QMessageBox.ButtonRole.RejectRole if i == len(choices) - 1 else QMessageBox.ButtonRole.AcceptRole
            buttons[box.addButton(choice, role)] = choice
        box.setDefaultButton(list(buttons)[-1])
        box.exec()
        return buttons.get(box.clickedButton())

    choose_hook = None  # tests: callable(title, text, items) -> the chosen item (or None)

    def choose(self, title: str, text: str, items: list[str]) -> str | None:
        """One of ``items`` from a list (any number of them, where ``ask``'s buttons fit a few);
        the chosen item, or None when the dialog was cancelled."""
        if self.choose_hook is not None:
            return self.choose_hook(title, text, items)
        from PySide6.QtWidgets import QInputDialog

        item, ok = QInputDialog.getItem(self, title, text, items, 0, False)
        return item if ok else None

    def ask_open_pair(self) -> None:
        dialog = OpenPairDialog(self, start_folder=self.settings.start_folder())
        if dialog.exec():
            visible, thermal, offset = dialog.values()
            if visible and thermal:
                self.settings.remember_folder(visible)
                self.open_pair(visible, thermal, offset)

    def ask_open_video(self) -> None:
        """One video of one stream (``core.sequences.open_sequence`` takes it: visible or thermal
        by its colour); Open sequence folder picks folders only, so such a video had to be dropped."""
        from app.dialogs.open_pair import VIDEO_FILTER

        path, note = pick_file(self, "Open one video", self.settings.start_folder(), VIDEO_FILTER)
        if note:  # names Qt's picker leaves out: the file looked missing, unsaid
            self.statusBar().showMessage(note, 20000)
        if path:
            self.settings.remember_folder(Path(path).parent)
            self.open_sequence(path)

    def ask_open_sequence(self) -> None:
        folder, note = pick_folder(self, "Open a dataset sequence folder", self.settings.start_folder())
        if note:
            self.statusBar().showMessage(note, 20000)
        if folder:
            self.settings.remember_folder(Path(folder).parent)
            self.open_sequence(folder)

    # -- dialogs and settings -------------------------------------------------------------
    def weights_missing(self, *models: str, what: str) -> bool:
        """True, with one dialog naming the file, when the weights File > Settings chose for
        one of ``models`` are not there: the run would have used RANDOM weights in their place
        (random weights are allowed by default, for a demo without bundled weights) and written
        boxes off the target over the sequence, or teacher maps of noise into a data file."""
        for model in models:
            problem = self.settings.models.missing_weights(model)
            if problem is not None:
                self.error(f"Cannot {what}", problem)
                return True
        return False

    def error(self, title: str, error: BaseException, trace: str = "") -> QMessageBox:
        self.statusBar().showMessage(f"{title}: {error}", 15000)
        self.last_error = error
        return show_error(self, title, error, trace)

    def _warn_unmatched_streams(self, info) -> None:
        """Streams of a pair that do not match (frame counts or rates differ): frames are
        left out or drift apart, so one box names both files and the problem (the status bar
        alone cut the line at the window's edge and cleared it after 10 s)."""
        sequence = self.document.sequence
        notes = getattr(sequence, "mismatch_notes", None)  # PairSequence keeps them apart (and its GT's fit)
        problems = ([n for n in notes if n != getattr(sequence, "ground_truth_note", None)] if notes is not None
                    else [n for n in info.notes if n.startswith(UNMATCHED_STREAMS)])
        if not problems:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "The two streams do not match",
                          f"visible: {info.visible_source}\nthermal: {info.thermal_source}",
                          QMessageBox.StandardButton.Ok, self)
        box.setInformativeText("\n".join(f"\N{BULLET} {problem}" for problem in problems)
                               + f"\n\nThe studio shows and annotates {len(self.document.sequence)} frame pairs.")
        box.setObjectName("unmatchedStreams")
        box.open()

    def _frame_failed(self, frame: int, error: BaseException) -> None:
        """A frame that cannot be decoded stops playback and opens one dialog: while that
        dialog is open, further failures (the rest of a corrupt stretch) only update the
        status bar, instead of stacking a dialog per frame. The views go black (the frame
        before stayed on screen under this frame's box and title, inviting a correction
        drawn on the wrong picture) and the title says the picture cannot be decoded."""
        self.transport.stop()
        if self.document is not None and frame == self.frame:
            self.pair = None
            self.unreadable_frame = frame
            self.views.blank()
            self.refresh_boxes()
        box = getattr(self, "_frame_error_box", None)
        if box is not None and box.isVisible():
            self.last_error = error
            self.statusBar().showMessage(f"Cannot show frame {frame + 1}: {error}", 15000)
            return
        self._frame_error_box = self.error(f"Cannot show frame {frame + 1}", error)

    def show_help(self) -> None:
        HelpDialog(self).exec()

    def show_shortcuts(self) -> None:
        """Edit > Keyboard shortcuts...: the chosen keys apply at once and are saved."""
        dialog = ShortcutsDialog(self.settings.shortcuts, self, reserved_keys(self))
        if dialog.exec():
            self.settings.shortcuts = dialog.values()
            self.settings.save()
            apply_shortcuts(self.actions, self.settings.shortcuts)
            from app.menus import tracker_menu_title

            self.tracker_menu.setTitle(tracker_menu_title(self))
            self.update_tracker_status()  # the tracker's tool tip names the Track key
            self.transport.set_play_key(self.actions["play"].shortcut().toString())
            self.transport.set_speed_keys(self.actions["play_faster"].shortcut().toString(),
                                          self.actions["play_slower"].shortcut().toString())
            self.refresh_boxes()  # the frame title's hints ("A to accept") name the keys
            from app.commands import refresh_first_run_hint

            refresh_first_run_hint(self)  # "press T to track" said T after Track was rebound

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings.models, self)
        if dialog.exec():
            self.settings.models = dialog.values()
            self.settings.save()
            self.pool.clear()
            self.set_tracker(self.settings.models.tracker)

    def apply_view_settings(self) -> None:
        name = self.settings.colormap if self.settings.colormap in THERMAL_COLORMAPS else "inferno"
        self.views.set_colormap(name)
        self.actions["blend"].setChecked(self.settings.blend)
        self.views.set_blend(self.settings.blend, self.settings.blend_opacity)
        self.actions["follow_target"].setChecked(self.settings.follow_target)
        self.actions["thermal_twin"].setChecked(self.settings.thermal_shown)  # as blend: kept across sessions
        self.views.set_thermal_shown(self.settings.thermal_shown)
        # the playback speed is kept as blend is: x2 chosen to review came back x1 at the next start
        self.transport.set_speed(self.settings.playback_speed)
        self.transport.speed_changed.connect(self._speed_chosen)  # apply_view_settings runs once, at the start

    def _speed_chosen(self, speed: float) -> None:
        self.settings.playback_speed = float(speed)
        self.settings.save()

    def set_colormap(self, name: str) -> None:
        self.settings.colormap = name
        self.views.set_colormap(name)
        self.refresh_boxes()
        self.settings.save()

    def _thermal_shown_toggled(self, on: bool) -> None:
        self.settings.thermal_shown = bool(on)
        self.views.set_thermal_shown(on)
        self.settings.save()

    def _blend_toggled(self, on: bool) -> None:
        self.settings.blend = bool(on)
        self.views.set_blend(on)
        self.refresh_boxes()  # the left pane's title says whether thermal is blended in
        self.settings.save()

    def _range_toggled(self, on: bool) -> None:
        if on and self.document is not None:
            self.timeline.show_range(self.frame, min(self.frame + 30, self.document.num_frames))
            self.say_range()
        else:
            self.timeline.hide_range()

    def set_range_end(self, end: str) -> None:
        """[ (``end`` "start") or ] ("last"): the range on the timeline starts (ends) at the frame shown;
        its other end stays where it was when it still fits, else the range is 30 frames from here (ends
        here). Ctrl+R alone showed 30 frames from the frame shown and only the mouse could move its
        edges, without a word on which frames it held."""
        if self.document is None:
            return
        shown = self.timeline.selected_range()
        if end == "start":
            start = self.frame
            stop = shown[1] if shown and shown[1] > start else min(start + 30, self.document.num_frames)
        else:
            stop = self.frame + 1
            start = shown[0] if shown and shown[0] < stop else self.frame
        action = self.actions["range"]
        action.blockSignals(True)  # checked without its toggle's own 30 frames
        action.setChecked(True)
        action.blockSignals(False)
        self.timeline.show_range(start, stop)
        self.say_range()

    def say_range(self) -> None:
        """The status bar names the range shown and the keys that change it."""
        selected = self.timeline.selected_range()
        if selected is None:
            return
        start, stop = selected
        count = stop - start
        keys = {name: key_text(self.actions, name) for name in ("range_start", "range_end", "range")}
        self.statusBar().showMessage(
            f"range: frame{'s' if count > 1 else ''} {start + 1}{f'-{stop}' if count > 1 else ''} "
            f"({count} frame{'s' if count > 1 else ''}); {keys['range_start']} / {keys['range_end']} start / end "
            f"it at the frame shown, or drag its edges; {keys['range']} hides it")

    # -- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(path) for path in dropped_paths(event.mimeData().urls())]
        if len(paths) == 1 and paths[0].suffix.lower() in BOX_FILE_SUFFIXES and paths[0].is_file():
            # a box file dropped on open footage imports its boxes (File > Import boxes from a file...)
            event.acceptProposedAction()
            if self.document is None:
                self.statusBar().showMessage(f"{paths[0].name}: open the footage first, then drop its box file on it "
                                             "to import the boxes", 10000)
            else:
                self.imports.import_box_file(str(paths[0]))
            return
        request = classify_drop(paths)
        if request is None:
            self.statusBar().showMessage("drop one sequence folder, one video, a project (.rgbt.sqlite), two "
                                         "files/folders (visible and thermal), or a box file "
                                         f"({', '.join(BOX_FILE_SUFFIXES)}) on open footage", 10000)
            return
        event.acceptProposedAction()
        self.open_request(request)


def dropped_paths(urls) -> list[str]:
    """The local paths of dropped ``urls`` (``QUrl``; others left out), decoded from the URL's
    percent-encoded bytes as Python names files (``os.fsdecode``): a file manager encodes a name
    that is not UTF-8 byte for byte ('vid%E9o.avi'), where ``QUrl.toLocalFile`` put U+FFFD, a path
    that does not exist, and the drop refused the one video dropped as if it were none."""
    import os
    from urllib.parse import unquote_to_bytes

    from PySide6.QtCore import QUrl

    paths = []
    for url in urls:
        if not url.isLocalFile():
            continue
        local = url.toLocalFile()
        if "\ufffd" in local and not url.host():  # a byte Qt could not read as UTF-8
            local = os.fsdecode(unquote_to_bytes(url.path(QUrl.ComponentFormattingOption.FullyEncoded)))
        paths.append(local)
    return paths
