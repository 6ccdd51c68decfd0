"""Why a frame has no ground-truth box when a label file beside ``groundtruth.txt`` marks it absent.

Found by h1 (2026-12-08): ``track GOT10K_SEQ --start-frame 1`` on a GOT-10k sequence whose
``absence.label`` marks frame 1 absent said ``groundtruth.txt, line 1: the row '10,20,30,40' has
no box, so frame 1 has no box to start from``, an error blaming a good row (the row to mend);
so did cover 0 in ``cover.label`` and LaSOT's ``full_occlusion.txt`` / ``out_of_view.txt``. The
reason names the label file, its line and value, and is no malformed row."""
from __future__ import annotations

import pytest

from core.annotations.formats.groundtruth import load_ground_truth, missing_box_reason
from core.commands.track_setup import ground_truth_init
from core.errors import AnnotationFormatError, ConfigError

ROWS = "10,20,30,40\n11,21,30,40\n12,22,30,40\n"


def _got10k(folder, absence="0\n0\n0\n", cover="8\n8\n8\n"):
    folder.mkdir(exist_ok=True)
    (folder / "groundtruth.txt").write_text(ROWS)
    (folder / "absence.label").write_text(absence)
    (folder / "cover.label").write_text(cover)
    return folder


def _lasot(folder, occlusion="0,0,0", out_of_view="0,0,0"):
    folder.mkdir(exist_ok=True)
    (folder / "groundtruth.txt").write_text(ROWS)
    (folder / "full_occlusion.txt").write_text(occlusion + "\n")  # LaSOT: one comma-separated line
    (folder / "out_of_view.txt").write_text(out_of_view + "\n")
    return folder


@pytest.mark.parametrize("make, frame, name, line, what", [
    (lambda f: _got10k(f, absence="1\n0\n0\n"), 0, "absence.label", 1, "'1' marks the target absent (out of view)"),
    (lambda f: _got10k(f, cover="8\n8\n0\n"), 2, "cover.label", 3,
     "'0' (no part of the target visible) marks it fully occluded"),
    (lambda f: _lasot(f, occlusion="0,1,0"), 1, "full_occlusion.txt", 1, "'1' marks the target fully occluded"),
    (lambda f: _lasot(f, out_of_view="0,0,1"), 2, "out_of_view.txt", 1, "'1' marks the target out of view"),
])
def test_the_label_file_that_marks_a_frame_absent_is_the_reason(tmp_path, make, frame, name, line, what):
    folder = make(tmp_path / "seq")
    layout = "got10k" if (folder / "absence.label").is_file() else "vot-rgbt"
    records = load_ground_truth(folder, layout)
    assert records[frame].absent and records[frame].box is None
    path, at, said, malformed = missing_box_reason(folder, layout, frame)
    assert (path.name, at, said, malformed) == (name, line, what, False)


def test_a_row_of_its_own_absence_is_still_the_reason_under_labels_that_agree(tmp_path):
    folder = _got10k(tmp_path / "seq", absence="0\n0\n0\n")
    (folder / "groundtruth.txt").write_text("0,0,0,0\n11,21,30,40\n12,22,30,40\n")
    path, line, what, malformed = missing_box_reason(folder, "got10k", 0)
    assert (path.name, line, what, malformed) == ("groundtruth.txt", 1, "'0,0,0,0' marks the target absent", False)


def test_a_bad_row_is_still_blamed_where_no_label_marks_the_frame(tmp_path):
    folder = _got10k(tmp_path / "seq")
    (folder / "groundtruth.txt").write_text("10,20,-5,40\n11,21,30,40\n12,22,30,40\n")
    path, line, what, malformed = missing_box_reason(folder, "got10k", 0)
    assert (path.name, line, malformed) == ("groundtruth.txt", 1, True) and "negative width" in what


class _Sequence:
    name = "seq"

    def __init__(self, folder, layout):
        self.folder, self.layout = folder, layout

    def ground_truth(self):
        return load_ground_truth(self.folder, self.layout)

    def missing_box_reason(self, frame):
        return missing_box_reason(self.folder, self.layout, frame)


def test_track_from_a_frame_absence_label_marks_names_the_label_not_the_row(tmp_path):
    folder = _got10k(tmp_path / "seq", absence="1\n0\n0\n")
    with pytest.raises(ConfigError) as raised:
        ground_truth_init(_Sequence(folder, "got10k"), 0)
    assert not isinstance(raised.value, AnnotationFormatError)  # no file to mend
    message = str(raised.value)
    assert "absence.label, line 1: '1' marks the target absent (out of view)" in message, message
    assert "has no box, so" not in message
