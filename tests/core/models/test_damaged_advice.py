"""A damaged torch file (a record failing its CRC-32) ended 'download it again' whatever it was:
wrong for a checkpoint trained here or a training state. The advice now follows the kind of file."""
from __future__ import annotations

import pytest

from core.errors import CheckpointError
from tests.core.models.test_checkpoint_checksum import _damaged, whole  # noqa: F401 - the fixture


@pytest.mark.parametrize(("name", "what", "advice"), [
    ("student.pt", "checkpoint", "or train it again"),
    ("models/student_bundled.pt", "checkpoint", "restore the bundled weights"),
    ("training_state.pt", "training state", "--resume cannot continue from it"),
])
def test_a_damaged_file_gets_advice_for_its_kind(whole, tmp_path, name, what, advice):  # noqa: F811
    from core.models.checkpoint import load_torch_file

    target = tmp_path / name
    target.parent.mkdir(exist_ok=True)
    bad = _damaged(whole, target, "data/0", "flip")
    with pytest.raises(CheckpointError) as caught:
        load_torch_file(bad, what)
    text = str(caught.value)
    assert "fails its checksum" in text and advice in text, text
    assert "download it again" not in text, text
