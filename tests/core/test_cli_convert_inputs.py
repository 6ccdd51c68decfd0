"""convert and the ground-truth readers: thermal boxes a target format cannot hold, polygon rows in a
corners file, frames cut off, a bad line quoted as written, a VTUAV ir.txt of other rows, an empty
file."""

from __future__ import annotations

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


@pytest.mark.parametrize("target", ["got10k", "lasot", "vot", "xywh"])
def test_convert_to_one_box_per_frame_says_the_thermal_boxes_are_not_written(tmp_path, capsys, target):
    """Converting an RGBT234 folder (visible.txt and infrared.txt differ) to got10k, lasot, vot or
    xywh wrote the visible boxes alone and left the thermal ground truth out without a word."""
    src = tmp_path / "seq"
    src.mkdir()
    (src / "visible.txt").write_bytes(b"10,10,20,20\r\n11,10,20,20\r\n12,10,20,20\r\n")
    (src / "infrared.txt").write_bytes(b"10,10,20,20\r\n15,12,20,20\r\n16,12,20,20\r\n")
    (src / "init.txt").write_bytes((src / "visible.txt").read_bytes())
    dst = tmp_path / ("out.txt" if target == "xywh" else "out")
    assert main(["convert", str(src), str(dst), "--to", target]) == 0
    err = capsys.readouterr().err
    assert (f"note: the thermal ground truth differs from the visible one on 2 frames (2, 3); {target} holds one "
            "box per frame: only the visible boxes are written") in err, err



def test_convert_to_a_two_box_target_says_nothing_of_thermal_boxes(tmp_path, capsys):
    src = tmp_path / "seq"
    src.mkdir()
    (src / "visible.txt").write_text("10,10,20,20\n11,10,20,20\n")
    (src / "infrared.txt").write_text("14,10,20,20\n15,12,20,20\n")
    assert main(["convert", str(src), str(tmp_path / "out"), "--to", "gtot"]) == 0
    assert "thermal ground truth" not in capsys.readouterr().err
    assert (tmp_path / "out" / "groundTruth_i.txt").read_text().splitlines()[0] == "14 10 34 30"



