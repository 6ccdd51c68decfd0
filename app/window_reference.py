"""View > Compare with the sequence's ground truth / Compare with a box file...: a read-only
reference layer, to see how the tracker (or an annotator) did against a ground truth without
losing the project's boxes (File > Import the sequence's ground truth replaces them).

The reference is read on the import's worker thread (``app.window_imports.ImportGlue``, the
same readers and the same one-line errors as the imports: ``sequence.ground_truth()``,
``core.annotations.formats.box_import``) and is then only shown:

- its box on both panes (``app.views.box_item.ReferenceBoxItem``: cyan, dash-dot, no handles,
  never takes a click), the thermal pane taking its thermal box where it has one;
- the per-frame IoU of the project's box with it as a cyan curve on the timeline, and the scores
  of ``core.metrics.reference`` (the official toolkit rules: success (AUC), precision at 20 px,
  mean IoU, frames compared) in a label at the right of the status bar (its tooltip the whole
  summary), both kept up to date as the project's boxes change (tracking, edits, undo);
- M (``reference_next``) jumps to the frame where they disagree most (the worst frame of the
  worst stretch under IoU 0.5), M again to the next worst, Shift+M back; a zoomed-in view pans
  onto both boxes there (zooms out to them when they lie too far apart).

It is never written into the project, never exported and never seen by the tracker: it lives in
this object alone. View > Stop comparing (or unticking the ground truth) removes it; opening
another sequence clears it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from app.status import ElidedLabel
from app.views.box_item import REFERENCE_COLOUR, ReferenceBoxItem
from app.window_edits import WindowGlue
from app.window_imports import GROUND_TRUTH, _ground_truth_job
from core.metrics.reference import LOW_IOU, BoxArrays, Comparison, compare_arrays, iou_text
from core.wording import plural

#: the entries of View > Compare with ... that have no key: (name, menu text, status tip, checkable)
MENU_ACTIONS = (
    ("compare_gt", "Compare with the sequence's ground truth",
     "show the sequence's own ground truth beside the project's boxes, with their IoU and scores (read-only: "
     "the project's boxes stay)", True),
    ("compare_file", "Compare with a box file...",
     "show a box file's boxes (a colleague's labels, another tracker's results) beside the project's, with "
     "their IoU and scores (read-only)", False),
    ("compare_off", "Stop comparing", "remove the reference from the views, the timeline and the status bar", False),
)

#: how long after a change of the project's boxes the comparison is made again (a tracking run
#: changes them batch after batch)
RECOMPARE_MS = 200


class ReferenceGlue(WindowGlue):
    """The comparison with a reference of the window's open document (see the module docstring).

    ``reference``: ``{frame: FrameAnnotation}`` or None; ``source``: what it is, in words ("the
    ground truth", a file's name); ``comparison``: ``core.metrics.reference.Comparison``."""

    def __init__(self, window):
        super().__init__(window)
        a = window.actions
        a["compare_gt"].triggered.connect(self.compare_ground_truth)
        a["compare_file"].triggered.connect(lambda: self.compare_box_file())
        a["compare_off"].triggered.connect(lambda: self.clear(say=True))
        a["reference_next"].triggered.connect(lambda: self.jump(1))
        a["reference_back"].triggered.connect(lambda: self.jump(-1))
        self.reference: dict | None = None
        self.source = ""
        self.from_ground_truth = False
        self.notes: tuple[str, ...] = ()  # what reading the reference left out or adapted, in words
        self.comparison: Comparison | None = None
        self._document = None  # the document the reference belongs to
        self._rank: int | None = None  # the rank (0: the worst) of the disagreement M went to last
        self._reference_boxes: BoxArrays | None = None  # the reference's boxes as arrays (made once)
        self._project_boxes: BoxArrays | None = None  # the project's, kept at the frames each change touches
        views = window.views
        self.items = {}
        for view in (views.visible, views.thermal):
            item = ReferenceBoxItem()
            view.viewbox.addItem(item, ignoreBounds=True)  # never changes what Fit shows
            self.items[view.modality] = item
        self.label = ElidedLabel()  # cut with an ellipsis where the status bar's message needs the room
        self.label.setStyleSheet(f"color: {REFERENCE_COLOUR}; padding: 0 6px;")
        self.label.hide()
        window.statusBar().insertPermanentWidget(0, self.label)  # left of the job status
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPARE_MS)
        self._timer.timeout.connect(self._recompare)
        window.project_opened.connect(self._opened)
        # the frame whose picture is shown: a tracking run's live frames come with the run, not the fetcher
        # (frame_shown), a drag's previews from the fetcher only (ready)
        window.frame_shown.connect(self._show_frame)
        window.fetcher.ready.connect(lambda frame, _pair: self._show_frame(frame))
        window.fetcher.failed.connect(lambda frame, _error: self._show_frame(frame))
        self._sync_actions()

    # -- turning it on and off ------------------------------------------------------------
    def compare_ground_truth(self) -> None:
        """View > Compare with the sequence's ground truth: ticked, the sequence's own ground truth
        (read on the import's worker) becomes the reference; unticked, the reference goes."""
        if self.doc is None:
            self._sync_actions()
            return
        if self.from_ground_truth and self.reference is not None:
            self.clear(say=True)
            return
        imports = self.w.imports
        if imports.reader.busy:
            self._sync_actions()
            self.w.statusBar().showMessage(f"{Path(imports._reading[0]).name} is still being read", 5000)
            return
        sequence = self.doc.sequence
        self._sync_actions()  # ticked once it is read
        imports._read_on_worker(GROUND_TRUTH, lambda: _ground_truth_job(sequence), self._ground_truth_read,
                                "Cannot compare with the ground truth", title="Compare", cancelled="nothing compared")

    def _ground_truth_read(self, ground_truth) -> None:
        if not ground_truth:
            self._sync_actions()
            self.w.statusBar().showMessage("this sequence ships no ground truth to compare with (View > Compare "
                                           "with a box file... takes one from a file)", 8000)
            return
        self.show_reference(ground_truth, GROUND_TRUTH, from_ground_truth=True)

    def compare_box_file(self, path: str | None = None) -> None:
        """View > Compare with a box file...: the boxes of a file (another annotator's, another
        tracker's results; every layout File > Import boxes from a file... reads, read by the same
        code and refused with the same one-line errors) become the reference."""
        from app.dialogs.file_names import pick_file
        from core.annotations.formats.box_import import box_file_job

        if self.doc is None:
            return
        imports = self.w.imports
        if imports.reader.busy:
            self.w.statusBar().showMessage(f"{Path(imports._reading[0]).name} is still being read", 5000)
            return
        if path is None:
            path, note = pick_file(self.w, "Compare with a box file", self.w.settings.start_folder(),
                                   "Box files (*.txt *.csv *.tsv *.mot);;All files (*)")
            if note:
                self.w.statusBar().showMessage(note, 20000)
            if not path:
                return
            self.w.settings.remember_folder(Path(path).parent)
        frames = self.doc.num_frames
        imports._read_on_worker(path, lambda: box_file_job(path, frames), self._file_read,
                                "Cannot compare with the boxes", title="Compare", cancelled="nothing compared")

    def _file_read(self, parsed) -> None:
        """The file ``parsed`` (a ``BoxFile``) is read: which object (a MOT file of several), then
        its boxes as checked labels (absent rows are absent marks) become the reference."""

        imports = self.w.imports
        path = imports._reading[0]
        name = Path(path).name
        if imports.read_chosen_object(path, parsed, "nothing compared", lambda file, job: imports._read_on_worker(
                file, job, self._file_read, "Cannot compare with the boxes", title="Compare",
                cancelled="nothing compared")):
            return
        found = parsed.read()
        self.show_reference(found.records, name, notes=found.notes)

    def show_reference(self, records, source: str, *, from_ground_truth: bool = False, notes=()) -> None:
        """Make ``records`` (``{frame: FrameAnnotation}``) the reference, named ``source`` in
        words, for the open document: drawn, compared, and the comparison said."""
        self.reference = dict(records)
        self.source = source
        self.from_ground_truth = from_ground_truth
        self._document = document = self.doc
        self._rank = None
        self._reference_boxes = BoxArrays.of(self.reference, document.num_frames)
        self._project_boxes = BoxArrays.of(document.records, document.num_frames)
        self._recompare()
        self._show_frame(self.w.frame)
        self._sync_actions()
        self.notes = tuple(notes)
        self._set_label_tip()
        key = self._key("reference_next")
        runs = self.comparison.disagreements() if self.comparison is not None else []
        # what was left out of the file and what M does first, the long scores last: at the end of a long
        # message "120 rows past the footage's last frame (501) left out" was off the bar; the scores stay
        # in the label (its tooltip the whole summary and these notes)
        parts = ([f"{source}: {'; '.join(self.notes)}"] if self.notes else []) + (
            [f"{key} jumps to where they disagree most"] if runs else []) + [self.comparison.summary(source)]
        self.w.statusBar().showMessage("; ".join(parts), 20000)

    def _set_label_tip(self) -> None:
        """The label's tooltip: the whole summary, then what the reading of the file left out or adapted."""
        if self.comparison is None:
            return
        notes = "".join(f"\n{note}" for note in self.notes)
        self.label.setToolTip(self.comparison.summary(self.source) + (f"\n\nread from {self.source}:{notes}"
                                                                       if notes else ""))

    def clear(self, *, say: bool = False) -> None:
        """Remove the reference: its boxes, its curve and its scores (``say``: the status bar says so)."""
        had = self.reference is not None
        self.reference, self.comparison, self._document = None, None, None
        self._reference_boxes = self._project_boxes = None
        self._rank = None
        self.source, self.from_ground_truth = "", False
        self.notes = ()
        self._timer.stop()
        for item in self.items.values():
            item.set_box(None)
        self.w.timeline.set_reference(None)
        self.label.clear()
        self.label.setToolTip("")
        self.label.hide()
        self._sync_actions()
        if say and had:
            self.w.statusBar().showMessage("comparison off: the reference is no longer shown", 5000)

    def _opened(self, document) -> None:
        """Another sequence (or project) opened: the last one's reference goes."""
        self.clear()
        document.changed.connect(lambda frames, d=document: self._changed(d, frames))

    def _sync_actions(self) -> None:
        """The menu entries as the reference stands: the ground truth ticked while it is shown,
        Stop comparing enabled while any reference is, the others while a project is open."""
        a = self.w.actions
        shown = self.reference is not None
        a["compare_gt"].blockSignals(True)
        a["compare_gt"].setChecked(shown and self.from_ground_truth)
        a["compare_gt"].blockSignals(False)
        a["compare_off"].setEnabled(shown)
        opened = self.doc is not None
        # M stays on with a project open: pressed with no reference, it says how to show one (disabled, the key
        # did nothing, without a word)
        for name in ("compare_gt", "compare_file", "reference_next", "reference_back"):
            a[name].setEnabled(opened)

    # -- keeping it up to date ------------------------------------------------------------
    def _changed(self, document, frames) -> None:
        """The project's boxes of ``frames`` (None: all) changed: taken into its arrays, then
        compared again (at once under a synchronous window, else ``RECOMPARE_MS`` later, once for
        a burst of changes)."""
        if self.reference is None or document is not self._document:
            return
        if frames is None:
            self._project_boxes = BoxArrays.of(document.records, document.num_frames)
        else:
            self._project_boxes.update(document.records, frames)
        if self.w.synchronous:
            self._recompare()
        elif not self._timer.isActive():
            self._timer.start()

    def _recompare(self) -> None:
        document = self._document
        if self.reference is None or document is None or document is not self.doc:
            return
        self.comparison = compare_arrays(self._project_boxes, self._reference_boxes)
        self.w.timeline.set_reference(self.comparison.iou, self.source)
        self._set_label_tip()
        self._update_label()

    def _update_label(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        frame = self.w.frame
        iou = comparison.iou[frame] if 0 <= frame < comparison.iou.shape[0] else float("nan")
        reference, record = self.reference.get(frame), self.doc.record(frame)
        if reference is not None and reference.absent:  # "IoU 0.00 here" said nothing of why
            here = "absent here"
        elif reference is None:
            here = "no box here"
        elif record is not None and record.absent:  # the project's absent mark on its box: why IoU 0
            here = "you marked it absent here"
        else:
            here = f"IoU {iou_text(iou)} here" if iou == iou else "not compared here"
        # short: the status bar's message (what M found) shares the line with it; the whole summary is its tooltip
        scores = (f"success {comparison.success:.3f} · precision {comparison.precision:.3f} · mean IoU "
                  f"{comparison.mean_iou:.3f}" if comparison.frames else "no frame compared")
        # a long file's name cut in its middle: it pushed what matters here (the IoU) off the label
        source = self.source if len(self.source) <= 28 else f"{self.source[:12]}\u2026{self.source[-14:]}"
        self.label.setText(f"{source}: {here} · {scores}")
        self.label.show()

    def _show_frame(self, frame: int) -> None:
        """Draw the reference's box of ``frame`` (the frame whose picture is shown) on both panes."""
        if self.reference is None:
            return
        if self.doc is not self._document:  # its project closed (the window closing during a run): it goes too
            self.clear()
            return
        record = self.reference.get(int(frame))
        box = None if record is None or record.absent else record.box
        thermal = None if box is None or record.thermal_box is None else record.thermal_box
        self.items["visible"].set_box(box)
        self.items["thermal"].set_box(box if thermal is None else thermal)
        self._update_label()

    # -- jumping to the disagreements -------------------------------------------------------
    def _centre_on(self, frame: int) -> None:
        """Pan the (linked) views, at their zoom, onto the project's and the reference's boxes of
        ``frame`` (zoomed out just enough when the two lie too far apart for it): zoomed in on one
        frame's target, M went to a frame whose boxes were off screen."""
        boxes = [r.box for r in (self.reference.get(frame), self.doc.record(frame)) if r is not None and r.box is not None]
        if not boxes:
            return
        corners = np.array([[x, y, x + w, y + h] for x, y, w, h in boxes], dtype=np.float64)
        x0, y0 = corners[:, :2].min(axis=0)
        x1, y1 = corners[:, 2:].max(axis=0)
        view = self.w.views.visible
        (left, right), (top, bottom) = view.viewbox.viewRange()
        if x1 - x0 > 0.9 * (right - left) or y1 - y0 > 0.9 * (bottom - top):  # far apart: zoomed out to both
            view.zoom_to((x0, y0, x1 - x0, y1 - y0), context=1.5)
        else:
            view.centre_on((x0, y0, x1 - x0, y1 - y0))

    def jump(self, step: int) -> None:
        """M (``step`` 1): the worst frame of the worst stretch of disagreement, then of the next
        worst at each press (round again after the last); Shift+M (-1): the one before. The count
        starts again when a reference is shown."""
        if self.comparison is None:
            self.w.statusBar().showMessage(f"{self._key('reference_next')} goes to where the boxes disagree with a "
                                           "reference: none is shown (View > Compare with the sequence's ground "
                                           "truth, or with a box file...)", 8000)
            return
        if not self.comparison.frames:  # "no frame under IoU 0.5" read as agreement where none was compared
            self.w.statusBar().showMessage(f"no frame to compare with {self.source}: the project has no box where it "
                                           "has one (track or draw first)", 8000)
            return
        runs = self.comparison.disagreements()
        if not runs:
            self.w.statusBar().showMessage(f"no frame under IoU {LOW_IOU:.1f} with {self.source} "
                                           f"({plural(self.comparison.frames, 'frame')} compared)", 5000)
            return
        # from the last one M went to, not from the stretch the frame is in: just turned on at a frame inside
        # the 4th worst stretch (antiuav-4), M went to the 5th, past the three worst
        if self._rank is None:
            k = 0 if step > 0 else len(runs) - 1
        else:
            k = (self._rank + step) % len(runs)
        self._rank = k
        run = runs[k]
        self.w.goto(run.worst)
        self._centre_on(run.worst)
        reference, record = self.reference.get(run.worst), self.doc.record(run.worst)
        if reference is not None and reference.absent:
            what = f"{self.source} marks the target absent"
        elif record is not None and record.absent:
            what = "marked absent here"
        else:
            what = f"IoU {iou_text(run.iou)}"
        self.w.statusBar().showMessage(
            f"disagreement {k + 1}/{len(runs)} (worst first): {run.frames_text()}, the worst at frame {run.worst + 1} "
            f"({what}); {self._key('reference_next')}: the next worst, {self._key('reference_back')}: back", 10000)


def install_reference(window) -> ReferenceGlue:
    """View > Compare with ... on ``window`` (a ``MainWindow`` whose menus are built): the entries
    of ``MENU_ACTIONS``, put in ``window.actions``, and M / Shift+M (``reference_next``,
    ``reference_back``: ``app.actions.SHORTCUTS``) in the View menu. Returns ``window.reference``."""
    a = window.actions
    for name, text, tip, checkable in MENU_ACTIONS:
        action = QAction(text, window, checkable=checkable)
        action.setStatusTip(tip)
        a.by_name[name] = action
    view_menu = next((action.menu() for action in window.menuBar().actions()
                      if action.menu() is not None and action.text().replace("&", "") == "View"), None)
    if view_menu is not None:
        view_menu.addSeparator()
        for name in ("compare_gt", "compare_file", "compare_off", "reference_next", "reference_back"):
            view_menu.addAction(a[name])
    window.reference = ReferenceGlue(window)
    return window.reference
