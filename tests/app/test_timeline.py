"""The timeline: clicks jump, the teacher's agreement drawn."""
from __future__ import annotations


def test_timeline_click_jumps(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    window.timeline.frame_clicked.emit(17)
    assert window.frame == 17 and window.transport.slider.value() == 17
    window.actions["range"].setChecked(True)
    assert window.timeline.selected_range()[0] == 17


def _pixels_of(widget, colour: str) -> int:
    """How many pixels of the timeline's plot area (not its legend) are near ``colour``."""
    from PySide6.QtGui import QColor

    widget.repaint()
    image = widget.grab().toImage()
    vb = widget.getViewBox()
    area = widget.mapFromScene(vb.sceneBoundingRect()).boundingRect()
    want = QColor(colour)
    count = 0
    for y in range(max(area.top(), 0), min(area.bottom(), image.height())):
        for x in range(max(area.left(), 0), min(area.right(), image.width())):
            pixel = image.pixelColor(x, y)
            if abs(pixel.red() - want.red()) + abs(pixel.green() - want.green()) + abs(pixel.blue() - want.blue()) < 60:
                count += 1
    return count


def test_one_refined_frame_shows_its_teacher_agreement_on_the_timeline(qtbot):
    """R on the current frame (its default) gives the teacher-student IoU of one frame: the
    curve, drawn only between neighbouring values, showed nothing for it (and nothing for a
    confidence with no neighbour)."""
    import numpy as np

    from app.review import TimelineData
    from app.style import TIMELINE_COLOURS
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(600, 150)
    timeline.show()
    data = TimelineData.empty(60)
    data.iou[28] = 0.63
    data.confidence[40] = 0.8
    timeline.set_data(data)
    assert _pixels_of(timeline, TIMELINE_COLOURS["iou"]) > 4
    assert _pixels_of(timeline, TIMELINE_COLOURS["confidence"]) > 4
    data.iou[29] = 0.7  # two neighbours: the line, no dots
    timeline.set_data(data)
    assert len(timeline.iou_dots.data) == 0 and np.isfinite(data.iou).sum() == 2
