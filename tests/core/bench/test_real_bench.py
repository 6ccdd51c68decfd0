"""bench accuracy --real's runs: the side-by-side job with oracle and runaway trackers, restarts,
the result cache and its keys, parallel workers, the tables, and the command end to end on a
tiny fake data tree (and on the real split when ../shared/data is there)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from core.bench.contenders import Contender
from core.bench.real_items import RealItem, real_items
from core.bench.real_metrics import roc_auc
from core.bench.real_run import run_real_bench
from core.bench.real_scores import score_real
from core.bench.real_table import format_real_table
from core.bench.real_track import restart_state
from core.cli import main
from core.progress import run_to_end
from core.real_split import DEFAULT_SPLIT_FILE, load_split
from tests.core.bench.conftest import OracleTracker
from tests.core.bench.real_tree import fake_tree as _fake_tree


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
    # counts agree with their nouns (core.wording.plural): it said '[visible: 1 sequences, ...]'
    assert "a note" in text and "[visible: 1 sequence, " in text and "[thermal: 1 sequence, " in text
    assert "1 sequences" not in text
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
    (tmp_path / "no-weights").mkdir()  # a weights folder without the checkpoints
    code = main(["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
                 "--weights-dir", str(tmp_path / "no-weights"), "--random-weights", "--engine", "torch",
                 "--device", "cpu", "--trackers", "student,csrt,kcf,mil", "--max-frames", "8",
                 "--one-step-every", "3", "--threads", "1", "--json", str(out), "--plots", str(plots)])
    assert code == 0
    text = capsys.readouterr().out
    assert "[visible: 1 sequence, 8 frames]" in text and "[thermal: 1 sequence, 8 frames]" in text
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
    elsewhere = base[:4] + [str(tmp_path / "elsewhere")] + base[5:]
    assert main(elsewhere) != 0
    assert "elsewhere: real data root does not exist (--data-root" in capsys.readouterr().err
    (tmp_path / "elsewhere").mkdir()
    assert main(elsewhere) != 0
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
    # two ONNX files of one checkpoint (an export and its int8 quantisation) are two runs
    exports = [tmp_path / "w.onnx", tmp_path / "w_int8.onnx"]
    exports[0].write_bytes(b"fp32 graph")
    exports[1].write_bytes(b"int8 graph")
    keys = {model_fingerprint("s", "student", checkpoint, SimpleNamespace(
        engine=SimpleNamespace(name="onnx", device="cpu", path=path), config=TrackerConfig())) for path in exports}
    assert len(keys) == 2


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



@pytest.mark.parametrize("sequences, frames, said", [
    (1, 1, "[visible: 1 sequence, 1 frame]"),
    (1, 8, "[visible: 1 sequence, 8 frames]"),
    (3, 120, "[visible: 3 sequences, 120 frames]"),
])
def test_modality_header_counts_agree_with_their_nouns(sequences, frames, said):
    """The per-modality header said '[visible: 1 sequences, ...]' (left by 413db84, which fixed the
    other headers): core.wording.plural."""
    step = {"centre_px": 1.0, "centre_norm": 0.1, "width_ratio": 1.0, "height_ratio": 1.0}
    row = {"kind": "mean", "tracker": "oracle", "modality": "visible", "sequences": sequences, "frames": frames,
           "stream": "visible", "sr": 1.0, "pr": 1.0, "npr": 1.0, "fps": 10.0, "runaway": 0.0, "runaway_max": 0.0,
           "auc": None, "one_step": step}
    assert said in format_real_table([row]).splitlines()
