"""``python main.py`` in an environment without the project's dependencies prints one line
naming the missing package and the install command (no import traceback); a missing
module of the project itself still raises."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_package_is_named_with_its_install_command():
    """cv2 made unimportable in a child interpreter, as in a Python without the project installed."""
    script = ("import sys, runpy; sys.modules['cv2'] = None; sys.argv = ['main.py', 'bench', '--help']; "
              "runpy.run_path('main.py', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'cv2' is not installed" in lines[0]
    assert "pip install -e ." in lines[0] and "opencv-contrib-python-headless" in lines[0]
    assert "Traceback" not in done.stderr


def test_only_third_party_modules_count_as_missing_dependencies():
    assert "'h5py'" in main.missing_dependency(ModuleNotFoundError("no h5py", name="h5py"))
    assert "PySide6-Essentials" in main.missing_dependency(ModuleNotFoundError("x", name="PySide6.QtCore"))
    assert main.missing_dependency(ModuleNotFoundError("x", name="core.tracking.gone")) is None
    assert main.missing_dependency(ModuleNotFoundError("x", name="app.gone")) is None
    assert main.missing_dependency(ModuleNotFoundError("x")) is None


def test_a_missing_project_module_still_raises(monkeypatch):
    import core.cli

    def broken(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'core.gone'", name="core.gone")

    monkeypatch.setattr(core.cli, "main", broken)
    with pytest.raises(ModuleNotFoundError):
        main.main(["--help"])
