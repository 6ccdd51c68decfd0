"""Contenders tracking the same frames side by side, with only ``track`` timed.

Both accuracy benchmarks (the synthetic/real-folder one in ``accuracy_run`` and the real
split's in ``real_track``) open a sequence once, start every contender on the same first
box and then give each frame to every contender in turn. :class:`SideBySide` is that
loop's state: the contenders' tracker states, their init states (for the real
benchmark's one-step probes) and the seconds spent in ``track``.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

from core.bench.contenders import Contender


class SideBySide:
    """``contenders`` initialised on ``first_pair`` with ``init_box`` (x, y, w, h pixels).

    ``states[label]``: each contender's current tracker state; ``init_states[label]``: its
    state right after ``init``; ``seconds[label]``: time spent in ``track`` so far (init,
    decoding and anything the caller does between frames excluded).
    """

    def __init__(self, contenders: Sequence[Contender], first_pair, init_box):
        self.contenders = list(contenders)
        self.init_states = {c.label: c.tracker.init(first_pair, init_box) for c in self.contenders}
        self.states = dict(self.init_states)
        self.seconds = {c.label: 0.0 for c in self.contenders}

    def track(self, pair) -> dict:
        """Every contender's ``track`` step on ``pair`` (``{label: step}``), in contender order."""
        steps = {}
        for c in self.contenders:
            begin = time.perf_counter()
            step = c.tracker.track(pair, self.states[c.label])
            self.seconds[c.label] += time.perf_counter() - begin
            self.states[c.label] = step.state
            steps[c.label] = step
        return steps
