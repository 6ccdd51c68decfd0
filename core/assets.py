"""Where the project's shipped files are: the bundled assets (``assets/models``,
``assets/demo``), the configs (``configs/``: the real-data split, the project's boxes in
``configs/real_boxes``, the training configs) and the manual (``docs/``).

In a source checkout or an editable install (``pip install -e .``, what the README uses)
they are the repository's ``assets/`` and ``configs/`` folders. A regular install (``pip
install .`` or a wheel) copies them as data files to ``<prefix>/share/rgbt-studio``
(``[tool.setuptools.data-files]`` in ``pyproject.toml``), since neither is a Python
package. ``<prefix>`` is the install scheme's ``data`` path: the virtual environment,
``sys.prefix``, or the user base (``~/.local``) for ``pip install --user``, whose copy the
interpreter's default scheme does not name; the installed distribution's file list
(``RECORD``) says where pip put them whatever the scheme. :func:`project_folder` returns the
first copy of a folder that exists (the source tree's first), so the studio opens its demo
with the bundled weights and the commands find their default split and configs either way.

:func:`resolve_path` is the one rule for a relative path a user or a file gives
(``configs/real_split.json``, ``configs/real_boxes/x.txt``, ``assets/models/x.pt``): from
the working directory when it is there, else from the project (the source tree, else the
installed copy of its first folder).
"""
from __future__ import annotations

import sys
import sysconfig
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_ASSETS = PROJECT_ROOT / "assets"
SOURCE_CONFIGS = PROJECT_ROOT / "configs"
#: below the install prefix (the ``data`` scheme path: the virtual environment, sys.prefix or
#: the user base): the copies of the project's folders that a regular install makes
INSTALLED_DATA = Path("share") / "rgbt-studio"
INSTALLED_ASSETS = INSTALLED_DATA / "assets"
#: the project's folders that a regular install copies under :data:`INSTALLED_DATA`
SHIPPED_FOLDERS = ("assets", "configs", "docs")
#: the distribution whose RECORD lists the installed data files
DISTRIBUTION = "rgbt-studio"


def recorded_data_dir() -> Path | None:
    """``<prefix>/share/rgbt-studio`` as the installed distribution's file list records it
    (any install scheme: a venv, ``--user``, ``--prefix``), or None (no installed
    distribution, or one without the data files, e.g. an editable install)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
        files = dist.files or []
    except Exception:  # not installed, or unreadable metadata: the scheme paths still answer
        return None
    marker = INSTALLED_DATA.parts
    for file in files:
        parts = file.parts
        for k in range(len(parts) - len(marker)):
            if parts[k:k + len(marker)] == marker:
                return Path(dist.locate_file(Path(*parts[:k + len(marker)]))).resolve()
    return None


def installed_data_candidates() -> list[Path]:
    """Where a regular install puts the data files (``.../share/rgbt-studio``): where the
    installed distribution's RECORD says, then under the ``data`` path of this interpreter's
    default scheme, of its user scheme (``pip install --user``) and ``sys.prefix``."""
    roots = [Path(sysconfig.get_path("data"))]
    try:
        roots.append(Path(sysconfig.get_path("data", sysconfig.get_preferred_scheme("user"))))
    except (KeyError, ValueError):  # no user scheme on this interpreter
        pass
    roots.append(Path(sys.prefix))
    out: list[Path] = []
    recorded = recorded_data_dir()
    if recorded is not None:
        out.append(recorded)
    for root in roots:
        path = root / INSTALLED_DATA
        if path not in out:
            out.append(path)
    return out


def project_folder(name: str, source: Path | None = None) -> Path:
    """The project's folder ``name`` (one of :data:`SHIPPED_FOLDERS`): the source tree's
    (``source``, default ``PROJECT_ROOT / name``) when it exists, else the first installed
    copy; the source tree's path when neither exists (so messages name the usual place)."""
    source = PROJECT_ROOT / name if source is None else source
    if source.is_dir():  # before the installed copies, which read the distribution's metadata
        return source
    for candidate in installed_data_candidates():
        if (candidate / name).is_dir():
            return candidate / name
    return source


def assets_dir() -> Path:
    """The bundled assets folder (see :func:`project_folder`)."""
    return project_folder("assets", SOURCE_ASSETS)


def configs_dir() -> Path:
    """The configs folder: the real split, the project's boxes, the training configs (see
    :func:`project_folder`)."""
    return project_folder("configs", SOURCE_CONFIGS)


def docs_dir() -> Path:
    """The manual (``docs/*.md``, its screenshots and figures), which the commands' ``--help`` and
    the studio's tool tips name (see :func:`project_folder`)."""
    return project_folder("docs")


def models_dir() -> Path:
    """``<assets>/models``: the bundled checkpoints, their ONNX exports and MODEL_CARD.md."""
    return assets_dir() / "models"


def demo_dir() -> Path:
    """``<assets>/demo``: the synthetic demo pair the studio opens on first run."""
    return assets_dir() / "demo"


def project_path(path: str | Path) -> Path:
    """``path`` relative to the project root: below a shipped folder (``configs/...``,
    ``assets/...``) in that folder's copy that exists (:func:`project_folder`), else
    ``PROJECT_ROOT / path``; an absolute path as it is."""
    path = Path(path)
    if path.is_absolute():
        return path
    if path.parts[:1] == ("assets",):
        return assets_dir().joinpath(*path.parts[1:])
    if path.parts[:1] == ("configs",):
        return configs_dir().joinpath(*path.parts[1:])
    if path.parts[:1] == ("docs",):
        return docs_dir().joinpath(*path.parts[1:])
    return PROJECT_ROOT / path


def resolve_path(path: str | Path) -> Path:
    """``~`` expanded; a relative path is taken from the working directory when it exists
    there, else from the project (:func:`project_path`: ``configs/real_split.json`` is the
    source tree's or the installed copy's). A relative path found in neither place is returned
    as given (a typo, ``--split-file no.json``, was named as ``<project>/no.json``: from an
    installed wheel ``.../site-packages/no.json``), except below a shipped folder (the message
    then says where the copies were looked for, :func:`missing_note`) or above the project
    (``../shared/data``: configs name data roots from the project root)."""
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    resolved = project_path(path)
    if resolved.exists() or path.parts[:1] in tuple((name,) for name in SHIPPED_FOLDERS) or path.parts[:1] == ("..",):
        return resolved
    return path


def missing_note(path: str | Path) -> str:
    """A note for the message about a missing file: when ``path`` lies in a shipped folder
    of which neither the source tree nor an install holds a copy, where it was looked for;
    else empty."""
    path = Path(path)
    for name in SHIPPED_FOLDERS:
        source = PROJECT_ROOT / name
        if path.is_relative_to(source) and not source.is_dir() and project_folder(name) == source:
            places = ", ".join(str(p / name) for p in installed_data_candidates())
            return (f" (neither a source checkout nor an install of {DISTRIBUTION} holds a {name}/ folder: looked "
                    f"in {source}, {places}; give the file's path)")
    return ""
