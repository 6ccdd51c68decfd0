"""Evaluate a results folder against a dataset root or GT folder (:func:`evaluate_folder`), or one
results file against one sequence's ground truth (:func:`evaluate_file`)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from core.errors import AnnotationFormatError, ConfigError
from core.metrics.attributes import find_attributes
from core.metrics.evaluate import evaluate_arrays
from core.metrics.protocols import get_protocol
from core.metrics.readers import has_sequence, read_box_rows, result_files, sequence_gt
from core.metrics.report import EvalReport
from core.wording import plural, verb

_GT_NAMES = ("visible.txt", "init.txt", "rgb.txt", "groundTruth_v.txt", "groundtruth.txt")


def ground_truth_folders(root: str | Path) -> list[Path]:
    """The sequence folders of a dataset ``root`` that hold a ground-truth file (the ones a
    results folder is scored against), sorted by name."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and _holds_ground_truth(p))


def _first_files(names: list[str]) -> str:
    """The first three result files of ``names`` (sequence names), for a message."""
    return ", ".join(f"{name}.txt" for name in names[:3])


def evaluate_folder(
    results_dir: str | Path,
    gt_root: str | Path,
    protocol: str,
    *,
    tracker: str | None = None,
    attributes: bool = True,
    sequences: list[str] | None = None,
) -> EvalReport:
    """Evaluate every ``<seq>.txt`` of ``results_dir`` under ``protocol``.

    gt_root: a dataset root (``<seq>/`` folders with the dataset's GT files) or a folder of
    flat ``<seq>.txt`` GT files. sequences: restrict to these names (otherwise every result
    whose sequence ``gt_root`` has, as the official toolkits score over the ground truth's
    list). Result files of no sequence there (pytracking's ``<seq>_time.txt``, a subset's
    ground truth) and sequences listed in ``gt_root`` without a result are named in the notes.
    """
    proto = get_protocol(protocol)
    gt_root = Path(gt_root)
    if gt_root.is_file():
        raise AnnotationFormatError(gt_root, "is a file, not a ground-truth folder (give the dataset root or the "
                                             "folder of <sequence>.txt ground-truth files)")
    if not gt_root.is_dir():
        raise AnnotationFormatError(gt_root, "ground-truth folder not found")
    files = result_files(results_dir)
    extra: list[str] = []
    if sequences is not None:
        unknown = [s for s in sequences if s not in files]
        if unknown:
            raise ConfigError(f"no result file for sequence(s) {unknown[:5]} in {results_dir}")
        chosen = list(sequences)
    else:  # as the official toolkits do, over the sequences of the ground truth
        chosen = [name for name in files if has_sequence(gt_root, name)]
        extra = [name for name in files if name not in chosen]
        prefix = _tracker_prefix(list(files), gt_root) if not chosen else None
        if prefix is not None:  # the toolkits' <tracker>_<sequence>.txt
            named = {name: name[len(prefix):] for name in files if name.startswith(prefix)
                     and has_sequence(gt_root, name[len(prefix):])}
            files = {named.get(name, name): path for name, path in files.items()}
            chosen = list(named.values())
            extra = [name for name in files if name not in chosen]
        if not chosen:
            hint = ""
            if gt_root.resolve().name in files and _holds_ground_truth(gt_root):  # --gt SEQUENCE_FOLDER: said nothing
                hint = (f"; {gt_root} is itself the sequence folder of {gt_root.resolve().name}.txt: give the folder "
                        f"that holds it ({gt_root.resolve().parent})")
            elif (below := _folders_below_holding(gt_root, list(files))):  # a root one level too high
                hint = (f"; {'they are' if len(below) == 1 else 'some are'} in "
                        f"{' and '.join(str(b) for b in below[:3])}: give {'that folder' if len(below) == 1 else 'one'}")
            raise AnnotationFormatError(Path(results_dir), f"none of its {plural(len(files), 'result file')} "
                                                           f"({_first_files(extra)}{', ...' if len(extra) > 3 else ''}) "
                                                           f"names a sequence of {gt_root}{hint}")
    results = {name: read_results(files[name], proto) for name in chosen}
    gt = {}
    for name in results:
        seq = sequence_gt(gt_root, name, proto.name)
        gt[name] = (seq.visible, seq.infrared)
    notes = []
    if prefix is not None:
        notes.append(f"the result files in {results_dir} are named {prefix}<sequence>.txt (the toolkits' "
                     f"<tracker>_<sequence>.txt): each is scored as the sequence named after '{prefix}'")
    if extra:  # e.g. pytracking's <seq>_time.txt beside its results
        n = len(extra)
        notes.append(f"{plural(n, 'result file')} in {results_dir} {verb(n, 'has', 'have')} no sequence in {gt_root} "
                     f"and {verb(n, 'is', 'are')} not evaluated (e.g. {_first_files(extra)})")
    without = [p.name for p in ground_truth_folders(gt_root) if p.name not in results]
    if without and sequences is None:
        n = len(without)
        notes.append(f"{plural(n, 'sequence')} of {gt_root} {verb(n, 'has', 'have')} no result and "
                     f"{verb(n, 'is', 'are')} not evaluated (e.g. {', '.join(without[:3])})")
    return _scored(proto, results, gt, gt_root, tracker or Path(results_dir).name, attributes, notes,
                   {name: files[name] for name in results})


