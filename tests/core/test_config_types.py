"""A JSON config value of the wrong kind is one ConfigError naming the file, the key and the
kind expected (not Python's comparison error from inside a dataclass)."""
from __future__ import annotations

import json

import pytest

from core.config import from_dict, load_json
from core.errors import ConfigError
from core.synthetic import SyntheticConfig
from core.training.config import OptimConfig, TrainConfig, load_train_config


def _write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("data, message", [
    ({"steps": "abc"}, r"c.json: steps must be a whole number, got \"abc\"$"),
    ({"steps": 1000.5}, r"c.json: steps must be a whole number, got 1000.5$"),
    ({"steps": True}, r"c.json: steps must be a whole number, got true$"),
    ({"steps": [1]}, r"c.json: steps must be a whole number, got \[1\]$"),
    ({"optim": {"lr": "x"}}, r"c.json: optim.lr must be a number, got \"x\"$"),
    ({"optim": {"amp": 1}}, r"c.json: optim.amp must be true or false, got 1$"),
    ({"optim": {"decay_at": [0.5, "a"]}}, r"c.json: optim.decay_at\[1\] must be a number"),
    ({"optim": {"decay_at": 0.5}}, r"c.json: optim.decay_at must be a list"),
    ({"optim": 3}, r"c.json: optim must be an object, got 3$"),
    ({"optim": {"lrr": 1}}, r"c.json: optim: unknown key\(s\) \['lrr'\]"),
    ({"sampler": {"max_gap": "a"}}, r"c.json: sampler.max_gap must be a whole number"),
    ({"loss": {"box_at": 3}}, r"c.json: loss.box_at must be a string, got 3$"),
    ({"model": {"init": 3}}, r"c.json: model.init must be a string"),
    ({"model": {"overrides": []}}, r"c.json: model.overrides must be an object"),
    ({"description": None}, r"c.json: description must be a string, got null$"),
    ({"steps": 0}, r"c.json: steps must be >= 1, got 0$"),  # the dataclass's own check names the file too
    ({"seed": -1}, r"c.json: seed must be >= 0, got -1$"),  # numpy refused it once the data was loaded
    ({"validation": {"seed": -2}}, r"c.json: validation.seed must be >= 0, got -2$"),
    ({"workers": -1}, r"c.json: workers must be >= 0, got -1$"),
])
def test_a_value_of_the_wrong_kind_names_the_file_and_the_key(tmp_path, data, message):
    with pytest.raises(ConfigError, match=message):
        load_json(TrainConfig, _write(tmp_path / "c.json", data))


@pytest.mark.parametrize("data, message", [
    ({"data": {"sources": [{"kind": "synthetic", "weight": "a"}]}},
     r"c.json: data.sources\[0\]: weight must be a number, got \"a\"$"),
    ({"data": {"sources": [{"kind": "synthetic", "options": {"pool": "x"}}]}},
     r"c.json: data.sources\[0\].options: pool must be a whole number, got \"x\"$"),
    ({"data": {"sources": [{"kind": "real_visible", "options": {"frame_cache_mb": [1]}}]}},
     r"c.json: data.sources\[0\].options: frame_cache_mb must be a number"),
    ({"model": {"factory": "student", "overrides": {"dim": "x"}}},
     r"c.json: model.overrides \(student\): dim must be a whole number, got \"x\"$"),
])
def test_sources_and_model_overrides_are_checked_when_the_config_is_read(tmp_path, data, message):
    with pytest.raises(ConfigError, match=message):
        load_train_config(_write(tmp_path / "c.json", data))


def test_whole_floats_fit_int_fields_and_ints_fit_float_fields(tmp_path):
    config = load_train_config(_write(tmp_path / "c.json", {
        "steps": 1000.0, "optim": {"lr": 1, "decay_at": [1]},
        "data": {"sources": [{"kind": "synthetic", "weight": 2, "options": {"pool": 4.0}}]}}))
    assert config.steps == 1000 and type(config.steps) is int
    assert config.optim.lr == 1 and config.optim.decay_at == (1,)
    assert config.data.source_configs()[0].weight == 2


def test_without_a_file_the_dataclass_is_named_and_optional_fields_take_null():
    with pytest.raises(ConfigError, match=r"^OptimConfig: lr must be a number"):
        from_dict(OptimConfig, {"lr": "x"})
    assert from_dict(TrainConfig, {"model": {"init": None}}).model.init is None


def test_a_synth_config_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match=r"s.json: challenges must be a list, got \"night\"$"):
        load_json(SyntheticConfig, _write(tmp_path / "s.json", {"challenges": "night"}))
    with pytest.raises(ConfigError, match=r"s.json: SyntheticConfig: num_frames must be >= 1"):
        load_json(SyntheticConfig, _write(tmp_path / "s.json", {"num_frames": 0}))


def test_an_import_weights_config_names_the_file_for_the_models_own_checks(tmp_path):
    from core.commands.import_weights import read_config

    path = _write(tmp_path / "m.json", {"prompt_kernel": 5})
    with pytest.raises(ConfigError, match=r"m.json: TeacherConfig.prompt_kernel must be 3 or 7"):
        read_config(path, "teacher")
    with pytest.raises(ConfigError, match=r"m.json: depth must be a whole number, got \"6\"$"):
        read_config(_write(tmp_path / "m.json", {"depth": "6"}), "teacher")
