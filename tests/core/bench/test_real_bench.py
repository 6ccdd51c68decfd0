"""bench accuracy --real: AUC, runaway and one-step measures on constructed cases, the split
loader, the side-by-side job with oracle trackers, and the command end to end on a tiny
fake data tree (and on the real split when ../shared/data is there)."""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from core.bench.contenders import Contender
from core.bench.real_items import RealItem, real_items
from core.bench.real_metrics import (
    confidence_auc,
    one_step_errors,
    one_step_summary,
    roc_auc,
    runaway_frames,
    runaway_share,
)
from core.bench.real_run import run_real_bench
from core.bench.real_scores import score_real
from core.bench.real_table import format_real_table
from core.bench.real_track import restart_state
from core.cli import main
from core.errors import ConfigError
from core.progress import run_to_end
from core.real_split import DEFAULT_SPLIT_FILE, load_split
from tests.core.bench.conftest import OracleTracker
from tests.core.bench.real_tree import fake_tree as _fake_tree

# --- AUC ------------------------------------------------------------------------------


def _pairwise_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_constructed_cases():
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]) == 0.5  # constant confidence says nothing
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75  # the classic 4-point example
    assert np.isnan(roc_auc([0.1, 0.2], [1, 1])) and np.isnan(roc_auc([0.1, 0.2], [0, 0]))
    assert np.isnan(roc_auc([], []))
    # non-finite scores are dropped with their labels
    assert roc_auc([0.9, np.nan, 0.1], [1, 0, 0]) == 1.0
    with pytest.raises(ValueError):
        roc_auc([0.1, 0.2], [1])


def test_auc_matches_pairwise_counting_with_many_ties():
    rng = np.random.default_rng(3)
    for _ in range(20):
        scores = rng.integers(0, 5, size=40) / 4.0  # heavy ties
        labels = rng.random(40) < 0.4
        if labels.all() or not labels.any():
            continue
        assert roc_auc(scores, labels) == pytest.approx(_pairwise_auc(scores.tolist(), labels.tolist()), abs=1e-12)


def test_confidence_auc_uses_iou_half_and_skips_absent_frames():
    gt = np.array([[10, 10, 20, 20]] * 4 + [[np.nan] * 4], dtype=float)
    predicted = np.array([[10, 10, 20, 20], [12, 10, 20, 20], [60, 60, 20, 20], [70, 10, 20, 20], [0, 0, 5, 5]], float)
    confidence = np.array([0.9, 0.8, 0.3, 0.2, 0.99])  # the absent frame's high score must not count
    assert confidence_auc(confidence, predicted, gt) == 1.0
    assert confidence_auc(np.array([0.2, 0.3, 0.8, 0.9, 0.0]), predicted, gt) == 0.0


# --- runaway and one step ----------------------------------------------------------------


def test_runaway_share_constructed():
    gt = np.array([[0, 0, 10, 10]] * 5 + [[np.nan] * 4, [0, 0, 0, 0]], dtype=float)
    predicted = np.array([[0, 0, 10, 10],     # same
                          [0, 0, 20, 20],     # exactly 4x: not a runaway
                          [0, 0, 20.1, 20],   # just over 4x
                          [0, 0, 100, 100],   # frame-sized
                          [np.nan] * 4,       # no box: no area
                          [0, 0, 500, 500],   # absent target: not counted
                          [0, 0, 500, 500]], dtype=float)
    flags = runaway_frames(predicted, gt)
    assert flags.tolist() == [False, False, True, True, False, False, False]
    share, count, valid = runaway_share(predicted, gt)
    assert (count, valid) == (2, 5) and share == pytest.approx(0.4)
    share, count, valid = runaway_share(predicted[5:], gt[5:])
    assert np.isnan(share) and (count, valid) == (0, 0)
    with pytest.raises(ValueError):
        runaway_frames(predicted[:3], gt)


