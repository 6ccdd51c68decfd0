"""What a demanding user of the command line met (each test failed before its fix): messages
that named no file or the wrong problem, and commands that silently did something else than
what was asked."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main

PROJECT = Path(__file__).resolve().parents[2]
TINY_TEACHER = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


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


def _gt_and_results(tmp_path, *runs: str):
    """A --gt folder of one <sequence>.txt and a folder ``<run>/results`` per run, each scoring it
    (the first exactly, the others with a box off target)."""
    gt = tmp_path / "gt"
    gt.mkdir()
    rows = [f"{10 + k},20,30,40" for k in range(6)]
    (gt / "seq.txt").write_text("\n".join(rows) + "\n")
    folders = []
    for k, run in enumerate(runs):
        folder = tmp_path / run / "results"
        folder.mkdir(parents=True)
        mine = rows[:3] + (["200,200,5,5"] if k else rows[3:4]) + rows[4:]
        (folder / "seq.txt").write_text("\n".join(mine) + "\n")
        folders.append(folder)
    return gt, folders


def test_eval_tells_apart_results_folders_of_the_same_name(tmp_path, capsys):
    """``eval runs/a/results runs/b/results`` printed two tables both headed 'tracker: results',
    and the JSON and the plots' legends named both 'results': which score was which run?"""
    gt, folders = _gt_and_results(tmp_path, "a", "b")
    report = tmp_path / "report.json"
    code = main(["eval", *map(str, folders), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "tracker: a/results " in out and "tracker: b/results " in out, out
    names = [r["tracker"] for r in json.loads(report.read_text())["reports"]]
    assert names == ["a/results", "b/results"]


def test_eval_refuses_a_results_folder_given_twice(tmp_path, capsys):
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    again = folder.parent / "." / "results"
    code = main(["eval", str(folder), str(again), "--gt", str(gt), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "is given twice" in line, line


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


def _one_frame_sequence(folder: Path) -> Path:
    """A LasHeR-layout sequence of one frame (96x80) with its ground-truth box."""
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    config = SyntheticConfig(width=96, height=80, num_frames=1)
    run_to_end(write_lasher(SyntheticSequence(config, 3, name=folder.name, cache_frames=0), folder))
    return folder


def test_track_on_one_frame_says_it_tracked_nothing(tmp_path, capsys):
    """A sequence of one frame (or --start-frame on the last frame) ended with 'wrote 1 boxes
    (frames 1..1) to OUT (nan frames/s incl. decoding)' after '1 frames'."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    out = tmp_path / "boxes.txt"
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "one: 1 frame, " in err and "1 frames" not in err, err
    assert err.strip().splitlines()[-1] == f"wrote 1 box (frame 1: the start box; no frame after it to track) to {out}"
    assert "nan" not in err and len(out.read_text().splitlines()) == 1


def test_track_dataset_on_a_one_frame_sequence_says_it_tracked_nothing(tmp_path, capsys):
    """track-dataset said '1 sequences', 's: 1 boxes (0.0 frames/s incl. decoding)', 'wrote 1 results'."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    results = tmp_path / "results"
    assert main(["track-dataset", str(seq.parent), "--results", str(results), "--tracker", "kcf"]) == 0
    err = capsys.readouterr().err
    assert "1 sequence, kcf tracker" in err and "[1/1] one: 1 box (its one frame holds the ground-truth box" in err
    assert "0.0 frames/s" not in err and f"wrote 1 result to {results}" in err, err
    assert len((results / "one.txt").read_text().splitlines()) == 1


@pytest.mark.parametrize("target", ["got10k", "lasot", "vot", "xywh"])
def test_convert_to_one_box_per_frame_says_the_thermal_boxes_are_not_written(tmp_path, capsys, target):
    """Converting an RGBT234 folder (visible.txt and infrared.txt differ) to got10k, lasot, vot or
    xywh wrote the visible boxes alone and left the thermal ground truth out without a word."""
    src = tmp_path / "seq"
    src.mkdir()
    (src / "visible.txt").write_bytes(b"10,10,20,20\r\n11,10,20,20\r\n12,10,20,20\r\n")
    (src / "infrared.txt").write_bytes(b"10,10,20,20\r\n15,12,20,20\r\n16,12,20,20\r\n")
    (src / "init.txt").write_bytes((src / "visible.txt").read_bytes())
    dst = tmp_path / ("out.txt" if target == "xywh" else "out")
    assert main(["convert", str(src), str(dst), "--to", target]) == 0
    err = capsys.readouterr().err
    assert (f"note: the thermal ground truth differs from the visible one on 2 frame(s) (2, 3); {target} holds one "
            "box per frame: only the visible boxes are written") in err, err


def test_convert_to_a_two_box_target_says_nothing_of_thermal_boxes(tmp_path, capsys):
    src = tmp_path / "seq"
    src.mkdir()
    (src / "visible.txt").write_text("10,10,20,20\n11,10,20,20\n")
    (src / "infrared.txt").write_text("14,10,20,20\n15,12,20,20\n")
    assert main(["convert", str(src), str(tmp_path / "out"), "--to", "gtot"]) == 0
    assert "thermal ground truth" not in capsys.readouterr().err
    assert (tmp_path / "out" / "groundTruth_i.txt").read_text().splitlines()[0] == "14 10 34 30"


def _studio_store_of(folder: Path, frames: int) -> Path:
    """The annotated sequence of ``tests/core/safety`` with the meta the studio writes on opening."""
    from core.annotations.store import AnnotationStore
    from tests.core.safety.conftest import make_sequence

    make_sequence(folder, frames=frames)
    store = folder / f"{folder.name}.rgbt.sqlite"
    with AnnotationStore.open(store) as opened:
        opened.set_meta("sequence_name", folder.name)
        opened.set_meta("num_frames", frames)
    return store


def test_export_distill_refuses_the_store_of_another_sequence(tmp_path, capsys):
    """``export-distill B --store A/A.rgbt.sqlite`` wrote A's boxes as training labels on B's frames
    without a word."""
    store = _studio_store_of(tmp_path / "a", 8)
    other = tmp_path / "b"
    from tests.core.safety.conftest import make_sequence

    make_sequence(other, frames=6)
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(other), "--store", str(store), "--out", str(out), "--random-weights"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {store}: is the project of a (8 frames), not of b (6 frames)"), line
    assert not out.exists()


def test_export_distill_notes_a_store_recorded_under_another_name(tmp_path, capsys):
    store = _studio_store_of(tmp_path / "a", 6)
    renamed = tmp_path / "renamed"
    store.rename(tmp_path / "a" / "renamed.rgbt.sqlite")
    (tmp_path / "a").rename(renamed)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(renamed), "--out", str(out), "--random-weights"]) == 0
    err = capsys.readouterr().err
    assert f"note: {renamed / 'renamed.rgbt.sqlite'} was made for a (6 frames); exporting it on renamed (6 frames)" in err
    assert out.is_file()


def test_export_distill_with_another_frame_offset_says_nothing_of_the_store(tmp_path, capsys):
    """Its own store, paired with another --frame-offset (fewer common frames), is no other sequence's."""
    store = _studio_store_of(tmp_path / "a", 8)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(store.parent), "--out", str(out), "--random-weights", "--frame-offset", "1"]) == 0
    assert "was made for" not in capsys.readouterr().err
    assert out.is_file()


