"""``eval``'s table: an attribute label longer than the 28-character first column (a synthetic
sequence's per-frame tags, 'visible_distractor (frames) [277 fr]') pushed its scores out of the
PR / NPR / SR columns. The first column now fits the longest label; short labels keep 28."""
from __future__ import annotations

from core.cli import main


def test_every_score_row_keeps_the_columns(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "data"), "--name", "seq", "--frames", "12", "--size", "96x80",
                 "--challenges", "occlusion,visible_distractor"]) == 0
    boxes = tmp_path / "seq.txt"
    boxes.write_text((tmp_path / "data" / "seq" / "visible.txt").read_text())
    capsys.readouterr()
    assert main(["eval", str(boxes), "--gt", str(tmp_path / "data" / "seq"), "--protocol", "lasher",
                 "--per-sequence"]) == 0
    table = capsys.readouterr().out
    assert "(frames) [" in table
    rows = [line for line in table.splitlines() if line.startswith(("overall", "  "))]
    assert len(rows) >= 4
    assert len({len(line) for line in rows}) == 1, table  # right-aligned scores: every row ends in the same column
    header = table.splitlines()[1]
    assert len(header) == len(rows[0])
