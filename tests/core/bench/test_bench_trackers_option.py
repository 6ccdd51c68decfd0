"""``bench accuracy --trackers foo`` said "unknown tracker(s) ['foo'] or modalities ['visible',
'thermal']": the modalities it named were the command's own, all known, and the option was not
named. The line now names ``--trackers``, the unknown names alone and the names to choose from."""
from __future__ import annotations

import pytest

from core.bench.contenders import CONTENDER_KEYS, build_contenders
from core.cli import main
from core.errors import ConfigError


@pytest.mark.parametrize("real", [False, True])
def test_an_unknown_tracker_is_one_line_naming_the_option_and_the_names(real, capsys, tmp_path):
    """Named before the real footage is looked for: a clean clone has no ../shared/data beside it
    (the data root is given here as a folder that does not exist, as there)."""
    args = ["bench", "accuracy", "--trackers", "student,foo", "--threads", "1"] + (
        ["--real", "--data-root", str(tmp_path / "no-footage")] if real else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"error: --trackers: unknown tracker 'foo'; choose from {', '.join(CONTENDER_KEYS)}\n"
    assert "modalities" not in err


def test_unknown_peer_modalities_name_the_bad_one(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown peer modalities \['infrared'\]"):
        build_contenders(["csrt"], weights_dir=tmp_path, modalities=("visible", "infrared"))
