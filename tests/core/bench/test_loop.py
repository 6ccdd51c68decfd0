"""The scripted studio session used by ``bench loop``: every frame ends human-checked."""
from __future__ import annotations

import warnings

import numpy as np

from core.annotations.records import Provenance
from core.annotations.store import AnnotationStore
from core.bench.loop import annotate_scripted
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.tracking.factory import load_tracker


def test_scripted_session_labels_every_frame(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        student = load_tracker("student", tmp_path / "none.pt", engine="torch", allow_random=True, threads=1)
        teacher = load_tracker("teacher", tmp_path / "none.pt", engine="torch", allow_random=True, threads=1)
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
