"""``bench accuracy --split real --data-root ROOT`` where ROOT holds sequence folders directly
(not ``<dataset>/<sequence>/``): the sequences were taken for datasets and their frame folders for
sequences ('dragon/infrared skipped: no ground truth'). A folder that is a sequence is one now."""
from __future__ import annotations

import cv2
import numpy as np

from core.bench.eval_sets import real_items


def _pair_sequence(folder, frames=4):
    for stream in ("visible", "thermal"):
        (folder / stream).mkdir(parents=True)
        for i in range(frames):
            image = np.full((48, 64, 3), 30, np.uint8)
            image[10:26, 10 + i:30 + i] = (40, 200, 240) if stream == "visible" else (220, 220, 220)
            cv2.imwrite(str(folder / stream / f"{i + 1:05d}.png"), image)
    (folder / "groundtruth.txt").write_text("".join(f"{10 + i},10,20,16\n" for i in range(frames)))


def test_a_root_of_sequence_folders_is_read_as_sequences(tmp_path):
    root = tmp_path / "mine"
    _pair_sequence(root / "dragon")
    _pair_sequence(root / "ship")
    (root / "ship" / "groundtruth.txt").unlink()
    _pair_sequence(root / "set" / "walk")  # a dataset folder beside them still works
    items, notes = real_items(root, frames=3)
    assert [(i.dataset, i.name, i.num_frames) for i in items] == [("mine", "dragon", 3), ("set", "walk", 3)]
    assert notes == ["ship skipped: no ground truth"], notes  # not 'dragon/visible', 'ship/thermal'


def test_the_help_says_both_layouts_of_the_data_root(capsys):
    import pytest

    from core.cli import main

    with pytest.raises(SystemExit):
        main(["bench", "accuracy", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "<dataset>/<sequence>/ folders, or the sequence folders directly" in help_text
