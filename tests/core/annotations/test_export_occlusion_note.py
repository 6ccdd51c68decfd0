"""The occluded flags an export's format has no place for are said, not dropped without a word.

Measured (h10, 2026-12-07): TNO nato_camp with an occluded box on frame 7 and a full occlusion
(absent, occluded) on frame 6, exported to LasHeR, RGBT234 and GTOT and opened again, read both
frames back as not occluded, and the LaSOT export read frame 7 back so; neither the export's
warnings nor ``convert``'s notes said so. GOT-10k's cover.label keeps both."""
from __future__ import annotations

import pytest

from core.annotations.formats import exporter
from core.annotations.formats.annotation_export import export_annotation_files
from core.annotations.formats.convert import read_source
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence


def _occluded_records():
    return {0: FrameAnnotation(0, [5, 5, 10, 10]),
            1: FrameAnnotation(1, [6, 5, 10, 10], occluded=True),  # partly occluded: a box with the flag
            2: FrameAnnotation(2, None, absent=True, occluded=True),  # fully occluded
            3: FrameAnnotation(3, [8, 5, 10, 10])}


def _reopened_occluded(folder) -> list[int]:
    records, _ = read_source(folder)
    return sorted(f for f, r in records.items() if r.occluded)


@pytest.mark.parametrize("fmt, folder, frames_read_back, note", [
    ("lasher", "", [], "2 frames marked occluded (frames 2, 3): LasHeR files have no occlusion flag, so they read "
     "back as not occluded"),
    ("rgbt234", "", [], "2 frames marked occluded (frames 2, 3): RGBT234 files have no occlusion flag"),
    ("gtot", "", [], "2 frames marked occluded (frames 2, 3): GTOT files have no occlusion flag"),
    ("lasot", "tiny`seq", [2], "1 frame marked partly occluded (frame 2): LaSOT files hold full occlusions only "
     "(full_occlusion.txt), so its box reads back as not occluded"),
    ("got10k", "tiny`seq", [1, 2], None),
])
def test_an_export_says_which_occluded_flags_its_format_cannot_hold(tmp_path, fmt, folder, frames_read_back, note):
    result = run_to_end(exporter(fmt)(TinySequence(), _occluded_records(), tmp_path / "out"))
    assert _reopened_occluded(tmp_path / "out" / folder) == frames_read_back  # what the format keeps
    said = [w for w in result.warnings if "occluded" in w]
    if note is None:
        assert said == []
    else:
        assert len(said) == 1 and said[0].startswith(note), result.warnings
        assert "GOT-10k's cover.label and VOT's occlusion.label keep the flag" in said[0]


def test_an_annotation_file_export_says_the_occluded_flags_are_not_written(tmp_path):
    result = run_to_end(export_annotation_files(TinySequence(), _occluded_records(), tmp_path / "out", target="xywh"))
    assert any(w.startswith("2 frames marked occluded (frames 2, 3)") for w in result.warnings), result.warnings


def test_the_vot_files_keep_the_occluded_flags_in_occlusion_label(tmp_path):
    """VOT sequences mark occluded frames in occlusion.label (VOT-TIR2016's horse: 23 of 348)."""
    result = run_to_end(export_annotation_files(TinySequence(), _occluded_records(), tmp_path / "out", target="vot"))
    assert not any("occluded" in w for w in result.warnings), result.warnings
    assert (tmp_path / "out" / "occlusion.label").read_text() == "0\n1\n1\n0\n0\n0\n"
    assert _reopened_occluded(tmp_path / "out") == [1, 2]


def test_convert_notes_the_occluded_flags_a_target_drops(tmp_path, capsys):
    from core.cli import main

    src = tmp_path / "src"
    run_to_end(exporter("got10k")(TinySequence(), _occluded_records(), src))
    assert main(["convert", str(src / "tiny`seq"), str(tmp_path / "lasher"), "--to", "lasher"]) == 0
    assert "note: 2 frames marked occluded (frames 2, 3): LasHeR files have no occlusion flag" in capsys.readouterr().err
    assert main(["convert", str(src / "tiny`seq"), str(tmp_path / "got10k"), "--to", "got10k"]) == 0
    assert "occluded" not in capsys.readouterr().err
    assert _reopened_occluded(tmp_path / "got10k") == [1, 2]
