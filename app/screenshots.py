"""``python -m app.screenshots [OUT_DIR]``: the main window at each step of the user's path.

Drives the real window (synchronous workers) on the bundled demo pair with the bundled
models (random weights, flagged in the status bar, while ``assets/models`` is empty)
and saves PNGs (default ``docs/screenshots/``): open, draw, track (live and done),
correct + re-track, teacher proposals, accepted, timeline/attention, blend, export,
settings, help and Improve-the-student dialogs. Uses Xvfb when ``DISPLAY`` is set, else offscreen ``grab()``.
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


def parse_args(argv: list[str]):
    """``[OUT_DIR]`` (default docs/screenshots). ``--help`` was taken for the folder: the run wrote
    17 screenshots into a new folder named "--help"."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m app.screenshots",
        description="Drive the studio window on the bundled demo pair and save a PNG at each step of the "
                    "user's path (open, draw, track, correct, refine, accept, attention, blend, export, dialogs).")
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

    window.open_request(request)  # 1. first run: the demo pair
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
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
