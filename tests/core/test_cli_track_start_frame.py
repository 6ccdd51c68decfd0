"""``track --start-frame N`` counts frames from 1, as eval, the progress lines and the studio do; its
output's line 1 is frame N, which eval (line k = frame k) would score against frame 1 without a word."""
from __future__ import annotations

from core.cli import build_parser, main


def test_the_help_says_how_frames_are_counted_and_what_line_1_is():
    parser = build_parser()
    track = next(a for a in parser._actions if a.dest == "command").choices["track"]
    text = " ".join(track.format_help().split())
    assert "counted from 1 (the first frame is 1, as in eval, the progress lines and the studio)" in text
    assert "line 1 of --out is this frame (default 1). eval reads line k as frame k" in text


def test_a_run_from_a_later_frame_says_eval_would_misread_it(tmp_path, capsys):
    """Tracked from frame 3, then ``eval`` of the folder: the 6 boxes of frames 3..8 were scored against
    frames 1..6, with status 0 and no word from either command."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=8)
    out = tmp_path / "results" / "seq.txt"
    out.parent.mkdir()
    assert main(["track", str(seq), "--tracker", "kcf", "--start-frame", "3", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 6
    assert (f"note: line 1 of {out} is frame 3; eval reads line k as frame k, so it would score these boxes "
            "against the wrong frames (track from --start-frame 1 for eval)") in err.splitlines(), err
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out), "--force"]) == 0
    assert "eval reads line k" not in capsys.readouterr().err
