"""A long frame title never moves the split between the views (real session, 0117_1605: on a frame
holding a tracked box and a teacher proposal, "Visible  frame 407: tracked (Student), confidence 0.23 |
teacher proposal, confidence 0.44 (A to accept)" was wider than the left pane, the splitter moved
right to fit it, and both pictures shifted and shrank; back on the next frame)."""
from __future__ import annotations


def test_a_title_wider_than_its_pane_is_cut_and_the_panes_stay(window, qtbot):
    window.resize(1000, 700)
    qtbot.wait(50)
    views = window.views
    before = views.splitter.sizes()
    long = ("Visible  frame 407: tracked (Student), confidence 0.23 | teacher proposal, confidence 0.44 "
            "(A to accept) | the picture cannot be decoded")
    views.set_titles(long, "Thermal  (inferno, levels 0-255)")
    qtbot.wait(50)
    assert views.splitter.sizes() == before
    title = views.visible_panel.title
    assert title.text() == long  # the whole text, also in its tooltip
    assert title.toolTip() == long
    shown = title.shown_text()
    assert shown.endswith("\u2026") and long.startswith(shown[:-1])
    assert title.fontMetrics().horizontalAdvance(shown) <= title.width()
    views.set_titles("Visible  frame 1: no box", "Thermal  (inferno, levels 0-255)")
    qtbot.wait(50)
    assert title.shown_text() == "Visible  frame 1: no box" and title.toolTip() == ""


def test_the_teacher_proposal_hint_survives_the_cut_at_1280_wide(window, pair_files, synthetic, tmp_path, qtbot):
    """In a 1280-wide window a frame tracked by CSRT with a teacher proposal was titled
    "Visible  frame 6: tracked (OpenCV CSRT), confidence 0.23 | teacher proposal, confidence 0.4…":
    the cut took the key to press first. The box's state is now cut before the notes after it."""
    import numpy as np

    from core.annotations.records import FrameAnnotation, Provenance

    window.resize(1280, 820)
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    box = np.asarray(synthetic.boxes[5], dtype=np.float64)
    # CSRT has no score: 0 where OpenCV lost the target (the teacher then proposes), said as such
    window.document.store.put([FrameAnnotation(5, box, provenance=Provenance.STUDENT, confidence=0.0)])
    window.document.store.put_tracker_outputs("csrt", "run", [(5, box, 0.0)])
    window.document.store.put_proposals("test", [(5, box + 1.0, 0.44)])
    window.document.reload()
    window.goto(5)
    qtbot.wait(50)
    title = window.views.visible_panel.title
    hint = " | teacher proposal, confidence 0.44 (A to accept)"
    assert title.text() == f"Visible  frame 6: tracked (OpenCV CSRT), lost: its last box kept{hint}"
    shown = title.shown_text()
    assert shown != title.text() and title.toolTip() == title.text()  # cut: the whole text in the tooltip
    assert shown.endswith("\u2026" + hint) and shown.startswith("Visible  frame 6: tracked")
    assert title.fontMetrics().horizontalAdvance(shown) <= title.width()
    window.resize(1700, 820)  # room for all of it: shown whole
    qtbot.wait(50)
    assert title.shown_text() == title.text() and title.toolTip() == ""


def test_a_pane_too_narrow_for_the_kept_end_cuts_the_whole_title_from_the_right(qtbot):
    from app.views.paired_view import PaneTitle

    title = PaneTitle()
    qtbot.addWidget(title)
    title.resize(160, 20)
    title.setText("Visible  frame 6: tracked (Student)", " | teacher proposal, confidence 0.44 (A to accept)")
    shown = title.shown_text()
    assert shown.startswith("Visible") and shown.endswith("\u2026")
    assert title.text() == "Visible  frame 6: tracked (Student) | teacher proposal, confidence 0.44 (A to accept)"


def test_a_title_is_cut_between_words_never_inside_a_number(qtbot):
    """0117_1605 at 1280 wide, a frame with a teacher proposal: the title read "Visible  frame 299: tracked
    (Student), confidence 0\u2026 | teacher proposal, confidence 0.42 (A to accept)", the cut inside 0.37
    read as a confidence of 0. The cut now falls between words."""
    from app.views.paired_view import TITLE_PADDING, PaneTitle

    title = PaneTitle()
    qtbot.addWidget(title)
    head, keep = "Visible  frame 299: tracked (Student), confidence 0.37", " | teacher proposal, confidence 0.42 (A to accept)"
    metrics = title.fontMetrics()
    # room for the head up to "0" and the ellipsis: Qt's own cut falls inside the number
    title.resize(metrics.horizontalAdvance(head[:-3] + "\u2026" + keep) + 2 * TITLE_PADDING + 2, 20)
    title.setText(head, keep)
    assert title.shown_text() == "Visible  frame 299: tracked (Student), confidence\u2026" + keep
    title.resize(metrics.horizontalAdvance("Visible  frame 299: trac\u2026") + 2 * TITLE_PADDING + 2, 20)
    title.setText("Visible  frame 299: tracked (Student)")
    assert title.shown_text() == "Visible  frame 299\u2026"
