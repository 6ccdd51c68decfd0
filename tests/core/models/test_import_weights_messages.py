"""``import-weights`` given a file that is not what ``--kind`` reads says what it is: an OSTrack
checkpoint under ``--kind mplt`` was 'does not match the teacher layout (is the model at paper
scale?)' with 94 missing keys; a project checkpoint (already converted) and a file whose weights
sit under another key were both 'no state dict under 'net''. One line each, nothing written."""
from __future__ import annotations

import json

import pytest
import torch

from core.cli import main
from core.models import build_model, save_checkpoint
from core.models.config import TeacherConfig

TINY = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 1, "num_heads": 2,
        "prompt_reduction": 8, "head_widths": [16, 8], "drop_path": 0.0}


@pytest.fixture
def tiny(tmp_path):
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(TINY))
    torch.manual_seed(0)
    model = build_model("teacher", TeacherConfig(**{**TINY, "head_widths": tuple(TINY["head_widths"])}))
    return config, model


def _import(tmp_path, src, config, capsys) -> str:
    dst = tmp_path / "out.pt"
    code = main(["import-weights", str(src), str(dst), "--kind", "mplt", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert not dst.exists()
    return err.strip()


def test_an_ostrack_checkpoint_under_kind_mplt_is_named_as_one(tmp_path, tiny, capsys):
    config, model = tiny
    ostrack = {k: v for k, v in model.state_dict().items()
               if ".prompt_" not in k and "mplt_fuse" not in k and "pos_embed_x_last" not in k}
    src = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"net": ostrack}, src)
    err = _import(tmp_path, src, config, capsys)
    assert err.startswith(f"error: {src}: holds no MPLT prompt blocks (") and "import it with --kind ostrack" in err, err
    assert "paper scale" not in err


def test_a_project_checkpoint_is_said_to_load_as_it_is(tmp_path, tiny, capsys):
    config, model = tiny
    src = save_checkpoint(tmp_path / "teacher.pt", model)
    err = _import(tmp_path, src, config, capsys)
    assert err.startswith(f"error: {src}: is already a project checkpoint (teacher): it loads as it is"), err


def test_weights_under_another_key_name_the_keys_found(tmp_path, tiny, capsys):
    config, model = tiny
    src = tmp_path / "weights.pth"
    torch.save({"state_dict": model.state_dict(), "epoch": 3}, src)
    err = _import(tmp_path, src, config, capsys)
    assert err.startswith(f"error: {src}: no state dict under 'net' (its top-level keys: state_dict, epoch)"), err


def test_non_finite_weights_are_refused_by_import_and_average(tmp_path, tiny, capsys):
    """A checkpoint holding NaN (a diverged run, damaged bytes) was imported with status 0, and
    averaged into an all-NaN mean: both wrote weights that track nothing, without a word."""
    config, model = tiny
    state = {k: v.clone() for k, v in model.state_dict().items()}
    state["backbone.norm.weight"][0] = float("nan")
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": state}, src)
    err = _import(tmp_path, src, config, capsys)
    assert err.startswith(f"error: {src}: holds NaN or infinite values in 1 of its {len(state)} tensors (e.g. "
                          "backbone.norm.weight)"), err
    good = save_checkpoint(tmp_path / "good.pt", model)
    model.load_state_dict(state)
    bad = save_checkpoint(tmp_path / "bad.pt", model)
    out = tmp_path / "mean.pt"
    assert main(["average-weights", str(good), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {bad}: holds NaN or infinite values") and err.endswith("it cannot be averaged"), err
    assert not out.exists()


def test_weights_of_a_compiled_and_wrapped_network_import(tmp_path, tiny, capsys):
    """A fine-tune of MPLT saved from ``torch.compile`` under DDP names its weights
    ``module._orig_mod.backbone...``: only ``module.`` was removed, and the file was 'does not match
    the teacher layout' with every key unexpected and every key missing."""
    from core.models import load_checkpoint

    config, model = tiny
    state = model.state_dict()
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": {f"module._orig_mod.{k}": v for k, v in state.items()}}, src)
    dst = tmp_path / "out.pt"
    assert main(["import-weights", str(src), str(dst), "--kind", "mplt", "--config", str(config)]) == 0, \
        capsys.readouterr().err
    assert f"loaded {len(state)}, skipped 0, missing 0" in capsys.readouterr().out
    loaded, _ = load_checkpoint(dst)
    assert all(torch.equal(loaded.state_dict()[k], v) for k, v in state.items())


@pytest.mark.parametrize("command", ["train", "distill", "average"])
def test_an_authors_checkpoint_where_a_project_one_is_needed_names_import_weights(tmp_path, tiny, capsys, command):
    """``--init`` / ``--teacher`` / average-weights (and track --weights) given the authors'
    MPLTTrack_ep0015.pth.tar said '... authors' checkpoints load through core.models.authors', a
    Python module, not the command that converts it."""
    from pathlib import Path

    config, model = tiny
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"epoch": 15, "net": model.state_dict()}, src)
    other = save_checkpoint(tmp_path / "other.pt", model)
    student = str(Path(__file__).resolve().parents[1] / "training" / "configs" / "tiny_student.json")
    run = str(tmp_path / "run")
    argv = {"train": ["train", "--config", student, "--out", run, "--init", str(src)],
            "distill": ["distill", "--config", student, "--out", run, "--teacher", str(src)],
            "average": ["average-weights", str(other), str(src), "--out", str(tmp_path / "m.pt")]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"error: {src}: is an authors' training checkpoint (weights under 'net'), not a project checkpoint: convert "
        f"it once with `python main.py import-weights {src} {tmp_path / 'MPLTTrack_ep0015_imported.pt'} --kind "
        "mplt` and give the file it writes"], err


def test_position_embeddings_of_other_crops_say_how_to_keep_them(tmp_path, tiny, capsys):
    """OSTrack's 384 model (pos_embed_x of 576 tokens) imported into the 256 model: its position
    embeddings were skipped ('shape (1, 576, 768) does not fit (1, 256, 768)') and left random, with
    no word of the way to keep them: import at the source's crops, then resize-crops."""
    config, _ = tiny
    torch.manual_seed(0)
    bigger = TeacherConfig(**{**TINY, "head_widths": tuple(TINY["head_widths"]), "template_size": 48,
                              "search_size": 96})
    state = {k: v for k, v in build_model("teacher", bigger).state_dict().items() if "prompt" not in k}
    src = tmp_path / "OSTrack384_ep0300.pth.tar"
    torch.save({"net": state}, src)
    dst = tmp_path / "out.pt"
    assert main(["import-weights", str(src), str(dst), "--kind", "ostrack", "--config", str(config)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"note: {src}: its position embeddings are for 48/96 crops (3x3 + 6x6 tokens at patch 16), the "
                   "model's for 32/64, so they were left as initialised; to keep them, import with --config setting "
                   f"\"template_size\": 48, \"search_size\": 96, then `python main.py resize-crops {dst} --template 32 "
                   "--search 64 --out NEW.pt`"], err