def test_one_step_errors_and_medians():
    gt = np.array([[0, 0, 30, 40], [10, 10, 30, 40], [0, 0, 10, 10]], dtype=float)
    predicted = np.array([[3, 4, 30, 40],    # centre off by 5 px, diagonal 50
                          [10, 10, 60, 20],  # width 2x, height 0.5x, centre (+15, -10)
                          [np.nan] * 4], dtype=float)
    errors = one_step_errors(predicted, gt)
    assert errors["centre_px"].tolist() == pytest.approx([5.0, np.hypot(15, 10)])
    assert errors["centre_norm"][0] == pytest.approx(0.1)
    assert errors["width_ratio"].tolist() == [1.0, 2.0] and errors["height_ratio"].tolist() == [1.0, 0.5]
    summary = one_step_summary(errors)
    assert summary["frames"] == 2 and summary["width_ratio"] == 1.5
    empty = one_step_summary(one_step_errors(np.zeros((0, 4)), np.zeros((0, 4))))
    assert empty["frames"] == 0 and np.isnan(empty["centre_px"])


# --- the split -------------------------------------------------------------------------------


def test_committed_split_is_disjoint_and_validation_has_both_modalities():
    split = load_split(DEFAULT_SPLIT_FILE)
    validation, train = split.all_folders("validation"), split.all_folders("train")
    assert validation and train and not validation & train
    assert split.parts["validation"]["visible"] and split.parts["validation"]["thermal"]
    assert not split.parts["validation"].get("rgbt_unlabeled")
    # by sequence: no folder is listed under two names or twice
    everything = [f for part in ("validation", "train") for fs in split.parts[part].values() for f in fs]
    assert len(everything) == len(set(everything))


@pytest.mark.parametrize("data,message", [
    ({"validation": {"visible": ["a"]}, "train": {"visible": ["a"]}}, "both train and validation"),
    ({"validation": {"visible": ["a", "a"]}, "train": {}}, "twice"),
    ({"validation": {"visible": ["a"]}, "train": {}, "extra": 1}, "unknown key"),
    ({"validation": {"radar": ["a"]}, "train": {}}, "unknown modality"),
    ({"validation": {"visible": "a"}, "train": {}}, "list of folder names"),
    ({"validation": {"rgbt_unlabeled": ["u"]}, "train": {}}, "cannot be evaluated"),
    ({"validation": {"visible": ["a"], "thermal": ["a"]}, "train": {}}, "listed as"),
    ([], "JSON object"),
])
def test_bad_split_files_are_refused(tmp_path, data, message):
    path = tmp_path / "split.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=message):
        load_split(path)


def test_split_file_not_json(tmp_path):
    path = tmp_path / "split.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="split.json"):
        load_split(path)
    with pytest.raises(ConfigError, match="not found"):
        load_split(tmp_path / "absent.json")


# --- the fake data tree (real_tree.py) -----------------------------------------------------


def test_real_items_check_modalities_and_cut_long_sequences(tmp_path):
    split_file = _fake_tree(tmp_path)
    split = load_split(split_file)
    items, notes = real_items(split, "validation", tmp_path, max_frames=6)
    assert [(i.modality, i.name, i.num_frames, i.length, i.layout) for i in items] == [
        ("visible", "cars", 6, 10, "visible-only"), ("thermal", "drone", 6, 10, "thermal-video")]
    assert any("first 6 frames" in n and "cars 10" in n for n in notes)
    items, notes = real_items(split, "train", tmp_path, max_frames=None)
    assert items == [] and any("real/rgb/other skipped" in n for n in notes)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"validation": {"thermal": ["real/rgb/cars"]}, "train": {}}))
    with pytest.raises(ConfigError, match="listed as thermal .* opens as visible"):
        real_items(load_split(wrong), "validation", tmp_path)


