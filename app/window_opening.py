"""Opening projects in the main window (a mixin of ``MainWindow``): the open requests, a failed
open (the project this window holds, one another program holds), the opened project put on
screen, and the frame and zoom kept in the project between sessions (``app.session_state``)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PySide6.QtCore import QRectF

from app.actions import key_text
from app.document import Document
from app.project import OpenRequest, footage_project_path
from app.qt import freeze_heap
from app.session_state import SessionState, clear_run, read_run, read_run_id, read_session, write_session
from app.track_process import recipe_for
from app.views.paired_view import pane_names

#: the opening message's last note on footage that records no frame rate (:func:`rate_words` says "assumed")
ASSUMED_RATE_NOTE = "image frames record no frame rate: View > Frame rate... states the real one"


def rate_words(info, *, stated: bool = False) -> str:
    """The frame rate as the opening message says it: ``25 fps``, ``25 fps (set in this project)``
    (``stated``: View > Frame rate...), or ``30 fps (assumed)`` for footage that records none (image
    folders: ``SequenceInfo.fps_assumed``; :data:`ASSUMED_RATE_NOTE`, where to state the real one, is
    the message's last note: what to do first comes first). It read "at 30 fps" as a fact, and the
    clock, the playback and the exports all took it."""
    if stated:
        return f"{info.fps:g} fps (set in this project)"
    return f"{info.fps:g} fps" + (" (assumed)" if getattr(info, "fps_assumed", False) else "")


class WindowOpening:
    """Needs the ``MainWindow`` attributes: opener, document, settings, actions, views, transport,
    fetcher, frame, statusBar, project_opened, stop_all, finish_runs, ask, error, goto, _show_pair,
    refresh_timeline, update_tracker_status, _update_title, _update_document_actions,
    _update_undo_actions, _document_changed, _thermal_title, _warn_unmatched_streams."""

    def open_request(self, request: OpenRequest) -> None:
        request, self._last_project = self._with_last_project(request)
        self.stop_all()
        self.opener.open(request)

    def _with_last_project(self, request: OpenRequest) -> tuple[OpenRequest, str]:
        """Footage opened without a project (a command line, a drop, Open pair) gets the project it
        was last opened with (File > Open recent's entry), when that file is still there: labelled
        with ``--project /tmp/p3.rgbt.sqlite``, 0117_1605 opened again without it started an empty
        project, and its Open recent entry then named that one, the boxes nowhere in the studio."""
        if request.kind not in ("pair", "sequence") or request.store:
            return request, ""

        def where(paths):
            return tuple(Path(path).resolve() for path in paths)

        wanted = where(request.paths)
        for recent in self.settings.recent:
            if recent.kind == request.kind and where(recent.paths) == wanted:
                if recent.store and Path(recent.store).is_file():
                    return dataclasses.replace(request, store=recent.store, recent_entry=True), recent.store
                break
        return request, ""

    def open_pair(self, visible, thermal, frame_offset: int | None = None, store: str | None = None) -> None:
        """frame_offset None: the project's own (0 for a new project)."""
        self.open_request(OpenRequest("pair", (str(visible), str(thermal)), frame_offset, store=store))

    def open_sequence(self, folder, store: str | None = None) -> None:
        self.open_request(OpenRequest("sequence", (str(folder),), store=store))

    def ask_frame_rate(self) -> None:
        """View > Frame rate...: the real rate of footage that records none (image folders play at an
        assumed 30 fps), kept in the project (``app.project.FPS_META``); playback, the clock and the
        exports take it at once. Footage that records its rate (a video, a folder's ``SOURCE.txt``)
        keeps it, and the status bar says so."""
        document = self.document
        if document is None:
            return
        from core.annotations.project_paths import FPS_META, stated_fps
        from core.errors import RGBTError

        info = document.info
        stated = stated_fps(document.store)
        if not info.fps_assumed and (stated is None or info.fps != stated):
            self.statusBar().showMessage(f"{info.name} records its frame rate, {info.fps:g} fps: nothing to set",
                                         8000)
            return
        if document.refuse_if_read_only("Setting the frame rate"):
            return
        from PySide6.QtWidgets import QInputDialog

        text = ("Image frames record no frame rate: 30 fps is assumed.\n" if info.fps_assumed else "") + \
            "The footage's frame rate (kept with this project; playback, the clock and exports take it):"
        fps, ok = QInputDialog.getDouble(self, "Frame rate", text, info.fps, 0.01, 999.0, 3)
        if not ok:
            return
        try:
            document.store.set_meta(FPS_META, float(fps))
        except RGBTError as error:
            self.error("The frame rate was not saved", error)
            return
        info.fps, info.fps_assumed = float(fps), False
        frame = self.frame
        self.transport.configure(document.num_frames, info.fps)
        self.transport.set_frame(frame)
        self.statusBar().showMessage(f"{info.name}: {info.fps:g} fps, kept with this project", 8000)

    def _open_failed(self, request, error, trace: str) -> None:
        """Reopening the project this window holds (Open recent, a drop): the store is
        locked by this very window, so close the document and open again."""
        from core.annotations.store import StoreLockedError

        document = self.document
        if (isinstance(error, StoreLockedError) and document is not None and error.holder.get("pid") == os.getpid()
                and Path(str(error.path)).resolve() == Path(document.path).resolve()
                and not getattr(request, "_retried", False)):
            self.finish_runs()
            self.save_session()
            document.close()
            self.document = None
            self._update_document_actions()
            retry = dataclasses.replace(request)
            retry._retried = True
            self.opener.open(retry)
            return
        from app.project import ProjectReadOnly

        if isinstance(error, ProjectReadOnly) and not getattr(request, "read_only", True):
            choice = self.ask("Project cannot be edited", f"{error}\n\nOpen it read-only?", ("Open read-only", "Cancel"))
            if choice == "Open read-only":
                self.opener.open(dataclasses.replace(request, read_only=True))
            return
        if isinstance(error, StoreLockedError) and not getattr(request, "read_only", True):
            choice = self.ask("Annotations in use",
                              f"{error}\n\nOpen it read-only? You can look at the annotations and export "
                              "them; edits are refused until the other program closes it.",
                              ("Open read-only", "Cancel"))
            if choice == "Open read-only":
                self.opener.open(dataclasses.replace(request, read_only=True))
            return
        self.error("Cannot open", error, trace)

    def _opened(self, opened) -> None:
        if self.document is not None:
            self.finish_runs()
            self.save_session()
            self.document.close()
        document = Document(opened.sequence, opened.store, self, contents=opened.contents)
        if opened.request.kind in ("pair", "sequence", "project"):
            document.recipe = recipe_for(opened.store)
        self.document = document
        document.changed.connect(self._document_changed)
        document.refused.connect(lambda text: self.statusBar().showMessage(text, 10000))
        document.write_failed.connect(lambda error: self.error("The edit was not saved", error))
        document.file_restored.connect(self._project_file_restored)
        document.store_in_use = lambda: self.busy() or getattr(getattr(self, "improver", None), "busy", False)
        document.undo_stack.indexChanged.connect(self._update_undo_actions)
        self.fetcher.set_sequence(document.sequence)
        info = document.info
        self.transport.configure(len(document.sequence), info.fps)
        self.pane_names = pane_names(info)
        self.views.set_titles(f"{self._visible_title()}  {info.width}x{info.height}", self._thermal_title())
        self.update_tracker_status()
        self.frame = 0
        # the last project's range is not this one's: left shown, it stayed in force off screen,
        # cut to the last frame (I said "needs two keyframes" with two, O marked frames absent)
        self.actions["range"].setChecked(False)
        self._show_pair(opened.first)
        resumed = self._restore_session(document)
        self.refresh_timeline()
        recent = opened.request.recent()
        self._opened_recent = recent  # File > Open recent's entry, moved with a recovered project
        if recent is not None:
            self.settings.add_recent(recent)
        self.settings.first_run_done = True
        self.settings.save()
        self.rebuild_recent_menu()
        self._update_title()
        self._update_document_actions()
        missing = self.pane_names[2]  # "thermal-only sequence: ...": the sequence's own note says the same
        # what to do first is said first: last, the ground truth to import was cut off the status bar
        # behind the project's place (its path is in the title bar too); and what is wrong with the
        # footage (frames that cannot be decoded, streams that do not match: the sequence's own notes)
        # before the missing stream's long explanation, which cut 'damaged.avi: its last 25 frames cannot
        # be decoded' off a 1600-wide status bar
        first = [n for n in [*getattr(document.sequence, "source_notes", ()),
                             *getattr(document.sequence, "mismatch_notes", ())] if n in info.notes]
        # boxes drawn on frames of another size lie off the target: that is said first of all (an old project
        # on EXIF-turned JPEG frames had it after the missing stream's note, cut off the bar)
        resized = getattr(opened, "size_note", "")
        unimported = getattr(opened, "unimported_note", "")
        rest = ([resized] if resized else []) + (list(dict.fromkeys(first))
                + ([missing] if missing else [])
                + [n for n in info.notes if n not in first and not (missing and n.startswith(missing.split(":")[0]))]
                + ([opened.store_note] if getattr(opened, "store_note", "") else [])
                + ([ASSUMED_RATE_NOTE] if getattr(info, "fps_assumed", False) else []))
        # the bar says the ground truth's two menu entries in short (antiuav-4 at 1280: the whole note cut it at
        # "...View > Compare with th"); its frame count and what each does are in the tooltip
        notes = "; ".join(([self._ground_truth_words()] if unimported else []) + rest)
        details = ([unimported] if unimported else []) + rest
        last = getattr(self, "_last_project", "")
        if last and Path(last).resolve() != Path(footage_project_path(info, opened.request.paths)[0]).resolve():
            # said: a project other than the footage's own opened without being named
            said = f"with {last}, the project it was last opened with"
            notes = "; ".join(n for n in (said, notes) if n)
            details.insert(0, said)
        back = f", back at frame {resumed + 1} where it was left" if resumed else ""
        stopped = getattr(self, "_stopped_by_close", None)
        if stopped is not None:  # said once: the next save writes no "stopped"
            tracking_back = getattr(self, "_stopped_back", False)  # Shift+T continues it, T would go the other way
            key = key_text(self.actions, "track_back" if tracking_back else "track")
            continues = f" ({key} from there continues it)" if stopped == resumed else ""
            back += (f"; tracking{' back' if tracking_back else ''} was stopped at frame {stopped + 1} when the "
                     f"window closed{continues}")
        back += self._run_cut_short(document, said=stopped is not None)
        lead = f"opened {info.name}: {len(document.sequence)} frames at {rate_words(info, stated=opened.fps_stated)}{back}"
        # (name, lines, whether the first run's hint followed: app.commands.show_first_run_hint)
        self.opening_notes = (info.name, [lead, *(n[0].upper() + n[1:] for n in details)], False)
        # kept until the next message, and whole in Help > Opening notes...: gone after 10 s, the message
        # (some 230 characters on VOT-TIR horse, cut at 1280 px) was read in part at best, and nowhere again
        self.statusBar().showMessage(lead + (f" ({notes})" if notes else ""))
        if details:  # after showMessage, whose messageChanged set the tooltip to the bar's text
            self.statusBar().setToolTip("\n".join(self.opening_notes[1]))
        self._warn_unmatched_streams(info)
        freeze_heap()
        self.project_opened.emit(document)

    def show_opening_notes(self) -> None:
        """Help > Opening notes...: what the status bar said as the footage opened, whole, a note a line
        (the frames and frame rate, where it was left, a ground truth not shown, a missing stream, damaged
        frames), and on the demo's first run what to do first, with the keys as bound now; selectable,
        to copy. The message stays only until the next one replaces it."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        name, lines, hint = getattr(self, "opening_notes", ("", [], False))
        if self.document is None or not lines:
            return
        lines = list(lines)
        if hint:
            from app.commands import window_hint

            lines.append(window_hint(self))
        box = QMessageBox(QMessageBox.Icon.Information, f"Opening notes: {name}", lines[0],
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("openingNotesDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        if lines[1:]:
            box.setInformativeText("\n".join(f"\u2022 {line}" for line in lines[1:]))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _ground_truth_words(self) -> str:
        """The opening message's short words for a ground truth the sequence ships and the project
        has not imported: the two menu entries that show it (``app.project.shipped_ground_truth_note``,
        the tooltip's, says what each does)."""
        def entry(name: str, menu: str, text: str) -> str:
            action = self.actions.by_name.get(name)
            return f"{menu} > {action.text().replace('&', '') if action is not None else text}"

        imports = entry("import_gt", "File", "Import the sequence's ground truth")
        compares = entry("compare_gt", "View", "Compare with the sequence's ground truth")
        return f"ground truth not shown: {imports}, or {compares}"

    def _run_cut_short(self, document: Document, *, said: bool = False) -> str:
        """A tracking run the studio never ended (killed, crashed, the machine went down;
        ``app.session_state.RUN_KEY``): show its last box and say what was kept, once. The project
        reopened without a word, at the frame it was last closed on, with the run's boxes there."""
        from core.annotations.records import Provenance
        from core.errors import RGBTError
        from core.trackers import tracker_label

        if document.read_only:  # the window editing it may be running that very tracking run now
            return ""
        run = read_run(document.store, document.num_frames)
        if run is None:
            return ""
        start, tracker, last, step = run  # step -1: a run tracking back wrote down from its start
        label = tracker_label(tracker) if tracker else ""
        # the run's own outputs, by its id: an older run of the same tracker beyond its last note is not its
        run_id = read_run_id(document.store) if tracker else None
        runs = document.store.tracker_output_runs(tracker) if run_id is not None else None
        # batches committed after the last note: the run's boxes go on frame by frame
        while (0 <= last + step < document.num_frames and (record := document.record(last + step)) is not None
               and record.provenance == Provenance.STUDENT
               and (not label or document.tracked_by.get(last + step) == label)
               and (runs is None or runs.get(last + step) == run_id)):
            last += step
        try:
            clear_run(document.store)
        except RGBTError:
            pass
        if said:  # the window's close stopped it, and the status bar says so already
            return ""
        self.goto(last)
        key = "track" if step > 0 else "track_back"
        continues = (f"; {key_text(self.actions, key)} continues it" if 0 <= last + step < document.num_frames
                     else "")
        back = " back" if step < 0 else ""
        # short: the status bar's right side (the tracker's name) cut the first wording mid-sentence
        return (f"; tracking{back} from frame {start + 1} was cut short (studio killed or crashed): its boxes "
                f"{'down' if step < 0 else 'up'} to frame {last + 1} are kept{continues}")

    def _project_file_restored(self, text: str) -> None:
        """The project's file was deleted or replaced while open (``Document.keep_file``); File > Open
        recent (and the next start) opens the project where its work now is, not the replacing file."""
        from PySide6.QtWidgets import QMessageBox

        if getattr(self, "closing", False):
            # found as the window closes: a dialog left open with it, or the status bar, went with the
            # window, and the user never learnt where the work had gone
            self.ask("The project file was moved, deleted or replaced", text, ("OK",))
            recent = getattr(self, "_opened_recent", None)
            if recent is not None and self.document is not None:
                self.settings.add_recent(dataclasses.replace(recent, store=str(self.document.path)))
            return
        self.statusBar().showMessage(text, 30000)
        # also a dialog: a run's end put its summary over the status bar's line at once
        box = QMessageBox(QMessageBox.Icon.Warning, "The project file was moved, deleted or replaced", text, parent=self)
        box.setModal(False)
        box.show()
        self.file_box = box
        self._update_title()
        recent = getattr(self, "_opened_recent", None)
        if recent is not None and self.document is not None:
            self.settings.add_recent(dataclasses.replace(recent, store=str(self.document.path)))
            self.settings.save()
            self.rebuild_recent_menu()

    def _restore_session(self, document: Document) -> int:
        """Show the frame and the zoom the user left this project at (``app.session_state``),
        with Edit > Separate thermal box as it was left,
        the frame clamped to the footage's length; the whole frame when none was kept.
        Returns the frame shown."""
        info = document.info
        state = read_session(document.store, document.num_frames, info.width, info.height)
        if state.view is None:
            self.views.visible.fit()  # not the zoom of the project open before
        else:
            x0, y0, x1, y1 = state.view
            self.views.visible.viewbox.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.0)
        # as the project was left (a misaligned pair's thermal edits), not as the last project had it
        self.actions["separate_thermal"].setChecked(state.separate_thermal)
        if state.frame:
            self.goto(state.frame)
        self._stopped_by_close, self._stopped_back = state.stopped, state.stopped_back
        return state.frame

    def save_session(self, stopped: int | None = None, *, back: bool = False) -> None:
        """Keep the frame on screen and the visible view's zoom in the open project, so that
        reopening it shows them again (nothing on a read-only store; a store that cannot be
        written is not a reason to keep the project open); ``stopped``: the frame a tracking
        run the close stopped had reached, said when the project opens again; ``back``: that
        run tracked back (Shift+T)."""
        from core.errors import FileProblem

        document = self.document
        if document is None or document.closed or document.read_only:
            return
        (x0, x1), (y0, y1) = self.views.visible.viewbox.viewRange()
        try:
            write_session(document.store, SessionState(self.frame, (x0, y0, x1, y1), stopped,
                                                       self.actions["separate_thermal"].isChecked(),
                                                       stopped_back=stopped is not None and back))
        except FileProblem:
            pass

    def rebuild_recent_menu(self) -> None:
        from app.menus import fill_recent_menu

        fill_recent_menu(self)
