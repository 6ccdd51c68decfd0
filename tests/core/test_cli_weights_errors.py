"""Checkpoints given to the command line (import-weights, average-weights, export-onnx, resize-crops,
distill, train): a folder, a checkpoint of the wrong layout or model, a checkpoint output named .onnx;
each is one line naming the file and the problem, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import PROJECT
from tests.core.cli_lines import one_error_line as _one_error_line

TINY_TEACHER = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}



def test_import_weights_mplt_layout_mismatch_names_the_source_file(tmp_path, capsys):
    """An MPLT file whose keys do not fit the teacher said 'error: <no file>: does not match the
    teacher layout ...': the one line named no file."""
    import torch

    config = tmp_path / "teacher.json"
    config.write_text(json.dumps(TINY_TEACHER))
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": {"foo": torch.zeros(3)}}, src)
    code = main(["import-weights", str(src), str(tmp_path / "x.pt"), "--kind", "mplt", "--config", str(config)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {src}: does not match the teacher layout"), line
    assert "<no file>" not in line
    assert not (tmp_path / "x.pt").exists()



def test_import_weights_source_folder_is_called_a_folder(tmp_path, capsys):
    """A folder given as SRC (the download folder instead of the file in it) was 'checkpoint file
    not found', though it is right there."""
    code = main(["import-weights", str(tmp_path), str(tmp_path / "x.pt"), "--kind", "mplt"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {tmp_path}: is a folder"), line
    assert "not found" not in line



def _tiny_student(path: Path, seed: int) -> Path:
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(seed)
    return save_checkpoint(path, build_model("student", student_config("bundled", pretrained_stem=False, depth=1)))



def test_average_weights_calls_a_folder_input_a_folder(tmp_path, capsys):
    """A folder among the checkpoints was refused as '--out lies inside the folder of an input
    checkpoint': the wrong problem, and about the wrong path."""
    a = _tiny_student(tmp_path / "ckpts" / "a.pt", 0)
    code = main(["average-weights", str(a), str(tmp_path / "ckpts"), "--out", str(tmp_path / "avg.pt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {tmp_path / 'ckpts'}: is a folder"), line
    assert not (tmp_path / "avg.pt").exists()



def test_average_weights_of_one_checkpoint_named_twice_is_refused(tmp_path, capsys):
    """``average-weights a.pt a.pt`` wrote a copy of a.pt and said 'mean of 2 checkpoints'."""
    a = _tiny_student(tmp_path / "a.pt", 0)
    code = main(["average-weights", str(a), str(tmp_path / "." / "a.pt"), "--out", str(tmp_path / "avg.pt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "averaging needs at least two different checkpoints" in line, line
    assert not (tmp_path / "avg.pt").exists()



def test_average_weights_says_a_repeated_checkpoint_weighs_more(tmp_path, capsys):
    a, b = _tiny_student(tmp_path / "a.pt", 0), _tiny_student(tmp_path / "b.pt", 1)
    assert main(["average-weights", str(a), str(b), str(a), "--out", str(tmp_path / "avg.pt")]) == 0
    assert f"note: {a} is given 2 times; it counts 2 times in the mean (weight 2 of 3)" in capsys.readouterr().err



def test_export_onnx_weights_folder_is_called_a_folder(tmp_path, capsys):
    """``export-onnx --weights runs/`` (the folder instead of the checkpoint in it) was refused as
    'the ONNX file lies inside the folder of the checkpoint to export'."""
    weights = tmp_path / "runs"
    weights.mkdir()
    code = main(["export-onnx", "--model", "student", "--weights", str(weights), "--out", str(tmp_path / "onnx")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {weights}: is a folder"), line



@pytest.mark.parametrize("command", ["resize-crops", "distill-data-init", "train-init", "distill-teacher"])
def test_a_checkpoint_option_given_a_folder_says_so(command, tmp_path, capsys):
    """A run folder given where a checkpoint goes (``--init runs/x``) said 'checkpoint file not found'."""
    folder = tmp_path / "runs"
    folder.mkdir()
    data = tmp_path / "d.h5"
    data.write_bytes(b"")
    argv = {"resize-crops": ["resize-crops", str(folder), "--template", "64", "--search", "128", "--out",
                             str(tmp_path / "r.pt")],
            "distill-data-init": ["distill", "--data", str(data), "--init", str(folder), "--out",
                                  str(tmp_path / "f.pt")],
            "train-init": ["train", "--config", str(PROJECT / "configs" / "student_nokd_bundled.json"), "--init",
                           str(folder), "--out", str(tmp_path / "run")],
            "distill-teacher": ["distill", "--teacher", str(folder), "--config",
                                str(PROJECT / "configs" / "student_kd_bundled.json"), "--out", str(tmp_path / "run")]}
    code = main(argv[command])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {folder}: ") and "is a folder" in line, line
    assert not (tmp_path / "run").exists()



def test_import_weights_mplt_into_the_student_is_refused(tmp_path, capsys):
    """``--kind mplt --factory student`` ignored --factory and wrote a teacher checkpoint where the
    user asked for a student."""
    import torch

    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": {"foo": torch.zeros(3)}}, src)
    code = main(["import-weights", str(src), str(tmp_path / "x.pt"), "--kind", "mplt", "--factory", "student"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--factory student does not apply to --kind mplt" in line, line
    assert not (tmp_path / "x.pt").exists()



@pytest.mark.parametrize("argv", [
    ["import-weights", "{src}", "{tmp}/x.onnx", "--kind", "mplt"],
    ["average-weights", "{a}", "{b}", "--out", "{tmp}/x.onnx"],
    ["resize-crops", "{a}", "--template", "64", "--search", "128", "--out", "{tmp}/x.onnx"],
    ["distill", "--data", "{data}", "--init", "{a}", "--out", "{tmp}/x.onnx", "--steps", "1"],
], ids=["import-weights", "average-weights", "resize-crops", "distill-data"])
def test_a_checkpoint_output_named_onnx_is_refused(argv, tmp_path, capsys):
    """``import-weights SRC x.onnx`` (or average-weights / resize-crops / distill --data --out x.onnx)
    wrote a PyTorch checkpoint under an .onnx name; track --weights x.onnx then failed with
    'ONNX Runtime cannot load it: ... Protobuf parsing failed'."""
    import torch

    src = tmp_path / "src.pth.tar"
    torch.save({"net": {"foo": torch.zeros(3)}}, src)
    a, b = _tiny_student(tmp_path / "a.pt", 0), _tiny_student(tmp_path / "b.pt", 1)
    data = tmp_path / "d.h5"
    data.write_bytes(b"")
    fill = {"{src}": str(src), "{a}": str(a), "{b}": str(b), "{data}": str(data)}
    args = [fill.get(x, x.replace("{tmp}", str(tmp_path))) for x in argv]
    code = main(args)
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "ends in .onnx, but it receives a PyTorch checkpoint" in line, line
    assert not (tmp_path / "x.onnx").exists()