def test_several_starts_run_each_sequence_from_evenly_spaced_frames(tmp_path):
    split = load_split(_fake_tree(tmp_path, frames=12))
    items, notes = real_items(split, "validation", tmp_path, max_frames=5, starts=3)
    assert [(i.name, i.first_frame, i.num_frames) for i in items] == [
        ("cars", 0, 5), ("cars@4", 4, 5), ("cars@8", 8, 4), ("drone", 0, 5), ("drone@4", 4, 5), ("drone@8", 8, 4)]
    assert any("3 runs per sequence" in n for n in notes)
    recorded = []

    class Recording(OracleTracker):
        def init(self, pair, box):
            recorded.append((pair.index, tuple(np.round(box, 1))))
            return OracleTracker.init(self, pair, box)

    from core.bench.eval_sets import ground_truth_rows

    sequence = items[0].open()
    truth = ground_truth_rows(sequence.ground_truth(), len(sequence))
    sequence.close()
    oracle = Contender("oracle", "oracle", "-", Recording(truth))
    bench = run_to_end(run_real_bench([oracle], items[:3], one_step_every=0))
    # cars@4 starts on frame 5: its frame 4 is absent in the ground truth
    assert [index for index, _ in recorded] == [0, 5, 8]
    assert bench.runs[("oracle", "cars@4")].start == 5 and len(bench.ground_truth["cars@4"]) == 4
    np.testing.assert_allclose(bench.runs[("oracle", "cars@8")].boxes, truth[8:12])
    with pytest.raises(ConfigError, match="--starts"):
        real_items(split, "validation", tmp_path, starts=0)


@dataclass(frozen=True)
class _State:
    box: np.ndarray
    frame_index: int
    template: str = "frame 0"
    step: int = 0
    corner_history: tuple = ()


class _Growing:
    """Doubles the box's area every frame (a runaway) with a falling confidence; its
    state is a branchable dataclass."""

    def init(self, pair, box):
        return _State(np.asarray(box, float), pair.index)

    def track(self, pair, state):
        x, y, w, h = state.box
        box = np.array([x - w * 0.207, y - h * 0.207, w * 1.414, h * 1.414])
        confidence = 1.0 / (1 + pair.index)
        new = _State(box, pair.index, state.template, state.step + 1)
        return type("Step", (), {"box": box, "confidence": confidence, "state": new})()


def test_restart_state_replaces_box_frame_and_corners():
    state = _State(np.array([1.0, 2, 3, 4]), 0, step=0, corner_history=((0, 1.0, 2.0),))
    moved = restart_state(state, [5, 6, 7, 8], 9)
    assert moved.box.tolist() == [5, 6, 7, 8] and moved.frame_index == 9 and moved.template == "frame 0"
    assert moved.corner_history == ((0, 5.0, 6.0),) and state.box.tolist() == [1, 2, 3, 4]


def _items(tmp_path, frames=10, max_frames=None):
    split = load_split(_fake_tree(tmp_path, frames))
    items, _ = real_items(split, "validation", tmp_path, max_frames=max_frames)
    return items


