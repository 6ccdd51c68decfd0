"""The project's checkpoint format: factory name, config, weights, metadata.

A checkpoint is a ``torch.save`` of a plain dict (loadable with ``weights_only=True``)::

    {"format": "rgbt-studio-model", "version": 1, "factory": "teacher"|"student",
     "config": {... JSON-compatible config ...}, "state_dict": {name: tensor},
     "extra": {... JSON-compatible metadata and/or tensors ...}}
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from core.config import to_dict
from core.errors import CheckpointError, ConfigError, first_line
from core.fileio import atomic_path
from core.models.registry import build_model, config_from_dict, factory_of

FORMAT = "rgbt-studio-model"
VERSION = 1


def save_checkpoint(path: str | Path, model: nn.Module, extra: dict | None = None) -> Path:
    """Write ``model`` (with its factory and config) and ``extra`` to ``path`` atomically.

    ``extra`` must hold only what ``torch.load(weights_only=True)`` accepts (numbers,
    strings, lists, dicts, tensors). Returns the path.
    """
    path = Path(path)
    _check_extra(path, extra or {}, "extra")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "factory": factory_of(model),
        "config": to_dict(model.config),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "extra": dict(extra or {}),
    }
    with atomic_path(path, suffix=".pt") as tmp:
        save_torch_file(payload, tmp)
    return path


#: below this many free bytes, a failed torch.save is taken for a full disk
NEARLY_FULL_BYTES = 1 << 20


def save_torch_file(obj: Any, path: str | Path) -> None:
    """``torch.save(obj, path)``; a failed write is an OSError (``atomic_path`` makes it an
    OutputError naming the file). Torch's zip writer reports a full disk as a RuntimeError,
    sometimes naming the write ('PytorchStreamWriter failed writing file ...'), sometimes not
    ('[enforce fail at inline_container.cc:672] . unexpected pos 174720 vs 174608', a full tmpfs):
    ENOSPC when it says so or the disk holds less than :data:`NEARLY_FULL_BYTES` free, else EIO."""
    import errno
    import shutil

    try:
        torch.save(obj, path)
    except RuntimeError as error:
        text = first_line(error)
        try:
            full = shutil.disk_usage(Path(path).parent).free < NEARLY_FULL_BYTES
        except OSError:
            full = False
        code = errno.ENOSPC if full or "write" in text.lower() else errno.EIO
        raise OSError(code, text) from error


def file_kind_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be a PyTorch checkpoint at all, from its first bytes (None when
    it may be one: a zip archive or a pickle). Empty, ONNX, HDF5, SQLite, text, other."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not head:
        return "is empty (0 bytes), not a checkpoint"
    if head.startswith(b"PK\x03\x04"):
        return _zip_problem(path)
    if head[257:262] == b"ustar":
        return _tar_problem(path)
    if head[:1] == b"\x80":
        return None  # pickle (legacy torch.save)
    if path.suffix.lower() == ".onnx" or (head[:1] == b"\x08" and (b"pytorch" in head[:64] or b"onnx" in head)):
        return "is an ONNX model, not a PyTorch checkpoint (ONNX files run with `track --weights FILE.onnx`)"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "is an HDF5 file (distillation data?), not a PyTorch checkpoint"
    if head.startswith(b"SQLite format 3\x00"):
        return "is an SQLite database (an annotation store?), not a PyTorch checkpoint"
    for magic, kind, hint in COMPRESSED:
        if head.startswith(magic):
            return f"is a {kind} file{hint}: unpack it first ({'tar xf' if hint else 'e.g. 7z x'}) and give the checkpoint in it"
    try:
        head.decode("utf-8")
        return "is a text file, not a PyTorch checkpoint"
    except UnicodeDecodeError:
        pass
    return "is not a PyTorch checkpoint (neither a zip archive nor a pickle)"


def _tar_problem(path: Path) -> str | None:
    """Why the tar archive at ``path`` is no checkpoint this project reads: a bundle holding the
    checkpoint (unpack it), or PyTorch's own .tar format of before 0.4 (``sys_info``, ``pickle``,
    ``storages`` and ``tensors`` members), which ``weights_only`` loading cannot read. None when
    the archive cannot be listed (torch then says what is wrong)."""
    import tarfile

    try:
        with tarfile.open(path) as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError, EOFError):
        return None
    if {"sys_info", "pickle", "storages", "tensors"} <= set(names):
        return ("is a checkpoint in PyTorch's .tar format of before version 0.4, which cannot be read safely "
                "(weights_only); load it with that PyTorch and save its state dict again")
    return _archive_problem("tar", names, "unpack it first (tar xf)")


#: (magic bytes, kind, hint) of the compressed bundles weights are often released in
COMPRESSED = ((b"\x1f\x8b", "gzip-compressed", " (a .tar.gz?)"), (b"BZh", "bzip2-compressed", " (a .tar.bz2?)"),
              (b"\xfd7zXZ\x00", "xz-compressed", " (a .tar.xz?)"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive", ""),
              (b"Rar!\x1a\x07", "RAR archive", ""))
#: the names a checkpoint inside a bundle has
CHECKPOINT_SUFFIXES = (".pth", ".pth.tar", ".pt", ".ckpt", ".bin", ".tar")


def _zip_problem(path: Path) -> str | None:
    """Why the zip archive at ``path`` is no torch file: torch's zip format holds
    ``<folder>/data.pkl``. None when it does, or when the archive cannot be listed (cut
    short: torch's reader then says so)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if any(name.endswith("/constants.pkl") for name in names) or any("/code/" in name for name in names):
        return ("is a TorchScript model (torch.jit.save), not a checkpoint of weights; give a project checkpoint, "
                "or convert the authors' weights with import-weights")
    if any(name.endswith("/data.pkl") for name in names):
        return None
    return _archive_problem("zip", names, "unpack it first")


def _archive_problem(kind: str, names: list[str], unpack: str) -> str:
    """What a ``kind`` ("tar", "zip") archive holding ``names`` is, given where a checkpoint was
    expected: the checkpoint it holds (``unpack``: how to get it out), or that it holds none."""
    inside = [name for name in names if name.lower().endswith(CHECKPOINT_SUFFIXES)]
    if inside:
        more = f" and {len(inside) - 1} more" if len(inside) > 1 else ""
        return f"is a {kind} archive that holds {inside[0]}{more}: {unpack} and give that file"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"is a {kind} archive without a PyTorch checkpoint in it ({f'it holds {shown}' if names else 'it is empty'})"


#: the top packages of the authors' training code (MPLT, OSTrack: ``lib.train.admin...``;
#: pytracking: ``ltr.admin...``), whose classes their training checkpoints pickle
AUTHORS_PACKAGES = ("lib", "ltr")


def authors_checkpoint_kind(path: str | Path) -> str | None:
    """``"mplt"`` or ``"ostrack"`` when ``path`` is a torch file (zip format, or the legacy one of
    before torch 1.6) whose pickle holds the authors' training-checkpoint keys (``net`` beside
    ``net_type`` / ``settings``), None otherwise. Reads the pickle's strings with ``pickletools``
    (nothing is unpickled)."""
    import pickletools
    import zipfile

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                name = next((n for n in archive.namelist() if n.endswith("/data.pkl")), None)
                if name is None or archive.getinfo(name).file_size > 64 << 20:
                    return None
                data = archive.read(name)
            strings = {arg for _op, arg, _pos in pickletools.genops(data) if isinstance(arg, str)}
        else:  # torch's format of before 1.6 (their 2020-2022 releases may be in it): magic number,
            # protocol, sys_info, then the object's pickle, one after the other (the tensors' bytes after them)
            with open(path, "rb") as handle:
                pickles = [[arg for _op, arg, _pos in pickletools.genops(handle)] for _ in range(4)]
            strings = {arg for arg in pickles[3] if isinstance(arg, str)}
    except Exception:  # noqa: BLE001 - not readable as such: not recognised
        return None
    if "net" not in strings or not strings & {"net_type", "settings", "actor_type"}:
        return None
    return "mplt" if any(".prompt_blocks" in text for text in strings) else "ostrack"


def describe_load_failure(error: BaseException) -> tuple[str, bool]:
    """(text, needs_pickle) for a failed ``torch.load(weights_only=True)``: needs_pickle
    is True only when the file is a pickle that holds objects beyond plain tensors. The text
    is short and in the file's terms: torch's advice after the first sentence ('This is an
    internal miniz error. If you are seeing this error, ...', 'In PyTorch 2.6, we changed
    ...') is left out."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text)
    if found:
        return f"it pickles {found.group(1)}", True
    operand = re.search(r"Unsupported operand[^\n]*", text)
    if operand:
        return operand.group(0).strip(), True
    if "Unsupported global" in text:
        return "it pickles objects beyond tensors", True
    if not text:  # EOFError() of a pickle cut short
        return ("the file ends early" if isinstance(error, EOFError) else type(error).__name__), False
    first = text.splitlines()[0]
    if first.startswith("PytorchStreamReader "):  # the zip reader: 'failed reading zip archive: failed finding ...'
        first = first[len("PytorchStreamReader "):]
    first = re.split(r"(?<=[^.])\. (?=[A-Z])", first, maxsplit=1)[0].rstrip(".")
    if first.startswith(("failed reading zip", "unexpected EOF", "invalid header", "invalid load key")):
        return first[:160], False
    return f"{type(error).__name__}: {first[:160]}", False


def non_finite_keys(state: dict) -> list[str]:
    """The names of the floating-point tensors of ``state`` that hold NaN or infinity (the
    weights of a diverged run, or damaged bytes): such weights track nothing, without a word."""
    return [key for key, value in state.items()
            if isinstance(value, torch.Tensor) and value.is_floating_point() and not bool(torch.isfinite(value).all())]


def non_finite_problem(state: dict) -> str | None:
    """One clause for :func:`non_finite_keys` (None when every tensor is finite)."""
    bad = non_finite_keys(state)
    if not bad:
        return None
    return (f"holds NaN or infinite values in {len(bad)} of its {len(state)} tensors (e.g. {bad[0]}): the "
            "weights of a diverged run or a damaged file")


_SAFE_SCALARS = (type(None), bool, int, float, str)  # exact types: numpy.float64 subclasses float


def _check_extra(path: Path, value: Any, where: str) -> None:
    """Refuse metadata that ``weights_only=True`` could not read back (e.g. numpy scalars)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int)):
                raise CheckpointError(path, f"{where}: key {key!r} is not a string")
            _check_extra(path, item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_extra(path, item, f"{where}[{i}]")
    elif type(value) not in _SAFE_SCALARS and not isinstance(value, torch.Tensor):
        raise CheckpointError(path, f"{where} is a {type(value).__module__}.{type(value).__name__}; "
                                    "checkpoint metadata must be numbers, strings, lists, dicts or tensors")


def load_torch_file(path: str | Path, what: str = "checkpoint", map_location: Any = "cpu") -> Any:
    """``torch.load(path, weights_only=True)``; CheckpointError naming ``path`` in one short
    line when it is not a torch file at all (:func:`file_kind_problem`), is cut short or
    damaged (``core.models.authors.damaged_record``: bytes changed inside a zip whose directory
    is intact, which torch's reader loads as other weights), or
    pickles more than tensors (:func:`describe_load_failure`); ``what`` names the
    file in the message ("checkpoint", "training state"). Torch's own multi-sentence advice
    never reaches the user."""
    path = Path(path)
    problem = file_kind_problem(path)
    if problem is not None:
        raise CheckpointError(path, problem)
    from core.models.authors import damaged_record

    damaged = damaged_record(path, what)  # the zip's CRC-32s, which torch's reader does not check
    if damaged is not None:
        raise CheckpointError(path, damaged)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # noqa: BLE001 - any unpickling failure is reported
        text, _needs_pickle = describe_load_failure(error)
        if text.startswith("it pickles"):  # a whole pickled module or object: intact, but not ours to unpickle
            kind = authors_checkpoint_kind(path) if what == "checkpoint" else None
            if kind is not None and text.split()[-1].split(".")[0] in AUTHORS_PACKAGES:
                target = path.with_name(path.name.split(".")[0] + "_imported.pt")
                raise CheckpointError(path, f"is an authors' training checkpoint ({text} of their training code), "
                                            "not a project checkpoint: if you trust its source, convert it once "
                                            f"with `python main.py import-weights {path} {target} --kind {kind} "
                                            "--trust-pickle` and give the file it writes") from error
            raise CheckpointError(path, f"not a safe project {what} ({text})") from error
        # a zip archive without its end (a copy or download cut short), a pickle that ends early, damaged bytes
        raise CheckpointError(path, f"corrupt or truncated {what} ({text})") from error


def read_checkpoint(path: str | Path, map_location: Any = "cpu") -> dict:
    """The raw checkpoint dict (validated keys), loaded with ``weights_only=True``."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "checkpoint file not found")
    payload = load_torch_file(path, "checkpoint", map_location)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        if isinstance(payload, dict) and isinstance(payload.get("net"), dict) and payload["net"]:  # MPLT, OSTrack
            # the kind its names tell (an OSTrack checkpoint was told --kind mplt, which refuses it)
            kind = "mplt" if any(".prompt_blocks." in str(key) for key in payload["net"]) else "ostrack"
            raise CheckpointError(path, "is an authors' training checkpoint (weights under 'net'), not a project "
                                        f"checkpoint: convert it once with `python main.py import-weights {path} "
                                        f"{path.with_name(path.name.split('.')[0] + '_imported.pt')} --kind {kind}` "
                                        "and give the file it writes")
        if (isinstance(payload, dict) and payload and all(isinstance(k, str) for k in payload)
                and all(isinstance(v, torch.Tensor) for v in payload.values())):  # torch.save(model.state_dict())
            kind = "mplt" if any(".prompt_blocks." in key for key in payload) else "ostrack"
            raise CheckpointError(path, f"is a bare state dict ({len(payload)} tensors), not a project checkpoint: "
                                        f"convert it once with `python main.py import-weights {path} "
                                        f"{path.with_name(path.name.split('.')[0] + '_imported.pt')} --kind {kind}` "
                                        "and give the file it writes")
        if isinstance(payload, dict) and {"optimizer", "step"} <= set(payload) and "state_dict" not in payload:
            # a training run's training_state.pt (core.training.checkpoint_pair), chosen for its name
            raise CheckpointError(path, f"is a training run's state (step {payload.get('step')}, the optimizer: what "
                                        "--resume continues from), not the model's weights: give the checkpoint.pt "
                                        "beside it")
        raise CheckpointError(path, "not an RGB-T Studio model checkpoint (no 'format' marker); "
                                    "authors' checkpoints convert with `python main.py import-weights`")
    if payload.get("version") != VERSION:
        raise CheckpointError(path, f"unsupported checkpoint version {payload.get('version')!r}")
    for key in ("factory", "config", "state_dict"):
        if key not in payload:
            raise CheckpointError(path, f"checkpoint lacks {key!r}")
    _check_fields(path, payload)
    return payload


def _check_fields(path: Path, payload: dict) -> None:
    """CheckpointError naming the field when ``config`` or ``extra`` is not a dict, or
    ``state_dict`` is not a dict of tensors (a file with the marker written by another tool:
    each was a Python traceback further on)."""
    for key in ("config", "state_dict", "extra"):
        value = payload.get(key)
        if key == "extra" and value is None:  # no metadata (load_checkpoint reads it as {})
            continue
        if not isinstance(value, dict):
            what = "a dict of tensors" if key == "state_dict" else "a dict"
            raise CheckpointError(path, f"{key!r} is a {type(value).__name__}, not {what}")
    for name, value in payload["state_dict"].items():
        if not isinstance(value, torch.Tensor):
            raise CheckpointError(path, f"'state_dict' holds a {type(value).__name__} under {name!r}, not a tensor")


def state_dict_mismatch(own: dict, given: dict) -> str | None:
    """How the state dict ``given`` (name -> tensor) differs from a model's ``own``, in one clause
    with an example of each kind: names missing, names the model lacks, tensors of another shape
    ("1 missing (e.g. head.conv.weight), 1 of another shape (e.g. stem.proj.weight: (8, 3) in the
    file, (7, 2) in the model)"); None when every name and shape fits. PyTorch's own error said
    only 'Error(s) in loading state_dict for OneStreamStudent:' on its first line."""
    missing = [k for k in own if k not in given]
    unexpected = [k for k in given if k not in own]
    shapes = [k for k in own if k in given and tuple(given[k].shape) != tuple(own[k].shape)]
    parts = [f"{len(missing)} missing (e.g. {missing[0]})"] if missing else []
    parts += [f"{len(unexpected)} the model lacks (e.g. {unexpected[0]})"] if unexpected else []
    if shapes:
        k = shapes[0]
        parts.append(f"{len(shapes)} of another shape (e.g. {k}: {tuple(given[k].shape)} in the file, "
                     f"{tuple(own[k].shape)} in the model)")
    return ", ".join(parts) or None


def load_checkpoint(path: str | Path, map_location: Any = "cpu") -> tuple[nn.Module, dict]:
    """Rebuild the model stored at ``path``; returns (model in eval mode, extra dict).

    Raises CheckpointError naming the file when it is missing, unsafe, of another format,
    names an unknown factory/config key, its weights do not fit the model or are not all
    finite (:func:`non_finite_problem`).
    """
    path = Path(path)
    payload = read_checkpoint(path, map_location)
    problem = non_finite_problem(payload["state_dict"])  # it would track, export or train from NaN
    if problem is not None:
        raise CheckpointError(path, problem)
    try:  # named "its config": the error is the file's already (it said the path twice)
        config = config_from_dict(payload["factory"], payload["config"], where="its config")
        model = build_model(payload["factory"], config, pretrained_stem=False)
    except ConfigError as error:
        raise CheckpointError(path, str(error)) from error
    mismatch = state_dict_mismatch(model.state_dict(), payload["state_dict"])
    if mismatch is not None:
        raise CheckpointError(path, f"weights do not fit the {payload['factory']} model its config builds: {mismatch} "
                                    "(a file edited, or saved by another version of the code)")
    try:
        model.load_state_dict(payload["state_dict"], strict=True)
    except RuntimeError as error:
        raise CheckpointError(path, f"weights do not fit the {payload['factory']} model: "
                                    f"{first_line(error)} ...") from error
    if map_location not in (None, "cpu"):
        model = model.to(map_location)
    return model.eval(), dict(payload.get("extra") or {})
