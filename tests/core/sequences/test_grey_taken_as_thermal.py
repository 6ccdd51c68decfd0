"""A folder of grey frames (with groundtruth.txt, no SOURCE.txt) opens thermal-only (VOT-TIR's
layout): a grey visible camera's frames look the same, so the opening note says the frames were
taken as thermal because they are grey, and how to say otherwise. Before, it said only
"thermal-only sequence", as for footage a name or SOURCE.txt declared thermal."""
from __future__ import annotations

from core.sequences import detect_layout, open_sequence

NOTE = "the frames are grey, so taken as thermal; if they are a visible camera's, write 'modality: visible' in "


def _grey_folder(root, kit, name="car"):
    folder = root / name
    kit.write_folder(folder, [kit.thermal_frame(i) for i in range(3)])
    (folder / "groundtruth.txt").write_text("1,1,4,4\n2,1,4,4\n3,1,4,4\n")
    return folder


def test_a_grey_image_folder_says_it_was_taken_as_thermal_and_how_to_say_visible(tmp_path, kit):
    folder = _grey_folder(tmp_path, kit)
    seq = open_sequence(folder)
    assert detect_layout(folder) == "vot-tir" and seq.info.thermal_only
    assert f"{NOTE}{folder / 'SOURCE.txt'}" in seq.info.notes


def test_the_note_s_advice_opens_it_visible_and_silences_the_note(tmp_path, kit):
    folder = _grey_folder(tmp_path, kit)
    (folder / "SOURCE.txt").write_text("modality: visible\n")
    seq = open_sequence(folder)
    assert seq.info.visible_only and not any(n.startswith(NOTE) for n in seq.info.notes)
    (folder / "SOURCE.txt").write_text("modality: thermal\n")
    assert not any(n.startswith(NOTE) for n in open_sequence(folder).info.notes)


def test_a_name_that_says_thermal_needs_no_note(tmp_path, kit):
    folder = tmp_path / "seq"
    kit.write_folder(folder / "ir", [kit.thermal_frame(i) for i in range(3)])
    assert not any(n.startswith(NOTE) for n in open_sequence(folder).info.notes)
    video = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(3)])
    assert not any(n.startswith(NOTE) for n in open_sequence(video).info.notes)


def test_a_grey_lone_video_says_it_too(tmp_path, kit):
    video = kit.write_video(tmp_path / "clip.avi", [kit.thermal_frame(i) for i in range(3)])
    seq = open_sequence(video)
    assert seq.info.thermal_only and f"{NOTE}{tmp_path / 'SOURCE.txt'}" in seq.info.notes
