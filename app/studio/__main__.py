"""``python -m app.studio [studio args]`` or ``python -m app.studio bench studio [...]``:
this package's commands without going through ``main.py``."""
import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], extra_modules=("app.studio.cli",), extra_bench_modules=("app.studio.bench",)))
