"""A thermal camera's recording exported as one multi-page TIFF (one page per frame, often 16-bit).
Named ``thermal.tiff`` beside a visible stream it was a stream already; otherwise a folder holding it
opened as an image folder of one frame (the first page; the other pages dropped without a word, and
the 16-bit mapping fit on that page alone), and the file given alone was refused ('is a file, not a
sequence folder or a video'). Now the file, or a folder whose only image it is, opens as its pages,
as a lone video does."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences import detect_layout, open_pair, open_sequence
from core.sequences.image_sources import FolderSource
from core.sequences.sources import open_source

PAGES = 5


def _tiff(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = [np.full((24, 32), 1000 + 500 * i, np.uint16) for i in range(PAGES)]
    assert cv2.imwritemulti(str(path), pages)
    return path


def test_a_folder_whose_only_image_is_a_multi_page_tiff_opens_its_pages(tmp_path):
    folder = tmp_path / "flight_07"
    _tiff(folder / "recording.tif")
    assert detect_layout(folder) == "thermal-video"
    sequence = open_sequence(folder)
    assert len(sequence) == PAGES and sequence.info.thermal_only and sequence.info.name == "flight_07"
    raw = [int(sequence[i].thermal_raw[0, 0]) for i in range(PAGES)]
    assert raw == [1000 + 500 * i for i in range(PAGES)]
    sequence.close()


def test_a_multi_page_tiff_given_alone_opens_its_pages(tmp_path):
    path = _tiff(tmp_path / "flight_07" / "recording.tif")
    assert detect_layout(path) == "thermal-video"
    sequence = open_sequence(path)
    assert len(sequence) == PAGES and sequence.info.name == "recording"
    sequence.close()


def test_a_folder_of_one_multi_page_tiff_is_a_stream_of_a_pair(tmp_path, kit):
    visible = kit.write_folder(tmp_path / "visible", [kit.visible_frame(i) for i in range(PAGES)])
    thermal = _tiff(tmp_path / "thermal_pages" / "recording.tif").parent
    assert len(open_source(thermal)) == PAGES
    sequence = open_pair(visible, thermal)
    assert len(sequence) == PAGES and not sequence.info.notes[0].startswith("frame counts differ")
    sequence.close()


def test_an_image_folder_of_one_multi_page_tiff_says_so(tmp_path):
    """Where a layout takes a folder as a folder of images (the modality folders of a pair), its one
    multi-page TIFF is named instead of opened as one frame."""
    folder = _tiff(tmp_path / "infrared" / "recording.tif").parent
    with pytest.raises(SequenceError, match=f"holds one multi-page TIFF of {PAGES} pages"):
        FolderSource(folder)


def test_a_folder_of_single_page_tiffs_is_still_a_folder_of_frames(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(3):
        assert cv2.imwrite(str(folder / f"{i:04d}.tif"), np.full((24, 32), 1000 + i, np.uint16))
    assert detect_layout(folder) == "vot-tir"
    assert len(open_sequence(folder)) == 3
    one = tmp_path / "one"
    one.mkdir()
    assert cv2.imwrite(str(one / "0001.tif"), np.full((24, 32), 1000, np.uint16))
    assert detect_layout(one) == "vot-tir" and len(open_sequence(one)) == 1


def test_a_long_multi_page_tiff_read_in_order_walks_its_pages_a_few_times(tmp_path, monkeypatch):
    """OpenCV reaches page k by walking the pages before it: each frame was its own walk, so reading
    a 3,000-page 320x240 TIFF in order (playback, a tracking run) took about 9 minutes (the last 50
    pages 18.6 s), 3.7 s now. Pages asked for in order come in a few walks; any order reads right."""
    path = tmp_path / "long.tif"
    assert cv2.imwritemulti(str(path), [np.full((24, 32), 1000 + i, np.uint16) for i in range(300)])
    walks = []
    real = cv2.imreadmulti
    monkeypatch.setattr(cv2, "imreadmulti", lambda *a, **k: walks.append(k.get("start")) or real(*a, **k))
    source = open_source(path)
    assert [int(source.read(i)[0, 0]) for i in range(300)] == [1000 + i for i in range(300)]
    assert len(walks) <= 3, walks
    assert [int(source.read(i)[0, 0]) for i in (250, 10, 11, 299, 0)] == [1250, 1010, 1011, 1299, 1000]
    frame = source.read(12)
    frame[0, 0] = 0  # a frame handed out is the reader's own: the pages kept stay as stored
    assert int(source.read(12)[0, 0]) == 1012
    source.close()
