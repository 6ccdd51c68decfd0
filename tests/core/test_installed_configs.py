"""An installed wheel finds its configs as a source checkout does: the real split, the
project's boxes it names and the training configs ship as data files under
``<prefix>/share/rgbt-studio/configs`` (``core.assets``). Before, an installed wheel stopped
with ``.../site-packages/configs/real_split.json: split file not found`` (``bench accuracy
--real``) and ``configs/teacher_bundled.json: config file not found`` (``train``)."""
from __future__ import annotations

import json
import shutil

import pytest

import core.assets as assets
from core.cli import main
from core.errors import ConfigError
from core.real_split import load_split, resolve_path
from tests.core.cli_lines import PROJECT
from tests.core.cli_lines import one_error_line as _one_error_line


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A wheel's layout in ``tmp_path``: the packages in ``site-packages`` (no ``configs/`` or
    ``assets/`` beside them) and the data files under ``venv/share/rgbt-studio``, a copy of
    the project's configs. The working directory is an unrelated folder. Returns the
    installed configs folder."""
    site = tmp_path / "venv" / "lib" / "site-packages"
    site.mkdir(parents=True)
    configs = tmp_path / "venv" / "share" / "rgbt-studio" / "configs"
    shutil.copytree(PROJECT / "configs", configs)
    monkeypatch.setattr(assets, "PROJECT_ROOT", site)
    monkeypatch.setattr(assets, "SOURCE_CONFIGS", site / "configs")
    monkeypatch.setattr(assets, "SOURCE_ASSETS", site / "assets")
    monkeypatch.setattr(assets, "recorded_data_dir", lambda: None)
    monkeypatch.setattr(assets.sysconfig, "get_path", lambda name, scheme=None: str(tmp_path / "venv"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return configs


def test_the_default_split_and_its_boxes_resolve_in_the_installed_copy(installed):
    assert assets.configs_dir() == installed
    assert resolve_path("configs/real_split.json") == installed / "real_split.json"
    split = load_split("configs/real_split.json")
    assert split.path == installed / "real_split.json"
    views = list(split.views.values())
    assert views and all(v.groundtruth.parent == installed / "real_boxes" and v.groundtruth.is_file() for v in views)


def test_a_path_in_the_working_directory_comes_first(installed, tmp_path):
    """An explicit user path (relative to the working directory, or absolute) is read as given."""
    own = tmp_path / "work" / "configs" / "real_split.json"
    own.parent.mkdir()
    own.write_text((installed / "real_split.json").read_text())
    assert resolve_path("configs/real_split.json") == own.relative_to(tmp_path / "work")
    assert resolve_path(own) == own


def test_train_finds_an_installed_config_from_any_folder(installed, capsys):
    """The config and the config it extends are read from the installed copy: the run stops at
    the command line's bad override, after the file was read."""
    assert json.loads((installed / "student_real_stage5.json").read_text()).get("extends")
    for name in ("teacher_bundled.json", "student_real_stage5.json"):
        code = main(["train", "--config", f"configs/{name}", "--batch-size", "0"])
        line = _one_error_line(capsys.readouterr().err)
        assert code == 2 and "--batch-size must be >= 1, got 0" in line and "not found" not in line, line


def test_missing_configs_are_one_line_naming_where_they_were_looked_for(installed, capsys):
    shutil.rmtree(installed)
    with pytest.raises(ConfigError) as error:
        load_split("configs/real_split.json")
    message = str(error.value)
    assert "split file not found" in message and "neither a source checkout nor an install" in message
    assert str(installed) in message and "\n" not in message
    code = main(["train", "--config", "configs/teacher_bundled.json"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "config file not found" in line and str(installed) in line, line


def test_an_explicit_missing_config_names_the_path_as_given(installed, capsys):
    """A relative path outside configs/ that does not exist: one line, no note about the install."""
    code = main(["train", "--config", "mine.json"])
    line = _one_error_line(capsys.readouterr().err)
    assert line == "error: mine.json: config file not found" and code == 2, line


def test_a_source_checkout_reads_its_own_configs_from_any_folder(tmp_path, monkeypatch, capsys):
    """Without the installed layout: ``train --config configs/...`` run outside the checkout
    was 'config file not found' (only the split was looked up in the project root)."""
    monkeypatch.chdir(tmp_path)
    assert resolve_path("configs/teacher_bundled.json") == PROJECT / "configs" / "teacher_bundled.json"
    code = main(["train", "--config", "configs/teacher_bundled.json", "--batch-size", "0"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--batch-size must be >= 1, got 0" in line, line


def test_bench_accuracy_real_without_the_default_footage_is_one_line(tmp_path, monkeypatch, capsys):
    """An installed wheel has no ``../shared/data`` beside it: ``bench accuracy --real`` without
    ``--data-root`` printed one 'skipped: no folder' clause per sequence of the split on one
    line of thousands of characters; it now names the missing data root."""
    import core.bench.accuracy as accuracy
    import core.bench.outputs as outputs

    missing = tmp_path / "shared" / "data"
    monkeypatch.setattr(accuracy, "DEFAULT_DATA_FOLDER", missing)
    monkeypatch.setattr(outputs, "DEFAULT_DATA_FOLDER", missing)
    code = main(["bench", "accuracy", "--real", "--trackers", "floor", "--max-frames", "5"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {missing}: real data root does not exist (--data-root: the folder the "
                                  "split's paths are relative to)"), line
