"""A config whose data cannot be read (a dataset folder that does not exist, a pseudo-label file
without tracklets) was found only once the job started: after ``--force`` had removed the earlier
run's training_state.pt and metrics.csv and rewritten its config.json, and after a new run folder
got a config.json. It is one line before the run folder is touched."""
from __future__ import annotations

import json

import pytest

from core.cli import main

from .conftest import CONFIGS


def _config(tmp_path, source: dict) -> str:
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["data"]["sources"] = [source]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return str(path)


@pytest.mark.parametrize("case", ["missing_root", "empty_labels"])
def test_unreadable_data_is_one_line_and_an_earlier_run_is_kept_with_force(tmp_path, capsys, case):
    if case == "missing_root":
        missing = tmp_path / "no_such_lasher"
        source, said = {"kind": "dataset", "options": {"roots": [str(missing)]}}, \
            f"error: {missing}: training data folder does not exist"
    else:
        labels = tmp_path / "labels.json"
        labels.write_text(json.dumps({"version": 1, "tracklets": []}))
        source, said = {"kind": "rgbt_pseudo", "options": {"labels": str(labels)}}, f"error: {labels}: "
    config = _config(tmp_path, source)
    out = tmp_path / "run"
    out.mkdir()
    earlier = {"checkpoint.pt": b"c", "training_state.pt": b"s", "metrics.csv": b"step,loss\n1,2.0\n",
               "config.json": b'{"model": {}}'}
    for name, data in earlier.items():
        (out / name).write_bytes(data)
    assert main(["train", "--config", config, "--out", str(out), "--steps", "1", "--force"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(said) and "Traceback" not in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier
    fresh = tmp_path / "fresh"
    assert main(["train", "--config", config, "--out", str(fresh), "--steps", "1"]) == 2
    assert not fresh.exists()
