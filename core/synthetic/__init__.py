"""Synthetic RGB-T sequences with exact ground truth (tests, demo, training stream).

Public API: :class:`SyntheticConfig`, :class:`SyntheticSequence`, :data:`CHALLENGES`,
:func:`challenge_families`, :func:`sample_config`, :func:`sample_training_seed`,
:func:`sample_sequence`, :func:`evaluation_split` / :func:`evaluation_sequences` (seeds >= ``EVAL_SEED_BASE``; training seeds < ``TRAIN_SEED_LIMIT``).
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
from core.synthetic.sequence import SyntheticSequence, evaluation_sequences, sample_sequence

__all__ = [
    "CHALLENGES", "EVAL_SEED_BASE", "TRAIN_SEED_LIMIT", "SyntheticConfig", "SyntheticSequence",
    "challenge_families", "evaluation_sequences", "evaluation_split", "sample_config", "sample_sequence",
    "sample_training_seed",
]
