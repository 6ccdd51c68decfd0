"""Two exports of one sequence (the studio's Improve writes one each time; export-distill run
again after more labelling) fine-tuned together: each file held out its own last quarter, so the
longer export trained on the frames the shorter one held out, and the run's "after" score was of
frames it had learned. The hold-out is cut over the sequence's samples of all the files, and a
frame in several files is read once, from the last."""
from __future__ import annotations

import pytest
import torch

from core.annotations.records import FrameAnnotation
from core.distillation.dataset import RepeatedFrames, load_items
from core.distillation.export import TeacherRunner, export_distillation
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.tracking.engines import TorchEngine


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two")
    torch.manual_seed(0)
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=24), seed=5)
    written = []
    for last in (12, 24):  # labelled up to frame 11, then, later, up to frame 23
        records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(last)
                   if not sequence.absent[i]}
        written.append(run_to_end(export_distillation(sequence, records, tmp / f"upto{last}.h5", runner,
                                                      frames_mode="embedded")))
    return written


def test_no_frame_held_out_in_one_export_trains_from_the_other(exports):
    short, long = exports
    with pytest.warns(RepeatedFrames, match=r"the same frames more than once \(\d+ frames of synthetic-5\)"):
        items = load_items([short, long], holdout_fraction=0.25)
    frames = [item.frame for item in items]
    assert len(frames) == len(set(frames))  # each frame once
    held = {item.frame for item in items if item.held_out}
    trained = {item.frame for item in items if not item.held_out}
    assert held and trained and min(held) > max(trained)  # one temporal cut over both files
    alone = load_items([long], holdout_fraction=0.25)  # the longer file covers the shorter: the same split
    assert [(i.frame, i.held_out) for i in items] == [(i.frame, i.held_out) for i in alone]


def test_frames_are_read_from_the_last_file_given(exports):
    short, long = exports
    with pytest.warns(RepeatedFrames):
        items = load_items([long, short], holdout_fraction=0.0)
    from_short = {i.frame for i in load_items([short], holdout_fraction=0.0)}
    assert sorted(i.frame for i in items) == sorted({i.frame for i in load_items([long], holdout_fraction=0.0)})
    assert from_short  # those frames come after the long file's others, read from the short file
    assert [i.frame for i in items][-len(from_short):] == sorted(from_short)
