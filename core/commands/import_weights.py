"""``python main.py import-weights SRC DST --kind mplt|ostrack [--factory teacher|student]
[--trust-pickle] [--config JSON] [--force] [--verbose]``.

Converts the authors' released checkpoints (MPLT ``MPLTTrack_ep0015.pth.tar``, OSTrack
ViT-B ``OSTrack_ep0300.pth.tar``) into a project checkpoint with
``core.models.authors.convert_authors_checkpoint`` and prints its ``LoadReport``: the
counts of loaded, skipped and missing keys, every skipped key with its reason and every
missing key (the loaded names with ``--verbose``).

- ``--kind mplt``: strict, into the paper-scale teacher (``--factory student`` is refused).
- ``--kind ostrack``: through the explicit key map into the paper-scale ``--factory``.
- ``--trust-pickle``: the authors' training checkpoints pickle custom objects; reading
  them runs the full unpickler, which can execute arbitrary code. Give it only for a file
  whose origin you trust; the converted DST then loads safely (``weights_only``).
- ``--config JSON``: fields of the factory's config overriding the paper-scale defaults
  (the checkpoint's layout must still fit; mainly for narrow test models).
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.commands.arguments import output_file, shipped_file
from core.errors import CheckpointError, ConfigError

KINDS = ("mplt", "ostrack")
FACTORIES = ("teacher", "student")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-weights", help="convert the authors' MPLT / OSTrack checkpoint into a project checkpoint",
        description="Convert an authors' checkpoint (weights under 'net') into the project's safe format "
                    "and print what was loaded, skipped and left missing. Example: rgbt-studio import-weights "
                    "MPLTTrack_ep0015.pth.tar mplt_paper.pt --kind mplt --trust-pickle (docs/models.md, "
                    "'Checkpoints').")
    parser.add_argument("src", type=Path, metavar="SRC", help="authors' checkpoint (.pth.tar)")
    parser.add_argument("dst", type=output_file, metavar="DST", help="project checkpoint to write (.pt)")
    parser.add_argument("--kind", choices=KINDS, required=True, help="mplt (strict, teacher) or ostrack (key map)")
    parser.add_argument("--factory", choices=FACTORIES, default="teacher",
                        help="model the OSTrack weights go into (default teacher; mplt is always the teacher, "
                             "--factory student is refused there)")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="allow full unpickling (can run arbitrary code: only for files you trust)")
    parser.add_argument("--config", type=shipped_file, default=None, metavar="JSON",
                        help="JSON file of config fields overriding the paper-scale model (layout must still fit)")
    parser.add_argument("--force", action="store_true", help="replace DST when it exists")
    parser.add_argument("--verbose", action="store_true", help="also list every loaded key")
    parser.set_defaults(func=run)


def read_config(path: Path, factory: str):
    """The factory's config: paper-scale defaults with the JSON object's fields."""
    from core.config import with_file
    from core.fileio import read_json_object
    from core.models.registry import config_from_dict

    data = read_json_object(path, f"{factory} config file")
    return with_file(path, lambda: config_from_dict(factory, data, where=str(path)))


def format_report(report, verbose: bool = False) -> str:
    """The LoadReport as text: counts, then skipped (with reasons) and missing names."""
    lines = [f"source: {report.source}",
             f"loaded {len(report.loaded)}, skipped {len(report.skipped)}, missing {len(report.missing)}"]
    if verbose and report.loaded:
        lines.append("loaded:")
        lines += [f"  {key}" for key in report.loaded]
    if report.skipped:
        lines.append("skipped (source key: reason):")
        lines += [f"  {key}: {reason}" for key, reason in report.skipped.items()]
    if report.missing:
        lines.append("missing (model keys left as initialised):")
        lines += [f"  {key}" for key in report.missing]
    return "\n".join(lines)


def run(args) -> int:
    from core.models.authors import convert_authors_checkpoint

    if args.kind == "mplt" and args.factory != "teacher":  # it was ignored: a teacher was written
        raise ConfigError(f"--factory {args.factory} does not apply to --kind mplt: the MPLT weights are the "
                          "two-stream teacher's; --factory chooses the model of --kind ostrack weights")
    factory = "teacher" if args.kind == "mplt" else args.factory
    src, dst = Path(args.src), Path(args.dst)
    if src.resolve() == dst.resolve():
        raise ConfigError(f"{dst}: the destination must differ from the source checkpoint")
    if src.is_dir():
        raise CheckpointError(src, "is a folder; give the authors' checkpoint file in it (e.g. MPLTTrack_ep0015.pth.tar)")
    if not src.is_file():  # before the paper-scale model is built
        raise CheckpointError(src, "checkpoint file not found")
    from core.commands.arguments import refuse_onnx_name
    from core.fileio import check_output
    from core.models.checkpoint import file_kind_problem

    refuse_onnx_name(dst, "DST")
    protected = [(src, "the source checkpoint")] + ([(args.config, "the --config file")] if args.config else [])
    check_output(dst, protected=protected, force=args.force, option="DST")
    problem = file_kind_problem(src)
    if problem is not None:
        raise CheckpointError(src, problem)
    config = read_config(args.config, factory) if args.config is not None else None
    try:
        report = convert_authors_checkpoint(src, dst, kind=args.kind, factory=factory,
                                            trust_pickle=args.trust_pickle, config=config)
    except CheckpointError as error:
        if error.path is not None:
            raise
        raise CheckpointError(src, error.problem) from error  # the problem is SRC's: name it
    print(format_report(report, args.verbose))
    print(f"wrote {dst} ({factory}, {args.kind} weights)")
    if config is None:
        from core.models.config import student_config, teacher_config

        config = teacher_config("paper") if factory == "teacher" else student_config("paper")
    note = position_note(src, dst, report, config, args.trust_pickle)
    if note:
        print(note, file=sys.stderr)
    return 0


def position_note(src: Path, dst: Path, report, config, trust_pickle: bool) -> str | None:
    """A note when the source's ``pos_embed_z`` / ``pos_embed_x`` were skipped for their token
    count (OSTrack's 384 model into the 256 one): the crops they are for, and the way to keep
    them (import at those crops, then ``resize-crops``, which interpolates them). None otherwise.
    ``config``: the model config the weights went into."""
    import math

    from core.models.authors import read_authors_state_dict

    names = ("backbone.pos_embed_z", "backbone.pos_embed_x")
    if not any("does not fit" in report.skipped.get(name, "") for name in names):
        return None
    state = read_authors_state_dict(src, trust_pickle=trust_pickle)  # it was read so once already
    tokens = [state[name].shape[1] if name in state and state[name].dim() == 3 else 0 for name in names]
    grids = [math.isqrt(n) for n in tokens]
    if not all(tokens) or any(g * g != n for g, n in zip(grids, tokens, strict=True)):
        return None
    patch = config.patch_size
    z, x = (g * patch for g in grids)
    return (f"note: {src}: its position embeddings are for {z}/{x} crops ({grids[0]}x{grids[0]} + {grids[1]}x{grids[1]} "
            f"tokens at patch {patch}), the model's for {config.template_size}/{config.search_size}, so they were "
            f"left as initialised; to keep them, import with --config setting \"template_size\": {z}, "
            f"\"search_size\": {x}, then `python main.py resize-crops {dst} --template {config.template_size} "
            f"--search {config.search_size} --out NEW.pt`")
