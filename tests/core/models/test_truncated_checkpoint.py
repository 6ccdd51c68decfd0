"""A truncated or damaged checkpoint (a copy cut short, a download that stopped half-way) is one line
naming the file and saying it is corrupt or truncated, whatever command loads it; it was a long
'not a safe project checkpoint (RuntimeError: PytorchStreamReader failed reading zip archive: ...
This is an internal miniz error. If you are seeing this error, ...)', the wrong problem in torch's
words."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import PROJECT, one_error_line

ZIP_CUT = "corrupt or truncated checkpoint (failed reading zip archive: failed finding central directory)"


def _tiny(factory: str, path: Path) -> Path:
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config, teacher_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    config = (student_config("bundled", pretrained_stem=False, depth=1) if factory == "student"
              else teacher_config("bundled", depth=1))
    return save_checkpoint(path, build_model(factory, config, pretrained_stem=False))


def _cut(source: Path, target: Path, fraction: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[:int(len(data) * fraction)])
    return target


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> dict[str, Path]:
    """The first half of a student and of a teacher checkpoint (and the whole student)."""
    folder = tmp_path_factory.mktemp("ckpt")
    student, teacher = _tiny("student", folder / "student.pt"), _tiny("teacher", folder / "teacher.pt")
    return {"student": _cut(student, folder / "half.pt"), "teacher": _cut(teacher, folder / "teacher_half.pt"),
            "whole": student}


def _argv(command: str, halves: dict[str, Path], tmp_path: Path) -> tuple[list[str], Path, Path]:
    """(argv, the truncated file it names, the output that must not appear)."""
    from tests.core.safety.conftest import make_sequence

    half, teacher = str(halves["student"]), str(halves["teacher"])
    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    table = {
        "track": (["track", "{seq}", "--weights", half, "--out", "{out}"], "student", "o.txt"),
        "track-random": (["track", "{seq}", "--weights", half, "--random-weights", "--out", "{out}"], "student",
                         "o.txt"),
        "track-dataset": (["track-dataset", "{root}", "--weights", half, "--results", "{out}"], "student", "res"),
        "export-onnx": (["export-onnx", "--model", "student", "--weights", half, "--out", "{out}"], "student",
                        "onnx"),
        "export-distill": (["export-distill", "{seq}", "--teacher", teacher, "--out", "{out}"], "teacher", "d.h5"),
        "distill-init": (["distill", "--teacher", str(PROJECT / "assets" / "models" / "teacher_bundled.pt"),
                          "--config", str(PROJECT / "configs" / "student_kd_bundled.json"), "--init", half,
                          "--out", "{out}", "--steps", "1"], "student", "run"),
        "distill-teacher": (["distill", "--teacher", teacher, "--config",
                             str(PROJECT / "configs" / "student_kd_bundled.json"), "--out", "{out}", "--steps", "1"],
                            "teacher", "run"),
        "train-init": (["train", "--config", str(PROJECT / "configs" / "student_nokd_bundled.json"), "--init", half,
                        "--out", "{out}", "--steps", "1"], "student", "run"),
        "average-weights": (["average-weights", half, str(halves["whole"]), "--out", "{out}"], "student", "avg.pt"),
        "resize-crops": (["resize-crops", half, "--template", "64", "--search", "128", "--out", "{out}"], "student",
                         "r.pt"),
        "pseudo-labels": (["pseudo-labels", "{out}", "--teacher", teacher, "--data-root", str(tmp_path / "data"),
                           "--cache-dir", str(tmp_path / "cache")], "teacher", "labels.json"),
    }
    argv, which, name = table[command]
    out = tmp_path / name
    fill = {"{seq}": str(seq), "{root}": str(seq.parent), "{out}": str(out)}
    return [fill.get(a, a) for a in argv], halves[which], out


@pytest.mark.parametrize("command", ["track", "track-random", "track-dataset", "export-onnx", "export-distill",
                                     "distill-init", "distill-teacher", "train-init", "average-weights",
                                     "resize-crops", "pseudo-labels"])
def test_a_truncated_checkpoint_is_one_line_saying_so(command, halves, tmp_path, capsys):
    argv, half, out = _argv(command, halves, tmp_path)
    before = half.read_bytes()
    code = main(argv)
    line = one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {half}: {ZIP_CUT}", line
    assert not out.exists()
    assert half.read_bytes() == before  # the user's file is left as it was


def test_the_first_half_of_the_bundled_student_is_said_to_be_truncated(tmp_path, capsys):
    bundled = PROJECT / "assets" / "models" / "student_bundled.pt"
    if not bundled.is_file():
        pytest.skip("no bundled student checkpoint")
    half = _cut(bundled, tmp_path / "half.pt")
    code = main(["export-onnx", "--model", "student", "--weights", str(half), "--out", str(tmp_path / "onnx")])
    line = one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {half}: {ZIP_CUT}", line


@pytest.mark.parametrize("fraction", [0.003, 0.01, 0.3, 0.999])
def test_a_zip_checkpoint_cut_anywhere_is_corrupt_or_truncated(fraction, halves, tmp_path):
    """Cut very early torch says '[Errno 22] Invalid argument' (an OSError), later 'failed finding
    central directory': both are the same damage to the user."""
    from core.errors import CheckpointError
    from core.models.checkpoint import read_checkpoint

    cut = _cut(halves["whole"], tmp_path / "cut.pt", fraction)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(cut)
    assert caught.value.path == cut and caught.value.problem.startswith("corrupt or truncated checkpoint ("), caught.value
    assert len(str(caught.value)) < 200 and "\n" not in str(caught.value) and "miniz" not in str(caught.value)


@pytest.mark.parametrize("fraction,detail", [(0.01, "the file ends early"),
                                             (0.5, "unexpected EOF, expected ")])
def test_a_legacy_pickle_checkpoint_cut_short_is_corrupt_or_truncated(fraction, detail, tmp_path):
    """A checkpoint of the older torch.save format (one pickle) cut short said 'not a safe project
    checkpoint (EOFError: )'."""
    import torch

    from core.errors import CheckpointError
    from core.models.checkpoint import read_checkpoint

    buffer = io.BytesIO()
    torch.save({"format": "rgbt-studio-model", "state_dict": {"w": torch.zeros(1000)}}, buffer,
               _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    cut = tmp_path / "legacy.pt"
    cut.write_bytes(data[:int(len(data) * fraction)])
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(cut)
    assert caught.value.problem.startswith(f"corrupt or truncated checkpoint ({detail}"), caught.value
    assert "might be corrupted" not in caught.value.problem


def test_a_checkpoint_that_pickles_a_class_is_still_called_unsafe(tmp_path):
    """Not every load failure is damage: a whole pickled module stays 'not a safe project checkpoint'."""
    import torch

    from core.errors import CheckpointError
    from core.models.checkpoint import read_checkpoint

    path = tmp_path / "module.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(path)
    assert caught.value.problem == "not a safe project checkpoint (it pickles torch.nn.modules.linear.Linear)", \
        caught.value
