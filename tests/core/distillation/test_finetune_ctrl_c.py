"""Ctrl+C during ``distill --data`` (a fine-tune of minutes) said only 'cancelled': not that nothing
was written (the result is written once, at the end) nor that the initial weights are unchanged."""
from __future__ import annotations

from core.cli import main


def test_ctrl_c_says_nothing_was_written(tmp_path, capsys, monkeypatch):
    import core.distillation.finetune as finetune

    def interrupted(init, data, out, config):
        raise KeyboardInterrupt
        yield  # a generator, as the job is

    monkeypatch.setattr(finetune, "finetune_student", interrupted)
    data = tmp_path / "d.h5"
    data.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    init = tmp_path / "student.pt"
    init.write_bytes(b"PK\x03\x04")
    out = tmp_path / "tuned.pt"
    assert main(["distill", "--data", str(data), "--init", str(init), "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"fine-tune: stopped; nothing was written ({out} is written when the fine-tune ends; the initial weights "
        f"{init} are unchanged)", "cancelled"]
    assert not out.exists()
