"""Image folders as frame streams: which files in a folder are frames (:func:`list_images`), their
order (:func:`natural_key`: ``v9.jpg < v10.jpg``) and the frame numbers their names carry
(:func:`frame_numbers`, :func:`missing_numbers`: a camera's dropped frames), and the name a folder
goes by (:func:`folder_name`). Paths are ``pathlib.Path``; nothing is decoded here
(:class:`core.sequences.image_sources.FolderSource` reads the frames).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"})

_DIGITS = re.compile(r"(\d+)")


def folder_name(folder: Path) -> str:
    """The name of the folder ``folder`` as the user knows it: its last part, or for ``.``
    / ``..`` (which name no folder) the resolved folder's; "sequence" for the root."""
    folder = Path(folder)
    return folder.name if folder.name not in ("", ".", "..") else (folder.resolve().name or "sequence")


def natural_key(name: str) -> tuple:
    """Sort key treating digit runs as numbers: ``v9.jpg < v10.jpg < v011.jpg``.

    Ties between equal numbers with different padding fall back to the plain name.
    """
    parts: list = _DIGITS.split(name.lower())  # text, digits, text, ..., text: the digit runs at odd places
    parts[1::2] = [(0, int(p), "") for p in parts[1::2]]
    parts[0::2] = [(1, 0, p) for p in parts[0::2]]
    return (*parts, (1, 0, name))


def numbered_twice(files: list[Path]) -> list[list[Path]]:
    """The groups of ``files`` (in their order) that carry one frame number: names equal but for
    the extension, the case and the zero padding (``00003.jpg`` / ``00003.png``, ``v3.jpg`` /
    ``v03.jpg``); each file is read as a frame of its own."""
    groups: dict[tuple, list[Path]] = {}
    for file in files:  # natural_key(stem) without its tie-break, as plain values (half the time)
        parts: list = _DIGITS.split(file.stem.lower())
        parts[1::2] = map(int, parts[1::2])
        groups.setdefault(tuple(parts), []).append(file)
    return [group for group in groups.values() if len(group) > 1]


def missing_numbers(files: list[Path]) -> list[int]:
    """The frame numbers missing between the lowest and the highest of ``files`` (the last run of
    digits of each name: ``frame_12.png``, ``00012v.jpg``): a camera's dropped frames. [] when the
    names carry no numbers, or numbers far sparser than frames (clock times)."""
    numbers = sorted({int(found[-1]) for file in files if (found := _DIGITS.findall(file.stem))})
    if len(numbers) < 2 or numbers[-1] - numbers[0] + 1 > 2 * len(numbers) + 100:
        return []
    present = set(numbers)
    return [n for n in range(numbers[0], numbers[-1] + 1) if n not in present]


def frame_number(file: Path) -> int | None:
    """The frame number of an image file: the last run of digits of its name (``00012v.jpg`` -> 12), or None."""
    found = _DIGITS.findall(file.stem)
    return int(found[-1]) if found else None


def frame_numbers(files: list[Path]) -> np.ndarray | None:
    """(N,) int64: the frame number of each of ``files`` (the last run of digits of its name, as
    :func:`missing_numbers` reads it), when every name has one, they rise from file to file and are
    about as dense as frames; else None (names without numbers, clock times, two files of a number)."""
    numbers = [int(found[-1]) if (found := _DIGITS.findall(file.stem)) else None for file in files]
    if not numbers or None in numbers:
        return None
    array = np.asarray(numbers, dtype=np.int64)
    if np.any(np.diff(array) <= 0) or array[-1] - array[0] + 1 > 2 * array.size + 100:
        return None
    return array


def _image_entries(folder: Path):
    """The image files directly in ``folder`` (:data:`IMAGE_EXTENSIONS`, any case; no hidden
    ones) as ``os.DirEntry``, in the folder's own order: told files by the folder's listing,
    without a ``stat`` of each (a 20,000-frame folder was stat'ed file by file, twice per open)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if (not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS
                    and entry.is_file()):
                yield entry


def list_images(folder: Path) -> list[Path]:
    """Image files directly in ``folder`` (png, jpg, jpeg, bmp, tif, tiff; any case), natural order."""
    folder = Path(folder)
    names = sorted((entry.name for entry in _image_entries(folder)), key=natural_key)
    return [folder / name for name in names]


def only_image(folder: Path) -> Path | None:
    """The one image file of ``folder`` when it holds exactly one (:func:`list_images` would list it
    alone), found without listing more than two; else None."""
    entries = _image_entries(Path(folder))
    first, second = next(entries, None), next(entries, None)
    return Path(first.path) if first is not None and second is None else None


def has_images(folder: Path) -> bool:
    """True when ``folder`` holds an image file directly (:func:`list_images` would list one),
    found without listing the rest."""
    return next(_image_entries(Path(folder)), None) is not None


def first_image(folder: Path) -> Path | None:
    """The first image of ``folder`` in :func:`list_images`' order, or None, without sorting them all."""
    folder = Path(folder)
    name = min((entry.name for entry in _image_entries(folder)), key=natural_key, default=None)
    return None if name is None else folder / name
