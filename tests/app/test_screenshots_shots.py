"""The screenshot script's shots of the features users meet (``app.screenshots``), offscreen on the
small synthetic pair: the comparison with the ground truth (18), the thermal levels and their dialog
(19, 20), and the first run's demo (01), which showed the opening message where a first run shows
what to do first."""
from __future__ import annotations

import re

import numpy as np
import pytest

from app.project import demo_request


class Shots:
    """The ``shot(name, widget=None)`` of ``app.screenshots._shoot``: each picture saved under
    ``folder``, with what the window showed when it was taken (``seen[name]``)."""

    def __init__(self, window, folder):
        self.window, self.folder, self.seen = window, folder, {}

    def __call__(self, name, widget=None):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        widget = widget or self.window
        assert widget.grab().save(str(self.folder / f"{name}.png"))
        window = self.window
        glue = getattr(window, "reference", None)
        self.seen[name] = {
            "widget": widget, "frame": window.frame, "message": window.statusBar().currentMessage(),
            "thermal_title": window.views.thermal_panel.title.text(),
            "reference_boxes": {m: item.isVisible() and item.box() is not None for m, item in glue.items.items()},
            "reference_label": glue.label.isVisible() and glue.label.text(),
            "reference_curve": window.timeline.reference_curve.isVisible(),
        }


def _compared_pair(window, pair_files, synthetic, tmp_path, monkeypatch, reference_absent=()):
    """The pair tracked with frames 8-15 far off the target (the student's box on the other side of
    the frame) and a ground truth that marks ``reference_absent`` absent."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    boxes = synthetic.boxes[:24]
    off = {f: np.array([2.0, 2.0, boxes[f][2], boxes[f][3]]) for f in range(8, 16)}
    window.document.execute(SetRecords([FrameAnnotation(f, off.get(f, boxes[f]), provenance="student",
                                                        confidence=0.8) for f in range(24)], label="track"))
    truth = {f: (FrameAnnotation(f, None, absent=True, provenance="imported") if f in reference_absent else
                 FrameAnnotation(f, boxes[f], provenance="imported")) for f in range(24)}
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: dict(truth), raising=False)
    return window


@pytest.mark.parametrize("reference_absent", [(), (8, 9)], ids=["boxes", "ground-truth-absent-first"])
def test_the_comparison_shot_shows_both_boxes_where_they_disagree_then_goes(window, pair_files, synthetic,
                                                                            tmp_path, monkeypatch, reference_absent):
    """18: the worst stretch's frame (IoU 0 throughout, its worst the first frame) is one the ground
    truth marks absent in the second case, with no cyan box to see: the shot is on a frame of the
    stretch where both have a box, with the IoU curve and the scores; then the comparison is off."""
    from app.screenshots import shoot_comparison

    _compared_pair(window, pair_files, synthetic, tmp_path, monkeypatch, reference_absent)
    shots = Shots(window, tmp_path)
    shoot_comparison(window, shots)
    seen = shots.seen["18-compare-ground-truth"]
    assert 8 <= seen["frame"] < 16 and seen["frame"] not in reference_absent
    assert seen["reference_boxes"] == {"visible": True, "thermal": True}
    assert seen["reference_curve"] and re.match(r"the ground truth: IoU 0\.[0-4]\d here · success ", seen["reference_label"])
    assert seen["message"].startswith("M jumps to where they disagree most; vs the ground truth (rgbt234 rules, ")
    assert (tmp_path / "18-compare-ground-truth.png").stat().st_size > 0
    # off again: the shots after it show what they showed without it
    assert window.reference.reference is None and not window.actions["compare_gt"].isChecked()
    assert not window.timeline.reference_curve.isVisible() and not window.reference.label.isVisible()
    assert window.document.undo_stack.count() == 1  # the project's boxes untouched


def test_the_levels_shots_show_the_stretch_and_the_dialog_ctrl_l_opens(window, pair_files, tmp_path):
    """19: L's auto stretch, named in the thermal pane's title and the status bar; 20: the dialog Ctrl+L
    opens (taken from inside its event loop, then cancelled: the auto stretch stays)."""
    from app.dialogs.levels_dialog import LevelsDialog
    from app.screenshots import shoot_levels

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    shots = Shots(window, tmp_path)
    shoot_levels(window, shots)
    assert list(shots.seen) == ["19-thermal-levels", "20-levels-dialog"]
    assert "auto levels" in shots.seen["19-thermal-levels"]["thermal_title"]
    assert shots.seen["19-thermal-levels"]["message"].startswith("thermal levels ")
    dialog = shots.seen["20-levels-dialog"]["widget"]
    assert isinstance(dialog, LevelsDialog) and dialog.auto.isChecked()
    assert not dialog.isVisible()  # cancelled
    assert window.settings.levels_mode == "auto" and "auto levels" in window.views.thermal_panel.title.text()
    for name in shots.seen:
        assert (tmp_path / f"{name}.png").stat().st_size > 0


def test_grab_modal_says_when_no_dialog_opened(window, tmp_path):
    from app.screenshots import grab_modal

    with pytest.raises(RuntimeError, match="20-levels-dialog: no dialog opened"):
        grab_modal(Shots(window, tmp_path), "20-levels-dialog", lambda: None)


@pytest.mark.skipif(demo_request() is None, reason="the bundled demo pair is absent")
def test_the_first_shot_shows_what_the_first_run_says(window):
    """01 is the first run's demo: its status bar says what to do first (``app.commands.run``); the
    picture showed the opening message instead ("opened demo: 300 frames at 30 fps ...")."""
    from app.commands import window_hint
    from app.screenshots import open_first_run
    from app.settings import StudioSettings

    window.settings = StudioSettings()  # a first run
    open_first_run(window, demo_request())
    assert window.document is not None and window.document.info.name == "demo"
    assert window.statusBar().currentMessage() == window_hint(window)
