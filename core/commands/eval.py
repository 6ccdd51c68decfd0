"""``python main.py eval``: score tracker results with an official toolkit's conventions.

    python main.py eval RESULTS_DIR [RESULTS_DIR ...] (--dataset-root ROOT | --gt GT_DIR)
        --protocol lasher|rgbt234|rgbt210|gtot|vtuav|pytracking-lasher
        [--plots DIR] [--json PATH] [--per-sequence] [--no-attributes]
    python main.py eval boxes.txt --gt SEQUENCE_OR_ITS_GT_FILE --protocol lasher

RESULTS_DIR holds one ``<sequence>.txt`` per sequence (x,y,w,h per line; commas, spaces or
tabs). A results file in its place (what ``track --out`` writes) is one sequence's result,
scored against the ground truth ``--gt`` / ``--dataset-root`` names for it
(``core.metrics.api.file_sequence``). Every printed table, JSON file and plot names the protocol.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from core.commands.arguments import input_path, output_file, output_folder
from core.errors import AnnotationFormatError
from core.fileio import write_text_atomic
from core.metrics.api import evaluate_file, evaluate_folder
from core.metrics.plots import save_plots
from core.metrics.protocols import PROTOCOLS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="score tracking results (PR/NPR/SR, MPR/MSR) with a toolkit's conventions",
        description="Score tracking results against ground truth with the conventions of one toolkit (--protocol) "
                    "and print a table: precision (PR), normalised precision (NPR) and success (SR), or MPR/MSR "
                    "for the dual-modality protocols. Each RESULTS_DIR holds one <sequence>.txt per sequence (one "
                    "x,y,w,h box per line; commas, spaces or tabs) and is one tracker. A results file in its place "
                    "(what track --out writes) is scored against one sequence: --gt names that sequence's folder "
                    "or ground-truth file, or a folder holding the sequence of the file's name. Every table, JSON "
                    "file and plot names the protocol.",
        epilog="examples: rgbt-studio eval runs/student runs/csrt --dataset-root DATASET --protocol lasher; "
               "rgbt-studio eval boxes.txt --gt SEQUENCE_FOLDER --protocol rgbt234 --plots plots/",
    )
    parser.add_argument("results", nargs="+", type=input_path, metavar="RESULTS_DIR",
                        help="folder of <sequence>.txt results (several folders = several trackers), or one "
                             "sequence's results file")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset-root", type=Path, help="dataset root with one folder per sequence")
    source.add_argument("--gt", type=Path, help="folder of GT: <sequence>.txt files or <sequence>/ folders; for a "
                                                "results file also one sequence's folder or ground-truth file")
    parser.add_argument("--protocol", required=True, choices=list(PROTOCOLS), help="evaluation conventions")
    parser.add_argument("--plots", type=output_folder, metavar="DIR", help="save precision/success plots (PNG) here")
    parser.add_argument("--json", type=output_file, metavar="PATH", help="write the full report(s) as JSON")
    parser.add_argument("--per-sequence", action="store_true", help="also print per-sequence scores")
    parser.add_argument("--no-attributes", action="store_true", help="skip the per-attribute breakdown")
    parser.add_argument("--force", action="store_true",
                        help="replace --json, and the protocol's plots in --plots, when they exist")
    parser.set_defaults(func=run)


def check_outputs(args) -> None:
    """--json / --plots checked before any work: never a results or ground-truth file,
    --plots never inside the ground-truth folder (a folder of PNGs there reads as a
    sequence), --json and the protocol's earlier plots (``<protocol>_*.png``) replaced only
    with --force, both writable."""
    from core.errors import OutputError
    from core.fileio import check_output

    root = args.dataset_root or args.gt
    protected = [(root, "the ground truth")]  # a folder or, with --gt, a file: never "the folder of the ground-truth folder"
    for folder in args.results:
        folder = Path(folder)
        if folder.is_dir():
            protected += [(p, "a results file") for p in folder.iterdir() if p.suffix.lower() == ".txt"]
        elif folder.is_file():
            protected.append((folder, "a results file"))
    if args.json:
        check_output(args.json, protected=protected, force=args.force, option="--json")
        json_path = Path(args.json)
        for folder in args.results:  # a .txt there reads as one more sequence's result next time
            if json_path.suffix.lower() == ".txt" and Path(folder).is_dir() and json_path.resolve().parent == \
                    Path(folder).resolve():
                raise OutputError(json_path, f"--json would be a .txt file in the results folder {folder}: the next "
                                             f"eval reads it as the result of a sequence '{json_path.stem}' and "
                                             "stops on it; name it .json or write it elsewhere")
    if args.plots:
        plots, root_abs = Path(args.plots), Path(root).resolve()
        if plots.resolve() == root_abs or root_abs in plots.resolve().parents:
            raise OutputError(plots, f"--plots lies inside the ground-truth folder {root}; choose a folder outside it")
        check_output(plots, protected=[p for p in protected if p[1] != "the ground truth"], folder=True,
                     option="--plots")
        earlier = sorted(plots.glob(f"{args.protocol}_*.png")) if plots.is_dir() else []
        if earlier and not args.force:
            raise OutputError(earlier[0], f"--plots already holds {args.protocol} plots (give --force to replace "
                                          "them)")


def check_gt_root(args) -> None:
    """--dataset-root / --gt must be an existing folder (a file too when every RESULTS_DIR is a
    results file: one sequence's ground truth); the error names the option."""
    root = args.dataset_root or args.gt
    option = "--dataset-root" if args.dataset_root else "--gt"
    if all(Path(r).is_file() for r in args.results):
        if not root.exists():
            raise AnnotationFormatError(root, f"{option}: not found")
        return
    if root.is_file():
        raise AnnotationFormatError(root, f"{option} is a file, not a folder (give the folder that holds the "
                                          "sequence folders or the <sequence>.txt ground-truth files)")
    if not root.is_dir():
        raise AnnotationFormatError(root, f"{option}: folder not found")
    from core.annotations.formats.gt_files import ground_truth_files
    from core.metrics.api import ground_truth_folders

    if args.dataset_root and ground_truth_files(root) and not ground_truth_folders(root):
        raise AnnotationFormatError(root, f"{option} is itself a sequence folder (it has ground truth); give the "
                                          f"dataset folder that holds it ({root.resolve().parent})")


def check_results_folders(folders) -> None:
    """RESULTS_DIRs all folders or all results files: a ground truth fits one kind (a dataset,
    or one sequence)."""
    files = [Path(f) for f in folders if Path(f).is_file()]
    if files and len(files) < len(folders):
        raise AnnotationFormatError(files[0], "is a results file among results folders; give folders of "
                                              "<sequence>.txt results, or results files of one sequence")


def tracker_names(folders) -> list[str]:
    """The name each results folder goes by in the tables, the plots' legends and the JSON: its
    own name (``runs/a/results`` -> ``results``), or where two folders share one, as many of
    the last parts of their paths as tell them apart (``a/results``, ``b/results``).
    ConfigError for a folder given twice (it would be scored and plotted twice)."""
    from core.errors import ConfigError

    resolved = [Path(folder).resolve() for folder in folders]
    for k, path in enumerate(resolved):
        if path in resolved[:k]:
            raise ConfigError(f"RESULTS_DIR {folders[k]} is given twice (it is {folders[resolved.index(path)]}); "
                              "give each results folder once")
    own = [path.stem if path.is_file() else path.name for path in resolved]
    names = [name or str(path) for name, path in zip(own, resolved, strict=True)]
    for k, path in enumerate(resolved):
        if own.count(path.name) > 1:
            others = [p for p in resolved if p.name == path.name and p != path]
            depth = 1
            while depth < len(path.parts) and any(p.parts[-depth:] == path.parts[-depth:] for p in others):
                depth += 1
            names[k] = "/".join(path.parts[-depth:]).replace("//", "/")
    return names


def _evaluate(folder, root, protocol: str, name: str, attributes: bool):
    """``evaluate_folder`` (``evaluate_file`` for a results file); a ground-truth file that is
    empty or blank is said to be empty (it read 'ground-truth file has no box row', which sends
    the user looking for a format problem)."""
    try:
        if Path(folder).is_file():
            return evaluate_file(folder, root, protocol, tracker=name, attributes=attributes)
        return evaluate_folder(folder, root, protocol, tracker=name, attributes=attributes)
    except AnnotationFormatError as error:
        path = error.path
        try:
            blank = path is not None and error.line is None and path.is_file() and not path.read_bytes().strip()
        except OSError:
            blank = False
        results = Path(folder).resolve()
        if not blank or results in (path.resolve(), path.resolve().parent):  # an empty result is scored (a note)
            raise
        raise AnnotationFormatError(path, "the ground-truth file is empty (no box rows): nothing to score "
                                          "against") from error


def run(args) -> int:
    check_results_folders(args.results)
    check_gt_root(args)
    check_outputs(args)
    root = args.dataset_root or args.gt
    names = tracker_names(args.results)
    for folder in args.results:  # a sanity check, or the ground truth given twice by mistake: said, not refused
        if Path(folder).resolve() == Path(root).resolve():
            print(f"note: RESULTS_DIR {folder} is the ground-truth folder: its ground truth is scored against itself "
                  "(not a tracker's results)", file=sys.stderr)
    reports = [
        _evaluate(folder, root, args.protocol, name, not args.no_attributes)
        for folder, name in zip(args.results, names, strict=True)
    ]
    for report in reports:
        print(report.table(per_sequence=args.per_sequence))
        print()
    if args.plots:
        for path in save_plots(reports, args.plots):
            print(f"plot: {path}")
    if args.json:
        data = {"protocol": args.protocol, "reports": [r.to_dict() for r in reports]}
        write_text_atomic(args.json, json.dumps(data, indent=1))
        print(f"json: {args.json}")
    return 0
