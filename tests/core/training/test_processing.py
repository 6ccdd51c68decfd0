import dataclasses

import numpy as np
import pytest

from core.sequences.base import FramePair
from core.training.config import ProcessingConfig
from core.training.processing import CropSpec, Processing, flip_box, jitter_box
from core.training.sampler import PairSample
from core.training.targets import center_cell, gaussian_heatmap, gaussian_radius

SPEC = CropSpec(template_size=32, search_size=64, template_factor=2.0, search_factor=4.0, feature_size=8)


def _scene(box, size=(120, 160)):
    """A frame pair with a bright rectangle exactly at ``box`` (x, y, w, h)."""
    h, w = size
    visible = np.zeros((h, w, 3), np.uint8)
    thermal = np.zeros((h, w), np.uint8)
    x, y, bw, bh = (int(v) for v in box)
    visible[y:y + bh, x:x + bw] = 200
    thermal[y:y + bh, x:x + bw] = 250
    return FramePair(0, visible, thermal, None)


def _sample(box_t, box_s):
    return PairSample(_scene(box_t), np.array(box_t, float), _scene(box_s), np.array(box_s, float), None, 0, 1)


def test_shapes_and_dtypes():
    out = Processing(ProcessingConfig(dark_visible=1, thermal_flat=1, drop_modality=1), SPEC)(
        _sample((40, 30, 20, 16), (50, 40, 20, 16)), np.random.default_rng(0))
    assert out["z_v"].shape == (3, 32, 32) and out["z_t"].shape == (3, 32, 32)
    assert out["x_v"].shape == (3, 64, 64) and out["x_t"].shape == (3, 64, 64)
    assert out["heatmap"].shape == (1, 8, 8) and out["box"].shape == (4,)
    assert all(v.dtype == np.float32 for v in out.values())
    assert np.all(out["box"][:2] >= 0) and np.all(out["box"][:2] < 1)


@pytest.mark.parametrize("seed", range(6))
def test_ground_truth_box_lands_on_the_heatmap_peak_and_on_the_target_pixels(seed):
    config = ProcessingConfig(flip=0.5, brightness=0.0)
    box = (60, 44, 24, 18)
    out = Processing(config, SPEC)(_sample(box, box), np.random.default_rng(seed))
    cx, cy, w, h = out["box"]
    peak = np.unravel_index(np.argmax(out["heatmap"][0]), (8, 8))
    assert out["heatmap"][0].max() == 1.0
    assert peak == (int(cy * 8), int(cx * 8))
    # the rectangle's pixels in the search crop sit where the normalised box says
    crop = out["x_t"][0]
    bright = crop > crop.min() + 0.5 * (crop.max() - crop.min())
    ys, xs = np.nonzero(bright)
    assert abs((xs.mean() + 0.5) / 64 - cx) < 0.03 and abs((ys.mean() + 0.5) / 64 - cy) < 0.03
    assert abs((xs.max() - xs.min() + 1) / 64 - w) < 0.05


def test_without_jitter_the_search_target_is_centred():
    config = ProcessingConfig(search_center_jitter=0, search_scale_jitter=0, flip=0, brightness=0)
    out = Processing(config, SPEC)(_sample((40, 30, 20, 20), (50, 40, 20, 20)), np.random.default_rng(1))
    np.testing.assert_allclose(out["box"], [0.5, 0.5, 0.25, 0.25], atol=0.02)


def test_drop_modality_zeroes_one_stream():
    config = ProcessingConfig(drop_modality=1.0, brightness=0.0)
    outs = [Processing(config, SPEC)(_sample((40, 30, 20, 20), (45, 35, 20, 20)), np.random.default_rng(s))
            for s in range(8)]
    dropped = {("v" if not o["x_v"].any() else "") + ("t" if not o["x_t"].any() else "") for o in outs}
    assert dropped == {"v", "t"}


def test_jitter_and_flip_helpers():
    rng = np.random.default_rng(0)
    boxes = np.array([jitter_box((100, 100, 20, 20), 3.0, 0.0, rng) for _ in range(200)])
    centers = boxes[:, :2] + boxes[:, 2:] / 2
    assert np.all(np.abs(centers - 110) <= 30 + 1e-9) and np.ptp(centers[:, 0]) > 30
    np.testing.assert_allclose(flip_box((10, 5, 20, 8), 100), (70, 5, 20, 8))


def test_cornernet_radius_and_heatmap():
    # a 4x4-cell box at min_overlap 0.7: the tightest case is two corners moving apart
    r = gaussian_radius(4.0, 4.0, 0.7)
    assert 0.5 < r < 1.5
    hm = gaussian_heatmap(np.array([0.5, 0.26, 0.5, 0.5]), 8)
    assert hm.shape == (1, 8, 8) and hm[0, 2, 4] == 1.0 and (hm == 1.0).sum() == 1
    assert center_cell(np.array([0.999, 0.0, 0.1, 0.1]), 8) == (7, 0)
    assert hm[0, 2, 5] < 1.0 and hm[0, 7, 0] == 0.0


def test_rgbt_augmentations_change_only_the_search_streams():
    base = ProcessingConfig(search_center_jitter=0, search_scale_jitter=0, flip=0, brightness=0)
    sample = _sample((40, 30, 20, 20), (45, 35, 20, 20))
    plain = Processing(base, SPEC)(sample, np.random.default_rng(2))
    dark = Processing(dataclasses.replace(base, dark_visible=1.0), SPEC)(sample, np.random.default_rng(2))
    flat = Processing(dataclasses.replace(base, thermal_flat=1.0), SPEC)(sample, np.random.default_rng(2))
    assert dark["x_v"].mean() < plain["x_v"].mean() - 0.1
    np.testing.assert_array_equal(dark["z_v"], plain["z_v"])
    assert flat["x_t"].std() < 0.5 * plain["x_t"].std()


