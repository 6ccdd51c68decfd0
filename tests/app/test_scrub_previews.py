"""A fast drag over big footage: the picture follows it (previews of frames decoded on the way),
then the frame asked for last (the fetcher dropped every superseded reply and the window every
frame but the current one: 0 of 155 frames shown in a 2 s drag on 1080p footage)."""
from __future__ import annotations

import threading

from app.workers.frame_fetcher import FrameFetcher


class GatedSequence:
    """Frames ("pair", i); reading ``gate_frame`` waits until ``gate`` is set (a slow decode)."""

    def __init__(self, gate_frame: int):
        self.gate_frame, self.gate, self.started = gate_frame, threading.Event(), threading.Event()

    def __len__(self):
        return 50

    def __getitem__(self, i):
        if i == self.gate_frame:
            self.started.set()
            self.gate.wait(5)
        return ("pair", i)


def _scrub(qtbot, fetcher, sequence, asked):
    shown = []
    fetcher.ready.connect(lambda frame, pair: shown.append(frame))
    fetcher.request(sequence.gate_frame)
    assert sequence.started.wait(5)
    for frame in asked:  # the drag goes on while the first frame decodes
        fetcher.request(frame)
    sequence.gate.set()
    qtbot.waitUntil(lambda: asked[-1] in shown, timeout=5000)
    return shown


def test_superseded_frame_shown_as_preview(qtbot):
    fetcher = FrameFetcher()
    fetcher.preview_interval_s = 0.0
    sequence = GatedSequence(1)
    fetcher.set_sequence(sequence)
    shown = _scrub(qtbot, fetcher, sequence, [2, 3, 4])
    fetcher.shutdown()
    assert shown == [1, 4]  # the frame decoded on the way, then the newest (2 and 3 skipped)


def test_no_preview_from_the_sequence_before(qtbot):
    fetcher = FrameFetcher()
    fetcher.preview_interval_s = 0.0
    old = GatedSequence(1)
    fetcher.set_sequence(old)
    shown = []
    fetcher.ready.connect(lambda frame, pair: shown.append((frame, pair)))
    fetcher.request(1)
    assert old.started.wait(5)
    new = GatedSequence(-1)
    fetcher.set_sequence(new)  # another footage opened while frame 1 of the old one decodes
    fetcher.request(7)
    old.gate.set()
    qtbot.waitUntil(lambda: (7, ("pair", 7)) in shown, timeout=5000)
    fetcher.shutdown()
    assert shown == [(7, ("pair", 7))]


def test_window_shows_preview_then_the_frame(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    window.goto(3)
    assert window.pair.index == 3
    window.frame = 12  # asked for (a drag), not decoded yet
    preview = document.sequence[7]
    window._frame_ready(7, preview)
    assert window.views._pair is preview
    assert window.frame == 12 and window.pair.index == 3  # the frame asked for stays the window's
    assert "frame 8 (on the way to frame 13)" in window.views.visible_panel.title.text()
    exact = document.sequence[12]
    window._frame_ready(12, exact)
    assert window.views._pair is exact and window.pair is exact