@pytest.mark.parametrize("source_format", ["corners", "gtot"])
def test_convert_from_corners_refuses_polygon_rows(tmp_path, capsys, source_format):
    """A VOT polygon file given as corners (``--from corners`` / ``gtot``) was read as the polygon's
    bounding box, then as corners x1 y1 x2 y2: a 20x30 box came out as 10x20, without a word."""
    src = tmp_path / "boxes.txt"
    src.write_text("10,10,30,10,30,40,10,40\n11,10,31,10,31,40,11,40\n")
    out = tmp_path / "out.txt"
    code = main(["convert", str(src), str(out), "--from", source_format, "--to", "xywh"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {src}, line 1: expected 4 values (x1 y1 x2 y2) per row, got 8", line
    assert not out.exists()



def test_a_gtot_folder_with_polygon_rows_is_refused(tmp_path):
    from core.annotations.formats.groundtruth import load_ground_truth
    from core.errors import AnnotationFormatError

    (tmp_path / "groundTruth_v.txt").write_text("10 10 30 10 30 40 10 40\n")
    with pytest.raises(AnnotationFormatError, match="line 1: expected 4 values"):
        load_ground_truth(tmp_path, "gtot")



def test_convert_says_what_frames_cuts_off(tmp_path, capsys):
    """``convert ... --frames 5`` of a 12-row file wrote 5 rows after '12 frames read', without a word
    about the 7 left out."""
    src = tmp_path / "boxes.txt"
    src.write_text("".join(f"{10 + k},10,20,20\n" for k in range(12)))
    out = tmp_path / "out.txt"
    assert main(["convert", str(src), str(out), "--to", "xywh", "--frames", "5"]) == 0
    assert "note: --frames 5 leaves out the 7 annotated frames after frame 5 (not written)" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 5



def test_a_bad_ground_truth_line_is_quoted_as_written(tmp_path):
    """'line 3: not a number in '1 2 x 4'' quoted a line the file does not hold (its commas turned to
    spaces): the user searching the file for it found nothing."""
    from core.annotations.formats.text import read_boxes
    from core.errors import AnnotationFormatError

    path = tmp_path / "groundtruth.txt"
    path.write_text("1,2,3,4\n1;2;3;4\n1,2,x,4\n")
    with pytest.raises(AnnotationFormatError) as caught:
        read_boxes(path)
    assert str(caught.value) == f"{path}, line 3: not a number in '1,2,x,4'"



def test_a_vtuav_ir_file_of_other_rows_is_refused(tmp_path):
    """A VTUAV ir.txt with fewer rows than rgb.txt gave the later frames the visible box as their
    thermal box without a word (RGBT234's and GTOT's files are checked row for row)."""
    from core.annotations.formats.groundtruth import load_ground_truth
    from core.errors import AnnotationFormatError

    (tmp_path / "rgb.txt").write_text("10 10 20 20\n12 10 20 20\n14 10 20 20\n")
    (tmp_path / "ir.txt").write_text("11 11 20 20\n")
    with pytest.raises(AnnotationFormatError, match="has 1 rows but rgb.txt has 3"):
        load_ground_truth(tmp_path, "vtuav")



@pytest.mark.parametrize("content", [b"", b"\n\n"], ids=["empty", "blank"])
def test_convert_of_an_empty_file_is_one_line(content, tmp_path, capsys):
    """An empty (or blank) box file converted into empty output files with status 0 and '0 frames read'."""
    src = tmp_path / "boxes.txt"
    src.write_bytes(content)
    out = tmp_path / "out"
    code = main(["convert", str(src), str(out), "--to", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {src}: holds no box rows (the file is empty or blank): nothing to convert"
    assert not out.exists()


def test_convert_frames_past_the_footage_is_refused(tmp_path, capsys):
    """``convert SEQ DST --frames 100000000`` (a typo) ran for minutes without a word, writing hundreds of MB
    of absent rows per file; past a sequence folder's frames (and its annotated rows) it is one line, and a
    box file takes at most MAX_FRAMES."""
    from core.commands.convert import MAX_FRAMES
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=6)
    out = tmp_path / "out"
    assert main(["convert", str(seq), str(out), "--to", "lasher", "--frames", "7"]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"error: --frames 7 is more than the 6 frames of {seq}: the rows past them would be absent rows of frames "
        "that do not exist")
    src = tmp_path / "boxes.txt"
    src.write_text("10,10,20,20\n" * 3)
    assert main(["convert", str(src), str(out), "--to", "lasher", "--frames", str(MAX_FRAMES + 1)]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"error: --frames {MAX_FRAMES + 1} is more than 1,000,000 frames (about 9 hours at 30 frames/s); give the "
        "footage's frame count")
    assert not out.exists()
    assert main(["convert", str(seq), str(out), "--to", "lasher", "--frames", "6"]) == 0


@pytest.mark.parametrize("target, source_format", [("vot", "vot-rgbt")])
def test_convert_to_corners_and_back_gives_the_boxes_as_written(tmp_path, target, source_format):
    """Anti-UAV's real ground truth (two decimals) converted to VOT polygons (or GTOT corners, before
    those were whole pixels) and back came back as 229.48,184.48,16.039999999999992,10.27000000000001
    (and the corners file held 245.51999999999998): x + w and x2 - x1 were float64 sums. They are now
    the decimal sums of the values as written."""
    rows = "229.48,184.48,16.04,10.27\n227.16,185.16,13.68,6.01\n0,0,0,0\n10,20,30,40\n"
    src = tmp_path / "seq.txt"
    src.write_text(rows)
    assert main(["convert", str(src), str(tmp_path / "out"), "--to", target]) == 0
    written = (tmp_path / "out" / ("groundTruth_v.txt" if target == "gtot" else "groundtruth.txt")).read_text()
    assert written.splitlines()[0] == "229.48,184.48,245.52,184.48,245.52,194.75,229.48,194.75", written
    back = tmp_path / "back.txt"
    assert main(["convert", str(tmp_path / "out"), str(back), "--from", source_format, "--to", "xywh"]) == 0
    assert back.read_text() == rows


@pytest.mark.parametrize("target", ["lasher", "rgbt234", "gtot", "got10k", "lasot", "vot", "xywh"])
def test_what_convert_writes_reads_back_with_from_the_same_name(tmp_path, target):
    """``convert S out --to vot`` then ``convert out back.txt --from vot`` stopped at argparse
    ('invalid choice: vot'): --from knew only vot-rgbt and vot-tir."""
    rows = "10,20,30,40\n0,0,0,0\n12.5,20,30,40\n"
    src = tmp_path / "seq.txt"
    src.write_text(rows)
    out = tmp_path / ("out.txt" if target == "xywh" else "out")
    assert main(["convert", str(src), str(out), "--to", target]) == 0
    back = tmp_path / "back.txt"
    assert main(["convert", str(out), str(back), "--from", target, "--to", "xywh"]) == 0
    # the formats of whole pixels (LasHeR, RGBT234, GTOT, LaSOT) round x = 12.5 to 13 (edges to the nearest pixel)
    whole = target in ("lasher", "rgbt234", "gtot", "lasot")
    assert back.read_text() == (rows.replace("12.5,", "13,") if whole else rows)


def _mixed_folder(tmp_path, visible_rows: str):
    """A sequence folder of ground truth only: GTOT corners and a groundtruth.txt, plus a
    LasHeR visible.txt of ``visible_rows``."""
    seq = tmp_path / "gt" / "seq"
    seq.mkdir(parents=True)
    (seq / "groundTruth_v.txt").write_text("10 20 40 60\n0 0 0 0\n12 20 42 60\n")
    (seq / "groundtruth.txt").write_text("10,20,30,40\nNaN,NaN,NaN,NaN\n12,20,30,40\n")
    (seq / "visible.txt").write_bytes(visible_rows.encode())
    return seq


def test_a_folder_with_ground_truth_of_two_layouts_that_differ_is_refused(tmp_path, capsys):
    """A folder holding GTOT corners, a groundtruth.txt and a LasHeR visible.txt of other boxes:
    convert read the corners (its layout guess), eval --protocol lasher visible.txt and
    track-dataset groundtruth.txt, each without a word, so the numbers of a round trip
    disagreed. Each now names the file and the first line where the boxes differ."""
    seq = _mixed_folder(tmp_path, "10,20,30,40\r\n0,0,0,0\r\n99,20,30,40\r\n")
    assert main(["convert", str(seq), str(tmp_path / "out.txt"), "--to", "xywh"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {seq / 'visible.txt'}, line 3: holds other boxes than groundTruth_v.txt"), line
    results = tmp_path / "results"
    results.mkdir()
    (results / "seq.txt").write_text("10,20,30,40\n10,20,30,40\n12,20,30,40\n")
    for protocol in ("lasher", "gtot"):
        assert main(["eval", str(results), "--gt", str(tmp_path / "gt"), "--protocol", protocol]) == 2
        assert _one_error_line(capsys.readouterr().err) == line


def test_a_folder_with_ground_truth_of_two_layouts_that_agree_is_read(tmp_path, capsys):
    """The same boxes in three layouts (absent as 0 0 0 0 in one, NaN in another) are one ground
    truth: read, not refused."""
    seq = _mixed_folder(tmp_path, "10,20,30,40\r\n0,0,0,0\r\n12,20,30,40\r\n")
    assert main(["convert", str(seq), str(tmp_path / "out.txt"), "--to", "xywh"]) == 0
    assert (tmp_path / "out.txt").read_text() == "10,20,30,40\n0,0,0,0\n12,20,30,40\n"


def test_two_layouts_written_with_other_decimals_are_one_ground_truth(tmp_path, capsys):
    """Exact comparison refused a folder whose second file was the same boxes written with other
    decimals (a 2-decimal export beside a 4-decimal one, float noise such as 245.51999999999998);
    values within 0.01 px are the same box."""
    seq = _mixed_folder(tmp_path, "10.004,20,29.996,40.0049\n0,0,0,0\n11.995,20.00000000000001,30,40\n")
    assert main(["convert", str(seq), str(tmp_path / "out.txt"), "--to", "xywh"]) == 0
    seq2 = _mixed_folder(tmp_path / "other", "10.02,20,30,40\n0,0,0,0\n12,20,30,40\n")  # 0.02 px: other boxes
    assert main(["convert", str(seq2), str(tmp_path / "out2.txt"), "--to", "xywh"]) == 2
    assert "holds other boxes than groundTruth_v.txt" in capsys.readouterr().err


@pytest.mark.parametrize("rows, said", [(b"10,10,20,20\n", "1 frame read from"),
                                        (b"10,10,20,20\n0,0,0,0\n", "2 frames read (1 absent) from"),
                                        (b"10,10,20,20\n11,10,20,20\n", "2 frames read from")])
def test_convert_counts_the_frames_read_in_words(rows, said, tmp_path, capsys):
    """convert said '1 frames read (0 absent)': the absent count only when there are some, the count in words."""
    src = tmp_path / "boxes.txt"
    src.write_bytes(rows)
    assert main(["convert", str(src), str(tmp_path / "out.txt"), "--to", "xywh"]) == 0
    out = capsys.readouterr().out
    assert f"{said} {src}" in out, out


def _lasher_folder(tmp_path):
    """A LasHeR sequence folder: visible/ and infrared/ frames, visible.txt, infrared.txt, init.txt."""
    import cv2
    import numpy as np

    seq = tmp_path / "lasher_seq"
    for stream in ("visible", "infrared"):
        (seq / stream).mkdir(parents=True)
        for i in range(3):
            cv2.imwrite(str(seq / stream / f"{stream[0]}{i + 1:06d}.jpg"), np.full((48, 64, 3), 40 * i, np.uint8))
    rows = "10,10,20,20\n11,10,20,20\n12,10,20,20\n"
    for name in ("visible.txt", "infrared.txt", "init.txt"):
        (seq / name).write_text(rows)
    return seq


def test_convert_of_another_layouts_folder_named_as_gtot_is_refused(tmp_path, capsys):
    """``convert LASHER_FOLDER --from gtot`` read LasHeR's init.txt as GTOT ground truth without a
    word (the gtot reader's fallback)."""
    from core.sequences import detect_layout

    seq = _lasher_folder(tmp_path)
    found = detect_layout(seq)
    out = tmp_path / "out.txt"
    code = main(["convert", str(seq), str(out), "--from", "gtot", "--to", "xywh"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {seq}: is a {found} folder, not gtot (no groundTruth_v.txt): give "
                                  f"--from {found}, or leave --from out to read it by its layout"), line
    assert not out.exists()
    assert main(["convert", str(seq), str(out), "--from", "rgbt234", "--to", "xywh"]) == 0  # its family: read
