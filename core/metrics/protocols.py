"""The evaluation protocols: every rule that moves a number, as a frozen dataclass.

See ``docs/metrics.md`` for the rules in prose and what was verified against what.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError
from core.metrics.toolkit_geometry import matlab_colon


@dataclass(frozen=True)
class Protocol:
    """One toolkit's conventions.

    name: protocol id printed in every output (``lasher``, ``rgbt234`` ...).
    precision_name / norm_precision_name / success_name: score labels (``PR``/``MPR``;
      ``NPR`` or None; ``SR``/``MSR``).
    dual_modality: per frame min centre error / max IoU over visible and infrared GT.
    precision_thresholds: px; precision_at: px reported; precision_strict: ``<`` not ``<=``.
    norm_thresholds / norm_at: normalized precision thresholds and reported value.
    success_thresholds: overlap thresholds, hit = ``overlap > t``.
    success_score: ``mean`` (plain mean of the curve) or ``trapezoid`` (area).
    pooled: frames of all sequences pooled (GTOT) instead of the mean over sequences.
    first_frame_gt: frame 1 of the results replaced by the GT (LasHeR).
    replace_bad_predictions: NaN / w<=0 / h<=0 rows replaced by the previous row.
    inclusive_centres: centres ``x + (w-1)/2`` (LasHeR, pytracking) instead of ``x + w/2``.
    pad_short: rows missing from a short result: ``nan`` (then subject to the replacement rule) or
      ``zeros`` (pytracking: ``0,0,0,0`` rows added after its replacement loop, scored as they are).
    replace_rule: which rows that is: ``any`` (a NaN anywhere, w<=0 or h<=0) or ``lasher`` (the
      toolkit's ``calcSeqErrRobust.m``: w<=0 or h<=0 or all four NaN, and the GT row has no NaN).
    invalid_gt: ``none``; ``toolkit`` (any GT value <= 0 or NaN: centre error -1, overlap -1,
      kept in the denominator); ``pytracking`` (w<=0 or h<=0: PR fails, NPR passes,
      SR fails, numerators over all frames, denominator = valid frames only).
    round_results: tracker x, y, w, h each rounded to whole pixels (GTOT; ``docs/metrics.md``).
    subsample: results keep every ``subsample``-th frame to match the GT (VTUAV: 10).
    """

    name: str
    description: str
    precision_name: str
    success_name: str
    norm_precision_name: str | None
    dual_modality: bool
    precision_thresholds: tuple[float, ...]
    precision_at: float
    precision_strict: bool
    success_thresholds: tuple[float, ...]
    success_score: str
    pooled: bool
    first_frame_gt: bool
    replace_bad_predictions: bool
    invalid_gt: str
    round_results: bool = False
    replace_rule: str = "any"
    pad_short: str = "nan"
    inclusive_centres: bool = False
    subsample: int = 1
    norm_thresholds: tuple[float, ...] = ()
    norm_at: float = 0.2

    @property
    def precision_index(self) -> int:
        return int(np.argmin(np.abs(np.asarray(self.precision_thresholds) - self.precision_at)))

    @property
    def norm_index(self) -> int:
        return int(np.argmin(np.abs(np.asarray(self.norm_thresholds) - self.norm_at)))

    @property
    def score_names(self) -> tuple[str, ...]:
        names = [self.precision_name]
        if self.norm_precision_name:
            names.append(self.norm_precision_name)
        names.append(self.success_name)
        return tuple(names)


_PX = tuple(matlab_colon(0, 1, 50))
_PX_GTOT = tuple(matlab_colon(0, 0.5, 25))  # GTOT's plot script: precisionX=[0:0.5:25]
_NORM = tuple(np.arange(51) / 100)  # LasHeR genPerfMat.m: (0:50)/100, not 0:0.01:0.5
_SR21 = tuple(matlab_colon(0, 0.05, 1))
_SR51 = tuple(matlab_colon(0, 0.02, 1))

_RGBT234 = dict(
    precision_name="MPR", success_name="MSR", norm_precision_name=None, dual_modality=True,
    precision_thresholds=_PX, precision_at=20.0, precision_strict=False,
    success_thresholds=_SR21, success_score="mean", pooled=False, first_frame_gt=False,
    replace_bad_predictions=False, invalid_gt="none",
)

PROTOCOLS: dict[str, Protocol] = {
    "lasher": Protocol(
        name="lasher",
        description="LasHeR toolkit: PR@20px (<=), NPR@0.20, SR = mean of 21 thresholds (>); "
        "frame 1 = GT; invalid GT counted (PR/NPR hit, SR miss); mean over sequences",
        precision_name="PR", success_name="SR", norm_precision_name="NPR", dual_modality=False,
        precision_thresholds=_PX, precision_at=20.0, precision_strict=False,
        norm_thresholds=_NORM, norm_at=0.2,
        success_thresholds=_SR21, success_score="mean", pooled=False, first_frame_gt=True,
        replace_bad_predictions=True, invalid_gt="toolkit", replace_rule="lasher", inclusive_centres=True,
    ),
    "rgbt234": Protocol(
        name="rgbt234",
        description="RGBT234 toolkit: MPR@20px (<=) / MSR mean of 21 thresholds (>), "
        "max over visible and infrared GT, mean over sequences",
        **_RGBT234,
    ),
    "rgbt210": Protocol(
        name="rgbt210",
        description="RGBT210 toolkit (RGBT234 rules, one GT for both modalities)",
        **_RGBT234,
    ),
    "vtuav": Protocol(
        name="vtuav",
        description="VTUAV (RGBT234 rules) with results subsampled to every 10th frame",
        subsample=10,
        **_RGBT234,
    ),
    "gtot": Protocol(
        name="gtot",
        description="GTOT toolkit: MPR@5px strict <, MSR = trapezoid area over 51 thresholds, "
        "frames pooled over all sequences, result x, y, w, h rounded, GT width = x2 - x1",
        precision_name="MPR", success_name="MSR", norm_precision_name=None, dual_modality=True,
        precision_thresholds=_PX_GTOT, precision_at=5.0, precision_strict=True,
        success_thresholds=_SR51, success_score="trapezoid", pooled=True, first_frame_gt=False,
        replace_bad_predictions=False, invalid_gt="none", round_results=True,
    ),
    "pytracking-lasher": Protocol(
        name="pytracking-lasher",
        description="pytracking-style LasHeR (OSTrack/ViPT/MPLT analysis code), NOT the official toolkit: "
        "invalid GT (w or h <= 0) fails PR, passes NPR, fails SR; only valid frames in the denominator",
        precision_name="PR", success_name="SR", norm_precision_name="NPR", dual_modality=False,
        precision_thresholds=_PX, precision_at=20.0, precision_strict=False,
        norm_thresholds=_NORM, norm_at=0.2,
        success_thresholds=_SR21, success_score="mean", pooled=False, first_frame_gt=True,
        replace_bad_predictions=True, invalid_gt="pytracking", pad_short="zeros", inclusive_centres=True,
    ),
}


def get_protocol(name: str) -> Protocol:
    """The protocol called ``name``; ConfigError listing the known names otherwise."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ConfigError(f"unknown evaluation protocol {name!r}; known: {', '.join(PROTOCOLS)}") from None
