"""The name a sequence takes from its streams' paths: a stream's own name, or its folder's when
the stream is named only by its modality (``scene/visible.mp4`` + ``scene/thermal.mp4`` ->
``scene``)."""
from __future__ import annotations

from pathlib import Path

from core.sequences.image_files import folder_name
from core.sequences.stream_checks import MODALITY_OF_WORD

#: stream names that say which modality, not which sequence: the parent folder names it. Every word
#: that says a modality (``MODALITY_OF_WORD``: ``optical`` too, as the layouts and the ground truth of a
#: lone video take it), and the one-letter names of some datasets' streams
MODALITY_WORDS = frozenset(MODALITY_OF_WORD) | {"v", "i", "t"}


def sequence_name(visible: Path, thermal: Path) -> str:
    """``scene/visible.mp4`` + ``scene/thermal.mp4`` -> ``scene``; ``walk_rgb.mp4`` -> ``walk_rgb``."""
    stem = visible.stem if visible.is_file() else folder_name(visible)
    return named_by_folder(visible, stem) if visible.parent == thermal.parent else stem


def named_by_folder(path: Path, stem: str) -> str:
    """``stem`` (the name of the stream ``path``), or the name of the folder holding ``path`` when
    ``stem`` names only a modality (:data:`MODALITY_WORDS`: ``scene/visible.mp4`` -> ``scene``)."""
    if stem.lower() in MODALITY_WORDS:
        return path.resolve().parent.name or stem
    return stem
