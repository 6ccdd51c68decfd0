"""An online correlation filter on the network's search features: what this target looks like
against *its own* surroundings, learned while tracking.

The networks were trained on 19 real sequences; they find "something like the template",
and on real footage they jump to look-alikes (the player's face beside the ball in
``vot-ball1``) or lose a target whose look changes (``otb-dragonbaby``). Trackers that
learn from little data (MOSSE, DCF, DiMP) learn a discriminative model per sequence at
test time instead: a filter that answers high on the target and low on everything else
in the search region, background and look-alikes included. This module is the simplest
such model, a multi-channel MOSSE filter (Bolme et al. 2010; the multi-channel closed form
of Galoogahi et al. 2013 / Danelljan et al.'s DSST) over the network's own search feature
map ``(C, F, F)`` (the ``search_feature`` output, at the score map's grid):

- **learn** on a frame whose target cell is known (the init frame, then confident frames):
  ``A = conj(X) * Y`` per channel and ``B = sum_c |X_c|^2 + lambda`` in the Fourier domain,
  where ``X`` is the feature map times a Hann window and ``Y`` a Gaussian of ``sigma``
  cells at the target's centre; a running average over frames at ``rate``;
- **respond** on the next frame's features: ``real(ifft2(sum_c A_c X'_c / B))``, divided
  by the filter's response on the frames it learned from (``reference``, so 1 means "as
  target-like as the target was") and clipped to [0, ``RESPONSE_CLIP``];
- the tracker **fuses** it into the windowed score map before the peak is chosen:
  ``score * ((1 - w) + w * response)``. The network still places and sizes the box;
  the filter only re-ranks candidate cells.

Shapes: features (C, F, F) float32; cell coordinates are (column, row) in score-map cells,
the centre of cell ``i`` at ``i``; responses (F, F) float32. The filter is immutable:
``update`` returns a new one, so tracker states that hold it stay branchable.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.models.head import hann1d

#: the most a normalised filter response may weigh (a cell may look more target-like than the target did)
RESPONSE_CLIP = 1.5
#: Tikhonov regularisation, relative to the mean spectral energy of the features learned from
REGULARISATION = 1e-3
#: the least regularisation of the filter's denominator (features with no energy at all)
ENERGY_FLOOR = 1e-12


@dataclass(frozen=True, eq=False)
class OnlineFilter:
    """numerator (C, F, F // 2 + 1) complex64 and denominator (F, F // 2 + 1) float64 of the
    filter in the Fourier domain (half spectra: the features are real); reference: its response peak on the frames it learned from (> 0)."""

    numerator: np.ndarray
    denominator: np.ndarray
    reference: float


@lru_cache(maxsize=8)
def _window(size: int) -> np.ndarray:
    """(size, size) float32 Hann window (the score map's, :func:`core.models.head.hann1d`),
    built once per size (read-only: shared between calls)."""
    h = hann1d(size)
    window = np.outer(h, h)
    window.flags.writeable = False
    return window


def spectrum(features: np.ndarray) -> np.ndarray:
    """(C, F, F // 2 + 1) complex half spectrum of the Hann-windowed features (C, F, F) (they
    are real): what :func:`learn` and :func:`respond` take, computed once per frame."""
    features = np.asarray(features, dtype=np.float32)
    return np.fft.rfft2(features * _window(features.shape[-1])[None])


def _gaussian(size: int, centre_cell, sigma: float) -> np.ndarray:
    rows, cols = np.mgrid[0:size, 0:size]
    col, row = centre_cell
    return np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / (2.0 * sigma ** 2))


def _raw_response(numerator: np.ndarray, denominator: np.ndarray, spectrum: np.ndarray) -> np.ndarray:
    size = spectrum.shape[-2]
    return np.fft.irfft2((numerator * spectrum).sum(0) / denominator, s=(size, size))


def learn(features_spectrum: np.ndarray, centre_cell, sigma: float, previous: OnlineFilter | None = None,
          rate: float = 1.0) -> OnlineFilter:
    """The filter learned from one frame's features (their :func:`spectrum`) with the target
    centred at ``centre_cell`` (column, row) with a Gaussian label of ``sigma`` cells,
    averaged into ``previous`` at ``rate`` (ignored without a previous filter)."""
    label = np.fft.rfft2(_gaussian(features_spectrum.shape[-2], centre_cell, sigma))
    numerator = (np.conj(features_spectrum) * label[None]).astype(np.complex64)
    energy = (np.abs(features_spectrum) ** 2).sum(0)
    # the floor keeps features with no energy at all (a blank crop, random weights) from 0 / 0; real
    # features' energies are many orders above it, so their filter is unchanged
    denominator = energy + max(REGULARISATION * float(energy.mean()), ENERGY_FLOOR)
    if previous is not None:
        numerator = ((1.0 - rate) * previous.numerator + rate * numerator).astype(np.complex64)
        denominator = (1.0 - rate) * previous.denominator + rate * denominator
    reference = float(_raw_response(numerator, denominator, features_spectrum).max())
    if previous is not None:
        reference = (1.0 - rate) * previous.reference + rate * reference
    return OnlineFilter(numerator, denominator, max(reference, 1e-6))


def respond(online_filter: OnlineFilter, features_spectrum: np.ndarray) -> np.ndarray:
    """(F, F) float32 response of the filter on one frame's features (their :func:`spectrum`),
    divided by its reference and clipped to [0, RESPONSE_CLIP]."""
    raw = _raw_response(online_filter.numerator, online_filter.denominator, features_spectrum)
    return np.clip(raw / online_filter.reference, 0.0, RESPONSE_CLIP).astype(np.float32)


def fuse(response: np.ndarray, filter_response: np.ndarray, weight: float) -> np.ndarray:
    """``response * ((1 - weight) + weight * filter_response)``: the score map re-ranked."""
    return response * ((1.0 - weight) + weight * filter_response)
