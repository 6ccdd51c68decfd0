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
each with a ``ConfigError`` naming the file. Folder names are normalised (surrounding
spaces and slashes dropped, ``\\`` -> ``/``).

One reader for both users: the benchmark reads the validation part
(:meth:`RealSplit.sequences`), training reads **only the train part**
(:meth:`RealSplit.train_folders`). Relative paths (split file, data root) resolve against
the working directory when they exist there, else against the project root
(:func:`resolve_path`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError, SequenceError
from core.fileio import read_json_object

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: the split file, relative to the project root (as configs and command defaults name it)
DEFAULT_SPLIT = "configs/real_split.json"
DEFAULT_SPLIT_FILE = PROJECT_ROOT / DEFAULT_SPLIT
PARTS = ("validation", "train")
#: modalities with ground truth, in table order
LABELLED_MODALITIES = ("visible", "thermal", "rgbt")
MODALITY_KEYS = LABELLED_MODALITIES + ("rgbt_unlabeled",)


def resolve_path(path: str | Path) -> Path:
    """``~`` expanded; a relative path is taken from the working directory when it exists
    there, else from the project root."""
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


def normalise_folder(name: str) -> str:
    """A split entry as a relative folder: spaces and slashes around it dropped, ``/`` only."""
    return str(name).strip().replace("\\", "/").strip("/")


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

    def train_folders(self, group: str, data_root: str | Path,
                      include: list[str] | None = None) -> list[tuple[str, Path]]:
        """(name, folder) of the **train** part's ``group`` (never validation), in file order.

        include: optional subset, by path or by folder name; a name outside this group's
        train part raises ConfigError (so a validation sequence cannot be asked for).
        SequenceError when the data root or a folder is missing.
        """
        names = list(self.parts["train"].get(group, ()))
        if include:
            chosen = []
            for wanted in include:
                hits = [n for n in names if normalise_folder(wanted) in (n, n.rsplit("/", 1)[-1])]
                if not hits:
                    raise ConfigError(f"{self.path}: {wanted!r} is not in the train part's {group!r} group")
                chosen.extend(h for h in hits if h not in chosen)
            names = chosen
        root = resolve_path(data_root)
        if not root.is_dir():
            raise SequenceError(root, "real data root does not exist (set 'data_root' in the data source options)")
        out = []
        for name in names:
            folder = root / name
            if not folder.is_dir():
                raise SequenceError(folder, f"train sequence of {self.path.name} not found under the data root")
            out.append((name, folder))
        return out


def load_split(path: str | Path = DEFAULT_SPLIT_FILE) -> RealSplit:
    """Read and check a split file (see the module docstring)."""
    path = resolve_path(path)
    data = read_json_object(path, "split file")
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
            if not isinstance(folders, list) or not all(isinstance(f, str) and normalise_folder(f) for f in folders):
                raise ConfigError(f"{path}: '{part}.{modality}' must be a list of folder names")
            names = [normalise_folder(f) for f in folders]
            if len(set(names)) != len(names):
                raise ConfigError(f"{path}: '{part}.{modality}' lists a folder twice")
            parts[part][modality] = tuple(names)
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
