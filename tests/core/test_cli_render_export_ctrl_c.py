"""Ctrl+C (or SIGTERM) during render (a review video of a long sequence: minutes) and
export-distill (the teacher on every checked frame) said only 'cancelled': not that --out was
not written (each is written once, at the end), nor that an earlier --out given with --force is
as it was. Both now say it, as track, pseudo-labels and distill --data do."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.safety.conftest import make_sequence


def _stopping(*args, **kwargs):
    from core.progress import Progress

    yield Progress(1, 8, "frame 1")
    raise KeyboardInterrupt


@pytest.fixture
def seq(tmp_path):
    return make_sequence(tmp_path / "walk", frames=8)


def test_render_stopped_says_nothing_was_written(seq, tmp_path, capsys, monkeypatch):
    import core.annotations.review_video as review_video

    monkeypatch.setattr(review_video, "render_review_video", _stopping)
    out = tmp_path / "review.mp4"
    assert main(["render", str(seq), "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"render: stopped; nothing was written ({out} is written when the run ends)", "cancelled"]
    assert not out.exists()


def test_export_distill_stopped_keeps_an_earlier_file_and_says_so(seq, tmp_path, capsys, monkeypatch):
    import core.distillation.export as export

    monkeypatch.setattr(export, "export_distillation", _stopping)
    out = tmp_path / "d.h5"
    out.write_bytes(b"earlier")
    assert main(["export-distill", str(seq), "--out", str(out), "--force", "--random-weights"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"export-distill: stopped; nothing was written ({out} is as it was)", "cancelled"]
    assert out.read_bytes() == b"earlier"
