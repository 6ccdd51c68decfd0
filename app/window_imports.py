"""The window's imports: the sequence's own ground truth (File > Import the sequence's ground
truth) and a box file of the user's (File > Import boxes from a file..., Ctrl+I, or a box file
dropped on the footage; ``core.annotations.formats.box_import``). Each is one undo step that never
replaces a box a person made, asks before replacing accepted teacher boxes, and says in the status
bar what it imported, from where, what it kept and what the source's notes are."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent

from app import edits
from app.dialogs.file_names import pick_file
from app.dialogs.progress import JobProgressDialog
from app.window_edits import WindowGlue, kept_kinds
from app.workers import JobRunner
from core.annotations.formats.box_import import SeveralObjectsError
from core.annotations.history import is_protected
from core.errors import RGBTError
from core.progress import Progress
from core.wording import plural

#: what the ground truth import names as the boxes' source
GROUND_TRUTH = "the ground truth"


class ImportGlue(WindowGlue):
    def __init__(self, window):
        super().__init__(window)
        a = window.actions
        a["import_gt"].triggered.connect(self.import_ground_truth)
        a["import_boxes"].triggered.connect(lambda: self.import_box_file())
        # the box file is read on a worker thread (synchronously under a synchronous window: tests)
        self.reader = JobRunner("import", synchronous=window.synchronous, parent=self)
        self.reader.progress.connect(self._reading_progress)
        self.reader.finished.connect(self._finished)
        self.reader.failed.connect(self._read_failed)
        self.reader.cancelled.connect(self._read_cancelled)
        self._dialog: JobProgressDialog | None = None
        self._reading: tuple[str, object] = ("", None)  # the file being read, onto which document
        self._then = self._file_read  # what takes the reading's result
        self._failure = "Cannot import the boxes"  # the title of its error dialog
        self._cancelled_note = "boxes not imported"  # what the status bar says after Cancel
        window.installEventFilter(self)  # closing the window drops a file still being read

    def import_ground_truth(self) -> None:
        """File > Import the sequence's ground truth: read on the reader's worker thread (a
        40,000-row file took 0.4 s of the GUI thread), imported by :meth:`_ground_truth_read`."""
        if self.doc is None or self.doc.refuse_if_read_only("importing the ground truth"):
            return  # read-only: refused before it asks about replacing accepted boxes
        if self.reader.busy:
            self.w.statusBar().showMessage(f"{self._reading[0]} is still being read", 5000)
            return
        sequence = self.doc.sequence
        self._read_on_worker(GROUND_TRUTH, lambda: _ground_truth_job(sequence), self._ground_truth_read,
                             "Cannot import the ground truth")

    def _ground_truth_read(self, ground_truth) -> None:
        keep = self._keep_accepted(ground_truth, "The ground truth")
        if keep is None:
            self.w.statusBar().showMessage("ground truth not imported", 5000)
            return
        command = edits.import_ground_truth(self.doc.records, ground_truth, keep=keep)
        if command is None:
            self.w.statusBar().showMessage("this sequence ships no ground truth to import" if not ground_truth
                                           else f"no frame to import{self._kept_text(ground_truth, keep, GROUND_TRUTH)}", 8000)
            return
        # a ground truth shorter than the footage (a cut or truncated file): the frames after its
        # end showed "no box" without a word on why
        last, total = max(ground_truth) + 1, self.doc.num_frames
        short = (f"; the ground truth ends at frame {last} of {total}: frames {last + 1}-{total} have none"
                 if last < total else "")
        self._apply_import(command, ground_truth, keep, f"{len(command.records)} ground-truth frames", short,
                           f"{self._key('track')} does not replace imported boxes", GROUND_TRUTH)

    def import_box_file(self, path: str | None = None) -> None:
        """File > Import boxes from a file...: labels or pre-labels made elsewhere
        (``core.annotations.formats.box_import``: a box per line, frame-numbered rows, MOT), as
        checked labels (imported: tracking keeps them) or as pre-labels (machine boxes: the next
        tracking run replaces them). Manual boxes, keyframes, absent marks and imported boxes
        are never replaced; accepted teacher boxes only when the user says so. Refused while a
        tracking run goes on (Esc stops it).

        The file is read and parsed once, on a worker thread (``box_file_job``; a progress
        dialog with Cancel when it takes a while: a 62,000-row MOT file took 1.2 s a pass, three
        passes on the GUI thread, the window frozen), then the questions are asked on the
        answers' one parse (:meth:`_file_read`)."""
        from core.annotations.formats.box_import import box_file_job

        if self.doc is None or self.doc.refuse_if_read_only("importing boxes"):
            return
        if self.w.tracking.busy:
            # written between the run's batches, the import's undo put back boxes of the run over an
            # undone run: frames of a run undone stayed in the project
            self.w.statusBar().showMessage(f"a tracking run is going on: {self._key('stop')} stops it, then "
                                           f"{self._key('import_boxes')} imports the boxes", 8000)
            return
        if self.reader.busy:  # a drop while the last file is still read (the dialog keeps keys and clicks away)
            self.w.statusBar().showMessage(f"{Path(self._reading[0]).name} is still being read", 5000)
            return
        if path is None:
            path, note = pick_file(self.w, "Import boxes from a file", self.w.settings.start_folder(),
                                   "Box files (*.txt *.csv *.tsv *.mot);;All files (*)")
            if note:  # names Qt's picker leaves out (not UTF-8): the file looked missing, unsaid
                self.w.statusBar().showMessage(note, 20000)
            if not path:
                return
            self.w.settings.remember_folder(Path(path).parent)
        frames = self.doc.num_frames
        self._read_on_worker(path, lambda: box_file_job(path, frames))

    def _read_on_worker(self, path: str, factory, then=None, failure: str = "Cannot import the boxes", *,
                        title: str = "Import boxes", cancelled: str = "boxes not imported") -> None:
        """Run ``factory()`` (a job reading the box file ``path``, or the ground truth) on the
        reader's worker thread for the open document; ``then`` (:meth:`_file_read` by default)
        takes its result on the GUI thread, ``failure`` titles the dialog of its error, ``title``
        the progress dialog, and ``cancelled`` ends the status bar's line when Cancel stops the
        reading. View > Compare with ... (``app.window_reference``) reads its reference here too."""
        self._reading = (path, self.doc)
        self._then, self._failure, self._cancelled_note = then or self._file_read, failure, cancelled
        self._close_dialog()
        dialog = JobProgressDialog(f"Reading {Path(path).name}...", title, 0, self.w,
                                   minimum_duration=300)  # a short file never flashes a dialog
        dialog.canceled.connect(self.reader.cancel)
        self._dialog = dialog
        self.reader.start(factory)

    def _reading_progress(self, _generation: int, report) -> None:
        dialog = self._dialog  # setValue may run the job's end, which closes the dialog: checked before each call
        if dialog is None:
            return
        if report.total:
            dialog.setMaximum(report.total)
        if self._dialog is dialog:
            dialog.setLabelText(report.message)
        if self._dialog is dialog and report.total:
            dialog.setValue(min(report.done, report.total))

    def _close_dialog(self, *_args) -> None:
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            dialog.finish()

    def _read_failed(self, _generation: int, error, trace: str) -> None:
        self._close_dialog()
        if isinstance(error, RGBTError):  # one dialog naming the file and the line
            self.w.error(self._failure, error)
        else:
            self.w.error(self._failure, error, trace)

    def _finished(self, _generation: int, result) -> None:
        """The reading ended: its result to ``_then`` on the document it was read for."""
        self._close_dialog()
        path, document = self._reading
        if self.doc is not document or self.doc is None:  # another sequence opened meanwhile
            return
        self._then(result)

    def _read_cancelled(self, _generation: int) -> None:
        self._close_dialog()
        self.w.statusBar().showMessage(f"{Path(self._reading[0]).name}: reading cancelled, {self._cancelled_note}",
                                       5000)

    def _closing(self, _window, event) -> bool:
        """The window closes: a file still being read is dropped (reading writes nothing)."""
        if event.type() == QEvent.Type.Close and self.reader.busy:
            self.reader.cancel()
            self.reader.wait(10000)
        return False

    def eventFilter(self, watched, event) -> bool:
        return self._closing(watched, event) if watched is self.w else False

    def read_chosen_object(self, path: str, parsed, cancelled: str, read_on_worker) -> bool:
        """For a MOT file of several objects (``parsed.ids``): ask which one, then read its boxes
        with ``read_on_worker(path, job)`` (the worker makes them too, then hands them back);
        ``cancelled`` in the status bar when no object is chosen. False, doing nothing, for a file
        of one object. Shared by Import boxes from a file... and View > Compare with a box file..."""
        if not parsed.ids:
            return False
        problem = SeveralObjectsError(Path(path), list(parsed.ids)).problem
        choice = self.w.choose("Which object?", f"{Path(path).name} {problem}.", [f"id {i}" for i in parsed.ids])
        if choice is None:
            self.w.statusBar().showMessage(cancelled, 5000)
            return True
        object_id = int(choice[3:])
        read_on_worker(path, lambda: parsed.object_job(object_id))
        return True

    def _file_read(self, parsed) -> None:
        """The file ``parsed`` (a ``BoxFile``) is read: which object, how to import it, then
        the import, all from that one parse (the file changed since is not read again)."""
        from core.annotations.formats.box_scores import scores_beside

        path = self._reading[0]
        if self.w.tracking.busy:
            self.w.statusBar().showMessage(f"a tracking run is going on: {Path(path).name} not imported", 8000)
            return
        name = Path(path).name
        if self.read_chosen_object(path, parsed, "boxes not imported", self._read_on_worker):
            return
        # read before asking: the question says what the file holds (it said x,y,w,h of GTOT's corners)
        found = parsed.read()
        # track --out's boxes without their --scores: pre-labels flagged nothing for N
        scores = scores_beside(path) if found.rows else None
        scored = (f" Pre-labels take their confidences from {scores.name} beside it (track --scores), so "
                  f"{self._key('attention')} finds the unsure ones." if scores is not None else "")
        how = self.w.ask(
            "Import boxes as",
            f"{name} holds {found.holds}, {found.kind}{''.join(f'; {note}' for note in found.notes)}."
            "\n\nChecked labels are kept when you track, like a dataset's "
            "ground truth. Pre-labels are machine boxes to correct: tracking replaces them, and lines marking "
            f"the target absent are skipped.{scored}\n\nBoxes you drew, keyframes, absent marks and imported "
            "boxes are never replaced.",
            ("Checked labels", "Pre-labels to correct", "Cancel"))
        if how not in ("Checked labels", "Pre-labels to correct"):
            self.w.statusBar().showMessage("boxes not imported", 5000)
            return
        checked = how == "Checked labels"
        if not checked:  # machine boxes, absent rows left out (from the same parse)
            found = parsed.read(checked=False)
            if scores is not None:  # their confidences set on the worker too (40,000 of them: 0.2 s)
                scored = found
                self._read_on_worker(str(scores), lambda: _scores_job(scored, scores),
                                     lambda with_scores: self._import_found(with_scores, name, checked))
                return
        self._import_found(found, name, checked)

    def _import_found(self, found, name: str, checked: bool) -> None:
        """Import ``found`` (a ``BoxFileImport`` of the file ``name``) as checked labels or
        pre-labels, asking before replacing accepted boxes, and say what it did."""
        records = found.records
        keep = self._keep_accepted(records, f"{name}'s boxes") if checked else edits.accepted_frames(
            self.doc.records, records)  # pre-labels never replace a box a person accepted
        if keep is None:
            self.w.statusBar().showMessage("boxes not imported", 5000)
            return
        command = edits.import_boxes(self.doc.records, records, keep=keep,
                                     label_of=lambda what: f"import {what} from {name}")
        notes = "".join(f"; {note}" for note in found.notes)
        if command is None:
            self.w.statusBar().showMessage(f"{name}: no frame to import ({found.kind}){notes}"
                                           f"{self._kept_text(records, keep)}", 10000)
            return
        what = "checked labels" if checked else "pre-labels"
        last = (f"{self._key('track')} does not replace imported boxes" if checked else
                f"{self._key('track')} replaces them from the frame it starts on")
        self._apply_import(command, records, keep, f"{plural(len(command.records), 'frame')} of {what} from {name}, "
                                                   f"{found.kind}", notes, last)

    @staticmethod
    def _with_scores(found, scores: Path):
        """``found``'s pre-labels with the confidences of the scores file ``scores``, or as they
        are with a note on why not (a scores file of another run: another count)."""
        from core.annotations.formats.box_scores import read_scores, with_scores

        try:
            return with_scores(found, read_scores(scores, found.rows), scores)
        except RGBTError as error:
            problem = getattr(error, "problem", str(error))
            return dataclasses.replace(found, notes=found.notes + (f"{scores.name} not read ({problem}): "
                                                                   "pre-labels without confidences",))

    def _keep_accepted(self, records, what: str) -> list[int] | None:
        """The accepted teacher boxes ``records`` would replace, to keep ([] to replace them,
        or when there are none); None when the user cancelled."""
        accepted = edits.accepted_frames(self.doc.records, records)
        if not accepted:
            return []
        answer = self.w.ask(
            "Replace accepted boxes?",
            f"{len(accepted)} frames hold boxes you accepted (first: frame {accepted[0] + 1}). {what} "
            "would replace them.\n\nManual boxes and keyframes are never replaced.",
            ("Replace them", "Keep them", "Cancel"))
        if answer == "Keep them":
            return accepted
        return [] if answer == "Replace them" else None

    def _kept_text(self, records, keep, source: str = "the file") -> str:
        """"; kept 1 box you drew ... on the frames ``source`` also has (1, 4)" for the frames
        of ``records`` that keep what they hold, by kind ("" when none)."""
        # the import said only how many it imported, and a second import "every frame holds a
        # box a person made" over frames holding the first import's boxes
        kept = [self.doc.records[f] for f in sorted(records or ()) if is_protected(self.doc.records.get(f)) or f in keep]
        return (f"; kept {kept_kinds(kept)} on the frame{'s' if len(kept) > 1 else ''} {source} also "
                f"has ({', '.join(str(r.frame + 1) for r in kept[:5])}{', ...' if len(kept) > 5 else ''})"
                if kept else "")

    def _apply_import(self, command, records, keep, what: str, after: str, last: str,
                      source: str = "the file") -> None:
        """Execute an import and say what it did: ``what`` was imported, ``after`` (notes on
        the source), the boxes wholly outside the frame, what was kept (``source``: what the
        boxes came from), and ``last``."""
        kept_text = self._kept_text(records, keep, source)  # before the import changes the records
        if not self._execute(command):
            return
        absent = sum(1 for r in command.records if r.absent)
        absent_text = f" ({absent} absent)" if absent else ""  # "(0 absent)" said nothing worth reading
        info = self.doc.info
        outside = _outside_frame(command.records, info.width, info.height)
        listed = ", ".join(str(f + 1) for f in outside[:5]) + (", ..." if len(outside) > 5 else "")
        # kept as the file has them (an export writes them back unchanged), drawn nowhere on screen
        beyond = (f"; {plural(len(outside), 'box lies', 'boxes lie')} wholly outside the {info.width}x{info.height} "
                  f"frame (frame{'s' if len(outside) > 1 else ''} {listed}), kept as the file has "
                  f"{'them' if len(outside) > 1 else 'it'}" if outside else "")
        self.w.statusBar().showMessage(f"imported {what}{absent_text}{after}{beyond}{kept_text}; {last}", 15000)


def _outside_frame(records, width: int, height: int) -> list[int]:
    """The frames of ``records`` whose box has no pixel inside a ``width`` x ``height`` frame
    (``edits.outside_frame`` of every box at once: one by one, 0.25 s of a 40,000-box import)."""
    present = [r for r in records if r.box is not None]
    if not present:
        return []
    x, y, w, h = np.array([r.box for r in present], dtype=np.float64).reshape(-1, 4).T
    outside = (x + w <= 0) | (y + h <= 0) | (x >= width) | (y >= height)
    return [present[k].frame for k in np.flatnonzero(outside).tolist()]


def _ground_truth_job(sequence):
    """Job: ``sequence.ground_truth()`` (records keyed by frame, or None), read on a worker."""
    yield Progress(0, None, "reading the ground truth")
    return sequence.ground_truth()


def _scores_job(found, scores: Path):
    """Job: ``found``'s pre-labels with the confidences of the scores file ``scores``
    (``ImportGlue._with_scores``), made on a worker."""
    yield Progress(0, None, f"reading {scores.name}")
    return ImportGlue._with_scores(found, scores)
