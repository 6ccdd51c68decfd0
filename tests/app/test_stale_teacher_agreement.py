"""The teacher's agreement (the timeline's IoU curve, N's 'the teacher disagrees') after a tracking
run re-tracked frames the teacher had refined."""
from __future__ import annotations

import numpy as np

from app.review import next_attention
from core.annotations.records import FrameAnnotation


def test_re_tracked_frames_drop_the_teachers_stale_agreement(window, pair_files, synthetic, tmp_path):
    """nato_camp: the student lost the person at a cut (frames 22-32), R refined them (the teacher
    followed the wrong box), a box drawn on frame 22 and T re-tracked 23-32 onto the person; the run
    removed the teacher's proposals there as stale, but the timeline kept the teacher's IoU against
    the new boxes (0.00 on every frame) and N said 'frames 23-32: the teacher disagrees (IoU below
    0.50)' of boxes now right -> the teacher's output counts where its proposal still stands, where
    its box was accepted, or where the teacher tracked the box."""
    window.open_pair(*pair_files, store=str(tmp_path / "st.rgbt.sqlite"))
    store = window.document.store
    frames = range(1, 9)
    store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.9) for f in frames])
    far = [(f, np.asarray(synthetic.boxes[f]) + [40.0, 0.0, 0.0, 0.0], 0.5) for f in frames]
    store.put_tracker_outputs("teacher", "teacher-1", far)
    store.put_proposals("teacher-1", [row for row in far if row[0] <= 4])  # 5-8: dropped by a re-track
    window.document.reload()
    iou = window.document.timeline().iou
    assert np.all(iou[1:5] < 0.5)  # proposals waiting: the teacher disagrees there, as before
    assert np.all(np.isnan(iou[5:9]))
    store.clear_proposals([1, 2, 3, 4])
    window.document.reload()
    assert next_attention(window.document.timeline(), 0) == 9  # where tracking stopped; it was frame 2
