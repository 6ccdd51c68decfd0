"""``bench studio`` checks its ``--json`` before it opens a window (``core.bench.outputs``)."""
from __future__ import annotations

import pytest

import main


def test_bench_studio_refuses_an_unrelated_file_before_the_window(tmp_path, capsys, monkeypatch):
    import app.bench_studio

    monkeypatch.setattr(app.bench_studio, "wait_for", lambda *a, **k: pytest.fail("the studio started"))
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    assert main.main(["bench", "studio", "--frames", "5", "--json", str(notes)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an earlier bench report" in err[0] and str(notes) in err[0]
    assert notes.read_text() == "keep me\n"


def test_bench_studio_has_force(capsys):
    with pytest.raises(SystemExit):
        main.main(["bench", "studio", "--help"])
    assert "--force" in capsys.readouterr().out
