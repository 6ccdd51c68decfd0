"""core.training: data sources -> pair sampler -> processing -> batches -> actor -> trainer.

Public API: :func:`train_job` (the generator job behind ``train`` and ``distill``),
:class:`TrainConfig` / :func:`load_train_config`, :class:`TrainResult`, the actors
(:class:`TaskActor`, :class:`DistillationActor`), data sources (:class:`TrainingSource`,
:func:`register_source`, :class:`SyntheticSource`, :class:`DatasetSource`) and the
losses in ``core.training.losses``. See docs/training.md.
"""
from core.training.actors import DistillationActor, TaskActor
from core.training.config import TrainConfig, load_train_config
from core.training.sources import DatasetSource, SyntheticSource, TrainingSource, register_source
from core.training.trainer import TrainResult, train_job

__all__ = ["DatasetSource", "DistillationActor", "SyntheticSource", "TaskActor", "TrainConfig", "TrainResult",
           "TrainingSource", "load_train_config", "register_source", "train_job"]
