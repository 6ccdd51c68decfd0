"""render --store and export-distill read a studio project and left an empty ``-wal`` and a
``-shm`` beside it for good (SQLite's read-only connection; h5 found them listed in the studio's
'Cannot open' message of that folder): a command that only reads a project leaves its folder as
it was."""
from __future__ import annotations

from core.cli import main
from tests.core.safety.conftest import make_sequence


def _project_files(folder):
    return sorted(p.name for p in folder.iterdir() if ".rgbt.sqlite" in p.name)


def test_render_and_export_distill_leave_no_file_beside_the_project(tmp_path, capsys):
    seq = make_sequence(tmp_path / "walk", frames=8)
    store = seq / "walk.rgbt.sqlite"
    assert _project_files(seq) == ["walk.rgbt.sqlite"]
    before = store.read_bytes()
    assert main(["render", str(seq), "--store", str(store), "--out", str(tmp_path / "review.mp4")]) == 0
    assert _project_files(seq) == ["walk.rgbt.sqlite"]
    assert main(["render", str(store), "--out", str(tmp_path / "r2.mp4")]) == 2  # the project given as footage
    assert _project_files(seq) == ["walk.rgbt.sqlite"]
    assert main(["export-distill", str(seq), "--out", str(tmp_path / "d.h5"), "--random-weights"]) == 0
    assert _project_files(seq) == ["walk.rgbt.sqlite"]
    assert store.read_bytes() == before
    capsys.readouterr()
