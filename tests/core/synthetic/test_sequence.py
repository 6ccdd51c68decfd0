"""SyntheticSequence: determinism, ground truth, challenge effects."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.errors import ConfigError
from core.synthetic import CHALLENGES, SyntheticConfig, SyntheticSequence

SMALL = SyntheticConfig(width=96, height=80, num_frames=24)


def _frames(seq, order):
    return {i: (seq[i].visible.copy(), seq[i].thermal.copy()) for i in order}


def test_same_seed_same_frames_in_any_order():
    config = replace(SMALL, challenges=CHALLENGES)
    forward = _frames(SyntheticSequence(config, 7, cache_frames=0), range(24))
    backward = _frames(SyntheticSequence(config, 7, cache_frames=2), [23, 5, 17, 0, 12, 5, 3] + list(range(24))[::-1])
    for i in range(24):
        assert np.array_equal(forward[i][0], backward[i][0])
        assert np.array_equal(forward[i][1], backward[i][1])
    again = SyntheticSequence(config, 7)
    assert np.array_equal(again.boxes, SyntheticSequence(config, 7).boxes)


def test_different_seeds_differ():
    a, b = SyntheticSequence(SMALL, 1), SyntheticSequence(SMALL, 2)
    assert not np.array_equal(a[0].visible, b[0].visible)
    assert not np.array_equal(a.boxes, b.boxes)


def test_frame_types_and_info():
    seq = SyntheticSequence(SMALL, 3)
    pair = seq[-1]
    assert pair.index == 23
    assert pair.visible.shape == (80, 96, 3) and pair.visible.dtype == np.uint8
    assert pair.thermal.shape == (80, 96) and pair.thermal.dtype == np.uint8
    assert seq.info.layout == "synthetic" and seq.info.num_frames == len(seq) == 24
    assert seq.boxes.shape == (24, 4) and seq.boxes.dtype == np.float64
    assert seq.absent.shape == (24,) and seq.absent.dtype == bool
    with pytest.raises(IndexError):
        seq[24]


@pytest.mark.parametrize("challenges", [(), ("fast_motion", "scale_change"), ("occlusion", "misalignment")])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boxes_inside_image(challenges, seed):
    config = replace(SMALL, num_frames=120, challenges=challenges)
    seq = SyntheticSequence(config, seed)
    b = seq.boxes
    assert np.all(np.isfinite(b))
    assert np.all(b[:, 2:] > 0)
    # strictly inside (LasHeR treats a box at x = 0 or y = 0 as absent)
    assert np.all(b[:, 0] >= 1) and np.all(b[:, 1] >= 1)
    assert np.all(b[:, 0] + b[:, 2] <= config.width - 1) and np.all(b[:, 1] + b[:, 3] <= config.height - 1)


def _inside_vs_ring(image, box):
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    inner = image[int(cy - h / 4) : int(cy + h / 4) + 1, int(cx - w / 4) : int(cx + w / 4) + 1].astype(float)
    x0, y0 = max(0, int(x - w / 2)), max(0, int(y - h / 2))
    ring = image[y0 : int(y + 1.5 * h), x0 : int(x + 1.5 * w)].astype(float)
    return inner.mean(), ring.mean()


def test_thermal_signature_sits_at_the_box():
    config = SyntheticConfig(num_frames=40, challenges=("misalignment",))
    seq = SyntheticSequence(config, 5)
    assert not np.allclose(seq.boxes, seq.thermal_boxes)
    for i in (0, 20, 39):
        inside, around = _inside_vs_ring(seq[i].thermal, seq.thermal_boxes[i])
        assert inside > around + 15, (i, inside, around)


def test_thermal_crossover_removes_contrast():
    config = SyntheticConfig(num_frames=60, challenges=("thermal_crossover",), crossover_fraction=0.5)
    seq = SyntheticSequence(config, 9)
    low = int(np.argmin(seq.thermal_contrast))
    high = int(np.argmax(seq.thermal_contrast))
    assert seq.thermal_contrast[low] < 0.1 and "thermal_crossover" in seq.frame_tags(low)
    inside, around = _inside_vs_ring(seq[low].thermal, seq.thermal_boxes[low])
    assert abs(inside - around) < 10
    inside, around = _inside_vs_ring(seq[high].thermal, seq.thermal_boxes[high])
    assert inside > around + 15


def test_night_darkens_visible_only():
    day = SyntheticSequence(SyntheticConfig(num_frames=5), 4)
    night = SyntheticSequence(SyntheticConfig(num_frames=5, challenges=("night",)), 4)
    assert night[2].visible.mean() < 0.4 * day[2].visible.mean()
    assert abs(float(night[2].thermal.mean()) - float(day[2].thermal.mean())) < 2


def test_occlusion_hides_target_in_both_modalities():
    config = SyntheticConfig(width=160, height=128, num_frames=120, challenges=("occlusion",))
    for seed in range(6):
        seq = SyntheticSequence(config, seed)
        if seq.absent.any():
            break
    assert seq.absent.any() and seq.occluded.sum() >= seq.absent.sum()
    assert np.array_equal(seq.absent, seq.occlusion >= 0.999)
    i = int(np.flatnonzero(seq.absent)[0])
    assert "occlusion" in seq.frame_tags(i)
    clear = SyntheticSequence(replace(config, challenges=()), seed)
    # the same seed without the occluder draws the same target; with it the box region changes
    inside_occ, _ = _inside_vs_ring(seq[i].thermal, seq.boxes[i])
    inside_clear, _ = _inside_vs_ring(clear[i].thermal, clear.boxes[i])
    assert np.array_equal(seq.boxes, clear.boxes)
    assert abs(inside_occ - inside_clear) > 10


@pytest.mark.parametrize("tag", ["visible_distractor", "thermal_distractor"])
def test_distractor_in_one_modality_only(tag):
    config = SyntheticConfig(width=160, height=128, num_frames=10, challenges=(tag,))
    seq = SyntheticSequence(config, 3)
    plain = SyntheticSequence(replace(config, challenges=()), 3)
    changed_visible = np.abs(seq[4].visible.astype(int) - plain[4].visible.astype(int)).max()
    changed_thermal = np.abs(seq[4].thermal.astype(int) - plain[4].thermal.astype(int)).max()
    if tag == "visible_distractor":
        assert changed_visible > 40 and changed_thermal == 0
    else:
        assert changed_thermal > 30 and changed_visible == 0


def test_config_rejects_bad_values():
    with pytest.raises(ConfigError):
        SyntheticConfig(challenges=("rain",))
    with pytest.raises(ConfigError):
        SyntheticConfig(num_frames=0)
    with pytest.raises(ValueError):
        SyntheticSequence(SMALL, -1)


def test_ground_truth_records_when_annotations_exist():
    pytest.importorskip("core.annotations.records")
    config = SyntheticConfig(width=160, height=128, num_frames=120, challenges=("occlusion",))
    seq = next(s for s in (SyntheticSequence(config, k) for k in range(6)) if s.absent.any())
    records = seq.ground_truth()
    assert len(records) == 120
    i = int(np.flatnonzero(seq.absent)[0])
    assert records[i].box is None and records[i].absent
    np.testing.assert_array_equal(records[0].box, seq.boxes[0])


def test_visible_distractor_crosses_in_front_of_the_target():
    seq = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=150, challenges=("visible_distractor",)), 1)
    assert seq.distractor_cover.max() > 0.5  # it hides the target for a while (visible only)
    i = int(np.argmax(seq.distractor_cover))
    assert "visible_distractor" in seq.frame_tags(i)
    assert not seq.occluded.any() and not seq.absent.any()
