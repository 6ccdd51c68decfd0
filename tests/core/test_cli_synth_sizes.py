"""synth --frames 100000000 was killed by the OOM killer (status 137, no word: the sequence's path
is made in memory first, about 0.2 KB a frame), and a LasHeR-layout run larger than the free disk
stopped part-way through on a full disk; both are now one line before any work."""
from __future__ import annotations

import collections
import json

from core.cli import main
from tests.core.cli_lines import one_error_line


def test_more_frames_than_a_sequence_holds_is_one_line(tmp_path, capsys):
    out = tmp_path / "syn"
    assert main(["synth", str(out), "--frames", "100000000"]) == 2
    assert one_error_line(capsys.readouterr().err) == ("error: --frames 100000000: a synthetic sequence has at most 1,000,000 frames "
                                      "(its whole path is made in memory before the frames are written); write "
                                      "several with --count")
    config = tmp_path / "big.json"
    config.write_text(json.dumps({"num_frames": 2_000_000}))
    assert main(["synth", str(out), "--config", str(config)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(f"error: {config}: num_frames 2000000: a synthetic sequence has at most")
    assert not out.exists()


def test_a_disk_too_small_for_the_frames_is_said_before_the_work(tmp_path, capsys, monkeypatch):
    import core.fileio

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(core.fileio.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10**7, 10**7))
    out = tmp_path / "syn"
    assert main(["synth", str(out), "--frames", "500", "--size", "640x480", "--count", "2"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {out}: only 10.0 MB free in ") and line.endswith("about 122.9 MB are needed"), line
    assert not out.exists()
    assert main(["synth", str(out), "--frames", "2", "--size", "64x48"]) == 0  # a small one fits
