"""Runs that start from a box drawn a little off, for ``bench accuracy --real --init-error SPEC``.

The benchmark starts every run from the ground-truth box. A user of the studio draws the first box
by hand: a little to one side, a little too large or too small. A tracker that depends on a perfect
first box (its template, its size calibration, its drawn shape) then tracks worse than its table
says. The OTB benchmark measures this as its spatial robustness evaluation (SRE): each sequence is
run again from its first box shifted by 10 % of the box's width and height in one of eight
directions, or scaled by 0.8, 0.9, 1.1 or 1.2 about its centre; the ground truth stays as it is.

``--init-error NAME`` starts every run from one of those twelve errors (:data:`SRE_ERRORS`: ``left``,
``right``, ``up``, ``down``, ``up-left``, ``up-right``, ``down-left``, ``down-right``, ``scale0.8``,
``scale0.9``, ``scale1.1``, ``scale1.2``). ``--init-error sre`` gives the runs of the split the twelve
in turn (run k of the bench's list gets error k mod 12), so a run of the whole split samples all of
them about equally, every tracker of a run sees the same first box, and a second bench run the same
errors on the same runs. The erred box is clipped to the frame (it never leaves the image).

Boxes: x, y, w, h float64 in pixels of the frame the run sees.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError
from core.geometry import as_box, clip_box

#: OTB's SRE errors, name -> (centre shift in box widths, in box heights, scale about the centre)
SRE_ERRORS: dict[str, tuple[float, float, float]] = {
    "left": (-0.1, 0.0, 1.0), "right": (0.1, 0.0, 1.0), "up": (0.0, -0.1, 1.0), "down": (0.0, 0.1, 1.0),
    "up-left": (-0.1, -0.1, 1.0), "up-right": (0.1, -0.1, 1.0),
    "down-left": (-0.1, 0.1, 1.0), "down-right": (0.1, 0.1, 1.0),
    "scale0.8": (0.0, 0.0, 0.8), "scale0.9": (0.0, 0.0, 0.9), "scale1.1": (0.0, 0.0, 1.1), "scale1.2": (0.0, 0.0, 1.2),
}
#: the value of ``--init-error`` that cycles through all of :data:`SRE_ERRORS`
CYCLE = "sre"


@dataclass(frozen=True)
class InitBoxPerturbation:
    """One error of the first box: ``name``, a key of :data:`SRE_ERRORS`."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in SRE_ERRORS:
            raise ConfigError(f"--init-error must be {CYCLE} or one of {', '.join(SRE_ERRORS)}, got {self.name!r}")

    @property
    def key(self) -> str:
        """How the result cache and the notes name it: ``init-<name>``."""
        return f"init-{self.name}"

    def apply(self, box, width: int, height: int) -> np.ndarray:
        """``box`` (x, y, w, h) with its centre shifted and its size scaled by this error, then
        clipped to a ``width`` x ``height`` frame; (4,) float64."""
        x, y, w, h = as_box(box)
        shift_x, shift_y, scale = SRE_ERRORS[self.name]
        cx, cy = x + w / 2 + shift_x * w, y + h / 2 + shift_y * h
        w, h = w * scale, h * scale
        return clip_box((cx - w / 2, cy - h / 2, w, h), width, height, margin=1.0)


@dataclass(frozen=True)
class InitErrorPlan:
    """What ``--init-error SPEC`` asks for: one error for every run, or (``sre``) the twelve in
    turn over the bench's runs (:meth:`for_run`)."""

    spec: str

    def __post_init__(self) -> None:
        if not self.cycles:
            InitBoxPerturbation(self.spec)  # ConfigError naming the option for an unknown name

    @property
    def cycles(self) -> bool:
        """Whether the runs take the twelve errors in turn (``sre``) rather than one for all."""
        return self.spec == CYCLE

    def for_run(self, index: int) -> InitBoxPerturbation:
        """The error of the ``index``-th run (0-based, in the bench's order of runs)."""
        if not self.cycles:
            return InitBoxPerturbation(self.spec)
        names = list(SRE_ERRORS)
        return InitBoxPerturbation(names[index % len(names)])
