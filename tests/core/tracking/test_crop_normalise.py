"""Input normalisation: the uint8 lookup of ``normalize_visible`` gives the formula's values."""
import numpy as np

from core.tracking.crop import VISIBLE_MEAN, VISIBLE_STD, normalize_thermal, normalize_visible


def _formula(crop: np.ndarray) -> np.ndarray:
    x = (crop.astype(np.float32) * (1.0 / 255.0) - VISIBLE_MEAN) / VISIBLE_STD
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def test_visible_lookup_equals_the_formula_bit_for_bit():
    rng = np.random.default_rng(3)
    crop = rng.integers(0, 256, size=(128, 96, 3), dtype=np.uint8)
    crop[0, :3] = [[0, 0, 0], [255, 255, 255], [128, 7, 250]]
    out = normalize_visible(crop)
    assert out.shape == (3, 128, 96) and out.dtype == np.float32 and out.flags.c_contiguous
    assert np.array_equal(out, _formula(crop))
    # channel order is kept: red uses the red mean / std
    assert np.isclose(out[0, 0, 1], (1.0 - 0.485) / 0.229, atol=1e-6)
    assert np.isclose(out[2, 0, 1], (1.0 - 0.406) / 0.225, atol=1e-6)


def test_visible_non_uint8_input_is_computed():
    crop = np.full((4, 4, 3), 0.5, dtype=np.float32) * 255
    np.testing.assert_allclose(normalize_visible(crop), _formula(crop), rtol=0, atol=1e-6)


def test_thermal_is_replicated_to_three_channels():
    crop = np.arange(16, dtype=np.uint8).reshape(4, 4) * 16
    out = normalize_thermal(crop)
    assert out.shape == (3, 4, 4)
    np.testing.assert_allclose(out[1], (crop / 255.0 - 0.449) / 0.226, atol=1e-6)
    assert np.array_equal(out[0], out[2])
