"""The studio's distillation export: the frame offset recorded is the one the crops were
cut with, and records at frames the video no longer has are left out with a warning."""
from __future__ import annotations

import pytest

from core.annotations.formats.export import ExportResult
from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore
from core.distillation.reader import DistillationFile
from core.progress import run_to_end
from core.sequences import open_pair

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


def test_studio_export_leaves_out_frames_past_the_end(pair_files, tmp_path):
    from app.dialogs.export_dialog import entry
    from app.settings import ModelSettings

    sequence = open_pair(*pair_files, frame_offset=1)  # the project's pairing, as the studio opens it
    boxes = [FrameAnnotation(f, [40.0, 30.0, 16.0, 16.0], keyframe=True) for f in (0, 2, 4)]
    try:
        with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
            store.put(boxes + [FrameAnnotation(len(sequence) + 3, [40.0, 30.0, 16.0, 16.0])])
            records = store.records()
            result = run_to_end(entry("distillation").factory(
                sequence, records, tmp_path / "d.h5", store, ModelSettings(engine="torch", device="cpu")))
    finally:
        sequence.close()
    assert isinstance(result, ExportResult)
    assert result.warnings == [f"1 annotated frame outside the sequence's {len(sequence)} frames left out "
                               f"(frames {len(sequence) + 4})"]
    with DistillationFile(result.path) as data:
        (name,) = data.sequence_names()
        assert data.sequence_attrs(name).frame_offset == 1
        assert [s.frame for s in data.iter_samples(name)] == [2, 4]
