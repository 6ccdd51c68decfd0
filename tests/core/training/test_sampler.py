import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ConfigError, SequenceError
from core.training.config import SamplerConfig
from core.training.sampler import PairSampler, choose_pair
from core.training.sources import SequenceEntry, SyntheticSource, TrainingSource, build_source, usable_frames


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=60), st.integers(0, 20), st.integers(0, 2**31))
def test_pairs_are_usable_and_within_the_gap(usable, gap, seed):
    usable = np.array(usable)
    pair = choose_pair(usable, gap, np.random.default_rng(seed))
    if not usable.any():
        assert pair is None
        return
    t, s = pair
    assert usable[t] and usable[s]
    assert abs(s - t) <= gap


def test_usable_frames_skips_absent_nan_and_empty_boxes():
    boxes = np.array([[0, 0, 5, 5], [np.nan] * 4, [0, 0, 0, 5], [1, 1, 2, 2]], float)
    absent = np.array([False, False, False, True])
    assert usable_frames(boxes, absent).tolist() == [True, False, False, False]


class _Empty(TrainingSource):
    def draw(self, rng, step):
        return SequenceEntry("empty", np.full((3, 4), np.nan), np.zeros(3, bool), lambda: None)


def test_sampler_reports_sources_without_visible_targets():
    with pytest.raises(SequenceError, match="no sequence with a visible target"):
        PairSampler([_Empty()], [1.0], SamplerConfig(attempts=3)).sample(np.random.default_rng(0), 0)


def test_synthetic_stream_is_a_function_of_seed_and_step_and_uses_training_seeds():
    from core.synthetic import TRAIN_SEED_LIMIT

    a = SyntheticSource(seed=3, pool=2, refresh_steps=2, frames=(20, 25))
    b = SyntheticSource(seed=3, pool=2, refresh_steps=2, frames=(20, 25))
    names_a = [a.draw(np.random.default_rng([s]), s).name for s in (0, 1, 2, 5)]
    names_b = [b.draw(np.random.default_rng([s]), s).name for s in (5, 0, 2, 1)]
    assert sorted(names_a) == sorted(names_b)
    assert all(int(n.split("-")[1]) < TRAIN_SEED_LIMIT for n in names_a)
    sampler = PairSampler([a], [1.0], SamplerConfig(max_gap=4))
    sample = sampler.sample(np.random.default_rng(0), 0)
    assert abs(sample.search_index - sample.template_index) <= 4
    assert sample.template.visible.ndim == 3 and sample.search.thermal.ndim == 2


def test_unknown_source_kind_and_option_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown data source kind"):
        build_source("lasher-hdf5", {}, seed=0)
    with pytest.raises(ConfigError, match="synthetic"):
        build_source("synthetic", {"poool": 3}, seed=0)


def test_dataset_source_reads_a_lasher_folder_and_reports_a_missing_root(tmp_path):
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_lasher

    with pytest.raises(SequenceError, match="does not exist"):
        build_source("dataset", {"roots": [str(tmp_path / "nowhere")]}, seed=0)
    sequence = SyntheticSequence(SyntheticConfig(num_frames=6, width=64, height=48), seed=5)
    folder = tmp_path / "train" / "seqA"
    _run(write_lasher(sequence, folder))
    source = build_source("dataset", {"roots": [str(tmp_path / "train")]}, seed=0)
    entry = source.draw(np.random.default_rng(0), 0)
    assert entry.name == "seqA"
    np.testing.assert_allclose(entry.boxes[entry.usable], sequence.boxes[~sequence.absent], atol=1.0)
    assert entry.frame(0).visible.shape == (48, 64, 3)


def _run(job):
    from core.progress import run_to_end

    return run_to_end(job) if hasattr(job, "__next__") else job


def test_dataset_source_on_a_real_sequence(shared_data):
    from core.training.config import ProcessingConfig
    from core.training.processing import CropSpec, Processing

    source = build_source("dataset", {"roots": [str(shared_data / "vot-tir2016")]}, seed=0)
    sampler = PairSampler([source], [1.0], SamplerConfig(max_gap=30))
    sample = sampler.sample(np.random.default_rng(1), 0)
    assert sample.entry.name == "horse" and abs(sample.search_index - sample.template_index) <= 30
    out = Processing(ProcessingConfig(), CropSpec(32, 64, 2.0, 4.0, 8))(sample, np.random.default_rng(1))
    assert out["x_t"].shape == (3, 64, 64) and np.isfinite(out["x_t"]).all()
