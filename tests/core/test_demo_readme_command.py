"""assets/demo/README.md's regenerate command, run as written from a copy of the repository's
``assets/demo``: it said ``python main.py synth assets --name demo ...``, which synth refuses there
('assets/demo: holds files synth did not write (README.md ...)'). Its commands now write the pair
into ``build/demo`` and compare the ground truth and synthetic.json with the bundled files."""
from __future__ import annotations

import filecmp
import shlex
import shutil

from core.cli import main
from tests.conftest import PROJECT_ROOT

DEMO = PROJECT_ROOT / "assets" / "demo"


def _commands() -> list[list[str]]:
    """The README's indented command block, continuation lines joined, each split as a shell would."""
    block, started = [], False
    for line in (DEMO / "README.md").read_text().splitlines():
        if line.startswith("    "):
            block.append(line.strip())
            started = True
        elif started:
            break
    text = "\n".join(block).replace("\\\n", " ")
    return [shlex.split(line) for line in text.splitlines()]


def test_the_demo_readme_commands_work_as_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "assets").mkdir()
    shutil.copytree(DEMO, tmp_path / "assets" / "demo")  # the repository root as the README expects it
    bundled = {p.name: p.read_bytes() for p in (tmp_path / "assets" / "demo").iterdir()}
    monkeypatch.chdir(tmp_path)
    commands = _commands()
    assert commands[0][:3] == ["python", "main.py", "synth"]
    assert main(commands[0][2:]) == 0, capsys.readouterr().err
    compared = []
    for command in commands[1:]:
        assert command[0] == "cmp" and len(command) == 3, command
        assert filecmp.cmp(command[1], command[2], shallow=False), command
        compared.append(command[2])
    assert {"assets/demo/groundtruth.txt", "assets/demo/synthetic.json"} <= set(compared)
    # the bundled files stay as they were
    assert {p.name: p.read_bytes() for p in (tmp_path / "assets" / "demo").iterdir()} == bundled
