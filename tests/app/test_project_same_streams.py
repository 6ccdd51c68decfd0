"""A project opened on one video alone (``antiuav-4/thermal.avi``: File > Open one video, or
``studio thermal.avi --project P``) and then on the folder that holds that video and its ground
truth (``studio antiuav-4/ --project P``, to import the ground truth): the same frames, yet it was
refused as "the project of .../thermal.avi: its annotated frames were made on that footage, not
on .../antiuav-4". A project follows footage whose stream files are the ones it was made on, in
both directions; footage with other stream files is still refused."""
from __future__ import annotations

import numpy as np

from tests.lone_clips import grey_clip


def _close_error_boxes():
    from PySide6.QtWidgets import QApplication, QMessageBox

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def test_a_project_of_a_video_opens_with_the_folder_that_holds_it_and_back(qtbot, tmp_path):
    from tests.app.conftest import new_window

    video = grey_clip(tmp_path / "clip-4")
    store = tmp_path / "projects" / "clip.rgbt.sqlite"
    store.parent.mkdir()
    first = new_window(qtbot)
    first.open_sequence(video, store=str(store))
    assert first.last_error is None and first.document is not None
    first.views.box_drawn.emit("visible", np.array([10.0, 18.0, 12.0, 10.0]))
    first.close()

    second = new_window(qtbot)
    second.open_sequence(video.parent, store=str(store))  # the folder: the same stream, its ground truth
    assert second.last_error is None, second.last_error
    assert second.document is not None and sorted(second.document.records) == [0]
    second.close()

    third = new_window(qtbot)
    third.open_sequence(video, store=str(store))  # and the video alone again
    assert third.last_error is None, third.last_error
    assert third.document is not None and sorted(third.document.records) == [0]
    third.close()


def test_a_project_of_a_video_is_still_refused_for_other_footage(qtbot, tmp_path):
    from tests.app.conftest import new_window

    video = grey_clip(tmp_path / "clip-4")
    other = grey_clip(tmp_path / "clip-9")
    store = tmp_path / "clip.rgbt.sqlite"
    first = new_window(qtbot)
    first.open_sequence(video, store=str(store))
    first.views.box_drawn.emit("visible", np.array([10.0, 18.0, 12.0, 10.0]))
    first.close()
    second = new_window(qtbot)
    second.open_sequence(other.parent, store=str(store))
    assert f"is the project of {video.resolve()}" in str(second.last_error)
    _close_error_boxes()
    second.close()
