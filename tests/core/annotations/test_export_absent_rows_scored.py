"""An export to a layout whose toolkit has no absent target (RGBT234, GTOT) says which frames it
writes as 0,0,0,0 rows: those toolkits score them as boxes every tracker misses.

Found by h10 (2026-12-07): TNO nato_camp with frames marked absent exported to RGBT234 and GTOT
said nothing of them (only of frames with no annotation), though formats.md gives RGBT234 no
absent encoding and GTOT none, and the project's protocols of those names count such rows
(``invalid_gt="none"``): a tracker that rightly loses the target there is scored as failing."""
from __future__ import annotations

import pytest

from core.annotations.formats import exporter
from core.annotations.formats.annotation_export import export_annotation_files
from core.annotations.records import FrameAnnotation
from core.metrics.protocols import PROTOCOLS
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence

RECORDS = {0: FrameAnnotation(0, [5, 5, 10, 10]), 1: FrameAnnotation(1, None, absent=True),
           2: FrameAnnotation(2, [6, 5, 10, 10]), 3: FrameAnnotation(3, [7, 5, 10, 10]),
           4: FrameAnnotation(4, [8, 5, 10, 10])}  # frame 6 (index 5) not annotated


@pytest.mark.parametrize("fmt, row, name", [("rgbt234", "0,0,0,0", "RGBT234"), ("gtot", "0 0 0 0", "GTOT")])
def test_an_export_to_a_toolkit_without_absence_names_the_frames_it_scores_as_misses(tmp_path, fmt, row, name):
    assert PROTOCOLS[fmt].invalid_gt == "none"  # what the note says of that toolkit
    result = run_to_end(exporter(fmt)(TinySequence(), RECORDS, tmp_path / "out"))
    said = [w for w in result.warnings if "no absent target" in w]
    assert said == [f"2 frames without a box (frames 2, 6) are written as {row} rows, and the {name} toolkit has no "
                    "absent target: it scores those frames against a box of no size at 0,0, a miss for a tracker's "
                    "box there (the LasHeR toolkit reads such rows as absent)"]


def test_lasher_and_got10k_exports_say_nothing_of_it(tmp_path):
    for fmt in ("lasher", "got10k", "lasot"):
        result = run_to_end(exporter(fmt)(TinySequence(), RECORDS, tmp_path / fmt))
        assert not any("no absent target" in w for w in result.warnings), (fmt, result.warnings)


def test_the_gtot_annotation_files_say_it_too(tmp_path):
    result = run_to_end(export_annotation_files(TinySequence(), {0: FrameAnnotation(0, [5, 5, 10, 10])},
                                                tmp_path / "out", target="gtot"))
    assert any(w.startswith("5 frames without a box (frames 2, 3, 4, 5, 6) are written as 0 0 0 0 rows, and the GTOT "
                            "toolkit has no absent target") for w in result.warnings), result.warnings


def test_one_frame_is_said_in_the_singular(tmp_path):
    records = {f: FrameAnnotation(f, [5 + f, 5, 10, 10]) for f in range(6) if f != 2}
    result = run_to_end(exporter("gtot")(TinySequence(), records, tmp_path / "out"))
    assert any(w.startswith("1 frame without a box (frame 3) is written as a 0 0 0 0 row, and the GTOT toolkit has no "
                            "absent target: it scores that frame against") for w in result.warnings), result.warnings