def test_fog_hides_the_visible_stream_and_keeps_the_thermal_one():
    """fog_visible veils the visible search crop (its contrast falls, its level moves toward a
    grey), on some samples the template too, and never touches the thermal crops."""
    base = ProcessingConfig(search_center_jitter=0, search_scale_jitter=0, flip=0, brightness=0)
    sample = _sample((40, 30, 20, 20), (45, 35, 20, 20))
    plain = Processing(base, SPEC)(sample, np.random.default_rng(2))
    templates_fogged = 0
    for seed in range(20):
        fog = Processing(dataclasses.replace(base, fog_visible=1.0), SPEC)(sample, np.random.default_rng(seed))
        assert fog["x_v"].std() < 0.6 * plain["x_v"].std()  # the veil adds its own smooth variation
        np.testing.assert_array_equal(fog["x_t"], plain["x_t"])
        np.testing.assert_array_equal(fog["z_t"], plain["z_t"])
        templates_fogged += not np.array_equal(fog["z_v"], plain["z_v"])
    assert 3 <= templates_fogged <= 17


def test_fog_keeps_a_share_of_the_image_under_a_smooth_veil():
    from core.training.processing import fog_visible

    image = np.zeros((64, 64, 3), dtype=np.uint8)
    image[:, 32:] = 255
    for seed in range(10):
        out = fog_visible(image, np.random.default_rng(seed)).astype(np.float32)
        step = out[:, 32:].mean() - out[:, :32].mean()
        assert 0.05 * 255 - 20 <= step <= 0.35 * 255 + 20  # the kept share of the edge, give or take the veil
        assert out.min() >= 0.65 * 120 - 1  # the veil lifts the dark half


@pytest.mark.parametrize("seed", range(12))
def test_flip_cuts_exactly_the_crops_of_the_flipped_frames(seed):
    """The flip is done on the crops (no full-frame copy): the same pixels as cropping the
    flipped frames, for linear and area (large box) resampling."""
    r = np.random.default_rng(100 + seed)
    h, w = int(r.integers(60, 300)), int(r.integers(60, 400))
    visible = r.integers(0, 256, (h, w, 3), dtype=np.uint8)
    thermal = r.integers(0, 256, (h, w), dtype=np.uint8)
    box = np.array([r.uniform(0, w - 20), r.uniform(0, h - 20), r.uniform(3, w / 2), r.uniform(3, h / 2)])
    moved = box + np.r_[r.normal(0, 4, 2), 0, 0]
    sample = PairSample(FramePair(0, visible, thermal), box, FramePair(1, visible, thermal), moved, None, 0, 1)
    fv, ft = np.ascontiguousarray(visible[:, ::-1]), np.ascontiguousarray(thermal[:, ::-1])
    flipped = PairSample(FramePair(0, fv, ft), flip_box(box, w), FramePair(1, fv, ft), flip_box(moved, w), None, 0, 1)
    a = Processing(ProcessingConfig(flip=1.0), SPEC)(sample, np.random.default_rng(seed))
    b = Processing(ProcessingConfig(flip=0.0), SPEC)(flipped, np.random.default_rng(seed))
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def _channels_equal(normalised) -> bool:
    """Whether an ImageNet-normalised (3, S, S) crop was grey: its three channels, un-normalised, agree."""
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    values = normalised * std[:, None, None] + mean[:, None, None]
    return bool(np.abs(values - values[:1]).max() < 1e-3)


def test_grey_visible_turns_both_visible_crops_grey_and_keeps_the_thermal_ones():
    """grey_visible replaces the visible template and search crops by their luminance (three equal
    channels) on the drawn share of samples; the thermal crops and the boxes stay; at 0 it draws no
    random number, so earlier configs give the same samples as before."""
    base = ProcessingConfig(search_center_jitter=0, search_scale_jitter=0, flip=0, brightness=0)
    visible = np.zeros((120, 160, 3), np.uint8)
    visible[..., 0], visible[30:50, 40:60] = 180, (30, 200, 90)  # a red scene, a green target
    scene = FramePair(0, visible, np.full((120, 160), 90, np.uint8), None)
    sample = PairSample(scene, np.array((40, 30, 20, 20), float), scene, np.array((45, 35, 20, 20), float), None, 0, 1)
    plain = Processing(base, SPEC)(sample, np.random.default_rng(2))
    greyed = 0
    for seed in range(20):
        out = Processing(dataclasses.replace(base, grey_visible=0.5), SPEC)(sample, np.random.default_rng(seed))
        np.testing.assert_array_equal(out["x_t"], plain["x_t"])
        np.testing.assert_array_equal(out["box"], plain["box"])
        grey = [_channels_equal(out[k]) for k in ("z_v", "x_v")]
        assert grey[0] == grey[1]  # the template and the search crop together
        greyed += grey[0]
    assert 4 <= greyed <= 16
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    Processing(base, SPEC)(sample, rng_a)
    Processing(dataclasses.replace(base, grey_visible=0.0), SPEC)(sample, rng_b)
    assert rng_a.random() == rng_b.random()
