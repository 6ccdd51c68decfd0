"""Where a sequence's project (annotation store) lives, shared by the studio and the
command line, so both find the same file.

- :func:`studio_home`: the studio's own folder, ``$RGBT_STUDIO_HOME`` or ``~/.rgbt-studio``
  (settings, the demo's projects, improved student weights).
- :func:`project_store_path`: beside the sequence's sources
  (:func:`core.annotations.store.default_store_path`), except for the bundled assets
  (read-only for the user, e.g. the demo pair), whose projects go to
  ``<studio home>/projects/``.
"""
from __future__ import annotations

import os
from pathlib import Path

from core.annotations.store import default_store_path
from core.assets import assets_dir


def studio_home() -> Path:
    """The studio's folder: ``$RGBT_STUDIO_HOME`` or ``~/.rgbt-studio``."""
    env = os.environ.get("RGBT_STUDIO_HOME")
    return Path(env) if env else Path.home() / ".rgbt-studio"


def project_store_path(info) -> Path:
    """The annotation store of the sequence ``info`` (a ``SequenceInfo``) opens with."""
    path = default_store_path(info)
    try:
        path.resolve().relative_to(assets_dir().resolve())
    except ValueError:
        return path
    return studio_home() / "projects" / path.name
