"""The fixed train / validation split of the shared real footage (``configs/real_split.json``).

File format (JSON object): ``description`` (text), ``validation`` and ``train``, each an
object mapping a modality to a list of sequence entries:

- ``visible``: visible-only sequences (colour frames + ``groundtruth.txt``);
- ``thermal``: thermal-only sequences (``thermal.avi`` + GT, or VOT-TIR image folders);
- ``rgbt``: registered RGB-T sequences with ground truth;
- ``rgbt_unlabeled``: RGB-T pairs without boxes (training only; never evaluated).

An entry is a sequence folder relative to the data root (``../shared/data``), or, in the
three labelled lists only, a **labelled view**: an object that gives a folder the boxes
the project made for a window of its frames (the data folder is read-only)::

    {"folder": "real/rgbt-unlabeled/0117_1605", "groundtruth": "configs/real_boxes/0117_1605.txt",
     "frames": [81, 200], "name": "m3svd-0117_1605"}

- ``folder`` (required): as a plain entry;
- ``groundtruth`` (required): the boxes file, relative to the project root (or the
  working directory, :func:`resolve_path`) or absolute: one ``x,y,w,h`` line per frame of
  the window (pixels of the visible grid, top-left; ``NaN,NaN,NaN,NaN`` = target absent;
  ``core.sequences.window``);
- ``frames`` (optional): ``[first, last]``, 1-based, inclusive, whole numbers,
  ``1 <= first < last`` (default: the whole sequence);
- ``name`` (optional): the name in the benchmark's table (default: the folder's last
  component).

Each entry is a :class:`SplitEntry` (a plain folder: ``SplitEntry(folder)``, the folder's
own ground truth over every frame); :meth:`SplitEntry.open` opens either kind.

A folder may carry **several labelled views** (other windows, other targets of the same
footage), each with its own ``name`` and its own window; they are its folder for every rule
below.

The split is by sequence, never by frame: :func:`load_split` refuses a folder listed in
both parts, a plain folder listed twice or beside a view of itself, two views with the same
name or the same folder and window, a folder under two modalities (a labelled view counts
as its folder), unknown keys or modalities, entries that are neither a folder name nor a
labelled view, unknown keys or wrong types in a labelled view, and a labelled view under
``rgbt_unlabeled``, each with a ``ConfigError`` naming the file (and the entry). Folder
names are normalised (surrounding spaces and slashes dropped, ``\\`` -> ``/``).

One reader for both users: the benchmark reads the validation part
(:meth:`RealSplit.entries`; :meth:`RealSplit.sequences` gives the folders alone), training
reads **only the train part** (:meth:`RealSplit.train_folders`), and **refuses a labelled
view** there with a ``ConfigError``: training reads a folder's own ground truth over all
its frames, so it would use the view's folder without the project's boxes.
``RealSplit.parts`` holds the folders of every entry, labelled views included. Relative
paths (split file, data root, boxes files) resolve against the working directory when
they exist there, else against the project root; ``configs/...`` against the installed copy
of ``configs/`` when there is no source tree (:func:`core.assets.resolve_path`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from core.assets import PROJECT_ROOT, missing_note, project_path, resolve_path
from core.errors import ConfigError, SequenceError
from core.fileio import read_json_object

#: the data root (the folder the split's sequence paths are relative to) as configs and options
#: give it by default, read through :func:`resolve_path`: from the working directory when it is
#: there, else from the project root
DEFAULT_DATA_ROOT = "../shared/data"
#: the same folder taken from the project root alone, whatever the working directory (the
#: benches' default; it may be absent: a user's checkout without the shared footage)
DEFAULT_DATA_FOLDER = Path(os.path.normpath(PROJECT_ROOT / DEFAULT_DATA_ROOT))
#: the split file, relative to the project root (as configs and command defaults name it)
DEFAULT_SPLIT = "configs/real_split.json"
#: the same file in the source tree, else in the installed copy of ``configs/`` (``core.assets``),
#: whatever the working directory
DEFAULT_SPLIT_FILE = project_path(DEFAULT_SPLIT)
PARTS = ("validation", "train")
#: modalities with ground truth, in table order
LABELLED_MODALITIES = ("visible", "thermal", "rgbt")
MODALITY_KEYS = LABELLED_MODALITIES + ("rgbt_unlabeled",)


def normalise_folder(name: str) -> str:
    """A split entry as a relative folder: spaces and slashes around it dropped, ``/`` only."""
    return str(name).strip().replace("\\", "/").strip("/")


#: the keys of a labelled view (an object entry)
VIEW_KEYS = ("folder", "groundtruth", "frames", "name")


@dataclass(frozen=True)
class SplitEntry:
    """One listed sequence: ``folder`` relative to the data root (normalised).

    ``groundtruth``: None for a plain folder (its own ground truth), else the resolved path
    of the project's boxes file (a labelled view). ``frames``: ``(first, last)`` 1-based
    inclusive as the split file gives them, or None (every frame). ``name``: the table's
    name (default: the folder's last component).
    """

    folder: str
    groundtruth: Path | None = None
    frames: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.folder.rsplit("/", 1)[-1])

    @property
    def is_view(self) -> bool:
        """True for a labelled view (the project's boxes, maybe a window of frames)."""
        return self.groundtruth is not None

    @property
    def label(self) -> str:
        """The folder, with the window when there is one (``folder[81:200]``, the 1-based
        inclusive frames): what the benchmark's result cache keys a run under."""
        return self.folder if self.frames is None else f"{self.folder}[{self.frames[0]}:{self.frames[1]}]"

    def open(self, folder: str | Path, *, cache_frames: int = 16):
        """This entry's sequence, whose files are in ``folder`` (the entry's folder under
        the data root): ``core.sequences.open_sequence`` for a plain folder; for a labelled
        view the window with the project's boxes (``core.sequences.window.open_window``;
        ConfigError naming the boxes file when it is missing, has the wrong number of lines
        or the window runs past the sequence's end). SequenceError when the folder does not
        open."""
        if self.groundtruth is None:
            from core.sequences import open_sequence

            return open_sequence(folder, cache_frames=cache_frames)
        from core.sequences.window import open_window

        return open_window(folder, self.groundtruth, self.frames, name=self.name, cache_frames=cache_frames)


@dataclass(frozen=True)
class RealSplit:
    """``parts[part][modality]`` -> tuple of folders relative to the data root, each once (a
    folder with labelled views appears once, however many views it has); ``listed`` ->
    the same lists as :class:`SplitEntry` objects, one per entry of the file; ``views``:
    name -> :class:`SplitEntry` of each labelled view."""

    path: Path
    description: str
    parts: dict[str, dict[str, tuple[str, ...]]]
    views: dict[str, SplitEntry] = field(default_factory=dict)
    listed: dict[str, dict[str, tuple[SplitEntry, ...]]] = field(default_factory=dict)

    def sequences(self, part: str, modalities=LABELLED_MODALITIES) -> list[tuple[str, str]]:
        """``(modality, relative folder)`` of ``part`` for ``modalities``, in file order, each
        folder once (use :meth:`entries` to open what is listed, labelled views included)."""
        if part not in PARTS:
            raise ConfigError(f"unknown split part {part!r}; choose one of {list(PARTS)}")
        return [(m, folder) for m in modalities for folder in self.parts[part].get(m, ())]

    def entries(self, part: str, modalities=LABELLED_MODALITIES) -> list[tuple[str, SplitEntry]]:
        """``(modality, SplitEntry)`` of every entry of ``part`` for ``modalities``, in file order."""
        if part not in PARTS:
            raise ConfigError(f"unknown split part {part!r}; choose one of {list(PARTS)}")
        listed = self.listed.get(part)
        if listed is None:  # built without entries: the folders' own ground truth
            return [(m, SplitEntry(folder)) for m, folder in self.sequences(part, modalities)]
        return [(m, entry) for m in modalities for entry in listed.get(m, ())]

    def all_folders(self, part: str) -> set[str]:
        return {folder for folders in self.parts[part].values() for folder in folders}

    def train_folders(self, group: str, data_root: str | Path,
                      include: list[str] | None = None) -> list[tuple[str, Path]]:
        """(name, folder) of the **train** part's ``group`` (never validation), in file order.

        include: optional subset, by path or by folder name; a name outside this group's
        train part raises ConfigError (so a validation sequence cannot be asked for).
        A labelled view among the chosen folders raises ConfigError (training reads the
        folder's own ground truth and every frame, not the project's boxes).
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
        views = [v for v in self.views.values() if v.folder in names]
        if views:
            raise ConfigError(f"{self.path}: train.{group} lists {views[0].label} as a labelled view (boxes in "
                              f"{views[0].groundtruth}); training cannot use the project's boxes files: list "
                              "the folder as a plain string, or move the view to the validation part")
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


def _view(path: Path, where: str, value: dict) -> SplitEntry:
    """A labelled view object -> SplitEntry; ConfigError naming ``path`` and ``where``."""
    shown = f"{path}: {where} {json.dumps(value)[:160]}"
    unknown = sorted(set(value) - set(VIEW_KEYS))
    if unknown:
        raise ConfigError(f"{shown}: unknown key(s) {unknown}; a labelled view has {list(VIEW_KEYS)}")
    folder, groundtruth = value.get("folder"), value.get("groundtruth")
    if not isinstance(folder, str) or not normalise_folder(folder):
        raise ConfigError(f"{shown}: 'folder' (required) must be a folder name relative to the data root")
    if not isinstance(groundtruth, str) or not groundtruth.strip():
        raise ConfigError(f"{shown}: 'groundtruth' (required) must be the path of the boxes file")
    frames = value.get("frames")
    if frames is not None:
        if not (isinstance(frames, list) and len(frames) == 2
                and all(isinstance(f, int) and not isinstance(f, bool) for f in frames)):
            raise ConfigError(f"{shown}: 'frames' must be [first, last], two whole numbers (1-based, inclusive)")
        if not 1 <= frames[0] < frames[1]:
            raise ConfigError(f"{shown}: 'frames' needs 1 <= first < last (1-based, inclusive), got {frames}")
        frames = (frames[0], frames[1])
    name = value.get("name", "")
    if not isinstance(name, str) or ("name" in value and not name.strip()):
        raise ConfigError(f"{shown}: 'name' must be a non-empty text")
    return SplitEntry(normalise_folder(folder), resolve_path(groundtruth.strip()), frames, name.strip())


def _entries(path: Path, part: str, modality: str, values) -> list[SplitEntry]:
    """The entries of ``part.modality``; ConfigError naming ``path`` and the entry."""
    where = f"'{part}.{modality}'"
    if not isinstance(values, list):
        raise ConfigError(f"{path}: {where} must be a list of folder names or labelled views")
    out = []
    for number, value in enumerate(values, start=1):
        if isinstance(value, str) and normalise_folder(value):
            out.append(SplitEntry(normalise_folder(value)))
        elif isinstance(value, dict):
            if modality not in LABELLED_MODALITIES:
                raise ConfigError(f"{path}: {where} entry {number} is a labelled view ({value.get('folder')!r}); "
                                  f"boxes belong under {' / '.join(LABELLED_MODALITIES)}")
            out.append(_view(path, f"{where} entry {number}", value))
        else:
            raise ConfigError(f"{path}: {where} must be a list of folder names or labelled views "
                              f"({{\"folder\": ..., \"groundtruth\": ...}}); entry {number} is {value!r}")
    return out


def _check_repeats(path: Path, where: str, entries: list[SplitEntry], views: dict[str, SplitEntry]) -> None:
    """ConfigError when ``entries`` (one modality's list) repeat a folder other than as
    labelled views with distinct windows, or a view's name is taken (``views``: the views
    of this part read so far, by name)."""
    plain = [e.folder for e in entries if not e.is_view]
    viewed = {e.folder for e in entries if e.is_view}
    twice = sorted({n for n in plain if plain.count(n) > 1 or n in viewed})
    if twice:
        raise ConfigError(f"{path}: {where} lists a folder twice: {twice} (a folder may carry several "
                          "labelled views, each with its own name and window, but no plain entry beside them)")
    labels, names = [e.label for e in entries if e.is_view], dict(views)
    same = sorted({label for label in labels if labels.count(label) > 1})
    if same:
        raise ConfigError(f"{path}: {where} lists the same window of a folder twice: {same}")
    for entry in (e for e in entries if e.is_view):
        if entry.name in names:
            raise ConfigError(f"{path}: {where}: two labelled views are named {entry.name!r}; give each its own 'name'")
        names[entry.name] = entry


def load_split(path: str | Path = DEFAULT_SPLIT_FILE) -> RealSplit:
    """Read and check a split file (see the module docstring)."""
    path = resolve_path(path)
    data = read_json_object(path, "split file", missing_note(path))
    unknown = sorted(set(data) - {"description", *PARTS})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {unknown}; expected description, validation, train")
    parts: dict[str, dict[str, tuple[str, ...]]] = {}
    listed: dict[str, dict[str, tuple[SplitEntry, ...]]] = {}
    views: dict[str, SplitEntry] = {}
    clashes: list[str] = []
    for part in PARTS:
        section = data.get(part)
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: '{part}' must be an object of modality -> list of folders")
        bad = sorted(set(section) - set(MODALITY_KEYS))
        if bad:
            raise ConfigError(f"{path}: '{part}' has unknown modality key(s) {bad}; expected {list(MODALITY_KEYS)}")
        parts[part], listed[part] = {}, {}
        part_views: dict[str, SplitEntry] = {}
        for modality, values in section.items():
            entries = _entries(path, part, modality, values)
            _check_repeats(path, f"'{part}.{modality}'", entries, part_views)
            part_views.update((e.name, e) for e in entries if e.is_view)
            parts[part][modality] = tuple(dict.fromkeys(e.folder for e in entries))
            listed[part][modality] = tuple(entries)
        for name, view in part_views.items():
            if name in views:  # checked after the by-sequence rule, which names a shared folder better
                clashes.append(name)
            views[name] = view
    if "rgbt_unlabeled" in parts["validation"] and parts["validation"]["rgbt_unlabeled"]:
        raise ConfigError(f"{path}: unlabeled sequences cannot be evaluated; list them under 'train' only")
    split = RealSplit(path, str(data.get("description", "")), parts, views, listed)
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
    if clashes:
        raise ConfigError(f"{path}: labelled views in both parts are named {clashes[0]!r}; give each its own 'name'")
    return split
