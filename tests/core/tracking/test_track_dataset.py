"""``python main.py track-dataset ROOT --results DIR`` end to end on synthetic LasHeR folders."""
from __future__ import annotations

import numpy as np
import pytest

from core.cli import main
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.synthetic.writers import write_lasher

CONFIG = SyntheticConfig(width=96, height=80, num_frames=5)


def _rows(path):
    return np.array([[float(v) for v in line.split(",")] for line in path.read_text().splitlines()])


@pytest.fixture
def dataset(tmp_path):
    root = tmp_path / "dataset"
    for name, seed in (("alpha", 1), ("beta", 2), ("gamma", 3)):
        run_to_end(write_lasher(SyntheticSequence(CONFIG, seed), root / name))
    lines = (root / "gamma" / "visible.txt").read_text().splitlines()  # gamma: absent on frame 1
    (root / "gamma" / "visible.txt").write_text("\n".join(["0,0,0,0"] + lines[1:]) + "\n")
    (root / "notes").mkdir()  # no ground truth: not a sequence to track
    (root / "notes" / "readme.md").write_text("about this dataset\n")
    return root


def test_every_sequence_is_tracked_into_a_results_folder_eval_reads(dataset, tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["track-dataset", str(dataset), "--results", str(results), "--tracker", "csrt"]) == 1
    err = capsys.readouterr().err
    assert sorted(p.name for p in results.iterdir()) == [".track-dataset.json", "alpha.txt", "beta.txt"]
    for name in ("alpha", "beta"):
        boxes, truth = _rows(results / f"{name}.txt"), _rows(dataset / name / "visible.txt")
        assert boxes.shape == (5, 4) and np.isfinite(boxes).all()
        np.testing.assert_allclose(boxes[0], truth[0], atol=0.006)
    skipped = [line for line in err.splitlines() if "skipped gamma" in line]
    assert len(skipped) == 1 and "has no box on frame 1" in skipped[0] and "Traceback" not in err
    assert "wrote 2 results" in err and "skipped 1 (above)" in err
    assert main(["eval", str(results), "--dataset-root", str(dataset), "--protocol", "lasher"]) == 0
    assert "overall" in capsys.readouterr().out


def test_a_second_run_keeps_what_exists_and_force_tracks_again(dataset, tmp_path, capsys):
    results = tmp_path / "results"
    args = ["track-dataset", str(dataset), "--results", str(results), "--tracker", "csrt", "--sequences", "alpha,beta"]
    assert main(args) == 0
    (results / "alpha.txt").write_text("kept\n")
    capsys.readouterr()
    assert main(args) == 0
    assert (results / "alpha.txt").read_text() == "kept\n"
    assert "kept 2 that existed (--force tracks them again)" in capsys.readouterr().err
    assert main(args + ["--force"]) == 0
    assert _rows(results / "alpha.txt").shape == (5, 4)


@pytest.fixture
def no_bundled_weights(tmp_path, monkeypatch):
    """No bundled checkpoint (``assets/models`` points at an empty place): ``--random-weights``
    without ``--weights`` then runs random weights, whatever assets/models holds (a checkpoint
    named with ``--weights`` that does not exist is refused, test_cli_missing_weights)."""
    import core.tracking.factory

    monkeypatch.setattr(core.tracking.factory, "MODELS_DIR", tmp_path / "no-bundled-models")


def test_the_student_runs_over_the_dataset(dataset, tmp_path, no_bundled_weights):
    results = tmp_path / "results"
    assert main(["track-dataset", str(dataset), "--results", str(results), "--sequences", "beta",
                 "--random-weights", "--threads", "1"]) == 0
    boxes = _rows(results / "beta.txt")
    assert boxes.shape == (5, 4) and (boxes[:, 2:] > 0).all()


