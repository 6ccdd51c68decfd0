"""The LaSOT export keeps the source's frame rate: LaSOT has no meta file, so each modality
folder's ``SOURCE.txt`` carries an ``fps:`` line beside its ``modality:`` line."""
from __future__ import annotations

import cv2
import numpy as np

from core.annotations.formats import export_lasot
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end


def _sequence(tmp_path, fps: float | None):
    """A visible + thermal pair of 3 frames (30x40) from image folders at ``fps`` (None: unknown)."""
    from core.sequences.image_sources import FolderSource
    from core.sequences.pair import PairSequence

    sources = []
    for which in ("visible", "thermal"):
        (tmp_path / which).mkdir()
        for i in range(3):
            frame = np.full((30, 40, 3), (200, 40 + 40 * i, 10), np.uint8) if which == "visible" else \
                np.full((30, 40), 60 + 40 * i, np.uint8)
            cv2.imwrite(str(tmp_path / which / f"{i + 1:05d}.png"), frame)
        source = FolderSource(tmp_path / which)
        if fps is not None:
            source.fps = fps
        sources.append(source)
    return PairSequence(*sources, name="clip", layout="folder-pair")


def _source_lines(folder) -> list[str]:
    return (folder / "SOURCE.txt").read_text(encoding="utf-8").splitlines()


def test_a_lasot_export_writes_the_source_frame_rate_in_each_folder(tmp_path):
    """A 25 fps pair exported to LaSOT wrote no rate anywhere (the re-opened export played at 30)."""
    run_to_end(export_lasot(_sequence(tmp_path, 25.0), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert _source_lines(tmp_path / "out" / "clip")[1:] == ["modality: visible", "fps: 25"]
    assert _source_lines(tmp_path / "out" / "clip-thermal")[1:] == ["modality: thermal", "fps: 25"]


def test_a_lasot_export_of_a_fractional_rate_keeps_its_digits(tmp_path):
    run_to_end(export_lasot(_sequence(tmp_path, 30000 / 1001), {}, tmp_path / "out"))
    assert "fps: 29.97" in _source_lines(tmp_path / "out" / "clip")


def test_a_lasot_export_reopens_at_the_source_frame_rate(tmp_path):
    from core.sequences.open_folder import open_sequence

    run_to_end(export_lasot(_sequence(tmp_path, 25.0), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert open_sequence(tmp_path / "out" / "clip").info.fps == 25.0
    assert open_sequence(tmp_path / "out" / "clip-thermal").info.fps == 25.0
