"""Labelled views in the split file (core.real_split): an entry that gives a folder the
project's boxes for a window of its frames; what load_split accepts and refuses, and
training's refusal."""
from __future__ import annotations

import json

import pytest

from core.errors import ConfigError
from core.real_split import PROJECT_ROOT, SplitEntry, load_split

VIEW = {"folder": "real/rgbt-unlabeled/0117_1605", "groundtruth": "configs/real_boxes/0117_1605.txt",
        "frames": [81, 200], "name": "m3svd-0117_1605"}


def _split(tmp_path, validation, train=None):
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"validation": validation, "train": train or {}}))
    return path


def test_a_labelled_view_is_read_beside_plain_folders(tmp_path):
    boxes = tmp_path / "b.txt"
    split = load_split(_split(tmp_path, {
        "visible": ["real/rgb/cars"],
        "rgbt": [VIEW, {"folder": " real/rgbt-unlabeled/other/ ", "groundtruth": str(boxes)}]}))
    view = split.views["m3svd-0117_1605"]
    assert view == SplitEntry("real/rgbt-unlabeled/0117_1605", PROJECT_ROOT / "configs/real_boxes/0117_1605.txt",
                              (81, 200), "m3svd-0117_1605")
    assert view.is_view and view.label == "real/rgbt-unlabeled/0117_1605[81:200]"
    other = split.views["other"]
    assert (other.groundtruth, other.frames, other.name, other.label) == (
        boxes, None, "other", "real/rgbt-unlabeled/other")
    # the folders as before, for every caller of sequences() / parts / all_folders
    assert split.sequences("validation") == [("visible", "real/rgb/cars"), ("rgbt", VIEW["folder"]),
                                             ("rgbt", "real/rgbt-unlabeled/other")]
    assert split.parts["validation"]["rgbt"] == (VIEW["folder"], "real/rgbt-unlabeled/other")
    entries = split.entries("validation")
    assert [(m, e.name, e.is_view) for m, e in entries] == [
        ("visible", "cars", False), ("rgbt", "m3svd-0117_1605", True), ("rgbt", "other", True)]
    assert entries[0][1] == SplitEntry("real/rgb/cars")


def _view(**changes):
    out = {**VIEW, **changes}
    return {k: v for k, v in out.items() if v is not ...}


@pytest.mark.parametrize("validation,train,message", [
    ({"rgbt": [_view(folder=...)]}, {}, r"entry 1 .*'folder' \(required\)"),
    ({"rgbt": [_view(folder="  /")]}, {}, r"'folder' \(required\)"),
    ({"rgbt": [_view(folder=3)]}, {}, r"'folder' \(required\)"),
    ({"rgbt": [_view(groundtruth=...)]}, {}, r"'groundtruth' \(required\)"),
    ({"rgbt": [_view(groundtruth=["a"])]}, {}, r"'groundtruth' \(required\)"),
    ({"rgbt": [_view(box="x")]}, {}, r"unknown key\(s\) \['box'\]"),
    ({"rgbt": [_view(frames=[81.0, 200])]}, {}, r"'frames' must be \[first, last\]"),
    ({"rgbt": [_view(frames=[81])]}, {}, r"'frames' must be \[first, last\]"),
    ({"rgbt": [_view(frames=[1, 2, 3])]}, {}, r"'frames' must be \[first, last\]"),
    ({"rgbt": [_view(frames=[True, 5])]}, {}, r"'frames' must be \[first, last\]"),
    ({"rgbt": [_view(frames="81-200")]}, {}, r"'frames' must be \[first, last\]"),
    ({"rgbt": [_view(frames=[0, 10])]}, {}, r"1 <= first < last"),
    ({"rgbt": [_view(frames=[10, 10])]}, {}, r"1 <= first < last"),
    ({"rgbt": [_view(frames=[20, 10])]}, {}, r"1 <= first < last"),
    ({"rgbt": [_view(name="")]}, {}, r"'name' must be a non-empty text"),
    ({"rgbt": [_view(name=7)]}, {}, r"'name' must be a non-empty text"),
    ({"rgbt": [3]}, {}, r"'validation.rgbt' must be a list of folder names or labelled views .* entry 1 is 3"),
    ({}, {"rgbt_unlabeled": [VIEW]}, r"'train.rgbt_unlabeled' entry 1 is a labelled view"),
    ({"rgbt": [VIEW, VIEW["folder"]]}, {}, r"lists a folder twice: \['real/rgbt-unlabeled/0117_1605'\]"),
    ({"rgbt": [VIEW, _view(frames=[300, 400])]}, {}, r"two labelled views are named 'm3svd-0117_1605'"),
    ({"rgbt": [VIEW, _view(name="other target")]}, {}, r"the same window of a folder twice: \['real/rgbt-unlabeled/0117_1605\[81:200\]'\]"),
    ({"rgbt": [VIEW], "visible": [_view(frames=[300, 400], name="b")]}, {}, r"listed as rgbt and visible"),
    ({"rgbt": [VIEW]}, {"rgbt_unlabeled": [VIEW["folder"]]}, r"both train and validation"),
    ({"rgbt": [VIEW]}, {"rgbt": [VIEW]}, r"both train and validation"),
    ({"rgbt": [VIEW]}, {"rgbt": [_view(folder="real/rgbt-unlabeled/other")]}, r"views in both parts are named"),
    ({"rgbt": [VIEW], "visible": [VIEW["folder"] + "/"]}, {}, r"listed as rgbt and visible"),
])
def test_bad_labelled_views_are_refused(tmp_path, validation, train, message):
    path = _split(tmp_path, validation, train)
    with pytest.raises(ConfigError, match=message) as caught:
        load_split(path)
    assert str(path) in str(caught.value)


