"""Weight averaging: the mean of the inputs, refused across models, never over an input."""
import pytest
import torch

from core.cli import main as cli_main
from core.errors import CheckpointError, ConfigError
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.training.averaging import average_checkpoints


def _student(seed: int, depth: int = 1):
    torch.manual_seed(seed)
    return build_model("student", student_config("bundled", pretrained_stem=False, depth=depth))


def test_average_is_the_mean_of_the_weights(tmp_path):
    models = [_student(s) for s in (0, 1, 2)]
    paths = [save_checkpoint(tmp_path / f"m{i}.pt", m) for i, m in enumerate(models)]
    state = average_checkpoints(paths)
    for name, tensor in models[0].state_dict().items():
        if tensor.is_floating_point():
            expected = sum(m.state_dict()[name].double() for m in models) / 3
            torch.testing.assert_close(state[name].double(), expected, rtol=0, atol=1e-6)
        else:
            assert torch.equal(state[name], models[2].state_dict()[name])


def test_the_command_writes_a_loadable_checkpoint_and_keeps_the_inputs(tmp_path, capsys):
    paths = [save_checkpoint(tmp_path / f"m{i}.pt", _student(i)) for i in range(2)]
    before = [p.read_bytes() for p in paths]
    out = tmp_path / "avg.pt"
    assert cli_main(["average-weights", *map(str, paths), "--out", str(out)]) == 0
    model, extra = load_checkpoint(out)
    assert extra["averaged_from"] == [str(p) for p in paths]
    assert [p.read_bytes() for p in paths] == before
    assert cli_main(["average-weights", *map(str, paths), "--out", str(paths[0]), "--force"]) == 2
    assert "input checkpoint" in capsys.readouterr().err
    assert paths[0].read_bytes() == before[0]


def test_checkpoints_of_different_models_are_refused(tmp_path):
    a = save_checkpoint(tmp_path / "a.pt", _student(0, depth=1))
    b = save_checkpoint(tmp_path / "b.pt", _student(0, depth=2))
    with pytest.raises(CheckpointError, match="b.pt"):
        average_checkpoints([a, b])
    with pytest.raises(ConfigError):
        average_checkpoints([a])
