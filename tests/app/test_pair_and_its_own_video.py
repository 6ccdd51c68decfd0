"""One video of a pair opened alone keeps a project of its own (real session: 1230_1202's
infrared.mp4 opened alone took the pair's project, named after the same folder since lone videos are:
the pair's boxes showed on the thermal clip, the project was re-linked to infrared.mp4 alone, said only
past the ellipsis of the status bar, and back when the pair opened again; on a misaligned pair the
visible boxes lay off the target there, and a correction wrote thermal places into the pair's visible
boxes)."""
from __future__ import annotations

import shutil
from pathlib import Path


def test_a_pair_s_thermal_video_alone_opens_its_own_project_and_the_pair_keeps_its(window, pair_files,
                                                                                   synthetic, tmp_path):
    folder = tmp_path / "walk"
    folder.mkdir()
    visible = Path(shutil.copy(pair_files[0], folder / "visible.mp4"))
    thermal = Path(shutil.copy(pair_files[1], folder / "infrared.mp4"))
    window.open_pair(visible, thermal)
    pair_project = Path(window.document.path)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.open_sequence(thermal)  # the thermal video alone (a drop, Open one video, the command line)
    lone = Path(window.document.path)
    assert lone != pair_project and lone.parent == pair_project.parent
    assert window.document.record(0) is None  # not the pair's box
    message = window.statusBar().currentMessage()
    assert f"{pair_project.name} is the project of" in message and lone.name in message, message
    assert "re-linked" not in message
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    window.open_pair(visible, thermal)
    assert Path(window.document.path) == pair_project and "re-linked" not in window.statusBar().currentMessage()
    assert window.document.record(0) is not None and window.document.record(0).box is not None
    window.open_sequence(thermal)  # again: its own project, its own box
    assert Path(window.document.path) == lone and window.document.record(0) is not None
