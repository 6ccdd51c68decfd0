"""``rgbt-studio --version`` (what a bug report asks for first) was 'error: unrecognized
arguments: --version', status 2."""
from __future__ import annotations

from importlib import metadata

import pytest

from core.cli import main


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out.strip()
    try:
        expected = f"rgbt-studio {metadata.version('rgbt-studio')} (Python "
    except metadata.PackageNotFoundError:
        expected = "rgbt-studio (a source checkout, not installed) (Python "
    assert out.startswith(expected), out
