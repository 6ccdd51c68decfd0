"""``synth`` option values out of range are one line naming the option: ``--size 0x0`` said
'SyntheticConfig: frame size 0x0 outside 32..4096', the settings class, not the option."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line


@pytest.mark.parametrize("options, line", [
    (["--size", "0x0"], "error: --size 0x0: each side must be 32..4096 pixels"),
    (["--size", "64x5000"], "error: --size 64x5000: each side must be 32..4096 pixels"),
    (["--fps", "0"], "error: --fps must be a positive number, got 0"),
    (["--fps", "nan"], "error: --fps must be a positive number, got nan"),
], ids=["size-zero", "size-large", "fps-zero", "fps-nan"])
def test_a_synth_option_out_of_range_names_the_option(options, line, tmp_path, capsys):
    out = tmp_path / "synth"
    code = main(["synth", str(out), "--frames", "1", *options])
    assert code == 2 and one_error_line(capsys.readouterr().err) == line
    assert not out.exists()
