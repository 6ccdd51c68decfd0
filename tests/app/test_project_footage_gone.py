"""A project opened alone (File > Open recent, ``--project``, a drop) whose footage moved.

It said "<...>/visible.mp4: does not exist", naming neither the project nor what to do, as if the
project were of no use: its boxes are kept, and the footage opened where it is now with it as
its project takes them along (``app.project.check_sources_change``).
"""
from __future__ import annotations

import shutil

import pytest

from app.project import OpenRequest, open_job
from core.annotations.records import FrameAnnotation, Provenance
from core.errors import SequenceError
from core.progress import run_to_end


def test_a_project_whose_footage_moved_says_so_and_how_to_open_it(tmp_path, pair_files):
    import numpy as np

    footage = tmp_path / "walk"
    footage.mkdir()
    visible, thermal = (shutil.copy(path, footage / path.name) for path in pair_files)
    project = tmp_path / "walk.rgbt.sqlite"
    opened = run_to_end(open_job(OpenRequest("pair", (str(visible), str(thermal)), store=str(project))))
    opened.store.put([FrameAnnotation(frame=2, box=np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
    opened.store.close()
    opened.sequence.close()
    footage.rename(tmp_path / "walk-moved")

    with pytest.raises(SequenceError) as caught:
        run_to_end(open_job(OpenRequest("project", store=str(project))))
    message = str(caught.value)
    assert message.startswith(f"{project}: its footage is no longer at {visible} + {thermal} (moved, renamed or "
                              "deleted); its 1 annotated frame is kept in it"), message
    assert f"--project {project}" in message

    moved = tmp_path / "walk-moved"
    again = run_to_end(open_job(OpenRequest("pair", (str(moved / "visible.mp4"), str(moved / "thermal.mp4")),
                                            store=str(project))))
    try:
        assert list(again.contents.records) == [2]
    finally:
        again.store.close()
        again.sequence.close()
