"""``bench annotate --per-family 0`` left the synthetic set out without a word and went on to the
real set (minutes of tracking), and ``--synthetic-frames 0`` stopped with 'SyntheticConfig:
num_frames must be >= 1', naming no option. Each is now argparse's one line naming the option,
before any work."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("option, expected", [
    (["--per-family", "0"], "argument --per-family: must be at least 1, got 0"),
    (["--synthetic-frames", "0"], "argument --synthetic-frames: must be at least 2, got 0"),
    (["--frames", "1"], "argument --frames: must be at least 2, got 1"),
])
def test_a_bad_count_is_one_line_naming_its_option(option, expected, monkeypatch, capsys):
    import core.bench.annotate as annotate

    def never(*args, **kwargs):
        raise AssertionError("the sets were built")

    monkeypatch.setattr(annotate, "synthetic_set", never)
    monkeypatch.setattr(annotate, "real_set", never)
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "annotate", *option])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_sets_both_is_both_sets(monkeypatch, capsys):
    """``--sets both``, as --help ('synthetic, real or both') and the refusal named it, was refused:
    "--sets takes synthetic, real or both, got 'both'"."""
    import core.bench.annotate as annotate

    built = []

    def synthetic(frames, per_family):
        built.append("synthetic")
        return []

    def real(split, data_root, frames):
        built.append("real")
        return [], []

    monkeypatch.setattr(annotate, "synthetic_set", synthetic)
    monkeypatch.setattr(annotate, "real_set", real)
    assert main(["bench", "annotate", "--sets", "both"]) == 2  # both built, both empty here
    assert built == ["synthetic", "real"]
    assert "no sequence to annotate" in capsys.readouterr().err