def test_export_distill_takes_a_sequence_folder_given_twice(tmp_path, capsys):
    """``export-distill SEQ SEQ`` (as track takes it: 'or the same sequence folder again') was read as
    a visible and a thermal image folder: 'SEQ: folder holds no images'."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=6)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(seq), str(seq), "--out", str(out), "--random-weights"]) == 0, \
        capsys.readouterr().err
    assert out.is_file()


@pytest.mark.parametrize("source_format", ["corners", "gtot"])
def test_convert_from_corners_refuses_polygon_rows(tmp_path, capsys, source_format):
    """A VOT polygon file given as corners (``--from corners`` / ``gtot``) was read as the polygon's
    bounding box, then as corners x1 y1 x2 y2: a 20x30 box came out as 10x20, without a word."""
    src = tmp_path / "boxes.txt"
    src.write_text("10,10,30,10,30,40,10,40\n11,10,31,10,31,40,11,40\n")
    out = tmp_path / "out.txt"
    code = main(["convert", str(src), str(out), "--from", source_format, "--to", "xywh"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {src}, line 1: expected 4 values (x1 y1 x2 y2) per row, got 8", line
    assert not out.exists()


def test_a_gtot_folder_with_polygon_rows_is_refused(tmp_path):
    from core.annotations.formats.groundtruth import load_ground_truth
    from core.errors import AnnotationFormatError

    (tmp_path / "groundTruth_v.txt").write_text("10 10 30 10 30 40 10 40\n")
    with pytest.raises(AnnotationFormatError, match="line 1: expected 4 values"):
        load_ground_truth(tmp_path, "gtot")


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


def test_track_dataset_tracks_a_sequence_named_twice_once(tmp_path, capsys):
    """``--sequences a,a`` tracked 'a' twice ('2 sequences', '[1/2] a', '[2/2] a', 'wrote 2 results'),
    with --jobs in two worker processes writing one results file."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    results = tmp_path / "results"
    assert main(["track-dataset", str(seq.parent), "--results", str(results), "--tracker", "kcf",
                 "--sequences", "one,one"]) == 0
    err = capsys.readouterr().err
    assert "1 sequence, kcf tracker" in err and "[2/" not in err and f"wrote 1 result to {results}" in err, err


