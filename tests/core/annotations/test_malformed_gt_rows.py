"""Malformed ground-truth rows: each one line naming the file, the line and what is wrong,
while the rows a format uses for an absent target (``0,0,0,0``, NaN) stay absent.

Before: a GTOT row with x2 < x1 became a box of negative width, read as 'absent'; a LasHeR
row with a negative width too; ``track`` without ``--init`` then said only 'the ground truth
of SEQ has no box on frame N (absent or unlabelled there)', naming neither the file nor the
line, and ``track-dataset`` skipped the sequence the same way."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line

HINT = "give the box with --init x,y,w,h or choose another --start-frame"


def _lasher(tmp_path: Path, frames: int = 5) -> Path:
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_lasher

    seq = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=frames), 3)
    return run_to_end(write_lasher(seq, tmp_path / "data" / "lasher"))


def _set_row(path: Path, line: int, text: str, newline: str = "\n") -> bytes:
    """Row ``line`` of ``path`` replaced by ``text``, every line ended by ``newline``; the bytes written."""
    lines = path.read_text().splitlines()
    lines[line - 1] = text
    path.write_bytes((newline.join(lines) + newline).encode())
    return path.read_bytes()


def _gtot(tmp_path: Path) -> Path:
    """A GTOT folder (``v/``, ``i/``, ``groundTruth_v.txt`` / ``_i.txt`` as x1 y1 x2 y2) from a LasHeR one."""
    from core.annotations.formats.text import read_boxes

    lasher = _lasher(tmp_path)
    folder = tmp_path / "data" / "gtot"
    folder.mkdir()
    for src, dst, letter in (("visible", "v", "v"), ("infrared", "i", "i")):
        (folder / dst).mkdir()
        for k, image in enumerate(sorted((lasher / src).iterdir())):
            shutil.copy(image, folder / dst / f"{k + 1:05d}{letter}{image.suffix}")
    boxes = read_boxes(lasher / "visible.txt")
    corners = "".join(f"{x:g} {y:g} {x + w:g} {y + h:g}\n" for x, y, w, h in boxes)
    (folder / "groundTruth_v.txt").write_text(corners)
    (folder / "groundTruth_i.txt").write_text(corners)
    shutil.rmtree(lasher)
    return folder


def _track(capsys, folder: Path, out: Path, start: int = 1) -> tuple[int, str]:
    code = main(["track", str(folder), "--tracker", "csrt", "--start-frame", str(start), "--out", str(out)])
    return code, one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("row,problem", [
    ("50 30 40 60", "x2 (40) < x1 (50) in '50 30 40 60'"),
    ("10 60 40 30", "y2 (30) < y1 (60) in '10 60 40 30'"),
])
def test_a_gtot_row_with_its_corners_swapped_names_the_file_and_line(row, problem, tmp_path, capsys):
    folder = _gtot(tmp_path)
    gt = folder / "groundTruth_v.txt"
    before = _set_row(gt, 2, row)
    out = tmp_path / "boxes.txt"
    code, line = _track(capsys, folder, out)
    assert code == 2 and line == (f"error: {gt}, line 2: {problem}: GTOT rows are x1 y1 x2 y2, the top-left corner "
                                  "then the bottom-right one"), line
    assert not out.exists() and gt.read_bytes() == before


def test_a_gtot_file_of_zero_rows_for_absence_stays_absent(tmp_path):
    """``0 0 0 0`` is what the project writes for an absent frame in a GTOT-style file: still absent."""
    from core.annotations.formats import load_ground_truth

    folder = _gtot(tmp_path)
    _set_row(folder / "groundTruth_v.txt", 2, "0 0 0 0")
    _set_row(folder / "groundTruth_i.txt", 2, "0 0 0 0")
    records = load_ground_truth(folder, "gtot")
    assert records[1].absent and not records[0].absent and not records[2].absent


@pytest.mark.parametrize("row,problem", [
    ("10,20,-5,30", "the row '10,20,-5,30' has a negative width (-5)"),
    ("10,20,5,-30", "the row '10,20,5,-30' has a negative height (-30)"),
    ("10,20,0,30", "the row '10,20,0,30' has width 0"),
])
def test_track_from_a_row_that_is_no_box_names_the_file_and_line(row, problem, tmp_path, capsys):
    folder = _lasher(tmp_path)
    gt = folder / "visible.txt"
    before = _set_row(gt, 3, row, newline="\r\n")
    out = tmp_path / "boxes.txt"
    code, line = _track(capsys, folder, out, start=3)
    assert code == 2 and line == f"error: {gt}, line 3: {problem}, so frame 3 has no box to start from; {HINT}", line
    assert not out.exists() and gt.read_bytes() == before


def test_a_negative_width_row_still_loads_as_absent(tmp_path):
    """Real LasHeR files hold such rows (right2ndfarboytakinglight2left.txt, w = -1): they load,
    absent as the LasHeR scorer reads them; only starting from one is refused."""
    from core.annotations.formats import load_ground_truth

    folder = _lasher(tmp_path)
    _set_row(folder / "visible.txt", 3, "962,419,-1,85")
    records = load_ground_truth(folder, "lasher")
    assert records[2].absent and not records[1].absent


@pytest.mark.parametrize("row,where", [("0,0,0,0", "'0,0,0,0' marks the target absent"),
                                        ("nan,nan,nan,nan", "'nan,nan,nan,nan' marks the target absent")])
def test_track_from_an_absent_row_says_absent_and_names_the_row(row, where, tmp_path, capsys):
    folder = _lasher(tmp_path)
    gt = folder / "visible.txt"
    _set_row(gt, 4, row)
    out = tmp_path / "boxes.txt"
    code, line = _track(capsys, folder, out, start=4)
    assert code == 2 and line == (f"error: the ground truth of lasher has no box on frame 4 ({gt}, line 4: "
                                  f"{where}); {HINT}"), line
    assert not out.exists()


def test_track_from_a_frame_past_the_rows_says_unlabelled(tmp_path, capsys):
    folder = _lasher(tmp_path)
    gt = folder / "visible.txt"
    for name in ("visible.txt", "infrared.txt"):  # rows for frames 1..3 of 5
        (folder / name).write_text("".join((folder / name).read_text().splitlines(keepends=True)[:3]))
    out = tmp_path / "boxes.txt"
    code, line = _track(capsys, folder, out, start=5)
    assert code == 2 and line == (f"error: the ground truth of lasher has no box on frame 5 ({gt} has 3 rows: the "
                                  f"frame is unlabelled); {HINT}"), line


@pytest.mark.parametrize("row,problem", [("10,20,30", "expected 4 values (x,y,w,h) or 8 (polygon) per row, got 3"),
                                         ("10,20,abc,30", "not a number in '10,20,abc,30'")])
def test_a_row_of_three_numbers_or_text_names_the_file_and_line(row, problem, tmp_path, capsys):
    folder = _lasher(tmp_path)
    gt = folder / "visible.txt"
    before = _set_row(gt, 2, row)
    out = tmp_path / "boxes.txt"
    code, line = _track(capsys, folder, out)
    assert code == 2 and line == f"error: {gt}, line 2: {problem}", line
    assert not out.exists() and gt.read_bytes() == before


def test_track_dataset_skips_a_sequence_whose_first_row_is_no_box_naming_the_line(tmp_path, capsys):
    folder = _lasher(tmp_path)
    gt = folder / "visible.txt"
    _set_row(gt, 1, "10,20,-5,30")
    results = tmp_path / "results"
    assert main(["track-dataset", str(folder.parent), "--results", str(results), "--tracker", "csrt"]) == 1
    err = capsys.readouterr().err
    skipped = [line for line in err.splitlines() if "skipped lasher" in line]
    assert len(skipped) == 1 and f"{gt}, line 1: the row '10,20,-5,30' has a negative width (-5)" in skipped[0], err
    assert "Traceback" not in err and not (results / "lasher.txt").exists()


def test_a_vtuav_row_of_negative_width_is_the_format_s_absence(tmp_path):
    """VTUAV marks an absent target with w or h <= 0: such a row is no malformed row there."""
    from core.annotations.formats.groundtruth import missing_box_reason

    folder = tmp_path / "vtuav"
    folder.mkdir()
    (folder / "rgb.txt").write_text("10 20 30 40\n10 20 -1 -1\n")
    path, line, what, malformed = missing_box_reason(folder, "vtuav", 10)
    assert (path, line, what, malformed) == (folder / "rgb.txt", 2, "'10 20 -1 -1' marks the target absent", False)
