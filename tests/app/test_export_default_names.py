"""The export dialog's default target is named after the sequence: a sequence named with a newline gave
a folder name holding it, one starting with a dot a hidden export folder ('.walk-lasher', not seen in a
file browser), a byte that is not UTF-8 was dropped without a trace. The name offered is one safe path
component (``core.fileio.safe_component``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("name", "offered"), [("a\nb", "a_b"), (".walk", "walk"), ("caf\udce9", "caf_"),
                                               ("blkboy`shead", "blkboy`shead")])
def test_the_offered_export_name_is_one_safe_component(window, tmp_path, monkeypatch, name, offered):
    import app.dialogs.export_dialog as export_dialog
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seen = []

    class Dialog(export_dialog.ExportDialog):
        def exec(self):
            seen.append(self.target_path().name)
            return False

    monkeypatch.setattr(export_dialog, "ExportDialog", Dialog)
    sequence = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=4), 7, name=name)
    window.open_request(OpenRequest("object", store=str(tmp_path / "p.rgbt.sqlite"), sequence=sequence))
    window.ask_export()
    assert seen == [f"{offered}-lasher"], seen
