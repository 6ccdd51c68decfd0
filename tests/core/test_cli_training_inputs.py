"""train, distill (from a teacher or from --data) and train-family: data files given twice or as a
folder, crop sides that do not fit the student, a negative seed, options of the other kind of
distillation, default configs found from another folder."""

from __future__ import annotations

import json

import pytest

from core.cli import main
from tests.core.cli_lines import PROJECT
from tests.core.cli_lines import one_error_line as _one_error_line


@pytest.fixture(scope="module")
def distillation_data(tmp_path_factory):
    """An embedded distillation file of a 16-frame synthetic sequence (a small stand-in teacher)
    and a small student checkpoint to fine-tune."""
    import torch

    from core.annotations.records import FrameAnnotation
    from core.distillation.export import TeacherRunner, export_distillation
    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.tracking.engines import TorchEngine

    torch.manual_seed(0)
    tmp = tmp_path_factory.mktemp("distill-data")
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=16), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(16) if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    data = run_to_end(export_distillation(sequence, records, tmp / "d.h5", runner, frames_mode="embedded"))
    init = save_checkpoint(tmp / "student.pt", build_model("student", student_config("bundled", pretrained_stem=False,
                                                                                     depth=1)))
    return data, init



def _finetune_summary(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("held-out items"))



def test_distill_data_named_twice_is_read_once(distillation_data, tmp_path, capsys):
    """``distill --data a.h5 a.h5`` (or ``./a.h5 a.h5``) read the file twice: every sample counted
    twice in training and in the held-out scores, without a word."""
    data, init = distillation_data
    base = ["distill", "--init", str(init), "--steps", "1", "--batch-size", "2", "--replay", "0", "--threads", "1"]
    assert main(base + ["--data", str(data), "--out", str(tmp_path / "once.pt")]) == 0
    once = _finetune_summary(capsys.readouterr().out)
    twice_names = [str(data), str(data.parent / "." / data.name)]
    assert main(base + ["--data", *twice_names, "--out", str(tmp_path / "twice.pt")]) == 0
    captured = capsys.readouterr()
    twice = _finetune_summary(captured.out)
    assert twice.split(":")[0] == once.split(":")[0]  # 'held-out items N'
    assert once.split("(")[1].split(",")[0] == twice.split("(")[1].split(",")[0]  # 'N training items'
    assert f"note: --data names {twice_names[1]} more than once; it is read once" in captured.err



def test_distill_data_folder_is_called_a_folder(tmp_path, capsys):
    """``distill --data exports/`` (the folder instead of the files in it) said 'file not found'."""
    folder = tmp_path / "exports"
    folder.mkdir()
    code = main(["distill", "--data", str(folder), "--out", str(tmp_path / "ft.pt"), "--steps", "1"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {folder}: is a folder"), line
    assert not (tmp_path / "ft.pt").exists()



def test_distillation_reader_calls_a_folder_a_folder(tmp_path):
    """The reader (also the studio's) said 'file not found' for a folder."""
    from core.distillation.reader import DistillationFile
    from core.errors import DistillationDataError

    with pytest.raises(DistillationDataError, match="is a folder"):
        DistillationFile(tmp_path)



@pytest.mark.parametrize("command", ["train", "distill-teacher", "distill-data"])
def test_a_negative_seed_is_one_line_before_any_work(command, distillation_data, tmp_path, capsys):
    """``--seed -1`` ran into numpy's 'ValueError: expected non-negative integer' traceback once the
    data was being prepared, after train had written the run folder's config.json."""
    from core.assets import models_dir

    data, init = distillation_data
    out = tmp_path / "run"
    argv = {"train": ["train", "--config", str(PROJECT / "configs" / "student_nokd_bundled.json")],
            "distill-teacher": ["distill", "--teacher", str(models_dir() / "teacher_bundled.pt"), "--config",
                                str(PROJECT / "configs" / "student_kd_bundled.json")],
            "distill-data": ["distill", "--data", str(data), "--init", str(init)]}[command]
    code = main(argv + ["--out", str(out), "--seed", "-1", "--steps", "1"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "seed must be >= 0" in line, line
    assert not out.exists()



@pytest.fixture(scope="module")
def larger_crops_data(tmp_path_factory):
    """An embedded distillation file exported by a teacher of 96/192 px crops (as one at other
    crop sides than the bundled student's 64/128)."""
    import torch

    from core.annotations.records import FrameAnnotation
    from core.distillation.export import TeacherRunner, export_distillation
    from core.models.config import student_config
    from core.models.registry import build_model
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.tracking.engines import TorchEngine

    torch.manual_seed(0)
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1, template_size=96,
                                                    search_size=192))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=12), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(12) if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    return run_to_end(export_distillation(sequence, records, tmp_path_factory.mktemp("big") / "big.h5", runner,
                                          frames_mode="embedded"))



def test_distill_data_of_other_crop_sides_than_the_student_is_one_line(distillation_data, larger_crops_data,
                                                                       tmp_path, capsys):
    """Files exported with a teacher of other crop sides (a paper-scale teacher: 128/256) and the
    bundled student ended in torch's 'The size of tensor a (144) must match the size of tensor b
    (64)' traceback at the first step."""
    _, init = distillation_data
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(larger_crops_data), "--init", str(init), "--out", str(out), "--steps", "1"])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and line.startswith(f"error: {larger_crops_data}: holds 96/192 px (template/search"), line
    assert "the student student.pt takes 64/128 px" in line and not out.exists()



