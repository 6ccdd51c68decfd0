"""The fixed train / validation split of the shared real footage (``configs/real_split.json``).

File format (JSON object): ``description`` (text), ``validation`` and ``train``, each an
object mapping a modality to a list of sequence folders relative to the data root
(``../shared/data``):

- ``visible``: visible-only sequences (colour frames + ``groundtruth.txt``);
- ``thermal``: thermal-only sequences (``thermal.avi`` + GT, or VOT-TIR image folders);
- ``rgbt``: registered RGB-T sequences with ground truth;
- ``rgbt_unlabeled``: RGB-T pairs without boxes (training only; never evaluated).

The split is by sequence, never by frame: :func:`load_split` refuses a folder listed in
both parts, a folder listed twice, unknown keys or modalities, and non-string entries,
each with a ``ConfigError`` naming the file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPLIT_FILE = PROJECT_ROOT / "configs" / "real_split.json"
PARTS = ("validation", "train")
#: modalities with ground truth, in table order
LABELLED_MODALITIES = ("visible", "thermal", "rgbt")
MODALITY_KEYS = LABELLED_MODALITIES + ("rgbt_unlabeled",)


@dataclass(frozen=True)
class RealSplit:
    """``parts[part][modality]`` -> tuple of folders relative to the data root."""

    path: Path
    description: str
    parts: dict[str, dict[str, tuple[str, ...]]]

    def sequences(self, part: str, modalities=LABELLED_MODALITIES) -> list[tuple[str, str]]:
        """``(modality, relative folder)`` of ``part`` for ``modalities``, in file order."""
        if part not in PARTS:
            raise ConfigError(f"unknown split part {part!r}; choose one of {list(PARTS)}")
        return [(m, folder) for m in modalities for folder in self.parts[part].get(m, ())]

    def all_folders(self, part: str) -> set[str]:
        return {folder for folders in self.parts[part].values() for folder in folders}


def load_split(path: str | Path = DEFAULT_SPLIT_FILE) -> RealSplit:
    """Read and check a split file (see the module docstring)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: split file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: not a readable JSON split file ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object with 'validation' and 'train'")
    unknown = sorted(set(data) - {"description", *PARTS})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {unknown}; expected description, validation, train")
    parts: dict[str, dict[str, tuple[str, ...]]] = {}
    for part in PARTS:
        section = data.get(part)
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: '{part}' must be an object of modality -> list of folders")
        bad = sorted(set(section) - set(MODALITY_KEYS))
        if bad:
            raise ConfigError(f"{path}: '{part}' has unknown modality key(s) {bad}; expected {list(MODALITY_KEYS)}")
        parts[part] = {}
        for modality, folders in section.items():
            if not isinstance(folders, list) or not all(isinstance(f, str) and f.strip() for f in folders):
                raise ConfigError(f"{path}: '{part}.{modality}' must be a list of folder names")
            if len(set(folders)) != len(folders):
                raise ConfigError(f"{path}: '{part}.{modality}' lists a folder twice")
            parts[part][modality] = tuple(f.strip().rstrip("/") for f in folders)
    if "rgbt_unlabeled" in parts["validation"] and parts["validation"]["rgbt_unlabeled"]:
        raise ConfigError(f"{path}: unlabeled sequences cannot be evaluated; list them under 'train' only")
    split = RealSplit(path, str(data.get("description", "")), parts)
    both = sorted(split.all_folders("validation") & split.all_folders("train"))
    if both:
        raise ConfigError(f"{path}: folder(s) in both train and validation (split by sequence): {both}")
    seen: dict[str, str] = {}
    for part in PARTS:
        for modality, folders in parts[part].items():
            for folder in folders:
                if folder in seen and seen[folder] != modality:
                    raise ConfigError(f"{path}: {folder} listed as {seen[folder]} and {modality}")
                seen[folder] = modality
    return split
