"""A confidence flagged as below the threshold never reads as the threshold (real-pair session,
0111_1716: N stopped on frame 126 with "frame 126: tracker confidence below 0.40" while its title
said "tracked (Student), confidence 0.40", a score of 0.398 rounded up)."""
from __future__ import annotations

import pytest

from app.review import confidence_text
from core.annotations.records import FrameAnnotation, Provenance


@pytest.mark.parametrize("value, text", [
    (0.398, "0.39"), (0.3999999, "0.39"), (0.40046, "0.40"), (0.4, "0.40"), (0.29, "0.29"), (0.57, "0.57"),
    (1.0, "1.00"), (0.0, "0.00"), (0.005, "0.00"),
])
def test_confidence_text_rounds_down(value, text):
    assert confidence_text(value) == text


def test_the_title_of_a_frame_n_flags_reads_below_the_threshold(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.store.put([FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.STUDENT,
                                               confidence=c) for f, c in ((1, 0.9), (2, 0.398), (3, 0.9))])
    window.document.reload()
    window.goto(0)
    window.actions["attention"].trigger()
    assert window.frame == 2
    assert "frame 3: tracker confidence below 0.40" in window.statusBar().currentMessage()
    title = window.views.visible_panel.title.text()
    assert "confidence 0.39" in title, title
