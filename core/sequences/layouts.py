"""Dataset layouts of one sequence folder: detection and opening.

| layout | visible | thermal | told apart by |
|---|---|---|---|
| ``gtot`` | ``v/`` | ``i/`` | folder names |
| ``lasher`` | ``visible/`` | ``infrared/`` | images named ``v…``/``i…`` (or ``visible.txt`` when names do not tell) |
| ``rgbt234`` | ``visible/`` | ``infrared/`` | images named ``…v``/``…i`` and ``visible.txt`` + ``infrared.txt`` |
| ``rgbt210`` | ``visible/`` | ``infrared/`` | images named ``…v``/``…i`` and one ``init.txt`` for both |
| ``vtuav`` | ``rgb/`` | ``ir/`` | folder names |
| ``vot-rgbt`` | ``color/`` | ``ir/`` | folder names |
| ``got10k`` | any pair above | | ``meta_info.ini`` / ``absence.label`` / ``cover.label`` |
| ``folder-pair`` | ``visual/`` or ``visible/`` | ``thermal/`` | folder names (e.g. TNO) |
| ``vot-tir`` | - | images in the folder, or only ``color/`` or only ``ir/`` | thermal-only |
"""
from __future__ import annotations

from pathlib import Path

from core.errors import SequenceError
from core.sequences.pair import PairSequence
from core.sequences.sources import FolderSource, list_images

GOT10K_MARKERS = ("meta_info.ini", "absence.label", "cover.label")

# (visible folder, thermal folder, layout when no GT file decides)
_PAIR_FOLDERS = (
    ("v", "i", "gtot"),
    ("visible", "infrared", "rgbt"),
    ("rgb", "ir", "vtuav"),
    ("color", "ir", "vot-rgbt"),
    ("visual", "thermal", "folder-pair"),
    ("visible", "thermal", "folder-pair"),
)

EXPECTED = ("v/ + i/ (GTOT); visible/ + infrared/ (LasHeR, RGBT234, RGBT210); rgb/ + ir/ (VTUAV); "
            "color/ + ir/ (VOT-RGBT); visual/ or visible/ + thermal/ (folder pair); "
            "images directly in the folder, or only color/ or only ir/ (thermal-only, VOT-TIR)")


def _has_images(folder: Path) -> bool:
    return folder.is_dir() and bool(list_images(folder))


def _find_pair(folder: Path) -> tuple[str, str, str] | None:
    for visible, thermal, layout in _PAIR_FOLDERS:
        if (folder / visible).is_dir() and (folder / thermal).is_dir():
            return visible, thermal, layout
    return None


def _rgbt_flavour(folder: Path) -> str:
    """Tell LasHeR, RGBT234 and RGBT210 apart (all use visible/ + infrared/).

    LasHeR names frames ``v000001.jpg`` (prefix); RGBT234 and RGBT210 ``00001v.jpg``
    (suffix), RGBT234 with per-modality ``visible.txt``/``infrared.txt``, RGBT210 with one
    ``init.txt``. Without telling names, the GT files decide (``visible.txt`` -> LasHeR).
    """
    images = list_images(folder / "visible")
    stem = images[0].stem.lower() if images else ""
    per_modality_gt = (folder / "visible.txt").is_file() or (folder / "infrared.txt").is_file()
    if stem.startswith("v"):
        return "lasher"
    if stem.endswith("v"):
        return "rgbt234" if per_modality_gt else "rgbt210"
    if per_modality_gt:
        return "lasher"
    return "rgbt210" if (folder / "init.txt").is_file() else "lasher"


def _thermal_only_folder(folder: Path) -> Path | None:
    if _has_images(folder):
        return folder
    candidates = [folder / name for name in ("ir", "color", "infrared", "thermal") if _has_images(folder / name)]
    return candidates[0] if len(candidates) == 1 else None


def detect_layout(folder: str | Path) -> str:
    """Layout name of a sequence folder (see the module table).

    Raises SequenceError naming the folder when it is missing or matches no layout.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SequenceError(folder, "sequence folder does not exist")
    if not folder.is_dir():
        raise SequenceError(folder, "is not a folder (open a video pair with open_pair)")
    pair = _find_pair(folder)
    if pair is not None:
        if any((folder / m).is_file() for m in GOT10K_MARKERS):
            return "got10k"
        return _rgbt_flavour(folder) if pair[2] == "rgbt" else pair[2]
    if _thermal_only_folder(folder) is not None:
        return "got10k-tir" if any((folder / m).is_file() for m in GOT10K_MARKERS) else "vot-tir"
    present = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())[:12]
    raise SequenceError(folder, "unknown sequence layout; expected " + EXPECTED
                        + ". Found: " + (", ".join(present) if present else "an empty folder"))


def open_sequence(folder: str | Path, *, frame_offset: int = 0, cache_frames: int = 16) -> PairSequence:
    """Open a dataset sequence folder, auto-detecting its layout (:func:`detect_layout`).

    ``ground_truth()`` of the result reads the folder's GT files lazily with
    ``core.annotations.formats.load_ground_truth`` (None when there are none).
    """
    folder = Path(folder)
    layout = detect_layout(folder)

    def load_gt():
        from core.annotations.formats import load_ground_truth

        return load_ground_truth(folder, layout)

    pair = _find_pair(folder)
    if pair is not None:
        visible: FolderSource | None = FolderSource(folder / pair[0])
        thermal = FolderSource(folder / pair[1])
    else:
        thermal_folder = _thermal_only_folder(folder)
        assert thermal_folder is not None  # detect_layout succeeded
        visible, thermal = None, FolderSource(thermal_folder)
    return PairSequence(visible, thermal, name=folder.name, layout=layout, frame_offset=frame_offset,
                        cache_frames=cache_frames, ground_truth_loader=load_gt)
