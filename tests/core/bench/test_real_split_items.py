"""bench accuracy --real's inputs: the committed split file and refused ones
(``core.real_split``), and the items made from a split (``core.bench.real_items``): modalities
checked, long sequences cut, several starts per sequence."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.bench.contenders import Contender
from core.bench.real_items import real_items
from core.bench.real_run import run_real_bench
from core.errors import ConfigError
from core.progress import run_to_end
from core.real_split import DEFAULT_SPLIT_FILE, load_split
from tests.core.bench.conftest import OracleTracker
from tests.core.bench.real_tree import fake_tree as _fake_tree


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

