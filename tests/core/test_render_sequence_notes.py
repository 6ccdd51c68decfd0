"""render of a visible + thermal pair whose frame counts differ wrote a review video as long as
the shorter stream without a word (track says 'note: frame counts differ: visible 12, thermal 8;
using the common length'); it now prints what the sequence adapted on opening, as track does."""
from __future__ import annotations

import cv2
import numpy as np

from core.cli import main


def _video(path, frames: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for k in range(frames):
        frame = np.full((48, 64, 3), 40, np.uint8)
        cv2.rectangle(frame, (10 + k, 10), (30 + k, 30), (200, 180, 160), -1)
        writer.write(frame)
    writer.release()


def test_render_says_the_streams_frame_counts_differ(tmp_path, capsys):
    visible, thermal = tmp_path / "visible.avi", tmp_path / "thermal.avi"
    _video(visible, 12)
    _video(thermal, 8)
    out = tmp_path / "review.mp4"
    assert main(["render", str(visible), str(thermal), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "note: frame counts differ: visible 12, thermal 8; using the common length" in err, err
    assert out.is_file()


def test_render_of_one_stream_does_not_speak_of_the_stand_in_it_never_shows(tmp_path, capsys):
    """A visible-only sequence's note 'the thermal stream is the visible frame's luminance' is
    the studio's and track's; the review video shows the visible stream alone."""
    visible = tmp_path / "clip.avi"
    _video(visible, 6)
    out = tmp_path / "review.mp4"
    assert main(["render", str(visible), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "only sequence:" not in err and out.is_file(), err
