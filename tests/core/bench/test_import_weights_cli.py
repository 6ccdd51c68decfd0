"""``python main.py import-weights``: argument handling, error paths, and real conversions
of synthetic authors' checkpoints (names from tests/core/models/layouts, narrow shapes
through --config so the files stay small)."""
from __future__ import annotations

import json
import re

import pytest
import torch

from core.cli import main
from core.models import build_model, load_checkpoint
from core.models.config import StudentConfig, TeacherConfig
from tests.core.models.conftest import read_layout

TINY = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 3, "num_heads": 2,
        "prompt_reduction": 8, "head_widths": [16, 8, 8, 4], "drop_path": 0.0}
TINY_STUDENT = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}
INDEXED = r"backbone\.(blocks|prompt_blocks|prompt_blocks_rev|prompt_norms|prompt_norms_rev)\.(\d+)\."


class Settings:
    """Stands for the custom objects the authors' training checkpoints pickle."""


def _layout_state(layout: str, model, depth: int) -> dict[str, torch.Tensor]:
    """The layout's names (blocks below ``depth`` for MPLT, all for OSTrack) with random
    tensors shaped like ``model``'s entry, or a small shape for names it lacks."""
    own = model.state_dict()
    g = torch.Generator().manual_seed(0)
    out = {}
    for key, (_shape, dtype) in read_layout(layout).items():
        m = re.match(INDEXED, key)
        if layout == "mplt_state_dict" and m and int(m.group(2)) >= depth:
            continue
        if dtype == "int64":
            out[key] = torch.tensor(3, dtype=torch.int64)
        else:
            out[key] = torch.randn(tuple(own[key].shape) if key in own else (2,), generator=g)
    return out


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    return path


@pytest.fixture
def mplt_file(tmp_path):
    model = build_model("teacher", TeacherConfig(**{**TINY, "head_widths": tuple(TINY["head_widths"])}))
    state = _layout_state("mplt_state_dict", model, TINY["depth"])
    assert set(state) == set(model.state_dict())  # the authors' names, narrower and shallower
    path = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"epoch": 15, "net": {f"module.{k}": v for k, v in state.items()}, "settings": Settings()}, path)
    return path, state


def test_mplt_conversion_needs_trust_then_writes_a_safe_checkpoint(tmp_path, tiny_config, mplt_file, capsys):
    src, state = mplt_file
    dst = tmp_path / "mplt.pt"
    args = ["import-weights", str(src), str(dst), "--kind", "mplt", "--config", str(tiny_config)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "MPLTTrack_ep0015.pth.tar" in err and "trust_pickle" in err and not dst.exists()
    assert main(args + ["--trust-pickle"]) == 0
    out = capsys.readouterr().out
    assert f"loaded {len(state)}, skipped 0, missing 0" in out and f"wrote {dst}" in out
    model, extra = load_checkpoint(dst)
    assert extra["authors_import"]["kind"] == "mplt"
    assert torch.equal(model.state_dict()["backbone.blocks.2.mlp.fc2.weight"], state["backbone.blocks.2.mlp.fc2.weight"])
    # refuses to overwrite without --force; --verbose lists the loaded names
    assert main(args + ["--trust-pickle"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(args + ["--trust-pickle", "--force", "--verbose"]) == 0
    assert "  backbone.prompt_blocks.2.fovea.smooth" in capsys.readouterr().out


def test_ostrack_into_a_student_reports_skipped_and_missing(tmp_path, capsys):
    config = tmp_path / "student.json"
    config.write_text(json.dumps(TINY_STUDENT))
    model = build_model("student", StudentConfig(**{**TINY_STUDENT, "head_widths": (16, 8, 8, 4)}))
    state = _layout_state("ostrack_state_dict", model, TINY_STUDENT["depth"])
    src = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"net": state}, src)  # tensors only: loads without pickle trust
    dst = tmp_path / "student.pt"
    assert main(["import-weights", str(src), str(dst), "--kind", "ostrack", "--factory", "student",
                 "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "backbone.cls_token: ImageNet leftover" in out
    assert "backbone.blocks.2.attn.qkv.weight: block 2 beyond the model's depth 2" in out
    assert "missing (model keys left as initialised):\n  backbone.fusion.bias\n  backbone.fusion.weight" in out
    converted, extra = load_checkpoint(dst)
    assert converted.FACTORY == "student" and extra["authors_import"]["kind"] == "ostrack"


def test_error_paths(tmp_path, tiny_config, mplt_file, capsys):
    src, _ = mplt_file
    assert main(["import-weights", str(tmp_path / "none.tar"), str(tmp_path / "x.pt"), "--kind", "mplt"]) == 2
    assert "none.tar: checkpoint file not found" in capsys.readouterr().err
    assert main(["import-weights", str(src), str(src), "--kind", "mplt"]) == 2
    assert "must differ" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"dim": 32, "colour": 1}')
    assert main(["import-weights", str(src), str(tmp_path / "y.pt"), "--kind", "mplt", "--config", str(bad)]) == 2
    assert "colour" in capsys.readouterr().err
    bad.write_text("[1, 2]")
    assert main(["import-weights", str(src), str(tmp_path / "y.pt"), "--kind", "mplt", "--config", str(bad)]) == 2
    assert "JSON object" in capsys.readouterr().err
    # a layout that does not fit (tiny weights into the default paper-scale teacher would be
    # slow to build; a narrower config than the file's) is a clear error, nothing written
    narrow = tmp_path / "narrow.json"
    narrow.write_text(json.dumps({**TINY, "depth": 2}))
    assert main(["import-weights", str(src), str(tmp_path / "z.pt"), "--kind", "mplt", "--trust-pickle",
                 "--config", str(narrow)]) == 2
    assert "unexpected keys" in capsys.readouterr().err and not (tmp_path / "z.pt").exists()
    with pytest.raises(SystemExit):
        main(["import-weights", str(src), str(tmp_path / "z.pt")])  # --kind is required
