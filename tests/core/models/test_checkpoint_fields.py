"""A file carrying the project checkpoint's marker whose fields have the wrong types (written by another
tool, or by hand) ended in Python tracebacks: a state dict that is a list ('AttributeError: 'list' object
has no attribute 'items''), a config that is a list ('TypeError: cannot convert dictionary update
sequence ...'), extra metadata that is not a dict. Each is one line naming the file and the field."""
from __future__ import annotations

import pytest

from core.errors import CheckpointError


@pytest.mark.parametrize(("field", "value", "words"), [
    ("state_dict", [1], "'state_dict' is a list, not a dict of tensors"),
    ("state_dict", {"a": 1}, "'state_dict' holds a int under 'a', not a tensor"),
    ("config", [1], "'config' is a list, not a dict"),
    ("extra", [1], "'extra' is a list, not a dict"),
])
def test_a_field_of_the_wrong_type_is_one_line(tmp_path, field, value, words):
    import torch

    from core.models.checkpoint import FORMAT, load_checkpoint

    payload = {"format": FORMAT, "version": 1, "factory": "student", "config": {}, "state_dict": {}, "extra": {}}
    payload[field] = value
    path = tmp_path / "odd.pt"
    torch.save(payload, path)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    assert caught.value.path == path and words in str(caught.value), str(caught.value)
