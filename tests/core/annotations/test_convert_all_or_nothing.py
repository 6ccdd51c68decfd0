"""convert --force over an earlier conversion: the files of one target are a set (visible.txt,
infrared.txt and init.txt; groundtruth.txt and its label files), replaced all together or not at all.

Found by h10 (2026-12-07): with the disk full at the second file, ``convert SEQ OUT --to lasher
--force`` over an earlier conversion replaced visible.txt, left the earlier infrared.txt and
init.txt, and said 'cannot write (...); nothing was changed': a folder of two conversions' boxes,
which the readers then refuse as the ground truth of two layouts."""
from __future__ import annotations

import errno

import pytest

from core.annotations.formats.convert import write_target
from core.annotations.records import FrameAnnotation
from core.errors import OutputError


def _records(x: float) -> dict[int, FrameAnnotation]:
    return {0: FrameAnnotation(0, [x, 5, 10, 10]), 1: FrameAnnotation(1, [x + 1, 5, 10, 10])}


def _full_disk_at(monkeypatch, dst, count: int) -> None:
    """``open`` raises a full disk at the ``count``-th file opened for writing under ``dst``."""
    real_open, opened = open, []

    def full_disk(path, mode="r", *args, **kwargs):
        if "w" in mode and str(path).startswith(str(dst)):
            opened.append(path)
            if len(opened) == count:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_disk)


@pytest.mark.parametrize("target", ["lasher", "gtot", "got10k", "lasot"])
def test_a_failed_conversion_leaves_the_earlier_files_as_they_were(tmp_path, monkeypatch, target):
    dst = tmp_path / "out"
    written = write_target(_records(10), 2, dst, target)
    before = {p.name: p.read_bytes() for p in written}
    _full_disk_at(monkeypatch, dst, 2)
    with pytest.raises(OutputError, match="nothing was changed") as raised:
        write_target(_records(50), 2, dst, target)
    monkeypatch.undo()
    assert raised.value.path == written[1]  # the file that could not be written, not the first one
    assert {p.name: p.read_bytes() for p in dst.iterdir()} == before  # no file of the new set, no temporary


def test_a_failed_first_conversion_leaves_no_file_behind(tmp_path, monkeypatch):
    dst = tmp_path / "out"
    _full_disk_at(monkeypatch, dst, 3)
    with pytest.raises(OutputError):
        write_target(_records(10), 2, dst, "lasher")
    monkeypatch.undo()
    assert not dst.exists() or list(dst.iterdir()) == []
