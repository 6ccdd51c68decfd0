"""Import boxes from a file (Ctrl+I) of a GOT-10k or LaSOT export's groundtruth.txt: the label files
beside it give the frames their absent and occluded flags, as opening the folder does.

Found by h10 (2026-12-07): TNO nato_camp exported to GOT-10k, its groundtruth.txt imported back,
came back with frame 7's partly occluded box plain and frame 6's full occlusion a plain absence
(cover.label and absence.label beside it unread), and LaSOT's full occlusion alike, unsaid."""
from __future__ import annotations

import pytest

from core.annotations.formats import exporter
from core.annotations.formats.box_import import read_box_file
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence


def _records():
    return {0: FrameAnnotation(0, [5, 5, 10, 10]),
            1: FrameAnnotation(1, [6, 5, 10, 10], occluded=True),  # partly occluded
            2: FrameAnnotation(2, None, absent=True, occluded=True),  # fully occluded
            3: FrameAnnotation(3, None, absent=True),  # out of view
            4: FrameAnnotation(4, [8, 5, 10, 10])}


def _flags(records):
    return {f: (r.absent, r.occluded) for f, r in sorted(records.items())}


@pytest.mark.parametrize("fmt, folder, occluded_box, files", [
    ("got10k", "tiny`seq", True, "absence.label and cover.label"),
    ("got10k", "tiny`seq-thermal", True, "absence.label and cover.label"),
    ("lasot", "tiny`seq", False, "full_occlusion.txt and out_of_view.txt"),  # LaSOT: full occlusions only
])
def test_importing_an_export_s_groundtruth_keeps_its_flags(tmp_path, fmt, folder, occluded_box, files):
    run_to_end(exporter(fmt)(TinySequence(), _records(), tmp_path / "out"))
    found = read_box_file(tmp_path / "out" / folder / "groundtruth.txt", 6)
    assert _flags(found.records) == {0: (False, False), 1: (False, occluded_box), 2: (True, True), 3: (True, False),
                                     4: (False, False), 5: (True, False)}
    assert f"absent and occluded frames read from {files} beside it" in found.notes
    pre_labels = read_box_file(tmp_path / "out" / folder / "groundtruth.txt", 6, checked=False).records
    assert sorted(pre_labels) == [0, 1, 4] and pre_labels[1].occluded == occluded_box


def test_a_label_file_of_another_count_is_said_and_the_boxes_still_import(tmp_path):
    run_to_end(exporter("got10k")(TinySequence(), _records(), tmp_path / "out"))
    folder = tmp_path / "out" / "tiny`seq"
    (folder / "cover.label").write_text("8\n8\n")
    found = read_box_file(folder / "groundtruth.txt", 6)
    assert sorted(f for f, r in found.records.items() if not r.absent) == [0, 1, 4]
    assert not any(r.occluded for r in found.records.values())
    assert any(n.startswith("cover.label beside it not read (has 2 values but the ground truth has 6 rows)")
               for n in found.notes), found.notes


def test_a_groundtruth_without_label_files_imports_as_before(tmp_path):
    (tmp_path / "groundtruth.txt").write_text("5,5,10,10\n0,0,0,0\n")
    found = read_box_file(tmp_path / "groundtruth.txt", 2)
    assert _flags(found.records) == {0: (False, False), 1: (True, False)}
    assert not any("beside it" in n for n in found.notes)


@pytest.mark.parametrize("fmt, occluded_box", [("got10k", True), ("lasot", False)])
def test_convert_of_an_export_s_groundtruth_file_keeps_its_flags(tmp_path, fmt, occluded_box):
    """convert given the groundtruth.txt file (not its folder) read the label files beside it neither."""
    from core.annotations.formats.convert import read_source

    run_to_end(exporter(fmt)(TinySequence(), _records(), tmp_path / "out"))
    records, count = read_source(tmp_path / "out" / "tiny`seq" / "groundtruth.txt")
    assert count == 6 and _flags(records) == {0: (False, False), 1: (False, occluded_box), 2: (True, True),
                                              3: (True, False), 4: (False, False), 5: (True, False)}
