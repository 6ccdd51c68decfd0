"""``convert groundTruth_v.txt out.txt --to xywh`` (``--from auto``, the default) read GTOT's corner
file as x,y,w,h rows: a 21 px target came out 157 px wide, without a word; VTUAV's ``rgb.txt`` (one
row per 10 frames) came out one row per frame. A file of those names is now read in its format, as
the studio's box import reads it, and a note says so; ``--from xywh`` still reads rows as given."""
from __future__ import annotations

from core.cli import main


def _rows(path):
    return [[float(v) for v in line.split(",")] for line in path.read_text().splitlines()]


def test_gtots_corner_file_is_read_as_corners(tmp_path, capsys):
    src = tmp_path / "groundTruth_v.txt"
    src.write_text("10 20 31 41\n12 20 33 41\n")
    out = tmp_path / "boxes.txt"
    assert main(["convert", str(src), str(out), "--to", "xywh"]) == 0
    assert _rows(out) == [[10, 20, 21, 21], [12, 20, 21, 21]]
    assert (f"note: {src} read as GTOT corners x1 y1 x2 y2 (the file's name; --from xywh reads it as x,y,w,h "
            "rows)") in capsys.readouterr().err
    plain = tmp_path / "plain.txt"
    assert main(["convert", str(src), str(plain), "--from", "xywh", "--to", "xywh"]) == 0
    assert _rows(plain) == [[10, 20, 31, 41], [12, 20, 33, 41]]
    assert "note:" not in capsys.readouterr().err


def test_vtuavs_file_is_read_one_row_per_ten_frames(tmp_path, capsys):
    src = tmp_path / "rgb.txt"
    src.write_text("10,20,30,40\n11,20,30,40\n")
    out = tmp_path / "boxes.txt"
    assert main(["convert", str(src), str(out), "--to", "xywh"]) == 0
    rows = _rows(out)
    assert len(rows) == 11 and rows[0] == [10, 20, 30, 40] and rows[10] == [11, 20, 30, 40]
    assert "read as VTUAV rows, one per 10 frames" in capsys.readouterr().err
