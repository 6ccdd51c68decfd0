"""Fine-tuning the student from distillation files: it learns the labels on held-out frames."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.annotations.records import FrameAnnotation
from core.distillation.dataset import load_items, normalized
from core.distillation.export import TeacherRunner, export_distillation
from core.distillation.finetune import FinetuneConfig, finetune_student, score_held_out
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.tracking.engines import TorchEngine


@pytest.fixture(scope="module")
def distillation_file(tmp_path_factory):
    torch.manual_seed(0)
    tmp = tmp_path_factory.mktemp("ft")
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))  # a stand-in teacher
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=24), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(24) if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    path = run_to_end(export_distillation(sequence, records, tmp / "d.h5", runner, frames_mode="embedded"))
    student = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    init = save_checkpoint(tmp / "student.pt", student)
    return path, init, tmp


def test_items_hold_out_the_end_of_each_sequence(distillation_file):
    path, _, _ = distillation_file
    items = load_items([path], holdout_fraction=0.25)
    held = [i.frame for i in items if i.held_out]
    train = [i.frame for i in items if not i.held_out]
    assert held and train and min(held) > max(train)
    first = items[0]
    assert normalized(first).x_v.shape == (3, 128, 128) and first.heatmap.shape == (1, 16, 16)
    assert np.all((first.target[:2] > 0.3) & (first.target[:2] < 0.7))  # the label sits near the crop centre


def test_finetune_trains_and_keeps_old_weights(distillation_file):
    path, init, tmp = distillation_file
    before_bytes = init.read_bytes()
    # labels only: a random stand-in teacher's soft targets would be noise
    config = FinetuneConfig(steps=20, batch_size=8, lr=2e-3, freeze_stem=False, threads=1, score=0, box_l1=0, box_giou=0)
    result = run_to_end(finetune_student(init, [path], tmp / "student-ft.pt", config))
    assert init.read_bytes() == before_bytes
    assert result.after.items == result.before.items > 0
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5])
    model, extra = load_checkpoint(result.checkpoint)
    old = load_checkpoint(init)[0].state_dict()
    changed = [k for k, v in model.state_dict().items() if v.dtype.is_floating_point and not torch.equal(v, old[k])]
    assert any(".blocks." in k for k in changed) and any("head" in k for k in changed)
    assert extra["held_out_after"]["mean_iou"] == pytest.approx(result.after.mean_iou)
    rescored = score_held_out(model, [i for i in load_items([path]) if i.held_out])
    assert rescored.mean_iou == pytest.approx(result.after.mean_iou, abs=1e-5)


def test_distillation_terms_switch(distillation_file):
    from core.distillation.finetune import _batch, stored_teacher_loss
    from core.training.config import LossConfig

    path, init, _ = distillation_file
    model = load_checkpoint(init)[0]
    batch = _batch(load_items([path])[:4])
    outputs = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
    full, stats = stored_teacher_loss(outputs, batch, FinetuneConfig(), LossConfig())
    task_only, _ = stored_teacher_loss(outputs, batch, FinetuneConfig(score=0, box_l1=0, box_giou=0), LossConfig())
    assert {"kd_score", "kd_box_l1", "kd_box_giou", "focal"} <= set(stats)
    assert float(full) > float(task_only) > 0


def test_referenced_file_without_sources_is_a_clear_error(tmp_path, distillation_file):
    from core.distillation.export import TeacherRunner as Runner
    from core.errors import DistillationDataError

    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=6), seed=1)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(6) if not sequence.absent[i]}
    path = run_to_end(export_distillation(sequence, records, tmp_path / "r.h5", Runner(TorchEngine(teacher, "cpu"), teacher.config)))
    with pytest.raises(DistillationDataError, match="embed"):
        load_items([path])


def test_distill_data_command(distillation_file, capsys):
    from main import main

    path, init, tmp = distillation_file
    out = tmp / "cli-ft.pt"
    code = main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "2",
                 "--batch-size", "4", "--threads", "1"])
    assert code == 0 and out.is_file()
    assert "held-out items" in capsys.readouterr().out
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(init)]) == 2


def test_replay_batches_carry_the_initial_students_maps(distillation_file):
    from core.distillation.replay import ReplayStream

    _, init, _ = distillation_file
    model = load_checkpoint(init)[0]
    stream = ReplayStream(model, seed=3)
    batch = stream.batch(4, step=1)
    assert batch["x_v"].shape == (4, 3, 128, 128) and batch["z_t"].shape == (4, 3, 64, 64)
    assert batch["heatmap"].shape == (4, 1, 16, 16) and batch["box"].shape == (4, 4)
    assert torch.all((batch["box"][:, :2] >= 0) & (batch["box"][:, :2] <= 1))
    with torch.inference_mode():
        expected = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])[0]
    torch.testing.assert_close(batch["teacher_score"], expected)
    with torch.no_grad():  # training the live model leaves the frozen copy alone
        for p in model.parameters():
            p.add_(1.0)
    again = stream.batch(2, step=2)
    with torch.inference_mode():
        fresh = load_checkpoint(init)[0](again["z_v"], again["z_t"], again["x_v"], again["x_t"])[0]
    torch.testing.assert_close(again["teacher_score"], fresh)
    assert not torch.equal(stream.batch(4, step=1)["x_v"], batch["x_v"])  # the stream moves on


def test_teacher_agreement_gates_distillation(distillation_file):
    from dataclasses import replace

    from core.distillation.finetune import _batch, stored_teacher_loss, teacher_agreement
    from core.training.config import LossConfig

    path, init, _ = distillation_file
    items = load_items([path])[:6]
    agreement = teacher_agreement(items)
    assert agreement.shape == (6,) and np.all((agreement >= 0) & (agreement <= 1))
    # an item whose stored teacher map peaks on its label agrees fully
    exact = items[0]
    f = exact.teacher_score.shape[-1]
    cx, cy, w, h = exact.target
    score = np.zeros_like(exact.teacher_score)
    size = np.zeros_like(exact.teacher_size)
    offset = np.zeros_like(exact.teacher_offset)
    ix, iy = int(cx * f), int(cy * f)
    score[0, iy, ix], size[:, iy, ix], offset[:, iy, ix] = 0.9, (w, h), (cx * f - ix, cy * f - iy)
    assert teacher_agreement([replace(exact, teacher_score=score, teacher_size=size, teacher_offset=offset)])[0] > 0.99
    model = load_checkpoint(init)[0]
    batch = _batch(items)
    outputs = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
    none = torch.zeros(6, dtype=torch.bool)
    gated, stats = stored_teacher_loss(outputs, batch, FinetuneConfig(), LossConfig(), none)
    task_only, _ = stored_teacher_loss(outputs, batch, FinetuneConfig(score=0, box_l1=0, box_giou=0), LossConfig())
    assert "kd_score" not in stats and float(gated) == pytest.approx(float(task_only))
    some = torch.tensor([True, False, True, False, False, False])
    partial, stats = stored_teacher_loss(outputs, batch, FinetuneConfig(), LossConfig(), some)
    assert "kd_score" in stats and float(partial) > float(task_only)


def test_negatives_take_only_the_focal_term(distillation_file):
    from dataclasses import replace

    from core.distillation.finetune import _batch, stored_teacher_loss
    from core.training.config import LossConfig
    from core.training.losses import focal_loss

    path, init, _ = distillation_file
    items = load_items([path])[:4]
    f = items[0].heatmap.shape[-1]
    negative = replace(items[3], absent=True, heatmap=np.zeros((1, f, f), np.float32),
                       target=np.array([0.5, 0.5, 0.0, 0.0], np.float32))
    model = load_checkpoint(init)[0]
    with_negative = _batch(items[:3] + [negative])
    present_only = _batch(items[:3])
    outputs = model(with_negative["z_v"], with_negative["z_t"], with_negative["x_v"], with_negative["x_t"])
    config = FinetuneConfig()
    loss, stats = stored_teacher_loss(outputs, with_negative, config, LossConfig())
    base, base_stats = stored_teacher_loss(tuple(o[:3] for o in outputs[:3]) + (None,), present_only, config, LossConfig())
    # the negative adds exactly its focal negatives (normalised by the 3 peaks of the batch)
    extra = -(torch.log(1 - outputs[0][3:].clamp(1e-6, 1 - 1e-6)) * outputs[0][3:].clamp(1e-6, 1 - 1e-6) ** 2).sum() / 3
    assert float(loss - base) == pytest.approx(float(extra), rel=1e-4)
    assert stats["giou"] == pytest.approx(base_stats["giou"]) and stats["kd_score"] == pytest.approx(base_stats["kd_score"])
    assert stats["focal"] == pytest.approx(float(focal_loss(outputs[0], with_negative["heatmap"])))
    loss.backward()  # gradients flow through the negative's score map
    # held-out scoring leaves negatives out
    assert score_held_out(model, [negative]).items == 0


def test_negative_share_draws_at_least_that_many_negatives():
    from core.distillation.finetune import _choose_rows

    rng = np.random.default_rng(0)
    present, negative = np.arange(0, 40), np.arange(40, 43)
    rows = _choose_rows(present, negative, 16, 0.25, rng)
    assert len(rows) == 16 and np.sum(rows >= 40) == 4 and np.all(np.isin(rows, np.arange(43)))
    natural = np.concatenate([_choose_rows(present, negative, 16, 0.0, rng) for _ in range(200)])
    assert 0.03 < np.mean(natural >= 40) < 0.12  # about 3/43
    assert np.all(_choose_rows(present, np.array([], dtype=np.int64), 8, 0.5, rng) < 40)  # no negatives: all present


def test_device_choice(distillation_file):
    from core.errors import ConfigError

    path, init, tmp = distillation_file
    with pytest.raises(ConfigError, match="unknown device"):
        run_to_end(finetune_student(init, [path], tmp / "x.pt", FinetuneConfig(steps=1, device="tpu")))
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="no CUDA device"):
            run_to_end(finetune_student(init, [path], tmp / "x.pt", FinetuneConfig(steps=1, device="cuda")))
    assert not (tmp / "x.pt").exists()


@pytest.mark.parametrize("bad", [{"replay": 1.0}, {"steps": 0}, {"lr": 0.0}, {"shift_cells": -1},
                                 {"holdout_fraction": -0.1}, {"negative_share": 1.5}])
def test_bad_settings_are_a_clear_error(bad):
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="fine-tuning settings: " + next(iter(bad))):
        FinetuneConfig(**bad)


def test_distill_data_rejects_bad_settings(distillation_file, capsys):
    from main import main

    path, init, tmp = distillation_file
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(tmp / "bad.pt"),
                 "--replay", "1.5"]) == 2
    assert "replay must be in [0, 1)" in capsys.readouterr().err
    assert not (tmp / "bad.pt").exists()


def test_control_trains_on_rehearsal_rows_only(distillation_file, monkeypatch):
    import core.distillation.finetune as finetune
    from core.errors import ConfigError

    path, init, tmp = distillation_file
    drawn = []
    real_augment = finetune.random_augment
    monkeypatch.setattr(finetune, "random_augment", lambda item, *a, **k: drawn.append(item) or real_augment(item, *a, **k))
    config = FinetuneConfig(steps=2, batch_size=4, threads=1, use_annotations=False)
    result = run_to_end(finetune_student(init, [path], tmp / "control.pt", config))
    assert result.after.items > 0 and len(result.losses) == 2  # still scored on the held-out annotated frames
    assert drawn == []  # no annotated item was trained on
    run_to_end(finetune_student(init, [path], tmp / "normal.pt", FinetuneConfig(steps=2, batch_size=4, threads=1)))
    assert len(drawn) == 4  # 2 annotated rows per step otherwise
    with pytest.raises(ConfigError, match="needs rehearsal rows"):
        FinetuneConfig(use_annotations=False, replay=0.0)


def test_distill_data_with_every_sample_held_out_says_why(tmp_path, distillation_file, capsys):
    """A studio export with one checked frame besides the first: the hold-out took it, and the
    message says so and how to go on (it said only 'no labelled training samples in the data')."""
    from main import main

    _, init, _ = distillation_file
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=12), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=True) for i in (0, 8)}
    path = run_to_end(export_distillation(sequence, records, tmp_path / "few.h5",
                                          TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config),
                                          frames_mode="embedded"))
    count = len(load_items([path], holdout_fraction=0.0))
    assert count >= 1 and not [i for i in load_items([path]) if not i.held_out]
    out = tmp_path / "ft.pt"
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    held = "the 1 human-checked sample is" if count == 1 else f"all {count} human-checked samples are"
    assert f"{held} held out" in err and "--holdout 0.25" in err
    assert "--holdout 0" in err and not out.exists()
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "1",
                 "--batch-size", "2", "--threads", "1", "--holdout", "0"]) == 0


def _records(boxes=(0,), absent=()):
    from core.annotations.records import Provenance

    box = np.array([10.0, 10.0, 20.0, 20.0])
    records = {f: FrameAnnotation(f, box, provenance=Provenance.MANUAL, keyframe=True) for f in boxes}
    records.update({f: FrameAnnotation(f, None, absent=True, provenance=Provenance.MANUAL, keyframe=True)
                    for f in absent})
    return records


@pytest.mark.parametrize("boxes, absent, fraction, can, scored, train, more", [
    ((0,), range(1, 137), 0.25, False, 0, 102, 1),  # found in the studio: one box and 136 absent frames
    ((0, 5), (), 0.25, False, 1, 0, 1),  # one sample: held out, nothing to train on
    ((0,), (1, 2, 3, 4, 5, 6, 7), 0.5, False, 0, 3, 1),
    ((0, 1, 2, 3), (), 0.25, True, 1, 2, 0),  # 3 samples: floor(2.25) = 2 train, 1 held out
    ((0,), (1,), 0.25, False, 0, 0, 1),  # one absent sample: nothing to train on, nothing to score
    ((0, 1, 2, 3, 4), (), 0.25, True, 1, 3, 0),
    ((0, 10), range(1, 10), 0.25, True, 1, 7, 0),  # the last sample has a box
    ((0,) + tuple(range(1, 4)), range(4, 8), 0.0, False, 0, 7, 0),  # nothing held out on purpose: no problem
])
def test_holdout_check_says_from_the_labels_whether_the_run_can_judge_itself(boxes, absent, fraction, can,
                                                                              scored, train, more):
    from core.distillation.export import holdout_check

    check = holdout_check(_records(boxes, absent), 200, fraction)
    assert (check.can_judge, check.scored, check.train, check.more_needed) == (can, scored, train, more)
    assert (check.problem() is None) == (can or fraction == 0)
    assert check.boxes == len([f for f in boxes if f > 0])  # the first box is the template, no sample


def test_holdout_check_agrees_with_the_items_load_holds_out(tmp_path, distillation_file):
    """The pure check and the fine-tune's split are one rule: an export of one box and absent
    frames after it holds out only absent frames, and the check says so before any export."""
    from core.distillation.dataset import check_holdout
    from core.distillation.export import holdout_check

    _, init, _ = distillation_file
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=12), seed=5)
    records = _records((0,), range(1, 5))
    records[0] = FrameAnnotation(0, sequence.boxes[0], provenance="manual", keyframe=True)
    check = holdout_check(records, len(sequence), 0.25)
    assert not check.can_judge and check.problem().startswith("no held-out frame has a box to score: the last 25% "
                                                              "of the 4 checked frames after the first keyframe "
                                                              "(1 frame, from frame 5 on) are all marked absent")
    assert "at least 1 more frame after frame 5" in check.problem()
    path = run_to_end(export_distillation(sequence, records, tmp_path / "absent.h5",
                                          TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config),
                                          frames_mode="embedded"))
    items = load_items([path], 0.25)
    assert [i.frame for i in items if i.held_out] == [4] and all(i.absent for i in items)
    assert check_holdout([(i.frame, i.absent) for i in items], 0.25, len(sequence)) == check


def test_finetune_says_before_training_when_no_held_out_frame_has_a_box(tmp_path, distillation_file, capsys):
    """Found in the studio: one drawn box and 136 absent frames trained for minutes, then said
    no frame could be held out. The job now says so before the first step, with what to do
    (the command line prints it as a note); the run goes on (a benchmark's tiny view may hold
    out only absent frames), and with nothing held out (--holdout 0) there is nothing to say."""
    import warnings

    from core.distillation.finetune import NoHeldOutCheck
    from main import main

    _, init, _ = distillation_file
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=12), seed=5)
    records = _records((0,), range(1, 5))
    records[0] = FrameAnnotation(0, sequence.boxes[0], provenance="manual", keyframe=True)
    path = run_to_end(export_distillation(sequence, records, tmp_path / "absent.h5",
                                          TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config),
                                          frames_mode="embedded"))
    job = finetune_student(init, [path], tmp_path / "ft.pt", FinetuneConfig(steps=50, batch_size=2, threads=1))
    with pytest.warns(NoHeldOutCheck, match="no held-out frame has a box to score") as said:
        assert next(job).done == 0  # loading, then scoring: no step yet
        scoring = next(job)
    assert scoring.done == 0 and scoring.message == "scoring 1 held-out item before (cpu)"  # was "1 ... items"
    assert "--holdout 0" in str(said[0].message) and "goes on" in str(said[0].message)
    job.close()
    out = tmp_path / "cli.pt"
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "1",
                 "--batch-size", "2", "--threads", "1"]) == 0
    assert "note: no held-out frame has a box to score" in capsys.readouterr().err
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoHeldOutCheck)
        assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "1",
                     "--batch-size", "2", "--threads", "1", "--holdout", "0", "--force"]) == 0
    assert "no held-out frame" not in capsys.readouterr().err



def test_the_words_of_a_run_count_in_the_singular_and_plural():
    """"draw or accept the target's box on at least 1 more frame(s)" (two sequences whose
    held-out frames are all absent) and "(1 training items, 1 steps, 3 s)" read as words."""
    from types import SimpleNamespace

    from core.distillation.finetune import FinetuneResult, HeldOutScore, no_held_out_box

    items = [SimpleNamespace(sequence=name, frame=f, absent=f > 0) for name in ("a", "b") for f in range(8)]
    assert "at least 1 more frame at the end of a sequence" in no_held_out_box(items, 0.25)
    before = HeldOutScore(2, 0.5, 0.5)
    assert FinetuneResult(Path("s.pt"), before, before, train_items=1, steps=1, seconds=3.0).summary().endswith(
        "(1 training item, 1 step, 3 s)")
    assert FinetuneResult(Path("s.pt"), before, before, train_items=4, steps=20, seconds=3.0).summary().endswith(
        "(4 training items, 20 steps, 3 s)")
    # distill --data on a file holding 2 held-out items said "held-out items 2: mean IoU a -> b" as a result
    assert FinetuneResult(Path("s.pt"), before, before, train_items=4, steps=20, seconds=3.0).summary().startswith(
        "held-out items 2 (too few to say whether the student got better or worse): mean IoU 0.500 -> 0.500")
    enough = HeldOutScore(5, 0.5, 0.5)
    assert FinetuneResult(Path("s.pt"), enough, enough, train_items=4, steps=20, seconds=3.0).summary().startswith(
        "held-out items 5: mean IoU")

def test_the_hold_out_advice_never_asks_for_frames_past_the_footage():
    """A 205-frame sequence whose last labelled frames, up to its end, are marked absent: the
    Improve question asked for boxes 'after frame 205', which does not exist."""
    from core.distillation.dataset import check_holdout

    samples = [(f, False) for f in range(0, 150)] + [(f, True) for f in range(150, 205)]
    at_end = check_holdout(samples, 0.2, num_frames=205)
    assert not at_end.can_judge and at_end.more_needed > 0
    problem = at_end.problem()
    assert "after frame 205" not in problem
    assert "frame 205 is the footage's last, so draw or accept the target's box on more frames before it" in problem
    assert "at least 1 more frame after frame 205" in check_holdout(samples, 0.2, num_frames=206).problem()
    only = check_holdout([(7, False)], 0.5, num_frames=8)  # one sample, on the last frame: nothing to train on
    assert only.problem().startswith("only 1 checked frame after the first keyframe")
    assert "frame 8 is the footage's last" in only.problem() and "after frame 8" not in only.problem()
    roomy = check_holdout(samples, 0.2, num_frames=1000).problem()
    assert "at least 1 more frame after frame 205" in roomy
    assert check_holdout(samples, 0.2).problem() == roomy  # length unknown: as before


def test_a_diverging_fine_tune_is_one_line_and_writes_nothing(distillation_file, capsys):
    """``distill --data ... --lr 1e6`` ended in a traceback, 'FloatingPointError: network produced
    non-finite boxes'."""
    from main import main

    path, init, tmp = distillation_file
    out = tmp / "diverged.pt"
    before = init.read_bytes()
    code = main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "4",
                 "--batch-size", "4", "--threads", "1", "--lr", "1e6"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        line for line in err.splitlines() if "diverged at fine-tuning step" in line and "lower --lr" in line], err
    assert "error:" in err and not out.exists() and init.read_bytes() == before


def test_distill_data_writes_beside_the_working_folder_not_into_the_bundled_weights(distillation_file, tmp_path,
                                                                                     monkeypatch, capsys):
    """``distill --data FILE.h5`` without --init / --out wrote ``student_bundled_finetuned.pt`` into the
    folder of the bundled weights (assets/models of the checkout; the installed data files of a wheel)."""
    import shutil

    import core.commands.distill as distill_command
    from main import main

    path, init, _ = distillation_file
    bundled = tmp_path / "models" / "student_bundled.pt"
    bundled.parent.mkdir()
    shutil.copyfile(init, bundled)
    monkeypatch.setattr(distill_command, "DEFAULT_STUDENT", bundled)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["distill", "--data", str(path), "--steps", "1", "--batch-size", "4", "--threads", "1"]) == 0
    out = Path("runs") / "student_bundled_finetuned.pt"
    assert (work / out).is_file()
    assert sorted(p.name for p in bundled.parent.iterdir()) == ["student_bundled.pt"]
    assert f"wrote {out} " in capsys.readouterr().out
