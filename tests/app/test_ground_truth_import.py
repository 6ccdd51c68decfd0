"""File > Import the sequence's ground truth: what the status bar says it imported."""
from __future__ import annotations


def test_a_ground_truth_shorter_than_the_footage_says_where_it_ends(window, pair_files, synthetic, tmp_path,
                                                                     monkeypatch):
    """A groundtruth.txt cut after 10 lines for 24 frames: "imported 10 ground-truth frames (0 absent)"
    and frames 11-24 showed "no box", without a word that the file ends there. The status bar now
    says where it ends; a whole ground truth says nothing more."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    sequence = window.document.sequence
    lines = {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(10)}
    monkeypatch.setattr(sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage() == (
        "imported 10 ground-truth frames (0 absent); the ground truth ends at frame 10 of 24: frames 11-24 have "
        "none; T does not replace imported boxes")
    lines.update({f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(10, 24)})
    window.actions["import_gt"].trigger()
    assert window.statusBar().currentMessage() == (
        "imported 14 ground-truth frames (0 absent); T does not replace imported boxes")
