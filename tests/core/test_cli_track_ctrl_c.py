"""Ctrl+C (or SIGTERM) during ``track`` said only 'cancelled', after minutes of tracking: not
how far the run got, nor that --out was not written (it is written once, at the end), nor that
an existing --out given with --force is as it was."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main


def _sequence(folder: Path, frames: int = 8) -> Path:
    """A LasHeR-layout synthetic sequence of ``frames`` frames (96x80) with its ground truth."""
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    config = SyntheticConfig(width=96, height=80, num_frames=frames)
    run_to_end(write_lasher(SyntheticSequence(config, 5, name=folder.name, cache_frames=0), folder))
    return folder


@pytest.fixture
def stop_after(monkeypatch):
    """Make ``track``'s run stop (KeyboardInterrupt, as Ctrl+C raises) after ``n`` reports."""
    import core.tracking.run as tracking_run

    real = tracking_run.track_sequence

    def arm(n: int) -> None:
        def stopping(*args, **kwargs):
            job = real(*args, **kwargs)
            for _ in range(n):
                yield next(job)
            raise KeyboardInterrupt

        monkeypatch.setattr(tracking_run, "track_sequence", stopping)

    return arm


def test_ctrl_c_says_how_far_the_run_got_and_that_nothing_was_written(tmp_path, capsys, stop_after):
    seq = _sequence(tmp_path / "data" / "walk")
    out, scores = tmp_path / "boxes.txt", tmp_path / "scores.txt"
    stop_after(4)
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out), "--scores", str(scores)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"track: stopped at frame 4 of 8 (3 frames tracked from frame 1); nothing was written ({out} and {scores} "
        "are written when the run ends)", "cancelled"]
    assert not out.exists() and not scores.exists()


def test_ctrl_c_keeps_an_existing_out_given_with_force_and_says_so(tmp_path, capsys, stop_after):
    seq = _sequence(tmp_path / "data" / "walk")
    out = tmp_path / "boxes.txt"
    out.write_text("1,2,3,4\n")
    stop_after(1)
    assert main(["track", str(seq), "--tracker", "kcf", "--start-frame", "3", "--out", str(out), "--force"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"track: stopped before the first frame was tracked; nothing was written ({out} is as it was)", "cancelled"]
    assert out.read_text() == "1,2,3,4\n"
