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
    assert "auto (default): ONNX Runtime when the .onnx file beside the weights exists, else PyTorch" in text
    assert "auto (default): the GPU when PyTorch sees one, else the CPU" in text
