"""The authors' released checkpoints: MPLT (``MPLTTrack_ep0015.pth.tar``) and OSTrack
ViT-B (``OSTrack_ep0300.pth.tar``), weights under the key ``net`` (plain state dict).

- :func:`load_mplt_weights`: the released MPLT weights into the paper-scale teacher,
  strict (the names are the authors', ``state_dict_layouts.md``).
- :func:`load_ostrack_weights`: OSTrack ViT-B into the paper-scale teacher or student
  through :func:`ostrack_key_map` (an explicit rule per key); everything that has no
  place, or whose shape does not fit, is reported, never silently dropped.
- :func:`convert_authors_checkpoint`: once, into the project's safe format
  (``core.models.checkpoint``), so later loads need no pickle trust.

Raw training checkpoints pickle custom objects (``settings``, ``stats``), which
``torch.load(weights_only=True)`` refuses. Loading such a file needs the explicit
``trust_pickle=True``: unpickling can run arbitrary code, so do it only for files from a
source you trust (e.g. the authors' release you downloaded yourself).
"""
from __future__ import annotations

import pickle
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from core.errors import CheckpointError
from core.models.checkpoint import (
    describe_load_failure,
    file_kind_problem,
    non_finite_problem,
    save_checkpoint,
)
from core.models.config import student_config, teacher_config
from core.models.registry import build_model, factory_of

StateDict = dict[str, torch.Tensor]

# OSTrack entries that are ImageNet leftovers: no place in a model without legacy slots.
OSTRACK_LEFTOVERS = ("backbone.cls_token", "backbone.pos_embed")


