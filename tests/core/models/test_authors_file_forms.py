"""The authors' checkpoints in the forms a user really has them, given where a project checkpoint
is needed (``track --weights``, ``--init``, ``--teacher``, average-weights), and zip files that
are no checkpoint at all: one line that says what the file is and what to do.

- The released ``MPLTTrack_ep0015.pth.tar`` pickles the authors' training classes
  (``lib.train.admin.stats.AverageMeter`` under ``stats``, ``Settings`` under ``settings``):
  it was 'not a safe project checkpoint (it pickles lib.train.admin.stats.AverageMeter)',
  with no word of import-weights or of --trust-pickle, which that file needs.
- A zip archive that is not a torch file was 'corrupt or truncated checkpoint (RuntimeError:
  [enforce fail at inline_container.cc:180] . file in archive is not in a subdirectory: ...)'.
"""
from __future__ import annotations

import sys
import types
import zipfile

import pytest
import torch

from core.cli import main
from core.errors import CheckpointError
from core.models import build_model, save_checkpoint
from core.models.checkpoint import read_checkpoint
from core.models.config import TeacherConfig
from tests.core.cli_lines import one_error_line

TINY = TeacherConfig(template_size=32, search_size=64, patch_size=16, dim=32, depth=1, num_heads=2,
                     prompt_reduction=8, head_widths=(16, 8), drop_path=0.0)


@pytest.fixture
def authors_classes(monkeypatch):
    """``lib.train.admin.stats.AverageMeter`` and ``lib.train.admin.settings.Settings``, importable
    while the file is written (as in the authors' training code), as pickle needs them."""
    names = ["lib", "lib.train", "lib.train.admin", "lib.train.admin.stats", "lib.train.admin.settings"]
    modules = {name: types.ModuleType(name) for name in names}
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    meter = type("AverageMeter", (), {"__module__": "lib.train.admin.stats"})
    settings = type("Settings", (), {"__module__": "lib.train.admin.settings"})
    modules["lib.train.admin.stats"].AverageMeter = meter
    modules["lib.train.admin.settings"].Settings = settings
    return meter, settings


def _released(path, state, authors_classes):
    """A file with the released checkpoints' top-level keys and objects."""
    meter, settings = authors_classes
    torch.save({"epoch": 15, "actor_type": "MPLTActor", "net_type": "MPLT", "net": state, "net_info": None,
                "constructor": None, "optimizer": {"state": {}, "param_groups": []},
                "stats": {"train": {"Loss/total": meter()}}, "settings": settings()}, path)
    return path


def test_the_released_mplt_file_given_as_a_project_checkpoint_names_import_weights(tmp_path, authors_classes):
    torch.manual_seed(0)
    src = _released(tmp_path / "MPLTTrack_ep0015.pth.tar", build_model("teacher", TINY).state_dict(),
                    authors_classes)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(src)
    assert caught.value.problem == (
        "is an authors' training checkpoint (it pickles lib.train.admin.stats.AverageMeter of their training "
        "code), not a project checkpoint: if you trust its source, convert it once with `python main.py "
        f"import-weights {src} {tmp_path / 'MPLTTrack_ep0015_imported.pt'} --kind mplt --trust-pickle` and "
        "give the file it writes"), caught.value.problem


