"""Which files of a folder are a sequence's ground truth (or its dataset's metadata), and the
inputs a command's output must never overwrite: the frame sources, the ground truth beside
them, the annotation store (for ``core.fileio.check_output``)."""
from __future__ import annotations

from pathlib import Path

from core.annotations.formats.label_files import VOT_OCCLUSION_FILES
from core.annotations.formats.vtuav_init import VTUAV_INIT_FILE

# Every file name a ground-truth loader (core.annotations.formats.groundtruth, label_files, vtuav_init)
# or a dataset's metadata may read.
GT_FILE_NAMES = (
    "groundTruth_v.txt", "groundTruth_i.txt", "visible.txt", "infrared.txt", "init.txt", "rgb.txt", "ir.txt",
    "groundtruth.txt", "groundtruth_rect.txt", "groundtruth_thermal.txt", "absence.label", "cover.label",
    "cut_by_image.label",
    "full_occlusion.txt", "out_of_view.txt", "meta_info.ini", "synthetic.json", "SOURCE.txt", VTUAV_INIT_FILE,
    *VOT_OCCLUSION_FILES,
)


def ground_truth_files(folder: str | Path) -> list[Path]:
    """The ground-truth (and dataset metadata) files present in ``folder`` and in its
    modality sub-folders (``color/``, ``ir/``, ``visible/`` ...)."""
    folder = Path(folder)
    found = []
    for base in (folder, *(folder / sub for sub in ("color", "ir", "visible", "infrared", "v", "i", "rgb"))):
        if base.is_dir():
            found += [base / name for name in GT_FILE_NAMES if (base / name).is_file()]
    return found


def _ground_truth_folders(info) -> list[Path]:
    """The folders the ground truth of a sequence (``info``: its ``SequenceInfo``) may lie in: a
    frame folder and the folder above it, a video's folder; each once, in that order."""
    folders = []
    for source in (info.visible_source, info.thermal_source):
        if source is None:
            continue
        source = Path(source)
        folders.append(source if source.is_dir() else source.parent)
        if source.is_dir():
            folders.append(source.parent)
    return list(dict.fromkeys(folders))


def protected_inputs(info, store: str | Path | None = None) -> list[tuple[Path, str]]:
    """``(path, what)`` pairs an output must never overwrite, for a sequence's ``info``
    (``SequenceInfo``): its frame sources, the ground truth beside them, the annotation
    store (``store``, else the default one). For ``core.fileio.check_output``."""
    from core.annotations.store import default_store_path

    out = [(Path(source), f"{what} of the sequence") for source, what in
           ((info.visible_source, "the visible frames"), (info.thermal_source, "the thermal frames"))
           if source is not None]
    for folder in _ground_truth_folders(info):
        out += [(path, "the sequence's ground truth") for path in ground_truth_files(folder)]
    out.append((Path(store) if store is not None else default_store_path(info), "the annotation store"))
    return out


#: the files of :data:`GT_FILE_NAMES` that hold box rows
BOX_FILE_NAMES = ("groundTruth_v.txt", "groundTruth_i.txt", "visible.txt", "infrared.txt", "init.txt", "rgb.txt",
                  "ir.txt", "groundtruth.txt", "groundtruth_rect.txt", "groundtruth_thermal.txt")


def blank_box_files(info) -> list[Path]:
    """The ground-truth box files (:data:`BOX_FILE_NAMES`) beside a sequence's frames (``info``:
    its ``SequenceInfo``) that are empty or hold only blank lines: what to name when the
    sequence's ground truth has no box at all."""
    blank = []
    for folder in _ground_truth_folders(info):
        for path in ground_truth_files(folder):
            if path.name not in BOX_FILE_NAMES or path in blank:
                continue
            try:
                if not path.read_bytes().strip():
                    blank.append(path)
            except OSError:
                continue
    return blank


def protected_sources(*paths: str | Path | None) -> list[tuple[Path, str]]:
    """``(path, what)`` pairs for a command's input paths, before they are opened: a file
    (a video, a checkpoint) itself and the ground truth beside it; a folder given as a
    pair's stream (two paths) itself and the ground truth in it and beside it; a single
    sequence folder only its ground truth (new files may go into it, never over it)."""
    given = [Path(p) for p in paths if p is not None]
    pair = len({p.resolve() for p in given}) > 1
    out: list[tuple[Path, str]] = []
    for path in given:
        if path.is_dir():
            if pair:
                out.append((path, "an input of this command"))
                out += [(p, "the sequence's ground truth") for p in ground_truth_files(path.parent)]
            out += [(p, "the sequence's ground truth") for p in ground_truth_files(path)]
        else:
            out.append((path, "an input of this command"))
            out += [(p, "the sequence's ground truth") for p in ground_truth_files(path.parent)]
    return out
