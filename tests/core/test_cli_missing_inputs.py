"""An input that does not exist is named for what its name says it is: ``track nofile.mp4``
(and ``studio nofile.mp4``) said 'sequence folder does not exist' of a video."""
from __future__ import annotations

import pytest

from core.cli import main
from core.errors import SequenceError
from core.sequences.layouts import detect_layout
from tests.core.cli_lines import one_error_line


@pytest.mark.parametrize("name,said", [("nofile.mp4", "video file does not exist"),
                                       ("NOFILE.AVI", "video file does not exist"),
                                       ("frames.tif", "file does not exist"),
                                       ("sequence", "sequence folder does not exist")])
def test_a_missing_input_is_named_by_its_kind(name, said, tmp_path):
    with pytest.raises(SequenceError, match=said):
        detect_layout(tmp_path / name)


def test_track_on_a_missing_video_names_a_video(tmp_path, capsys):
    missing = tmp_path / "nofile.mp4"
    code = main(["track", str(missing), "--out", str(tmp_path / "boxes.txt")])
    line = one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {missing}: video file does not exist", line
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("given,said", [("nofile.mp4", "video file does not exist"),
                                        ("{tmp}/no.rgbt.sqlite", "project file does not exist"),
                                        ("{tmp}/no_folder", "sequence folder does not exist")])
def test_the_studio_without_its_command_on_a_missing_input_names_it(given, said, tmp_path, capsys, monkeypatch):
    """``rgbt-studio nofile.mp4`` (the studio opens a video given alone) was argparse's
    'invalid choice' with the list of commands, as a misspelt command is."""
    monkeypatch.chdir(tmp_path)
    given = given.replace("{tmp}", str(tmp_path))
    code = main([given], extra_modules=("tests.core.fake_studio_command",))
    line = one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {given}: {said}", line


def test_a_misspelt_command_is_still_the_parsers_error(capsys):
    with pytest.raises(SystemExit):
        main(["trak"], extra_modules=("tests.core.fake_studio_command",))
    assert "invalid choice: 'trak'" in capsys.readouterr().err
