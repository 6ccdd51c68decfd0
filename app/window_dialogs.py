"""The main window's dialogs, settings and drag-and-drop (a mixin of ``MainWindow``):
open pair / sequence, export, settings, help, errors, colormap and blend, drops.

Questions go through ``ask`` (tests answer them with ``ask_hook``); the result of every
export is a dialog naming the file; a target is checked before anything is asked (a
refusal is one message) and an earlier export is replaced only after asking.
File pickers open where the last one ended (else the home folder, never the
application's folder)."""
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
from core.errors import OutputError, RGBTError
from core.wording import plural, verb

#: a file of these dropped on open footage is a box file to import (``EditGlue.import_box_file``)
BOX_FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".mot")  # the Import dialog's filter (app.window_edits) lists these
# Notes of ``core.sequences.pair`` on streams that do not match: frames left out or drifting apart.
UNMATCHED_STREAMS = ("frame counts differ", "frame rates differ")


class WindowDialogs:
    """Needs the ``MainWindow`` attributes: settings, document, views, actions, pool,
    exporter, synchronous, open_pair, open_sequence, open_request, statusBar."""

    ask_hook = None  # tests: callable(title, text, choices) -> the chosen choice (or None)
    result_box: QMessageBox | None = None  # the last export's result dialog

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

    # -- export ---------------------------------------------------------------------------
    def ask_export(self) -> None:
        if self.document is None:
            return
        from app.dialogs.export_dialog import ExportDialog
        from app.session_state import read_last_export, write_last_export
        from core.fileio import safe_component

        store = self.document.store
        # the name offered is one safe path component: a newline in it, a hidden ".walk-lasher", a byte Qt drops
        dialog = ExportDialog(safe_component(self.document.info.name), self._export_folder(), self,
                              start_folder=self.settings.start_folder(), last=read_last_export(store),
                              check=self._export_target_problem)
        if dialog.exec():
            key, target = dialog.values()
            self.settings.remember_folder(target.parent)
            try:  # offered again by the next export of this project
                write_last_export(store, key, target)
            except RGBTError:  # a store that cannot be written: the export may still go
                pass
            self.export_checked(key, target)

    def _export_folder(self) -> Path:
        """Where a first export goes: beside the project, unless the project is in the studio's own
        ``projects/`` (its footage's folder is read-only): then where the last file picker or export
        ended when that folder can be written, else the home folder. The export of a dataset share's
        sequence was offered in the hidden ``~/.rgbt-studio/projects``, and the next picker opened there."""
        import os

        from core.annotations.project_paths import studio_home

        folder = Path(self.document.path).parent
        kept = studio_home() / "projects"
        if folder.resolve() != kept.resolve():
            return folder
        last = Path(self.settings.start_folder())
        inside = studio_home().resolve() in (last.resolve(), *last.resolve().parents)
        return last if not inside and os.access(last, os.W_OK) else Path.home()

    def export_checked(self, key: str, target) -> bool:
        """Export ``key`` to ``target`` after the checks the export job runs: a refused
        target (the sequence's own frames, a folder or file that is not an earlier export,
        a place that cannot be written) shows one message and asks nothing; an earlier
        export is replaced only after asking. False when no export was started."""
        if self.document is None or not self._runs_finished_for_export():
            return False
        if key.startswith("distillation") and self.weights_missing("teacher", what="export"):
            return False
        target = Path(target)
        try:
            earlier = self._earlier_export(key, target)
        except RGBTError as error:
            self.error("Cannot export", error)
            return False
        if key.startswith("distillation") and not self._distillation_samples():
            # the file distill --data refuses was written and "Exported ... 0 training samples" said;
            # export-distill refuses it in these words and writes nothing
            from core.commands.export_distill import NO_SAMPLES
            from core.errors import ExportError

            self.error("Cannot export", ExportError(self.document.path, f"{NO_SAMPLES}; nothing was written"))
            return False
        if earlier:
            kind = "folder" if target.is_dir() else "file"
            other = self._exported_sequence(target)
            name = self.document.info.name
            # the earlier export of another sequence (a folder picked from the last export's): asked as
            # if it were this one's, and the other sequence's export was gone once replaced
            whose = (f"{target} holds the export of another sequence, '{other}' (this one is '{name}').\n\n"
                     f"Replace that export with this sequence's? " if other is not None and other != name
                     else f"{target} already exists.\n\nReplace this {kind} with the new export? ")
            # a folder holding a studio project was refused above (check_export_target): never deleted
            answer = self.ask("Replace the earlier export?",
                              whose + "(It is replaced only when the new export is complete.)", ("Replace", "Cancel"))
            if answer != "Replace":
                self.statusBar().showMessage(f"export cancelled: {target} kept", 8000)
                return False
        self.export(key, target)
        return True

    def _distillation_samples(self) -> int:
        """How many training samples a distillation export of the open project would hold (the
        checked frames after the first keyframe, ``core.distillation.export.plan_samples``)."""
        from core.distillation.export import left_out_records, plan_samples

        info, count = self.document.info, len(self.document.sequence)
        kept, _ = left_out_records(dict(self.document.records), count, (info.width, info.height))
        return len(plan_samples(kept, count))

    @staticmethod
    def _exported_sequence(target: Path) -> str | None:
        """The sequence an earlier export folder was made from (the first line of its marker), or None."""
        from core.annotations.formats.export import EXPORT_MARKER

        try:
            lines = (target / EXPORT_MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return lines[0].strip() if lines and lines[0].strip() else None

    def _runs_finished_for_export(self) -> bool:
        """A tracking run or refinement still going: the export would hold only the frames
        done so far (and the run went on writing after it, unsaid). Ask to stop it first;
        False when the user keeps it running (nothing is exported)."""
        running = [name for name, run in (("tracking", self.tracking), ("refinement", self.refining)) if run.busy]
        if not running:
            return True
        what = " and ".join(running)
        answer = self.ask(f"The {what} is still running",
                          f"The {what} is still running: an export now would hold only the frames done so far.\n\n"
                          f"Stop the {what} and export what is done?", ("Stop and export", "Cancel"))
        if answer != "Stop and export":
            self.statusBar().showMessage(f"export cancelled: the {what} goes on", 8000)
            return False
        self.finish_runs()
        return True

    def _export_target_problem(self, key: str, target: Path) -> str:
        """Why the export ``key`` would refuse ``target`` ("" when it would not): the export dialog
        says it and stays open."""
        if self.document is None:
            return ""
        try:
            self._earlier_export(key, Path(target))
        except RGBTError as error:
            return str(error)
        return ""

    def _earlier_export(self, key: str, target: Path) -> bool:
        """Run the target checks of the export job ``key`` now (raise their error); True
        when ``target`` holds an earlier export the new one would replace: a folder with
        ``EXPORT_MARKER``, or an HDF5 file for a file export. Any other existing file is
        refused, never overwritten."""
        from app.dialogs.export_dialog import entry
        from core.annotations.formats.export import EXPORT_MARKER, check_export_target

        chosen = entry(key)
        if not chosen.is_file:
            check_export_target(self.document.sequence, target)
            return target.is_dir() and (target / EXPORT_MARKER).is_file()
        # the check of core.distillation.export.export_distillation, plus the store this window has
        # open; the review video's are the same
        from core.annotations.formats.groundtruth import protected_inputs
        from core.fileio import HDF5_MAGIC, check_output, file_magic

        protected = protected_inputs(self.document.sequence.info)
        protected.append((Path(self.document.store.path), "the annotation store"))
        check_output(target, protected=protected, force=True, option=chosen.file_kind)
        if not target.exists():
            return False
        if chosen.is_earlier is not None:
            if not chosen.is_earlier(target):
                raise OutputError(target, "already exists and is not an earlier export (an MP4 or AVI video); "
                                          "it is never overwritten: choose another name")
        elif file_magic(target, len(HDF5_MAGIC)) != HDF5_MAGIC:
            raise OutputError(target, "already exists and is not an earlier export (an HDF5 file); "
                                      "it is never overwritten: choose another name")
        return True

    def export(self, key: str, target) -> None:
        if self.document is not None:
            if self.document.read_only:
                # another window edits the project: its work since this one opened is in the store,
                # not in this window's copy (the export wrote the boxes of the time it opened)
                self.document.reload()
            self.exporter.export(self.document, key, target, self.settings.models)

    def _exported(self, result) -> None:
        """Every export ends in a dialog naming what was written (non-blocking)."""
        warnings = list(getattr(result, "warnings", []) or [])
        path = Path(getattr(result, "path", result))
        text = f"exported to {path}"
        self.statusBar().showMessage(text, 10000)
        details = [text]
        summary = getattr(result, "summary", "")
        if summary:
            details.append(summary)
            pending = self._pending_proposals()
            if pending:
                accept = f"{key_text(self.actions, 'accept')} or {key_text(self.actions, 'accept_range')}"
                details.append(f"{plural(pending, 'teacher proposal')} not accepted {verb(pending, 'is', 'are')} "
                               f"not in it ({accept} accepts them)")
        if path.is_file():
            details.append(f"{path.stat().st_size / 1e6:.1f} MB")
        box = QMessageBox(QMessageBox.Icon.Information, "Exported", "\n".join(details + warnings), parent=self)
        box.setModal(False)
        if self.result_box is not None:
            self.result_box.close()
        self.result_box = box
        box.show()

    def _pending_proposals(self) -> int:
        """How many frames hold a teacher proposal that A would accept and was not accepted
        (their record's provenance is not the teacher's), in the open document. Proposals on
        frames holding a box a person drew, an absent mark, an imported box or a keyframe are
        not counted: A refuses them there (the export result counted them under "A or Shift+A
        accepts them"), nor those where the teacher found no target."""
        from core.annotations.history import is_protected
        from core.annotations.records import Provenance

        document = self.document
        if document is None:
            return 0
        records = document.records
        return sum(1 for frame, proposal in document.proposals.items()
                   if proposal[0] is not None and not is_protected(records.get(frame))
                   and (records.get(frame) is None or records[frame].provenance != Provenance.TEACHER))

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
