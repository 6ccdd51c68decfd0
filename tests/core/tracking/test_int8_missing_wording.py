"""``track --precision int8`` on a checkpoint with its float32 export beside it but no int8 copy
said '<name>.int8.onnx: ONNX export of <name>.pt not found', though the export is there; it now
names what is missing: the int8 copy, and the command that writes it."""
from __future__ import annotations

import pytest

from core.errors import CheckpointError
from core.tracking.factory import load_tracker


def test_the_missing_int8_copy_is_named(tmp_path):
    from core.models import save_checkpoint
    from core.tracking.factory import random_model
    from core.tracking.onnx_export import export_onnx

    checkpoint = tmp_path / "s.pt"
    save_checkpoint(checkpoint, random_model("student"))
    export_onnx(random_model("student"), tmp_path / "s.onnx", source_checkpoint=checkpoint)
    with pytest.raises(CheckpointError) as error:
        load_tracker("student", checkpoint, engine="onnx", precision="int8")
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 's.int8.onnx'}: int8 copy of the ONNX export of s.pt not found")
    assert "--int8" in text
