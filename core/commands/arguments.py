"""argparse types shared by the commands: a bad value is one ``error: argument --x: ...``
line (exit status 2) before any work, never a traceback or a silent default."""
from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """A whole number >= 1 (threads, jobs, workers)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (a frame rate)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def finite_float(text: str) -> float:
    """Any finite number (a learning rate, a share, a budget in seconds): ``nan``, ``inf`` and
    ``-inf``, which ``type=float`` takes, are refused here. ``train-family --budget-s nan`` passed
    its budget check (every comparison with nan is False) and failed later on something else;
    each command's own range checks then see a real number."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def int_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum`` (``int_at_least(0)`` for a count that may be
    zero, ``int_at_least(2)`` for frames where the first one initialises the tracker)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number of at least {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = f"int_at_least_{minimum}"
    return parse


def shipped_file(text: str):
    """An argparse type for an input file (a checkpoint, a JSON config) that may be one the
    project ships: ``~`` expanded; a relative ``assets/...`` or ``configs/...`` path that is not
    there from the working directory is the project's copy (the source tree's, else the
    installed one: ``core.assets.project_path``), as ``--config configs/x.json`` already was.
    Run from another folder or from an installed wheel, ``resize-crops
    assets/models/student_bundled.pt ...`` (docs/training.md) said 'checkpoint file not
    found'. Any other path is kept as given, so a message names what the user typed."""
    from pathlib import Path

    from core.assets import SHIPPED_FOLDERS, project_path

    path = Path(text).expanduser()
    if path.is_absolute() or path.exists() or path.parts[:1] not in tuple((name,) for name in SHIPPED_FOLDERS):
        return path
    return project_path(path)


def refuse_missing_data_root(root, option: str = "--data-root", *, default=None) -> None:
    """SequenceError naming ``root`` (the command's ``option``, a data root: the folder a
    split's paths are relative to) when it is not a folder, before any work; the one check of
    a missing data root for every command and bench.

    ``default``: the option's default folder, which may be absent (a user's checkout without
    the shared footage: a bench then runs its synthetic parts, with a note); ``root`` equal to
    it is not checked. None (compact-data, pseudo-labels: nothing to do without the footage):
    every root is checked. Before this check the training readers said 'set data_root in the
    data source options' (a config key the user never wrote) and the benches printed one
    'skipped: no folder' line per sequence of the split."""
    from pathlib import Path

    from core.errors import SequenceError
    from core.real_split import DEFAULT_DATA_FOLDER

    root = Path(root)
    if default is not None and root.resolve() == Path(default).resolve():
        return
    if root.is_dir():
        return
    if root.resolve() == DEFAULT_DATA_FOLDER.resolve():  # the option was not given: say the default's rule
        # (an installed wheel's default is <site-packages>/../shared/data, a folder no user made)
        raise SequenceError(root, f"no real footage at the default data root (../shared/data beside the project; "
                                  f"none outside a source checkout): give {option} DIR, the folder the split's "
                                  "paths are relative to")
    raise SequenceError(root, f"real data root does not exist ({option}: the folder the split's paths are "
                              "relative to)")


ON_OFF = ("on", "off")


def on_off(value: str | None) -> bool | None:
    """An ``--x {on,off}`` option's value (``choices=ON_OFF, default=None``): True, False, or
    None when it was not given (the command's default applies)."""
    return None if value is None else value == "on"


def add_pair_correlation_option(parser) -> None:
    """``--pair-correlation {on,off}`` (default None: ``TrackerConfig``'s default applies; read it
    with :func:`on_off`), with one wording for every command that takes it."""
    from core.tracking.tracker_config import PAIR_CORRELATION

    parser.add_argument("--pair-correlation", choices=ON_OFF, default=None,
                        help="on a real visible+thermal pair, the student's and the teacher's box follows the change "
                             "of size that a frozen-feature correlation of both streams measures, and moves toward "
                             "the correlation's peak where it and the network disagree (TrackerConfig.pair_correlation, "
                             "pair_correlation_centre, pair_correlation_gap); single-modality footage is never touched; "
                             f"default {'on' if PAIR_CORRELATION > 0 else 'off'}; see docs/tracking_heuristics.md "
                             "'Correlation on two-stream pairs'")


PAIR_SHAPES = ("drawn", "free")


def add_pair_shape_option(parser) -> None:
    """``--pair-shape {drawn,free}`` (default None: ``TrackerConfig``'s default, drawn; read it with
    :func:`pair_shape_kept`), with one wording for every command that takes it."""
    parser.add_argument("--pair-shape", choices=PAIR_SHAPES, default=None,
                        help="on a real visible+thermal pair, 'drawn' (the default) keeps the student's and the "
                             "teacher's box at the drawn box's aspect ratio and only its size changes; 'free' lets "
                             "the aspect change as on single-modality footage, within 1.5x "
                             "(TrackerConfig.pair_max_aspect_change); see docs/tracking_heuristics.md "
                             "'The drawn shape on two-stream pairs'")


def pair_shape_kept(value: str | None) -> bool | None:
    """``--pair-shape``'s value: True for "drawn", False for "free", None when not given."""
    return None if value is None else value == "drawn"


def add_pair_options(parser) -> None:
    """The two switches of the student's and the teacher's loop on real two-stream pairs,
    ``--pair-correlation`` and ``--pair-shape`` (read them with :func:`pair_switches`)."""
    add_pair_correlation_option(parser)
    add_pair_shape_option(parser)


def pair_switches(args) -> dict[str, bool | None]:
    """``{"pair_correlation", "pair_shape"}`` from :func:`add_pair_options`' parsed values (None =
    not given: the ``TrackerConfig`` default), as ``switched_options`` and ``build_contenders``
    take them."""
    return {"pair_correlation": on_off(args.pair_correlation), "pair_shape": pair_shape_kept(args.pair_shape)}


def add_pixel_match_option(parser) -> None:
    """``--pixel-match {on,off}`` (default None: ``TrackerConfig``'s default applies; read it with
    :func:`loop_switches`), with one wording for every command that takes it."""
    from core.tracking.tracker_config import PIXEL_MATCH

    parser.add_argument("--pixel-match", choices=ON_OFF, default=None,
                        help="the student's and the teacher's reported box moves its centre to where the drawn "
                             "target's own pixels fit best around it, when they fit well; its size and the next "
                             "frame's search are the network's (TrackerConfig.pixel_match, pixel_match_gate); "
                             f"default {'on' if PIXEL_MATCH > 0 else 'off'}; see docs/tracking_heuristics.md "
                             "'The centre matched on the drawn target's pixels'")


def add_loop_switches(parser) -> None:
    """The switches of the student's and the teacher's test loop that ``track``, ``track-dataset``
    and ``bench accuracy`` share, with one wording: ``--hold-when-lost``, :func:`add_pair_options`
    and :func:`add_pixel_match_option` (read the last three with :func:`loop_switches`)."""
    parser.add_argument("--hold-when-lost", action="store_true",
                        help="the student's and the teacher's box stays where the target was while their confidence "
                             "says it is hidden (occlusion), instead of following the best match on the background "
                             "(TrackerConfig.hold_when_lost, see docs/tracking_heuristics.md)")
    add_pair_options(parser)
    add_pixel_match_option(parser)


def loop_switches(args) -> dict[str, bool | None]:
    """:func:`pair_switches` and ``"pixel_match"`` (:func:`add_pixel_match_option`; None = not
    given), as ``switched_options`` and ``build_contenders`` take them."""
    return {**pair_switches(args), "pixel_match": on_off(args.pixel_match)}


ENGINES = ("auto", "torch", "onnx")
DEVICES = ("auto", "cpu", "cuda")
_AUTO_ENGINE = ("ONNX Runtime when the .onnx file beside the weights is their export (on a GPU: when ONNX "
                "Runtime can use it), else PyTorch")
_AUTO_DEVICE = "the GPU when PyTorch sees one, else the CPU"


def add_engine_options(parser, *, engine: str = "auto", device: str | None = "auto", subject: str = "") -> None:
    """``--engine`` (auto / torch / onnx) and, unless ``device`` is None, ``--device`` (auto /
    cpu / cuda), with their defaults and one wording of what each choice does
    (``core.tracking.factory.load_tracker`` decides). ``subject`` names what runs on the
    engine ("the teacher and the students"), when the command has several models."""
    lead = f"engine of {subject}; " if subject else ""
    if engine == "auto":
        engine_help = f"{lead}auto (default): {_AUTO_ENGINE}"
    else:
        others = "; ".join(f"{name}: {text}" for name, text in (
            ("torch", "PyTorch"), ("onnx", "ONNX Runtime on the .onnx file beside the weights"),
            ("auto", _AUTO_ENGINE)) if name != engine)
        engine_help = f"{lead}{engine} (default): {'PyTorch' if engine == 'torch' else 'ONNX Runtime'}; {others}"
    parser.add_argument("--engine", choices=ENGINES, default=engine, help=engine_help)
    if device is not None:
        device_help = (f"auto (default): {_AUTO_DEVICE}" if device == "auto"
                       else f"{device} (default); auto: {_AUTO_DEVICE}")
        parser.add_argument("--device", choices=DEVICES, default=device, help=device_help)


def refuse_checkpoint_folders(*options: tuple[str, object]) -> None:
    """CheckpointError for the first ``(option, path)`` whose path is a folder (the run folder
    given instead of the checkpoint in it), before any work; it was 'checkpoint file not
    found', though the folder is right there. None paths are skipped."""
    from pathlib import Path

    from core.errors import CheckpointError

    for option, path in options:
        if path is not None and Path(path).is_dir():
            raise CheckpointError(path, f"{option} is a folder; give the checkpoint file (.pt) in it")


def refuse_missing_named_weights(random_weights: bool, *options: tuple[str, object]) -> None:
    """With ``--random-weights``, CheckpointError for the first ``(option, path)`` whose path
    is given but does not exist: random weights stand in only for a bundled checkpoint that
    is missing, never for a file the user named (a typo in ``--weights`` ran random weights
    with a warning and status 0). None paths are skipped; without ``random_weights`` the
    loader already says 'checkpoint not found'."""
    from pathlib import Path

    from core.errors import CheckpointError

    if not random_weights:
        return
    for option, path in options:
        if path is not None and not Path(path).exists():
            raise CheckpointError(path, f"{option} names a checkpoint that does not exist; --random-weights stands in "
                                        f"only for a missing bundled checkpoint (fix the path, or leave {option} out)")


def input_text(text: str) -> str:
    """An input file or folder as given (``render SOURCE``, ``export-distill SOURCE``): refused
    when it is empty (``''``, an unset shell variable, was taken for the current folder:
    'error: .: unknown sequence layout ... Found: .git/, ...')."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a file or folder (an unset shell variable?)")
    return text


def input_path(text: str):
    """:func:`input_text` as a ``Path`` (``track VISIBLE``, ``eval RESULTS_DIR``, ``convert SRC``)."""
    from pathlib import Path

    return Path(input_text(text))


def output_folder(text: str):
    """An output FOLDER path (``synth OUT_DIR``, ``--results DIR``), or a path that is a folder
    or a file by the command's other options (``convert DST``): refused when it is empty (``''``
    wrote into the current folder) or ``-`` (no command writes to standard output: a folder or a
    file named ``-`` appeared)."""
    from pathlib import Path

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a folder")
    if text == "-":
        raise argparse.ArgumentTypeError("'-' (standard output) is not supported; give a folder")
    return Path(text)


def output_file(text: str):
    """An output FILE path (``--out boxes.txt``): refused when it names a folder by its form, a
    trailing slash (``--out results/`` wrote a file named ``results``) or nothing at all (``''``
    was taken for the current folder), or is ``-`` (no command writes to standard output: a file
    named ``-`` appeared)."""
    import os
    from pathlib import Path

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a file name")
    if text == "-":
        raise argparse.ArgumentTypeError("'-' (standard output) is not supported; give a file name")
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} ends with a slash: a folder; give a file name in it "
                                         f"(e.g. {text.rstrip('/' + os.sep) or text}/...)")
    return Path(text)


def refuse_onnx_name(path, option: str) -> None:
    """ConfigError when a checkpoint output (``--out``, DST) is named ``*.onnx``: a PyTorch
    checkpoint was written under that name, and ``track --weights`` then took it for an ONNX
    model ('ONNX Runtime cannot load it: ... Protobuf parsing failed')."""
    from pathlib import Path

    from core.errors import ConfigError

    if path is not None and Path(path).suffix.lower() == ".onnx":
        raise ConfigError(f"{option} {path} ends in .onnx, but it receives a PyTorch checkpoint: name it .pt (ONNX "
                          "files are written by export-onnx from the checkpoint)")
