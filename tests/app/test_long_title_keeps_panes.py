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
