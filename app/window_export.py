"""File > Export from the main window (a mixin of ``MainWindow``): the export dialog, the checks
the export job runs made before anything is asked (a refused target is one message), an earlier
export replaced only after asking, a run still going stopped first, and the dialog naming what
was written. The job itself is ``app.controllers`` (``window.exporter``)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.actions import key_text
from core.errors import OutputError, RGBTError
from core.wording import plural, verb


class WindowExport:
    """Needs the ``MainWindow`` attributes: settings, document, actions, exporter, tracking,
    refining, finish_runs, statusBar, and ``app.window_dialogs.WindowDialogs``' ask, error and
    weights_missing."""

    result_box: QMessageBox | None = None  # the last export's result dialog

    def ask_export(self) -> None:
        if self.document is None:
            return
        from app.dialogs.export_dialog import ExportDialog
        from app.session_state import read_last_export, write_last_export
        from core.fileio import safe_component

        store = self.document.store
        info = self.document.info
        # one-stream footage: the labels name its stream ("VOT ... visible" was offered on thermal-only footage)
        stream = ("thermal" if getattr(info, "thermal_only", False) else
                  "visible" if getattr(info, "visible_only", False) else None)
        # the name offered is one safe path component: a newline in it, a hidden ".walk-lasher", a byte Qt drops
        dialog = ExportDialog(safe_component(info.name), self._export_folder(), self,
                              start_folder=self.settings.start_folder(), last=read_last_export(store),
                              check=self._export_target_problem, stream=stream)
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
        from core.annotations.formats.export import EXPORT_MARKER
        from core.annotations.formats.export_target import check_export_target

        chosen = entry(key)
        if not chosen.is_file:
            check_export_target(self.document.sequence, target)
            return target.is_dir() and (target / EXPORT_MARKER).is_file()
        # the check of core.distillation.export.export_distillation, plus the store this window has
        # open; the review video's are the same
        from core.annotations.formats.gt_files import protected_inputs
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
