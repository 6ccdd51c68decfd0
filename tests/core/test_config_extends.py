"""JSON configs that start from another one (``"extends"``)."""
from __future__ import annotations

import json

import pytest

from core.config import load_json, merge_config_dicts, read_config_json, to_dict
from core.errors import ConfigError
from core.training.config import TrainConfig, load_train_config
from tests.conftest import PROJECT_ROOT


def _write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_objects_merge_at_every_depth_and_lists_are_replaced():
    base = {"a": 1, "optim": {"lr": 0.1, "decay_at": [0.5, 0.8]}, "data": {"sources": [{"kind": "x"}]}}
    merged = merge_config_dicts(base, {"optim": {"lr": 0.2, "decay_at": [0.9]}, "b": 2})
    assert merged == {"a": 1, "b": 2, "optim": {"lr": 0.2, "decay_at": [0.9]}, "data": {"sources": [{"kind": "x"}]}}
    assert base["optim"] == {"lr": 0.1, "decay_at": [0.5, 0.8]}  # inputs untouched


def test_a_chain_of_extends_resolves_relative_to_each_file(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "base.json", {"steps": 100, "seed": 1, "optim": {"lr": 0.001, "warmup_steps": 7}})
    _write(tmp_path / "sub" / "middle.json", {"extends": "../base.json", "seed": 2})
    leaf = _write(tmp_path / "sub" / "leaf.json", {"extends": "middle.json", "optim": {"lr": 0.0005}})
    config = load_json(TrainConfig, leaf)
    assert (config.steps, config.seed, config.optim.lr, config.optim.warmup_steps) == (100, 2, 0.0005, 7)
    assert "extends" not in read_config_json(leaf)


@pytest.mark.parametrize("make, problem", [
    (lambda d: _write(d / "a.json", {"extends": "a.json"}), "comes back to a file already in the chain"),
    (lambda d: (_write(d / "b.json", {"extends": "c.json"}), _write(d / "c.json", {"extends": "b.json"}))[0],
     r"b.json -> c.json -> b.json"),
    (lambda d: _write(d / "d.json", {"extends": "missing.json"}), r"missing.json: config file not found \(extended by"),
    (lambda d: _write(d / "e.json", {"extends": 3}), "'extends' must name a config file"),
    (lambda d: _write(d / "f.json", [1, 2]), "config file must be a JSON object"),
])
def test_bad_chains_are_config_errors_naming_the_file(tmp_path, make, problem):
    with pytest.raises(ConfigError, match=problem):
        read_config_json(make(tmp_path))


def test_an_unknown_key_in_an_extending_file_is_still_refused(tmp_path):
    _write(tmp_path / "base.json", {"steps": 10})
    leaf = _write(tmp_path / "leaf.json", {"extends": "base.json", "stepz": 20})
    with pytest.raises(ConfigError, match="stepz"):
        load_json(TrainConfig, leaf)


@pytest.mark.parametrize("stage, base", [
    ("student_real_stage4", "student_real"), ("student_kd_real_stage4", "student_kd_real"),
    ("teacher_real_stage3", "teacher_real"),
])
def test_the_stage_configs_keep_their_base_data_and_model(stage, base):
    """A later training stage changes the schedule, never what is trained on or what is trained."""
    configs = PROJECT_ROOT / "configs"
    stage_config, base_config = (to_dict(load_train_config(configs / f"{n}.json")) for n in (stage, base))
    for section in ("data", "model", "processing", "loss", "sampler"):
        assert stage_config[section] == base_config[section], section
    assert stage_config["optim"]["lr"] == base_config["optim"]["lr"] / 2