def test_the_released_ostrack_file_is_named_kind_ostrack(tmp_path, authors_classes, capsys):
    torch.manual_seed(0)
    state = {k: v for k, v in build_model("teacher", TINY).state_dict().items() if "prompt" not in k}
    src = _released(tmp_path / "OSTrack_ep0300.pth.tar", state, authors_classes)
    other = save_checkpoint(tmp_path / "other.pt", build_model("teacher", TINY))
    assert main(["average-weights", str(other), str(src), "--out", str(tmp_path / "m.pt")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {src}: is an authors' training checkpoint (it pickles "), line
    assert "--kind ostrack --trust-pickle`" in line, line
    assert not (tmp_path / "m.pt").exists()


def test_a_plain_pickled_class_stays_not_safe(tmp_path):
    """Other pickled objects (not the authors' training checkpoint) keep the plain refusal."""
    path = tmp_path / "module.pt"
    torch.save({"net": torch.nn.Linear(2, 2)}, path)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(path)
    assert caught.value.problem == "not a safe project checkpoint (it pickles torch.nn.modules.linear.Linear)"


@pytest.mark.parametrize("command", ["read", "import"])
def test_a_zip_that_is_no_torch_file_says_so(tmp_path, capsys, command):
    path = tmp_path / "weights.pth.tar"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "the weights are on the drive")
    problem = "is a zip archive without a PyTorch checkpoint in it (it holds readme.txt)"
    if command == "read":
        with pytest.raises(CheckpointError) as caught:
            read_checkpoint(path)
        assert caught.value.problem == problem
    else:
        assert main(["import-weights", str(path), str(tmp_path / "o.pt"), "--kind", "mplt"]) == 2
        assert one_error_line(capsys.readouterr().err) == f"error: {path}: {problem}"


def test_a_download_with_damaged_bytes_is_refused_by_import_weights(tmp_path, capsys):
    """Bytes changed inside a tensor's record (a bad copy or download) loaded without a word: torch's
    reader does not check the zip's CRCs, so the converted weights were silently other numbers."""
    torch.manual_seed(0)
    model = build_model("teacher", TINY)
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": model.state_dict()}, src)
    with zipfile.ZipFile(src) as archive:
        record = max(archive.infolist(), key=lambda info: info.file_size)  # the largest tensor's bytes
    data = bytearray(src.read_bytes())
    start = record.header_offset + 30 + len(record.filename.encode()) + len(record.extra) + 64
    data[start:start + 16] = bytes(16)
    src.write_bytes(bytes(data))
    config = tmp_path / "tiny.json"
    config.write_text('{"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 1, '
                      '"num_heads": 2, "prompt_reduction": 8, "head_widths": [16, 8], "drop_path": 0.0}')
    assert main(["import-weights", str(src), str(tmp_path / "o.pt"), "--kind", "mplt", "--config", str(config)]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {src}: is damaged: its record {record.filename} fails its checksum (a bad copy or download); "
        "download it again"), src
    assert not (tmp_path / "o.pt").exists()


@pytest.mark.parametrize("prefix", ["", "module."])
def test_a_bare_state_dict_names_import_weights_and_its_kind(tmp_path, prefix):
    """``torch.save(model.state_dict())`` (and a DataParallel one) is how many share weights; given as
    a project checkpoint it was 'not an RGB-T Studio model checkpoint (no 'format' marker)'."""
    torch.manual_seed(0)
    state = {prefix + k: v for k, v in build_model("teacher", TINY).state_dict().items()}
    src = tmp_path / "mplt_weights.pth"
    torch.save(state, src)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(src)
    assert caught.value.problem == (
        f"is a bare state dict ({len(state)} tensors), not a project checkpoint: convert it once with `python main.py "
        f"import-weights {src} {tmp_path / 'mplt_weights_imported.pt'} --kind mplt` and give the file it writes")
    ostrack = {k: v for k, v in state.items() if "prompt" not in k}
    torch.save(ostrack, src)
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(src)
    assert "--kind ostrack`" in caught.value.problem, caught.value.problem


@pytest.mark.parametrize("kind", ["tar.gz", "zip", "tar"])
def test_a_release_bundle_says_to_unpack_it_first(tmp_path, capsys, kind):
    """The weights often come as a bundle (MPLT_models.tar.gz, a .zip of the .pth.tar): given as the
    checkpoint it was 'is not a PyTorch checkpoint (neither a zip archive nor a pickle)' or a list of
    the zip's names."""
    import tarfile

    inner = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": {"w": torch.zeros(2)}}, inner)
    bundle = tmp_path / f"MPLT_models.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(bundle, "w") as archive:
            archive.write(inner, "checkpoints/MPLTTrack_ep0015.pth.tar")
        said = ("is a zip archive that holds checkpoints/MPLTTrack_ep0015.pth.tar: unpack it first and give that "
                "file")
    elif kind == "tar":  # torch.load took it for its legacy .tar format: 'corrupt or truncated checkpoint'
        with tarfile.open(bundle, "w") as archive:
            archive.add(inner, "MPLTTrack_ep0015.pth.tar")
        said = "is a tar archive that holds MPLTTrack_ep0015.pth.tar: unpack it first (tar xf) and give that file"
    else:
        with tarfile.open(bundle, "w:gz") as archive:
            archive.add(inner, "MPLTTrack_ep0015.pth.tar")
        said = "is a gzip-compressed file (a .tar.gz?): unpack it first (tar xf) and give the checkpoint in it"
    assert main(["import-weights", str(bundle), str(tmp_path / "o.pt"), "--kind", "mplt"]) == 2
    assert one_error_line(capsys.readouterr().err) == f"error: {bundle}: {said}"


def test_a_torchscript_model_is_named_as_one(tmp_path, capsys):
    """A TorchScript archive (torch.jit.save) was 'corrupt or truncated checkpoint (RuntimeError: Cannot
    use weights_only=True with TorchScript archives passed to torch.load)', after torch's UserWarning."""
    path = tmp_path / "tracker.pt"
    torch.jit.script(torch.nn.Linear(2, 2)).save(str(path))
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(path)
    assert caught.value.problem == ("is a TorchScript model (torch.jit.save), not a checkpoint of weights; give a "
                                    "project checkpoint, or convert the authors' weights with import-weights")
    assert capsys.readouterr().err == ""
