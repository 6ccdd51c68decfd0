"""Our annotation files as the public toolkits read them, and theirs as we read them.

Each ``_official_*`` helper restates one toolkit's reading rule (not its code):

- got10k toolkit (``got10k/datasets/got10k.py``): ``list.txt`` split on newlines, the
  sequence's ``*.jpg`` sorted, ``groundtruth.txt`` with ``np.loadtxt(delimiter=',')``
  (as many rows as images), and with ``return_meta`` the ``meta_info.ini`` lines after the
  first split on ``': '`` plus ``cover``, ``absence`` and ``cut_by_image`` ``.label`` files
  read with ``np.loadtxt``.
- pytracking (``ltr/dataset/got10k.py``): a frame is visible when ``absence == 0`` and
  ``cover > 0``; the object class is line 6 of ``meta_info.ini``.
"""
from __future__ import annotations

import glob
import os

import numpy as np
import pytest

from core.annotations.formats import export_got10k, load_ground_truth, read_boxes
from core.annotations.formats.convert import write_target
from core.annotations.records import FrameAnnotation
from core.errors import AnnotationFormatError
from core.progress import run_to_end
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo


class _Pair(RGBTSequence):
    """``n`` gray 40x30 frames."""

    def __init__(self, n: int = 5):
        self._n = n

    @property
    def info(self):
        return SequenceInfo("seq", "test", self._n, 40, 30, fps=29.97)

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        if not 0 <= i < self._n:
            raise IndexError(i)
        return FramePair(i, np.full((30, 40, 3), 50, np.uint8), np.full((30, 40), 90, np.uint8))


def _official_got10k(root: str, name: str):
    """The got10k toolkit's GOT10k(root, subset='val', return_meta=True)[name]."""
    with open(os.path.join(root, "list.txt")) as handle:
        assert name in handle.read().strip().split("\n")
    seq_dir = os.path.join(root, name)
    img_files = sorted(glob.glob(os.path.join(seq_dir, "*.jpg")))
    anno = np.loadtxt(os.path.join(seq_dir, "groundtruth.txt"), delimiter=",")
    assert len(img_files) == len(anno)
    with open(os.path.join(seq_dir, "meta_info.ini")) as handle:
        lines = handle.read().strip().split("\n")[1:]
    meta = {key: value for key, value in (line.split(": ") for line in lines)}
    for attribute in ("cover", "absence", "cut_by_image"):
        meta[attribute] = np.loadtxt(os.path.join(seq_dir, attribute + ".label"))
    return img_files, anno, meta


def _pytracking_visible(folder) -> np.ndarray:
    absence = np.loadtxt(folder / "absence.label", dtype=int)
    cover = np.loadtxt(folder / "cover.label", dtype=int)
    return (absence == 0) & (cover > 0)


def test_got10k_cover_zero_is_a_full_occlusion_and_round_trips(tmp_path):
    folder = tmp_path / "o"
    (folder / "visible").mkdir(parents=True)
    (folder / "infrared").mkdir()
    (folder / "groundtruth.txt").write_text("1,2,3,4\n" * 4)
    (folder / "absence.label").write_text("0\n0\n1\n0\n")
    (folder / "cover.label").write_text("8\n0\n0\n3\n")
    records = load_ground_truth(folder, "got10k")
    assert [(r.absent, r.occluded) for r in records.values()] == [
        (False, False), (True, True), (True, False), (False, True)]
    assert [not r.absent for r in records.values()] == _pytracking_visible(folder).tolist()

    source = {0: FrameAnnotation(0, [1, 2, 3, 4]), 1: FrameAnnotation(1, None, absent=True, occluded=True),
              2: FrameAnnotation(2, None, absent=True), 3: FrameAnnotation(3, [1, 2, 3, 4], occluded=True)}
    write_target(source, 5, tmp_path / "dst", "got10k")  # frame 4 unlabelled: written as absent
    assert (tmp_path / "dst" / "absence.label").read_text().split() == ["0", "0", "1", "0", "1"]
    assert (tmp_path / "dst" / "cover.label").read_text().split() == ["8", "0", "0", "4", "0"]
    (tmp_path / "dst" / "visible").mkdir()
    (tmp_path / "dst" / "infrared").mkdir()
    back = load_ground_truth(tmp_path / "dst", "got10k")
    assert [(r.absent, r.occluded) for r in back.values()] == [
        (False, False), (True, True), (True, False), (False, True), (True, False)]


