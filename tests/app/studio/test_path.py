"""The user's whole path in a real window: open, draw, track, correct, re-track, refine a
range with the teacher, accept, undo/redo, flags, export, reopen. Asserts on the store
and on the exported files."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.studio.sources import Source
from core.annotations.records import Provenance
from core.annotations.store import AnnotationStore
from tests.app.studio.conftest import FRAMES
from tests.app.studio.helpers import drag, open_and_wait, wait_idle


def key(window, k, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window, k, modifier)


def snapshot(records):
    return {f: (r.provenance, None if r.box is None else tuple(np.round(r.box, 6)), r.absent, r.keyframe)
            for f, r in records.items()}


def test_whole_path(qtbot, make_window, tiny_pair, tmp_path):
    visible, thermal = tiny_pair
    store_path = tmp_path / "tiny.rgbt.sqlite"
    window = make_window()

    # 1. open (worker thread), first frame shown
    project = open_and_wait(qtbot, window, Source.pair(visible, thermal), store_path)
    assert project.num_frames == FRAMES
    assert window.pair is not None and window.pair.visible.shape == (96, 128, 3)
    assert window.transport.label.text().startswith(f"frame 1 / {FRAMES}")

    # 3. draw the initial box by dragging on the THERMAL view: shown on both views
    drag(window.paired.thermal, (40, 30), (70, 60))
    first = project.records[0]
    assert first.provenance == Provenance.MANUAL and first.keyframe
    np.testing.assert_allclose(first.box, [40, 30, 30, 30], atol=1.0)
    assert window.paired.visible.box_item.roi.isVisible() and window.paired.thermal.box_item.roi.isVisible()

    # 4. track (T) to the end in the worker; one undo step
    key(window, Qt.Key.Key_T)
    wait_idle(qtbot, window)
    stored = AnnotationStore.open(store_path)
    try:
        records = stored.records()
        assert sorted(records) == list(range(FRAMES))
        assert all(records[f].provenance == Provenance.STUDENT for f in range(1, FRAMES))
        assert all(0.0 <= records[f].confidence <= 1.0 for f in range(1, FRAMES))
        assert len(stored.tracker_outputs("student")) == FRAMES - 1
    finally:
        stored.close()
    assert project.undo_stack.count() == 2  # the box, the whole run
    first_run = snapshot(project.records)

    # 6. correct frame 8 by moving its box -> manual keyframe
    window.go_to(8)
    roi = window.paired.visible.box_item.roi
    roi.setPos((20.0, 20.0))  # finish=True: like the end of a drag
    assert project.records[8].provenance == Provenance.MANUAL and project.records[8].keyframe
    np.testing.assert_allclose(project.records[8].box[:2], [20.0, 20.0])
    manual_8 = project.records[8]

    # re-track from frame 3: stops before the manual keyframe 8, never overwrites it
    window.go_to(3)
    key(window, Qt.Key.Key_T)
    wait_idle(qtbot, window)
    assert project.records[8] == manual_8
    assert "stopped before manual keyframe 9" in window.statusBar().currentMessage()
    assert project.undo_stack.undoText() == "track 4 frames from 4"
    assert all(project.records[f].provenance == Provenance.STUDENT for f in range(4, 8))

    # 5. teacher refines a range: proposals only, records unchanged
    before_refine = snapshot(project.records)
    window.refine_frames([9, 10, 11])
    wait_idle(qtbot, window)
    assert sorted(project.proposals) == [9, 10, 11]
    assert snapshot(project.records) == before_refine
    window.go_to(10)
    assert window.paired.visible.proposal.item.isVisible()
    # accept the range (Shift+A)
    key(window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert all(project.records[f].provenance == Provenance.TEACHER for f in (9, 10, 11))
    assert project.proposals == {}
    series = window.series()
    assert np.isfinite(series.agreement[[9, 10, 11]]).all()  # teacher-student IoU on the timeline

    # 8. undo / redo with the keyboard
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(project.records) == before_refine and sorted(project.proposals) == [9, 10, 11]
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert all(project.records[f].provenance == Provenance.TEACHER for f in (9, 10, 11))
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # accept
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the re-track run, one step
    after = snapshot(project.records)
    assert all(after[f] == first_run[f] for f in range(4, 8))
    assert after[8] == snapshot({8: manual_8})[8]
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert snapshot(project.records) == before_refine

    # absent (O) and occluded (Q) flags
    window.go_to(6)
    key(window, Qt.Key.Key_O)
    assert project.records[6].absent and project.records[6].box is None
    window.go_to(5)
    key(window, Qt.Key.Key_Q)
    assert project.records[5].occluded and project.records[5].provenance == Provenance.MANUAL

    # 9. export: LasHeR layout and GOT-10k
    from app.studio.dialogs.export_dialog import EXPORT_CHOICES

    labels = {v[0]: k for k, v in EXPORT_CHOICES.items()}
    lasher = tmp_path / "out-lasher"
    window.exporter.export(labels["lasher"], project.sequence, project.records, lasher)
    qtbot.waitUntil(lambda: not window.exporter.busy, timeout=30000)
    rows = (lasher / "visible.txt").read_text().splitlines()
    assert len(rows) == FRAMES and len(list((lasher / "infrared").glob("*.jpg"))) == FRAMES
    np.testing.assert_allclose([float(v) for v in rows[8].split(",")], manual_8.box, atol=0.01)
    assert [float(v) for v in rows[6].split(",")] == [0, 0, 0, 0]
    got = tmp_path / "out-got"
    window.exporter.export(labels["got10k"], project.sequence, project.records, got)
    qtbot.waitUntil(lambda: not window.exporter.busy, timeout=30000)
    name = project.info.name
    absence = (got / name / "absence.label").read_text().split()
    assert absence[6] == "1" and absence.count("1") == 1

    # reopen: a new window on the project file shows exactly what was stored
    final = snapshot(project.records)
    window.close()
    again = make_window()
    reopened = open_and_wait(qtbot, again, None, store_path)
    assert snapshot(reopened.records) == final
    assert again.frame == 5  # the frame the user was on
