"""A data source's options are checked when the config is read, as every other key is: an
unknown option, a missing required one, or ``seed`` / ``rank`` (the trainer passes those) was a
Python TypeError at build time ('SyntheticSource.__init__() got an unexpected keyword argument
'pools''), without the config file's name or the options the source knows."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.training.config import load_train_config

CONFIGS = Path(__file__).resolve().parent / "configs"


def _config(tmp_path, source: dict) -> Path:
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["data"] = {"sources": [source]}
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize("source,said", [
    ({"kind": "synthetic", "options": {"pools": 2}},
     r"typo\.json: data\.sources\[0\]\.options: unknown key\(s\) \['pools'\]; known: \[.*'pool'.*\]"),
    ({"kind": "synthetic", "options": {"seed": 3}},
     r"typo\.json: data\.sources\[0\]\.options: unknown key\(s\) \['seed'\]; .*top-level 'seed'"),
    ({"kind": "rgbt_pseudo", "options": {}},
     r"typo\.json: data\.sources\[0\]\.options: 'rgbt_pseudo' needs \['labels'\]"),
    ({"kind": "synthetic", "options": {"real_backgrounds": 0.5, "backgrounds": {"splt": "x"}}},
     r"typo\.json: data\.sources\[0\]\.options\.backgrounds: unknown key\(s\) \['splt'\]; known: \[.*'split'.*\]"),
], ids=["typo", "seed", "missing", "backgrounds-typo"])
def test_a_bad_source_option_is_one_line_naming_the_file_and_the_known_options(tmp_path, source, said):
    with pytest.raises(ConfigError, match=said) as raised:
        load_train_config(_config(tmp_path, source))
    assert "__init__" not in str(raised.value) and "keyword argument" not in str(raised.value)


def test_a_source_builder_taking_any_option_is_left_to_check_its_own(tmp_path):
    from core.training.sources import _SOURCES, SyntheticSource, register_source

    register_source("any_options", lambda seed=0, rank=0, **options: SyntheticSource(seed, rank, **options))
    try:
        config = load_train_config(_config(tmp_path, {"kind": "any_options", "options": {"pool": 2}}))
        assert config.data.source_configs()[0].options == {"pool": 2}
    finally:
        _SOURCES.pop("any_options")
