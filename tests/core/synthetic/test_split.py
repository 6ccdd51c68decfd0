"""Training sampler and the fixed evaluation split."""
from __future__ import annotations

import numpy as np

from core.synthetic import (
    EVAL_SEED_BASE,
    TRAIN_SEED_LIMIT,
    SyntheticConfig,
    SyntheticSequence,
    challenge_families,
    evaluation_split,
    sample_config,
    sample_training_seed,
)


def test_evaluation_split_is_fixed_and_grouped():
    split = evaluation_split()
    assert split == evaluation_split()
    assert len(split) == 24
    names = [name for name, _, _ in split]
    assert len(set(names)) == len(names)
    families = challenge_families()
    for name, config, seed in split:
        family = name.rsplit("-", 1)[0]
        assert config.challenges == families[family]
        assert (config.width, config.height, config.num_frames) == (320, 256, 150)
        assert seed >= EVAL_SEED_BASE


def test_training_seeds_disjoint_from_evaluation():
    rng = np.random.default_rng(123)
    seeds = {sample_training_seed(rng) for _ in range(2000)}
    assert max(seeds) < TRAIN_SEED_LIMIT < EVAL_SEED_BASE
    assert not seeds & {seed for _, _, seed in evaluation_split()}


def test_sample_config_varies_and_builds():
    rng = np.random.default_rng(0)
    configs = [sample_config(rng) for _ in range(40)]
    assert all(isinstance(c, SyntheticConfig) for c in configs)
    assert len({c.challenges for c in configs}) > 5
    assert len({round(c.target_size, 3) for c in configs}) > 20
    night = sample_config(np.random.default_rng(1), "night")
    assert "night" in night.challenges
    seq = SyntheticSequence(configs[0], sample_training_seed(rng))
    assert seq[len(seq) - 1].visible.shape == (configs[0].height, configs[0].width, 3)


def test_sample_sequence_and_evaluation_sequences():
    from core.synthetic import evaluation_sequences, sample_sequence

    seq = sample_sequence(np.random.default_rng(5), "occlusion")
    assert "occlusion" in seq.challenges and seq.seed < TRAIN_SEED_LIMIT
    evaluation = evaluation_sequences(frames=10, per_family=1)
    assert [s.name for s in evaluation] == [f"{family}-0" for family in challenge_families()]
    assert all(len(s) == 10 and s.seed >= EVAL_SEED_BASE for s in evaluation)
