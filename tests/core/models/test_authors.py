"""Authors' checkpoints: synthetic state dicts from the published layouts, strict
loading, the OSTrack key map, pickle trust, conversion, and an independent reference
forward of MPLT (written from tracker.md on the raw tensors) matching the model."""
import re

import pytest
import torch
import torch.nn.functional as F

from core.errors import CheckpointError
from core.models import build_model, load_checkpoint, student_config, teacher_config
from core.models.authors import (
    convert_authors_checkpoint,
    load_mplt_weights,
    load_ostrack_weights,
    read_authors_state_dict,
)
from core.models.config import TeacherConfig
from tests.core.models.conftest import model_inputs, read_layout

MPLT = read_layout("mplt_state_dict")
OSTRACK = read_layout("ostrack_state_dict")
TINY_DEPTH = 3
TINY = TeacherConfig(template_size=32, search_size=64, patch_size=16, dim=32, depth=TINY_DEPTH, num_heads=2,
                     prompt_reduction=8, head_widths=(16, 8, 8, 4), drop_path=0.0)


class Settings:
    """Stands for the custom objects the authors' training checkpoints pickle."""

    def __init__(self):
        self.lr = 1e-4


def _synthetic(layout, device="cpu", shapes=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for key, (shape, dtype) in layout.items():
        shape = shapes[key] if shapes is not None else shape
        if dtype == "int64":
            out[key] = torch.tensor(7, dtype=torch.int64).to(device)
        elif device == "meta":
            out[key] = torch.empty(shape, device="meta")
        elif key.endswith("running_var"):
            out[key] = torch.rand(shape, generator=g) + 0.5
        elif key.endswith("fovea.smooth"):
            out[key] = torch.rand(shape, generator=g) * 10 + 1
        elif re.search(r"norm\w*(\.\d+)?\.weight$", key):
            out[key] = 1 + 0.1 * torch.randn(shape, generator=g)
        else:
            out[key] = 0.2 * torch.randn(shape, generator=g)
    return out


def _tiny_names():
    """The MPLT layout's names restricted to TINY_DEPTH blocks (all indexed families)."""
    keep = {}
    for key, value in MPLT.items():
        m = re.match(r"backbone\.(blocks|prompt_blocks|prompt_blocks_rev|prompt_norms|prompt_norms_rev)\.(\d+)\.", key)
        if m is None or int(m.group(2)) < TINY_DEPTH:
            keep[key] = value
    return keep


# ---------------------------------------------------------------- paper-scale layout

def test_paper_teacher_has_exactly_the_authors_layout():
    with torch.device("meta"):
        model = build_model("teacher", teacher_config("paper"))
    own = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert len(own) == 552 and set(own) == set(MPLT)
    assert all(own[k] == MPLT[k][0] for k in MPLT)
    assert sum(p.numel() for p in model.parameters()) == 114_585_271
    assert sum(p.numel() for p in model.parameters()) == sum(
        torch.Size(s).numel() for k, (s, d) in MPLT.items() if d == "float32" and "running" not in k)


def test_paper_teacher_loads_synthetic_mplt_strict_on_meta():
    with torch.device("meta"):
        model = build_model("teacher", teacher_config("paper"))
    report = load_mplt_weights(model, {"net": _synthetic(MPLT, "meta")})
    assert len(report.loaded) == 552 and not report.skipped and not report.missing


def test_mplt_loader_refuses_a_wrong_layout():
    with torch.device("meta"):
        model = build_model("teacher", teacher_config("paper"))
    state = _synthetic(MPLT, "meta")
    state.pop("backbone.prompt_blocks.0.fovea.smooth")  # even unused entries are required
    with pytest.raises(CheckpointError, match="missing"):
        load_mplt_weights(model, state)
    with torch.device("meta"):
        small = build_model("teacher", teacher_config("bundled", pretrained_stem=False))
    with pytest.raises(CheckpointError, match="paper scale"):
        load_mplt_weights(small, _synthetic(MPLT, "meta"))


def test_ostrack_into_paper_teacher_and_student_on_meta():
    with torch.device("meta"):
        teacher = build_model("teacher", teacher_config("paper"))
        student = build_model("student", student_config("paper"))
    state = {"net": _synthetic(OSTRACK, "meta")}
    report = load_ostrack_weights(teacher, state)
    assert len(report.loaded) == 242 and not report.skipped
    assert len(report.missing) == 552 - 242
    assert all(k.startswith(("backbone.prompt", "backbone.pos_embed_x_last", "mplt_fuse")) for k in report.missing)
    report = load_ostrack_weights(student, state)
    depth = student.config.depth
    assert len(report.loaded) == 2 + 2 + 12 * depth + 2 + 90
    assert set(report.skipped) == {"backbone.cls_token", "backbone.pos_embed"} | {
        k for k in OSTRACK if re.match(rf"backbone\.blocks\.({'|'.join(str(i) for i in range(depth, 12))})\.", k)}
    assert report.missing == ["backbone.fusion.bias", "backbone.fusion.weight"]


def test_ostrack_into_bundled_student_skips_what_does_not_fit():
    cfg = student_config("bundled", pretrained_stem=False, dim=768, num_heads=12, depth=2)
    model = build_model("student", cfg)
    state = _synthetic(OSTRACK, "meta")
    report = load_ostrack_weights(model, {k: torch.zeros(v.shape) for k, v in state.items()
                                          if not k.startswith("box_head")})
    assert "backbone.pos_embed_z" in report.loaded and "backbone.blocks.1.mlp.fc2.weight" in report.loaded
    assert "shape" in report.skipped["backbone.patch_embed.proj.weight"]
    assert float(model.backbone.blocks[1].mlp.fc2.weight.detach().abs().sum()) == 0.0
    with pytest.raises(CheckpointError, match="does not fit"):
        load_ostrack_weights(model, {k: torch.zeros(v.shape) for k, v in state.items()}, source_shapes_must_fit=True)


# ---------------------------------------------------------------- files and pickle trust

def test_trusted_checkpoint_loads_without_the_authors_training_code(tmp_path, monkeypatch):
    """The released checkpoints pickle classes of the authors' ``lib.train`` package, which
    is not installed here: with trust the tensors load, the absent classes are stood in for."""
    import sys
    import types

    package = {name: types.ModuleType(name) for name in ("lib", "lib.train", "lib.train.admin", "lib.train.admin.stats")}

    class AverageMeter:
        def __init__(self):
            self.avg, self.count = 0.5, 3

    AverageMeter.__module__ = "lib.train.admin.stats"
    AverageMeter.__qualname__ = "AverageMeter"
    package["lib.train.admin.stats"].AverageMeter = AverageMeter
    for name, module in package.items():
        monkeypatch.setitem(sys.modules, name, module)
    state = {"backbone.norm.weight": torch.ones(4), "module.box_head.bias": torch.zeros(2)}
    raw = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"epoch": 300, "net": state, "stats": {"train": AverageMeter()}}, raw)
    for name in package:
        monkeypatch.delitem(sys.modules, name)  # as on a user's machine: no authors' code
    with pytest.raises(CheckpointError, match="OSTrack_ep0300.pth.tar.*import-weights --trust-pickle"):
        read_authors_state_dict(raw)
    loaded = read_authors_state_dict(raw, trust_pickle=True)
    assert sorted(loaded) == ["backbone.norm.weight", "box_head.bias"]
    assert torch.equal(loaded["backbone.norm.weight"], torch.ones(4))
    assert "lib" not in sys.modules  # nothing of the absent package was created


