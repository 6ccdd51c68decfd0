"""The studio's distillation export says which tracker made each machine-tracked box
(``labels/tracker``), not "student" for every one of them."""
from __future__ import annotations

import pytest

from app.settings import ModelSettings
from core.distillation import schema
from core.distillation.reader import DistillationFile

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


def test_csrt_and_kcf_boxes_export_with_their_own_tracker_code(window, pair_files, synthetic, tmp_path):
    window.settings.models = ModelSettings(engine="torch", device="cpu")
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.set_tracker("csrt")
    window.timeline.show_range(0, 4)
    window.actions["track"].trigger()  # frames 1-3 by CSRT
    window.timeline.hide_range()
    window.goto(3)
    window.set_tracker("kcf")
    window.timeline.show_range(3, 6)
    window.actions["track"].trigger()  # frames 4-5 by KCF
    window.timeline.hide_range()
    by = window.document.tracked_by
    assert [by.get(f) for f in range(6)] == [None] + ["OpenCV CSRT"] * 3 + ["OpenCV KCF"] * 2
    out = tmp_path / "d.h5"
    results = []
    window.exporter.exported.connect(results.append)
    window.exporter.export(window.document, "distillation", out, window.settings.models)
    assert results[-1].path == out
    with DistillationFile(out) as data:
        (name,) = data.sequence_names()
        labels = data.labels(name)
    codes = schema.TRACKER_CODES
    assert labels["provenance"][1] == schema.PROVENANCE_CODES["student"]  # unchanged: machine-tracked
    assert labels["tracker"][:6].tolist() == [codes["none"]] + [codes["csrt"]] * 3 + [codes["kcf"]] * 2
