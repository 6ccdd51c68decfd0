"""A relative input path found neither in the working directory nor in the project
(``bench accuracy --real --split-file no.json``, a typo) was named as the project's
(``/work/main/no.json: split file not found``; from an installed wheel
``.../site-packages/no.json``), a path the user never typed. It is named as typed."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.assets import PROJECT_ROOT, configs_dir, resolve_path
from core.cli import main


def test_a_typo_is_named_as_typed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    # named before the footage is looked for (a clean clone has no ../shared/data beside it)
    assert main(["compact-data", str(tmp_path / "out"), "--split", "no.json", "--data-root", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: no.json: split file not found"]


@pytest.mark.parametrize("given, expected", [
    ("no.json", Path("no.json")),
    ("sub/no.json", Path("sub/no.json")),
    ("configs/real_split.json", configs_dir() / "real_split.json"),  # the project's copy
    ("configs/none.json", configs_dir() / "none.json"),  # a shipped folder: where it was looked for
    ("../shared/data", PROJECT_ROOT / "../shared/data"),  # configs name data roots from the project root
])
def test_what_a_relative_path_resolves_to(tmp_path, monkeypatch, given, expected):
    monkeypatch.chdir(tmp_path)
    assert resolve_path(given) == expected