@pytest.mark.parametrize("value,problem", [("newdir/", "ends with a slash"), ("", "is empty"),
                                           ("-", "'-' (standard output) is not supported")])
def test_an_output_file_named_like_a_folder_or_stdout_is_refused(value, problem, tmp_path, capsys, monkeypatch):
    """``track --out results/`` wrote a FILE named 'results', ``--out -`` a file named '-', and
    ``--out ''`` was refused as '.: --out is a folder'."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["track", str(seq), "--tracker", "kcf", "--out", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "error: argument --out: " in err and problem in err, err
    assert not (tmp_path / "newdir").exists() and not (tmp_path / "-").exists()


@pytest.mark.parametrize("argv", [["export-distill", "{seq}", "--out", "x/"], ["average-weights", "a.pt", "b.pt",
                                  "--out", "x/"], ["resize-crops", "a.pt", "--template", "64", "--search", "128",
                                  "--out", "x/"], ["import-weights", "a.pth.tar", "x/", "--kind", "mplt"],
                                  ["eval", "{seq}", "--gt", "{seq}", "--protocol", "lasher", "--json", "x/"],
                                  ["pseudo-labels", "x/"], ["track", "{seq}", "--out", "b.txt", "--scores", "x/"]])
def test_every_output_file_option_refuses_a_trailing_slash(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # what a command would write as 'x' goes there
    with pytest.raises(SystemExit) as stop:
        main([a.replace("{seq}", str(tmp_path)) for a in argv])
    assert stop.value.code == 2 and "ends with a slash" in capsys.readouterr().err


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


def test_export_distill_says_when_the_file_holds_no_training_sample(tmp_path, capsys):
    """A store whose only checked frame is the first keyframe (the template) gave 'wrote FILE' and
    nothing more; distill --data then said the file 'holds no human-checked frame', though one was
    drawn."""
    from core.annotations.store import AnnotationStore
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=4)
    store = seq / "seq.rgbt.sqlite"
    with AnnotationStore.open(store) as opened:
        opened.delete([1, 2, 3])  # the first keyframe alone
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(seq), "--out", str(out), "--random-weights"]) == 0
    captured = capsys.readouterr()
    assert f"note: {store}: no training sample: samples are the frames after the first keyframe" in captured.err
    assert f"wrote {out} (0 training samples)" in captured.out
    code = main(["distill", "--data", str(out), "--out", str(tmp_path / "ft.pt"), "--steps", "1"])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and "holds no human-checked frame after the first keyframe" in line, line


def test_eval_on_a_results_file_says_it_is_a_file(tmp_path, capsys):
    """``eval results/seq.txt ...`` (one results file instead of its folder) said 'results folder not
    found'."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    code = main(["eval", str(folder / "seq.txt"), "--gt", str(gt), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {folder / 'seq.txt'}: RESULTS_DIR is a file"), line


