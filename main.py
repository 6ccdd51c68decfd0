"""Single entry point and composition root.

``python main.py`` opens the studio; ``python main.py --help`` lists the subcommands.
``core`` never imports ``app``; this file adds the Qt commands (``studio``,
``bench studio``) from ``app`` to the core command line.
"""
import sys

from core.cli import main as core_main

APP_COMMAND_MODULES = ("app.commands",)
APP_BENCH_MODULES = ("app.bench_studio",)


def main(argv=None) -> int:
    return core_main(argv, extra_modules=APP_COMMAND_MODULES, extra_bench_modules=APP_BENCH_MODULES)


if __name__ == "__main__":
    sys.exit(main())
