"""The timeline: clicks jump, the teacher's agreement drawn."""
from __future__ import annotations

import pytest


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


def _axis_labels(timeline) -> dict[str, float]:
    """The frame labels the timeline's bottom axis draws: text -> left edge of its rectangle in the
    widget's pixels."""
    from PySide6.QtGui import QImage, QPainter

    timeline.repaint()
    axis = timeline.getPlotItem().getAxis("bottom")
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return {text: timeline.mapFromScene(axis.mapToScene(rect.topLeft())).x() for rect, _flags, text in texts}



@pytest.mark.parametrize("width", [700, 1400])
@pytest.mark.parametrize("num_frames", [24, 300, 560, 1000, 25000])
def test_the_first_frame_keeps_its_label_on_long_sequences(qtbot, width, num_frames):
    """From some 560 frames on (at the studio's width) the timeline's axis read "101 201 ..." with no
    "1": the first frame's label, centred a pixel or two from the axis's start, stuck out of the axis
    and pyqtgraph dropped it. Frame 1 is always labelled, inside the widget."""
    from app.review import TimelineData
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(width, 150)
    timeline.show()
    timeline.set_data(TimelineData.empty(num_frames))
    labels = _axis_labels(timeline)
    assert "1" in labels, sorted(labels)
    assert labels["1"] >= 0


class _Drag:
    """A stand-in for pyqtgraph's MouseDragEvent at scene point ``pos`` (from ``last``)."""

    def __init__(self, pos, last, button, modifiers):
        from PySide6.QtCore import Qt

        self._pos, self._last, self._button = pos, last, button
        self._modifiers = modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier
        self.accepted = False

    def button(self):
        return self._button

    def modifiers(self):
        return self._modifiers

    def scenePos(self):
        return self._pos

    def lastScenePos(self):
        return self._last

    def accept(self):
        self.accepted = True


def test_a_drag_across_the_timeline_scrubs_and_shift_drag_pans(window, pair_files, tmp_path, qtbot):
    """Pressing on the timeline and dragging panned the plot: only the thin cursor line could be
    dragged, and the frame changed only when it was let go. Video editors scrub: the frames
    follow the pointer. Shift+drag pans, as a plain drag did."""
    from PySide6.QtCore import QPointF, Qt

    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    timeline = window.timeline
    vb = timeline.getViewBox()
    seen = []
    timeline.frame_clicked.connect(seen.append)
    for frame in (3.2, 7.6, 7.9, 12.0):  # one jump per frame passed, not per mouse move
        point = vb.mapViewToScene(QPointF(frame, 0.5))
        vb.mouseDragEvent(_Drag(point, point, Qt.MouseButton.LeftButton, None))
    assert seen == [3, 8, 12] and window.frame == 12
    vb.setXRange(5, 15, padding=0)
    before = vb.viewRange()[0]
    start, end = vb.mapViewToScene(QPointF(10, 0.5)), vb.mapViewToScene(QPointF(8, 0.5))
    drag = _Drag(end, start, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    vb.mouseDragEvent(drag)
    after = vb.viewRange()[0]
    assert drag.accepted and after[0] == pytest.approx(before[0] + 2) and window.frame == 12
