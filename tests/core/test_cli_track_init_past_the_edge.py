"""track --init of a box reaching past the frame (drawn half off it, or typed from another
frame size) was taken without a word: the first tracked boxes came out a third of its size. It
now says how much of it lies inside; a box wholly inside says nothing."""
from __future__ import annotations

from core.cli import main


def _sequence(folder):
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    run_to_end(write_lasher(SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=4), 6,
                                              name=folder.name, cache_frames=0), folder))
    return folder


def test_a_box_past_the_edge_is_noted(tmp_path, capsys):
    seq = _sequence(tmp_path / "walk")
    assert main(["track", str(seq), "--tracker", "kcf", "--init", "86,60,30,40", "--out", str(tmp_path / "a.txt")]) == 0
    err = capsys.readouterr().err
    assert "note: --init 86,60,30,40 reaches past the 96x80 frame: only 10x20 of it lies inside" in err, err
    assert main(["track", str(seq), "--tracker", "kcf", "--init", "-5,0,20,20", "--out", str(tmp_path / "b.txt")]) == 0
    assert "only 15x20 of it lies inside" in capsys.readouterr().err
    assert main(["track", str(seq), "--tracker", "kcf", "--init", "66,40,30,40", "--out", str(tmp_path / "c.txt")]) == 0
    assert "reaches past" not in capsys.readouterr().err