def test_pickled_checkpoint_needs_explicit_trust_and_converts(tmp_path):
    model = build_model("teacher", TINY)
    state = _synthetic(_tiny_names(), shapes={k: v.shape for k, v in model.state_dict().items()})
    raw = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"epoch": 15, "net": state, "settings": Settings()}, raw)
    with pytest.raises(CheckpointError, match="MPLTTrack_ep0015.pth.tar.*trust_pickle"):
        load_mplt_weights(model, raw)
    report = load_mplt_weights(model, raw, trust_pickle=True)
    assert len(report.loaded) == len(state)
    out = tmp_path / "mplt.pt"
    report = convert_authors_checkpoint(raw, out, kind="mplt", trust_pickle=True, config=TINY)
    converted, extra = load_checkpoint(out)
    assert extra["authors_import"]["kind"] == "mplt" and extra["authors_import"]["source"] == str(raw)
    assert torch.equal(converted.state_dict()["backbone.prompt_blocks.2.fovea.smooth"],
                       state["backbone.prompt_blocks.2.fovea.smooth"])
    with pytest.raises(CheckpointError, match="nothing.tar"):
        load_mplt_weights(model, tmp_path / "nothing.tar")
    torch.save({"epoch": 1}, tmp_path / "nonet.tar")
    with pytest.raises(CheckpointError, match="nonet.tar.*'net'"):
        load_mplt_weights(model, tmp_path / "nonet.tar")