def test_oracle_and_runaway_trackers_side_by_side(tmp_path):
    items = _items(tmp_path)
    gts = {}
    for item in items:
        seq = item.open()
        from core.bench.eval_sets import ground_truth_rows

        gts[item.name] = ground_truth_rows(seq.ground_truth(), len(seq))
        seq.close()

    class Switching(OracleTracker):
        def init(self, pair, box):
            self.boxes = next(g for g in gts.values() if np.allclose(g[pair.index], box))
            return OracleTracker.init(self, pair, box)

    oracle = Contender("oracle", "oracle", "-", Switching(np.zeros((1, 4))))
    growing = Contender("grow", "growing", "-", _Growing())
    missing = Contender("floor", "floor (correlation)", "-", None, "not written yet")
    bench = run_to_end(run_real_bench([oracle, growing, missing], items, one_step_every=2))
    rows, reports = score_real(bench)
    by = {(r["tracker"], r["modality"], r["sequence"]): r for r in rows}
    exact = by[("oracle", "all", "mean")]
    # LasHeR toolkit: the absent frame of "cars" counts as a PR hit and an SR miss
    assert by[("oracle", "thermal", "drone")]["sr"] == pytest.approx(20 / 21, abs=2e-3)
    assert by[("oracle", "visible", "cars")]["sr"] == pytest.approx(0.9 * 20 / 21, abs=2e-3)
    assert exact["sr"] == pytest.approx(0.95 * 20 / 21, abs=2e-3) and exact["pr"] == 1.0 and exact["runaway"] == 0.0
    assert np.isnan(roc_auc([1.0] * 3, [1, 1, 1]))
    assert exact["auc"] is None  # constant confidence and every frame right: one class only
    assert exact["one_step"]["centre_px"] == 0.0 and exact["one_step"]["width_ratio"] == 1.0
    # probed frames 2, 4, 6, 8; frame 4 of "cars" is absent (its GT is NaN)
    assert by[("oracle", "visible", "cars")]["one_step"]["frames"] == 3
    assert by[("oracle", "thermal", "drone")]["one_step"]["frames"] == 4
    runaway = by[("growing", "thermal", "drone")]
    # area doubles per frame: > 4x from frame 3 on -> frames 3..9 of 9 tracked frames
    assert runaway["runaway_frames"] == 7 and runaway["valid_frames"] == 9
    assert runaway["runaway"] == pytest.approx(7 / 9, abs=1e-4)
    assert by[("growing", "all", "mean")]["runaway_max"] >= runaway["runaway"]
    # the confidence falls as the box grows: it predicts IoU >= 0.5 perfectly
    assert by[("growing", "thermal", "drone")]["auc"] == 1.0
    # one step from the true box: the growing box is 1.414x in each side
    assert by[("growing", "all", "mean")]["one_step"]["width_ratio"] == pytest.approx(1.414)
    assert by[("floor (correlation)", "-", "-")]["kind"] == "missing"
    assert set(reports) == {"visible", "thermal", "all"}
    text = format_real_table(rows, ["a note"], ["oracle", "growing", "floor (correlation)"])
    assert "a note" in text and "[visible: 1 sequences" in text and "[thermal: 1 sequences" in text
    assert "floor (correlation)" in text and "not run: not written yet" in text
    assert "78%" in text  # the growing tracker's runaway share on the drone
    # review flags at one stream's threshold (0.4): every row carries them, the table shows them
    grow = by[("growing", "thermal", "drone")]["flags"]
    assert grow["frames"] == 9 and 0.0 <= grow["flagged"] <= 1.0
    assert exact["flags"]["recall"] is None  # the oracle never fails: nothing to find
    assert "review flags" in text


def test_command_end_to_end_on_a_fake_tree(tmp_path, capsys):
    split_file = _fake_tree(tmp_path, frames=10)
    out, plots = tmp_path / "real.json", tmp_path / "plots"
    code = main(["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
                 "--weights-dir", str(tmp_path / "no-weights"), "--random-weights", "--engine", "torch",
                 "--device", "cpu", "--trackers", "student,csrt,kcf,mil", "--max-frames", "8",
                 "--one-step-every", "3", "--threads", "1", "--json", str(out), "--plots", str(plots)])
    assert code == 0
    text = capsys.readouterr().out
    assert "[visible: 1 sequences, 8 frames]" in text and "[thermal: 1 sequences, 8 frames]" in text
    assert "first 8 frames" in text and "wall time" in text and "load average" in text
    assert "student (KD) [RANDOM weights]" in text and "MIL" in text
    payload = json.loads(out.read_text())
    assert payload["part"] == "validation" and payload["max_frames"] == 8 and payload["one_step_every"] == 3
    rows = payload["rows"]
    means = {(r["tracker"], r["modality"]): r for r in rows if r["kind"] == "mean"}
    assert set(m for _, m in means) == {"visible", "thermal", "all"}
    assert {t for t, _ in means} == {"student (KD) [RANDOM weights]", "CSRT", "KCF", "MIL"}
    csrt = means[("CSRT", "visible")]
    assert csrt["stream"] == "RGB" and means[("CSRT", "thermal")]["stream"] == "T (3 channels)"
    assert means[("student (KD) [RANDOM weights]", "visible")]["stream"] == "RGB + its gray as T"
    assert csrt["sr"] > 0.5 and csrt["runaway"] == 0.0 and csrt["fps"] > 0
    assert all(r["frames"] == 8 and r["length"] == 10 for r in rows if r["kind"] == "sequence")
    assert all(0 <= r["sr"] <= 1 for r in rows if r["kind"] != "missing")
    for modality in ("visible", "thermal", "all"):
        assert {p.name for p in (plots / modality).iterdir()} == {"lasher_PR.png", "lasher_NPR.png", "lasher_SR.png"}