def test_eval_dataset_root_that_is_a_sequence_folder_says_so(tmp_path, capsys):
    """``--dataset-root data/seq`` (the sequence, not the dataset holding it) said "no ground truth for
    sequence 'seq' (neither seq/ nor seq.txt)", though its ground truth is right there."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    results = tmp_path / "results"
    results.mkdir()
    (results / "seq.txt").write_text("1,1,5,5\n1,1,5,5\n1,1,5,5\n")
    code = main(["eval", str(results), "--dataset-root", str(seq), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--dataset-root is itself a sequence folder" in line and str(seq.parent) in line, line


def test_convert_says_what_frames_cuts_off(tmp_path, capsys):
    """``convert ... --frames 5`` of a 12-row file wrote 5 rows after '12 frames read', without a word
    about the 7 left out."""
    src = tmp_path / "boxes.txt"
    src.write_text("".join(f"{10 + k},10,20,20\n" for k in range(12)))
    out = tmp_path / "out.txt"
    assert main(["convert", str(src), str(out), "--to", "xywh", "--frames", "5"]) == 0
    assert "note: --frames 5 leaves out the 7 annotated frame(s) after frame 5 (not written)" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 5


def test_a_bad_ground_truth_line_is_quoted_as_written(tmp_path):
    """'line 3: not a number in '1 2 x 4'' quoted a line the file does not hold (its commas turned to
    spaces): the user searching the file for it found nothing."""
    from core.annotations.formats.text import read_boxes
    from core.errors import AnnotationFormatError

    path = tmp_path / "groundtruth.txt"
    path.write_text("1,2,3,4\n1;2;3;4\n1,2,x,4\n")
    with pytest.raises(AnnotationFormatError) as caught:
        read_boxes(path)
    assert str(caught.value) == f"{path}, line 3: not a number in '1,2,x,4'"


def test_a_vtuav_ir_file_of_other_rows_is_refused(tmp_path):
    """A VTUAV ir.txt with fewer rows than rgb.txt gave the later frames the visible box as their
    thermal box without a word (RGBT234's and GTOT's files are checked row for row)."""
    from core.annotations.formats.groundtruth import load_ground_truth
    from core.errors import AnnotationFormatError

    (tmp_path / "rgb.txt").write_text("10 10 20 20\n12 10 20 20\n14 10 20 20\n")
    (tmp_path / "ir.txt").write_text("11 11 20 20\n")
    with pytest.raises(AnnotationFormatError, match="has 1 rows but rgb.txt has 3"):
        load_ground_truth(tmp_path, "vtuav")


def test_track_modality_with_the_student_is_refused(tmp_path, capsys):
    """``track --modality thermal`` with the student (the default tracker) was ignored: the network
    was fed both streams, not the thermal one asked for."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    out = tmp_path / "b.txt"
    code = main(["track", str(seq), "--modality", "thermal", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--modality applies to the OpenCV trackers" in line and "--streams thermal" in line, line
    assert not out.exists()


@pytest.mark.parametrize("command", ["track", "track-dataset"])
@pytest.mark.parametrize("option", [["--engine", "onnx"], ["--device", "cuda"], ["--random-weights"]])
def test_engine_options_with_an_opencv_tracker_are_refused(command, option, tmp_path, capsys):
    """``--tracker kcf --device cuda`` (or --engine onnx, --random-weights) was ignored: KCF ran on the
    CPU with OpenCV whatever was asked."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    out = tmp_path / "out"
    argv = (["track", str(seq), "--out", str(out)] if command == "track"
            else ["track-dataset", str(seq.parent), "--results", str(out)])
    code = main(argv + ["--tracker", "kcf", *option])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and option[0] in line and "apply to the student and teacher, not to" in line, line
    assert not out.exists()


def test_eval_json_never_becomes_a_result_of_the_results_folder(tmp_path, capsys):
    """``--json results/report.txt`` wrote the JSON report as one more <sequence>.txt in the results
    folder; the next eval of that folder stopped on it ("report.txt, line 1: not a number in '{'")."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    report = folder / "report.txt"
    code = main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--json would be a .txt file in the results folder" in line, line
    assert not report.exists()
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--json",
                 str(folder / "report.json")]) == 0  # beside the results, under another suffix: never read as one


def test_export_distill_of_a_folder_named_with_a_non_utf8_byte_is_one_line(tmp_path, capsys):
    """A sequence folder named with a Latin-1 byte (b'caf\\xe9' on Linux) ended export-distill in h5py's
    'UnicodeEncodeError: surrogates not allowed' traceback."""
    import os
    import sys

    from tests.core.safety.conftest import make_sequence

    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    seq = make_sequence(tmp_path / "seq", frames=4)
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9"))
    seq.rename(odd)
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(odd), "--store", str(odd / "seq.rgbt.sqlite"), "--out", str(out),
                 "--random-weights"])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and "is not valid UTF-8 text" in line and "rename the folder" in line, line
    assert not out.exists()


def _latin1_named(parent: Path, stem: bytes) -> Path:
    """A path under ``parent`` whose last part holds the byte 0xff (not valid UTF-8); skips where the
    file system takes only valid Unicode names."""
    import os
    import sys

    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    return Path(os.fsdecode(os.fsencode(str(parent)) + b"/" + stem + b"\xff"))


