"""A GOT-10k export of 29.97 fps footage wrote ``anno_fps: 30Hz`` (meta_info.ini holds a whole
number: the VOT toolkit reads it with int()), so the export reopened at 30 fps. A rate that is
not whole also goes into a SOURCE.txt beside it, which the folder's reader takes first."""
from __future__ import annotations

import pytest

from core.annotations.formats import export_got10k
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_lasot_export_fps import _sequence


def test_a_got10k_export_of_a_fractional_rate_reopens_at_it(tmp_path):
    from core.sequences.open_folder import open_sequence

    run_to_end(export_got10k(_sequence(tmp_path, 30000 / 1001), {0: FrameAnnotation(0, [5, 5, 10, 10])},
                             tmp_path / "out"))
    for folder in ("clip", "clip-thermal"):
        meta = (tmp_path / "out" / folder / "meta_info.ini").read_text()
        assert "anno_fps: 30Hz" in meta  # the format's whole number, as the toolkits read it
        assert open_sequence(tmp_path / "out" / folder).info.fps == pytest.approx(29.97)


def test_a_got10k_export_of_a_whole_rate_writes_no_extra_file(tmp_path):
    from core.sequences.open_folder import open_sequence

    run_to_end(export_got10k(_sequence(tmp_path, 25.0), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert not (tmp_path / "out" / "clip" / "SOURCE.txt").exists()
    assert open_sequence(tmp_path / "out" / "clip").info.fps == 25.0
