"""When Qt cannot load its platform plugin, the studio names the missing system libraries
and the apt-get line (instead of Qt's abort); the README lists the packages; the README's
two commands use separate environments."""
from __future__ import annotations

import re
from pathlib import Path

from app import platform_check
from app.platform_check import (
    README_PACKAGES,
    explain_import_error,
    install_hint,
    not_found,
    platform_problem,
    uses_xcb,
)

ROOT = Path(__file__).resolve().parents[2]

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_ldd_output_names_the_missing_libraries_once():
    assert not_found(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_the_hint_gives_the_apt_get_line():
    text = install_hint(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libweird.so.9"])
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in text
    assert "libweird.so.9" in text.splitlines()[-2]


def test_which_platform_qt_would_load():
    assert uses_xcb({"DISPLAY": ":0"})
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}) and not uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert "needs a display" in platform_problem({})


def test_the_real_plugin_is_checked_with_ldd():
    """On this machine: whatever ldd says, the answer is a list of library names."""
    plugin = platform_check.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    missing = platform_check.missing_libraries(plugin)
    assert all(re.fullmatch(r"lib[\w.+-]+\.so[\w.]*", m) for m in missing)


def test_the_studio_command_prints_the_hint_instead_of_aborting(monkeypatch, capsys):
    from main import main

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin=None: ["libxcb-keysyms.so.1"])
    assert main(["studio"]) == 2
    assert "sudo apt-get install libxcb-keysyms1" in capsys.readouterr().err


def test_a_missing_gl_library_at_import():
    error = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert "sudo apt-get install libegl1" in explain_import_error(error)
    assert explain_import_error(ImportError("other")) == "The studio cannot load Qt: other"


def test_readme_lists_the_system_packages_and_separates_the_environments():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    apt = [line for line in readme.splitlines() if line.startswith("sudo apt-get install")]
    assert apt and set(README_PACKAGES) <= set(apt[0].split()[3:])
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    studio, tests = commands
    assert studio.startswith("python3 -m venv .venv &&") and tests.startswith("python3 -m venv .venv-test &&")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for step in ("pip install torch==2.13.0", 'pip install -e ".[test]"', "QT_QPA_PLATFORM=offscreen python -m pytest -q -n 2"):
        assert step in tests and step in ci  # the README's test command is what CI runs