def test_got10k_export_reads_in_the_got10k_toolkit_with_its_labels(tmp_path):
    records = {0: FrameAnnotation(0, [5, 5, 10, 10]), 1: FrameAnnotation(1, [-3, 4, 10, 10]),
               2: FrameAnnotation(2, None, absent=True), 3: FrameAnnotation(3, [30.5, 20, 10, 10], thermal_box=[1, 1, 5, 5]),
               4: FrameAnnotation(4, [0, 0, 40, 30])}
    run_to_end(export_got10k(_Pair(), records, tmp_path / "got"))
    img_files, anno, meta = _official_got10k(str(tmp_path / "got"), "seq")
    assert len(img_files) == 5 and anno.shape == (5, 4)
    assert meta["cut_by_image"].tolist() == [0, 1, 0, 1, 0]
    assert meta["absence"].tolist() == [0, 0, 1, 0, 0]
    assert meta["cover"].tolist() == [8, 8, 0, 8, 8]
    *_, thermal = _official_got10k(str(tmp_path / "got"), "seq-thermal")
    assert thermal["cut_by_image"].tolist() == [0, 1, 0, 0, 0]


@pytest.mark.parametrize("text, line", [
    ("1,2,3,4\n5,,6,7,8\n", 2),          # dlmread: 5,0,6,7,8 - we read 5,6,7,8 before
    ("1,2,3,4\r\n,5,6,7,8\r\n", 2),      # a leading separator, CRLF
    ("1;2;;3;4\n", 1),
    ("1, ,2,3,4\n", 1),
])
def test_an_empty_value_between_separators_is_refused_not_shifted(tmp_path, text, line):
    path = tmp_path / "visible.txt"
    path.write_bytes(text.encode())
    with pytest.raises(AnnotationFormatError, match="empty value") as caught:
        read_boxes(path)
    assert caught.value.path == path and caught.value.line == line
    if "," in text and ";" not in text:
        with pytest.raises(ValueError):  # the got10k toolkit's and pytracking's reader refuse it too
            np.loadtxt(path, delimiter=",")


def test_a_separator_at_the_end_of_a_row_is_still_read(tmp_path):
    path = tmp_path / "visible.txt"
    path.write_text("1,2,3,4,\n5,6,7,8,\n")
    assert read_boxes(path).tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]


@pytest.mark.parametrize("file, text, line, problem", [
    ("full_occlusion.txt", "0,inf,0\n", 1, "whole numbers"),  # was an OverflowError traceback
    ("full_occlusion.txt", "0,,0,0\n", 1, "empty value"),     # was read as 0,0,0 (pytracking: int('') fails)
    ("out_of_view.txt", "0,1,x\n", 1, "whole numbers"),
    ("full_occlusion.txt", "0\n1.5\n0\n", 2, "whole numbers"),  # was silently 1
])
def test_lasot_flag_files_give_one_error_with_file_and_line(tmp_path, file, text, line, problem):
    folder = tmp_path / "l"
    (folder / "img").mkdir(parents=True)
    (folder / "groundtruth.txt").write_text("1,2,3,4\n" * 3)
    (folder / "full_occlusion.txt").write_text("0,0,0\n")
    (folder / "out_of_view.txt").write_text("0,0,0\n")
    (folder / file).write_text(text)
    with pytest.raises(AnnotationFormatError, match=problem) as caught:
        load_ground_truth(folder, "vot-tir")
    assert caught.value.path == folder / file and caught.value.line == line


@pytest.mark.parametrize("layout, visible, thermal, rows", [
    ("rgbt234", "visible.txt", "infrared.txt", ("1,2,3,4\n" * 2, "1,2,3,4\n5,6,7,8\n9,9,9,9\n")),  # a thermal row was dropped
    ("lasher", "visible.txt", "infrared.txt", ("1,2,3,4\n" * 2, "5,6,7,8\n")),  # frame 1 silently took the visible box
    ("gtot", "groundTruth_v.txt", "groundTruth_i.txt", ("1 2 5 6\n" * 3, "1 2 5 6\n" * 2)),
])
def test_visible_and_thermal_gt_of_different_lengths_is_one_error(tmp_path, layout, visible, thermal, rows):
    folder = tmp_path / "s"
    for sub in ("v", "i") if layout == "gtot" else ("visible", "infrared"):
        (folder / sub).mkdir(parents=True)
    (folder / visible).write_text(rows[0])
    (folder / thermal).write_text(rows[1])
    with pytest.raises(AnnotationFormatError, match=f"rows but {visible} has") as caught:
        load_ground_truth(folder, layout)
    assert caught.value.path == folder / thermal


def test_got10k_meta_info_reads_in_the_vot_toolkit(tmp_path):
    """vot-toolkit ``vot/dataset/got10k.py``: configparser, then ``int(anno_fps[:-3])``
    (written for GOT-10k's whole ``10Hz``); ``29.97Hz`` raised ValueError there."""
    import configparser

    run_to_end(export_got10k(_Pair(), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "got"))
    config = configparser.ConfigParser()
    config.read(tmp_path / "got" / "seq" / "meta_info.ini")
    metadata = dict(config["METAINFO"])
    assert metadata["anno_fps"] == "30Hz"
    int(metadata["anno_fps"][:-3])
    lines = (tmp_path / "got" / "seq" / "meta_info.ini").read_text().splitlines()
    assert lines[5] == "object_class: object"  # pytracking reads the class from line 6