def test_command_refuses_bad_options(tmp_path, capsys):
    split_file = _fake_tree(tmp_path, frames=6)
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "kcf"]
    for extra, message in ((["--max-frames", "1"], "--max-frames must be 0 (all) or >= 2"),
                           (["--one-step-every", "-1"], "--one-step-every must be >= 0"),
                           (["--split-file", str(tmp_path / "none.json")], "split file not found")):
        assert main(base + extra) != 0
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert main(base[:4] + [str(tmp_path / "elsewhere")] + base[5:]) != 0
    assert "nothing to evaluate" in capsys.readouterr().err


def test_cache_reuses_runs(tmp_path):
    split_file = _fake_tree(tmp_path, frames=6)
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    args = build_parser().parse_args(["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file",
                                      str(split_file), "--trackers", "kcf,csrt", "--cache", str(tmp_path / "c"),
                                      "--threads", "1"])
    first, *_ = run_real_accuracy(args)
    second, bench, _, text = run_real_accuracy(args)
    assert all(run.cached for run in bench.runs.values()) and "read from the cache" in text
    strip = ("cached", "fps")
    one = [{k: v for k, v in r.items() if k not in strip} for r in first["rows"]]
    two = [{k: v for k, v in r.items() if k not in strip} for r in second["rows"]]
    assert one == two


def test_parallel_workers_give_the_same_scores(tmp_path):
    split_file = _fake_tree(tmp_path, frames=6)
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "kcf,csrt", "--threads", "1", "--one-step-every", "2"]
    serial, *_ = run_real_accuracy(build_parser().parse_args(base))
    parallel, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--jobs", "2"]))
    assert "in each of 2 worker processes" in text and parallel["jobs"] == 2
    assert [i.name for i in bench.items] == ["cars", "drone"]
    strip = ("fps",)
    assert ([{k: v for k, v in r.items() if k not in strip} for r in serial["rows"]]
            == [{k: v for k, v in r.items() if k not in strip} for r in parallel["rows"]])


# --- the real split --------------------------------------------------------------------------


@pytest.mark.real_data
def test_real_validation_split_with_a_small_frame_cap(shared_data, capsys):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    args = build_parser().parse_args(["bench", "accuracy", "--real", "--data-root", str(shared_data),
                                      "--trackers", "csrt,kcf", "--max-frames", "6", "--one-step-every", "2",
                                      "--threads", "1"])
    payload, bench, _, text = run_real_accuracy(args)
    split = load_split(DEFAULT_SPLIT_FILE)
    expected = split.parts["validation"]
    items = bench.items
    listed = [entry.folder for _, entry in split.entries("validation")]  # a folder once per labelled view
    assert [i.folder for i in items] == listed
    assert {i.modality for i in items} == {"visible", "thermal"} | ({"rgbt"} if expected.get("rgbt") else set())
    assert all(isinstance(i, RealItem) and i.num_frames == 6 for i in items)
    # the RGB-T windows carry the project's boxes (configs/real_boxes), cut to their frames
    views = {i.name: i for i in items if i.modality == "rgbt"}
    for modality, entry in split.entries("validation"):
        if modality == "rgbt":
            assert views[entry.name].folder == entry.folder
    means = {(r["tracker"], r["modality"]): r for r in payload["rows"] if r["kind"] == "mean"}
    # six frames from the true box: CSRT holds the target on real footage
    assert means[("CSRT", "visible")]["sr"] > 0.5 and means[("CSRT", "thermal")]["sr"] > 0.4
    assert means[("CSRT", "all")]["runaway_max"] == 0.0
    assert "[visible: 7 sequences" in text or f"[visible: {len(expected['visible'])} sequences" in text


def test_cache_keys_follow_the_code_each_tracker_imports():
    from core.bench.code_hashes import code_hashes, core_sources

    models = {p.name for p in core_sources("core.tracking.factory")}
    floor = {p.name for p in core_sources("core.tracking.correlation")}
    assert {"tracker.py", "engines.py", "student.py", "teacher.py"} <= models
    assert "correlation.py" in floor and "tracker.py" not in floor  # tuning the tracker keeps the floor's runs
    hashes = code_hashes()
    assert set(hashes) == {"models", "floor"} and hashes["models"] != hashes["floor"]


