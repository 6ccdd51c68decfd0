"""Ctrl+C (or SIGTERM) during ``pseudo-labels`` (minutes of teacher tracking) said only
'cancelled': not how far it got, nor that OUT was not written (it is written once, at the end),
nor that an earlier OUT given with --force is as it was."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.fixture
def stopped_run(monkeypatch):
    """pseudo-labels with its teacher, split and pairs stood in for, its job stopped (as Ctrl+C
    raises) after 240 of 680 tracked frames."""
    import core.commands.pseudo_labels as command
    from core.progress import Progress

    class Split:
        path = "split.json"

        def train_folders(self, *args):
            return []

    def job(*args, **kwargs):
        yield Progress(240, 680, "real/rgbt-unlabeled/1230_1202 frame 75")
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "_load_teacher", lambda weights, args: object())
    monkeypatch.setattr(command, "load_split", lambda path: Split())
    monkeypatch.setattr(command, "refuse_missing_data_root", lambda root: None)
    monkeypatch.setattr(command, "pseudo_label_job", job)


def _run(out, tmp_path, *more):
    return main(["pseudo-labels", str(out), "--data-root", str(tmp_path / "data"), "--cache-dir",
                 str(tmp_path / "cache"), *more])


def test_ctrl_c_says_how_far_it_got_and_that_nothing_was_written(tmp_path, capsys, stopped_run):
    out = tmp_path / "labels.json"
    assert _run(out, tmp_path) == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"pseudo-labels: stopped after 240 of 680 tracked frames; nothing was written ({out} is written when the "
        "run ends)", "cancelled"]
    assert not out.exists()


def test_ctrl_c_keeps_an_earlier_file_given_with_force(tmp_path, capsys, stopped_run):
    out = tmp_path / "labels.json"
    out.write_text("{}\n")
    assert _run(out, tmp_path, "--force") == 130
    assert capsys.readouterr().err.strip().splitlines()[-2] == (
        f"pseudo-labels: stopped after 240 of 680 tracked frames; nothing was written ({out} is as it was)")
    assert out.read_text() == "{}\n"
