"""A tracking run whose end failed (its undo step could not be pushed: a project that cannot be
written at that moment, or a defect in the step's making, as a NameError of a half-saved edit
showed) left the job status on "frame 1020 100%" with its Stop button and the window busy for good,
the error only on stderr. The run now ends in the window all the same, said as its failure, its
frames kept."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def test_a_run_whose_end_fails_still_ends_and_says_why(window, pair_files, synthetic, tmp_path, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "e.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])

    def broken(_command):
        raise RuntimeError("the project could not take the run's undo step")

    monkeypatch.setattr(window.document, "push_applied", broken)
    shown = []
    real_error = window.error

    def error(title, error, trace=""):
        shown.append((title, str(error), trace))
        return real_error(title, error, trace)

    monkeypatch.setattr(window, "error", error)
    window.actions["track"].trigger()
    assert not window.tracking.busy
    assert not window.job_status.cancel_button.isVisibleTo(window) and not window.job_status.bar.isVisibleTo(window)
    assert window.job_status.engine_label.text().startswith("last run")
    assert len(shown) == 1 and shown[0][0] == "The run failed"
    assert shown[0][1] == "the project could not take the run's undo step" and "RuntimeError" in shown[0][2]
    assert window.findChild(QMessageBox).text().startswith("Tracking failed after")
    assert window.tracking.done_count > 0 and window.document.store.get(window.tracking.written[-1]) is not None
    window.goto(0)
    window.actions["track"].trigger()  # the window is not stuck: T runs again
    assert len(shown) == 2 and not window.tracking.busy