def _tracker_prefix(names: list[str], gt_root: Path) -> str | None:
    """The prefix of result file names ``names`` (stems) written as the official toolkits name
    them, ``<tracker>_<sequence>`` (VTUAV's ``calcPlotErr_TPR.m`` reads ``[name '_' seq_name
    '.txt']``, RGBT234's ``[name seq_name '.txt']``): the prefix after which the most names are
    sequences of ``gt_root``; None when no name is ``<prefix><sequence>``."""
    root = Path(gt_root)
    known = {p.name for p in root.iterdir() if p.is_dir()} | {p.stem for p in root.glob("*.txt") if p.is_file()}
    counts: dict[str, int] = {}
    for name in names:
        for k in range(1, len(name)):
            if name[k:] in known:
                counts[name[:k]] = counts.get(name[:k], 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], -len(p)))


def _scored(proto, results: dict, gt: dict, gt_root: Path, tracker: str, attributes: bool, notes: list[str],
            result_files: dict[str, Path]) -> EvalReport:
    """``evaluate_arrays`` of ``results`` against ``gt`` (``{name: (visible, infrared)}``), with the
    attributes the dataset ``gt_root`` gives its sequences when ``attributes``."""
    tags = find_attributes(gt_root, list(results), proto.name, {name: rows[0] for name, rows in gt.items()}) \
        if attributes else None
    return evaluate_arrays(
        proto, results, gt,
        tracker=tracker,
        sequence_tags=tags.sequence_tags if tags else None,
        frame_tags=tags.frame_tags if tags else None,
        attribute_source=tags.source if tags else None,
        notes=notes,
        result_files=result_files,
    )


def read_results(path: Path, proto) -> np.ndarray:
    """One results file under ``proto`` -> ``(M, 4)`` xywh: an 8-value row is the dual-modality
    toolkits' corners (``corner2rect.m``, rounded), a polygon's bounding box otherwise."""
    return read_box_rows(path, eight="corners" if proto.dual_modality else "polygon")


def _folders_below_holding(gt_root: Path, names: list[str]) -> list[Path]:
    """The folders directly in ``gt_root`` that hold a sequence of one of the result files'
    ``names`` (a dataset root given one level too high: ``real/`` for ``real/rgb/``)."""
    try:
        children = sorted(child for child in gt_root.iterdir() if child.is_dir() and not child.name.startswith("."))
    except OSError:
        return []
    return [child for child in children if any(has_sequence(child, name) for name in names[:20])]


def _holds_ground_truth(folder: Path) -> bool:
    """Whether ``folder`` is a sequence folder: it holds one of the datasets' ground-truth files."""
    return any((folder / name).is_file() for name in _GT_NAMES)


