"""O, K, Q and Del on one frame say what they did.

Found under Xvfb (antiuav-7, frame 300 of a tracked run): O said "frame 300 marked absent; frames
301-699 after it still hold tracked boxes: ...", and O again (the box back), K, K and Del said
nothing, so for 15 s the status bar went on saying "frame 300 marked absent" over a frame that held
its tracked box again, then a keyframe, then nothing at all. Each one-frame edit now says what it
did, as the same keys over a range do."""
from __future__ import annotations

import numpy as np


def test_each_one_frame_edit_replaces_the_message_of_the_one_before(window, pair_files, synthetic, tmp_path):
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "m.rgbt.sqlite"))
    document = window.document
    document.execute(SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.6)
                                 for f in range(6)], label="track"))
    window.goto(2)
    said = []

    def press(name):
        window.actions[name].trigger()
        said.append(window.statusBar().currentMessage())

    press("absent")
    assert said[-1].startswith("frame 3 marked absent; frames 4-6 after it still hold tracked boxes")
    press("absent")
    assert said[-1] == "frame 3: absent mark lifted, its box is back"
    np.testing.assert_allclose(document.record(2).box, synthetic.boxes[2])
    press("keyframe")
    assert said[-1] == "frame 3 is a manual keyframe now" and document.record(2).keyframe
    press("keyframe")
    assert said[-1] == "frame 3: keyframe mark lifted; its box stays, and T may replace it"
    press("occluded")
    assert said[-1] == "frame 3 marked occluded" and document.record(2).occluded
    press("occluded")
    assert said[-1] == "frame 3: occluded mark lifted"
    press("delete_box")
    assert said[-1] == "deleted the box of frame 3; Ctrl+Z undoes it" and document.record(2) is None
    window.goto(5)
    press("absent")  # the last tracked box: no tracked box after it to name, it still says so
    assert said[-1] == "frame 6 marked absent; O again lifts the mark"
    press("delete_box")
    assert said[-1] == "deleted the absent mark of frame 6; Ctrl+Z undoes it"


def test_k_on_a_manual_box_not_marked_keyframe_says_it_lifted_the_mark(window, pair_files, synthetic, tmp_path):
    """K on a box a person made that carries no keyframe flag (an earlier version's record) lifts it, as
    edits.toggle_keyframe decides by provenance too; the message followed the flag alone and said
    "is a manual keyframe now" of a box K had just made interpolated."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    window.document.execute(SetRecords([FrameAnnotation(0, synthetic.boxes[0], provenance="manual", keyframe=False)],
                                       label="box"))
    window.actions["keyframe"].trigger()
    assert window.document.record(0).provenance == "interpolated"
    assert window.statusBar().currentMessage() == "frame 1: keyframe mark lifted; its box stays, and T may replace it"