def test_the_loop_switches_reach_the_tracker_and_are_refused_for_opencv(dataset, tmp_path, capsys,
                                                                        no_bundled_weights):
    """``--pixel-match``, ``--pair-correlation``, ``--pair-shape`` and ``--hold-when-lost`` (as
    ``track``'s) set the student's ``TrackerConfig`` in every process; an OpenCV tracker refuses them
    in one line before any work."""
    from core.cli import build_parser
    from core.commands.dataset_tracking import tracker_factory
    from core.commands.track_dataset import tracker_recipe
    from core.tracking.tracker_config import HOLD_THRESHOLD, MAX_ASPECT_CHANGE, TrackerConfig

    base = ["track-dataset", str(dataset), "--results", str(tmp_path / "r"), "--random-weights", "--threads", "1"]
    default = tracker_factory(tracker_recipe(build_parser().parse_args(base)), warn=False)(None).config
    assert default == TrackerConfig()
    switched = tracker_recipe(build_parser().parse_args(
        base + ["--pixel-match", "off", "--pair-correlation", "off", "--pair-shape", "free", "--hold-when-lost",
                "--jobs", "2"]))
    config = tracker_factory(switched, warn=False)(None).config
    assert (config.pixel_match, config.pair_correlation, config.pair_max_aspect_change) == (0.0, 0.0, MAX_ASPECT_CHANGE)
    assert config.hold_when_lost and config.lost_threshold == HOLD_THRESHOLD
    import pickle

    assert pickle.loads(pickle.dumps(switched)) == switched  # the recipe travels to --jobs workers
    for option in (["--pixel-match", "off"], ["--pair-shape", "free"], ["--hold-when-lost"]):
        assert main(["track-dataset", str(dataset), "--results", str(tmp_path / "c"), "--tracker", "csrt",
                     *option]) == 2
        err = capsys.readouterr().err
        assert "apply to the student and teacher, not to csrt" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("where", ["root", "inside"])
def test_a_results_folder_in_the_dataset_is_refused_before_any_work(dataset, where, capsys):
    results = dataset if where == "root" else dataset / "alpha" / "results"
    before = sorted(p.name for p in dataset.rglob("*"))
    assert main(["track-dataset", str(dataset), "--results", str(results), "--tracker", "csrt"]) == 2
    err = capsys.readouterr().err
    assert "lies inside the dataset" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in dataset.rglob("*")) == before


def test_unknown_names_and_a_missing_root_are_one_line(dataset, tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["track-dataset", str(dataset), "--results", str(results), "--sequences", "alpha,nope",
                 "--tracker", "csrt"]) == 2
    assert "no sequence folder with ground truth named nope" in capsys.readouterr().err
    assert main(["track-dataset", str(tmp_path / "missing"), "--results", str(results)]) == 2
    assert "dataset folder not found" in capsys.readouterr().err
    assert not results.exists()


def test_worker_processes_give_the_same_results_as_one_process(dataset, tmp_path, capsys):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    common = ["--tracker", "csrt", "--sequences", "alpha,beta,gamma"]
    assert main(["track-dataset", str(dataset), "--results", str(serial)] + common) == 1
    capsys.readouterr()
    assert main(["track-dataset", str(dataset), "--results", str(parallel), "--jobs", "2"] + common) == 1
    err = capsys.readouterr().err
    assert "2 worker processes" in err and "skipped gamma" in err and "wrote 2 results" in err
    for name in ("alpha.txt", "beta.txt"):
        assert (parallel / name).read_text() == (serial / name).read_text()
    assert not (parallel / "gamma.txt").exists()


def test_a_stopped_sequence_writes_nothing(dataset, tmp_path):
    from core.commands.dataset_tracking import TrackerRecipe, track_one, tracker_factory
    from core.commands.track_dataset import outcome_line

    tracker_for = tracker_factory(TrackerRecipe("csrt", None, "auto", "auto", 1, False, "auto"))
    calls = []
    out = tmp_path / "alpha.txt"
    outcome = track_one(tracker_for, dataset / "alpha", out, show_progress=False,
                        should_stop=lambda: calls.append(1) or len(calls) > 2)  # stop before the third frame
    assert outcome.status == "stopped" and not out.exists()
    assert outcome_line(outcome) == "stopped alpha before its end (nothing written)"
    assert track_one(tracker_for, dataset / "alpha", out, show_progress=False).status == "written" and out.exists()
