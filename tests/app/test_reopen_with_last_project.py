"""Footage opened again without its project finds the one it was last opened with (real session:
0117_1605 labelled with --project /tmp/h1/p3.rgbt.sqlite, opened again by the command line without
it: an empty project opened, Open recent's entry was replaced by that one, and the boxes were named
nowhere in the studio)."""
from __future__ import annotations

from pathlib import Path


def test_a_pair_opened_again_without_its_project_gets_it_back(window, pair_files, synthetic, tmp_path):
    store = tmp_path / "elsewhere" / "p3.rgbt.sqlite"
    store.parent.mkdir()
    window.open_pair(*pair_files, store=str(store))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.open_pair(*pair_files)  # the command line, a drop, Open pair: no project named
    assert Path(window.document.path) == store
    assert window.document.record(0) is not None and window.document.record(0).box is not None
    message = window.statusBar().currentMessage()
    assert f"with {store}, the project it was last opened with" in message, message
    assert window.settings.recent[0].store == str(store)  # Open recent still names it


def test_the_footage_s_own_project_says_nothing_more_and_a_deleted_one_is_not_looked_for(
        window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files)
    own = Path(window.document.path)
    window.open_pair(*pair_files)
    assert Path(window.document.path) == own and "last opened with" not in window.statusBar().currentMessage()
    gone = tmp_path / "gone.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(gone))
    window.document.close()
    window.document = None
    gone.unlink()
    window.open_pair(*pair_files)
    assert Path(window.document.path) == own
