"""The studio's command line refused before the window opens: ``python main.py clip.mp4`` said
in the terminal that clip.mp4 does not exist, but ``python main.py studio clip.mp4``, a pair
with either video missing and ``--project`` alone (missing, or a folder) opened an empty window
and a 'Cannot open' box; three paths opened the window for an instant and ended with status 1
and no 'error:', or said only that the display is missing (no $DISPLAY)."""
from __future__ import annotations

import pytest

import main


@pytest.fixture
def no_window(monkeypatch):
    """Fail where the studio would look for a display (the step before its window)."""
    import app.platform_check

    def looked(*args, **kwargs):
        raise AssertionError("the studio went on to open its window")

    monkeypatch.setattr(app.platform_check, "platform_problem", looked)


def _refused(argv, capsys) -> str:
    assert main.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_missing_source_is_one_line_before_the_window(tmp_path, capsys, no_window):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom")
    missing = tmp_path / "thermal.mp4"
    assert _refused(["studio", str(missing)], capsys) == f"error: {missing}: video file does not exist"
    assert _refused([str(clip), str(missing)], capsys) == f"error: {missing}: video file does not exist"
    folder = tmp_path / "walk"
    assert _refused(["studio", str(folder)], capsys) == f"error: {folder}: sequence folder does not exist"
    project = tmp_path / "p.rgbt.sqlite"
    assert _refused(["studio", str(project)], capsys) == f"error: {project}: project file does not exist"


def test_a_project_given_alone_must_exist_and_be_a_file(tmp_path, capsys, no_window):
    project = tmp_path / "p.rgbt.sqlite"
    assert _refused(["studio", "--project", str(project)], capsys) == (
        f"error: {project}: project file does not exist")
    assert _refused(["--project", str(tmp_path)], capsys) == (
        f"error: {tmp_path}: --project is a folder; give the project file (.rgbt.sqlite)")


def test_wrong_combinations_are_one_error_line_and_status_2(tmp_path, capsys, no_window, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)  # the usage is told, not the missing display
    paths = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(b"\x00\x00\x00\x18ftypisom")
        paths.append(str(tmp_path / name))
    assert _refused(["studio", *paths], capsys) == (
        "error: studio: give VISIBLE THERMAL, one sequence folder or video, or nothing (3 paths given)")
    assert _refused(["studio", paths[0], "--frame-offset", "3"], capsys).startswith(
        "error: studio: --frame-offset applies to a VISIBLE THERMAL pair given as two paths")


def test_an_empty_source_is_refused_not_opened_as_the_current_folder(tmp_path, capsys, no_window, monkeypatch):
    """``python main.py "$SEQ"`` with SEQ unset opened the current folder in the studio ('Cannot
    open .: unknown sequence layout ...')."""
    monkeypatch.chdir(tmp_path)
    for argv in ([""], ["studio", ""]):
        with pytest.raises(SystemExit) as exited:
            main.main(argv)
        assert exited.value.code == 2
        assert capsys.readouterr().err.strip().splitlines()[-1].endswith(
            "is empty; give a file or folder (an unset shell variable?)")
