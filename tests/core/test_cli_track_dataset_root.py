"""``track-dataset ROOT``: a ROOT that is a file (one video given where the dataset folder goes)
was said to be 'dataset folder not found', though it is there; the line says what it is and what
to give."""
from __future__ import annotations

from core.cli import main


def test_a_file_given_as_the_dataset_root_is_said_to_be_a_file(tmp_path, capsys):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0" * 64)
    assert main(["track-dataset", str(clip), "--results", str(tmp_path / "r"), "--tracker", "csrt"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "clip.mp4: is a file, not a dataset folder" in err[0], err
    assert "not found" not in err[0]
    assert not (tmp_path / "r").exists()


def test_a_missing_dataset_root_is_still_not_found(tmp_path, capsys):
    assert main(["track-dataset", str(tmp_path / "none"), "--results", str(tmp_path / "r")]) == 2
    assert "dataset folder not found" in capsys.readouterr().err
