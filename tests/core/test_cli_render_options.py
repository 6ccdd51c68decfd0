"""``render --fps 0`` / ``--max-width 0`` said 'error: render: fps must be > 0' / 'max_width must
be at least 64' after the sequence was opened, naming a field the user never typed; they are the
options' own argparse errors now, before any work."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("option, value", [("--fps", "0"), ("--fps", "nan"), ("--fps", "-5"), ("--fps", "inf"),
                                           ("--max-width", "0"), ("--max-width", "63")])
def test_a_bad_render_option_is_named_as_typed(tmp_path, capsys, option, value):
    with pytest.raises(SystemExit) as caught:
        main(["render", str(tmp_path / "none"), "--out", str(tmp_path / "v.mp4"), option, value])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"rgbt-studio render: error: argument {option}:"), err
    assert not (tmp_path / "v.mp4").exists()
