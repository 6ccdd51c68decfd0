"""Command-line robustness sweep: inputs that a command must never write over, and what
a command must say about the input it was given (each case failed before its fix)."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.training.real_fixture import make_data_root


@pytest.mark.parametrize("where", ["split", "data root"])
def test_pseudo_labels_never_writes_over_the_split_or_into_the_data_root(tmp_path, capsys, where):
    data, split = make_data_root(tmp_path)
    out = split if where == "split" else data / "labels.json"
    before = split.read_bytes()
    code = main(["pseudo-labels", str(out), "--split", str(split), "--data-root", str(data), "--cache-dir",
                 str(tmp_path / "cache"), "--tracklets", "1", "--length", "3", "--min-frames", "2", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"error: {out}: OUT ")
    assert split.read_bytes() == before
    assert not (data / "labels.json").exists()


def test_an_opencv_tracker_run_says_nothing_about_streams_it_never_used(seq, tmp_path, capsys):
    """--streams is the networks' option: a CSRT / KCF run saying 'streams auto: both streams on
    all N tracked frames' described a feed that never happened (it sees one stream)."""
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(tmp_path / "b.txt")]) == 0
    err = capsys.readouterr().err
    assert "wrote 8 boxes" in err and "streams auto" not in err


def test_track_dataset_skip_line_offers_what_track_dataset_can_do(seq, tmp_path, capsys):
    """A sequence without a box on frame 1 is skipped with a hint that fits track-dataset (it has
    no --init or --start-frame)."""
    for name in ("visible.txt", "infrared.txt", "init.txt"):
        rows = (seq / name).read_text().splitlines()
        (seq / name).write_text("\n".join(["0,0,0,0"] + rows[1:]) + "\n")
    code = main(["track-dataset", str(seq.parent), "--results", str(tmp_path / "res"), "--tracker", "kcf"])
    err = capsys.readouterr().err
    skipped = [line for line in err.splitlines() if line.startswith("[1/1] skipped seq:")]
    assert code == 1 and len(skipped) == 1, err
    assert "has no box on frame 1" in skipped[0] and "--start-frame" not in skipped[0]
    assert "track --init x,y,w,h" in skipped[0]


def _eval_inputs(tmp_path):
    """A --gt folder of one <sequence>.txt and a results folder scoring it."""
    gt, results = tmp_path / "gt", tmp_path / "results"
    gt.mkdir()
    results.mkdir()
    rows = "".join(f"{10 + k},20,30,40\n" for k in range(6))
    (gt / "seq.txt").write_text(rows)
    (results / "seq.txt").write_text(rows)
    return gt, results


@pytest.mark.parametrize("inside", [".", "plots"])
def test_eval_plots_never_go_into_the_ground_truth_folder(tmp_path, capsys, inside):
    gt, results = _eval_inputs(tmp_path)
    plots = gt / inside
    code = main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--plots", str(plots)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {plots}: --plots lies inside the ground-truth folder")
    assert sorted(p.name for p in gt.iterdir()) == ["seq.txt"]


def test_eval_plots_replace_earlier_plots_only_with_force(tmp_path, capsys):
    gt, results = _eval_inputs(tmp_path)
    plots = tmp_path / "plots"
    args = ["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--plots", str(plots)]
    assert main(args) == 0
    (plots / "lasher_PR.png").write_bytes(b"an earlier plot")
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--plots already holds lasher plots (give --force to replace them)" in err
    assert (plots / "lasher_PR.png").read_bytes() == b"an earlier plot"
    assert main(args + ["--protocol", "rgbt234"]) == 0  # another protocol's plots have other names
    assert main(args + ["--force"]) == 0
    assert (plots / "lasher_PR.png").read_bytes()[:4] == b"\x89PNG"


def _drop_frame(seq, index: int = 4) -> None:
    """Remove frame ``index`` (1-based) from both streams of a LasHeR-layout sequence: its
    ground truth keeps a row for every original frame."""
    for folder in ("visible", "infrared"):
        (sorted((seq / folder).iterdir())[index - 1]).unlink()


def test_track_says_when_the_ground_truth_runs_past_the_footage(seq, tmp_path, capsys):
    _drop_frame(seq)
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(tmp_path / "b.txt")]) == 0
    err = capsys.readouterr().err
    assert "note: the ground truth has rows for 8 frames, the footage 7: the last 1 are not used" in err


