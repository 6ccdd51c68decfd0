"""The real-footage commands (compact-data, pseudo-labels, bench accuracy --real) run from an
installed wheel, without --data-root, said 'error: .../site-packages/../shared/data: real data
root does not exist': a folder inside the virtual environment that no user made or named. The
line now says it is the default, where the default is looked for and to give --data-root."""
from __future__ import annotations

import pytest

import core.real_split
from core.commands.arguments import refuse_missing_data_root
from core.errors import SequenceError


def test_the_missing_default_data_root_says_to_give_the_option(tmp_path, monkeypatch):
    default = tmp_path / "venv" / "lib" / "shared" / "data"
    monkeypatch.setattr(core.real_split, "DEFAULT_DATA_FOLDER", default)
    with pytest.raises(SequenceError) as caught:
        refuse_missing_data_root(tmp_path / "venv" / "lib" / "site-packages" / ".." / "shared" / "data")
    text = str(caught.value)
    assert "no real footage at the default data root" in text and "give --data-root DIR" in text, text
    assert "\n" not in text


def test_a_missing_data_root_given_is_still_named_as_given(tmp_path, monkeypatch):
    monkeypatch.setattr(core.real_split, "DEFAULT_DATA_FOLDER", tmp_path / "default")
    with pytest.raises(SequenceError, match="real data root does not exist"):
        refuse_missing_data_root(tmp_path / "mine")
    refuse_missing_data_root(tmp_path)  # a folder that is there passes
