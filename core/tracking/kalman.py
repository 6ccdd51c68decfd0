"""Constant-velocity Kalman filter on a box's top-left corner (MPLT's fallback).

MPLT's released test loop replaces the network's box by a motion prediction when the
network is unsure. Here the prediction is a pure function of a short, explicit history
of confident corners ``(step, x, y)`` (the tracker keeps the last 16 steps in its
state): a constant-velocity Kalman filter (state ``[x, y, vx, vy]``, one time unit per
tracked frame) is run over the history and predicted forward to the requested step.
Keeping the history instead of a mutable filter keeps the tracker state immutable and
the prediction reproducible.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KalmanConfig:
    """Noise model. process_noise: acceleration variance (px^2 per step^4);
    measurement_noise: corner measurement variance (px^2); initial_velocity_var: prior
    variance of the velocity (px^2 per step^2)."""

    process_noise: float = 1.0
    measurement_noise: float = 4.0
    initial_velocity_var: float = 100.0


def _transition(dt: float) -> np.ndarray:
    f = np.eye(4)
    f[0, 2] = f[1, 3] = dt
    return f


def _process(dt: float, q: float) -> np.ndarray:
    """Discrete white-noise acceleration model for one axis pair."""
    block = q * np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt**2]])
    out = np.zeros((4, 4))
    out[np.ix_([0, 2], [0, 2])] = block
    out[np.ix_([1, 3], [1, 3])] = block
    return out


_H = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])


def filter_corners(history, config: KalmanConfig = KalmanConfig()) -> tuple[np.ndarray, np.ndarray, int]:
    """Run the filter over ``history``: sequence of ``(step, x, y)``, steps increasing.

    Returns (state (4,) x, y, vx, vy after the last measurement, covariance (4,4),
    step of the last measurement). ValueError on an empty history.
    """
    history = list(history)
    if not history:
        raise ValueError("the Kalman filter needs at least one corner")
    step0, x0, y0 = history[0]
    state = np.array([x0, y0, 0.0, 0.0], dtype=np.float64)
    cov = np.diag([config.measurement_noise, config.measurement_noise,
                   config.initial_velocity_var, config.initial_velocity_var])
    r = np.eye(2) * config.measurement_noise
    last = step0
    for step, x, y in history[1:]:
        dt = float(step - last)
        if dt <= 0:
            raise ValueError(f"corner history steps must increase, got {last} then {step}")
        f = _transition(dt)
        state = f @ state
        cov = f @ cov @ f.T + _process(dt, config.process_noise)
        innovation = np.array([x, y]) - _H @ state
        s = _H @ cov @ _H.T + r
        gain = cov @ _H.T @ np.linalg.inv(s)
        state = state + gain @ innovation
        cov = (np.eye(4) - gain @ _H) @ cov
        last = step
    return state, cov, int(last)


def predict_corner(history, step: int, config: KalmanConfig = KalmanConfig()) -> np.ndarray:
    """(2,) float64 top-left corner predicted at ``step`` from ``history`` ``(step, x, y)``.

    With one corner the prediction is that corner (no velocity known yet).
    """
    state, _, last = filter_corners(history, config)
    dt = float(step - last)
    if dt < 0:
        raise ValueError(f"cannot predict step {step} before the last measurement {last}")
    return (_transition(dt) @ state)[:2]
