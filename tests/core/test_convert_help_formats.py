"""``convert``'s line in ``--help`` (and the README) said it converts 'between' GTOT, RGBT234,
LasHeR, VTUAV, ... though ``--to vtuav`` is argparse's 'invalid choice': VTUAV (like RGBT210 and
VOT-TIR) is read, never written. The line now names the layouts it only reads apart."""
from __future__ import annotations

import re

from core.annotations.formats.convert import LAYOUTS, TARGET_FORMATS
from core.cli import build_parser


def _convert_summary() -> str:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return next(c.help for c in subparsers._choices_actions if c.dest == "convert")


def test_the_summary_names_the_read_only_layouts_apart():
    summary = _convert_summary()
    written, read_only = summary.split(";")
    read_only_layouts = {name for name in LAYOUTS if name not in TARGET_FORMATS and name != "vot-rgbt"}
    assert read_only_layouts == {"rgbt210", "vtuav", "vot-tir"}
    for name in read_only_layouts:
        word = {"rgbt210": "RGBT210", "vtuav": "VTUAV", "vot-tir": "VOT-TIR"}[name]
        assert word in read_only and word not in written
    for word in ("GTOT", "RGBT234", "LasHeR", "VOT", "GOT-10k", "LaSOT"):
        assert re.search(rf"\b{word}\b", written)