def test_training_refuses_a_labelled_view(tmp_path):
    (tmp_path / "data" / "real" / "rgb" / "cars").mkdir(parents=True)
    view = {"folder": "real/rgb/plane", "groundtruth": "b.txt"}
    split = load_split(_split(tmp_path, {}, {"visible": ["real/rgb/cars", view]}))
    with pytest.raises(ConfigError, match=r"train.visible lists real/rgb/plane as a labelled view"):
        split.train_folders("visible", tmp_path / "data")
    # a subset without the view is what it was
    assert split.train_folders("visible", tmp_path / "data", include=["cars"]) == [
        ("real/rgb/cars", tmp_path / "data" / "real" / "rgb" / "cars")]


def test_the_shipped_splits_views_have_boxes_for_every_window_frame():
    """The project's own boxes (configs/real_boxes) fit their windows: read without shared data."""
    import numpy as np

    from core.real_split import DEFAULT_SPLIT_FILE, load_split
    from core.sequences.window import read_window_boxes

    split = load_split(DEFAULT_SPLIT_FILE)
    views = [entry for part in ("validation", "train") for _, entry in split.entries(part) if entry.groundtruth]
    assert views, "the shipped split lists the RGB-T windows with project boxes"
    for entry in views:
        first, last = entry.frames
        records = read_window_boxes(entry.groundtruth, last - first + 1, f"frames {first}-{last}")
        assert sorted(records) == list(range(last - first + 1))
        sizes = np.array([[r.box[2], r.box[3]] for r in records.values() if r.box is not None])
        assert len(sizes) and (sizes > 4).all(), entry.name
        assert entry.folder.startswith("real/rgbt-unlabeled/")
        assert entry.folder not in split.parts["train"].get("rgbt_unlabeled", ())


def test_one_folder_may_carry_several_views(tmp_path):
    second = _view(frames=[201, 330], name="m3svd-0117_1605-crossing", groundtruth="configs/real_boxes/other.txt")
    split = load_split(_split(tmp_path, {"visible": ["real/rgb/cars"], "rgbt": [VIEW, second]}))
    assert [(m, e.name, e.frames) for m, e in split.entries("validation")] == [
        ("visible", "cars", None), ("rgbt", "m3svd-0117_1605", (81, 200)),
        ("rgbt", "m3svd-0117_1605-crossing", (201, 330))]
    assert split.parts["validation"]["rgbt"] == (VIEW["folder"],)  # the folder once
    assert sorted(split.views) == ["m3svd-0117_1605", "m3svd-0117_1605-crossing"]
    # still split by sequence: the folder cannot also be in train
    with pytest.raises(ConfigError, match="in both train and validation"):
        load_split(_split(tmp_path, {"rgbt": [VIEW, second]}, {"rgbt_unlabeled": [VIEW["folder"]]}))
