import numpy as np
import pytest

from core.errors import ConfigError
from core.training.pseudo_modality import SecondStream, monotone_curve, pseudo_thermal, visible_like


def _textured(seed=0, size=(48, 64)):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size + (3,), dtype=np.uint8)


@pytest.mark.parametrize("seed", range(8))
def test_monotone_curve_is_non_decreasing_and_wide(seed):
    lut = monotone_curve(np.random.default_rng(seed))
    assert lut.shape == (256,) and lut.dtype == np.uint8
    assert np.all(np.diff(lut.astype(int)) >= 0)
    assert int(lut[-1]) - int(lut[0]) >= 90


@pytest.mark.parametrize("invert", [0.0, 1.0])
def test_pseudo_thermal_keeps_or_inverts_the_order_of_grey_levels(invert):
    ramp = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (8, 1))  # (8, 64) grey ramp
    out = pseudo_thermal(ramp, np.random.default_rng(3), invert=invert, blur=0.0, flatten=0.0, noise=0.0)
    steps = np.diff(out[0].astype(int))
    assert out.shape == ramp.shape and out.dtype == np.uint8
    assert np.all(steps >= 0) if invert == 0.0 else np.all(steps <= 0)
    assert abs(int(out[0, -1]) - int(out[0, 0])) >= 60


def test_pseudo_thermal_is_a_pure_function_of_image_and_rng():
    image = _textured()
    a = pseudo_thermal(image, np.random.default_rng(7))
    b = pseudo_thermal(image, np.random.default_rng(7))
    c = pseudo_thermal(image, np.random.default_rng(8))
    assert a.shape == image.shape[:2] and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_pseudo_thermal_changes_the_look_but_keeps_the_structure():
    image = _textured(1)
    grey = image.astype(np.float64).mean(axis=2)
    outs = [pseudo_thermal(image, np.random.default_rng(s), blur=0.0, noise=0.0).astype(np.float64) for s in range(10)]
    # differs from the luminance (not an identity) and between draws ...
    assert sum(np.abs(o - grey).mean() > 10 for o in outs) >= 8
    # ... yet it follows the image: clearly (anti-)correlated with some channel mix
    corr = [abs(np.corrcoef(o.ravel(), image[..., k].ravel().astype(float))[0, 1]) for o in outs for k in range(3)]
    assert max(corr) > 0.5


def test_visible_like_is_colourless_and_near_the_grey():
    grey = np.random.default_rng(2).integers(0, 256, (32, 40), dtype=np.uint8)
    out = visible_like(grey, np.random.default_rng(0))
    assert out.shape == (32, 40, 3) and out.dtype == np.uint8
    spread = out.astype(int).max(axis=2) - out.astype(int).min(axis=2)
    assert np.percentile(spread, 95) <= 30  # small colour jitter only
    assert np.corrcoef(out[..., 0].ravel(), grey.ravel())[0, 1] > 0.95
    np.testing.assert_array_equal(out, visible_like(grey, np.random.default_rng(0)))


def test_same_returns_the_crops_and_draws_nothing():
    z_v, x_v = _textured(0, (16, 16)), _textured(1, (32, 32))
    z_t, x_t = z_v[..., 0], x_v[..., 0]
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    out = SecondStream("thermal", "same").apply(z_v, z_t, x_v, x_t, rng)
    assert all(a is b for a, b in zip(out, (z_v, z_t, x_v, x_t), strict=True))
    assert rng.bit_generator.state == state


def test_pseudo_gives_template_and_search_the_same_mapping():
    image = _textured(4, (32, 32))
    stream = SecondStream("thermal", "pseudo")
    _, z_t, _, x_t = stream.apply(image, image[..., 0], image, image[..., 0], np.random.default_rng(5),
                                  template_px=16.0, search_px=16.0)
    np.testing.assert_array_equal(z_t, x_t)  # same seed, same crop -> same tone curve, blur and noise
    assert not np.array_equal(z_t, image[..., 0])


def test_pseudo_visible_replaces_only_the_visible_crops():
    grey_z, grey_x = _textured(0, (16, 16))[..., 0], _textured(1, (32, 32))[..., 0]
    z_v, z_t, x_v, x_t = SecondStream("visible", "pseudo").apply(
        np.zeros((16, 16, 3), np.uint8), grey_z, np.zeros((32, 32, 3), np.uint8), grey_x, np.random.default_rng(0))
    assert z_t is grey_z and x_t is grey_x
    assert z_v.shape == (16, 16, 3) and x_v.shape == (32, 32, 3)
    assert np.corrcoef(x_v[..., 1].ravel(), grey_x.ravel())[0, 1] > 0.95


def test_pseudo_share_mixes_pseudo_and_same():
    image = _textured(0, (16, 16))
    stream = SecondStream("thermal", "pseudo", pseudo_share=0.5)
    replaced = 0
    for seed in range(40):
        _, z_t, _, _ = stream.apply(image, image[..., 0], image, image[..., 0], np.random.default_rng(seed))
        replaced += not np.array_equal(z_t, image[..., 0])
    assert 8 <= replaced <= 32


@pytest.mark.parametrize("kwargs", [dict(missing="depth"), dict(missing="thermal", mode="fancy"),
                                    dict(missing="thermal", pseudo_share=1.5)])
def test_bad_second_stream_settings_are_config_errors(kwargs):
    with pytest.raises(ConfigError):
        SecondStream(**kwargs)
