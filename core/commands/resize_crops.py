"""``python main.py resize-crops CKPT --template 96 --search 192 --out OUT.pt``: the same
trained teacher or student at other crop sides, its position embeddings resized
(``core.models.crop_resize``), as the start of a fine-tune at those sides. The input is
never modified; OUT must not be it."""
from __future__ import annotations

import argparse

from core.commands.arguments import output_file, refuse_checkpoint_folders, refuse_onnx_name, shipped_file
from core.errors import ConfigError
from core.fileio import check_output
from core.models.crop_resize import write_resized


def register(subparsers) -> None:
    parser = subparsers.add_parser("resize-crops", help="write a checkpoint at other template/search crop sides",
                                   description="Write the same trained teacher or student at other template/search "
                                   "crop sides (its position embeddings resized), as the start of a fine-tune at "
                                   "those sides. The input is never modified; --out may not be it.")
    parser.add_argument("checkpoint", type=shipped_file, metavar="CKPT", help="project checkpoint (.pt)")
    parser.add_argument("--template", type=int, required=True, help="template crop side in pixels (a multiple of the stride)")
    parser.add_argument("--search", type=int, required=True, help="search crop side in pixels (a multiple of the stride, at least --template)")
    parser.add_argument("--out", type=output_file, required=True, help="checkpoint to write")
    parser.add_argument("--force", action="store_true", help="replace OUT when it exists (never the input)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    refuse_checkpoint_folders(("CKPT", args.checkpoint))
    if args.search < args.template:  # the resize ran and wrote a model whose search crop cannot hold the target
        raise ConfigError(f"--search {args.search} is smaller than --template {args.template}: the search crop is "
                          "the template's region and the area around it, where the target is looked for; give a "
                          f"--search of at least {args.template} (the bundled models use twice the template)")
    refuse_onnx_name(args.out, "--out")
    check_output(args.out, protected=[(args.checkpoint, "the input checkpoint")], force=args.force, option="--out")
    model = write_resized(args.checkpoint, args.out, args.template, args.search)
    cfg = model.config
    print(f"wrote {args.out}: {args.checkpoint.name} at {cfg.template_size}/{cfg.search_size} crops "
          f"({cfg.template_size // cfg.patch_size}x{cfg.template_size // cfg.patch_size} + "
          f"{cfg.search_size // cfg.patch_size}x{cfg.search_size // cfg.patch_size} tokens)")
    return 0