# ---------------------------------------------------------------- reference forward

def _ln(sd, pfx, x):
    return F.layer_norm(x, x.shape[-1:], sd[pfx + ".weight"], sd[pfx + ".bias"], eps=1e-6)


def _cbam(sd, x, ca, sa):
    def mlp(y):
        return F.conv2d(F.relu(F.conv2d(y, sd[ca + ".fc1.weight"])), sd[ca + ".fc2.weight"])
    x = x * torch.sigmoid(mlp(F.adaptive_avg_pool2d(x, 1)) + mlp(F.adaptive_max_pool2d(x, 1)))
    pooled = torch.cat([x.mean(1, keepdim=True), x.max(1, keepdim=True).values], 1)
    return x * torch.sigmoid(F.conv2d(pooled, sd[sa + ".conv1.weight"], padding=3))


def _fovea(sd, pfx, x):
    b, c, h, w = x.shape
    flat = x.view(b, c, h * w)
    return (F.softmax(flat * sd[pfx + ".fovea.smooth"], -1) * flat).view(b, c, h, w)


def _init_prompt(sd, pfx, own, other):
    return _fovea(sd, pfx, _cbam(sd, own, pfx + ".spatialattention0", pfx + ".tokenattention0")) + \
        _cbam(sd, other, pfx + ".spatialattention1", pfx + ".tokenattention1")


def _layer_prompt(sd, pfx, own, prev, other):
    # The released code's quirk: the third chunk uses spatialattention1 and tokenattention2.
    return (_fovea(sd, pfx, _cbam(sd, own, pfx + ".spatialattention0", pfx + ".tokenattention0"))
            + _cbam(sd, prev, pfx + ".spatialattention1", pfx + ".tokenattention1")
            + _cbam(sd, other, pfx + ".spatialattention1", pfx + ".tokenattention2"))


