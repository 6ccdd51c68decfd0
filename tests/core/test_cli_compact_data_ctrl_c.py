"""Ctrl+C (or SIGTERM) during compact-data (minutes of crops over the train footage) said only
'cancelled': not that OUT_DIR was not written (it is replaced as a whole at the end), nor that what
was there (replaced at the end) is as it was."""
from __future__ import annotations

from core.cli import main


def test_ctrl_c_says_nothing_was_written_and_an_earlier_copy_is_kept(tmp_path, capsys, monkeypatch):
    import core.commands.compact_data as command
    from core.progress import Progress

    def stopping(*args, **kwargs):
        yield Progress(3, 23, "real/rgb/otb-car1")
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "compact_job", stopping)
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(command, "refuse_missing_data_root", lambda root: None)
    out = tmp_path / "compact"
    assert main(["compact-data", str(out), "--data-root", str(data)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"compact-data: stopped; nothing was written ({out} is written when the run ends)", "cancelled"]
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")  # replaced only at the end, with --force
    assert main(["compact-data", str(out), "--data-root", str(data), "--force"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2] == (
        f"compact-data: stopped; nothing was written ({out} is as it was)")
    assert (out / "notes.txt").read_text() == "mine\n"
