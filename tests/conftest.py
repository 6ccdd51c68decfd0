"""Shared fixtures: real data location, offscreen Qt, small synthetic pairs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "2")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` from the project root; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it lives beside the project, not in it)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Studio settings and recent files go to a per-test folder, never the user's."""
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "studio-home"))
