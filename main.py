"""Single entry point: ``python main.py`` opens the studio; ``python main.py --help`` lists subcommands."""
import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
