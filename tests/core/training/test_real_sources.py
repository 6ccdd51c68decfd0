"""Real-footage training sources on a tiny fixture (tmp_path), plus checks on ../shared/data."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import AnnotationFormatError, ConfigError, SequenceError
from core.real_split import load_split
from core.training.config import ProcessingConfig, SamplerConfig, load_train_config
from core.training.processing import CropSpec, Processing
from core.training.real_data import FrameLRU, decoded_video, read_groundtruth
from core.training.sampler import PairSampler
from core.training.self_supervised import textured_box
from core.training.sources import build_source, source_kinds
from tests.core.training.real_fixture import FRAMES, TRAIN, VALIDATION, H, W, level, make_data_root, options

SPEC = CropSpec(template_size=32, search_size=64, template_factor=2.0, search_factor=4.0, feature_size=8)
PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    data, split = make_data_root(root)
    return data, split, root / "cache"


def _build(kind, fixture_root, **more):
    data, split, cache = fixture_root
    return build_source(kind, options(data, split, cache, **more), seed=0)


def test_real_kinds_are_registered():
    assert {"real_visible", "real_thermal", "rgbt_unlabeled", "synthetic", "dataset"} <= set(source_kinds())


def test_groundtruth_nan_rows_are_absent(fixture_root):
    data, _, _ = fixture_root
    boxes, usable = read_groundtruth(data / "real/rgb/seq-a/groundtruth.txt")
    assert boxes.shape == (FRAMES, 4) and usable.tolist() == [True, True, False, True, True, True]
    assert np.isnan(boxes[2]).all()
    np.testing.assert_allclose(boxes[1], [11, 13, 20, 16])


def test_bad_groundtruth_names_the_file_and_line(tmp_path):
    bad = tmp_path / "groundtruth.txt"
    bad.write_text("1,2,3,4\n1,2,x,4\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match=r"groundtruth.txt, line 2"):
        read_groundtruth(bad)


def test_real_visible_reads_the_train_folders_with_their_boxes(fixture_root):
    source = _build("real_visible", fixture_root)
    names = sorted(e.name for e in source.entries)
    assert names == ["real/rgb/seq-a", "real/rgb/seq-b"]
    entry = source.entries[0]
    assert entry.usable.tolist() == [True, True, False, True, True, True]
    pair = entry.frame(3)
    assert pair.visible.shape == (H, W, 3) and pair.thermal.shape == (H, W)
    assert abs(int(pair.visible[60, 5, 0]) - level(0, 3)) <= 3  # frame 3 of seq-a (background level)
    assert entry.extras["second_stream"].missing == "thermal"
    assert "2 real visible train sequences" in source.describe()


def test_real_visible_without_decode_cache_reads_the_same_frames(fixture_root):
    cached = _build("real_visible", fixture_root).entries[1].frame(4)
    direct = _build("real_visible", fixture_root, decode_cache=False).entries[1].frame(4)
    np.testing.assert_array_equal(cached.visible, direct.visible)
    np.testing.assert_array_equal(cached.thermal, direct.thermal)


def test_real_thermal_decodes_the_avi_once(fixture_root, monkeypatch):
    source = _build("real_thermal", fixture_root)
    entry = source.entries[0]
    pair = entry.frame(5)
    assert entry.name == "real/thermal/th-a" and len(entry.reader()) == FRAMES
    assert pair.thermal.shape == (H, W) and pair.visible.shape == (H, W, 3)
    assert abs(int(pair.thermal[60, 5]) - level(3, 5)) <= 4
    np.testing.assert_array_equal(pair.visible[..., 1], pair.thermal)
    assert entry.extras["second_stream"].missing == "visible"

    def no_decoding(*args, **kwargs):
        raise AssertionError("the video was decoded again")

    monkeypatch.setattr(cv2, "VideoCapture", no_decoding)
    again = _build("real_thermal", fixture_root)  # a new process-worth of sources: cache only
    np.testing.assert_array_equal(again.entries[0].frame(5).thermal, pair.thermal)


def test_decoded_video_is_a_read_only_map_and_rebuilt_when_damaged(tmp_path):
    data, _ = make_data_root(tmp_path)
    video = data / "real/thermal/th-a/thermal.avi"
    frames = decoded_video(video, tmp_path / "cache", grey=True)
    assert frames.shape == (FRAMES, H, W) and not frames.flags.writeable
    cached = list((tmp_path / "cache" / "training-frames").glob("*.npy"))
    assert len(cached) == 1
    expected = np.array(frames)
    del frames
    cached[0].unlink()  # (never truncate a mapped file in place: the cache itself only os.replace()s)
    cached[0].write_bytes(b"not a numpy file")
    again = decoded_video(video, tmp_path / "cache", grey=True)
    np.testing.assert_array_equal(np.asarray(again), expected)


def test_missing_video_is_one_clear_error(tmp_path):
    with pytest.raises(SequenceError, match="thermal.avi: video file not found"):
        decoded_video(tmp_path / "thermal.avi", tmp_path, grey=True)


def test_rgbt_unlabeled_cuts_a_textured_box_from_one_frame_pair(fixture_root):
    source = _build("rgbt_unlabeled", fixture_root)
    assert sorted(s.name for s in source.sequences) == ["real/rgbt-unlabeled/pair-a", "tno/pair-b"]
    for seed in range(20):
        entry = source.draw(np.random.default_rng(seed), 0)
        assert entry.usable.tolist() == [True, True]
        np.testing.assert_array_equal(entry.boxes[0], entry.boxes[1])
        x, y, w, h = entry.boxes[0]
        assert x >= 0 and y >= 0 and x + w <= W and y + h <= H and w >= 8 and h >= 8
        t, s = entry.extras["frames"]
        assert t == s  # max_gap 0: the same frame pair twice
        assert entry.frame(0) is entry.frame(1)
        # the fixture's only texture is the patch at x 50..90, y 10..50 (both modalities)
        cx, cy = x + w / 2, y + h / 2
        assert 40 <= cx <= 96 and 0 <= cy <= 60


def test_rgbt_unlabeled_with_a_gap_uses_two_frames(fixture_root):
    source = _build("rgbt_unlabeled", fixture_root, max_gap=3)
    gaps = [abs(t - s) for t, s in (source.draw(np.random.default_rng(k), 0).extras["frames"] for k in range(30))]
    assert max(gaps) <= 3 and any(g > 0 for g in gaps)


def test_textured_box_needs_texture_in_both_modalities():
    rng = np.random.default_rng(0)
    visible = np.full((120, 160, 3), 100, np.uint8)
    thermal = np.full((120, 160), 90, np.uint8)
    visible[:, :80] = rng.integers(0, 256, (120, 80, 3), dtype=np.uint8)  # left: visible texture only
    visible[60:, 80:] = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)  # bottom right: both
    thermal[60:, 80:] = rng.integers(0, 256, (60, 80), dtype=np.uint8)
    for seed in range(10):
        x, y, w, h = textured_box(visible, thermal, np.random.default_rng(seed), candidates=48)
        assert x + w / 2 > 80 and y + h / 2 > 60


def test_processing_derives_the_missing_modality(fixture_root):
    visible = _build("real_visible", fixture_root)
    sampler = PairSampler([visible], [1.0], SamplerConfig(max_gap=2))
    same = _build("real_visible", fixture_root, second_stream="same")
    same_sampler = PairSampler([same], [1.0], SamplerConfig(max_gap=2))
    processing = Processing(ProcessingConfig(brightness=0.0, flip=0.0), SPEC)
    differs = 0
    for seed in range(6):
        a = processing(sampler.sample(np.random.default_rng(seed), 0), np.random.default_rng(seed))
        b = processing(same_sampler.sample(np.random.default_rng(seed), 0), np.random.default_rng(seed))
        np.testing.assert_array_equal(a["x_v"], b["x_v"])  # the visible crops are the frames'
        differs += not np.allclose(a["x_t"], b["x_t"])  # the thermal crops are pseudo vs luminance
        assert all(np.isfinite(v).all() for v in a.values())
    assert differs == 6


# -- the split: train only, never validation -----------------------------------------------
def test_no_validation_sequence_can_be_drawn(fixture_root):
    data, split, cache = fixture_root
    sources = [build_source(kind, options(data, split, cache), seed=0)
               for kind in ("real_visible", "real_thermal", "rgbt_unlabeled")]
    sampler = PairSampler(sources, [1.0, 1.0, 1.0], SamplerConfig(max_gap=3))
    train = {n for names in TRAIN.values() for n in names}
    validation = {n for names in VALIDATION.values() for n in names}
    drawn = {sampler.sample(np.random.default_rng(k), k).entry.name for k in range(300)}
    assert drawn == train  # every train sequence came up ...
    assert not drawn & validation  # ... and no validation one


def test_a_validation_sequence_cannot_be_included(fixture_root):
    with pytest.raises(ConfigError, match="not in the train part"):
        _build("real_visible", fixture_root, include=["val-v"])
    with pytest.raises(ConfigError, match="not in the train part"):
        _build("real_thermal", fixture_root, include=["real/thermal/val-t"])
    only = _build("real_visible", fixture_root, include=["seq-b"])
    assert [e.name for e in only.entries] == ["real/rgb/seq-b"]


def test_a_split_with_a_sequence_in_both_parts_is_rejected(tmp_path):
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"train": {"visible": ["real/rgb/a", "real/rgb/b"]},
                                 "validation": {"visible": ["real/rgb/b/"]}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="both train and validation.*real/rgb/b"):
        load_split(split)


@pytest.mark.parametrize("text, problem", [("{", "not a readable JSON split file"), ('{"train": [], "validation": {}}', "'train' must be an object")])
def test_bad_split_files_are_config_errors(tmp_path, text, problem):
    split = tmp_path / "split.json"
    split.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_split(split)


def test_missing_data_root_is_one_clear_error(fixture_root, tmp_path):
    _, split, cache = fixture_root
    with pytest.raises(SequenceError, match="real data root does not exist"):
        build_source("real_visible", options(tmp_path / "nowhere", split, cache), seed=0)


def test_unknown_option_is_a_config_error(fixture_root):
    with pytest.raises(ConfigError, match="real_visible"):
        _build("real_visible", fixture_root, colour="red")


def test_frame_lru_is_bounded_by_bytes():
    from core.sequences.base import FramePair

    lru = FrameLRU(capacity_mb=1)
    made = []

    def make(i):
        made.append(i)
        return FramePair(i, np.zeros((256, 256, 3), np.uint8), np.zeros((256, 256), np.uint8))  # 0.25 MiB

    for i in range(8):
        lru.get_or_make(i, lambda i=i: make(i))
    lru.get_or_make(7, lambda: make(7))
    assert made == list(range(8)) and lru.size <= 2**20 and lru.hits == 1


# -- the shared real data (skipped when absent) --------------------------------------------
@pytest.mark.real_data
def test_committed_split_sources_draw_train_sequences_only(shared_data, tmp_path):
    split = load_split(PROJECT / "configs/real_split.json")
    validation = split.all_folders("validation")
    common = {"split": str(PROJECT / "configs/real_split.json"), "data_root": str(shared_data),
              "cache_dir": str(tmp_path)}
    visible = build_source("real_visible", {**common, "include": ["otb-football1", "uav123-wakeboard7"]}, seed=0)
    thermal = build_source("real_thermal", {**common, "include": ["antiuav-18"]}, seed=0)
    unlabeled = build_source("rgbt_unlabeled", {**common, "include": ["1230_1202", "tno/tree"]}, seed=0)
    names = {e.name for e in visible.entries + thermal.entries} | {s.name for s in unlabeled.sequences}
    assert names == {"real/rgb/otb-football1", "real/rgb/uav123-wakeboard7", "real/thermal/antiuav-18",
                     "real/rgbt-unlabeled/1230_1202", "tno/tree"}
    assert not names & validation
    spec = CropSpec(template_size=64, search_size=128, template_factor=2.0, search_factor=4.0, feature_size=16)
    processing = Processing(ProcessingConfig(), spec)
    sampler = PairSampler([visible, thermal, unlabeled], [1.0, 1.0, 1.0], SamplerConfig(max_gap=100))
    for k in range(24):
        rng = np.random.default_rng(k)
        sample = sampler.sample(rng, k)
        assert sample.entry.name in names
        out = processing(sample, rng)
        assert out["x_t"].shape == (3, 128, 128) and all(np.isfinite(v).all() for v in out.values())
        assert 0 < out["box"][2] <= 1 and 0 < out["box"][3] <= 1


@pytest.mark.real_data
def test_every_source_of_the_real_configs_stays_in_the_train_part(shared_data):
    """Whatever a source of the shipped real configs can draw is in the split's train part."""
    split = load_split(PROJECT / "configs/real_split.json")
    train, validation = split.all_folders("train"), split.all_folders("validation")
    for name in ("student_real", "student_kd_real", "teacher_real"):
        config = load_train_config(PROJECT / "configs" / f"{name}.json")
        kinds = {s.kind for s in config.data.source_configs()}
        assert kinds == {"real_visible", "real_thermal", "rgbt_unlabeled", "synthetic"}
        for source in config.data.source_configs():
            opts = source.options if source.kind != "synthetic" else source.options["backgrounds"]
            assert Path(opts["split"]).name == "real_split.json" and "include" not in opts
    folders = {g: split.train_folders(g, shared_data) for g in ("visible", "thermal", "rgbt_unlabeled")}
    listed = {name for pairs in folders.values() for name, _ in pairs}
    assert listed == train and not listed & validation


