"""Synthetic RGB-T sequences with exact ground truth (tests, demo, training stream).

Public API: :class:`SyntheticConfig`, :class:`SyntheticSequence`, :data:`CHALLENGES`,
:func:`challenge_families`, :func:`sample_config`, :func:`sample_training_seed`,
:func:`evaluation_split` (seeds >= ``EVAL_SEED_BASE``; training seeds < ``TRAIN_SEED_LIMIT``).
Writers live in ``core.synthetic.writers``.
"""
from core.synthetic.config import (
    CHALLENGES,
    EVAL_SEED_BASE,
    TRAIN_SEED_LIMIT,
    SyntheticConfig,
    challenge_families,
    evaluation_split,
    sample_config,
    sample_training_seed,
)
from core.synthetic.sequence import SyntheticSequence

__all__ = [
    "CHALLENGES", "EVAL_SEED_BASE", "TRAIN_SEED_LIMIT", "SyntheticConfig", "SyntheticSequence",
    "challenge_families", "evaluation_split", "sample_config", "sample_training_seed",
]
