"""Where the bundled assets are: the models (``assets/models``) and the demo pair (``assets/demo``).

In a source checkout or an editable install (``pip install -e .``, what the README uses)
they are the repository's ``assets/`` folder. A regular install (``pip install .`` or a
wheel) copies them as data files to ``<prefix>/share/rgbt-studio/assets``
(``[tool.setuptools.data-files]`` in ``pyproject.toml``), since ``assets/`` is not a
Python package. ``<prefix>`` is the install scheme's ``data`` path: the virtual environment,
``sys.prefix``, or the user base (``~/.local``) for ``pip install --user``, whose copy the
interpreter's default scheme does not name; the installed distribution's file list
(``RECORD``) says where pip put them whatever the scheme. :func:`assets_dir` returns the
first folder that exists, so the studio opens its demo with the bundled weights either way.
"""
from __future__ import annotations

import sys
import sysconfig
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_ASSETS = PROJECT_ROOT / "assets"
#: below the install prefix (the ``data`` scheme path: the virtual environment, sys.prefix or the user base)
INSTALLED_ASSETS = Path("share") / "rgbt-studio" / "assets"
#: the distribution whose RECORD lists the installed data files
DISTRIBUTION = "rgbt-studio"


def recorded_assets_dir() -> Path | None:
    """The assets folder as the installed distribution's file list records it (any install
    scheme: a venv, ``--user``, ``--prefix``), or None (no installed distribution, or one
    without the data files, e.g. an editable install)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
        files = dist.files or []
    except Exception:  # not installed, or unreadable metadata: the scheme paths still answer
        return None
    marker = INSTALLED_ASSETS.parts
    for file in files:
        parts = file.parts
        for k in range(len(parts) - len(marker)):
            if parts[k:k + len(marker)] == marker:
                return Path(dist.locate_file(Path(*parts[:k + len(marker)]))).resolve()
    return None


def installed_assets_candidates() -> list[Path]:
    """Where a regular install puts the assets: where the installed distribution's RECORD
    says, then under the ``data`` path of this interpreter's default scheme, of its user
    scheme (``pip install --user``) and ``sys.prefix``."""
    roots = [Path(sysconfig.get_path("data"))]
    try:
        roots.append(Path(sysconfig.get_path("data", sysconfig.get_preferred_scheme("user"))))
    except (KeyError, ValueError):  # no user scheme on this interpreter
        pass
    roots.append(Path(sys.prefix))
    out: list[Path] = []
    recorded = recorded_assets_dir()
    if recorded is not None:
        out.append(recorded)
    for root in roots:
        path = root / INSTALLED_ASSETS
        if path not in out:
            out.append(path)
    return out


def assets_dir() -> Path:
    """The bundled assets folder: the source tree's when it exists, else the installed
    copy; the source tree's path when neither exists (so messages name the usual place)."""
    if SOURCE_ASSETS.is_dir():  # before the installed copies, which read the distribution's metadata
        return SOURCE_ASSETS
    for candidate in installed_assets_candidates():
        if candidate.is_dir():
            return candidate
    return SOURCE_ASSETS


def models_dir() -> Path:
    """``<assets>/models``: the bundled checkpoints, their ONNX exports and MODEL_CARD.md."""
    return assets_dir() / "models"


def demo_dir() -> Path:
    """``<assets>/demo``: the synthetic demo pair the studio opens on first run."""
    return assets_dir() / "demo"
