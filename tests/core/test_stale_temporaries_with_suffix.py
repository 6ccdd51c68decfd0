"""A killed writer's temporary that carries its target's suffix is swept by the next writer.

``atomic_path(target, suffix=".mp4")`` (the review video: OpenCV picks the container by the
name; also ``.npy``, ``.png``, ``.onnx``, ``.pth`` writers) names its temporary
``.<name>.<pid>.<random>.mp4``; the sweep knew only ``.tmp``, ``.pt`` and ``.probe``, so a studio
killed while writing a review video left its partial video, hundreds of MB, hidden beside the
target for good.
"""
from __future__ import annotations

import os
import subprocess
import sys
import warnings

from core.fileio import CleanupNote, atomic_path

KILLED_WRITER = """
import os, sys
from pathlib import Path
from core.fileio import atomic_path
target = Path(sys.argv[1])
with atomic_path(target, suffix=target.suffix) as tmp:
    tmp.write_bytes(b"partial video")
    os._exit(9)  # killed midway: no clean-up runs
"""


def _killed_writer(target) -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    assert subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], cwd=root).returncode == 9


def test_a_killed_review_video_s_temporary_is_swept_by_the_next_one(tmp_path):
    target = tmp_path / "walk-review.mp4"
    _killed_writer(target)
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".walk-review.mp4.")]
    assert len(left) == 1 and left[0].suffix == ".mp4"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with atomic_path(target, suffix=".mp4") as tmp:
            tmp.write_bytes(b"video")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk-review.mp4"]
    assert any(issubclass(w.category, CleanupNote) and str(left[0]) in str(w.message) for w in caught)


def test_a_live_writer_s_and_look_alikes_without_a_process_id_are_kept(tmp_path):
    target = tmp_path / "walk-review.mp4"
    live = tmp_path / f".walk-review.mp4.{os.getpid()}.abcd1234.mp4"  # this process: still writing
    no_pid = tmp_path / ".walk-review.mp4.abcd1234.mp4"  # not a name the writers of this version give
    for path in (live, no_pid):
        path.write_bytes(b"x")
    with atomic_path(target, suffix=".mp4") as tmp:
        tmp.write_bytes(b"video")
    assert live.exists() and no_pid.exists()
