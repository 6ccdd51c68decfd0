"""Where the bundled assets are: the models (``assets/models``) and the demo pair (``assets/demo``).

In a source checkout or an editable install (``pip install -e .``, what the README uses)
they are the repository's ``assets/`` folder. A regular install (``pip install .`` or a
wheel) copies them as data files to ``<prefix>/share/rgbt-studio/assets``
(``[tool.setuptools.data-files]`` in ``pyproject.toml``), since ``assets/`` is not a
Python package. :func:`assets_dir` returns the first of the two that exists, so the
studio opens its demo with the bundled weights either way.
"""
from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_ASSETS = PROJECT_ROOT / "assets"
#: below the install prefix (the ``data`` scheme path: the virtual environment, or sys.prefix)
INSTALLED_ASSETS = Path("share") / "rgbt-studio" / "assets"


def installed_assets_candidates() -> list[Path]:
    """Where a regular install puts the assets: under the ``data`` scheme path of this
    interpreter, then ``sys.prefix`` (the two differ only for unusual schemes)."""
    roots = [Path(sysconfig.get_path("data")), Path(sys.prefix)]
    out: list[Path] = []
    for root in roots:
        path = root / INSTALLED_ASSETS
        if path not in out:
            out.append(path)
    return out


def assets_dir() -> Path:
    """The bundled assets folder: the source tree's when it exists, else the installed
    copy; the source tree's path when neither exists (so messages name the usual place)."""
    for candidate in (SOURCE_ASSETS, *installed_assets_candidates()):
        if candidate.is_dir():
            return candidate
    return SOURCE_ASSETS


def models_dir() -> Path:
    """``<assets>/models``: the bundled checkpoints, their ONNX exports and MODEL_CARD.md."""
    return assets_dir() / "models"


def demo_dir() -> Path:
    """``<assets>/demo``: the synthetic demo pair the studio opens on first run."""
    return assets_dir() / "demo"
