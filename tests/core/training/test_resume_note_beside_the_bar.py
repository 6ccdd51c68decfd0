"""In a terminal, the notes of a resumed run (another step count, other settings) were printed
while the progress bar was drawn, glued to it: 'train: 0it [00:00, ?it/s]note: ... was planned
for 3 steps'. They now clear the bar's line first, as tqdm.write does."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_resume_note_starts_its_own_line_beside_the_bar(tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "2"]) == 0
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["optim"] = {"lr": 1e-3}
    (tmp_path / "other.json").write_text(json.dumps(config))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", "--config", str(tmp_path / "other.json"), "--out", str(out), "--steps", "3", "--resume"]) == 0
    pieces = re.split(r"[\r\n]", terminal.getvalue())
    notes = [piece for piece in pieces if "note: " in piece]
    assert notes and all(piece.startswith("note: ") for piece in notes), notes
