"""The scripted studio session used by ``bench loop``: every frame ends human-checked."""
from __future__ import annotations

import warnings

import numpy as np

from core.annotations.records import Provenance
from core.annotations.store import AnnotationStore
from core.bench.loop import annotate_scripted
from core.bench.weights import bench_tracker
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence


def test_scripted_session_labels_every_frame(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        student = bench_tracker("student", None, True, threads=1)  # random weights, asked for
        teacher = bench_tracker("teacher", None, True, threads=1)
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=10, challenges=("occlusion",)), seed=3)
    with AnnotationStore.open(tmp_path / "s.rgbt.sqlite") as store:
        stats = run_to_end(annotate_scripted(sequence, student, teacher, store, accept_iou=0.0))
        records = store.records()
        assert sorted(records) == list(range(10))
        assert {r.provenance for r in records.values()} <= {Provenance.MANUAL, Provenance.TEACHER}
        assert stats.teacher_accepted == sum(not sequence.absent[i] for i in range(1, 10))
        assert stats.absent == int(sequence.absent.sum())
        assert len(store.tracker_outputs("student")) == 9 and len(store.tracker_outputs("teacher")) == 9
        assert store.proposals() == {}
        np.testing.assert_allclose(records[0].box, sequence.boxes[0])


def test_loop_command_end_to_end_and_reuse(tmp_path, capsys):
    """The whole loop on a tiny budget (random weights): annotate, export, fine-tune, score;
    a second run with --reuse takes the annotated sequences instead of redoing them."""
    import json

    from main import main

    out = tmp_path / "loop"
    argv = ["bench", "loop", "--random-weights", "--family", "crossover", "--annotate", "1", "--frames", "12",
            "--eval-frames", "6", "--per-family", "1", "--family-eval", "2", "--steps", "2", "--batch-size", "4",
            "--threads", "1", "--out", str(out), "--json", str(tmp_path / "r.json")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(argv) == 0
        first = json.loads((tmp_path / "r.json").read_text())
        assert first["family"] == "crossover" and first["family_eval_sequences"] == ["crossover-0", "crossover-1"]
        assert set(first["sr_before"]) >= {"overall", "family_eval", "crossover", "occlusion"}
        assert first["family_gain"] == round(first["sr_after"]["family_eval"] - first["sr_before"]["family_eval"], 4)
        assert first["finetune"]["config"]["replay"] > 0
        data = out / "crossover-annotated-0.h5"
        stamp = data.stat().st_mtime_ns
        assert first["sr_control"] is None
        assert main(argv + ["--reuse", "--control"]) == 0
        assert data.stat().st_mtime_ns == stamp  # not annotated again
        second = json.loads((tmp_path / "r.json").read_text())
        assert set(second["sr_control"]) == set(second["sr_after"]) and (out / "student_control.pt").is_file()
        assert second["family_gain_over_control"] == round(
            second["sr_after"]["family_eval"] - second["sr_control"]["family_eval"], 4)
    printed = capsys.readouterr().out
    assert "crossover: 2 unseen sequences" in printed and "targets: family gain" in printed
    assert "rehearsal rows only" in printed
    # the split's size as run (--per-family 1: one sequence of each of the 8 families), not the default's
    assert "overall (split, 8 sequences)" in printed and "(split's 1)" in printed
    assert second["split_sequences"] == 8 and second["split_per_family"] == 1


def test_annotating_again_without_reuse_is_a_fresh_session(tmp_path):
    """Without --reuse the family is annotated again (a new file), even when an earlier
    run's record matches; with --reuse the recorded files come back untouched."""
    from argparse import Namespace

    from core.bench.loop import _annotate_family

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        student = bench_tracker("student", None, True, threads=1)  # random weights, asked for
        teacher = bench_tracker("teacher", None, True, threads=1)
    args = Namespace(seed=0, annotate=1, frames=3, accept_iou=0.5, student=None, teacher=None, random_weights=True,
                     reuse=False)
    files, _ = run_to_end(_annotate_family(args, "crossover", student, teacher, tmp_path))
    stamp = files[0].stat().st_mtime_ns
    reused, _ = run_to_end(_annotate_family(Namespace(**{**vars(args), "reuse": True}), "crossover", student,
                                            teacher, tmp_path))
    assert reused == files and files[0].stat().st_mtime_ns == stamp
    fresh, _ = run_to_end(_annotate_family(args, "crossover", student, teacher, tmp_path))
    assert fresh == files and files[0].stat().st_mtime_ns != stamp


def test_a_damaged_reuse_record_is_rebuilt_not_an_error(tmp_path):
    from core.bench.loop import _read_record

    path = tmp_path / "annotations.json"
    assert _read_record(path) is None  # absent
    for damaged in (b"{half", b"\xff\xfe", b"[1, 2]"):
        path.write_bytes(damaged)
        assert _read_record(path) is None
    path.write_text('{"key": {}, "files": []}', encoding="utf-8")
    assert _read_record(path) == {"key": {}, "files": []}
