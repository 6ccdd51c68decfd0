"""Child process of ``test_kill``: a real studio window that draws a box and tracks.

argv: VISIBLE THERMAL STORE. Prints ``BOX`` once the manual box is committed and
``COMMITTED <frame>`` for every frame the window has received from the tracking worker
(the worker commits a frame to the store before reporting it). Never exits by itself
before the run ends: the parent kills it with SIGKILL.
"""
from __future__ import annotations

import os
import sys
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
warnings.filterwarnings("ignore")


def main() -> int:
    import torch

    torch.set_num_threads(1)
    from app.studio.env import application
    from app.studio.settings import StudioSettings
    from app.studio.sources import Source
    from app.studio.window import MainWindow

    visible, thermal, store = sys.argv[1:4]
    app = application()
    window = MainWindow(StudioSettings())
    window.show()

    def opened(_opened):
        window.editor.box([30.0, 25.0, 24.0, 24.0], "visible")
        print("BOX", flush=True)
        window.annotator.followFrame.connect(lambda frame: print(f"COMMITTED {frame}", flush=True))
        window.annotator.finished.connect(lambda *_: print("DONE", flush=True))
        window.track()

    window.opener.opened.connect(opened)
    window.open_source(Source.pair(visible, thermal), store)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
