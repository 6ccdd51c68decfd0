"""A tracking batch writes its boxes and the tracker's raw outputs as one transaction.

They were two (the records, then the outputs): a studio killed between them kept the batch's
boxes with no raw outputs, and the 'cut short' note, which walks the run's outputs, stopped a
frame or a batch early. A kill is simulated by an interrupt raised in the second write.
"""
from __future__ import annotations

import numpy as np
import pytest

from app.settings import ModelSettings
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


class Killed(BaseException):
    """The studio killed mid-batch (a BaseException, as a kill is no error to handle)."""


def test_a_batch_killed_between_its_writes_keeps_neither(synthetic, tmp_path, monkeypatch):
    from app.jobs import TrackerPool, track_job

    with AnnotationStore.open(tmp_path / "k.rgbt.sqlite") as store:
        store.put([FrameAnnotation(0, np.asarray(synthetic.boxes[0], float), provenance=Provenance.MANUAL,
                                   keyframe=True)])
        real = store.put_tracker_outputs
        calls = []

        def put_outputs(*args, **kwargs):
            calls.append(args)
            if len(calls) == 3:
                raise Killed
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "put_tracker_outputs", put_outputs)
        job = track_job(TrackerPool(), ModelSettings(tracker="csrt"), synthetic, store, 0, 8)
        with pytest.raises(Killed):
            for _progress in job:
                pass
        tracked = sorted(f for f, r in store.records().items() if r.provenance == Provenance.STUDENT)
        assert tracked == sorted(store.tracker_outputs("csrt")) == [1, 2]
