"""VTUAV's ``init_frame.npy`` ({sequence name: its first annotated frame}) holding a value that is no
frame index: ``{'seq1': -5}`` made opening the sequence folder end in a traceback from
``records_from_rows`` ('ValueError: need first_frame >= 0 and every >= 1, got -5, 10'), and
``{'seq1': 7.6}`` started the boxes on frame 8 unsaid (h1). Both are refused naming the file."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.vtuav_init import read_vtuav_init_frames
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("first", [-5, 7.6, float("nan")])
def test_a_first_frame_that_is_no_frame_index_is_refused_naming_the_file(tmp_path, first):
    seq = tmp_path / "seq1"
    seq.mkdir()
    (seq / "rgb.txt").write_text("1,2,3,4\n5,6,7,8\n")
    np.save(tmp_path / "init_frame.npy", {"seq1": first, "other": 3}, allow_pickle=True)
    said = r"init_frame\.npy: sequence 'seq1' starts on frame .*: expected a whole number >= 0"
    for read in (lambda: load_ground_truth(seq, "vtuav"), lambda: read_box_file(seq / "rgb.txt", 30)):
        with pytest.raises(AnnotationFormatError, match=said):
            read()


def test_a_first_frame_past_any_footage_is_refused(tmp_path):
    path = tmp_path / "init_frame.npy"
    np.save(path, {"seq1": 10 ** 30}, allow_pickle=True)  # records on frame 1e30, which no project stores
    with pytest.raises(AnnotationFormatError, match="starts on frame 1000000000000000000000000000000: too large"):
        read_vtuav_init_frames(path)


def test_whole_numbers_of_any_kind_are_frame_indices(tmp_path):
    path = tmp_path / "init_frame.npy"
    np.save(path, {"a": np.int64(7), "b": 3.0, "c": 0}, allow_pickle=True)
    assert read_vtuav_init_frames(path) == {"a": 7, "b": 3, "c": 0}
