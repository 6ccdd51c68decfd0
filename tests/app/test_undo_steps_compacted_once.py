"""Each undo step below the newest is judged for compaction once, and again only when enough of
its records left the screen for the verdict to differ (``app.undo_entry.StepCompaction``)."""
from __future__ import annotations

import pytest

from core.annotations.history import SetRecords
from core.annotations.record_columns import RecordRows
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore

FRAMES = 400


def _records(frames, shift: float, provenance: Provenance = Provenance.MANUAL) -> list[FrameAnnotation]:
    return [FrameAnnotation(f, (10.0 + f, 10.0 + shift, 20.0, 20.0), provenance=provenance) for f in frames]


@pytest.fixture
def document(qtbot, tmp_path):
    from app.document import Document
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=FRAMES), seed=1)
    document = Document(sequence, AnnotationStore.open(tmp_path / "c.rgbt.sqlite"))
    yield document
    document.close()


@pytest.fixture
def examined(monkeypatch):
    """command -> how often compact_records looked at it."""
    import app.undo_entry

    counts: dict[int, int] = {}
    real = app.undo_entry.compact_records

    def counting(command, current):
        counts[id(command)] = counts.get(id(command), 0) + 1
        return real(command, current)

    monkeypatch.setattr(app.undo_entry, "compact_records", counting)
    return counts


def test_a_big_step_still_on_screen_is_looked_at_once_over_many_edits(document, examined):
    """An import of 400 boxes, then 30 one-box edits inside it: the import stays on screen (kept
    as records) and was counted again on each of the 30 pushes (7-10 ms each at 40,000 frames)."""
    imported = SetRecords(_records(range(FRAMES), 0.0, Provenance.IMPORTED), label="import")
    assert document.execute(imported)
    for frame in range(100, 130):
        assert document.execute(SetRecords(_records([frame], 5.0)))
    assert examined[id(imported)] == 1
    assert type(imported.records) is list  # 370 of its 400 records still shown
    for _ in range(31):
        assert document.undo()
    assert document.records == {} == document.store.records()
    for _ in range(31):
        assert document.redo()
    assert document.records == document.store.records()
    assert document.records[129].box[1] == 15.0 and document.records[130].box[1] == 10.0


def test_a_big_step_is_compacted_at_the_push_that_takes_the_last_half_of_it_off_screen(document, examined):
    """As before the memo: kept while at least half its records are shown, compacted at the first
    push after fewer are; the one-box edits between are not looked at again."""
    imported = SetRecords(_records(range(FRAMES), 0.0, Provenance.IMPORTED), label="import")
    assert document.execute(imported)
    assert document.execute(SetRecords(_records(range(199), 5.0), label="first half"))  # 201 of 400 shown
    assert document.execute(SetRecords(_records([300], 5.0)))
    assert type(imported.records) is list
    assert examined[id(imported)] == 1
    assert document.execute(SetRecords(_records([301, 302], 5.0)))  # 198 of 400 shown
    assert document.execute(SetRecords(_records([303], 5.0)))
    assert isinstance(imported.records, RecordRows)
    assert examined[id(imported)] == 2
    for _ in range(4):
        assert document.undo()
    assert document.records == {r.frame: r for r in _records(range(FRAMES), 0.0, Provenance.IMPORTED)}
    assert document.records == document.store.records()


def test_a_step_whose_records_come_back_by_undo_and_redo_is_judged_again(document, examined):
    """Undo and redo put a step's own records back on screen: its verdict is not kept blindly."""
    imported = SetRecords(_records(range(FRAMES), 0.0, Provenance.IMPORTED), label="import")
    retrack = SetRecords(_records(range(FRAMES), 5.0, Provenance.STUDENT), label="track")
    assert document.execute(imported) and document.execute(SetRecords(_records([7], 9.0)))
    assert document.undo() and document.undo()  # the edit, then the import
    assert document.redo()  # the import back, the newest
    assert document.execute(retrack)  # the edit's redo dropped; the import off screen
    assert isinstance(imported.records, RecordRows)
    assert document.execute(SetRecords(_records([7], 9.0)))
    assert type(retrack.records) is list  # 399 of 400 shown
    assert document.undo() and document.undo()
    assert document.records == {r.frame: r for r in _records(range(FRAMES), 0.0, Provenance.IMPORTED)}


def test_many_changes_between_two_pushes_count_as_all(document, examined, monkeypatch):
    """A window that re-reads its frames without pushing a step (read-only, another window editing)
    keeps no unbounded list of them: past KEPT_CHANGES they count as all, and every step is judged."""
    from app.undo_entry import StepCompaction

    monkeypatch.setattr(StepCompaction, "KEPT_CHANGES", 5)
    imported = SetRecords(_records(range(FRAMES), 0.0, Provenance.IMPORTED), label="import")
    assert document.execute(imported) and document.execute(SetRecords(_records([7], 9.0)))
    assert examined[id(imported)] == 1
    document.reload(range(20, 24))  # 4 frames: kept
    assert document.execute(SetRecords(_records([8], 9.0)))
    assert examined[id(imported)] == 1
    document.reload(range(20, 26))  # 6 frames: all
    assert document._compaction._changed is None
    assert document.execute(SetRecords(_records([9], 9.0)))
    assert examined[id(imported)] == 2
