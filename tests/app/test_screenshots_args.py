"""``python -m app.screenshots --help`` took "--help" for the output folder: it made a folder named
"--help" and wrote the 17 screenshots into it (minutes of work), with no help."""
from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["--out", "x"], 2)])
def test_options_are_not_taken_for_the_output_folder(tmp_path, monkeypatch, capsys, argv, code):
    import app.project
    from app.screenshots import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(app.project, "demo_request", lambda *a, **k: None)  # a run stops before the window
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == code and list(tmp_path.iterdir()) == []
    said = capsys.readouterr()
    assert "OUT_DIR" in said.out + said.err


def test_a_run_leaves_no_studio_home_behind(tmp_path, monkeypatch):
    """Each run left its temporary studio home (/tmp/studio-shots-*: settings, the demo's project,
    the export) behind, and set RGBT_STUDIO_HOME for the rest of the process."""
    import tempfile

    import app.project
    from app.screenshots import main

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(app.project, "demo_request", lambda *a, **k: None)
    assert main([str(tmp_path / "shots")]) == 2
    assert list((tmp_path / "tmp").iterdir()) == []
    assert os.environ["RGBT_STUDIO_HOME"] == str(tmp_path / "home")
