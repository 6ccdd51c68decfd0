"""The question before a box file's import ("Import boxes as") says what the file holds, as the
import reads it: it said "one box per line (x,y,w,h...)" of GTOT's groundTruth_v.txt, whose rows
are corners x1 y1 x2 y2 (read so), and nothing of a file shorter than the footage."""
from __future__ import annotations

from tests.app.test_box_file_import import _answers


def test_the_question_says_gtot_rows_are_corners(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "groundTruth_v.txt"
    path.write_text("".join(f"{10 + f} 20 {40 + f} 60\n" for f in range(window.document.num_frames)))
    window.ask_hook = hook = _answers("Cancel")
    window.imports.import_box_file(str(path))
    (title, text, _choices), = hook.asked
    assert title == "Import boxes as"
    assert text.startswith("groundTruth_v.txt holds GTOT corners x1 y1 x2 y2 (top-left, bottom-right), one row "
                           "per frame")
    assert "x,y,w,h" not in text


def test_the_question_names_mot_rows(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "gt.txt"
    path.write_text("1,3,10,10,20,20,1,-1,-1,-1\n2,3,11,10,20,20,1,-1,-1,-1\n")
    window.ask_hook = hook = _answers("Cancel")
    window.imports.import_box_file(str(path))
    assert hook.asked[0][1].startswith("gt.txt holds MOT rows frame,id,x,y,w,h,..., frame-numbered rows")
    assert not window.document.records


def test_a_file_shorter_than_the_footage_is_said_before_and_after(window, pair_files, synthetic, tmp_path):
    """A 113-row file (another video's boxes) imported as pre-labels into a 560-frame pair replaced
    112 tracked boxes without a word: rows past the end were said, rows short of it were not."""
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    frames = window.document.num_frames
    path = tmp_path / "other.txt"
    path.write_text("".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[:5]))
    short = (f"the file's 5 rows end before the footage's {frames} frames: frames 6-{frames} get no box from it")
    window.ask_hook = hook = _answers("Pre-labels to correct")
    window.imports.import_box_file(str(path))
    assert short in hook.asked[0][1]
    assert short in window.statusBar().currentMessage()
    assert len(window.document.records) == 5


def test_pre_labels_take_the_scores_of_track_scores_beside_them(window, pair_files, synthetic, tmp_path):
    """Ctrl+I of ``track --out boxes.txt --scores scores.txt`` left the scores unread: pre-labels
    had no confidence, and N flagged none of them."""
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    frames = window.document.num_frames
    (tmp_path / "boxes.txt").write_text("0.00,0.00,0.00,0.00\n" + "".join(
        f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[1:frames]))
    (tmp_path / "scores.txt").write_text("nan\n" + "0.9000\n" * (frames - 2) + "0.1000\n")
    window.ask_hook = hook = _answers("Pre-labels to correct")
    window.imports.import_box_file(str(tmp_path / "boxes.txt"))
    assert "Pre-labels take their confidences from scores.txt beside it (track --scores)" in hook.asked[0][1]
    assert f"confidences of {frames - 1} frames from scores.txt (track --scores)" in \
        window.statusBar().currentMessage()
    assert window.document.record(1).confidence == 0.9 and window.document.record(frames - 1).confidence == 0.1
    data = window.document.timeline()
    assert data.confidence[frames - 1] == 0.1 and not data.prelabel.any()


def test_a_scores_file_of_another_run_is_left_unread_and_said(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    (tmp_path / "boxes.txt").write_text("".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n"
                                                for x, y, w, h in synthetic.boxes[:4]))
    (tmp_path / "scores.txt").write_text("0.5\n0.5\n")
    window.ask_hook = _answers("Pre-labels to correct")
    window.imports.import_box_file(str(tmp_path / "boxes.txt"))
    assert "scores.txt not read (holds 2 scores for 4 box rows: not their scores): pre-labels without " \
           "confidences" in window.statusBar().currentMessage()
    assert window.document.record(1).confidence is None and len(window.document.records) == 4