def test_distill_data_mixing_crop_sides_is_one_line(distillation_data, larger_crops_data, tmp_path, capsys):
    """Two files of different crop sides ended in numpy's 'all input arrays must have the same
    shape' traceback."""
    data, init = distillation_data
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(data), str(larger_crops_data), "--init", str(init), "--out", str(out),
                 "--steps", "1"])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and line.startswith(f"error: {larger_crops_data}: holds 96/192 px"), line
    assert f"{data} 64/128 px" in line and "cannot be mixed" in line and not out.exists()



def test_train_family_finds_its_default_configs_from_another_folder(tmp_path, capsys, monkeypatch):
    """Run from any folder but the project's, train-family's defaults ('configs/teacher_real_gpu.json',
    'assets/models/...') were 'file not found'; they now resolve as compact-data's and
    pseudo-labels' do (the working directory, else the project root)."""
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "kd.json"
    bad.write_text("{")  # the first file read after the two defaults: where the run stops
    code = main(["train-family", "--out", str(tmp_path / "family"), "--budget-s", "5", "--calibrate-s", "1", "--kd-config", str(bad)])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and line.startswith(f"error: {bad}: "), line



@pytest.mark.parametrize("extra,named", [(["--config", "{config}"], "--config applies"),
                                         (["--teacher", "{teacher}"], "--teacher applies"),
                                         (["--resume"], "--resume applies")])
def test_distill_data_refuses_the_options_of_teacher_distillation(extra, named, distillation_data, tmp_path,
                                                                  capsys):
    """``distill --data x.h5 --config c.json`` (or --teacher, --resume) ran the fine-tune on its own
    settings and ignored the option without a word."""
    from core.assets import models_dir

    data, init = distillation_data
    fill = {"{config}": str(PROJECT / "configs" / "student_kd_bundled.json"),
            "{teacher}": str(models_dir() / "teacher_bundled.pt")}
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(data), "--init", str(init), "--out", str(out), "--steps", "1",
                 *[fill.get(a, a) for a in extra]])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and named in line and "not to fine-tuning from --data" in line, line
    assert not out.exists()



def test_distill_from_a_teacher_refuses_the_options_of_the_fine_tune(tmp_path, capsys):
    """``distill --teacher T --config C --lr 1e-4`` (or --holdout, --replay, ...) ignored the option
    and trained with the config's settings."""
    from core.assets import models_dir

    out = tmp_path / "run"
    code = main(["distill", "--teacher", str(models_dir() / "teacher_bundled.pt"), "--config",
                 str(PROJECT / "configs" / "student_kd_bundled.json"), "--out", str(out), "--steps", "1", "--lr", "1e-4",
                 "--holdout", "0"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--lr, --holdout apply to fine-tuning from --data" in line, line
    assert not out.exists()


@pytest.mark.parametrize("option, value, said", [
    ("--holdout", "1.5", "--holdout must be in [0, 1) (got 1.5)"),
    ("--kd-agreement-iou", "3", "--kd-agreement-iou must be in [0, 1] (got 3.0)"),
    ("--batch-size", "0", "--steps and --batch-size must be >= 1 (got 1, 0)"),
])
def test_distill_data_names_the_option_of_a_bad_value(option, value, said, distillation_data, tmp_path, capsys):
    """``distill --data d.h5 --holdout 1.5`` said 'fine-tuning settings: holdout_fraction must be in [0, 1)':
    a name the command line does not have."""
    data, init = distillation_data
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(data), "--init", str(init), "--out", str(out), "--steps", "1", option, value])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: distill --data: {said}", line
    assert not out.exists()


@pytest.mark.parametrize("option, value", [("--steps", "0"), ("--batch-size", "-3")])
def test_train_names_the_option_of_a_bad_override(option, value, tmp_path, capsys):
    """``train --steps 0`` said 'steps must be >= 1, got 0' (a config key's name, and no file named)."""
    out = tmp_path / "run"
    code = main(["train", "--config", str(PROJECT / "configs" / "student_nokd_bundled.json"), "--out", str(out),
                 option, value])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {option} must be >= 1, got {value}", line
    assert not out.exists()


def test_train_with_a_distillation_config_says_the_distill_section_is_not_used(tmp_path, capsys):
    """``train --config student_kd_bundled.json`` (distill meant) trained on the task loss alone, the config's
    distill section unused, without a word."""
    config = tmp_path / "kd.json"
    config.write_text(json.dumps({"extends": str(PROJECT / "tests" / "core" / "training" / "configs" /
                                                 "tiny_student.json"), "distill": {"feature": 2.0}}))
    assert main(["train", "--config", str(config), "--out", str(tmp_path / "run"), "--steps", "1"]) == 0
    assert (f"note: {config} has a 'distill' section, which train does not use (there is no teacher): the network "
            f"trains on the task loss alone; distil with `distill --teacher T.pt --config {config}`"
            ) in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("command", [["compact-data", "{tmp}/out"], ["pseudo-labels", "{tmp}/labels.json"]])
def test_a_missing_data_root_names_the_option_given(command, tmp_path, capsys):
    """``compact-data OUT --data-root TYPO`` said 'set data_root in the data source options', the key of a
    training config, though the folder came from --data-root."""
    missing = tmp_path / "no-such-data"
    argv = [a.format(tmp=tmp_path) for a in command] + ["--data-root", str(missing)]
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {missing}: real data root does not exist (--data-root: the folder the split's paths "
                     "are relative to)"], lines
    assert not (tmp_path / "out").exists() and not (tmp_path / "labels.json").exists()
