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


def test_an_opencv_tracker_s_box_says_found_or_lost_not_a_confidence(window, pair_files, synthetic, tmp_path):
    """CSRT, KCF and MIL have no score: the confidence they report is 1 while OpenCV found the
    target and 0 where it failed and the box was kept (``core.bench.peers``). Every CSRT box read
    'confidence 1.00', as if certain."""
    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    found, lost = synthetic.boxes[1], synthetic.boxes[2]
    window.document.store.put([FrameAnnotation(1, found, provenance=Provenance.STUDENT, confidence=1.0),
                               FrameAnnotation(2, lost, provenance=Provenance.STUDENT, confidence=0.0)])
    window.document.store.put_tracker_outputs("csrt", "run", [(1, found, 1.0), (2, lost, 0.0)])
    window.document.reload()
    window.goto(1)
    assert _title(window).endswith("frame 2: tracked (OpenCV CSRT), found"), _title(window)
    window.goto(2)
    assert _title(window).endswith("frame 3: tracked (OpenCV CSRT), lost: its last box kept"), _title(window)
