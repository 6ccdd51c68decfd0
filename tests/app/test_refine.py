"""Refine with the teacher (R): the dialog's choices and the low-confidence threshold."""
from __future__ import annotations

from core.tracking.tracker_config import LOW_CONFIDENCE_PAIRS


def test_typing_frames_or_a_threshold_in_refine_chooses_that_line(qtbot):
    """R without a range shown opens on "Current frame": typing frames 50-80 (or a threshold)
    and OK refined the current frame alone."""
    from app.dialogs.refine_dialog import RefineDialog

    dialog = RefineDialog(9, 151, None, 0.4)
    qtbot.addWidget(dialog)
    assert dialog.mode() == "frame"
    dialog.first.setValue(50)
    dialog.last.setValue(80)
    assert dialog.mode() == "range" and dialog.range_() == (49, 80)
    dialog.threshold_spin.setValue(0.3)
    assert dialog.mode() == "below" and dialog.threshold() == 0.3
    dialog.last.setValue(90)
    assert dialog.mode() == "range"
    shown = RefineDialog(9, 151, (20, 40), 0.4)  # a range shown on the timeline: chosen as before
    qtbot.addWidget(shown)
    assert shown.mode() == "range" and shown.range_() == (20, 40)


def test_refine_below_a_threshold_leaves_the_teacher_boxes_you_accepted(window, pair_files, synthetic, tmp_path,
                                                                       monkeypatch):
    """R, "All frames with tracker confidence below 0.40", after teacher boxes were accepted on
    frames 7-9 (the teacher's confidence 0.2 there): the teacher refined those accepted boxes
    again and put its proposals back over them, though the timeline flags only tracked boxes."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "rb.rgbt.sqlite"))
    window.document.store.put(
        [FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.2) for f in range(1, 6)]
        + [FrameAnnotation(f, synthetic.boxes[f], provenance="teacher", confidence=0.2) for f in range(6, 9)])
    window.document.reload()
    sent = []
    monkeypatch.setattr(window.refining, "start_refine", lambda _doc, _models, frames: sent.append(frames))
    assert window.review.refine(0, 24, below=0.4) == [1, 2, 3, 4, 5]
    assert sent == [[1, 2, 3, 4, 5]]


def test_refine_below_a_new_threshold_keeps_it_as_the_users_choice(window, pair_files, tmp_path, monkeypatch):
    import app.window_review as window_review

    class Answer:
        """The Refine dialog as a user fills it in: all frames with confidence below ``below``."""

        below = 0.3

        def __init__(self, frame, num_frames, selected, threshold, parent=None):
            Answer.offered = threshold

        def exec(self):
            return True

        def mode(self):
            return "below"

        def threshold(self):
            return Answer.below

    monkeypatch.setattr(window_review, "RefineDialog", Answer)
    sent = []
    monkeypatch.setattr(window_review.ReviewGlue, "refine", lambda self, start, stop, below=None: sent.append(below))
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    assert not window.settings.low_confidence_chosen
    # a two-stream pair: the pairs' default is offered, and taking it is not a choice
    Answer.below = LOW_CONFIDENCE_PAIRS
    window.actions["refine"].trigger()
    assert Answer.offered == LOW_CONFIDENCE_PAIRS and sent == [LOW_CONFIDENCE_PAIRS] and not window.settings.low_confidence_chosen
    Answer.below = 0.35
    window.actions["refine"].trigger()
    assert sent[-1] == 0.35 and window.settings.low_confidence == 0.35 and window.settings.low_confidence_chosen
    window.actions["refine"].trigger()
    assert Answer.offered == 0.35  # the user's threshold from now on, on any footage


def test_refine_with_nothing_to_refine_says_what_the_frames_hold(window, pair_files, synthetic, tmp_path):
    """R over a range of frames marked absent said "no machine boxes to refine there (manual boxes
    are never refined)": there was no manual box; it names what the frames hold."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "rn.rgbt.sqlite"))
    window.document.store.put(
        [FrameAnnotation(f, None, provenance="manual", absent=True, keyframe=True) for f in range(10, 20)]
        + [FrameAnnotation(20, synthetic.boxes[20], provenance="manual", keyframe=True)])
    window.document.reload()
    assert window.review.refine(10, 20) == []
    said = window.statusBar().currentMessage()
    assert said.startswith("nothing to refine in frames 11-20: 10 absent marks (") and "manual boxes" not in said
    assert window.review.refine(18, 23) == []
    assert window.statusBar().currentMessage().startswith(
        "nothing to refine in frames 19-23: 1 box you drew or corrected and 2 absent marks; 2 frames with no box")
    window.review.refine(2, 3)
    assert window.statusBar().currentMessage().startswith("nothing to refine in frame 3: 1 frame with no box")


def test_refine_current_frame_refines_the_frame_the_dialog_names(window, pair_files, synthetic, tmp_path,
                                                                 monkeypatch):
    """R during T at frame 114: the dialog offered "Current frame (114)", but OK refined frame 171, where
    the run's live view had moved while the dialog was open (walkthrough on the demo). It refines the
    frame the dialog names."""
    import app.window_review as window_review
    from core.annotations.records import FrameAnnotation

    class Answer:
        """The Refine dialog left on "Current frame" while the view moves on behind it."""

        def __init__(self, frame, num_frames, selected, threshold, parent=None):
            Answer.offered = frame

        def exec(self):
            window.goto(9)  # the tracking run's live view moved on meanwhile
            return True

        def mode(self):
            return "frame"

    monkeypatch.setattr(window_review, "RefineDialog", Answer)
    window.open_pair(*pair_files, store=str(tmp_path / "rf.rgbt.sqlite"))
    window.document.store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                               for f in range(1, 12)])
    window.document.reload()
    sent = []
    monkeypatch.setattr(window.refining, "start_refine", lambda _doc, _models, frames: sent.append(frames))
    window.goto(4)
    window.actions["refine"].trigger()
    assert Answer.offered == 4 and window.frame == 9
    assert sent == [[4]]
