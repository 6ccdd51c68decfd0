"""``bench accuracy --real --veil-visible``: the visible stream under smoke or fog
(``core.bench.veil``), the thermal input clean."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from tests.core.bench.real_tree import fake_tree, thermal_frame


def _random_models_bench(tmp_path, trackers: str = "student") -> list[str]:
    """``bench accuracy --real`` argv over a fake tree (``fake_tree``, 6 frames) with randomly
    initialised ``trackers``, one thread, a cache under ``tmp_path`` and no one-step probes."""
    split_file = fake_tree(tmp_path, frames=6)
    (tmp_path / "none").mkdir(exist_ok=True)  # a weights folder without the checkpoints
    return ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", trackers, "--random-weights", "--weights-dir", str(tmp_path / "none"), "--threads", "1",
            "--cache", str(tmp_path / "c"), "--one-step-every", "0"]


def _contenders_by_value(base: list[str], option: str, values) -> dict:
    """``{value: the contenders built from base + [option, value]}`` (None: the option left out)."""
    from core.bench.real_accuracy import build_real_contenders
    from core.cli import build_parser

    return {value: build_real_contenders(build_parser().parse_args(base + ([] if value is None else [option, value])))
            for value in values}


def test_the_veil_hides_the_visible_frame_and_leaves_the_thermal_one():
    from core.bench.veil import VisibleVeil
    from core.sequences.base import FramePair

    visible = np.zeros((72, 96, 3), np.uint8)
    visible[:, 48:] = 255
    pair = FramePair(7, visible, thermal_frame(3))
    veil = VisibleVeil(0.1)
    out = veil.apply(pair)
    assert out.index == 7 and out.thermal is pair.thermal
    edge = out.visible[:, 48:].astype(float).mean() - out.visible[:, :48].astype(float).mean()
    assert 0.1 * 255 - 25 < edge < 0.1 * 255 + 25  # a tenth of the edge left, give or take the veil's swing
    assert out.visible.min() >= 0.9 * 170 - 1  # the black half is under the grey veil
    np.testing.assert_array_equal(veil.apply(pair).visible, out.visible)  # the same frame, the same veil
    moved = veil.apply(FramePair(100, visible, pair.thermal)).visible
    assert not np.array_equal(moved, out.visible)  # the smoke drifts between frames
    for keep in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ConfigError, match="--veil-visible"):
            VisibleVeil(keep)


def test_veiled_runs_see_veiled_frames_and_are_cached_apart(tmp_path):
    split_file = fake_tree(tmp_path, frames=6)
    from core.bench.real_accuracy import run_real_accuracy
    from core.bench.veil import VisibleVeil
    from core.cli import build_parser

    items, notes = real_items(load_split(split_file), "validation", tmp_path, veil=VisibleVeil(0.1))
    assert any("smoke/fog" in n for n in notes)
    clean, _ = real_items(load_split(split_file), "validation", tmp_path)
    for veiled, plain in zip(items, clean, strict=True):
        a, b = veiled.open(), plain.open()
        assert len(a) == len(b) and a.ground_truth() == b.ground_truth()
        np.testing.assert_array_equal(a[2].visible, VisibleVeil(0.1).visible(b[2].visible, 2))
        np.testing.assert_array_equal(a[2].thermal, b[2].thermal)
        assert veiled.cache_dataset != plain.cache_dataset
        a.close(), b.close()
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c")]
    run_real_accuracy(build_parser().parse_args(base))
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--veil-visible", "0.1"]))
    assert not any(run.cached for run in bench.runs.values())  # the clean runs are not reused
    assert payload["veil_visible"] == 0.1 and "smoke/fog" in text
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base + ["--veil-visible", "0.1"]))
    assert all(run.cached for run in again.runs.values())


def test_the_bench_feeds_the_networks_the_streams_it_is_told(tmp_path):
    """``bench accuracy --real --streams both`` (as ``track --streams``; auto is the default): the
    student's and the teacher's config say so, the table and the JSON name it, and the runs are
    cached apart."""
    from core.bench.real_accuracy import build_real_contenders, run_real_accuracy
    from core.cli import build_parser

    base = _random_models_bench(tmp_path)
    args = build_parser().parse_args(base + ["--streams", "both"])
    assert [c.tracker.config.streams for c in build_real_contenders(args)] == ["both"]
    # the synthetic bench keys its cache by the fingerprint alone: random weights fed otherwise are another run
    assert (build_real_contenders(args)[0].fingerprint
            != build_real_contenders(build_parser().parse_args(base))[0].fingerprint)
    run_real_accuracy(build_parser().parse_args(base))
    payload, bench, _, text = run_real_accuracy(args)
    assert payload["streams"] == "both" and "--streams both" in text
    assert not any(run.cached for run in bench.runs.values())  # not the default's runs
    held = build_parser().parse_args(base + ["--hold-when-lost"])
    config = build_real_contenders(held)[0].tracker.config
    assert config.hold_when_lost and config.lost_threshold > 0 and config.streams == "auto"
    payload, bench, _, text = run_real_accuracy(held)
    assert payload["hold_when_lost"] and "--hold-when-lost" in text
    assert not any(run.cached for run in bench.runs.values())  # another loop: not the runs above


def test_the_bench_switches_the_correlation_on_two_stream_pairs_as_it_is_told(tmp_path):
    """``bench accuracy --real --pair-correlation on|off`` (as ``track --pair-correlation``): the
    student's and the teacher's config say so, the cache key (the config's repr) tells the runs
    apart, and the table's notes and the JSON name it when it is not the default."""
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser
    from core.tracking.tracker_config import PAIR_CORRELATION_WEIGHT, TrackerConfig

    base = _random_models_bench(tmp_path, "student,teacher")
    default = TrackerConfig().pair_correlation > 0
    other = "off" if default else "on"
    built = _contenders_by_value(base, "--pair-correlation", (None, "on", "off"))
    configs = {value: [c.tracker.config for c in contenders] for value, contenders in built.items()}
    assert [c.pair_correlation for c in configs["on"]] == [PAIR_CORRELATION_WEIGHT] * 2
    assert [c.pair_correlation for c in configs["off"]] == [0.0, 0.0]
    assert configs[None] == [TrackerConfig()] * 2
    assert built["on"][0].fingerprint != built["off"][0].fingerprint
    payload, _, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["pair_correlation"] == default and "--pair-correlation" not in text
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--pair-correlation", other]))
    assert payload["pair_correlation"] == (not default) and f"--pair-correlation {other}" in text
    assert not any(run.cached for run in bench.runs.values())  # another loop: not the default's runs


def test_the_bench_frees_the_shape_on_two_stream_pairs_when_told(tmp_path):
    """``bench accuracy --real --pair-shape free`` (as ``track --pair-shape``): the models' config
    takes the single-modality bound, the cache key tells the runs apart, the notes and the JSON
    name it."""
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser
    from core.tracking.tracker_config import MAX_ASPECT_CHANGE, TrackerConfig

    base = _random_models_bench(tmp_path)
    contenders = {value: built[0] for value, built in
                  _contenders_by_value(base, "--pair-shape", (None, "drawn", "free")).items()}
    assert contenders[None].tracker.config == contenders["drawn"].tracker.config == TrackerConfig()
    assert contenders["free"].tracker.config.pair_max_aspect_change == MAX_ASPECT_CHANGE
    assert contenders["free"].fingerprint != contenders["drawn"].fingerprint
    payload, _, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["pair_shape"] == "drawn" and "--pair-shape" not in text
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--pair-shape", "free"]))
    assert payload["pair_shape"] == "free" and "--pair-shape free" in text
    assert not any(run.cached for run in bench.runs.values())


def test_the_bench_switches_the_pixel_match_off_when_told(tmp_path):
    """``bench accuracy --real --pixel-match off`` (as ``track --pixel-match``): the models' config
    has no pixel match, the cache key tells the runs apart, the notes and the JSON name it."""
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser
    from core.tracking.tracker_config import TrackerConfig

    base = _random_models_bench(tmp_path)
    contenders = {value: built[0] for value, built in
                  _contenders_by_value(base, "--pixel-match", (None, "on", "off")).items()}
    assert contenders[None].tracker.config == contenders["on"].tracker.config == TrackerConfig()
    assert contenders["off"].tracker.config.pixel_match == 0.0
    assert contenders["off"].fingerprint != contenders["on"].fingerprint
    payload, _, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["pixel_match"] is True and "--pixel-match" not in text
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--pixel-match", "off"]))
    assert payload["pixel_match"] is False and "--pixel-match off" in text
    assert not any(run.cached for run in bench.runs.values())
