"""An edit the store cannot write whole is not written at all ("The edit was not saved" is true).

``Document.write`` ran a step's writes one transaction each: when a later one failed (a full
disk), the dialog said the edit was not saved and left no undo step, while its first writes
stayed in the project, with nothing to undo them.
"""
from __future__ import annotations

import numpy as np

from core.annotations.history import CommandGroup, SetRecords
from core.annotations.store import AnnotationStore
from tests.core.annotations.test_store_transaction import DiskFull, _record


def test_an_edit_that_fails_midway_leaves_the_project_as_it_was(qtbot, tmp_path, synthetic):
    from app.document import Document

    store = AnnotationStore.open(tmp_path / "walk.rgbt.sqlite")
    document = Document(synthetic, store)
    failures = []
    document.write_failed.connect(failures.append)
    try:
        assert document.execute(SetRecords([_record(1)], label="box"))
        edit = CommandGroup([SetRecords([_record(1, 50.0), _record(2, 50.0)]), DiskFull()], label="box")
        assert not document.execute(edit)
        assert len(failures) == 1 and document.undo_stack.count() == 1
        assert sorted(store.records()) == [1] and np.isclose(store.get(1).box[0], 10.0)
        assert sorted(document.records) == [1] and np.isclose(document.record(1).box[0], 10.0)
    finally:
        document.close()
