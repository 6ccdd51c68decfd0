"""Config values a run cannot use are one line naming the file and the key when the config is
read. ``validation.sequences: 0``, ``optim.lr: -1`` and a synthetic source's ``frames: [30, 20]``
ended a run in a traceback (numpy's 'high <= 0', torch's 'Invalid learning rate', 'low >= high');
a negative ``validation.pairs`` / ``every`` / ``optim.warmup_steps``, a ``decay_at`` past the end
of the run, a probability of 2 or a ``min_overlap`` of 0 trained without a word."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.training.config import load_train_config
from core.training.sources import build_source

CONFIGS = Path(__file__).resolve().parent / "configs"


def _config(tmp_path, section: str, values: dict) -> Path:
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config.setdefault(section, {}).update(values)
    path = tmp_path / "values.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize("section,values,said", [
    ("validation", {"sequences": 0}, r"validation\.sequences must be >= 1"),
    ("validation", {"pairs": -1}, r"validation\.pairs must be >= 0, got -1"),
    ("validation", {"every": -1}, r"validation\.every must be >= 0, got -1"),
    ("optim", {"lr": -1}, r"optim\.lr must be > 0, got -1"),
    ("optim", {"lr": 0}, r"optim\.lr must be > 0, got 0"),
    ("optim", {"weight_decay": -0.1}, r"optim\.weight_decay must be >= 0"),
    ("optim", {"stem_lr_scale": -1}, r"optim\.stem_lr_scale must be >= 0"),
    ("optim", {"gamma": 0}, r"optim\.gamma must be > 0"),
    ("optim", {"warmup_steps": -3}, r"optim\.warmup_steps must be >= 0, got -3"),
    ("optim", {"grad_clip": -1}, r"optim\.grad_clip must be >= 0"),
    ("optim", {"decay_at": [0.5, 1.5]}, r"optim\.decay_at holds fractions of the run, in \[0, 1\]; got 1\.5"),
    ("processing", {"flip": 2}, r"processing\.flip is a probability, in \[0, 1\]; got 2"),
    ("processing", {"grey_visible": -0.1}, r"processing\.grey_visible is a probability"),
    ("processing", {"search_scale_jitter": -0.25}, r"processing\.search_scale_jitter must be >= 0"),
    ("processing", {"brightness": 1.5}, r"processing\.brightness must lie in \[0, 1\]"),
    ("processing", {"min_overlap": 0}, r"processing\.min_overlap must lie in \(0, 1\), got 0"),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_a_value_a_run_cannot_use_is_one_line_naming_the_file_and_key(tmp_path, section, values, said):
    with pytest.raises(ConfigError, match=r"values\.json: " + said):
        load_train_config(_config(tmp_path, section, values))


def test_the_shipped_defaults_and_the_tiny_configs_still_load():
    for name in ("tiny_student.json", "tiny_teacher.json"):
        load_train_config(CONFIGS / name)


@pytest.mark.parametrize("frames", [[30, 20], [0, 5], [20]])
def test_synthetic_frames_out_of_order_are_one_line(frames):
    with pytest.raises(ConfigError, match=r"synthetic source: frames must be \[min, max\] with 1 <= min <= max"):
        build_source("synthetic", {"frames": frames}, seed=0)
