"""The trackers a user can choose (studio Track menu, ``track --tracker``, ``bench annotate``).

Names (``tracker_names()``): ``student`` and ``teacher`` (our RGB-T models,
``core.tracking.factory.load_tracker``) and the classical OpenCV trackers of
``core.bench.peers`` that run here without extra files (``csrt``, ``kcf``, and ``mil``
when that module offers it). Every one has the same interface
(``init(pair, box) -> state``, ``track(pair, state) -> step`` with ``box``,
``confidence``, ``state``), so ``core.tracking.run.track_sequence`` runs each of them.

The OpenCV trackers see ONE modality: ``modality="auto"`` picks the thermal frame on a
two-stream pair and on thermal-only footage, the visible (colour) frame on visible-only
footage (``peer_modality``). Their states
are not branchable: start a fresh run (``init``) for every run.

Box convention (``core.geometry``): x, y, w, h float64 pixels of the visible frame.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import ConfigError
from core.tracking.tracker_config import DEFAULT_STREAMS, PAIR_CORRELATION, PIXEL_MATCH

MODELS = ("student", "teacher")
PEER_MODALITIES = ("auto", "visible", "thermal")
_NEEDS_FILES = ("nanotrack",)  # peers that need model files the project does not ship


def peer_kinds() -> tuple[str, ...]:
    """The OpenCV kinds of ``core.bench.peers`` a user can choose (no extra files needed)."""
    from core.bench.peers import PEER_KINDS

    return tuple(k for k in PEER_KINDS if k not in _NEEDS_FILES)


def tracker_names() -> tuple[str, ...]:
    """Every choosable tracker name: ``student``, ``teacher``, then the OpenCV kinds."""
    return MODELS + peer_kinds()


def tracker_label(name: str) -> str:
    """Human label: "Student", "Teacher", "OpenCV CSRT", ..."""
    if name in MODELS:
        return name.capitalize()
    from core.bench.peers import PEER_LABELS

    return f"OpenCV {PEER_LABELS.get(name, name.upper())}"


#: OpenCV trackers without a score: their confidence is 1 while OpenCV says it found the target and
#: 0 where it reported a failure and the previous box was kept (``core.bench.peers``)
FOUND_OR_LOST = ("csrt", "kcf", "mil")


def found_or_lost_label(label: str) -> bool:
    """Whether the tracker of ``label`` ("OpenCV CSRT", ``tracker_label``) has no score, so its
    confidence only says found (1) or lost (0)."""
    return label in {tracker_label(name) for name in FOUND_OR_LOST}


def is_peer(name: str) -> bool:
    return name not in MODELS


def peer_modality(modality: str, info=None) -> str:
    """The one modality an OpenCV tracker sees: ``modality`` when explicit; for "auto" the
    thermal frame when ``info`` (a ``SequenceInfo``) is a two-stream pair or thermal-only
    footage, the visible frame on visible-only footage or without ``info``.

    Why thermal on a pair: on the six real RGB-T windows of the validation split
    (``configs/real_boxes``) CSRT scores SR 0.703 on the thermal frame against 0.636 on the
    visible one, better on four windows (by 0.41 in smoke), worse on two (0.03 and 0.12)
    (``docs/real_benchmark.md``). Before 2026-12-06 "auto" meant the visible frame on a pair."""
    if modality not in PEER_MODALITIES:
        raise ConfigError(f"unknown modality {modality!r}; choose one of {list(PEER_MODALITIES)}")
    if modality != "auto":
        return modality
    if info is None or bool(getattr(info, "visible_only", False)):
        return "visible"
    return "thermal"


@dataclass(frozen=True)
class TrackerChoice:
    """What to build: ``name`` (``tracker_names()``); for student/teacher the weights file
    (None = bundled), engine, device, CPU threads, whether random weights may stand in and
    whether the test loop keeps a distractor memory (``core.tracking.distractors``) and
    re-ranks by the online correlation filter (``core.tracking.online_filter``), and which
    streams it is fed (``streams``: "both" | "thermal" | "visible" | "auto", ``TrackerConfig.streams``),
    and whether it holds the box while the target is lost (``hold_when_lost``) and blends it with
    the frozen-feature correlation of both streams on a real two-stream pair (``pair_correlation``,
    ``core.tracking.pair_correlation``; default: ``TrackerConfig``'s) and keeps the drawn box's
    shape there (``pair_shape``, ``TrackerConfig.pair_max_aspect_change``; default: on), and whether
    their reported centre is matched on the drawn target's pixels (``pixel_match``,
    ``core.tracking.pixel_match``; default: ``TrackerConfig``'s), and which ONNX file of a
    checkpoint runs (``precision``: "auto" | "fp32" | "int8", ``core.tracking.factory``);
    for OpenCV trackers the modality ("auto" | "visible" | "thermal")."""

    name: str = "student"
    weights: str | None = None
    engine: str = "auto"
    device: str = "auto"
    threads: int | None = None
    allow_random: bool = False
    modality: str = "auto"
    distractor_memory: bool = False
    online_filter: bool = True
    streams: str = DEFAULT_STREAMS
    hold_when_lost: bool = False
    pair_correlation: bool = PAIR_CORRELATION > 0
    pair_shape: bool = True
    pixel_match: bool = PIXEL_MATCH > 0
    precision: str = "auto"

    def __post_init__(self) -> None:
        from core.tracking.tracker_config import TRACKER_STREAMS

        if self.name not in tracker_names():
            raise ConfigError(f"unknown tracker {self.name!r}; choose one of {list(tracker_names())}")
        if self.streams not in TRACKER_STREAMS:
            raise ConfigError(f"unknown streams {self.streams!r}; choose one of {list(TRACKER_STREAMS)}")


def build_tracker(choice: TrackerChoice, info=None, *, config=None):
    """A ready tracker for ``choice``; ``info`` (``SequenceInfo``) resolves modality "auto".
    ``config``: the student's / teacher's ``TrackerConfig`` (default: the defaults, with
    the distractor memory on when ``choice.distractor_memory``, the online filter off unless
    ``choice.online_filter``, the box held while lost when ``choice.hold_when_lost``, the
    correlation on two-stream pairs on when ``choice.pair_correlation``, the drawn shape kept on
    them when ``choice.pair_shape``, the centre matched on the drawn target's pixels when
    ``choice.pixel_match``).

    Raises ``ConfigError`` / ``CheckpointError`` (missing weights) / ``PeerUnavailable``.
    """
    if not is_peer(choice.name):
        from core.tracking.factory import load_tracker
        from core.tracking.tracker_config import TrackerConfig, switched_options

        if config is None:
            config = TrackerConfig(streams=choice.streams,
                                   **switched_options(distractor_memory=choice.distractor_memory,
                                                      online_filter=choice.online_filter,
                                                      hold_when_lost=choice.hold_when_lost,
                                                      pair_correlation=choice.pair_correlation,
                                                      pair_shape=choice.pair_shape,
                                                      pixel_match=choice.pixel_match))

        return load_tracker(choice.name, choice.weights, choice.engine, choice.device, config,
                            threads=choice.threads, allow_random=choice.allow_random, precision=choice.precision)
    from core.bench.peers import PeerTracker

    return PeerTracker(choice.name, peer_modality(choice.modality, info))


def engine_text(tracker) -> str:
    """"onnx on cpu" for our models (plus why, when CUDA failed, and ", RANDOM weights"),
    "OpenCV on cpu (visible)" for peers."""
    engine = getattr(tracker, "engine", None)
    if engine is None:
        return f"OpenCV on cpu ({getattr(tracker, 'modality', '?')})"
    from core.tracking.engines import engine_label

    text = f"{engine_label(engine)} on {engine.device}"
    if getattr(engine, "fallback", ""):
        text += f" ({engine.fallback})"
    if getattr(tracker, "weights_path", "") == "random":
        text += ", RANDOM weights"
    return text
