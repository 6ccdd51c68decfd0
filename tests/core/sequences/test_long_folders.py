"""Opening long image folders: the work follows the folders' listing, not a stat of every frame and
a sort of every name per check. Before, a 20,000-frame folder pair took 1.3 s of CPU (3-5 s of wall
time on a busy disk) to open: each stream was listed and sorted twice (once only to see that it
held an image), every file stat'ed each time. Work is counted, never timed."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

import core.sequences.image_files as image_files
from core.sequences import open_pair
from core.sequences.image_files import first_image, has_images, list_images, natural_key
from core.sequences.open_folder import open_sequence

FRAMES = 120


@pytest.fixture
def folder_pair(tmp_path):
    """``seq/visible`` and ``seq/infrared`` of FRAMES tiny frames each (LasHeR names, v000001.jpg)."""
    image = np.full((8, 8, 3), 90, np.uint8)
    for name in ("visible", "infrared"):
        (tmp_path / "seq" / name).mkdir(parents=True)
        for k in range(FRAMES):
            cv2.imwrite(str(tmp_path / "seq" / name / f"{name[0]}{k + 1:06d}.png"), image)
    return tmp_path / "seq"


def _counting(monkeypatch):
    counts = {"stat": 0, "natural_key": 0}
    stat, key = os.stat, image_files.natural_key

    def counted_stat(*args, **kwargs):
        counts["stat"] += 1
        return stat(*args, **kwargs)

    def counted_key(name):
        counts["natural_key"] += 1
        return key(name)
    monkeypatch.setattr(os, "stat", counted_stat)
    monkeypatch.setattr(image_files, "natural_key", counted_key)
    return counts


def test_a_folder_pair_opens_without_a_stat_per_frame_or_a_second_sort(folder_pair, monkeypatch):
    counts = _counting(monkeypatch)
    sequence = open_pair(folder_pair / "visible", folder_pair / "infrared")
    assert len(sequence) == FRAMES
    sequence.close()
    assert counts["stat"] < FRAMES  # before: 4 stats per frame (2 listings of 2 streams)
    assert counts["natural_key"] <= 2 * FRAMES  # each stream's names sorted once (before: 6 keys per frame)


def test_a_sequence_folder_opens_without_a_stat_per_frame(folder_pair, monkeypatch):
    counts = _counting(monkeypatch)
    sequence = open_sequence(folder_pair)
    assert len(sequence) == FRAMES
    sequence.close()
    assert counts["stat"] < FRAMES


@pytest.mark.parametrize("names", [
    ["v10.jpg", "v9.jpg", "V011.JPG", "v2.png", ".v1.jpg", "notes.txt"],
    ["frame_1_b.jpg", "frame_1_a.jpg", "frame_01_a.jpg", "a².jpg", "a.jpg"],
])
def test_listing_checks_and_order_agree(tmp_path, names):
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.jpg").mkdir()  # a folder named like an image is no image
    listed = list_images(tmp_path)
    expected = sorted((n for n in names if not n.startswith(".") and not n.endswith(".txt")), key=natural_key)
    assert [p.name for p in listed] == expected
    assert has_images(tmp_path) and first_image(tmp_path) == listed[0]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    assert not has_images(empty) and first_image(empty) is None and list_images(empty) == []
