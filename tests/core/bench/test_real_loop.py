"""``bench loop-real``: label the first part of each real view, fine-tune, track the rest."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from core.bench.real_items import RealItem
from core.bench.real_loop import label_end, labelled_records, rest_items
from tests.core.bench.real_tree import fake_tree


def test_label_end_keeps_a_labelled_frame_and_two_to_track():
    assert label_end(10, 0.5) == 5
    assert label_end(10, 0.01) == 1
    assert label_end(10, 0.99) == 8
    assert label_end(151, 0.5) == 76


def test_labelled_records_are_manual_keyframes_or_absent():
    truth = np.array([[1, 2, 3, 4], [np.nan] * 4, [0, 0, 0, 0], [5, 6, 7, 8], [9, 9, 9, 9]], dtype=np.float64)
    records = labelled_records(truth, 4)
    assert sorted(records) == [0, 1, 2, 3]  # frame 4 is past the labelled part
    assert all(r.keyframe for r in records.values())
    np.testing.assert_array_equal(records[0].box, truth[0])
    np.testing.assert_array_equal(records[3].box, truth[3])
    assert records[1].absent and records[1].box is None
    assert records[2].absent and records[2].box is None
    assert str(records[0].provenance) == "manual"


def test_rest_items_start_in_the_unlabelled_part_and_run_to_the_end():
    view = RealItem(modality="visible", folder="real/rgb/a", name="a", path=Path("/x/a"), length=100, num_frames=100,
                    layout="image-folder")
    runs = rest_items(view, 50, 2)
    assert [(r.name, r.first_frame, r.num_frames) for r in runs] == [("a@50", 50, 50), ("a@75", 75, 25)]
    assert [r.first_frame for r in rest_items(view, 98, 3)] == [98]  # one run: the rest is two frames
    assert rest_items(view, 99, 1) == []  # a single frame cannot be tracked


def test_loop_real_end_to_end_and_reuse(tmp_path, capsys):
    """The whole bench on a fake tree with random weights and a tiny budget: each view's first
    half exported, the student fine-tuned (and the control), the rest tracked; --reuse keeps
    the exported views."""
    from main import main

    split = fake_tree(tmp_path / "data")
    out = tmp_path / "out"
    argv = ["bench", "loop-real", "--random-weights", "--split-file", str(split), "--data-root", str(tmp_path / "data"),
            "--steps", "2", "--batch-size", "4", "--threads", "1", "--out", str(out), "--json", str(tmp_path / "r.json")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(argv) == 0
        first = json.loads((tmp_path / "r.json").read_text())
        stamps = {p: p.stat().st_mtime_ns for p in out.glob("*.h5")}
        assert main(argv + ["--reuse", "--control"]) == 0
        assert {p: p.stat().st_mtime_ns for p in out.glob("*.h5")} == stamps  # not exported again
        second = json.loads((tmp_path / "r.json").read_text())
    assert len(stamps) == 2 and (out / "student_loop_real.pt").is_file()
    assert [(v["view"], v["frames"], v["labelled"], v["boxes"], v["absent"]) for v in first["labelled"]] == [
        ("cars", 10, 5, 4, 1), ("drone", 10, 5, 5, 0)]
    runs = {(r["tracker"], r["sequence"], r["start_frame"]) for r in first["rows"] if r["kind"] == "sequence"}
    for tracker in ("student (before)", "student (fine-tuned)", "CSRT"):
        assert {(tracker, "cars@5", 5), (tracker, "cars@7", 7), (tracker, "drone@5", 5)} <= runs
    assert not any(t == "student (control)" for t, _, _ in runs)
    assert {d["tracker"] for d in first["paired"]} >= {"student (fine-tuned)", "CSRT"}
    assert all(d["reference"] == "student (before)" for d in first["paired"])
    assert set(first["finetune"]) == {"student (fine-tuned)"} and not first["per_view"]
    assert [f["steps"] for f in first["finetune"]["student (fine-tuned)"]] == [2]  # one student for both views
    assert set(second["finetune"]) == {"student (fine-tuned)", "student (control)"}
    assert any(r["tracker"] == "student (control)" for r in second["rows"])
    printed = capsys.readouterr().out
    assert "student (fine-tuned)" in printed and "held-out crops' mean IoU" in printed
    assert "one student for all views, 2 steps" in printed


def test_loop_real_per_view_fine_tunes_one_student_per_view(tmp_path, capsys):
    """--per-view: each view's rest is tracked by a student fine-tuned on that view's labels alone."""
    from main import main

    split = fake_tree(tmp_path / "data")
    out = tmp_path / "out"
    argv = ["bench", "loop-real", "--random-weights", "--split-file", str(split), "--data-root", str(tmp_path / "data"),
            "--steps", "1", "--batch-size", "4", "--threads", "1", "--starts", "1", "--per-view", "--out", str(out),
            "--json", str(tmp_path / "r.json")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(argv) == 0
    result = json.loads((tmp_path / "r.json").read_text())
    students = result["finetune"]["student (fine-tuned)"]
    assert result["per_view"] and len(students) == 2
    assert sorted(Path(f["checkpoint"]).name for f in students) == [
        "real_rgb_cars_student_loop_real.pt", "real_thermal_drone_student_loop_real.pt"]
    assert all(Path(f["checkpoint"]).parent == out / "per_view" for f in students)
    runs = {(r["tracker"], r["sequence"]) for r in result["rows"] if r["kind"] == "sequence"}
    assert {("student (fine-tuned)", "cars@5"), ("student (fine-tuned)", "drone@5"),
            ("student (before)", "cars@5"), ("student (before)", "drone@5")} <= runs
    assert "one student per view, 1 steps each" in capsys.readouterr().out


@pytest.mark.parametrize("option, value, message", [("--label-share", "1", "--label-share must be between 0 and 1"),
                                                    ("--label-share", "0", "--label-share must be between 0 and 1"),
                                                    ("--replay", "1", "--replay must be in [0, 1)")])
def test_bad_settings_are_one_line_before_any_work(tmp_path, capsys, option, value, message):
    from main import main

    split = fake_tree(tmp_path / "data")
    code = main(["bench", "loop-real", "--split-file", str(split), "--data-root", str(tmp_path / "data"),
                 "--out", str(tmp_path / "out"), option, value])
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "out").exists()


def test_out_inside_the_footage_is_refused(tmp_path, capsys):
    from main import main

    split = fake_tree(tmp_path / "data")
    inside = tmp_path / "data" / "real" / "rgb" / "cars" / "loop"
    code = main(["bench", "loop-real", "--split-file", str(split), "--data-root", str(tmp_path / "data"),
                 "--out", str(inside)])
    assert code != 0 and not inside.exists()
    assert "cars" in capsys.readouterr().err