def file_sequence(result_file: str | Path, gt: str | Path) -> tuple[Path, str]:
    """``(dataset root, sequence name)`` of the ground truth that the results file ``result_file``
    (``<name>.txt``) is scored against, from ``gt``: a box file (a dataset's own ground-truth file,
    e.g. ``seq/groundTruth_v.txt``, stands for its sequence folder, so the protocol reads that
    folder's layout; any other file, of any name, is a flat ``x,y,w,h`` ground truth that
    :func:`evaluate_file` reads itself), a sequence folder, or a
    dataset root / ground-truth folder holding the sequence ``<name>``. AnnotationFormatError when
    ``gt`` is none of these."""
    from core.sequences.image_files import IMAGE_EXTENSIONS
    from core.sequences.sources import VIDEO_EXTENSIONS

    result_file, gt = Path(result_file), Path(gt)
    if gt.is_file() and gt.suffix.lower() in VIDEO_EXTENSIONS | IMAGE_EXTENSIONS:  # read as a flat box file, it
        # was "no ground truth for sequence 'thermal' (neither thermal/ nor thermal.txt)"
        raise AnnotationFormatError(gt, f"is footage, not ground truth: give the sequence's folder ({gt.parent}) "
                                        "or its ground-truth file")
    if gt.is_file():
        if _dataset_gt_file(gt):
            return gt.parent.parent, gt.parent.name
        return gt.parent, gt.stem
    if not gt.is_dir():
        raise AnnotationFormatError(gt, "ground truth not found")
    own = _holds_ground_truth(gt)
    # in a sequence folder, <name>/ or <name>.txt are its own frames and files (a LasHeR export's
    # infrared/ and infrared.txt), a sequence of that name only when it holds ground truth itself
    if has_sequence(gt, result_file.stem) and not (own and not _holds_ground_truth(gt / result_file.stem)):
        return gt, result_file.stem
    if own:
        return gt.parent, gt.name
    footage = VIDEO_EXTENSIONS | IMAGE_EXTENSIONS
    if any(p.suffix.lower() in footage for p in gt.iterdir() if p.is_file()):  # the sequence's folder was given
        raise AnnotationFormatError(gt, f"is footage without ground truth (no box file beside it): nothing to score "
                                        f"{result_file.name} against; annotate it in the studio and export it, then "
                                        "give the export")
    raise AnnotationFormatError(gt, f"holds no ground truth of its own and no sequence '{result_file.stem}' (the "
                                    f"results file's name): give the sequence's folder or its ground-truth file")


def evaluate_file(result_file: str | Path, gt: str | Path, protocol: str, *, tracker: str | None = None,
                  attributes: bool = True) -> EvalReport:
    """Evaluate one results file (``x,y,w,h`` per line, what ``track --out`` writes) against the
    ground truth of one sequence, found from ``gt`` by :func:`file_sequence`. ``tracker``: the
    name in the table (default the file's name without ``.txt``)."""
    proto = get_protocol(protocol)
    result_file = Path(result_file)
    if not result_file.is_file():
        raise AnnotationFormatError(result_file, "results file not found")
    root, name = file_sequence(result_file, gt)
    gt = Path(gt)
    if gt.is_file() and not _dataset_gt_file(gt):  # the flat file given, whatever its name (gt.csv, gt.TXT)
        boxes = read_box_rows(gt)
        if boxes.shape[0] == 0:
            raise AnnotationFormatError(gt, "ground-truth file has no box row")
        truth = (boxes, None)
    else:
        seq = sequence_gt(root, name, proto.name)
        truth = (seq.visible, seq.infrared)
    return _scored(proto, {name: read_results(result_file, proto)}, {name: truth}, root,
                   tracker or result_file.stem, attributes, [], {name: result_file})


def _dataset_gt_file(path: Path) -> bool:
    """Whether ``path`` is named as a dataset's own ground-truth file (``visible.txt``,
    ``groundTruth_i.txt``, ...), which stands for its sequence folder; any other file given as
    the ground truth is a flat ``x,y,w,h`` file read as it is."""
    return path.name in _GT_NAMES or path.name in ("groundTruth_i.txt", "infrared.txt", "ir.txt")