def test_a_video_under_a_non_utf8_folder_is_one_line_not_a_crash(tmp_path):
    """``track FOLDER`` on a video pair in a folder named with a Latin-1 byte ended the process with a
    segmentation fault in cv2.VideoCapture: no message at all (exit status -11)."""
    import shutil

    from core.cli import main as cli_main
    from tests.core.safety.conftest import run_cli_process

    made = tmp_path / "made"
    assert cli_main(["synth", str(made), "--frames", "3", "--size", "64x48", "--layout", "video"]) == 0
    folder = _latin1_named(tmp_path, b"pair")
    shutil.copytree(made / "synthetic-0", folder)
    done = run_cli_process(["track", folder, "--tracker", "kcf", "--out", tmp_path / "b.txt"], timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "is not valid UTF-8 text" in done.stderr and "Traceback" not in done.stderr


def test_layout_exports_into_a_non_utf8_folder_do_not_crash(tmp_path):
    """The studio's GOT-10k / LaSOT / LasHeR exports of a sequence named with a Latin-1 byte (or into
    such a folder) ended the process with a segmentation fault in cv2.imwrite, and the marker text
    in a UnicodeEncodeError."""
    import subprocess
    import sys

    from tests.core.safety.conftest import make_sequence

    source = _latin1_named(tmp_path, b"seq")
    make_sequence(tmp_path / "seq", frames=3).rename(source)
    script = (
        "import os, sys\n"
        "from core.sequences import open_sequence\n"
        "from core.annotations.formats.export import export_got10k, export_lasot, export_rgbt_native\n"
        "from core.progress import run_to_end\n"
        "source, out = (os.fsdecode(os.fsencode(a)) for a in sys.argv[1:3])\n"
        "s = open_sequence(source)\n"
        "from core.annotations.formats.annotation_export import export_annotation_files\n"
        "for name, job in (('got', export_got10k), ('lasot', export_lasot), ('lasher', export_rgbt_native)):\n"
        "    run_to_end(job(s, s.ground_truth(), out + name))\n"
        "run_to_end(export_annotation_files(s, s.ground_truth(), out + 'files', target='xywh'))\n"
        "print('done')\n")
    out = str(_latin1_named(tmp_path, b"out"))
    env = {**__import__("os").environ, "PYTHONPATH": str(PROJECT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script, str(source), out], capture_output=True, text=True,
                          timeout=120, env=env, cwd=str(PROJECT), errors="backslashreplace")
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-2000:])
    got = Path(out + "got")
    assert (got / "list.txt").read_text(encoding="utf-8").split() == ["seq_", "seq_-thermal"]
    assert len(list((got / "seq_").glob("*.jpg"))) == 3


def test_safe_component_turns_a_non_utf8_byte_into_an_underscore():
    import os

    from core.fileio import safe_component

    assert safe_component(os.fsdecode(b"caf\xe9")) == "caf_"


def test_synth_into_a_non_utf8_folder_is_one_line_not_a_crash(tmp_path):
    """``synth OUT_DIR`` with a Latin-1 byte in OUT_DIR ended the process with a segmentation fault in
    OpenCV's writers (exit status -11, no message)."""
    from tests.core.safety.conftest import run_cli_process

    out = _latin1_named(tmp_path, b"synth")
    done = run_cli_process(["synth", out, "--frames", "2", "--size", "64x48"], timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "is not valid UTF-8 text" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("content", [b"", b"\n\n"], ids=["empty", "blank"])
def test_convert_of_an_empty_file_is_one_line(content, tmp_path, capsys):
    """An empty (or blank) box file converted into empty output files with status 0 and '0 frames read'."""
    src = tmp_path / "boxes.txt"
    src.write_bytes(content)
    out = tmp_path / "out"
    code = main(["convert", str(src), str(out), "--to", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {src}: holds no box rows (the file is empty or blank): nothing to convert"
    assert not out.exists()


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


def test_a_sequence_folder_given_as_one_stream_of_a_pair_says_so(tmp_path, capsys):
    """``track SEQ_A SEQ_B`` (two sequence folders, or a sequence folder and a frame folder) said
    'SEQ_A: folder holds no images', though SEQ_A holds a whole sequence."""
    from tests.core.safety.conftest import make_sequence

    a = make_sequence(tmp_path / "a", frames=3)
    b = make_sequence(tmp_path / "b", frames=3)
    code = main(["track", str(a), str(b / "infrared"), "--tracker", "kcf", "--init", "10,10,8,8", "--out",
                 str(tmp_path / "o.txt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {a}: is a whole sequence folder (lasher layout)"), line