def _block(sd, i, x, heads):
    p = f"backbone.blocks.{i}"
    b, n, c = x.shape
    y = _ln(sd, p + ".norm1", x)
    q, k, v = F.linear(y, sd[p + ".attn.qkv.weight"], sd[p + ".attn.qkv.bias"]).view(b, n, 3, heads, c // heads).unbind(2)
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))
    a = F.softmax(q @ k.transpose(-1, -2) / (c // heads) ** 0.5, -1)
    x = x + F.linear((a @ v).transpose(1, 2).reshape(b, n, c), sd[p + ".attn.proj.weight"], sd[p + ".attn.proj.bias"])
    y = F.gelu(F.linear(_ln(sd, p + ".norm2", x), sd[p + ".mlp.fc1.weight"], sd[p + ".mlp.fc1.bias"]))
    return x + F.linear(y, sd[p + ".mlp.fc2.weight"], sd[p + ".mlp.fc2.bias"])


def _conv_bn(sd, p, x, relu=True):
    x = F.conv2d(x, sd[p + ".0.weight"], sd[p + ".0.bias"], padding=1)
    x = F.batch_norm(x, sd[p + ".1.running_mean"], sd[p + ".1.running_var"], sd[p + ".1.weight"], sd[p + ".1.bias"],
                     training=False, eps=1e-5)
    return F.relu(x) if relu else x


def reference_mplt(sd, cfg, zv, zt, xv, xt):
    """MPLT forward from tracker.md section 2 on the raw tensors (one stream at a time)."""
    sz, sx = cfg.template_size // 16, cfg.search_size // 16

    def embed(img):
        return F.conv2d(img, sd["backbone.patch_embed.proj.weight"], sd["backbone.patch_embed.proj.bias"],
                        stride=16).flatten(2).transpose(1, 2)

    def to_map(tok, side):
        return tok.transpose(1, 2).reshape(tok.shape[0], -1, side, side)

    def to_tok(m):
        return m.flatten(2).transpose(1, 2)

    tok = {"zv": embed(zv), "zt": embed(zt), "xv": embed(xv), "xt": embed(xt)}
    side = {"z": sz, "x": sx}
    normed = {k: to_map(_ln(sd, "backbone.prompt_norms.0", t), side[k[0]]) for k, t in tok.items()}
    prompt = {}
    for r in "zx":
        prompt[r + "v"] = to_tok(_init_prompt(sd, "backbone.prompt_blocks_init", normed[r + "v"], normed[r + "t"]))
        prompt[r + "t"] = to_tok(_init_prompt(sd, "backbone.prompt_blocks_init_rev", normed[r + "t"], normed[r + "v"]))
    streams = {}
    for m in "vt":
        streams[m] = torch.cat([tok["z" + m] + prompt["z" + m] + sd["backbone.pos_embed_z"],
                                tok["x" + m] + prompt["x" + m] + sd["backbone.pos_embed_x"]], 1)
    nz = sz * sz
    for i in range(cfg.depth):
        if i >= 1:
            norm_name = {"v": "backbone.prompt_norms", "t": "backbone.prompt_norms_rev"}
            blocks = {"v": "backbone.prompt_blocks", "t": "backbone.prompt_blocks_rev"}
            own = {m: _ln(sd, f"{norm_name[m]}.{i - 1}", streams[m]) for m in "vt"}
            new = {}
            for m, o in (("v", "t"), ("t", "v")):
                parts = []
                for r, sl in (("z", slice(0, nz)), ("x", slice(nz, None))):
                    prev = to_map(_ln(sd, f"{norm_name[m]}.{i}", prompt[r + m]), side[r])
                    p = _layer_prompt(sd, f"{blocks[m]}.{i}", to_map(own[m][:, sl], side[r]), prev,
                                      to_map(own[o][:, sl], side[r]))
                    parts.append(to_tok(p))
                new[m] = parts
            for m in "vt":
                prompt["z" + m], prompt["x" + m] = new[m]
                streams[m] = streams[m] + torch.cat(new[m], 1)
        streams = {m: _block(sd, i, s, cfg.num_heads) for m, s in streams.items()}
    out = {m: _ln(sd, "backbone.norm", s)[:, nz:] for m, s in streams.items()}
    fused = torch.cat([to_map(out["v"], sx), to_map(out["t"], sx)], 1)
    feat = _conv_bn(sd, "mplt_fuse_search", fused)
    maps = {}
    for name in ("ctr", "size", "offset"):
        x = feat
        for k in range(1, 5):
            x = _conv_bn(sd, f"box_head.conv{k}_{name}", x)
        maps[name] = F.conv2d(x, sd[f"box_head.conv5_{name}.weight"], sd[f"box_head.conv5_{name}.bias"])
    score = torch.clamp(torch.sigmoid(maps["ctr"]), 1e-4, 1 - 1e-4)
    size = torch.clamp(torch.sigmoid(maps["size"]), 1e-4, 1 - 1e-4)
    return score, size, maps["offset"], feat


def test_transplanted_weights_reproduce_the_reference_forward():
    model = build_model("teacher", TINY)
    names = _tiny_names()
    own = model.state_dict()
    assert set(own) == set(names)  # the authors' names, only fewer blocks and narrower
    state = _synthetic(names, shapes={k: v.shape for k, v in own.items()}, seed=5)
    load_mplt_weights(model, state)
    inputs = model_inputs(TINY, batch=2, seed=9)
    with torch.no_grad():
        ours = model(*inputs)
        ref = reference_mplt(state, TINY, *inputs)
    for a, b in zip(ours, ref, strict=True):
        assert a.shape == b.shape
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4), float((a - b).abs().max())
    # The quirk matters: with spatialattention2 on the third chunk the output changes.
    fixed = build_model("teacher", TeacherConfig(**{**TINY.__dict__, "authors_quirks": False}))
    load_mplt_weights(fixed, state)
    with torch.no_grad():
        assert not torch.allclose(fixed(*inputs)[3], ref[3], atol=1e-4)
