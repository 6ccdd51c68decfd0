"""Child process of ``test_kill``: the real studio (worker threads, not synchronous) opens
a synthetic pair, commits two manual boxes, tracks, and prints each committed frame.

Usage: python tests/app/studio_child.py STORE_PATH
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(store_path: str) -> int:
    import numpy as np
    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    from app.main_window import MainWindow
    from app.project import OpenRequest
    from app.qt import ensure_app
    from app.settings import StudioSettings
    from core.synthetic import SyntheticConfig, SyntheticSequence

    app = ensure_app()
    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=400), seed=7)
    window = MainWindow(StudioSettings.load())
    window.show()

    def opened(document):
        window.views.box_drawn.emit("visible", sequence.boxes[0])
        window.goto(300)
        window.views.box_drawn.emit("visible", np.array([30.0, 20.0, 24.0, 22.0]))
        window.goto(0)
        print("manual 0 300", flush=True)
        window.tracking.runner.progress.connect(
            lambda _g, report: report.payload is not None and print(f"committed {report.payload.frame}", flush=True))
        window.actions["track"].trigger()

    window.project_opened.connect(opened)
    window.open_request(OpenRequest("object", store=store_path, sequence=sequence))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
