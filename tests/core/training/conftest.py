"""Tiny models, configs and a fixed batch for the training tests (all seconds)."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.training.config import load_train_config
from core.training.loader import BatchMaker
from core.training.model_setup import build_training_model
from core.training.processing import CropSpec

CONFIGS = Path(__file__).resolve().parent / "configs"


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def tiny_teacher_config():
    return load_train_config(CONFIGS / "tiny_teacher.json")


@pytest.fixture(scope="session")
def tiny_student_config():
    return load_train_config(CONFIGS / "tiny_student.json")


@pytest.fixture()
def tiny_teacher(tiny_teacher_config):
    torch.manual_seed(0)
    return build_training_model(tiny_teacher_config.model)


@pytest.fixture()
def tiny_student(tiny_student_config):
    torch.manual_seed(1)
    return build_training_model(tiny_student_config.model)


@pytest.fixture(scope="session")
def tiny_batch(tiny_teacher_config):
    """A fixed batch of 4 processed synthetic samples at the tiny geometry (32/64, F=8)."""
    import dataclasses

    from core.models.registry import build_model
    from core.training.model_setup import model_config

    config = dataclasses.replace(tiny_teacher_config, batch_size=4)
    spec = CropSpec.of(build_model("teacher", model_config(config.model)).config)
    return BatchMaker(config, spec).make(0)
