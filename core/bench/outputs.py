"""The output checks every ``python main.py bench WHAT`` runs before any work.

A benchmark runs for seconds to many minutes and writes its report (``--json FILE``) and
its folders (``--plots``, ``--out``, ``--cache``) at the end; a bad output path must be
found before the work, never after it, and never cost an input. Each bench's ``run``
calls :func:`check_bench_outputs` first, with the inputs that bench reads.

The rule for ``--json FILE`` (stated in each bench's ``--help`` by
:func:`add_output_options`, which ``core/commands/bench.py`` applies to every bench):

- never an input of the command (its videos or sequence folders, a file inside a dataset
  or sequence folder of its data root, its checkpoints and their ONNX exports, its split
  file), nor an annotation store (SQLite), nor a folder: refused even with ``--force``;
- an existing file is replaced when it is an earlier bench report: it parses as JSON
  whose top level is an object or a list of objects, the shapes every bench writes;
  any other existing file (a video, an image, a text file, ...) only with ``--force``;
- the place must be writable: the nearest existing folder has a write permission bit
  (read-only data such as ``../shared/data`` is refused even for a superuser) and takes a
  small real write; a missing folder is created when the report is written.

A folder output must not be a file, must be writable, must not lie inside an input
folder (a dataset or sequence folder under the data root, the bundled models) and must
not be where the bench would write over one of its inputs (``writes``: the file names it
puts directly in the folder). In a data root itself, a report or an output folder may sit
beside the dataset folders; inside them, never.
All refusals are :class:`core.errors.OutputError`: one line naming the path and the problem.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from core.assets import models_dir
from core.commands.arguments import refuse_missing_data_root
from core.errors import OutputError
from core.fileio import check_output
from core.real_split import DEFAULT_DATA_FOLDER

MAX_REPORT_BYTES = 256 * 2**20  # a larger existing file is not read to see whether it is a report

#: ``(path or None, what)``: what a bench reads; ``None`` paths (options not given) are skipped
Inputs = Iterable[tuple[str | Path | None, str]]

JSON_RULE = ("an existing file is replaced only when it is an earlier bench report, a JSON object or a list "
             "of objects; any other file only with --force; never an input of the command")
FORCE_HELP = ("replace an existing --json file that is not an earlier bench report (an input of the command or "
              "an annotation store is never replaced)")


def add_output_options(parser) -> None:
    """Give a bench's ``parser`` ``--force`` and state the ``--json`` rule in its help
    (when it has a ``--json`` option and no ``--force`` yet)."""
    actions = {option: action for action in parser._actions for option in action.option_strings}
    json_action = actions.get("--json")
    if json_action is None:
        return
    if json_action.help and JSON_RULE not in json_action.help:
        json_action.help = f"{json_action.help} ({JSON_RULE})"
    elif not json_action.help:
        json_action.help = f"write the results as JSON ({JSON_RULE})"
    if "--force" not in actions:
        parser.add_argument("--force", action="store_true", help=FORCE_HELP)


def is_bench_report(path: str | Path) -> bool:
    """True when the file at ``path`` parses as JSON whose top level is an object or a
    list of objects (what every bench writes); False for anything else or unreadable."""
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size > MAX_REPORT_BYTES:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) or (isinstance(data, list) and all(isinstance(row, dict) for row in data))


def weights_inputs(path: str | Path | None, what: str = "the checkpoint") -> list[tuple[Path, str]]:
    """A checkpoint (``.pt``) or ONNX file, with its export / source of the other suffix beside it."""
    if path is None:
        return []
    path = Path(path)
    pairs = [(path, what)]
    for suffix in (".pt", ".onnx"):
        if path.suffix != suffix:
            pairs.append((path.with_suffix(suffix), what + f" ({suffix} beside it)"))
    return pairs


def split_inputs(split_file: str | Path | None) -> list[tuple[Path, str]]:
    """The split file and the project's boxes files its labelled views read (each view's
    ``groundtruth`` and the ``.keyframes.json`` beside it). A split file that cannot be read
    gives only itself: the bench reports that file's problem when it loads it."""
    if split_file is None:
        return []
    inputs = [(Path(split_file), "the split file (--split-file)")]
    try:
        from core.real_split import load_split

        views = load_split(split_file).views.values()
    except Exception:  # noqa: BLE001 - the bench itself says what is wrong with the file
        return inputs
    for view in views:
        boxes = Path(view.groundtruth)
        inputs.append((boxes, f"the boxes of the labelled view {view.name}"))
        inputs.append((boxes.with_name(boxes.stem + ".keyframes.json"), f"the keyframes of the labelled view {view.name}"))
    return inputs


def bundled_models() -> list[tuple[Path, str]]:
    """The bundled models folder: the default weights of every bench that loads a model."""
    return [(models_dir(), "the bundled models")]


def _inputs(inputs: Inputs) -> list[tuple[Path, str]]:
    return [(Path(path), what) for path, what in inputs if path is not None and str(path) != ""]


