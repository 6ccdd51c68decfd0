"""Semi-real synthesis: the synthetic generator's objects on real train frames."""
import numpy as np
import pytest

from core.errors import ConfigError
from core.synthetic import SyntheticSequence, sample_config
from core.synthetic.textures import background_canvases
from core.training.backgrounds import RealBackgrounds, cut_canvas
from core.training.sources import SyntheticSource
from tests.core.training.real_fixture import level, make_data_root


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("bg")
    data, split = make_data_root(root)
    return {"split": str(split), "data_root": str(data), "cache_dir": str(root / "cache")}


def test_cut_canvas_cuts_every_modality_alike():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    grey = image[..., 0].copy()
    visible, thermal = cut_canvas(np.random.default_rng(1), [image, grey], 50, 70)
    assert visible.shape == (50, 70, 3) and thermal.shape == (50, 70)
    np.testing.assert_array_equal(visible[..., 0], thermal)


def test_provider_reads_only_train_frames(fixture_root):
    provider = RealBackgrounds(**fixture_root, frame_stride=1)
    assert all("val-" not in str(f) for f in provider.visible_files)
    assert {f.parent.name for f in provider.visible_files} == {"seq-a", "seq-b"}
    assert {p.name for p in provider.pairs} == {"real/rgbt-unlabeled/pair-a", "tno/pair-b"}


def test_provider_gives_real_rgbt_or_real_visible_canvases(fixture_root):
    only_pairs = RealBackgrounds(**fixture_root, rgbt_share=1.0)
    visible, thermal = only_pairs(np.random.default_rng(0), 40, 50)
    assert visible.shape == (40, 50, 3) and thermal is not None and thermal.shape == (40, 50)
    only_visible = RealBackgrounds(**fixture_root, rgbt_share=0.0)
    visible, thermal = only_visible(np.random.default_rng(0), 40, 50)
    assert thermal is None
    # a train visible frame: the background levels of seq-a / seq-b, never the validation one
    assert min(abs(int(np.median(visible)) - level(k, i)) for k in (0, 1) for i in range(6)) <= 4
    a = only_visible(np.random.default_rng(5), 40, 50)[0]
    np.testing.assert_array_equal(a, only_visible(np.random.default_rng(5), 40, 50)[0])


def test_background_canvases_use_the_provider_and_check_its_shapes():
    grey = np.full((30, 40), 77, np.uint8)
    colour = np.full((30, 40, 3), 120, np.uint8)
    visible, thermal, source = background_canvases(np.random.default_rng(0), 30, 40, "auto",
                                                   lambda rng, h, w: (colour, grey))
    assert source == "provided" and visible is colour and thermal is grey
    visible, thermal, source = background_canvases(np.random.default_rng(0), 30, 40, "auto",
                                                   lambda rng, h, w: (colour, None))
    assert source == "provided" and visible is colour and thermal.shape == (30, 40)  # derived thermal
    with pytest.raises(ValueError, match="background provider returned"):
        background_canvases(np.random.default_rng(0), 30, 40, "auto", lambda rng, h, w: (colour[:10], None))


def test_synthetic_sequence_on_a_real_background_is_deterministic(fixture_root):
    provider = RealBackgrounds(**fixture_root)
    config = sample_config(np.random.default_rng(3))
    a = SyntheticSequence(config, 11, background=provider)
    b = SyntheticSequence(config, 11, background=provider)
    plain = SyntheticSequence(config, 11)
    assert "background: provided" in a.info.notes
    np.testing.assert_array_equal(a[2].visible, b[2].visible)
    np.testing.assert_array_equal(a[2].thermal, b[2].thermal)
    np.testing.assert_array_equal(a.boxes, plain.boxes)  # the script is the same, only the scene differs
    assert not np.array_equal(a[2].visible, plain[2].visible)


def test_synthetic_source_option_is_off_by_default_and_keeps_the_stream(fixture_root):
    default = SyntheticSource(seed=4, pool=3, refresh_steps=5)
    off = SyntheticSource(seed=4, pool=3, refresh_steps=5, real_backgrounds=0.0)
    on = SyntheticSource(seed=4, pool=3, refresh_steps=5, real_backgrounds=1.0, backgrounds=fixture_root)
    for step in range(3):
        d, o, r = (s.draw(np.random.default_rng(step), step) for s in (default, off, on))
        assert d.name == o.name == r.name  # same configs and seeds with or without backgrounds
        np.testing.assert_array_equal(d.frame(0).visible, o.frame(0).visible)
        assert "background: provided" in r.reader().info.notes
    assert "real backgrounds" in on.describe()


def test_synthetic_source_background_options_are_checked(fixture_root):
    with pytest.raises(ConfigError, match="real_backgrounds"):
        SyntheticSource(real_backgrounds=1.5)
    with pytest.raises(ConfigError, match="need real_backgrounds"):
        SyntheticSource(backgrounds=fixture_root)
    with pytest.raises(ConfigError, match="backgrounds"):
        SyntheticSource(real_backgrounds=0.5, backgrounds={**fixture_root, "colour": 1})