def test_a_model_contenders_cache_key_names_its_test_loop_settings(tmp_path):
    import dataclasses
    from types import SimpleNamespace

    from core.bench.contenders import model_fingerprint
    from core.tracking.tracker_config import TrackerConfig

    checkpoint = tmp_path / "w.pt"
    checkpoint.write_bytes(b"weights")
    engine = SimpleNamespace(name="onnx", device="cpu")
    default = SimpleNamespace(engine=engine, config=TrackerConfig())
    other = SimpleNamespace(engine=engine, config=dataclasses.replace(TrackerConfig(), distractor_gate=0.5))
    assert model_fingerprint("s", "student", checkpoint, default) == model_fingerprint(
        "s", "student", checkpoint, SimpleNamespace(engine=engine, config=TrackerConfig()))
    assert model_fingerprint("s", "student", checkpoint, default) != model_fingerprint("s", "student", checkpoint,
                                                                                       other)


def test_per_sequence_block_takes_each_sequences_runs_together_under_its_full_name():
    def run(tracker, modality, sequence, sr, runaway=0.0):
        return {"kind": "sequence", "tracker": tracker, "modality": modality, "sequence": sequence,
                "sr": sr, "runaway": runaway}

    rows = [run("student (KD)", "rgbt", "m3svd-0113_1714-blackcoat", 0.6),
            run("student (KD)", "rgbt", "m3svd-0113_1714-blackcoat@67", 0.8, 0.25),
            run("student (KD)", "rgbt", "m3svd-0113_1714-redcoat", 0.5),
            run("CSRT", "rgbt", "m3svd-0113_1714-blackcoat", 0.3),
            run("CSRT", "visible", "cars@12", 0.9)]
    text = format_real_table(rows, order=["student (KD)", "CSRT"])
    block = text[text.index("per sequence"):].splitlines()
    lines = {line.split("|")[0].split()[1]: line for line in block[3:]}
    assert set(lines) == {"m3svd-0113_1714-blackcoat", "m3svd-0113_1714-redcoat", "cars"}
    black = [c.strip() for c in lines["m3svd-0113_1714-blackcoat"].split("|")]
    assert black[1] == "2" and black[2].split() == ["0.700", "25%"] and black[3].split() == ["0.300", "0%"]
    red = [c.strip() for c in lines["m3svd-0113_1714-redcoat"].split("|")]
    assert red[2].split() == ["0.500", "0%"] and red[3] == "-"
    assert lines["cars"].startswith("v ")


def test_review_flags_against_failed_frames():
    from core.bench.real_metrics import review_flags

    gt = np.array([[10, 10, 20, 20]] * 6 + [[0, 0, 0, 0]], dtype=float)  # the last row: absent
    on, off = [10, 10, 20, 20], [60, 60, 20, 20]
    predicted = np.array([on, on, on, off, off, on, off], dtype=float)
    confidence = np.array([0.9, 0.35, 0.5, 0.2, 0.5, 0.1, 0.0])
    flags = review_flags(confidence, np.full(7, 0.4), predicted, gt)
    # valid frames 0-5; failed 3, 4; flagged (< 0.4) 1, 3, 5
    assert flags["frames"] == 6 and flags["flagged"] == pytest.approx(0.5)
    assert flags["precision"] == pytest.approx(1 / 3) and flags["recall"] == pytest.approx(0.5)
    assert flags["f1"] == pytest.approx(0.4)
    # per-frame thresholds: a pair's 0.3 does not flag frame 1
    pair = review_flags(confidence, np.full(7, 0.3), predicted, gt)
    assert pair["flagged"] == pytest.approx(2 / 6) and pair["precision"] == pytest.approx(0.5)
    none = review_flags(np.ones(7), np.full(7, 0.3), predicted, gt)
    assert none["flagged"] == 0.0 and math.isnan(none["precision"]) and math.isnan(none["f1"])
