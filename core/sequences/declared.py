"""What a sequence folder's own small text files declare: ``SOURCE.txt`` and GOT-10k's
``meta_info.ini`` (its modality, its frame rate) and the studio's export marker
(:data:`EXPORT_MARKER`: the stream of single-stream footage, the source's frame rate).
Each file is ``key: value`` lines; one that cannot be read declares nothing.
"""
from __future__ import annotations

from pathlib import Path

from core.sequences.stream_checks import MODALITY_OF_WORD

SOURCE_FILE = "SOURCE.txt"
#: written at the root of every export folder the studio makes (``core.annotations.formats.export``):
#: the sequence name, on single-stream footage a ``modality:`` line naming the one stream, then a note
EXPORT_MARKER = ".rgbt-studio-export"


def _key_lines(path: Path) -> list[tuple[str, str]]:
    """``(key, value)`` of every line of the small ``key: value`` text file ``path`` (a
    ``SOURCE.txt``, GOT-10k's ``meta_info.ini``, the :data:`EXPORT_MARKER`), one pair per line,
    the key stripped and lower-cased ("" for a line without ``:``); [] when it cannot be read. A
    UTF-8 BOM (Windows Notepad's) is no part of the first key."""
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []
    return [(key.strip().lower(), value) for key, _, value in (line.partition(":") for line in lines)]


def _modality(lines: list[tuple[str, str]]) -> tuple[bool, str | None]:
    """``(found, modality)`` from the first ``modality:`` line with a value: ``visible`` /
    ``thermal``, or None for a word that names neither; ``(False, None)`` without such a line."""
    for key, value in lines:
        if key == "modality" and value.split():
            return True, MODALITY_OF_WORD.get(value.split()[0].strip(" ,;()").lower())
    return False, None


def declared_modality(folder: Path) -> str | None:
    """``visible`` / ``thermal`` from the ``modality:`` line of ``folder/SOURCE.txt``, else of
    ``folder/meta_info.ini`` (the GOT-10k export writes ``modality: visible`` / ``thermal``
    there), else None."""
    for name in (SOURCE_FILE, "meta_info.ini"):
        found, modality = _modality(_key_lines(folder / name))
        if found:
            return modality
    return None


def exported_one_stream(folder: Path) -> str | None:
    """``visible`` / ``thermal`` when ``folder`` is the studio's LasHeR / RGBT234 export of
    single-stream footage (the ``modality:`` line of its :data:`EXPORT_MARKER`, after the
    sequence name on its first line): the layout needs both folders, so one holds a stand-in (a
    thermal-only sequence's thermal frames again in ``visible/``), and the folder reopened as a
    visible + thermal pair. Else None."""
    return _modality(_key_lines(folder / EXPORT_MARKER)[1:])[1]


def declared_fps(folder: Path) -> float | None:
    """The frame rate of ``folder/SOURCE.txt``'s ``fps:`` line (the studio's LaSOT export writes
    the source's rate there, LaSOT having no meta file), else of a GOT-10k folder's
    ``meta_info.ini`` (``anno_fps: 25Hz``; the GOT-10k export writes it there), else None: image
    folders carry no rate otherwise, and the drone video's export reopened at 30 fps, its clock
    16.7 s for 20 s."""
    return _rate(_key_lines(folder / SOURCE_FILE), "fps") or _rate(_key_lines(folder / "meta_info.ini"), "anno_fps")


def exported_fps(folder: Path) -> float | None:
    """The frame rate the studio's LasHeR / RGBT234 export wrote in its :data:`EXPORT_MARKER`
    (``fps: 25``, after the sequence name), else None."""
    return _rate(_key_lines(folder / EXPORT_MARKER)[1:], "fps")


def _rate(lines: list[tuple[str, str]], key: str) -> float | None:
    """The frame rate of the first ``key`` line (``25``, ``25Hz``), when a number in (0, 1000);
    else None."""
    for name, value in lines:
        if name == key:
            try:
                fps = float(value.strip().lower().removesuffix("hz"))
            except ValueError:
                return None
            return fps if 0.0 < fps < 1000.0 else None
    return None
