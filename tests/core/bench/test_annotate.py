"""``bench annotate``: the simulated annotator (tracker modes, teacher refinement,
interpolation only), the figures, the command."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.bench import annotate
from core.bench.annotate import (
    Item,
    SequenceResult,
    annotate_by_interpolation,
    annotate_with,
    final_iou,
    frames_to_failure,
    refined_segment,
    summarise,
    valid_rows,
)
from core.bench.annotator import restart_frames
from core.progress import run_to_end


def _gt(n=30, velocity=(2.0, 0.0)):
    return np.array([[10 + velocity[0] * i, 20 + velocity[1] * i, 10, 10] for i in range(n)], dtype=np.float64)


def _segment_from(predict):
    """A fake tracker: predict(start, frame, init_box) -> box, from ``start`` to the end."""
    def segment(start, box, n=30):
        for frame in range(start + 1, n):
            yield frame, predict(start, frame, box), 1.0
    return segment


def test_a_perfect_tracker_needs_no_correction():
    gt = _gt()
    boxes, keys, tracked = run_to_end(annotate_with(_segment_from(lambda s, f, b: gt[f]), gt))
    assert keys == [0] and tracked == 29 and np.allclose(boxes, gt)


def test_a_frozen_tracker_is_corrected_where_it_falls_below_half_overlap():
    gt = _gt()  # moves 2 px a frame, 10 px wide: a frozen box is at IoU 0.67 after 1 frame, 0.43 after 2
    boxes, keys, _ = run_to_end(annotate_with(_segment_from(lambda s, f, b: b), gt))
    assert keys == list(range(0, 30, 2))  # a correction every 2 frames
    valid = valid_rows(gt)
    scores = final_iou(boxes, gt, valid)
    assert scores[2] == 1.0 and scores.min() >= 0.5 and np.all(scores[[1, 3, 5]] < 1)


def test_absent_frames_are_not_checked_and_the_first_box_waits_for_the_target():
    gt = _gt()
    gt[:3] = 0  # not visible yet
    gt[10:14] = 0  # absent for a while
    predictions = {}

    def predict(start, frame, box):
        predictions[frame] = start
        return np.array([500.0, 500, 10, 10]) if 10 <= frame < 14 else gt[frame]

    boxes, keys, _ = run_to_end(annotate_with(_segment_from(predict), gt))
    assert keys == [3] and min(predictions) == 4
    assert np.isnan(boxes[:3]).all()


def test_interpolation_adds_keyframes_until_every_frame_holds():
    gt = _gt(40)
    gt[20:] += [0, 30, 0, 0]  # a jump in the middle: linear boxes fail around it
    boxes, keys = annotate_by_interpolation(gt)
    assert keys[0] == 0 and keys[-1] == 39 and 19 in keys and 20 in keys
    assert final_iou(boxes, gt, valid_rows(gt)).min() >= 0.5
    straight, keys = annotate_by_interpolation(_gt(40))  # constant velocity: the two end keyframes suffice
    assert keys == [0, 39] and np.allclose(straight, _gt(40))


class _Step:
    def __init__(self, frame, box, confidence):
        self.frame, self.box, self.confidence = frame, np.asarray(box, dtype=float), confidence


class _Scripted:
    """A tracker whose boxes and confidences are fixed per frame (``track_sequence`` API)."""

    def __init__(self, boxes, confidences):
        self.boxes, self.confidences = boxes, confidences
        self.inits = []

    def init(self, pair, box):
        self.inits.append(pair)
        return pair

    def track(self, pair, state):
        class R:
            pass
        r = R()
        r.box, r.confidence, r.state = self.boxes[pair], self.confidences[pair], pair
        return r


def test_teacher_refinement_replaces_low_confidence_frames_from_its_anchor():
    gt = _gt(12)
    sequence = list(range(12))  # frames are their indices for the scripted trackers
    student_boxes = {f: gt[f] + [0, 30, 0, 0] if 5 <= f < 8 else gt[f] for f in range(12)}
    confidences = {f: 0.1 if 5 <= f < 8 else 0.9 for f in range(12)}
    student = _Scripted(student_boxes, confidences)
    teacher = _Scripted({f: gt[f] for f in range(12)}, {f: 0.8 for f in range(12)})
    segment = refined_segment(student, teacher, sequence, reach=50)
    boxes, keys, _ = run_to_end(annotate_with(lambda s, b: segment(s, b), gt))
    assert keys == [0]  # the teacher's boxes replaced the student's wrong ones
    assert teacher.inits == [0]  # anchored on the keyframe (within reach)
    assert np.allclose(boxes, gt)
    student2 = _Scripted(student_boxes, confidences)
    teacher2 = _Scripted({f: gt[f] for f in range(12)}, {f: 0.8 for f in range(12)})
    run_to_end(annotate_with(lambda s, b: refined_segment(student2, teacher2, sequence, reach=2)(s, b), gt))
    assert teacher2.inits == [4]  # keyframe too far back: from the frame before the low run


def test_summary_is_frame_weighted():
    results = [SequenceResult("kcf", "real", "a", 100, 5, 0.8, 99, 1.0),
               SequenceResult("kcf", "real", "b", 300, 3, 0.6, 299, 2.0)]
    (row,) = summarise(results)
    assert row.frames == 400 and row.corrections == 8 and row.corrections_per_100 == 2.0
    assert row.mean_iou == pytest.approx((80 + 180) / 400)


def test_restarts_start_on_scored_frames_with_room_for_the_cap():
    gt = _gt(30)
    gt[4] = 0  # absent: never a start
    assert restart_frames(gt, every=2, cap=10) == [0, 2, 6, 8, 10, 12, 14, 16, 18]
    gt[:3] = 0  # counted from the first scored frame
    assert restart_frames(gt, every=5, cap=10) == [3, 8, 13, 18]
    assert restart_frames(gt, every=5, cap=40) == []


def test_frames_to_failure_counts_to_the_first_box_below_half_overlap_or_the_cap():
    gt = _gt(30)  # moves 2 px a frame, 10 px wide
    frozen = run_to_end(frames_to_failure(_segment_from(lambda s, f, b: b), gt, every=5, cap=10))
    assert frozen.tolist() == [2, 2, 2, 2]  # IoU 0.67 after one frame, 0.43 after two
    perfect = run_to_end(frames_to_failure(_segment_from(lambda s, f, b: gt[f]), gt, every=5, cap=10))
    assert perfect.tolist() == [10, 10, 10, 10]
    # off the target on frames 12-19: the start at 0 holds its 10 frames, the later ones fail at 12 or 16
    drifting = _segment_from(lambda s, f, b: gt[f] + (np.array([50.0, 0, 0, 0]) if 12 <= f < 20 else 0))
    assert run_to_end(frames_to_failure(drifting, gt, every=5, cap=10)).tolist() == [10, 7, 2, 1]


def test_summary_weighs_the_restarts_by_their_number():
    results = [SequenceResult("kcf", "real", "a", 100, 5, 0.8, 99, 1.0, 10, 20.0, 0.1),
               SequenceResult("kcf", "real", "b", 300, 3, 0.6, 299, 2.0, 30, 40.0, 0.5),
               SequenceResult("kcf", "real", "c", 50, 0, 0.9, 49, 0.5)]  # too short to restart in
    (row,) = summarise(results)
    assert row.restarts == 40
    assert row.frames_to_failure == pytest.approx((200 + 1200) / 40)
    assert row.held == pytest.approx((1 + 15) / 40)
    table = annotate.format_table([row], (0.0, 0.0), restart_cap=50)
    assert "to fail" in table and "35.0" in table
    assert "to fail" not in annotate.format_table([row], (0.0, 0.0))


def test_the_command_on_synthetic_sequences(tmp_path, capsys, monkeypatch):
    from core.cli import main
    from core.synthetic import SyntheticConfig, SyntheticSequence

    def tiny(frames, per_family):
        config = SyntheticConfig(width=128, height=96, num_frames=frames)
        return [Item("synthetic", f"s{k}", frames, lambda k=k: SyntheticSequence(config, seed=k)) for k in range(2)]

    monkeypatch.setattr(annotate, "synthetic_set", tiny)
    out = tmp_path / "annotate.json"
    code = main(["bench", "annotate", "--sets", "synthetic", "--synthetic-frames", "20",
                 "--modes", "kcf,csrt,interpolation,student", "--random-weights", "--json", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "corr/100" in text and "interpolation" in text
    data = json.loads(out.read_text())
    assert [r["mode"] for r in data["rows"]] == ["kcf", "csrt", "interpolation", "student"]
    for row in data["rows"]:
        assert row["frames"] == 40 and 0.0 <= row["mean_iou"] <= 1.0 and row["corrections"] >= 0
    assert len(data["sequences"]) == 8
    assert all(r["restarts"] == 0 for r in data["rows"])


def test_the_command_restarts_each_tracker_mode(tmp_path, capsys, monkeypatch):
    from core.cli import main
    from core.synthetic import SyntheticConfig, SyntheticSequence

    def tiny(frames, per_family):
        config = SyntheticConfig(width=128, height=96, num_frames=frames)
        return [Item("synthetic", "s0", frames, lambda: SyntheticSequence(config, seed=0))]

    monkeypatch.setattr(annotate, "synthetic_set", tiny)
    out = tmp_path / "annotate.json"
    code = main(["bench", "annotate", "--sets", "synthetic", "--synthetic-frames", "30", "--modes",
                 "kcf,interpolation", "--restarts-every", "5", "--restart-cap", "10", "--json", str(out)])
    assert code == 0
    assert "to fail" in capsys.readouterr().out
    data = json.loads(out.read_text())
    kcf, interpolation = data["rows"]
    assert kcf["restarts"] == 4 and 1 <= kcf["frames_to_failure"] <= 10 and 0 <= kcf["held"] <= 1
    assert interpolation["restarts"] == 0
    assert interpolation["frames_to_failure"] is None and interpolation["held"] is None  # strict JSON, no NaN
    assert data["restarts_every"] == 5 and data["restart_cap"] == 10
    assert main(["bench", "annotate", "--restarts-every", "-1"]) == 2


def test_unknown_modes_and_sets_are_one_line_errors(capsys):
    from core.cli import main

    assert main(["bench", "annotate", "--modes", "siamese"]) == 2
    assert "unknown mode" in capsys.readouterr().err
    assert main(["bench", "annotate", "--sets", "imaginary"]) == 2


@pytest.mark.real_data
def test_the_real_validation_split_opens(shared_data):
    items, notes = annotate.real_set(data_root=shared_data)
    assert len(items) >= 8, notes
    assert {i.set for i in items} == {"real"}
