"""``bench accuracy --real --jpeg QUALITY`` / ``bench safeguards --jpeg``: the same footage through
a JPEG round trip (``core.bench.compression``), the boxes unchanged."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.compression import FootageCompression
from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from core.sequences.base import FramePair
from tests.core.bench.real_tree import colour_frame, fake_tree, thermal_frame


def test_a_round_trip_keeps_the_colours_and_blurs_more_at_lower_quality():
    rgb = colour_frame(3)[..., ::-1].copy()  # the orange block, RGB
    rgb[::2, ::2] = 255  # fine texture the codec smears
    raw = np.full((72, 96), 30000, np.uint16)
    pair = FramePair(3, rgb, thermal_frame(3), raw)
    errors = []
    for quality in (90, 40, 10):
        out = FootageCompression(quality).apply(pair)
        assert out.index == 3 and out.visible.shape == rgb.shape and out.thermal.shape == (72, 96)
        assert out.visible.dtype == np.uint8 and out.thermal_raw is raw
        errors.append(np.abs(out.visible.astype(int) - rgb).mean())
        # RGB in, RGB out: the orange block (columns 26-41) stays redder than it is blue
        red, _, blue = out.visible[21:39, 27:41].reshape(-1, 3).mean(0)
        assert red > blue + 60, (red, blue)
    assert errors[0] < errors[1] < errors[2]
    assert FootageCompression(40).key == "JPEG quality 40"
    # one-stream footage stays one stream: the other stream is made again from the compressed one
    from core.sequences.base import as_streams, has_one_stream

    for streams in ("visible", "thermal"):
        single = as_streams(pair, streams)
        out = FootageCompression(30).apply(single)
        assert has_one_stream(out) and not np.array_equal(out.visible, single.visible)
    for quality in (0, 96, 40.5, True):
        with pytest.raises(ConfigError, match="--jpeg must be a whole number from 1 to 95"):
            FootageCompression(quality)


def test_compressed_runs_keep_the_boxes_and_are_cached_apart(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, compression=FootageCompression(30))
    plain_items, _ = real_items(load_split(split_file), "validation", tmp_path)
    assert any("JPEG quality 30" in n for n in notes)
    for compressed, plain in zip(items, plain_items, strict=True):
        a, b = compressed.open(), plain.open()
        assert compressed.cache_dataset == plain.cache_dataset + "|JPEG quality 30"
        assert a[2].visible.shape == b[2].visible.shape and not np.array_equal(a[2].visible, b[2].visible)
        assert {f: r.box is None for f, r in a.ground_truth().items()} == \
            {f: r.box is None for f, r in b.ground_truth().items()}
        a.close(), b.close()
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c"), "--jpeg", "30"]
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["jpeg"] == 30 and "JPEG quality 30" in text
    assert not any(run.cached for run in bench.runs.values())
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base))
    assert all(run.cached for run in again.runs.values())
