"""`--help` explains itself to someone who has not read the code: every subcommand says what it
does, and the options a first user meets on `track`, `export-distill` and `export-onnx` say
what they mean and their default."""
from __future__ import annotations

import argparse

import pytest

from core.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


COMMANDS = _subparsers(build_parser())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_describes_itself(name):
    assert COMMANDS[name].description, f"`{name} --help` shows only the usage line"


@pytest.mark.parametrize("name", ["track", "export-distill", "export-onnx"])
def test_first_user_commands_explain_every_option(name):
    silent = [action.option_strings[0] for action in COMMANDS[name]._actions
              if action.option_strings and not action.help]
    assert not silent, f"{name}: options without a help text: {silent}"


def test_track_help_names_every_tracker_and_the_auto_choices():
    top = build_parser().format_help()
    assert "OpenCV CSRT / KCF" in top
    text = " ".join(COMMANDS["track"].format_help().split())
    assert "auto (default): ONNX Runtime when the .onnx file beside the weights is their export" in text
    assert "auto (default): the GPU when PyTorch sees one, else the CPU" in text


def _all_parsers() -> dict[str, argparse.ArgumentParser]:
    """Every parser `python main.py` builds (the studio's commands from main.py included),
    by its command line: "track", "bench speed", ..."""
    from main import APP_BENCH_MODULES, APP_COMMAND_MODULES

    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        found[name] = parser
        for child_name, child in _subparsers(parser).items():
            walk(child, f"{name} {child_name}".strip())

    walk(build_parser(APP_COMMAND_MODULES, APP_BENCH_MODULES), "")
    return found


ALL_PARSERS = _all_parsers()


def test_the_walk_reaches_the_studio_and_every_bench():
    assert {"studio", "track", "bench", "bench speed", "bench size-response", "bench studio"} <= set(ALL_PARSERS)


@pytest.mark.parametrize("name", sorted(n for n in ALL_PARSERS if n))
def test_every_option_of_every_command_and_bench_has_plain_help(name):
    parser = ALL_PARSERS[name]
    assert parser.description, f"`{name} --help` has no description"
    problems = []
    if "``" in parser.description:
        problems.append("the description shows reStructuredText ``...``")
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        label = action.option_strings[0] if action.option_strings else action.metavar or action.dest
        if not action.help:
            problems.append(f"{label}: no help text")
        elif "``" in action.help:
            problems.append(f"{label}: help shows ``...``")
    text = parser.format_help()
    if "``" in text:
        problems.append("--help shows ``...``")
    if text.count("(default: None)") or "(default: the bundled one) (default" in text:
        problems.append("--help shows a meaningless or doubled default")
    assert not problems, f"`{name} --help`: " + "; ".join(problems)


def test_python_m_core_cli_runs():
    """``python -m core.cli --help`` raised NameError: the ``__main__`` block stood above the two
    functions ``main`` calls, so they were not defined yet when it ran."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "core.cli", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: rgbt-studio")


def _says_its_default(action: argparse.Action) -> bool:
    """Whether an option's help names its default: 'default', or the value in parentheses as the
    benches write it ('(3)', '(300; 0 = all)')."""
    text = action.help or ""
    return "default" in text.lower() or f"({action.default}" in text


@pytest.mark.parametrize("name", sorted(n for n in ALL_PARSERS if n))
def test_every_option_with_a_default_says_it(name):
    """`track --modality`, `convert --from`, `bench accuracy --split` and `bench open --codec` left
    their default (auto, auto, all, mp4v) unsaid: a user could not tell what leaving them out does."""
    silent = [action.option_strings[0] for action in ALL_PARSERS[name]._actions
              if action.option_strings and not isinstance(action, (argparse._HelpAction, argparse._StoreTrueAction,
                                                                   argparse._AppendAction))
              and action.default not in (None, False, argparse.SUPPRESS) and not _says_its_default(action)]
    assert not silent, f"`{name} --help`: options whose default is unsaid: {silent}"
