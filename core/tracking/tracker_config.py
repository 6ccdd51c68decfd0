"""The tracker's test-loop options (:class:`TrackerConfig`) and their checks.

The loop itself is :class:`core.tracking.tracker.Tracker`; this module says what each
option does to it.

Safeguards (``core.tracking.safeguards``, on by default; ``TrackerConfig.legacy()`` turns
them off and gives the plain OSTrack loop; ablation in ``docs/tracking_heuristics.md``):
- the score map is multiplied by SiamRPN's **scale/aspect-change penalty** before the
  peak is chosen (``scale_penalty_k``); the **confidence** is the penalised score at the
  peak (``raw_confidence`` keeps the network's own);
- the box size is **damped**: it moves toward the network's size at the rate
  ``size_lr * penalty`` (times the peak score when ``size_lr_by_score``; ``size_lr``
  0.1 since issue 11: the per-frame size is noisier than the target's real change, and
  0.5 let the box swell onto look-alikes; study in ``docs/tracking_heuristics.md``), at most by
  ``max_size_change`` per frame, and stays within ``max_size_ratio`` of the initial box
  per side (``MAX_SIZE_RATIO``, 4x since issue 11's eighth session; 1.5x before, which
  made a target that grows or shrinks more than that untrackable: ``otb-car1`` over its
  1020 frames shrinks to 0.27x, SR 0.17 at 1.5x, 0.75 at 4x) and within the frame, which
  also caps the search region (4x the box), and its aspect ratio within
  ``max_aspect_change`` of the initial box's;
- **size calibration** (``size_calibration``, 0.5; 0 = off): on the init frame, where the
  truth is known, the network sizes the target from five search crops (centred, and
  shifted by a quarter side each way; one batch); the mean log ratio of its sides to the
  true ones, times ``size_calibration`` and clamped to 1.5x, is the state's
  ``size_bias``, and every later size map is divided by it before the penalty, the peak
  and the damping. The network's size error on a target is largely its own bias on that
  target's look (wide on the validation split's pedestrians and drones), and the init
  frame measures it. Half of it is removed: the init-frame bias predicts the later one
  with correlation 0.5 (width) to 0.7 (height), so a full correction over-corrects on
  some sequences (``docs/tracking_heuristics.md``);
- the reported **confidence** is a track confidence: an exponential moving average of the
  per-frame penalised peak score, ``c_t = s c_{t-1} + (1 - s) f_t`` with ``s =
  confidence_smoothing`` (0.7; 0 = per frame). A single peak score is noisy; a lost track
  keeps scoring low. On the real validation split this raised the confidence's ROC AUC
  for IoU >= 0.5 from 0.782 to 0.817 for the KD student and from 0.783 to 0.820 for a
  no-KD one (``docs/tracking_heuristics.md``). The per-frame value stays in
  ``TrackStep.frame_confidence`` and drives the loss handling and the Kalman fallback,
  so the boxes do not change. On a two-stream pair whose correlation ran
  (``pair_correlation``), the value smoothed is the geometric mean of that score and the
  correlation's normalised peak, its resemblance to the drawn target
  (``pair_confidence``, True; ``core.tracking.pair_correlation.pair_evidence``): on the seven real RGB-T
  windows the KD student's AUC rose from 0.90 to 0.92 and the teacher's from 0.96 to 0.97, and
  the review flags on pairs moved to one stream's threshold (``LOW_CONFIDENCE_PAIRS``);
- **loss handling**: when the per-frame confidence is below ``lost_threshold`` the target counts as
  lost: the size is held, the search region widens by ``lost_search_growth`` x the search
  factor per lost frame (up to ``max_search_factor``), and with ``hold_when_lost`` the
  position is held too until a confident peak re-detects the target. Off by default; the
  users' switch (``switched_options(hold_when_lost=True)``) sets ``HOLD_THRESHOLD`` (0.1) with
  the position held: it brings the box back after a full occlusion (synthetic occlusion family
  0.64 -> 0.80 SR, the demo pair's) and costs a target that jumps away while blurred
  (``otb-dragonbaby``; ``docs/tracking_heuristics.md``, "Holding the box while the target is hidden").

Two more options, off by default because the validation split cannot tell whether they help:
- **window influence** (``window_influence``, 1 = OSTrack's plain Hann window): the score
  map is multiplied by ``(1 - w) + w * hann``; a softer window lets a fast target move
  farther from the crop centre but also lets look-alikes in;
- **distractor memory** (``distractor_gate``, 0 = off; ``DISTRACTOR_GATE`` 0.5 when on,
  ``core.tracking.distractors``): the other strong peaks of a confident frame are
  remembered, and on the next frame the strongest peak is passed over when it sits where
  one of them was (within ``distractor_radius`` x the box's side) and another peak, less
  than half as far from the target's last centre, scores at least ``distractor_gate`` of it.
  It keeps the ball when a face beside it wins one frame, and loses a bird in a flock
  when the box has already drifted between two birds (``docs/tracking_heuristics.md``).

**Online filter** (``online_filter_weight``, 0.5 since issue 11's seventh session; 0 = off;
``core.tracking.online_filter``): a
correlation filter on the network's search features, learned on the init frame and then
on every frame whose penalised peak score reaches ``online_filter_min_score``, averaged
at ``online_filter_rate`` with a Gaussian label of ``online_filter_sigma`` cells. Each frame
its response (1 = as target-like as the target was) re-ranks the windowed score map,
``score * ((1 - w) + w * response)``, before the peak is chosen; the box and the
confidence still come from the network at that peak. It tells the target from the
look-alikes around it in this very sequence, which the networks, trained on 19 real
sequences, do not (``docs/tracking_heuristics.md``).

**Streams** (``streams``, "auto" by default, :data:`DEFAULT_STREAMS`): what the network is fed. "both"
feeds both streams always. "thermal" feeds the
thermal frame alone (replicated as the visible input, as a thermal-only sequence opens),
"visible" the visible frame and its luminance (``core.sequences.base.as_streams``). For
footage whose visible stream is blind (smoke, night): on the validation split with every
visible frame veiled (``bench accuracy --real --veil-visible 0.12``) the KD student scores
0.634 fed the thermal stream alone against 0.595 fed both (``docs/tracking_heuristics.md``).
"auto" decides per frame (``core.tracking.blind_stream``): on a true two-stream pair it feeds
the thermal stream alone while the visible one is blind, that is while the running
(``blind_smoothing``) ratio of the visible to the thermal fine structure in the search crop is
below ``blind_enter``, and both again once it rises above ``blind_leave``. Each look keeps its
own template, size calibration and online filter, all made on the init frame. On a
single-modality sequence "auto" is "both". Under the same veil: KD student 0.624, teacher
0.633, no-KD student 0.626 (fed both: 0.595 / 0.603 / 0.609). The default since issue 11's
eighteenth session: on the seven real RGB-T windows it switches on the smoke window only, where
it lifts the KD student from 0.479 to 0.614 SR (teacher 0.422 -> 0.483, no-KD 0.538 -> 0.620) and
takes away the KD student's runaway frames; the six clear windows and the synthetic split keep
their boxes exactly (``docs/tracking_heuristics.md``, "Auto streams by default").

**Correlation on two-stream pairs** (``pair_correlation``, 1; 0 = off;
``core.tracking.pair_correlation``): on a pair whose two streams are both real, the frozen
ImageNet features of each stream are correlated with the init frame's target at three scales
(the training-free floor's search, at ``pair_correlation_template`` / 2x crops), and the two
responses are averaged. The box's size is the network's damped size times the scale change the
correlation measured, raised to ``pair_correlation``. The networks, trained on single-modality
footage, keep a real pair's receding target at the crop's size; the correlation does not.
The centre moves toward the correlation's peak only where the two disagree: by
``pair_correlation_centre`` (0.5) of the way once the peak is more than
``pair_correlation_gap[1]`` (0.3) of the target's size (the square root of the network box's
area) from the network's centre, by nothing within ``pair_correlation_gap[0]`` (0.1), linearly
between. Where both agree the network's centre stands; where the network has jumped to a
look-alike or lost the target in smoke, the correlation pulls it back. On the six real RGB-T
windows: KD student SR 0.582 without the centre move, 0.621 with it (0.634 with a constant
0.5, which costs the synthetic split 0.04-0.05 against this rule's 0.003, teacher 0.012;
``docs/tracking_heuristics.md``, "Correlation on two-stream pairs"). Single-modality sequences
are not touched.

**Aspect on two-stream pairs** (``pair_max_aspect_change``, 1.0; ``max_aspect_change``, 1.5,
holds elsewhere): on a pair whose two streams are both real, the box keeps the drawn box's
aspect ratio; its area still follows the network and the correlation. On all seven real RGB-T
windows every model's box drifted toward square: for the standing people there, 18-40 % wider
for its height than the truth (KD student, teacher and no-KD student alike; the KD student
also with the correlation off), while on the single-modality validation sequences the same networks keep the
aspect within a few per cent. A bound of 1.2 only moves the box to that bound. With the shape
kept, over the seven windows (21 runs): KD student 0.628 -> 0.648, teacher 0.592 -> 0.631,
no-KD student 0.633 -> 0.658; the synthetic split does not fall (``docs/tracking_heuristics.md``,
"The drawn shape on two-stream pairs"). A target that turns from the camera narrows, and the
box does not; a box the user corrects in the studio starts a new run with the corrected shape,
and the users' switch (the studio's settings, ``--pair-shape free``; :func:`pair_aspect_bound`)
gives the single-modality bound.

**The centre matched on the drawn target's pixels** (``pixel_match``, 1; 0 = off;
``core.tracking.pixel_match``): the reported box's centre moves to where the init frame's pixels
inside the drawn box (the visible luminance and, on a two-stream pair, the thermal frame; the
thermal one alone while the visible stream is blind) fit best by normalised cross-correlation
within ``pixel_match_reach`` (0.3) of the box's side, by ``pixel_match`` times a share that ramps
from 0 at a correlation of ``pixel_match_gate[0]`` (0.6) to 1 at ``pixel_match_gate[1]`` (0.9).
The size, the confidence and the box the next search is centred on (``TrackStep.state.box``)
stay the loop's, so the match cannot lead the tracker astray; only ``TrackStep.box`` moves. The
networks' centres are off by about 0.05 of the target's side on real footage, which on thin
targets costs 0.1 SR (``docs/tracking_heuristics.md``, "The centre matched on the drawn target's
pixels").

**The search crop centred half a score cell off the box** (``search_shift``, 0.5 cells; 0 =
centred, as OSTrack cuts it): the crop's centre is moved ``search_shift`` score cells right and
down of the box's, so the box's centre falls on the centre of a cell of the score map (cell
``(F/2 - 1, F/2 - 1)`` at 0.5) rather than on the corner four cells share. On that corner the
networks cannot decide between the four cells and their offsets (a sigmoid in [0, 1] of the
cell) cannot reach the corner; the decoded centre jumps across it, and a box on a steady target
shook from side to side on alternate frames. Measured on the validation split with the networks
restarted on the true box: the median centre error is 0.28 / 0.43 of a cell (x / y) on the corner
and 0.13 / 0.18 on a cell's centre; in the loop, the frame-to-frame change of the centre error
(``bench accuracy``'s jitter) halves. The crops are mapped back exactly, so nothing else moves
(``docs/tracking_heuristics.md``, "The search crop half a cell off the box").

**Targets smaller than 10 px** (``box_floor``, "drawn"; "margin" = OSTrack's): OSTrack clips every
box with a 10 px margin (``box_margin``), which also makes 10 px the smallest side a box can take.
A drone drawn 7 x 3 px was raised to 10 x 10 px on the first frame; the search crop (4x the box)
grew with it, the network read the target larger in the larger crop, and the box settled at twice
the target's size. With "drawn" each axis's margin is at most the drawn box's side
(``core.tracking.safeguards.box_margins``): the clip raises no side above the drawn box's (or
10 px, whichever is smaller), and the damped, bounded network size decides the rest. Measured by shrinking the validation footage to half its size
(``docs/tracking_heuristics.md``, "Targets smaller than 10 px").

MPLT's released test loop adds two heuristics, both switchable and off by default:
- **template update**: when the windowed peak score exceeds ``template_update_threshold``
  (0.91) the template crops are re-cut around the new box;
- **Kalman fallback**: when the confidence is below ``kalman_score_threshold`` (0.25),
  the box's top-left corner is predicted by a constant-velocity Kalman filter over the
  confident corners of the last ``kalman_history`` (16) tracked frames (size kept from
  the previous box); with no confident corner in that window the network's box is kept.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from core.errors import ConfigError
from core.sequences.base import STREAMS
from core.tracking.kalman import KalmanConfig

BOX_MARGIN = 10.0
#: what ``TrackerConfig.box_floor`` may name (the module doc, "Tiny targets")
BOX_FLOORS = ("drawn", "margin")
#: what ``TrackerConfig.streams`` may name: a fixed feed (``core.sequences.base.STREAMS``) or "auto"
TRACKER_STREAMS = (*STREAMS, "auto")
#: ``TrackerConfig.streams`` by default (the module doc, "Streams"): both streams, the thermal one
#: alone while the visible one is measured blind
DEFAULT_STREAMS = "auto"
#: the most a size calibration may scale a side (``TrackerConfig.size_calibration``)
CALIBRATION_LIMIT = 1.5
#: ``TrackerConfig.max_aspect_change``: the box's aspect ratio stays within 1.5x of the initial box's
MAX_ASPECT_CHANGE = 1.5
#: ``TrackerConfig.pair_max_aspect_change``: on a two-stream pair the box keeps the drawn box's
#: aspect ratio (see the module doc, "Aspect on two-stream pairs")
PAIR_MAX_ASPECT_CHANGE = 1.0


PAIR_CORRELATION_WEIGHT = 1.0
"""``TrackerConfig.pair_correlation`` when the correlation on two-stream pairs is switched on
(``track --pair-correlation on``, the studio's settings; ``switched_options``): the box takes the
whole scale change the correlation measures."""

PAIR_CORRELATION = PAIR_CORRELATION_WEIGHT
"""``TrackerConfig.pair_correlation`` by default: on (``core.tracking.pair_correlation``)."""

PIXEL_MATCH_WEIGHT = 1.0
"""``TrackerConfig.pixel_match`` when the reported centre is matched on the drawn target's pixels
(``--pixel-match on``, the studio's settings; :func:`pixel_match_weight`)."""

PIXEL_MATCH = PIXEL_MATCH_WEIGHT
"""``TrackerConfig.pixel_match`` by default: on (``core.tracking.pixel_match``)."""

DISTRACTOR_GATE = 0.5
"""``TrackerConfig.distractor_gate`` when the distractor memory is switched on (``track --distractor-memory``)."""

MAX_SIZE_RATIO = 4.0
"""``TrackerConfig.max_size_ratio``: the most a side may grow or shrink from the initial box's."""

ONLINE_FILTER_WEIGHT = 0.5
"""``TrackerConfig.online_filter_weight`` when the online filter is on (the default)."""

LOW_CONFIDENCE = 0.4
"""Track confidence (``TrackStep.confidence``) under which a frame of **single-stream** footage
(visible-only or thermal-only) is flagged for review: the studio's yellow low-confidence runs,
N (next frame needing attention), Refine's "confidence below X" default, and ``bench
annotate``'s teacher-refined mode. Chosen on the real validation split
(``docs/tracking_heuristics.md``, "Which frames to flag for review"): on real footage a student
on target scores 0.4-0.6, so the former 0.5 flagged half of all frames. Two-stream pairs have
their own, :data:`LOW_CONFIDENCE_PAIRS` (:func:`low_confidence_for`), now the same value."""

LOW_CONFIDENCE_PAIRS = 0.4
"""The review threshold on a **two-stream** pair: the same as one stream's since issue 11's
eighteenth session, when the correlation's resemblance to the drawn target joined the track
confidence on pairs (``TrackerConfig.pair_confidence``). Before, on the network's score alone, a
pair's confidence ran lower than one stream's and 0.3 flagged best. On the seven real RGB-T
windows (three starts each) the KD student's flags at 0.4 now have F1 0.68 against IoU < 0.5, and
flag 1 % of the frames of runs that never failed, against F1 0.61 and 4.5 % at 0.3 before; the
teacher 0.83 and none, against 0.79 and 0.2 % (``docs/tracking_heuristics.md``, "The
correlation's resemblance in the confidence on pairs"). Kept apart from
:data:`LOW_CONFIDENCE` so that the two can part again."""


def review_threshold(two_streams: bool) -> float:
    """The default review threshold of footage with two real streams (:data:`LOW_CONFIDENCE_PAIRS`)
    or one (:data:`LOW_CONFIDENCE`)."""
    return LOW_CONFIDENCE_PAIRS if two_streams else LOW_CONFIDENCE


def low_confidence_for(info) -> float:
    """The default review threshold for a sequence whose ``SequenceInfo`` is ``info``
    (:func:`review_threshold`): a two-stream pair's, or one stream's for thermal-only or
    visible-only footage and when ``info`` is None (nothing open)."""
    one_stream = info is None or getattr(info, "thermal_only", False) or getattr(info, "visible_only", False)
    return review_threshold(not one_stream)


HOLD_THRESHOLD = 0.1
"""``TrackerConfig.lost_threshold`` when holding the box while the target is lost is switched on
(``track --hold-when-lost``, the studio's settings): the per-frame confidence the student and
the teacher fall below while the target is hidden, and seldom while it is in view."""


def hold_options(hold_when_lost: bool) -> dict[str, float | bool]:
    """The ``TrackerConfig`` fields behind the users' hold switch: ``lost_threshold``
    (``HOLD_THRESHOLD`` when on, 0 = no loss handling) and ``hold_when_lost``."""
    return {"lost_threshold": HOLD_THRESHOLD if hold_when_lost else 0.0, "hold_when_lost": bool(hold_when_lost)}


def pair_correlation_weight(on: bool | None) -> float:
    """``TrackerConfig.pair_correlation`` for the users' switch: ``PAIR_CORRELATION_WEIGHT`` when
    on, 0 when off, the default (``PAIR_CORRELATION``) when None (not given)."""
    if on is None:
        return PAIR_CORRELATION
    return PAIR_CORRELATION_WEIGHT if on else 0.0


def pixel_match_weight(on: bool | None) -> float:
    """``TrackerConfig.pixel_match`` for the users' switch: ``PIXEL_MATCH_WEIGHT`` when on, 0 when
    off, the default (``PIXEL_MATCH``) when None (not given)."""
    if on is None:
        return PIXEL_MATCH
    return PIXEL_MATCH_WEIGHT if on else 0.0


def pair_aspect_bound(keep_shape: bool | None) -> float:
    """``TrackerConfig.pair_max_aspect_change`` for the users' switch: the drawn box's shape
    (``PAIR_MAX_ASPECT_CHANGE``) when True or None (the default), the bound of single-modality
    footage (``MAX_ASPECT_CHANGE``) when False."""
    return MAX_ASPECT_CHANGE if keep_shape is False else PAIR_MAX_ASPECT_CHANGE


def switched_options(*, distractor_memory: bool, online_filter: bool, hold_when_lost: bool = False,
                     pair_correlation: bool | None = None, pair_shape: bool | None = None,
                     pixel_match: bool | None = None) -> dict[str, float | bool]:
    """The ``TrackerConfig`` fields behind the loop switches users see (the studio's
    settings, ``track --distractor-memory`` / ``--no-online-filter`` / ``--hold-when-lost`` /
    ``--pair-correlation`` / ``--pair-shape`` / ``--pixel-match``): ``distractor_gate``,
    ``online_filter_weight``, ``lost_threshold`` with ``hold_when_lost``, ``pair_correlation``
    (:func:`pair_correlation_weight`), ``pair_max_aspect_change`` (:func:`pair_aspect_bound`) and
    ``pixel_match`` (:func:`pixel_match_weight`); None = the default for the last three."""
    return {"distractor_gate": DISTRACTOR_GATE if distractor_memory else 0.0,
            "online_filter_weight": ONLINE_FILTER_WEIGHT if online_filter else 0.0,
            **hold_options(hold_when_lost),
            "pair_correlation": pair_correlation_weight(pair_correlation),
            "pair_max_aspect_change": pair_aspect_bound(pair_shape),
            "pixel_match": pixel_match_weight(pixel_match)}


@dataclass(frozen=True)
class TrackerConfig:
    """Test-loop options (defaults = plain OSTrack loop; MPLT's heuristics off)."""

    use_hann_window: bool = True
    window_influence: float = 1.0
    template_update: bool = False
    template_update_threshold: float = 0.91
    kalman_fallback: bool = False
    kalman_score_threshold: float = 0.25
    kalman_history: int = 16
    kalman: KalmanConfig = field(default_factory=KalmanConfig)
    box_margin: float = BOX_MARGIN
    box_floor: str = "drawn"
    scale_penalty_k: float = 0.04
    size_lr: float = 0.1
    size_lr_by_score: bool = True
    max_size_change: float = 1.1
    max_size_ratio: float = MAX_SIZE_RATIO
    max_aspect_change: float = MAX_ASPECT_CHANGE
    pair_max_aspect_change: float = PAIR_MAX_ASPECT_CHANGE
    lost_threshold: float = 0.0
    lost_search_growth: float = 0.25
    max_search_factor: float = 6.0
    hold_when_lost: bool = False
    confidence_smoothing: float = 0.7
    size_calibration: float = 0.5
    distractor_gate: float = 0.0
    distractor_min_ratio: float = 0.5
    distractor_radius: float = 0.5
    distractor_min_score: float = 0.25
    online_filter_weight: float = ONLINE_FILTER_WEIGHT
    online_filter_rate: float = 0.02
    online_filter_min_score: float = 0.25
    online_filter_sigma: float = 0.5
    streams: str = DEFAULT_STREAMS
    blind_enter: float = 0.45
    blind_leave: float = 0.6
    blind_smoothing: float = 0.7
    blind_min_energy: float = 0.3
    pair_correlation: float = PAIR_CORRELATION
    pair_correlation_centre: float = 0.5
    pair_correlation_gap: tuple[float, float] = (0.1, 0.3)
    pair_correlation_template: int = 64
    pair_confidence: bool = True
    pixel_match: float = PIXEL_MATCH
    pixel_match_gate: tuple[float, float] = (0.6, 0.9)
    pixel_match_reach: float = 0.3
    search_shift: float = 0.5

    @classmethod
    def legacy(cls, **overrides) -> TrackerConfig:
        """The plain OSTrack loop without any safeguard (the defaults before issue 10)."""
        values = dict(scale_penalty_k=0.0, size_lr=1.0, size_lr_by_score=False, max_size_change=math.inf,
                      max_size_ratio=math.inf, max_aspect_change=math.inf,
                      pair_max_aspect_change=math.inf, lost_threshold=0.0, hold_when_lost=False,
                      confidence_smoothing=0.0, size_calibration=0.0, online_filter_weight=0.0,
                      pair_correlation=0.0, pair_confidence=False, pixel_match=0.0, search_shift=0.0,
                      box_floor="margin")
        values.update(overrides)
        return cls(**values)

    def __post_init__(self) -> None:
        """ConfigError naming the first option outside its range."""
        unit = (lambda v: 0.0 <= v <= 1.0, "lie in [0, 1]")
        checks = {
            ("template_update_threshold", "kalman_score_threshold", "size_lr", "lost_threshold", "distractor_gate",
             "distractor_min_ratio", "distractor_min_score", "window_influence", "size_calibration",
             "online_filter_weight", "online_filter_rate", "online_filter_min_score", "pair_correlation",
             "pair_correlation_centre", "pixel_match", "search_shift"): unit,
            ("confidence_smoothing", "blind_smoothing"): (lambda v: 0.0 <= v < 1.0, "lie in [0, 1)"),
            ("kalman_history", "max_size_change", "max_size_ratio", "max_aspect_change",
             "pair_max_aspect_change"): (lambda v: v >= 1, "be >= 1"),
            ("box_margin", "scale_penalty_k", "lost_search_growth", "blind_min_energy"): (lambda v: v >= 0, "be >= 0"),
            ("max_search_factor", "distractor_radius", "online_filter_sigma", "pixel_match_reach"):
                (lambda v: v > 0, "be > 0"),
        }
        if self.box_floor not in BOX_FLOORS:
            raise ConfigError(f"TrackerConfig.box_floor must be one of {BOX_FLOORS}, got {self.box_floor!r}")
        if self.streams not in TRACKER_STREAMS:
            raise ConfigError(f"TrackerConfig.streams must be one of {TRACKER_STREAMS}, got {self.streams!r}")
        gap = tuple(self.pair_correlation_gap)
        if len(gap) != 2 or not 0.0 <= gap[0] < gap[1]:
            raise ConfigError(f"TrackerConfig.pair_correlation_gap must be (low, high) with 0 <= low < high, got {gap}")
        match_gate = tuple(self.pixel_match_gate)
        if len(match_gate) != 2 or not -1.0 <= match_gate[0] < match_gate[1] <= 1.0:
            raise ConfigError("TrackerConfig.pixel_match_gate must be (low, high) with -1 <= low < high <= 1, "
                              f"got {match_gate}")
        if self.pair_correlation_template not in (32, 64, 96, 128):
            raise ConfigError("TrackerConfig.pair_correlation_template must be 32, 64, 96 or 128, got "
                              f"{self.pair_correlation_template}")
        if not 0.0 < self.blind_enter < self.blind_leave:
            raise ConfigError(f"TrackerConfig.blind_enter ({self.blind_enter}) must be > 0 and below blind_leave "
                              f"({self.blind_leave})")
        for names, (valid, rule) in checks.items():
            for name in names:
                value = getattr(self, name)
                if not valid(value):
                    raise ConfigError(f"TrackerConfig.{name} must {rule}, got {value}")
