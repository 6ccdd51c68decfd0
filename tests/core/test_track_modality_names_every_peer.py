"""``track --modality thermal`` with the student said '--modality applies to the OpenCV trackers
(csrt, kcf)', leaving out MIL, which takes it too (``--tracker mil --modality thermal``)."""
from __future__ import annotations

from core.cli import main
from core.trackers import peer_kinds


def test_the_refusal_names_every_opencv_tracker(tmp_path, capsys):
    assert "mil" in peer_kinds()
    code = main(["track", str(tmp_path / "none"), "--modality", "thermal", "--out", str(tmp_path / "b.txt")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--modality applies to the OpenCV trackers ({', '.join(peer_kinds())}), not to the student" in err
