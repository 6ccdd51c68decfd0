"""The studio keeps big undo steps below the newest as columns, and undoes them all the same."""
from __future__ import annotations

from core.annotations.history import SetRecords
from core.annotations.record_columns import RecordRows
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore

FRAMES = 400


def _step(shift: float, provenance: Provenance) -> SetRecords:
    return SetRecords([FrameAnnotation(f, (10.0 + f, 10.0 + shift, 20.0, 20.0), provenance=provenance,
                                       confidence=0.5) for f in range(FRAMES)], label="import")


def test_big_steps_below_the_newest_are_compacted_and_undone(qtbot, tmp_path):
    from app.document import Document
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=FRAMES), seed=1)
    store = AnnotationStore.open(tmp_path / "u.rgbt.sqlite")
    document = Document(sequence, store)
    try:
        first, second, third = (_step(s, p) for s, p in ((0.0, Provenance.IMPORTED), (3.0, Provenance.STUDENT),
                                                          (6.0, Provenance.MANUAL)))
        assert document.execute(first) and document.execute(second)
        assert isinstance(first.records, RecordRows)  # replaced on screen by the second
        assert type(second.records) is list  # the newest, on screen
        assert document.execute(third)
        assert isinstance(second.records, RecordRows)
        for expected in (second, first):
            assert document.undo()
            want = {r.frame: r for r in expected.records}
            assert document.records == want == store.records()
        assert document.undo() and document.records == {} == store.records()
        for expected in (first, second, third):
            assert document.redo()
            assert document.records == {r.frame: r for r in expected.records} == store.records()
    finally:
        document.close()
