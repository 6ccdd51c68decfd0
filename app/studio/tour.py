"""Screenshots of the main window at each step of the user's path (docs/screenshots/studio).

``python -m app.studio.tour [OUT_DIR] [--frames N]`` drives a real window on the bundled
demo pair: open, draw the first box, track (live, then Stop), correct a frame, re-track
(stops before the correction), refine a range with the teacher (proposals), accept,
timeline jump to the next frame needing attention, blended overlay and colormap, and
the dialogs (export, settings, help, an error). Offscreen unless a display is set. The
project store goes to a temporary studio home, never into assets/.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WIDTH = 1000


def _shrink(path: Path) -> None:
    """Palette PNG (256 colours): screenshots stay small in the repository."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots/studio"))
    parser.add_argument("--frames", type=int, default=40, help="frames to track before pressing Stop")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="studio-tour-")
    os.environ["RGBT_STUDIO_HOME"] = home
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.studio.env import DEMO_DIR, application
    from app.studio.settings import StudioSettings
    from app.studio.sources import Source, demo_source
    from app.studio.window import MainWindow

    app = application()
    window = MainWindow(StudioSettings())
    window.resize(WIDTH, 700)
    window.show()
    truth = np.loadtxt(DEMO_DIR / "groundtruth.txt", delimiter=",")

    def wait(condition, limit=300.0):
        end = time.monotonic() + limit
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)
        for _ in range(5):
            app.processEvents()

    def shot(name, widget=None):
        wait(lambda: True)
        image = (widget or window).grab()
        if image.width() > WIDTH:
            image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        path = args.out / f"{name}.png"
        image.save(str(path))
        _shrink(path)
        print(path)

    window.open_source(demo_source())
    wait(lambda: window.project is not None)
    shot("01-open")
    window.editor.box(truth[0], "visible")
    shot("02-first-box")
    window.track()
    wait(lambda: window.frame >= args.frames // 2)
    shot("03-tracking-live")
    wait(lambda: window.frame >= args.frames)
    window.stop_jobs()
    wait(lambda: not window.annotator.busy)
    shot("04-tracked-stopped")
    fix = args.frames // 2
    window.go_to(fix)
    window.editor.box(truth[fix], "visible")
    shot("05-corrected")
    window.go_to(fix - 8)
    window.track()
    wait(lambda: not window.annotator.busy)
    window.go_to(fix - 1)
    shot("06-retracked-stops-at-keyframe")
    window.refine_frames(list(range(fix + 1, fix + 9)))
    wait(lambda: not window.annotator.busy)
    window.go_to(fix + 4)
    shot("07-teacher-proposals")
    window.editor.accept(list(range(fix + 1, fix + 5)))
    window.go_to(fix + 3)
    shot("08-accepted-teacher")
    window.go_to(fix + 1)
    window.next_attention()
    shot("09-next-attention")
    window.actions["overlay"].setChecked(True)
    window.set_colormap("gray")
    shot("10-overlay-gray")
    window.actions["overlay"].setChecked(False)
    window.set_colormap("inferno")
    window.go_to(fix)
    window.paired.visible.viewbox.scaleBy((0.5, 0.5))
    shot("11-linked-zoom")
    window.paired.fit()

    from app.studio.dialogs.export_dialog import ExportDialog
    from app.studio.dialogs.help import HelpDialog
    from app.studio.dialogs.settings_dialog import SettingsDialog

    for name, dialog in (("12-export-dialog", ExportDialog("demo", Path(home), window)),
                         ("13-settings-dialog", SettingsDialog(window.settings.model(), window)),
                         ("14-help", HelpDialog(window))):
        dialog.show()
        shot(name, dialog)
        dialog.close()
    window.open_source(Source.pair(Path(home) / "missing.mp4", DEMO_DIR / "thermal.mp4"))
    wait(lambda: any(d.isVisible() for d in window._dialogs), 30)
    shot("15-error-dialog", next(d for d in window._dialogs if d.isVisible()))
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
