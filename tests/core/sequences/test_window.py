"""WindowSequence / open_window: a window of a sequence's frames with the project's boxes
(core.sequences.window)."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences import open_sequence
from core.sequences.window import WindowSequence, open_window, read_window_boxes


def _pair_folder(tmp_path, kit, frames=10):
    folder = tmp_path / "pair"
    folder.mkdir()
    kit.write_video(folder / "visible.avi", [kit.visible_frame(i) for i in range(frames)])
    kit.write_video(folder / "infrared.avi", [kit.thermal_frame(i) for i in range(frames)])
    return folder


def _ids(pair) -> tuple[int, int]:
    """(visible frame id, thermal frame id) from the values the kit wrote."""
    return int(pair.visible[0, 0, 2]) // 10, (int(pair.thermal[0, 0]) - 1) // 5


def _boxes(path, rows):
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_window_is_a_sequence_of_its_frames(tmp_path, kit):
    base = open_sequence(_pair_folder(tmp_path, kit))
    records = read_window_boxes(_boxes(tmp_path / "b.txt", ["1,2,3,4", "NaN,NaN,NaN,NaN", "5,6,7,8", "9,9,9,9"]), 4)
    window = WindowSequence(base, 3, 7, records, name="view")
    assert len(window) == 4 and window.info.num_frames == 4 and window.name == "view"
    assert [_ids(window[i]) for i in range(4)] == [(3, 3), (4, 4), (5, 5), (6, 6)]
    assert [window[i].index for i in range(4)] == [0, 1, 2, 3]
    assert _ids(window[-1]) == (6, 6) and [_ids(p) for p in window] == [(3, 3), (4, 4), (5, 5), (6, 6)]
    with pytest.raises(IndexError):
        window[4]
    truth = window.ground_truth()
    assert sorted(truth) == [0, 1, 2, 3] and truth[1].absent and not truth[0].absent
    np.testing.assert_array_equal(truth[2].box, [5, 6, 7, 8])
    assert window.ground_truth() is not window.ground_truth()  # a new dict each call
    info = window.info
    assert (info.layout, info.visible_only, info.thermal_only) == ("video-pair", False, False)
    assert info.visible_source == base.info.visible_source and any("frames 4-7 of the 10" in n for n in info.notes)
    assert len(base) == 10 and base.info.num_frames == 10  # the base is left as it was
    with pytest.raises(ValueError):
        WindowSequence(base, 8, 11, None)
    with pytest.raises(ValueError):
        WindowSequence(base, 3, 3, None)
    closed = []
    base.close = lambda: closed.append(True)
    window.close()
    assert closed == [True]


def test_open_window_reads_the_boxes_of_its_frames(tmp_path, kit):
    folder = _pair_folder(tmp_path, kit)
    boxes = _boxes(tmp_path / "b.txt", [f"{i},1,2,2" for i in range(4, 8)])
    window = open_window(folder, boxes, (5, 8), name="pair-view")
    try:
        assert len(window) == 4 and _ids(window[0]) == (4, 4) and window.name == "pair-view"
        assert [float(r.box[0]) for r in window.ground_truth().values()] == [4, 5, 6, 7]
        assert any(str(boxes) in n for n in window.info.notes)
    finally:
        window.close()
    whole = open_window(folder, _boxes(tmp_path / "all.txt", ["1,1,2,2"] * 10))
    assert len(whole) == 10 and len(whole.ground_truth()) == 10
    whole.close()


@pytest.mark.parametrize("rows,frames,message", [
    (["1,1,2,2"] * 3, (5, 8), r"3 box lines for the 4 frames of frames 5-8"),
    (["1,1,2,2"] * 5, (5, 8), r"5 box lines for the 4 frames"),
    (["1,1,2,2"] * 9, None, r"9 box lines for the 10 frames of all 10 frames"),
    (["1,1,2,2"] * 4, (8, 11), r"frames 8-11 of .* run past the sequence's end \(10 frames\)"),
    (["1,1,2,2", "1,x,2,2", "1,1,2,2", "1,1,2,2"], (5, 8), r"line 2: not a number"),
    (None, (5, 8), r"boxes file not found"),
])
def test_boxes_that_do_not_fit_the_window_are_one_config_error(tmp_path, kit, rows, frames, message):
    folder = _pair_folder(tmp_path, kit)
    boxes = tmp_path / "b.txt" if rows is None else _boxes(tmp_path / "b.txt", rows)
    with pytest.raises(ConfigError, match=message) as caught:
        open_window(folder, boxes, frames)
    assert str(caught.value).startswith(str(boxes))
