"""A stand-in ``studio`` command for the command-line tests of ``core.cli`` (the real one is
added by ``main.py`` from ``app``, which ``core`` tests do not import)."""
from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("studio", help="stand-in studio")
    parser.add_argument("paths", nargs="*")
    parser.set_defaults(func=lambda args: 0)