def _refuse_read_only(path: Path, option: str, folder: bool = False) -> None:
    """OutputError when the nearest existing folder of ``path`` has no write permission
    at all (read-only data such as ``../shared/data``): checked before ``check_output``'s
    probe write, which would succeed there for a superuser."""
    base = path if folder else path.parent
    while not base.exists() and base.parent != base:
        base = base.parent
    try:
        read_only = base.is_dir() and not base.stat().st_mode & 0o222
    except OSError:
        return
    if read_only:
        raise OutputError(path, f"cannot write in {base} (a read-only folder); choose another place for {option}")


def check_json_output(path: str | Path, inputs: Inputs = (), *, force: bool = False,
                      option: str = "--json") -> Path:
    """OutputError unless ``path`` may take a bench report (the rule of the module docstring)."""
    path = Path(path)
    _refuse_read_only(path, option)
    checked = check_output(path, protected=_inputs(inputs), force=True, option=option)
    if not force and path.exists() and not is_bench_report(path):
        raise OutputError(path, f"{option} already exists and is not an earlier bench report (JSON); "
                                "give --force to replace it")
    return checked


def check_folder_output(path: str | Path, inputs: Inputs = (), *, option: str, writes: Iterable[str] = ()) -> Path:
    """OutputError unless ``path`` may be a bench's output folder: not a file, writable,
    not inside (or the same as) an input folder, and none of ``writes`` (names of the
    files the bench writes directly in it) an input."""
    path = Path(path)
    resolved = path.resolve()
    protected = _inputs(inputs)
    for other, what in protected:
        if other.is_dir() and (resolved == other.resolve() or other.resolve() in resolved.parents):
            raise OutputError(path, f"{option} lies inside the folder of {what} ({other}); choose another folder")
        if not other.is_dir() and other.exists() and resolved == other.resolve():
            raise OutputError(path, f"{option} is {what}; choose a folder")
        for name in writes:
            target = path / name
            if target.exists() and other.exists() and target.resolve() == other.resolve():
                raise OutputError(path, f"{option} would get {name} written over {what} ({other}); "
                                        "choose another folder")
    _refuse_read_only(path, option, folder=True)
    return check_output(path, folder=True, option=option)


def _root_folders(root: Path, option: str, own: set[Path]) -> list[tuple[Path, str]]:
    """The folders directly under a data root (its datasets or sequences), less the
    command's own output folders (an earlier ``--plots`` or ``--cache`` put there)."""
    try:
        children = sorted(child for child in root.iterdir() if child.is_dir())
    except OSError:
        return []
    return [(child, f"the sequences under {option}") for child in children if child.resolve() not in own]


def check_bench_outputs(args, inputs: Inputs = (),
                        folders: Iterable[tuple[str, str | Path | None, tuple[str, ...]]] = (),
                        data_roots: Iterable[tuple[str | Path | None, str]] = ()) -> None:
    """The checks a bench's ``run`` makes first: ``args.json`` (when given) against
    ``inputs`` with ``args.force`` (False when the parser has none), then each
    ``(option, path, writes)`` of ``folders`` whose path is given; outputs must differ.

    ``data_roots``: ``(root, option)`` of the folders of sequences the bench reads (one
    given that is not a folder is refused,
    :func:`core.commands.arguments.refuse_missing_data_root`; the default may be absent): no
    output may lie inside a folder under a root (a dataset or a sequence), nor be the
    root; a file or an output folder directly in the root is allowed."""
    for root, root_option in data_roots:
        if root is not None:
            refuse_missing_data_root(root, root_option, default=DEFAULT_DATA_FOLDER)
    inputs = _inputs(inputs)
    folders = [(option, Path(path), writes) for option, path, writes in folders if path is not None]
    own = {path.resolve() for _, path, _ in folders}
    for root, root_option in _inputs(data_roots):
        for option, path, _ in folders:
            if path.resolve() == root.resolve():
                raise OutputError(path, f"{option} is the folder of sequences ({root_option}); choose another folder")
        inputs += _root_folders(root, root_option, own)
    given = [(option, path) for option, path, _ in folders]
    json_path = getattr(args, "json", None)
    if json_path is not None:
        given.insert(0, ("--json", Path(json_path)))
    seen: dict[Path, str] = {}
    for option, path in given:
        key = path.resolve()
        if key in seen:
            raise OutputError(path, f"{option} and {seen[key]} are the same path; give each its own")
        seen[key] = option
    if json_path is not None:
        check_json_output(json_path, inputs, force=bool(getattr(args, "force", False)))
    for option, path, writes in folders:
        check_folder_output(path, inputs, option=option, writes=writes)


def without_nan(value):
    """``value`` (nested dicts, lists and scalars) with every NaN float as None: strict JSON, as
    ``bench accuracy --real`` writes (a figure that does not exist, e.g. interpolation's restarts)."""
    if isinstance(value, dict):
        return {key: without_nan(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_nan(item) for item in value]
    if isinstance(value, float) and value != value:
        return None
    return value
