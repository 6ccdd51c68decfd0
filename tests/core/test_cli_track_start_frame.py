"""``track --start-frame N`` counts frames from 1, as eval, the progress lines and the studio do. Its output
kept line k = frame k only for runs from frame 1: line 1 was frame N, which eval (line k = frame k) scored
against frame 1 without a word. Now the frames before N are ``0,0,0,0`` lines (the benchmark layouts' row for
no box), and eval leaves such leading rows out of the scores: the round trip scores each box against its own
frame."""
from __future__ import annotations

import numpy as np
import pytest

from core.cli import build_parser, main


def test_the_help_says_how_frames_are_counted_and_what_line_k_is():
    parser = build_parser()
    track = next(a for a in parser._actions if a.dest == "command").choices["track"]
    text = " ".join(track.format_help().split())
    assert "counted from 1 (the first frame is 1, as in eval, the progress lines and the studio)" in text
    assert "Line k of --out is frame k: the frames before N are 0,0,0,0 lines (no box), which eval leaves out" in text


@pytest.mark.parametrize("protocol", ["lasher", "rgbt234", "gtot"])
def test_a_run_from_a_later_frame_is_scored_against_its_own_frames(protocol, tmp_path, capsys):
    """Tracked from frame 3, then ``eval`` of the folder: the 6 boxes of frames 3..8 were scored against
    frames 1..6, with status 0 and no word from either command. Now eval's scores are those of the boxes
    against frames 3..8, the run's first frame playing frame 1's part (LasHeR takes it from the GT)."""
    from core.metrics import evaluate_arrays, get_protocol
    from core.metrics.api import evaluate_folder
    from core.metrics.readers import read_box_rows
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=8)
    if protocol == "gtot":  # the same boxes as GTOT corners
        for name, gt_name in (("visible.txt", "groundTruth_v.txt"), ("infrared.txt", "groundTruth_i.txt")):
            rows = read_box_rows(seq / name)
            (seq / gt_name).write_text("".join(f"{x:g} {y:g} {x + w:g} {y + h:g}\n" for x, y, w, h in rows))
    out = tmp_path / "results" / "seq.txt"
    out.parent.mkdir()
    assert main(["track", str(seq), "--tracker", "kcf", "--start-frame", "3", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert len(lines) == 8 and lines[:2] == ["0,0,0,0", "0,0,0,0"], lines
    truth = read_box_rows(seq / "visible.txt")
    np.testing.assert_allclose([float(v) for v in lines[2].split(",")], truth[2], atol=0.01)  # the start box
    assert (f"note: line k of {out} is frame k: lines 1..2 are 0,0,0,0 (before the start frame, not tracked), "
            "which eval leaves out of the scores") in err.splitlines(), err

    report = evaluate_folder(out.parent, seq.parent, protocol, attributes=False)
    from core.metrics.readers import sequence_gt

    gt = sequence_gt(seq.parent, "seq", protocol)
    infrared = None if gt.infrared is None else gt.infrared[2:]
    expected = evaluate_arrays(get_protocol(protocol), {"seq": read_box_rows(out)[2:]},
                               {"seq": (gt.visible[2:], infrared)})
    assert report.scores == pytest.approx(expected.scores), (report.scores, expected.scores)
    assert any("rows 1..2 0,0,0,0 before the first box: a run started on ground-truth row 3" in n
               for n in report.notes), report.notes

    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out), "--force"]) == 0
    assert "0,0,0,0" not in capsys.readouterr().err and "0,0,0,0" not in out.read_text()


def test_under_vtuav_the_note_names_ground_truth_rows_not_a_track_command():
    """VTUAV keeps every 10th result row: 10 leading 0,0,0,0 rows are one ground-truth row, and the note said
    'as `track --start-frame 2` writes it', which would write one such row, not ten."""
    from core.metrics import frame_errors, get_protocol

    box = [10.0, 10.0, 20.0, 20.0]
    results = np.array([[0.0] * 4] * 10 + [box] * 20)
    fe = frame_errors(get_protocol("vtuav"), "s", results, np.array([box] * 3))
    assert fe.notes[0] == "row 1 0,0,0,0 before the first box: a run started on ground-truth row 2, scored from there"
    assert not fe.counted[0] and fe.counted[1:].all() and (fe.overlap[1:] == 1).all()
