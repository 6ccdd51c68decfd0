"""Boxes imported from a file (File > Import boxes, Ctrl+I) are marked on the timeline, in the grey the
views draw imported boxes in (``app.style.PROVENANCE_COLOURS``). Before, the timeline marked tracked,
checked and flagged frames but no imported one: a sequence with 300 imported boxes showed an empty
timeline, and nothing told where the imported labels began or ended."""
from __future__ import annotations

import numpy as np

from tests.app.test_timeline import _pixels_of


def test_imported_frames_are_in_the_timeline_data(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "i.rgbt.sqlite"))
    rows = "".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[:8])
    path = tmp_path / "labels.csv"
    path.write_text("x,y,w,h\n" + rows)
    window.ask_hook = lambda title, text, choices: "Checked labels"
    window.imports.import_box_file(str(path))
    data = window.document.timeline()
    assert np.flatnonzero(data.imported).tolist() == list(range(8))
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3] + 2.0)  # a correction: a drawn box now
    assert np.flatnonzero(window.document.timeline().imported).tolist() == [0, 1, 2, 4, 5, 6, 7]
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert not window.document.timeline().imported.any()


def test_the_timeline_draws_imported_frames_in_the_imported_grey(qtbot):
    from app.review import TimelineData
    from app.style import PROVENANCE_COLOURS
    from app.views.timeline import TimelineWidget, legend_html

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(600, 150)
    timeline.show()
    data = TimelineData.empty(60)
    timeline.set_data(data)
    assert _pixels_of(timeline, PROVENANCE_COLOURS["imported"]) == 0
    data.imported[10:40] = True
    timeline.set_data(data)
    assert _pixels_of(timeline, PROVENANCE_COLOURS["imported"]) > 100
    assert f'<span style="color:{PROVENANCE_COLOURS["imported"]}">' in legend_html()
    assert "imported" in legend_html()


def test_pre_labels_from_a_file_are_marked_until_tracking_replaces_them(window, pair_files, synthetic, tmp_path):
    """Pre-labels (Import boxes as "Pre-labels to correct") are machine boxes with no tracker score: no
    confidence curve, no mark, where they now have an orange bar (the tracker's colour, as in the views)."""
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    rows = "".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[:8])
    path = tmp_path / "pre.csv"
    path.write_text("x,y,w,h\n" + rows)
    window.ask_hook = lambda title, text, choices: "Pre-labels to correct"
    window.imports.import_box_file(str(path))
    data = window.document.timeline()
    assert np.flatnonzero(data.prelabel).tolist() == list(range(8)) and not data.imported.any()
    window.goto(4)
    window.views.box_drawn.emit("visible", synthetic.boxes[4])
    window.actions["track"].trigger()  # tracked boxes (with a score) replace frames 5-7
    assert np.flatnonzero(window.document.timeline().prelabel).tolist() == [0, 1, 2, 3]


def test_the_timeline_draws_pre_labels_in_the_trackers_orange(qtbot):
    from app.review import TimelineData
    from app.style import PROVENANCE_COLOURS
    from app.views.timeline import TimelineWidget, legend_html

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(600, 150)
    timeline.show()
    data = TimelineData.empty(60)
    data.prelabel[5:30] = True
    timeline.set_data(data)
    assert _pixels_of(timeline, PROVENANCE_COLOURS["student"]) > 100
    assert "pre-labels" in legend_html()
