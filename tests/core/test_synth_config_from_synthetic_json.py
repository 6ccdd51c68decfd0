"""``synth --config assets/demo/synthetic.json`` (the file synth writes beside each sequence, which
the demo's README calls its 'generator config') was refused: "unknown key(s) ['absent', 'config',
'distractor_cover', ...]". Its ``config`` section is now the generator config, and its seed is
said when --seed differs; the same seed gives the same ground truth."""
from __future__ import annotations

import json

from core.cli import main


def _write(tmp_path, name, *options):
    assert main(["synth", str(tmp_path / "out"), "--name", name, "--frames", "6", "--size", "64x48",
                 "--challenges", "occlusion,scale_change", "--seed", "4", *options]) == 0


def test_a_sequences_synthetic_json_is_a_config(tmp_path, capsys):
    _write(tmp_path, "first")
    written = tmp_path / "out" / "first" / "synthetic.json"
    assert json.loads(written.read_text())["seed"] == 4
    capsys.readouterr()
    assert main(["synth", str(tmp_path / "out"), "--name", "again", "--config", str(written), "--seed", "4"]) == 0
    captured = capsys.readouterr()
    assert "note:" not in captured.err and "challenges=occlusion,scale_change" in captured.out
    for name in ("visible.txt", "infrared.txt"):
        assert (tmp_path / "out" / "again" / name).read_text() == (tmp_path / "out" / "first" / name).read_text()
    assert main(["synth", str(tmp_path / "out"), "--name", "other", "--config", str(written)]) == 0
    assert (f"note: {written} is a sequence's synthetic.json: its generator config is used; the sequence was made "
            "with --seed 4 (give it for the same sequence)") in capsys.readouterr().err


def test_a_plain_config_with_an_unknown_key_is_still_refused(tmp_path, capsys):
    config = tmp_path / "c.json"
    config.write_text('{"modle": 1}')
    assert main(["synth", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert "unknown key(s) ['modle']" in capsys.readouterr().err
