"""``python main.py bench <what>``: benchmark commands (speed, accuracy, studio, open).

Each benchmark lives in ``core/bench/<name>.py`` (the studio's benchmark is in ``app/`` and
is passed in by ``main.py``) and exposes ``register(subparsers)`` like a top-level command.
Every bench with a ``--json`` option gets ``--force`` here and the rule for replacing an
existing file in its help (:mod:`core.bench.outputs`); its ``run`` checks its outputs
with ``core.bench.outputs.check_bench_outputs`` before any work.
"""
from __future__ import annotations

import importlib

BENCH_MODULES = (
    "core.bench.open_speed",
    "core.bench.speed",
    "core.bench.accuracy",
    "core.bench.memory",
    "core.bench.loop",
    "core.bench.improve",
    "core.bench.real_loop",
    "core.bench.heuristics",
    "core.bench.safeguards",
    "core.bench.size_response",
    "core.bench.annotate",
)


def register(subparsers, extra_bench_modules: tuple[str, ...] = ()) -> None:
    from core.bench.outputs import add_output_options

    parser = subparsers.add_parser("bench", help="measure speed, accuracy, memory, the closed loop, annotation cost "
                                                 "and studio responsiveness",
                                   description="Run one of the project's measurements (WHAT, below) and print its table; "
                                   "`bench WHAT --help` lists WHAT's options.",
                                   epilog="examples: rgbt-studio bench speed; rgbt-studio bench accuracy --real --starts 5 "
                                          "--jobs 2 --threads 1 (the real-footage table, docs/real_benchmark.md)")
    inner = parser.add_subparsers(dest="bench", metavar="WHAT")
    for module_name in BENCH_MODULES + tuple(extra_bench_modules):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        module.register(inner)
    for bench_parser in inner.choices.values():
        add_output_options(bench_parser)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
