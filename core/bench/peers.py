"""Peer trackers from OpenCV behind the interface of :class:`core.tracking.tracker.Tracker`.

``PeerTracker(kind, modality)`` has ``init(pair, box) -> PeerState`` and
``track(pair, state) -> PeerStep`` (``box``, ``confidence``, ``state``), so
:func:`core.tracking.run.track_sequence` and ``bench accuracy`` run it like our own
tracker. Kinds (``PEER_KINDS``): ``csrt``, ``kcf`` and ``mil`` (``cv2.TrackerCSRT`` /
``cv2.TrackerKCF`` of opencv-contrib, ``cv2.TrackerMIL``) and ``nanotrack``
(``cv2.TrackerNano``, NanoTrack v2, whose two ONNX files must be found in a models
folder, see :func:`nanotrack_files`).

These trackers see ONE modality (``MODALITIES``): ``visible`` (the RGB frame, given to
OpenCV as BGR) or ``thermal`` (the 8-bit thermal frame on the visible grid, replicated to
3 channels). OpenCV keeps its model inside the C++ object, so a :class:`PeerState` is
NOT branchable like a ``TrackerState`` (``PeerTracker.branchable`` is False): each state
must be passed on once, in order; to restart from another box, ``init`` again.

Box convention (``core.geometry``): x, y, w, h float64 pixels of the visible frame.
OpenCV takes integer rectangles: the initial box is rounded (x, y to the nearest pixel,
w, h at least 1). When OpenCV reports a failure the previous box is kept with
confidence 0. When OpenCV refuses to start on the box at all (CSRT raises on a box one
pixel wide, as some UAV123 ground truth has when the target is far away), the state
holds no OpenCV object and every frame keeps the initial box at confidence 0, counted
as a failure: the run goes on and scores what the peer did, nothing. Otherwise the
confidence is 1 (CSRT, KCF and MIL have no score; NanoTrack's ``getTrackingScore`` is
used).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ConfigError, RGBTError
from core.geometry import as_box, clip_box
from core.sequences.base import FramePair

PEER_KINDS = ("csrt", "kcf", "mil", "nanotrack")
MODALITIES = ("visible", "thermal")
PEER_LABELS = {"csrt": "CSRT", "kcf": "KCF", "mil": "MIL", "nanotrack": "NanoTrack v2"}

#: (backbone, neck-head) file names looked for by :func:`nanotrack_files`, in order.
NANOTRACK_FILE_NAMES = (
    ("nanotrack_backbone_sim.onnx", "nanotrack_head_sim.onnx"),
    ("nanotrack_backbone.onnx", "nanotrack_head.onnx"),
    ("backbone.onnx", "neckhead.onnx"),
)


class PeerUnavailable(RGBTError):
    """A peer tracker cannot be built here (missing model files or OpenCV module)."""


def nanotrack_files(models_dir: str | Path) -> tuple[Path, Path]:
    """The NanoTrack v2 (backbone, neck-head) ONNX files in ``models_dir`` (or its
    ``nanotrack/`` sub-folder); PeerUnavailable naming what was looked for otherwise."""
    models_dir = Path(models_dir)
    folders = [models_dir, models_dir / "nanotrack", models_dir / "nanotrackv2"]
    for folder in folders:
        for backbone, head in NANOTRACK_FILE_NAMES:
            if (folder / backbone).is_file() and (folder / head).is_file():
                return folder / backbone, folder / head
    if not models_dir.is_dir():
        raise PeerUnavailable(f"NanoTrack v2 model folder {models_dir} does not exist")
    names = ", ".join(f"{b} + {h}" for b, h in NANOTRACK_FILE_NAMES)
    raise PeerUnavailable(f"NanoTrack v2 ONNX files not found in {models_dir} (looked for {names})")


def _factory(kind: str, models_dir: str | Path | None):
    """A zero-argument callable building a fresh OpenCV tracker of ``kind``."""
    import cv2

    if kind == "csrt":
        return cv2.TrackerCSRT.create
    if kind == "kcf":
        return cv2.TrackerKCF.create
    if kind == "mil":
        return cv2.TrackerMIL.create
    if kind == "nanotrack":
        if not hasattr(cv2, "TrackerNano"):
            raise PeerUnavailable("this OpenCV build has no cv2.TrackerNano")
        if models_dir is None:
            raise PeerUnavailable("NanoTrack v2 needs a models folder")
        backbone, head = nanotrack_files(models_dir)

        def build():
            params = cv2.TrackerNano_Params()
            params.backbone, params.neckhead = str(backbone), str(head)
            return cv2.TrackerNano.create(params)

        try:  # fail here, not on the first frame, when the files do not load
            build()
        except cv2.error as error:
            raise PeerUnavailable(f"cv2.TrackerNano cannot load {backbone.name} / {head.name}: "
                                  f"{str(error).strip().splitlines()[-1]}") from error
        return build
    raise ConfigError(f"unknown peer tracker {kind!r}; choose one of {list(PEER_KINDS)}")


@dataclass(frozen=True, eq=False)
class PeerState:
    """The OpenCV object (mutable, inside; None when OpenCV refused the initial box) and
    the last box (4,) x, y, w, h float64."""

    cv_tracker: Any
    box: np.ndarray
    frame_index: int
    frame_size: tuple[int, int]
    step: int = 0
    failures: int = 0


@dataclass(frozen=True, eq=False)
class PeerStep:
    """One ``track`` result: box (4,) x, y, w, h float64, confidence in [0, 1]."""

    frame_index: int
    box: np.ndarray
    confidence: float
    state: PeerState


def _cv_rect(box: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    x, y = int(round(box[0])), int(round(box[1]))
    w, h = max(1, int(round(box[2]))), max(1, int(round(box[3])))
    x, y = min(max(x, 0), width - 1), min(max(y, 0), height - 1)
    return x, y, min(w, width - x), min(h, height - y)


class PeerTracker:
    """An OpenCV tracker of ``kind`` (``PEER_KINDS``) on one ``modality`` (``MODALITIES``).

    ``models_dir`` is only used by ``nanotrack``. Building raises PeerUnavailable when the
    tracker cannot run here.
    """

    #: states hold the OpenCV object: they cannot be branched (see the module docstring)
    branchable = False

    def __init__(self, kind: str, modality: str = "thermal", models_dir: str | Path | None = None):
        if modality not in MODALITIES:
            raise ConfigError(f"unknown modality {modality!r}; choose one of {list(MODALITIES)}")
        self.kind, self.modality = kind, modality
        self._create = _factory(kind, models_dir)

    @property
    def name(self) -> str:
        return f"{PEER_LABELS[self.kind]} ({self.modality})"

    def image(self, pair: FramePair) -> np.ndarray:
        """The (H, W, 3) uint8 BGR image OpenCV sees for ``pair``."""
        import cv2

        if self.modality == "thermal":
            return cv2.cvtColor(np.ascontiguousarray(pair.thermal), cv2.COLOR_GRAY2BGR)
        return cv2.cvtColor(np.ascontiguousarray(pair.visible), cv2.COLOR_RGB2BGR)

    def init(self, pair: FramePair, box) -> PeerState:
        """Start on ``pair`` with ``box`` (x, y, w, h float pixels of the visible frame)."""
        box = as_box(box)
        image = self.image(pair)
        height, width = image.shape[:2]
        if not np.all(np.isfinite(box)) or box[2] <= 0 or box[3] <= 0:
            raise ConfigError(f"{self.name}: initial box {box.tolist()} is not a valid x, y, w, h box")
        import cv2

        cv_tracker = self._create()
        try:
            cv_tracker.init(image, _cv_rect(box, width, height))
        except cv2.error:
            cv_tracker = None
        return PeerState(cv_tracker, box.copy(), pair.index, (width, height))

    def track(self, pair: FramePair, state: PeerState) -> PeerStep:
        """Track on ``pair`` from ``state``; the returned state replaces ``state``."""
        if state.cv_tracker is None:
            new_state = PeerState(None, state.box, pair.index, state.frame_size, state.step + 1, state.failures + 1)
            return PeerStep(pair.index, state.box.copy(), 0.0, new_state)
        image = self.image(pair)
        ok, rect = state.cv_tracker.update(image)
        confidence = 1.0
        if self.kind == "nanotrack":
            confidence = float(np.clip(state.cv_tracker.getTrackingScore(), 0.0, 1.0))
        box = np.asarray(rect, dtype=np.float64)
        if not ok or box[2] <= 0 or box[3] <= 0:
            box, confidence = state.box.copy(), 0.0
        box = clip_box(box, *state.frame_size)
        new_state = PeerState(state.cv_tracker, box, pair.index, state.frame_size, state.step + 1,
                              state.failures + (0 if ok else 1))
        return PeerStep(pair.index, box.copy(), confidence, new_state)
