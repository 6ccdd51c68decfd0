import pickle

import pytest
import torch

from core.config import to_dict
from core.errors import CheckpointError, ConfigError
from core.models import build_model, load_checkpoint, save_checkpoint, student_config, teacher_config
from core.models.config import StudentConfig, TeacherConfig
from core.models.registry import config_from_dict
from tests.core.models.conftest import model_inputs


def _tiny(factory):
    make = teacher_config if factory == "teacher" else student_config
    return make("bundled", pretrained_stem=False, depth=2, dim=32, num_heads=2, head_widths=(16, 8))


def test_registry_builds_both_factories_from_config_dict_or_default():
    assert isinstance(build_model("student", _tiny("student")).config, StudentConfig)
    model = build_model("teacher", to_dict(_tiny("teacher")))
    assert model.config == _tiny("teacher") and not model.training
    with pytest.raises(ConfigError, match="unknown model factory"):
        build_model("resnet", None)
    with pytest.raises(ConfigError):
        build_model("teacher", _tiny("student"))


def test_unknown_config_keys_rejected():
    data = to_dict(_tiny("student"))
    data["depht"] = 3
    with pytest.raises(ConfigError, match="depht"):
        config_from_dict("student", data)
    assert config_from_dict("teacher", to_dict(teacher_config("paper"))) == teacher_config("paper")


@pytest.mark.parametrize("factory", ["teacher", "student"])
def test_checkpoint_round_trip(tmp_path, factory):
    torch.manual_seed(1)
    model = build_model(factory, _tiny(factory))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01 * torch.randn_like(p))
    path = save_checkpoint(tmp_path / "m.pt", model, {"epoch": 7, "loss": [0.5, 0.25], "note": "x"})
    loaded, extra = load_checkpoint(path)
    assert extra == {"epoch": 7, "loss": [0.5, 0.25], "note": "x"}
    assert type(loaded) is type(model) and loaded.config == model.config
    inputs = model_inputs(model.config)
    with torch.no_grad():
        for a, b in zip(model(*inputs), loaded(*inputs), strict=True):
            assert torch.equal(a, b)
    assert not list(tmp_path.glob(".m.pt*"))  # no temporary left behind


def test_checkpoint_errors_name_the_file(tmp_path):
    with pytest.raises(CheckpointError, match="missing.pt"):
        load_checkpoint(tmp_path / "missing.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="garbage.pt"):
        load_checkpoint(garbage)
    other = tmp_path / "other.pt"
    torch.save({"net": {}}, other)
    with pytest.raises(CheckpointError, match="other.pt.*not an RGB-T Studio"):
        load_checkpoint(other)
    unsafe = tmp_path / "unsafe.pt"
    with open(unsafe, "wb") as handle:
        pickle.dump({"format": "rgbt-studio-model", "obj": ConfigError("x")}, handle)
    with pytest.raises(CheckpointError, match="unsafe.pt"):
        load_checkpoint(unsafe)


def test_checkpoint_with_bad_weights_or_config(tmp_path):
    model = build_model("student", _tiny("student"))
    path = save_checkpoint(tmp_path / "s.pt", model)
    payload = torch.load(path, weights_only=True)
    payload["state_dict"].pop("backbone.norm.weight")
    torch.save(payload, tmp_path / "cut.pt")
    with pytest.raises(CheckpointError, match="cut.pt.*do not fit"):
        load_checkpoint(tmp_path / "cut.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"]["colour"] = "red"
    torch.save(payload, tmp_path / "cfg.pt")
    with pytest.raises(CheckpointError, match="cfg.pt.*colour"):
        load_checkpoint(tmp_path / "cfg.pt")


def test_bundled_config_survives_json(tmp_path):
    for factory, make in (("teacher", teacher_config), ("student", student_config)):
        cfg = make("bundled")
        assert config_from_dict(factory, to_dict(cfg)) == cfg
    assert isinstance(teacher_config("bundled"), TeacherConfig)


def test_metadata_that_could_not_be_read_back_is_refused_at_save(tmp_path):
    import numpy as np

    model = build_model("student", _tiny("student"))
    with pytest.raises(CheckpointError, match=r"bad.pt.*\['lr'\].*numpy"):
        save_checkpoint(tmp_path / "bad.pt", model, {"lr": np.float64(0.1)})
    assert not (tmp_path / "bad.pt").exists()
    save_checkpoint(tmp_path / "ok.pt", model, {"history": [{"epoch": 1, "loss": 0.5}], "t": torch.ones(2)})
    assert load_checkpoint(tmp_path / "ok.pt")[1]["history"][0]["loss"] == 0.5
