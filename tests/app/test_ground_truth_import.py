"""File > Import the sequence's ground truth: what the status bar says it imported."""
from __future__ import annotations


def test_a_ground_truth_shorter_than_the_footage_says_where_it_ends(window, pair_files, synthetic, tmp_path,
                                                                     monkeypatch):
    """A groundtruth.txt cut after 10 lines for 24 frames: "imported 10 ground-truth frames"
    and frames 11-24 showed "no box", without a word that the file ends there. The status bar now
    says where it ends; a whole ground truth says nothing more."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    sequence = window.document.sequence
    lines = {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(10)}
    monkeypatch.setattr(sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage() == (
        "imported 10 ground-truth frames; the ground truth ends at frame 10 of 24: frames 11-24 have "
        "none; T does not replace imported boxes")
    lines.update({f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(10, 24)})
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage() == (
        "imported 14 ground-truth frames; kept 10 imported boxes on the frames the ground truth also has "
        "(1, 2, 3, 4, 5, ...); T does not replace imported boxes")


def test_a_ground_truth_box_outside_the_frame_is_said_on_import_and_on_its_frame(window, pair_files, synthetic,
                                                                                 tmp_path, monkeypatch):
    """A dataset row that lies wholly outside the frame (500,400,40,60 on a 128x96 pair): the import said
    "imported 24 ground-truth frames" and frame 1 read "imported" with no box anywhere on screen. The
    row is kept as the dataset has it (the export writes it back unchanged), and both now say where it is."""
    import numpy as np

    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    sequence = window.document.sequence
    lines = {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(24)}
    lines[0] = FrameAnnotation(0, np.array([500.0, 400.0, 40.0, 60.0]), provenance="imported")
    lines[5] = FrameAnnotation(5, np.array([-60.0, 10.0, 40.0, 30.0]), provenance="imported")
    lines[6] = FrameAnnotation(6, np.array([-20.0, 10.0, 40.0, 30.0]), provenance="imported")  # partly inside
    monkeypatch.setattr(sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["import_gt"].trigger()
    message = window.statusBar().currentMessage()
    assert "2 boxes lie wholly outside the 128x96 frame (frames 1, 6)" in message, message
    assert np.allclose(window.document.record(0).box, [500, 400, 40, 60])
    window.goto(0)
    assert "outside the frame" in window.views.visible_panel.title.text()
    window.goto(6)
    assert "outside the frame" not in window.views.visible_panel.title.text()


def test_import_says_which_of_the_users_frames_it_kept(window, pair_files, synthetic, tmp_path, monkeypatch):
    """Import over a day's work (a drawn box, an absent mark, an accepted teacher box kept): it said only
    "imported 21 ground-truth frames", leaving the user to find out whether their frames had been written
    over; a second import said "every frame holds a box a person made" over the first import's boxes."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    document = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.goto(3)
    window.actions["absent"].trigger()
    document.execute(SetRecords([FrameAnnotation(5, synthetic.boxes[5] + 2.0, provenance="teacher")]))  # accepted
    lines = {f: FrameAnnotation(f, synthetic.boxes[f] + 1.0, provenance="imported") for f in range(24)}
    monkeypatch.setattr(document.sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.ask_hook = lambda title, text, choices: "Keep them"
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage() == (
        "imported 21 ground-truth frames; kept 1 box you drew or corrected, 1 absent mark and 1 teacher "
        "box you accepted on the frames the ground truth also has (1, 4, 6); T does not replace imported boxes")
    assert document.record(0).provenance == "manual" and document.record(3).absent
    assert document.record(5).provenance == "teacher"
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage().startswith(
        "no frame to import; kept 1 box you drew or corrected, 1 absent mark, 21 imported boxes and 1 teacher box")
    window.actions["undo"].trigger()  # the import, one step: the user's frames stay as they were
    assert document.record(1) is None and document.record(0).provenance == "manual" and document.record(3).absent


def test_the_import_names_absent_frames_only_when_there_are_some(window, pair_files, synthetic, tmp_path,
                                                                monkeypatch):
    """A ground truth with no absent row said "imported 24 ground-truth frames (0 absent)": a count of
    nothing to read. It now says the absent frames only when the file has some."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    sequence = window.document.sequence
    lines = {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(24)}
    monkeypatch.setattr(sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["import_gt"].trigger()
    message = window.statusBar().currentMessage()
    assert message == "imported 24 ground-truth frames; T does not replace imported boxes", message
    window.actions["undo"].trigger()
    for f in (3, 4):
        lines[f] = FrameAnnotation(f, None, absent=True, provenance="imported")
    window.actions["import_gt"].trigger()
    message = window.statusBar().currentMessage()
    assert message == "imported 24 ground-truth frames (2 absent); T does not replace imported boxes", message
