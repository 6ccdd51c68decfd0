"""Two training runs' ``checkpoint.pt`` exported into one folder were both named ``checkpoint.onnx``:
the second refused with "already exists", and with --force replaced the first run's export, which
then ran under the other run's name. A run's checkpoint exported elsewhere than its own folder is
now named after its run folder (``kd.onnx``); beside its checkpoint it keeps ``checkpoint.onnx``,
which track and the studio look for there."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main


def _run_checkpoint(folder: Path, seed: int) -> Path:
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(seed)
    folder.mkdir(parents=True)
    config = student_config("bundled", pretrained_stem=False, depth=1)
    return save_checkpoint(folder / "checkpoint.pt", build_model("student", config, pretrained_stem=False))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    return {"kd": _run_checkpoint(root / "kd", 0), "nokd": _run_checkpoint(root / "nokd", 1)}


def test_two_runs_exported_into_one_folder_keep_both_exports(runs, tmp_path, capsys):
    out = tmp_path / "exports"
    for name in ("kd", "nokd"):
        assert main(["export-onnx", "--model", "student", "--weights", str(runs[name]), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["kd.onnx", "nokd.onnx"]
    assert f"wrote {out / 'nokd.onnx'}" in capsys.readouterr().err


def test_a_run_exported_beside_its_checkpoint_keeps_the_name_track_looks_for(runs, tmp_path):
    import shutil

    run = tmp_path / "kd"
    run.mkdir()
    checkpoint = Path(shutil.copy(runs["kd"], run / "checkpoint.pt"))
    assert main(["export-onnx", "--model", "student", "--weights", str(checkpoint), "--out", str(run)]) == 0
    assert (run / "checkpoint.onnx").is_file() and not (run / "kd.onnx").exists()


def test_odd_run_folder_names_give_a_safe_export_name(runs, tmp_path):
    """A run folder named with a byte that is not UTF-8 failed in torch's exporter ('ONNX export failed
    (legacy: TypeError: _export_onnx(): incompatible function arguments ...)'); one with a newline gave a
    file name holding it. The name from the run folder is one safe path component."""
    import os
    import shutil

    out = tmp_path / "exports"
    for raw, name in ((b"kd\xff", "kd_.onnx"), (b"kd\nnew", "kd_new.onnx")):
        run = tmp_path / os.fsdecode(raw)
        run.mkdir()
        checkpoint = Path(shutil.copy(runs["kd"], run / "checkpoint.pt"))
        assert main(["export-onnx", "--model", "student", "--weights", str(checkpoint), "--out", str(out)]) == 0
        assert (out / name).is_file(), sorted(p.name for p in out.iterdir())


def test_an_out_folder_that_is_not_utf8_is_one_line_before_any_work(runs, tmp_path, capsys):
    import os

    from tests.core.cli_lines import one_error_line

    out = tmp_path / os.fsdecode(b"ex\xff")
    assert main(["export-onnx", "--model", "student", "--weights", str(runs["kd"]), "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.endswith(": the --out path is not valid UTF-8 text (a byte such as \\xff in a folder name), which "
                         "the ONNX exporter cannot write to; rename the folder or give another --out"), line
    assert not out.exists()


def test_a_checkpoint_stem_that_is_not_utf8_gives_a_safe_export_name(runs, tmp_path):
    import os
    import shutil

    checkpoint = Path(shutil.copy(runs["kd"], tmp_path / os.fsdecode(b"kd\xff.pt")))
    out = tmp_path / "exports"
    assert main(["export-onnx", "--model", "student", "--weights", str(checkpoint), "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["kd_.onnx"]


def test_a_checkpoint_saved_anew_during_the_export_is_refused(runs, tmp_path, monkeypatch, capsys):
    """export-onnx beside a checkpoint a training run is still writing: the run saved its next checkpoint
    while the export went on, and the export recorded the NEW file's SHA-256 beside the OLD weights, so
    --engine auto took it for the export of the new checkpoint and ran the old weights, unsaid. Such an
    export is now refused (nothing written) in one line."""
    import shutil

    import core.tracking.onnx_export as onnx_export
    from tests.core.cli_lines import one_error_line

    run = tmp_path / "kd"
    run.mkdir()
    checkpoint = Path(shutil.copy(runs["kd"], run / "checkpoint.pt"))
    real = onnx_export.export_onnx

    def racing(model, path, **kwargs):
        shutil.copy(runs["nokd"], checkpoint)  # the training run's next save lands now
        return real(model, path, **kwargs)

    monkeypatch.setattr(onnx_export, "export_onnx", racing)
    assert main(["export-onnx", "--model", "student", "--weights", str(checkpoint), "--out", str(run)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {run / 'checkpoint.onnx'}: ") and "changed while it was exported" in line, line
    assert not (run / "checkpoint.onnx").exists()


def test_a_checkpoint_saved_anew_while_it_is_read_is_refused(runs, tmp_path, monkeypatch, capsys):
    import shutil

    import core.models.checkpoint as checkpoint_module
    from tests.core.cli_lines import one_error_line

    run = tmp_path / "kd"
    run.mkdir()
    checkpoint = Path(shutil.copy(runs["kd"], run / "checkpoint.pt"))
    real = checkpoint_module.load_checkpoint

    def racing(path, *args, **kwargs):
        loaded = real(path, *args, **kwargs)
        shutil.copy(runs["nokd"], checkpoint)  # saved anew just after it was read
        return loaded

    monkeypatch.setattr(checkpoint_module, "load_checkpoint", racing)
    assert main(["export-onnx", "--model", "student", "--weights", str(checkpoint), "--out", str(run)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (f"error: {checkpoint}: changed while it was read (a training run saving it anew?); nothing "
                    "written: run export-onnx again"), line
    assert not (run / "checkpoint.onnx").exists()
