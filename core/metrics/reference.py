"""How a project's boxes agree with a reference: the sequence's own ground truth or another
annotator's box file, for the studio's read-only comparison layer (``app.window_reference``).

:func:`compare_with_reference` takes both as ``{frame: FrameAnnotation}`` (0-based frames, boxes
``x, y, w, h`` on the visible grid) and scores them with the official toolkit conventions of
``core.metrics`` (:data:`PROTOCOL`: ``frame_errors`` then ``sequence_curves``; nothing is
re-implemented here):

- **compared frames**: those where the reference has a box and the project has a record (a box,
  or an absent mark, which the protocol scores as a miss). Reference boxes on frames the project
  has nothing on (not tracked yet) are counted apart, not as misses.
- **per-frame IoU** (``Comparison.iou``, (N,) float64): the protocol's overlap (``rgbt234``: the
  larger of the IoU with the reference's visible box and with its thermal box, where it has one);
  0 where one side has a box and the other marks the target absent; NaN where there is nothing
  to compare (both absent, or a side without a record).
- **scores**: success (the mean of the success curve over 21 thresholds, its area, ``MSR``),
  precision at 20 px (``MPR``), mean IoU (absent marks of the project on reference boxes count 0).
- **disagreements** (:meth:`Comparison.disagreements`): runs of frames under ``LOW_IOU``, the worst
  first, for the studio to jump to.

No Qt.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.metrics.evaluate import sequence_curves
from core.metrics.frames import frame_errors
from core.metrics.protocols import get_protocol
from core.wording import plural

#: the protocol of the scores: RGBT234's toolkit rules (each frame as given, no frame taken from the
#: reference, a missing box a miss; the overlap the larger over the visible and thermal reference boxes)
PROTOCOL = "rgbt234"
#: frames under this IoU with the reference are disagreements (the success plot's middle threshold)
LOW_IOU = 0.5


def iou_text(iou: float) -> str:
    """An IoU with two decimals, rounded down: a frame at 0.4996, under :data:`LOW_IOU`, read
    "IoU 0.50" beside "under IoU 0.5"."""
    return f"{math.floor(round(iou * 100, 6)) / 100:.2f}"  # round first: 0.57 * 100 is 56.99999999999999


@dataclass(frozen=True)
class Disagreement:
    """A run of consecutive frames ``start .. stop - 1`` where the project and the reference
    disagree (IoU under the threshold, or a box against an absent mark); ``worst``: its frame of
    lowest IoU (the first of them), ``iou`` that IoU."""

    start: int
    stop: int
    worst: int
    iou: float

    def frames_text(self) -> str:
        """"frame 12" or "frames 12-40", numbered from 1."""
        return f"frame {self.start + 1}" if self.stop - self.start == 1 else f"frames {self.start + 1}-{self.stop}"


@dataclass(frozen=True)
class Comparison:
    """The project's boxes against a reference over ``N`` frames (see the module docstring).

    iou: (N,) float64; compared: (N,) bool, the frames scored; success, precision, mean_iou:
    in [0, 1], None when no frame is compared; counts of frames in words' terms below.
    """

    iou: np.ndarray
    compared: np.ndarray
    protocol: str
    success: float | None
    precision: float | None
    mean_iou: float | None
    reference_boxes: int  # frames where the reference has a box
    reference_absent: int  # frames the reference marks absent
    project_absent_on_box: int  # compared frames the project marks absent (scored as misses)
    box_on_absent: int  # frames where the project has a box and the reference marks the target absent
    not_in_project: int  # reference boxes on frames the project has no record on (not compared)

    @property
    def frames(self) -> int:
        """How many frames are compared."""
        return int(self.compared.sum())

    def disagreements(self, threshold: float = LOW_IOU) -> list[Disagreement]:
        """The runs of frames whose IoU is under ``threshold``, worst first (lowest IoU, then the
        longer run, then the earlier). A run's worst frame is taken among its scored frames
        (``compared``) when it has any: a run of IoU 0 that began where the reference marks the
        target absent (a box there, not scored) sent M to a frame with no reference box to see."""
        with np.errstate(invalid="ignore"):
            low = np.isfinite(self.iou) & (self.iou < threshold)
        if not low.any():
            return []
        edges = np.diff(np.concatenate([[0], low.astype(np.int8), [0]]))
        runs = []
        for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            ious = self.iou[start:stop]
            scored = self.compared[start:stop]
            if scored.any():
                ious = np.where(scored, ious, np.inf)
            worst = int(start + np.argmin(ious))
            runs.append(Disagreement(int(start), int(stop), worst, float(self.iou[worst])))
        return sorted(runs, key=lambda d: (d.iou, -(d.stop - d.start), d.start))

    def summary(self, what: str = "the reference") -> str:
        """One line for the status bar: the scores over the compared frames and what was left
        out, e.g. "vs the ground truth (rgbt234 rules, 480 frames): success 0.612, precision
        at 20 px 0.734, mean IoU 0.655; ..."."""
        if not self.frames:
            if not self.reference_boxes:
                return f"{what} has no box on any frame: nothing to compare"
            return (f"no frame to compare with {what}: the project has no box on any of its "
                    f"{plural(self.reference_boxes, 'frame')} with a box (track or draw first)")
        text = (f"vs {what} ({self.protocol} rules, {plural(self.frames, 'frame')} compared): success (AUC) "
                f"{self.success:.3f}, precision at 20 px {self.precision:.3f}, mean IoU {self.mean_iou:.3f}")
        runs = self.disagreements()
        if runs:
            below = sum(d.stop - d.start for d in runs)
            text += (f"; {plural(below, 'frame')} under IoU {LOW_IOU:.1f} in {plural(len(runs), 'stretch', 'stretches')}"
                     f" (worst {runs[0].frames_text()}, IoU {iou_text(runs[0].iou)})")
        if self.project_absent_on_box:
            text += f"; marked absent on {plural(self.project_absent_on_box, 'frame')} where {what} has a box"
        if self.box_on_absent:
            text += f"; a box on {plural(self.box_on_absent, 'frame')} {what} marks absent (not scored)"
        if self.not_in_project:
            text += f"; {plural(self.not_in_project, 'frame')} of {what} with no project box (not compared)"
        return text


