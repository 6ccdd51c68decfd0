"""Closing the studio while a comparison with a reference is shown.

Found under Xvfb (antiuav-18, View > Compare with the sequence's ground truth on, T from frame 1,
then Ctrl+Q during the run): the frame the run or the fetcher delivered as the window closed reached
the comparison's label after the project had closed, and the terminal showed two tracebacks
(``AttributeError: 'NoneType' object has no attribute 'record'`` in ``_update_label``)."""
from __future__ import annotations

import numpy as np


def test_a_frame_delivered_after_the_window_closed_draws_nothing_and_raises_nothing(window, pair_files, synthetic,
                                                                                       tmp_path, monkeypatch):
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    truth = {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(len(synthetic.boxes))}
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: dict(truth), raising=False)
    window.actions["compare_gt"].trigger()
    assert window.reference.comparison is not None
    np.testing.assert_allclose(window.reference.items["visible"].box(), synthetic.boxes[0])
    window.close()
    assert window.document is None
    # what a tracking run's last live frame and the fetcher's last decode do as the window closes
    window.frame_shown.emit(5)
    window.fetcher.ready.emit(6, None)
    window.fetcher.failed.emit(7, RuntimeError("gone"))
    assert window.reference.comparison is None  # the closed project's reference went with it
