"""bench accuracy --real on a labelled view: a window of an unlabelled RGB-T pair with boxes
the project keeps (core.real_split, core.sequences.window), on a tiny fake data tree."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.bench.contenders import Contender
from core.bench.eval_sets import ground_truth_rows
from core.bench.real_items import real_items
from core.bench.real_run import run_real_bench
from core.cli import main
from core.errors import ConfigError
from core.progress import run_to_end
from core.real_split import load_split
from core.sequences import open_sequence
from tests.core.bench.conftest import OracleTracker
from tests.core.bench.real_tree import fake_pair, fake_tree

PAIR = "real/rgbt-unlabeled/pair"


def _tree(tmp_path, frames=(3, 10), rows=None, modality="rgbt", name="pair-view", pair_frames=12):
    """The fake tree, a video pair without boxes, a boxes file for its window ``frames``
    (1-based, inclusive; default rows follow the colour block, the 4th absent) and a split
    listing ``cars`` and the view. Returns (split file, boxes file)."""
    fake_tree(tmp_path, frames=10)
    fake_pair(tmp_path, frames=pair_frames)
    if rows is None:
        rows = [f"{20 + 2 * i},20,16,20" for i in range(frames[0] - 1, frames[1])]
        rows[3] = "NaN,NaN,NaN,NaN"
    boxes = tmp_path / "boxes" / "pair.txt"
    boxes.parent.mkdir(exist_ok=True)
    boxes.write_text("\n".join(rows) + "\n")
    view = {"folder": PAIR, "groundtruth": str(boxes), "frames": list(frames), "name": name}
    split = tmp_path / "views.json"
    split.write_text(json.dumps({"validation": {"visible": ["real/rgb/cars"], modality: [view]}, "train": {}}))
    return split, boxes


def test_a_view_runs_on_its_window_with_its_boxes(tmp_path):
    split_file, boxes = _tree(tmp_path)
    items, _ = real_items(load_split(split_file), "validation", tmp_path, max_frames=None)
    assert [(i.modality, i.name, i.length, i.num_frames, i.layout) for i in items] == [
        ("visible", "cars", 10, 10, "visible-only"), ("rgbt", "pair-view", 8, 8, "video-pair")]
    view = items[1]
    assert view.folder == PAIR and view.cache_sequence == f"{PAIR}[3:10]" and items[0].cache_sequence == "real/rgb/cars"
    sequence, base = view.open(), open_sequence(tmp_path / PAIR)
    try:
        assert len(sequence) == 8 and sequence.name == "pair-view"
        for i in (0, 3, 7):
            np.testing.assert_array_equal(sequence[i].visible, base[i + 2].visible)
            np.testing.assert_array_equal(sequence[i].thermal, base[i + 2].thermal)
        truth = ground_truth_rows(sequence.ground_truth(), len(sequence))
    finally:
        sequence.close(), base.close()
    expected = np.array([[20 + 2 * i, 20, 16, 20] for i in range(2, 10)], float)
    expected[3] = 0  # the NaN line: absent
    np.testing.assert_array_equal(truth, expected)


def test_starts_and_max_frames_work_within_the_window(tmp_path):
    split_file, _ = _tree(tmp_path)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, max_frames=3, starts=2)
    views = [i for i in items if i.modality == "rgbt"]
    assert [(i.name, i.first_frame, i.num_frames, i.length) for i in views] == [
        ("pair-view", 0, 3, 8), ("pair-view@4", 4, 3, 8)]
    assert any("pair-view 8" in n for n in notes)  # cut to 3 of its 8 frames
    recorded = []

    class Recording(OracleTracker):
        def init(self, pair, box):
            recorded.append((pair.index, tuple(np.round(box, 1)), int(np.argmax(pair.visible[25, :, 0] > 200))))
            return OracleTracker.init(self, pair, box)

    sequence = views[0].open()
    truth = ground_truth_rows(sequence.ground_truth(), len(sequence))
    sequence.close()
    bench = run_to_end(run_real_bench([Contender("oracle", "oracle", "-", Recording(truth))], views,
                                      one_step_every=0))
    # window frame 0 = pair frame 2 (block at x 24); window frame 4 = pair frame 6 (block at x 32)
    assert recorded == [(0, (24.0, 20.0, 16.0, 20.0), 24), (4, (32.0, 20.0, 16.0, 20.0), 32)]
    np.testing.assert_array_equal(bench.ground_truth["pair-view@4"], truth[4:7])
    assert bench.runs[("oracle", "pair-view")].start == 0


def test_a_view_under_the_veil_and_clashing_names(tmp_path):
    from core.bench.veil import VeiledSequence, VisibleVeil

    split_file, _ = _tree(tmp_path, name="cars")
    items, _ = real_items(load_split(split_file), "validation", tmp_path, veil=VisibleVeil(0.1))
    assert [i.name for i in items] == ["real/rgb/cars", f"{PAIR}[3:10]"]  # names clash: the labels
    veiled, clean = items[1].open(), real_items(load_split(split_file), "validation", tmp_path)[0][1].open()
    try:
        assert isinstance(veiled, VeiledSequence) and len(veiled) == 8 and veiled.info.layout == "video-pair"
        np.testing.assert_array_equal(veiled[2].visible, VisibleVeil(0.1).visible(clean[2].visible, 2))
        assert veiled.ground_truth().keys() == clean.ground_truth().keys()
    finally:
        veiled.close(), clean.close()


def test_a_view_is_checked_like_any_sequence(tmp_path, capsys):
    split_file, _ = _tree(tmp_path, modality="visible")
    with pytest.raises(ConfigError, match=rf"{PAIR}\[3:10\] is listed as visible .* opens as rgbt"):
        real_items(load_split(split_file), "validation", tmp_path)
    split_file, boxes = _tree(tmp_path / "short", rows=["1,1,5,5"] * 7)
    with pytest.raises(ConfigError, match=r"pair\[3:10\] .* cannot be opened: .*pair.txt: 7 box lines for the 8"):
        real_items(load_split(split_file), "validation", tmp_path / "short")
    assert main(["bench", "accuracy", "--real", "--data-root", str(tmp_path / "short"), "--split-file",
                 str(split_file), "--trackers", "kcf"]) != 0
    err = capsys.readouterr().err
    assert "7 box lines" in err and str(boxes) in err and "Traceback" not in err
    split_file, boxes = _tree(tmp_path / "late", frames=(5, 14), rows=["1,1,5,5"] * 10)
    with pytest.raises(ConfigError, match=r"frames 5-14 of .* run past the sequence's end \(12 frames\)"):
        real_items(load_split(split_file), "validation", tmp_path / "late")


def test_the_cache_key_carries_the_window_and_the_boxes(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    trees = iter(range(10))

    def run(frames, rows):  # each run on its own copy of the tree: the key names no data root
        split_file, _ = _tree(tmp_path / f"tree{next(trees)}", frames=frames, rows=rows)
        args = build_parser().parse_args([
            "bench", "accuracy", "--real", "--data-root", str(split_file.parent), "--split-file", str(split_file),
            "--trackers", "kcf", "--threads", "1", "--one-step-every", "0", "--cache", str(tmp_path / "cache")])
        payload, bench, _, _ = run_real_accuracy(args)
        assert {r["sequence"] for r in payload["rows"] if r["kind"] == "sequence"} == {"cars", "pair-view"}
        return bench.runs[("KCF", "pair-view")].cached

    same = ["30,20,16,20"] * 8  # the same boxes in each window: only the window tells the runs apart
    assert not run((3, 10), same)
    assert run((3, 10), same)  # the same window and boxes: reused
    assert not run((4, 11), same)  # another window, the same boxes: another run
    assert not run((3, 10), ["31,20,16,20"] * 8)  # the same window, other boxes: another run


def test_bench_annotate_opens_a_view_as_its_window(tmp_path):
    from core.bench.annotate import real_set

    split_file, _ = _tree(tmp_path)
    items, notes = real_set(split_file, tmp_path)
    assert notes == [] and [(i.name, i.num_frames) for i in items] == [("real/rgb/cars", 10), (f"{PAIR}[3:10]", 8)]
    sequence = items[1].open()
    try:
        assert len(sequence) == 8 and sequence.ground_truth()[0].box.tolist() == [24, 20, 16, 20]
    finally:
        sequence.close()


def test_a_pairs_only_contender_runs_on_rgbt_items_only(tmp_path):
    from core.bench.real_scores import score_real

    split_file, _ = _tree(tmp_path)
    items, _ = real_items(load_split(split_file), "validation", tmp_path, max_frames=None)
    ran = []

    class Recording(OracleTracker):
        def init(self, pair, box):
            ran.append(pair.visible.shape)
            return OracleTracker.init(self, pair, box)

    still = np.tile([[20.0, 20, 16, 20]], (20, 1))
    plain = Contender("oracle", "oracle", "-", OracleTracker(still))
    paired = Contender("oracle", "oracle (pairs)", "-", Recording(still), pairs_only=True)
    assert plain.applies_to("visible") and not paired.applies_to("visible")
    assert not paired.applies_to("thermal") and paired.applies_to("rgbt")
    bench = run_to_end(run_real_bench([plain, paired], items, one_step_every=0))
    assert set(bench.runs) == {("oracle", "cars"), ("oracle", "pair-view"), ("oracle (pairs)", "pair-view")}
    assert len(ran) == 1  # initialised on the pair only
    rows, reports = score_real(bench)
    where = {(r["tracker"], r["kind"], r["modality"], r["sequence"]) for r in rows}
    assert {w for w in where if w[0] == "oracle (pairs)"} == {("oracle (pairs)", "sequence", "rgbt", "pair-view"),
                                                            ("oracle (pairs)", "mean", "rgbt", "mean")}
    assert ("oracle", "mean", "all", "mean") in where  # the plain one keeps its "all" mean
    assert [r.tracker for r in reports["all"]] == ["oracle"]
    assert [r.tracker for r in reports["rgbt"]] == ["oracle", "oracle (pairs)"]


def test_the_peers_also_run_on_the_thermal_stream_of_pairs(tmp_path):
    from core.bench.code_hashes import real_fingerprint
    from core.bench.real_accuracy import _contenders, run_real_accuracy
    from core.cli import build_parser

    split_file, _ = _tree(tmp_path)
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt,kcf", "--threads", "1", "--one-step-every", "3"]
    serial, bench, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert [c.label for c in bench.contenders] == ["CSRT", "CSRT (thermal)", "KCF", "KCF (thermal)"]
    assert [c.pairs_only for c in bench.contenders] == [False, True, False, True]
    means = {(r["tracker"], r["modality"]): r for r in serial["rows"] if r["kind"] == "mean"}
    assert set(means) == {(t, m) for t in ("CSRT", "KCF") for m in ("visible", "rgbt", "all")} | {
        ("CSRT (thermal)", "rgbt"), ("KCF (thermal)", "rgbt")}
    assert means[("CSRT", "rgbt")]["stream"] == "RGB only" and means[("CSRT (thermal)", "rgbt")]["stream"] == "T only"
    assert means[("CSRT", "visible")]["stream"] == "RGB" and means[("CSRT", "all")]["sequences"] == 2
    sequences = {(r["tracker"], r["sequence"]) for r in serial["rows"] if r["kind"] == "sequence"}
    assert ("CSRT (thermal)", "pair-view") in sequences and ("CSRT (thermal)", "cars") not in sequences
    assert "left out of the 'all' means" in text
    rgbt_block = text.split("[rgbt:")[1].split("\n\n")[0]
    all_block = text.split("[all:")[1].split("\n\n")[0]
    assert "CSRT (thermal)" in rgbt_block and "T only" in rgbt_block and "CSRT (thermal)" not in all_block
    # the cache keys differ: the fingerprint names the stream
    peers = _contenders(build_parser().parse_args(base))
    assert len({real_fingerprint(c, 3) for c in peers}) == 4
    assert "thermal" in real_fingerprint(peers[1], 3) and "visible" in real_fingerprint(peers[0], 3)
    parallel, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--jobs", "2"]))
    assert "in each of 2 worker processes" in text
    strip = ("fps",)
    assert ([{k: v for k, v in r.items() if k not in strip} for r in serial["rows"]]
            == [{k: v for k, v in r.items() if k not in strip} for r in parallel["rows"]])


def test_no_thermal_peer_row_without_pairs(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args([
        "bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
        "--trackers", "csrt", "--threads", "1"]))
    assert {r["tracker"] for r in payload["rows"]} == {"CSRT"}
    assert not any(label == "CSRT (thermal)" for label, _ in bench.runs)
    assert "(thermal)" not in text and "left out of the 'all' means" not in text


@pytest.mark.parametrize("bench", [["accuracy", "--real"], ["safeguards"], ["size-response"]])
@pytest.mark.parametrize("target", ["boxes", "keyframes"])
def test_a_views_boxes_are_inputs_no_report_goes_over_them(tmp_path, capsys, bench, target):
    split_file, boxes = _tree(tmp_path)
    keyframes = boxes.with_name(boxes.stem + ".keyframes.json")
    keyframes.write_text('{"3": [20, 20, 16, 20]}')
    path = boxes if target == "boxes" else keyframes
    before = path.read_bytes()
    code = main(["bench", *bench, "--split-file", str(split_file), "--data-root", str(tmp_path),
                 "--json", str(path), "--force"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "labelled view pair-view" in err[0] and str(path) in err[0]
    assert path.read_bytes() == before
