"""A box file read once (``box_file_job`` -> ``BoxFile.read``): the studio's import asks which MOT
object and how to import from one parse, and reads a long file with progress it can stop. Frame-
numbered rows are checked as whole arrays; a bad file still names its first bad line."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import (
    REPORT_ROWS,
    BoxFile,
    SeveralObjectsError,
    box_file_job,
    read_box_file,
)
from core.errors import AnnotationFormatError
from core.progress import Progress, run_to_end


def _mot(path, rows: int, ids=(1,)):
    path.write_text("".join(f"{f + 1},{i},{10 + f % 50},{20 + i},30,40,1,-1,-1,-1\n" for f in range(rows) for i in ids))
    return path


def test_one_parse_gives_every_object_checked_or_not(tmp_path):
    parsed = run_to_end(box_file_job(_mot(tmp_path / "gt.txt", 30, ids=(4, 7)), 25))
    assert isinstance(parsed, BoxFile) and parsed.ids == (4, 7)
    with pytest.raises(SeveralObjectsError):
        parsed.read()
    seven = parsed.read(object_id=7)
    assert seven.notes == ("5 rows past the footage's last frame (25) left out",)
    assert sorted(seven.records) == list(range(25)) and seven.records[3].provenance == "imported"
    np.testing.assert_array_equal(seven.records[3].box, [13, 27, 30, 40])
    machine = parsed.read(checked=False, object_id=4)
    assert machine.records[0].provenance == "student"
    np.testing.assert_array_equal(machine.records[0].box, [10, 24, 30, 40])
    with pytest.raises(AnnotationFormatError, match="no object id 5"):
        parsed.read(object_id=5)


def test_a_long_file_reports_progress_and_stops_when_closed(tmp_path):
    path = _mot(tmp_path / "long.txt", 3 * REPORT_ROWS)
    job = box_file_job(path, 3 * REPORT_ROWS)
    reports = [next(job) for _ in range(3)]
    assert all(isinstance(r, Progress) for r in reports)
    assert reports[-1].total == 3 * REPORT_ROWS and 0 < reports[-1].done < 3 * REPORT_ROWS
    job.close()  # Cancel: the reading stops between two reports
    with pytest.raises(StopIteration):
        next(job)
    assert len(run_to_end(box_file_job(path, 3 * REPORT_ROWS)).read().records) == 3 * REPORT_ROWS


@pytest.mark.parametrize(("rows", "line", "problem"), [
    (["1,1,2,3,4,5,1", "2,1.5,2,3,4,5,1", "x,1,2,3,4,5,1"], 2, "object id '1.5' is not a whole number"),
    (["1,1,2,3,4", "2,x,2,3,4", "-3,1,2,3,4"], 2, "not a number in '2,x,2,3,4'"),
    (["1,1,2,3,4", "2.5,1,2,3,4", "3,x,2,3,4"], 2, "frame number '2.5' is not a whole number >= 0"),
    (["1,1,2,3,4", "", "3,1,2,3,4", "nan,1,2,3,4"], 2, "blank line between box rows"),
    (["frame,x,y,w,h", "1,1,2,3,4", "inf,1,2,3,4"], 3, "frame number 'inf' is not a whole number >= 0"),
    (["1,1,2,3,4", "2,1,2,3,4", "3,1,2,3,4", "2,1,2,3,4", "1,1,2,3,4"], 4,
     "frame 2 has a second row (the first on line 2)"),
])
def test_a_bad_frame_numbered_file_names_its_first_bad_line(tmp_path, rows, line, problem):
    path = tmp_path / "boxes.txt"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(AnnotationFormatError) as raised:
        read_box_file(path, 10)
    assert str(raised.value).startswith(f"{path}, line {line}: {problem}")
