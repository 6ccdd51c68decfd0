"""The studio refuses a distillation export with no training sample, as export-distill does (real
session: antiuav-4, one drawn box on frame 1 and 500 tracked frames, File > Export > Distillation data
wrote antiuav-4-distill.h5 and said "Exported ... 0 training samples", a file distill --data refuses;
the command line has said so and written nothing since a11d033)."""
from __future__ import annotations

import pytest

from app.settings import ModelSettings

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


def test_a_distillation_export_with_no_sample_writes_nothing_and_says_why(window, pair_files, synthetic, tmp_path):
    window.settings.models = ModelSettings(engine="torch", device="cpu")
    window.open_pair(*pair_files, store=str(tmp_path / "d.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()  # machine boxes only after the first keyframe: no sample
    errors = []
    window.error = lambda title, error, trace="": errors.append((title, str(error)))
    target = tmp_path / "none-distill.h5"
    assert not window.export_checked("distillation", target)
    assert not target.exists()
    assert len(errors) == 1 and errors[0][0] == "Cannot export"
    assert "no training sample" in errors[0][1] and "nothing was written" in errors[0][1]
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])  # a correction: one sample
    assert window.export_checked("distillation", target)
    assert target.is_file() and len(errors) == 1