def test_committed_split_loads_with_disjoint_parts():
    split = load_split(PROJECT / "configs/real_split.json")
    assert set(split.parts["train"]) == {"visible", "thermal", "rgbt_unlabeled"}
    assert split.all_folders("train") and split.all_folders("validation")
    assert not split.all_folders("train") & split.all_folders("validation")


def test_batches_and_a_training_step_on_real_sources(fixture_root, tiny_student_config, tmp_path):
    """The loader path (sources -> sampler -> processing -> collate) with every real kind
    mixed with the synthetic stream, deterministic per step, and one training step."""
    import dataclasses

    from core.progress import run_to_end
    from core.training.config import DataConfig
    from core.training.data_speed import samples_per_second, stage_seconds
    from core.training.loader import BatchMaker
    from core.training.trainer import train_job

    data, split, cache = fixture_root
    sources = tuple({"kind": kind, "weight": weight, "options": options(data, split, cache)}
                    for kind, weight in (("real_visible", 0.4), ("real_thermal", 0.3), ("rgbt_unlabeled", 0.2)))
    sources += ({"kind": "synthetic", "weight": 0.1,
                 "options": {"pool": 2, "refresh_steps": 5, "frames": [20, 30], "real_backgrounds": 0.5,
                             "backgrounds": options(data, split, cache)}},)
    config = dataclasses.replace(tiny_student_config, data=DataConfig(sources=sources), batch_size=4, steps=1,
                                 checkpoint_every=1, log_every=1)
    config = dataclasses.replace(config, validation=dataclasses.replace(config.validation, pairs=4, sequences=1))
    spec = CropSpec(template_size=32, search_size=64, template_factor=2.0, search_factor=4.0, feature_size=8)
    a, b = BatchMaker(config, spec), BatchMaker(config, spec)
    for step in (0, 3):
        one, two = a.make(step), b.make(step)
        for key in one:
            assert one[key].shape[0] == 4 and bool(torch_isfinite(one[key]))
            assert (one[key] == two[key]).all(), key
    assert samples_per_second(a, 2) > 0
    stages = stage_seconds(a, 2, 10)
    assert stages["processing total"] > 0 and stages["sampler total (draw + frames)"] > 0
    result = run_to_end(train_job(config, tmp_path / "run", device="cpu"))
    assert result.step == 1 and result.checkpoint.is_file()


def torch_isfinite(tensor):
    import torch

    return torch.isfinite(tensor).all()
