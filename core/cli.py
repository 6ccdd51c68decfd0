"""The command line: ``python main.py <subcommand> ...``.

Each subcommand lives in its own module under ``core/commands/`` and exposes
``register(subparsers)``, which adds a parser whose ``func(args) -> int`` runs it.
Modules are listed explicitly in ``COMMAND_MODULES`` (order = order in ``--help``).
Typed errors (``RGBTError``) are printed as one clear line and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from core.errors import RGBTError

COMMAND_MODULES = (
    "core.commands.studio",
    "core.commands.track",
    "core.commands.eval",
    "core.commands.convert",
    "core.commands.synth",
    "core.commands.train",
    "core.commands.distill",
    "core.commands.export_onnx",
    "core.commands.export_distill",
    "core.commands.bench",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rgbt-studio",
        description="RGB-T tracking and annotation studio. Without a subcommand the studio opens.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:  # not written yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        argv = ["studio"] if "studio" in parser._subparsers._group_actions[0].choices else ["--help"]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except RGBTError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
