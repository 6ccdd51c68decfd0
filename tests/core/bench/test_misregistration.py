"""``bench accuracy --real --thermal-offset DX,DY``: a pair's thermal stream registered a few pixels
off the visible one (``core.bench.misregistration``), the visible frames, the boxes and
single-modality footage unchanged."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.misregistration import ThermalOffset
from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from core.sequences.base import FramePair, as_streams
from tests.core.bench.real_tree import colour_frame, fake_tree, thermal_frame


def _pair() -> FramePair:
    visible = colour_frame(3)[..., ::-1].copy()
    thermal = thermal_frame(3)  # the hot block at rows 30-41, columns 33-46
    raw = thermal.astype(np.uint16) * 100
    return FramePair(3, visible, thermal, raw)


def test_the_thermal_frame_moves_and_the_visible_frame_stays():
    pair = _pair()
    out = ThermalOffset(5, -2).apply(pair)
    assert out.index == 3 and out.visible is pair.visible
    assert out.thermal.shape == pair.thermal.shape and out.thermal.dtype == np.uint8
    np.testing.assert_array_equal(out.thermal[28:40, 38:52], pair.thermal[30:42, 33:47])  # 5 right, 2 up
    assert out.thermal[29, 36] == 30 and out.thermal[35, 52] == 30  # left and below the moved block: background
    np.testing.assert_array_equal(out.thermal_raw[28:40, 38:52], pair.thermal_raw[30:42, 33:47])
    assert out.thermal_raw.dtype == np.uint16
    # the uncovered border repeats the edge, it is not black
    assert (ThermalOffset(10, 0).apply(pair).thermal[:, :10] == 30).all()
    half = ThermalOffset(0.5, 0).apply(pair).thermal
    assert 30 < half[35, 33] < 220  # between pixels: the edge half-way
    assert ThermalOffset(8, 0).key == "thermal offset (8, 0) px"


def test_single_modality_pairs_pass_unchanged():
    pair = _pair()
    for streams in ("visible", "thermal"):
        single = as_streams(pair, streams)
        assert ThermalOffset(8, 3).apply(single) is single


@pytest.mark.parametrize("spec", ["8", "8,0,1", "a,b", "", "300,0", "nan,0", "0,inf"])
def test_a_malformed_offset_names_the_option(spec):
    with pytest.raises(ConfigError, match="--thermal-offset"):
        ThermalOffset.parse(spec)


def test_offset_runs_are_cached_apart_and_reported(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    offset = ThermalOffset.parse("4,-1.5")
    items, notes = real_items(load_split(split_file), "validation", tmp_path, thermal_offset=offset)
    plain_items, _ = real_items(load_split(split_file), "validation", tmp_path)
    assert any("every thermal frame of a pair moved by (4, -1.5) px" in n for n in notes)
    for moved, plain in zip(items, plain_items, strict=True):
        assert moved.cache_dataset == plain.cache_dataset + "|thermal offset (4, -1.5) px"
        a, b = moved.open(), plain.open()  # single-modality sequences: the same frames
        np.testing.assert_array_equal(a[2].thermal, b[2].thermal)
        a.close(), b.close()
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c"), "--thermal-offset", "4,-1.5"]
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["thermal_offset"] == [4.0, -1.5] and "moved by (4, -1.5) px" in text
    assert not any(run.cached for run in bench.runs.values())
    plain_payload, _, _, _ = run_real_accuracy(build_parser().parse_args(base[:-2]))
    assert plain_payload["thermal_offset"] is None and plain_payload["grey_visible"] is False


def test_the_command_line_refuses_a_malformed_offset_in_one_line(tmp_path, capsys):
    import main

    split_file = fake_tree(tmp_path, frames=6)
    code = main.main(["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
                      "--trackers", "csrt", "--thermal-offset", "eight"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "--thermal-offset takes DX,DY" in err[0] and "'eight'" in err[0]