@dataclass
class BoxArrays:
    """One side's boxes as arrays over ``N`` frames: ``visible`` and ``thermal`` (N, 4) float64
    (NaN rows where no box; the thermal row is the visible one where the record has no thermal
    box), ``has_box`` and ``absent`` (N,) bool. Kept up to date frame by frame (:meth:`update`):
    made afresh, 25,000 records took some 25 ms of the GUI thread on every change of a tracking run."""

    visible: np.ndarray
    thermal: np.ndarray
    has_box: np.ndarray
    absent: np.ndarray

    @classmethod
    def of(cls, records: Mapping[int, object], num_frames: int) -> BoxArrays:
        """The arrays of ``records`` (``{frame: FrameAnnotation}``) over ``num_frames`` frames."""
        n = int(num_frames)
        arrays = cls(np.full((n, 4), np.nan), np.full((n, 4), np.nan), np.zeros(n, bool), np.zeros(n, bool))
        arrays.update(records, records.keys())
        return arrays

    def update(self, records: Mapping[int, object], frames) -> None:
        """Take the records of ``frames`` from ``records`` (a frame without one: no box, not absent)."""
        n = self.has_box.shape[0]
        for frame in frames:
            frame = int(frame)
            if not 0 <= frame < n:
                continue
            record = records.get(frame)
            present = record is not None and not record.absent and record.box is not None
            self.has_box[frame] = present
            self.absent[frame] = record is not None and bool(record.absent)
            if present:
                self.visible[frame] = record.box
                self.thermal[frame] = record.box if record.thermal_box is None else record.thermal_box
            else:
                self.visible[frame] = self.thermal[frame] = np.nan


def compare_with_reference(project: Mapping[int, object], reference: Mapping[int, object],
                           num_frames: int) -> Comparison:
    """The project's records ``project`` against the reference's ``reference`` (both
    ``{frame: FrameAnnotation}``) over ``num_frames`` frames: see the module docstring."""
    return compare_arrays(BoxArrays.of(project, num_frames), BoxArrays.of(reference, num_frames))


def compare_arrays(project: BoxArrays, reference: BoxArrays) -> Comparison:
    """:func:`compare_with_reference` of both sides' :class:`BoxArrays` (of one length)."""
    protocol = get_protocol(PROTOCOL)
    n = project.has_box.shape[0]
    predicted, project_box, project_absent = project.visible, project.has_box, project.absent
    truth_v, truth_i, reference_box, reference_absent = (reference.visible, reference.thermal, reference.has_box,
                                                         reference.absent)
    compared = reference_box & (project_box | project_absent)
    iou = np.full(n, np.nan)
    box_on_absent = project_box & reference_absent
    iou[box_on_absent] = 0.0  # a box where the reference says the target is not there
    success = precision = mean_iou = None
    index = np.flatnonzero(compared)
    if index.size:
        errors = frame_errors(protocol, "project", predicted[index], truth_v[index], truth_i[index])
        overlap = np.nan_to_num(np.clip(errors.overlap, 0.0, 1.0), nan=0.0)  # an absent mark on a box: 0
        iou[index] = overlap
        scores = sequence_curves(protocol, errors).scores
        success, precision = float(scores[protocol.success_name]), float(scores[protocol.precision_name])
        mean_iou = float(overlap.mean())
    return Comparison(
        iou=iou, compared=compared, protocol=protocol.name, success=success, precision=precision,
        mean_iou=mean_iou, reference_boxes=int(reference_box.sum()), reference_absent=int(reference_absent.sum()),
        project_absent_on_box=int((compared & project_absent).sum()), box_on_absent=int(box_on_absent.sum()),
        not_in_project=int((reference_box & ~compared).sum()))
