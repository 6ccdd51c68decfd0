"""``python -m app.screenshots [OUT_DIR]``: the main window at each step of the user's path.

Drives the real window (synchronous workers) on the bundled demo pair with the bundled
models (random weights, flagged in the status bar, while ``assets/models`` is empty)
and saves PNGs (default ``docs/screenshots/``): open, draw, track (live and done),
correct + re-track, teacher proposals, accepted, timeline/attention, blend, export,
settings, help and Improve-the-student dialogs, the comparison with the demo's ground truth
(``shoot_comparison``) and the thermal display levels (``shoot_levels``). Uses Xvfb when ``DISPLAY``
is set, else offscreen ``grab()``.
"""
from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np


def _occluded_frames(path: Path, count: int) -> np.ndarray:
    """(count,) bool: the demo's frames whose target the generator hid behind an occluder
    (``synthetic.json``'s ``occluded``; all False when the file or the key is missing)."""
    import json

    try:
        flags = np.asarray(json.loads(path.read_text()).get("occluded", []), dtype=bool)
    except (OSError, ValueError):
        flags = np.zeros(0, dtype=bool)
    out = np.zeros(count, dtype=bool)
    out[:min(count, len(flags))] = flags[:count]
    return out


def shoot_comparison(window, shot) -> None:
    """18: the project's boxes against the sequence's own ground truth (View > Compare with the
    sequence's ground truth): the cyan reference box on both panes beside the project's, the
    per-frame IoU curve on the timeline, the scores at the right of the status bar and the summary
    in its message. Shown on a frame of the worst stretch of disagreement where both have a box
    (its worst frame may be one the ground truth marks absent: no cyan box to see there). The
    comparison is then turned off, so the shots after it show what they showed without it."""
    window.actions["compare_gt"].trigger()
    glue = window.reference
    runs = glue.comparison.disagreements() if glue.comparison is not None else []
    if runs:
        def both(frame):
            mine, theirs = window.document.record(frame), glue.reference.get(frame)
            return all(r is not None and not r.absent and r.box is not None for r in (mine, theirs))

        frames = [f for f in range(runs[0].start, runs[0].stop) if both(f)] or [runs[0].worst]
        window.goto(frames[len(frames) // 2])
    shot("18-compare-ground-truth")
    window.actions["compare_off"].trigger()


def shoot_levels(window, shot) -> None:
    """19: the thermal display levels' auto stretch (L: the sequence's 1-99 %, named in the thermal
    pane's title, said in the status bar); 20: the levels dialog as Ctrl+L opens it on them (its
    histogram of the frame on screen, the levels over it), then cancelled (``grab_modal``)."""
    window.actions["levels_toggle"].trigger()
    shot("19-thermal-levels")
    grab_modal(shot, "20-levels-dialog", window.actions["levels_dialog"].trigger)


def grab_modal(shot, name: str, opens) -> None:
    """``opens()`` shows a modal dialog (``exec``, which returns only once it closes): ``shot(name,
    dialog)`` from inside its event loop, then Cancel (the dialog puts back what it changed).
    Raises RuntimeError when ``opens()`` returned without a dialog."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    taken, returned = [], []

    def take():
        if returned:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not up yet
            QTimer.singleShot(50, take)
            return
        shot(name, dialog)
        taken.append(name)
        dialog.reject()

    QTimer.singleShot(0, take)
    opens()
    returned.append(True)
    if not taken:
        raise RuntimeError(f"{name}: no dialog opened")


def open_first_run(window, request) -> None:
    """01: the demo opened as on the first run (``app.commands.run``), the status bar saying what to
    do first. The picture showed the opening message, which the first run's hint replaces."""
    from app.commands import show_first_run_hint

    show_first_run_hint(window, request, window.settings)
    window.open_request(request)


def parse_args(argv: list[str]):
    """``[OUT_DIR]`` (default docs/screenshots). ``--help`` was taken for the folder: the run wrote
    17 screenshots into a new folder named "--help"."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m app.screenshots",
        description="Drive the studio window on the bundled demo pair and save a PNG at each step of the "
                    "user's path (open, draw, track, compare with the ground truth, correct, refine, accept, "
                    "attention, blend, export, dialogs, thermal levels).")
    parser.add_argument("out", nargs="?", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots",
                        metavar="OUT_DIR", help="folder the PNGs are written to (default: docs/screenshots)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    out = parse_args(sys.argv[1:] if argv is None else argv).out
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    warnings.filterwarnings("ignore", message="RANDOM WEIGHTS")
    # the run's studio home (settings, the demo's project, the export): removed at the end, where
    # each run left a /tmp/studio-shots-* folder behind
    before = os.environ.get("RGBT_STUDIO_HOME")
    with tempfile.TemporaryDirectory(prefix="studio-shots-") as home:
        os.environ["RGBT_STUDIO_HOME"] = home
        try:
            return _shoot(out, home)
        finally:
            if before is None:
                os.environ.pop("RGBT_STUDIO_HOME", None)
            else:
                os.environ["RGBT_STUDIO_HOME"] = before


def _shoot(out: Path, home: str) -> int:
    """The screenshots into ``out``, the studio's files under ``home``; 0, or 2 without the demo."""
    import torch

    torch.set_num_threads(2)
    from PySide6.QtWidgets import QApplication

    from app.dialogs.export_dialog import ExportDialog
    from app.dialogs.help_dialog import HelpDialog
    from app.dialogs.improve_dialog import ImproveOptionsDialog
    from app.dialogs.refine_dialog import RefineDialog
    from app.dialogs.settings_dialog import SettingsDialog
    from app.main_window import MainWindow
    from app.project import DEMO_DIR, demo_request
    from app.qt import ensure_app
    from app.settings import StudioSettings

    app = ensure_app()
    request = demo_request()
    if request is None:
        print("assets/demo is missing", file=sys.stderr)
        return 2
    gt = np.loadtxt(DEMO_DIR / "groundtruth.txt", delimiter=",")
    occluded = _occluded_frames(DEMO_DIR / "synthetic.json", len(gt))
    window = MainWindow(StudioSettings.load(), synchronous=True)
    window.resize(1400, 860)
    window.show()

    def settle():
        for _ in range(5):
            app.processEvents()

    def shot(name: str, widget=None) -> None:
        settle()
        path = out / f"{name}.png"
        (widget or window).grab().save(str(path))
        print(path)

    open_first_run(window, request)  # 1. first run: the demo pair
    shot("01-open-demo")
    window.views.box_drawn.emit("visible", gt[0])  # 3. the initial box
    shot("02-initial-box")

    live_done = []

    def live(update):
        if update.frame >= 60 and not live_done:
            live_done.append(update.frame)
            window.job_status.set_speed(update.fps, update.model, update.engine, update.feed)
            shot("03-tracking-live")

    window.tracking.live.connect(live)
    window.actions["track"].trigger()  # 4. the student tracks to the end
    window.tracking.live.disconnect(live)
    window.goto(120)
    shot("04-tracked")
    shoot_comparison(window, shot)  # how the student's run did against the demo's ground truth
    window.goto(150)  # 6. correct a frame, re-track from an earlier one
    window.views.box_edited.emit("visible", gt[150])
    window.goto(140)
    window.actions["track"].trigger()
    window.goto(150)
    shot("05-corrected-keyframe")
    window.actions["range"].setChecked(True)  # 5. teacher refines a range
    window.timeline.show_range(160, 190)
    window.review.refine(160, 190)
    window.goto(175)
    shot("06-teacher-proposals")
    window.actions["accept_range"].trigger()
    shot("07-teacher-accepted")
    window.goto(203)  # absent frames (occluded target), flagged with O
    for frame in range(199 - 1, 207):
        window.goto(frame)
        window.actions["absent"].trigger()
    window.actions["attention"].trigger()  # 7. next frame that needs attention
    shot("08-attention")
    drifted = window.frame  # 6. correct it where the target is clear of the occluder, re-track from there
    while drifted not in (None, 0) and drifted + 1 < len(gt) and occluded[drifted]:
        drifted += 1  # a box drawn on a hidden target would teach the tracker the occluder
    if drifted not in (None, 0) and np.all(gt[drifted, 2:] > 0):
        window.goto(drifted)
        window.views.box_edited.emit("visible", gt[drifted])
        window.actions["track"].trigger()
        window.goto(min(drifted + 40, window.document.num_frames - 1))
        shot("09-corrected-retracked")
        window.actions["undo"].trigger()  # 8. undo the whole re-track (one step)
        shot("10-undo-retrack")
        window.actions["redo"].trigger()
    window.actions["blend"].setChecked(True)
    window.set_colormap("inferno")
    shot("11-blend-overlay")
    window.actions["blend"].setChecked(False)
    for name, dialog in (
        # a folder the same in every run (only shown, nothing written): the run's temporary home made
        # each regenerated picture differ by its random name
        ("12-export-dialog", ExportDialog(window.document.info.name, Path("~/exports"), window)),
        ("13-refine-dialog", RefineDialog(window.frame, window.document.num_frames, (160, 190), 0.5, window)),
        ("14-settings-dialog", SettingsDialog(window.settings.models, window)),
        ("15-help-dialog", HelpDialog(window)),
        ("17-improve-options", ImproveOptionsDialog(window.improver.config, window)),
    ):
        dialog.show()
        shot(name, dialog)
        dialog.close()
    window.export("lasher", Path(home) / "export" / "demo-lasher")
    shot("16-exported")
    shoot_levels(window, shot)
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