def test_track_dataset_says_when_the_ground_truth_runs_past_the_footage(seq, tmp_path, capsys):
    _drop_frame(seq)
    assert main(["track-dataset", str(seq.parent), "--results", str(tmp_path / "res"), "--tracker", "kcf"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[1/1] seq:")]
    assert len(lines) == 1 and "7 boxes" in lines[0]
    # the line also says which frame numbers the folders lack (ddeaaf2); the ground truth's note is there too
    assert "note: " in lines[0] and "the ground truth has rows for 8 frames, the footage 7" in lines[0]


def test_a_ground_truth_that_fits_its_footage_gets_no_note(seq, tmp_path, capsys):
    from core.sequences.groundtruth import rows_past_the_end
    from core.sequences.open_folder import open_sequence

    sequence = open_sequence(seq)
    try:
        assert len(sequence.ground_truth()) == 8 and sequence.ground_truth_note is None
    finally:
        sequence.close()
    assert rows_past_the_end({}, 5) is None and rows_past_the_end({0: None, 40: None}, 41) is None  # sparse rows
    assert rows_past_the_end({0: None, 41: None}, 41).startswith("the ground truth has rows for 42 frames")


def test_ctrl_c_while_the_command_line_is_built_is_one_line(monkeypatch, capsys):
    """Building the parser imports every command (seconds): a Ctrl+C then was a traceback."""
    import core.cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(core.cli, "build_parser", interrupted)
    assert core.cli.main(["eval", "--help"]) == 130
    assert capsys.readouterr().err == "cancelled\n"


def test_track_dataset_on_one_sequence_folder_says_so(seq, tmp_path, capsys):
    """ROOT given as a sequence folder (a common slip) said it has no sequence folder."""
    assert main(["track-dataset", str(seq), "--results", str(tmp_path / "res"), "--tracker", "kcf"]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {seq} is itself a sequence folder (it has ground truth); give the dataset folder that "
                   f"holds it ({seq.resolve().parent}), or track it alone with track\n")
    assert not (tmp_path / "res").exists()


def test_track_dataset_with_jobs_says_how_far_the_running_sequences_are(tmp_path, capsys):
    """With --jobs the worker processes showed nothing between result lines: a run of long
    sequences was silent for minutes. Now the parent hears each worker's frame count."""
    from core.commands.dataset_tracking import TrackerRecipe, track_in_workers
    from core.commands.track_dataset import progress_printer
    from tests.core.safety.conftest import make_sequence

    folders = [make_sequence(tmp_path / "data" / name, frames=40, seed=k) for k, name in enumerate(("a", "b"))]
    seen: list[dict] = []
    recipe = TrackerRecipe("kcf", None, "auto", "cpu", 1, False, "auto")
    todo = [(folder, tmp_path / f"{folder.name}.txt") for folder in folders]
    outcomes = list(track_in_workers(recipe, todo, 2, seen.append, poll_s=0.02))
    assert sorted((o.name, o.status, o.frames) for o in outcomes) == [("a", "written", 40), ("b", "written", 40)]
    assert seen, "no progress heard from the workers"
    for running in seen:
        assert set(running) <= {"a", "b"}
        assert all(0 < done <= 40 and total == 40 for done, total in running.values())

    show = progress_printer(every_s=0)
    show({"b": (30, 40), "a": (12, None)})
    assert capsys.readouterr().err == "tracking: a 12/?, b 30/40\n"


def test_compact_data_force_never_replaces_the_folder_of_its_split_file(tmp_path, capsys):
    """--force replaces any OUT_DIR, but one that holds the split file would lose an input."""
    data, split = make_data_root(tmp_path)
    out = tmp_path / "configs"
    out.mkdir()
    own = out / "split.json"
    own.write_bytes(split.read_bytes())
    code = main(["compact-data", str(out), "--split", str(own), "--data-root", str(data), "--force"])
    err = capsys.readouterr().err
    assert code == 2 and err == f"error: {out}: OUT_DIR folder holds the split file ({own}); choose another folder\n"
    assert own.read_bytes() == split.read_bytes()


def test_pseudo_labels_never_caches_decoded_frames_inside_the_data_root(tmp_path, capsys):
    data, split = make_data_root(tmp_path)
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    code = main(["pseudo-labels", str(tmp_path / "labels.json"), "--split", str(split), "--data-root", str(data),
                 "--cache-dir", str(data), "--tracklets", "1", "--length", "3", "--min-frames", "2"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {data}: --cache-dir lies inside the data root")
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before
    assert not (tmp_path / "labels.json").exists()


def test_track_dataset_says_when_the_two_streams_differ_in_length(seq, tmp_path, capsys):
    """The common length is tracked (as in track, which says so among its notes); a batch run
    said nothing, and eval later counted the missing frames against the tracker."""
    sorted((seq / "infrared").iterdir())[-1].unlink()
    assert main(["track-dataset", str(seq.parent), "--results", str(tmp_path / "res"), "--tracker", "kcf"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[1/1] seq:")]
    assert len(lines) == 1 and "7 boxes" in lines[0]
    assert lines[0].endswith("; note: frame counts differ: visible 8, thermal 7; using the common length")


def test_track_dataset_never_keeps_results_of_other_settings(seq, tmp_path, capsys):
    """A continued run kept every existing result, whatever tracker or switches made it: a
    results folder could end up mixing two trackers, scored by eval as one."""
    results = tmp_path / "res"
    base = ["track-dataset", str(seq.parent), "--results", str(results)]
    assert main(base + ["--tracker", "kcf"]) == 0
    first = (results / "seq.txt").read_bytes()
    capsys.readouterr()
    assert main(base + ["--tracker", "csrt"]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {results}: holds 1 result tracked with other settings (seq: tracker 'kcf' (now "
                   "'csrt')); choose another --results, or give --force to track it again\n")
    assert (results / "seq.txt").read_bytes() == first
    assert main(base + ["--tracker", "kcf"]) == 0  # the same settings continue
    assert "kept 1 that existed" in capsys.readouterr().err
    assert main(base + ["--tracker", "csrt", "--force"]) == 0
    assert main(base + ["--tracker", "csrt"]) == 0
    assert sorted(p.name for p in results.iterdir()) == [".track-dataset.json", "seq.txt"]


def test_a_frame_that_does_not_decode_part_way_keeps_the_boxes_tracked_before_it(seq, tmp_path, capsys):
    """A corrupt frame 5 stopped `track` with one line and nothing written: the boxes of frames
    1..4 were lost. Now they are written to --out (a new file), and the line says so; an
    existing file given with --force is left as it was."""
    bad = sorted((seq / "visible").iterdir())[4]
    bad.write_bytes(b"not a jpeg")
    out, scores = tmp_path / "b.txt", tmp_path / "s.txt"
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out), "--scores", str(scores)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 1
    assert f"{bad.name}: cannot decode image (frame 5)" in err
    assert f"the 4 boxes tracked before it (frames 1..4) were written to {out}" in err
    assert len(out.read_text().splitlines()) == 4 and len(scores.read_text().splitlines()) == 4

    out.write_text("mine\n")
    scores.unlink()
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out), "--force"]) == 2
    assert f"{out} was left as it was" in capsys.readouterr().err
    assert out.read_text() == "mine\n"


def test_track_dataset_names_the_sequence_folders_it_leaves_out(seq, tmp_path, capsys):
    """A sequence folder without a ground-truth file track-dataset starts from (none at all, or
    OTB's groundtruth_rect.txt, which track reads) was left out without a word: '1 sequence' of
    three. The run names them and the files it looks for."""
    import shutil

    root = seq.parent
    for name, keep in (("otb", "groundtruth_rect.txt"), ("bare", None)):
        other = shutil.copytree(seq, root / name)
        for gt in ("visible.txt", "infrared.txt", "init.txt"):
            (other / gt).unlink()
        if keep:
            (other / keep).write_text((seq / "init.txt").read_text())
    code = main(["track-dataset", str(root), "--results", str(tmp_path / "res"), "--tracker", "kcf"])
    err = capsys.readouterr().err
    assert code == 0 and "[1/1] seq:" in err, err
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "2 sequence folders" in notes[0] and "bare, otb" in notes[0], err
    assert "groundtruth.txt" in notes[0]
    shutil.rmtree(seq)
    assert main(["track-dataset", str(root), "--results", str(tmp_path / "res2"), "--tracker", "kcf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {root} has no sequence folder with a ground-truth file") and "bare, otb" in err
