"""``pseudo-labels --include NAME`` with a name outside the train part's rgbt_unlabeled group is
said before the teacher loads: it was said after (25 s on a busy machine, for a typo)."""
from __future__ import annotations

from core.cli import main


def test_an_include_outside_the_group_is_said_before_the_teacher_loads(tmp_path, capsys, monkeypatch):
    from core.commands import pseudo_labels

    def loaded(*_args, **_kwargs):
        raise AssertionError("the teacher was loaded before --include was checked")

    monkeypatch.setattr(pseudo_labels, "_load_teacher", loaded)
    out = tmp_path / "labels.json"
    code = main(["pseudo-labels", str(out), "--include", "no_such_pair", "--data-root", str(tmp_path / "data"),
                 "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert code == 2 and "'no_such_pair' is not in the train part's 'rgbt_unlabeled' group" in err, err
    assert not out.exists() and not (tmp_path / "cache").exists()
