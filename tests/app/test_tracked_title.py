"""The frame's title gives a tracked box's confidence, the number N and the yellow runs flag it by.

A tracked frame read "tracked (Student)" alone (since the tracker choice came in): an annotator sent
to it by N ("frames 89-407: tracker confidence below 0.40") could not read how unsure the tracker
was there but off the timeline's curve, where a teacher box accepted or a pre-label imported with a
score said "confidence 0.39" in the title."""
from __future__ import annotations

from app.review import confidence_text
from core.annotations.records import FrameAnnotation, Provenance


def _title(window) -> str:
    return window.views.visible_panel.title.text()


def test_a_tracked_box_s_title_gives_its_confidence(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.store.put([FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.STUDENT,
                                               confidence=c) for f, c in ((1, 0.31), (2, None))])
    window.document.reload()
    window.goto(1)
    assert "frame 2: tracked, confidence 0.31" in _title(window), _title(window)
    window.goto(2)  # a tracker that reports none (the command line's boxes without scores): nothing made up
    assert _title(window).endswith("frame 3: tracked"), _title(window)


def test_the_tracker_s_name_stays_beside_the_confidence(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.goto(3)
    record = window.document.record(3)
    assert record.provenance == Provenance.STUDENT and record.confidence is not None
    assert f"frame 4: tracked (Student), confidence {confidence_text(record.confidence)}" in _title(window), _title(window)
