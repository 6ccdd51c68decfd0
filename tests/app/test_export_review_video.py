"""File > Export > Review video: the annotations drawn on the footage as an MP4, written the way
every export is (checked first, an earlier video replaced only after asking, any other file
never overwritten)."""
from __future__ import annotations

import cv2

from tests.app.test_new_user_defects import Answers


def _frame_count(path) -> int:
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count


def test_review_video_export(window, pair_files, synthetic, tmp_path):
    from app.dialogs.export_dialog import entry

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    target = entry("review-video").file_name(tmp_path / "walk")
    assert target.name == "walk.mp4"  # a bare name gets the video's suffix
    window.ask_hook = Answers()
    assert window.export_checked("review-video", target)
    assert _frame_count(target) == 24
    assert window.statusBar().currentMessage() == f"exported to {target}"
    window.ask_hook = Answers("Replace")  # an earlier review video: asked about, then replaced
    assert window.export_checked("review-video", target)
    assert len(window.ask_hook.asked) == 1 and _frame_count(target) == 24


def test_a_file_that_is_no_video_is_never_overwritten(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("review-video", notes)
    assert window.ask_hook.asked == [] and notes.read_text() == "not a video"
    assert "not an earlier export (an MP4 or AVI video)" in str(window.last_error)
    assert not window.export_checked("review-video", pair_files[0])  # the footage itself
    assert "the review video is the visible frames of the sequence" in str(window.last_error)
