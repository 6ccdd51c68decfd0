"""A full disk (or a read-only remount) while a run appends its metrics row ended it with
'metrics.csv: no space left on the disk' and no word of what the run folder keeps, unlike the same
failure while saving the checkpoint pair. It now says the step the run stopped at and the step
``checkpoint.pt`` keeps (``--resume`` continues from it)."""
from __future__ import annotations

import errno
from pathlib import Path

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_a_full_disk_while_logging_names_what_the_folder_keeps(tmp_path, capsys, monkeypatch):
    import core.training.metrics_log as metrics_log

    real_open = open

    def full_on_step_3(path, *args, **kwargs):
        mode = args[0] if args else kwargs.get("mode", "r")
        if str(path).endswith("metrics.csv") and "a" in mode and full_on_step_3.rows == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        if str(path).endswith("metrics.csv") and "a" in mode:
            full_on_step_3.rows += 1
        return real_open(path, *args, **kwargs)

    full_on_step_3.rows = 0
    monkeypatch.setattr(metrics_log, "open", full_on_step_3, raising=False)
    out = tmp_path / "run"
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "4"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (f"error: {out / 'metrics.csv'}: cannot write (no space left on the disk); the run stopped at step "
                    f"3: {out / 'checkpoint.pt'} keeps step 2 (--resume continues from it)"), last