@dataclass
class LoadReport:
    """What a weight transplant did. ``loaded``: model keys filled; ``skipped``: source
    key -> reason it was not used; ``missing``: model keys left as initialised."""

    source: str
    loaded: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: counts and the first few skipped / missing keys."""
        text = f"{self.source}: loaded {len(self.loaded)}, skipped {len(self.skipped)}, missing {len(self.missing)}"
        if self.skipped:
            text += f"; skipped e.g. {list(self.skipped)[:3]}"
        if self.missing:
            text += f"; missing e.g. {self.missing[:3]}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """JSON-compatible form (stored in converted checkpoints' ``extra``)."""
        return {"source": self.source, "loaded": list(self.loaded), "skipped": dict(self.skipped),
                "missing": list(self.missing)}


def read_authors_state_dict(path: str | Path, *, trust_pickle: bool = False) -> StateDict:
    """The ``net`` state dict of an authors' checkpoint (or a bare state dict file).

    Loads with ``weights_only=True``; a file that needs full unpickling raises
    CheckpointError unless ``trust_pickle=True`` (see module docstring). The ``module.``
    (DataParallel) and ``_orig_mod.`` (``torch.compile``) prefixes are removed.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "checkpoint file not found")
    problem = file_kind_problem(path) or damaged_record(path)
    if problem is not None:
        raise CheckpointError(path, problem)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001
        text, needs_pickle = describe_load_failure(error)
        if not needs_pickle:
            raise CheckpointError(path, f"corrupt or truncated checkpoint ({text})") from error
        if not trust_pickle:
            raise CheckpointError(path, "this file pickles objects that weights_only loading refuses "
                                        f"({text}); if you trust its source, convert it once with "
                                        "`python main.py import-weights --trust-pickle` (Python: trust_pickle=True "
                                        "with convert_authors_checkpoint)") from error
        try:
            payload = torch.load(path, map_location="cpu", weights_only=False, pickle_module=_TOLERANT_PICKLE)
        except Exception as inner:  # noqa: BLE001
            raise CheckpointError(path, f"cannot be read even with trust_pickle=True ({inner})") from inner
    return extract_net(payload, path)


# What to do about a damaged file, per kind of file (``damaged_record``'s ``kind``): only the
# authors' release is something to download again; a checkpoint made here is copied again or
# trained again, the bundled one restored with the project, a training state cannot be resumed.
DAMAGED_ADVICE = {
    "authors": "download it again",
    "checkpoint": "copy it again from where it was made (a backup, the training machine) or train it again",
    "bundled": "restore the bundled weights with the project (git checkout assets/models, or reinstall it)",
    "training state": "--resume cannot continue from it: restore it from a backup, or train again without --resume",
}


def damaged_advice(path: str | Path, what: str = "checkpoint") -> str:
    """The advice of :data:`DAMAGED_ADVICE` for a damaged ``path`` read as ``what``
    ("checkpoint", "training state", "authors"): a project checkpoint in ``assets/models`` named
    ``*_bundled.pt`` is the bundled one."""
    if what == "checkpoint" and Path(path).name.endswith("_bundled.pt") and Path(path).parent.name == "models":
        what = "bundled"
    return DAMAGED_ADVICE.get(what, DAMAGED_ADVICE["checkpoint"])


def damaged_record(path: str | Path, what: str = "authors") -> str | None:
    """Why the zip-format torch file at ``path`` is damaged: the first record whose bytes fail the
    CRC-32 the archive stores for it (torch's reader does not check them, so changed bytes load as
    other weights without a word), with what to do about it for a file of kind ``what``
    (:func:`damaged_advice`). None when every record checks, or when the file is not a zip
    that can be listed (torch's reader then says what is wrong). Reads the whole file once
    (about 0.5-1 s for the 458 MB MPLT checkpoint)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    if bad is None:
        return None
    return f"is damaged: its record {bad} fails its checksum (a bad copy or download); {damaged_advice(path, what)}"


class _AbsentClass:
    """Stands in for a class of the authors' training code (``lib.train.admin.stats.
    AverageMeter``, ``lib.train.admin.settings.Settings``, ...) that is not installed here:
    it takes any constructor arguments and any pickled state, and is never used."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __setstate__(self, state):
        self.state = state


class _TolerantUnpickler(pickle.Unpickler):
    """Full unpickling (``trust_pickle=True`` only) that replaces a class whose module is
    not importable by an :class:`_AbsentClass` subclass of the same name, so the authors'
    checkpoints load without their training code: only the tensors under ``net`` are used."""

    def find_class(self, module: str, name: str):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return type(name, (_AbsentClass,), {"__module__": module, "__qualname__": name})


#: what ``torch.load(pickle_module=...)`` needs: the tolerant Unpickler and the module's ``load``
_TOLERANT_PICKLE = types.SimpleNamespace(Unpickler=_TolerantUnpickler, load=pickle.load, __name__="pickle")


def extract_net(payload: Any, path: str | Path | None = None) -> StateDict:
    """``payload["net"]`` (or ``payload`` itself when it already is a state dict), with
    the wrappers' prefixes removed (``module.`` of DataParallel / DDP, ``_orig_mod.`` of
    ``torch.compile``); CheckpointError when there are no tensors."""
    net = payload.get("net", payload) if isinstance(payload, dict) else None
    if not isinstance(net, dict) or not net or not all(isinstance(v, torch.Tensor) for v in net.values()):
        from core.models.checkpoint import FORMAT

        if isinstance(payload, dict) and payload.get("format") == FORMAT:  # this project's own file
            raise CheckpointError(path, f"is already a project checkpoint ({payload.get('factory')}): it loads as it "
                                        "is (track --weights, --init, --teacher); import-weights converts the "
                                        "authors' checkpoints, whose weights are under 'net'")
        if isinstance(net, dict) and net and (net is not payload or any(isinstance(v, torch.Tensor) for v in net.values())):
            other = next(k for k, v in net.items() if not isinstance(v, torch.Tensor))
            raise CheckpointError(path, f"its state dict holds more than tensors ({other!r} is a "
                                        f"{type(net[other]).__name__}); expected the authors' weights, all tensors")
        keys = f" (its top-level keys: {', '.join(map(str, list(payload)[:6]))})" if isinstance(payload, dict) else ""
        raise CheckpointError(path, f"no state dict under 'net'{keys}; expected the authors' training checkpoint, "
                                    "whose weights are under 'net', or a bare state dict")
    return {_unwrapped(k): v for k, v in net.items()}


#: prefixes that wrappers put before the network's own names: DataParallel / DDP (``module.``)
#: and ``torch.compile`` (``_orig_mod.``), in any order and nesting
WRAPPER_PREFIXES = ("module.", "_orig_mod.")


def _unwrapped(key: str) -> str:
    """``key`` without the wrappers' prefixes (``module._orig_mod.backbone.x`` -> ``backbone.x``)."""
    while key.startswith(WRAPPER_PREFIXES):
        key = key.split(".", 1)[1]
    return key


def _source(source: str | Path | StateDict, trust_pickle: bool) -> tuple[StateDict, str]:
    if isinstance(source, dict):
        return extract_net(source), "<state dict>"
    return read_authors_state_dict(source, trust_pickle=trust_pickle), str(source)


def load_mplt_weights(model: nn.Module, source: str | Path | StateDict, *, trust_pickle: bool = False) -> LoadReport:
    """Load the released MPLT weights into a paper-scale teacher, strict: every one of
    the 552 entries must be present with the model's shape, nothing extra."""
    state, name = _source(source, trust_pickle)
    if factory_of(model) != "teacher":
        raise CheckpointError(None if name.startswith("<") else name, "MPLT weights need the teacher model")
    own = model.state_dict()
    extra = sorted(set(state) - set(own))
    absent = sorted(set(own) - set(state))
    shapes = [k for k in own if k in state and tuple(state[k].shape) != tuple(own[k].shape)]
    if extra or absent or shapes:
        where = None if name.startswith("<") else name
        if (absent and any(key.startswith("backbone.blocks.") for key in state)
                and not any(".prompt_blocks." in key for key in state)):  # OSTrack's names, no prompts
            raise CheckpointError(where, f"holds no MPLT prompt blocks ({len(absent)} teacher keys missing, e.g. "
                                         f"{absent[:2]}): an OSTrack (one-stream ViT) checkpoint? import it with "
                                         "--kind ostrack (kind='ostrack'), which maps its keys and reports the rest")
        raise CheckpointError(where, f"does not match the teacher layout (is the model at paper scale?): "
                                     f"{len(extra)} unexpected keys {extra[:3]}, {len(absent)} missing {absent[:3]}, "
                                     f"{len(shapes)} shape mismatches {shapes[:3]}")
    model.load_state_dict(state, strict=True)
    return LoadReport(name, loaded=sorted(own))


_BLOCK = re.compile(r"^backbone\.blocks\.(\d+)\.")


def ostrack_key_map(source_keys, model: nn.Module) -> tuple[dict[str, str], dict[str, str]]:
    """Explicit OSTrack -> project key map for ``model``: returns (map source -> model key,
    skipped source key -> reason). Rules: patch embedding, ``pos_embed_z``/``pos_embed_x``,
    ``blocks.N`` for N < model depth, final ``norm`` and ``box_head`` keep their names;
    ``cls_token``/``pos_embed`` only where the model keeps legacy slots; a name or shape
    without a place is skipped with the reason."""
    own = model.state_dict()
    depth = model.config.depth
    mapping, skipped = {}, {}
    for key in source_keys:
        block = _BLOCK.match(key)
        if key in OSTRACK_LEFTOVERS and key not in own:
            skipped[key] = "ImageNet leftover, unused by the tracker"
        elif block and int(block.group(1)) >= depth:
            skipped[key] = f"block {block.group(1)} beyond the model's depth {depth}"
        elif key not in own:
            skipped[key] = "no parameter of this name in the model"
        else:
            mapping[key] = key
    return mapping, skipped


def load_ostrack_weights(model: nn.Module, source: str | Path | StateDict, *, trust_pickle: bool = False,
                         source_shapes_must_fit: bool = False) -> LoadReport:
    """Load OSTrack ViT-B weights into a teacher or student through :func:`ostrack_key_map`
    (non-strict, as the authors initialise MPLT). Keys whose shape differs from the
    model's (e.g. the patch embedding of an EfficientNet-stem model) are skipped and
    reported, or raise CheckpointError when ``source_shapes_must_fit``."""
    state, name = _source(source, trust_pickle)
    mapping, skipped = ostrack_key_map(state, model)
    own = model.state_dict()
    selected = {}
    for src, dst in mapping.items():
        if tuple(state[src].shape) != tuple(own[dst].shape):
            reason = f"shape {tuple(state[src].shape)} does not fit {tuple(own[dst].shape)}"
            if source_shapes_must_fit:
                raise CheckpointError(None if name.startswith("<") else name, f"{src}: {reason}")
            skipped[src] = reason
        else:
            selected[dst] = state[src]
    model.load_state_dict(selected, strict=False)
    return LoadReport(name, loaded=sorted(selected), skipped=skipped,
                      missing=sorted(k for k in own if k not in selected))


def convert_authors_checkpoint(src: str | Path, dst: str | Path, *, kind: str = "mplt", factory: str = "teacher",
                               trust_pickle: bool = False, config: Any = None) -> LoadReport:
    """Convert an authors' checkpoint into the project's safe format at ``dst``.

    kind ``mplt``: into the paper-scale teacher, strict. kind ``ostrack``: into the
    paper-scale ``factory`` (teacher or student) through the key map. The report is
    stored in the checkpoint's ``extra["authors_import"]``. ``config`` overrides the
    paper-scale config (the layout must still fit; tests use tiny ones).
    """
    if kind not in ("mplt", "ostrack"):
        raise CheckpointError(src, f"unknown authors' checkpoint kind {kind!r} (mplt or ostrack)")
    if kind == "mplt":
        factory = "teacher"
    state = read_authors_state_dict(src, trust_pickle=trust_pickle)  # a wrong file is said before the model's build
    problem = non_finite_problem(state)
    if problem is not None:
        raise CheckpointError(src, f"{problem}; nothing was written")
    if config is None:
        config = teacher_config("paper") if factory == "teacher" else student_config("paper")
    model = build_model(factory, config)
    if kind == "mplt":
        report = load_mplt_weights(model, state)
    else:
        report = load_ostrack_weights(model, state)
    report.source = str(src)
    if not report.loaded:
        raise CheckpointError(src, f"none of its {len(state)} weights fit the {factory} model "
                                   f"(kind {kind}; e.g. {list(report.skipped.items())[:2]}); nothing was written")
    save_checkpoint(dst, model, {"authors_import": {"kind": kind, **report.as_dict()}})
    return report
