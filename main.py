"""Single entry point and composition root.

``python main.py`` opens the studio; ``python main.py --help`` lists the subcommands.
``core`` never imports ``app``; this file adds the Qt commands (``studio``,
``bench studio``) from ``app`` to the core command line.

A third-party package missing from the environment (the project not installed, or
installed into another virtual environment) ends with one line naming the package and
the install command, not an import traceback.
"""
import sys

APP_COMMAND_MODULES = ("app.commands",)
APP_BENCH_MODULES = ("app.bench_studio",)

#: import name -> the distribution ``pyproject.toml`` installs it from
DISTRIBUTIONS = {"cv2": "opencv-contrib-python-headless", "PySide6": "PySide6-Essentials",
                 "onnxruntime": "onnxruntime-gpu (or onnxruntime)"}


def missing_dependency(error: ModuleNotFoundError) -> str | None:
    """The one-line message for a third-party package that is not installed, or None when
    the missing module is the project's own (a real bug: let it raise)."""
    top = (error.name or "").split(".")[0]
    if not top or top in ("core", "app", "main"):
        return None
    package = DISTRIBUTIONS.get(top, top)
    return (f"rgbt-studio: the Python package '{top}' is not installed in this environment "
            f"({sys.executable}); install the project with `pip install -e .` (package: {package}), "
            "see the README")


def main(argv=None) -> int:
    """The exit status. Ctrl+C is one ``cancelled`` line and status 130 from here on, also
    while ``core.cli`` is imported (``core.cli.main`` covers the rest); only an interrupt
    inside Python's own start-up, before this file runs, is beyond its reach."""
    try:
        from core.cli import main as core_main

        return core_main(argv, extra_modules=APP_COMMAND_MODULES, extra_bench_modules=APP_BENCH_MODULES)
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130
    except ModuleNotFoundError as error:
        message = missing_dependency(error)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
