"""The command line: ``python main.py <subcommand> ...``.

Each subcommand lives in its own module under ``core/commands/`` and exposes
``register(subparsers)``, which adds a parser whose ``func(args) -> int`` runs it.
Modules are listed explicitly in ``COMMAND_MODULES`` (order = order in ``--help``).
``core`` never imports ``app``: the Qt commands (``studio``, ``bench studio``) are added by
the composition root ``main.py``, which passes ``app`` modules in ``extra_modules`` /
``extra_bench_modules``.
Typed errors (``RGBTError``) are printed as one clear line and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from core.errors import RGBTError

COMMAND_MODULES = (
    "core.commands.track",
    "core.commands.eval",
    "core.commands.convert",
    "core.commands.synth",
    "core.commands.train",
    "core.commands.distill",
    "core.commands.export_onnx",
    "core.commands.export_distill",
    "core.commands.import_weights",
    "core.commands.bench",
)


def build_parser(extra_modules: tuple[str, ...] = (), extra_bench_modules: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rgbt-studio",
        description="RGB-T tracking and annotation studio. Without a subcommand the studio opens.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in extra_modules + COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:  # not written yet
                continue
            raise
        if module_name == "core.commands.bench":
            module.register(subparsers, extra_bench_modules)
        else:
            module.register(subparsers)
    return parser


def main(
    argv: list[str] | None = None,
    extra_modules: tuple[str, ...] = (),
    extra_bench_modules: tuple[str, ...] = (),
) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(extra_modules, extra_bench_modules)
    if not argv:
        argv = ["studio"] if "studio" in _command_names(parser) else ["--help"]
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


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
