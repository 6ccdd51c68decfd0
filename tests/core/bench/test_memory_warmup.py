"""``bench memory --frames 5`` (or a pair shorter than ``--warmup``, 200 by default) reported
'growth after warm-up: 0.0 MiB (target < 100 MB)': the warm-up never ended, nothing was measured,
and the target read as met. It is now one line naming --warmup, before any pair is written or
tracked."""
from __future__ import annotations

from core.cli import main


def test_a_generated_pair_no_longer_than_the_warm_up_is_refused_first(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert main(["bench", "memory", "--frames", "5", "--size", "64x48"]) == 2
    captured = capsys.readouterr()
    assert captured.err == ("error: --frames 5 leaves none to measure after the 200-frame warm-up (--warmup); give "
                            "more --frames or a smaller --warmup\n")
    assert "writing" not in captured.out and list(tmp_path.iterdir()) == []


def test_a_given_pair_no_longer_than_the_warm_up_is_refused(tmp_path, capsys):
    from core.bench.open_speed import generate_pair

    visible, thermal = generate_pair(tmp_path, 6, 64, 48)
    assert main(["bench", "memory", str(visible), str(thermal), "--warmup", "6", "--random-weights"]) == 2
    assert f"error: {visible}: 6 frames leave none to measure after the 6-frame warm-up" in capsys.readouterr().err
    assert main(["bench", "memory", str(visible), str(thermal), "--warmup", "2", "--every", "2",
                 "--random-weights"]) == 0
    assert "growth after warm-up" in capsys.readouterr().out
