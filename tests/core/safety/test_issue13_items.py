"""Issue 13: never lose or overwrite a user's files. One test (or more) per numbered item."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from core.annotations.store import AnnotationStore, StoreError, StoreLockedError, lock_path
from core.errors import OutputError, SequenceError

from .conftest import PROJECT, fingerprint, run_cli, run_cli_process

TINY_STUDENT = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}


def _store(seq: Path) -> Path:
    return seq / f"{seq.name}.rgbt.sqlite"


# 1. export-distill --out STORE replaced the annotation store with an HDF5 file
def test_1_export_distill_never_writes_over_the_store(seq):
    before = fingerprint(seq)
    for extra in ([], ["--force"]):
        outcome = run_cli(["export-distill", seq / "visible", seq / "infrared", "--store", _store(seq),
                           "--out", _store(seq), "--random-weights", *extra])
        assert outcome.clear_error, outcome
        assert "annotation store" in outcome.err and str(_store(seq)) in outcome.err
    assert fingerprint(seq) == before
    with AnnotationStore.open(_store(seq), read_only=True) as store:
        assert store.count() > 0


# 2. exporters took folder names from the sequence name: ".." wrote outside the target
@pytest.mark.parametrize("fmt", ["got10k", "lasot"])
@pytest.mark.parametrize("name", ["..", "../escape", "a/../../b", "."])
def test_2_exporters_write_only_inside_the_target(tmp_path, seq, fmt, name):
    from core.annotations.formats import exporter
    from core.progress import run_to_end
    from core.sequences import open_sequence

    sequence = open_sequence(seq)
    sequence.info.name = name
    target = tmp_path / "exports" / "out"
    before = sorted(p for p in tmp_path.rglob("*") if "exports" not in p.parts)
    try:
        result = run_to_end(exporter(fmt)(sequence, sequence.ground_truth(), target))
    finally:
        sequence.close()
    after = sorted(p for p in tmp_path.rglob("*") if "exports" not in p.parts)
    assert after == before  # nothing new outside the target
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["out"]
    folders = [line for line in (target / "list.txt").read_text().split()] if fmt == "got10k" else \
        sorted(p.name for p in target.iterdir() if p.is_dir())
    assert folders and all(f not in (".", "..") and "/" not in f and not f.startswith(".") for f in folders)
    assert result.frames == 8


# 3. convert SEQ SEQ --to got10k overwrote the sequence's groundtruth.txt
def test_3_convert_never_writes_over_the_source_ground_truth(tmp_path):
    vot = tmp_path / "vot"
    vot.mkdir()
    (vot / "groundtruth.txt").write_text("10,10,20,20,30,10,30,30,10,30\n" * 3)
    (vot / "groundtruth.txt").write_text("10,10,30,10,30,30,10,30\n" * 3)
    before = fingerprint(vot)
    for argv in (["convert", vot, vot, "--to", "got10k"], ["convert", vot, vot, "--to", "got10k", "--force"],
                 ["convert", vot / "groundtruth.txt", vot / "groundtruth.txt", "--to", "xywh", "--force"],
                 ["convert", vot, vot / "sub", "--to", "lasher"]):
        outcome = run_cli(argv)
        assert outcome.clear_error, (argv, outcome)
    assert fingerprint(vot) == before
    assert run_cli(["convert", vot, tmp_path / "got", "--to", "got10k"]).code == 0
    again = run_cli(["convert", vot, tmp_path / "got", "--to", "got10k"])
    assert again.clear_error and "--force" in again.err
    assert run_cli(["convert", vot, tmp_path / "got", "--to", "got10k", "--force"]).code == 0


# 4. distill --data d.h5 --out d.h5 turned the data file into a checkpoint
def test_4_distill_never_writes_over_its_data(tmp_path):
    data = tmp_path / "d.h5"
    data.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    before = data.read_bytes()
    for extra in ([], ["--force"]):
        outcome = run_cli(["distill", "--data", data, "--out", data, *extra])
        assert outcome.clear_error and "distillation data" in outcome.err, outcome
    assert data.read_bytes() == before


# 5. two writers on one store: last writer won; a SQLite lock made open hang 30 s
def test_5_second_writer_is_refused_at_once_naming_the_holder(tmp_path):
    path = tmp_path / "s.rgbt.sqlite"
    first = AnnotationStore.open(path)
    started = time.perf_counter()
    with pytest.raises(StoreLockedError) as caught:
        AnnotationStore.open(path)
    assert time.perf_counter() - started < 1.0
    assert caught.value.holder["pid"] == os.getpid()
    assert str(path) in str(caught.value) and f"process {os.getpid()}" in str(caught.value)
    with AnnotationStore.open(path, read_only=True) as reader:  # the studio's read-only offer
        assert reader.count() == 0
        with pytest.raises(StoreError, match="read-only"):
            reader.set_meta("x", 1)
    first.close()
    AnnotationStore.open(path).close()  # free again once the holder closed
    assert not lock_path(path).exists()


def test_5_lock_seen_across_processes_and_released_when_the_holder_is_killed(tmp_path):
    path = tmp_path / "s.rgbt.sqlite"
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(PROJECT)!r})
        from core.annotations.store import AnnotationStore
        store = AnnotationStore.open({str(path)!r})
        print("open", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        started = time.perf_counter()
        with pytest.raises(StoreLockedError) as caught:
            AnnotationStore.open(path)
        assert time.perf_counter() - started < 1.0
        assert caught.value.holder["pid"] == child.pid
        outcome = run_cli(["export-distill", tmp_path, "--store", path, "--out", tmp_path / "x.h5"])
        assert "Traceback" not in outcome.err
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    AnnotationStore.open(path).close()  # the system released the killed holder's lock


def test_5_sqlite_level_lock_is_reported_quickly_not_as_unreadable(tmp_path):
    path = tmp_path / "s.rgbt.sqlite"
    AnnotationStore.open(path).close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=DELETE")
    raw.execute("BEGIN EXCLUSIVE")
    try:
        started = time.perf_counter()
        with pytest.raises(StoreLockedError):
            AnnotationStore.open(path)
        assert time.perf_counter() - started < 5.0
    finally:
        raw.execute("ROLLBACK")
        raw.close()


# 6. export-distill on a full disk: SIGSEGV and a .tmp left behind
def test_6_export_distill_on_a_small_disk_clean_error_no_crash(seq, small_disk):
    out = small_disk / "d.h5"
    done = run_cli_process(["export-distill", seq, "--out", out, "--random-weights", "--embed-crops",
                            "--device", "cpu"])
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "no space left" in done.stderr and str(out) in done.stderr
    assert list(small_disk.iterdir()) == []


def test_guarded_hdf5_file_keeps_the_first_write_error(tmp_path, monkeypatch):
    """Portable: a disk that fills up mid-file (a raw file whose writes fail after 64 KiB)."""
    from core.distillation import writer as writer_module
    from core.errors import ExportError

    real = writer_module._GuardedFile.__init__

    class Filling:
        def __init__(self, inner):
            self.inner, self.written = inner, 0

        def write(self, data):
            if self.written + len(data) > 64 * 1024:
                raise OSError(28, "No space left on device")
            self.written += len(data)
            return self.inner.write(data)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    def init(self, path):
        real(self, path)
        self._file = Filling(self._file)

    monkeypatch.setattr(writer_module._GuardedFile, "__init__", init)
    header = writer_module.FileHeader(frames_mode="embedded", template_size=32, search_size=64, feature_size=4)
    attrs = writer_module.SequenceAttrs("s", "v", "t", 64, 64, 40)
    labels = {name: np.zeros((40,) + shape, dtype=np.float32 if name not in ("absent", "occluded", "keyframe")
                             else bool)
              for name, shape in __import__("core.distillation.schema", fromlist=["x"]).LABEL_DATASETS.items()}
    labels["provenance"] = np.zeros(40, np.uint8)
    rng = np.random.default_rng(0)
    out = tmp_path / "d.h5"
    with pytest.raises(ExportError, match="no space left"):
        with writer_module.DistillationWriter(out, header) as w:
            seq = w.begin_sequence(attrs, labels)
            for i in range(40):
                seq.add_sample(writer_module.Sample(
                    frame=i, template_frame=0, template_box=np.ones(4), search_geometry=np.ones(4),
                    score_map=rng.random((1, 4, 4)), size_map=rng.random((2, 4, 4)),
                    offset_map=rng.random((2, 4, 4)),
                    template_visible=rng.integers(0, 255, (32, 32, 3), dtype=np.uint8),
                    template_thermal=rng.integers(0, 255, (32, 32), dtype=np.uint8),
                    search_visible=rng.integers(0, 255, (64, 64, 3), dtype=np.uint8),
                    search_thermal=rng.integers(0, 255, (64, 64), dtype=np.uint8)))
    assert list(tmp_path.iterdir()) == []


# 7. outputs checked only after the work: tracked 25 s, then a traceback
def test_7_track_checks_outputs_before_tracking(seq, tmp_path, read_only_dir, monkeypatch):
    import core.tracking.run as run_module

    called = []
    monkeypatch.setattr(run_module, "track_sequence", lambda *a, **k: called.append(1))
    for out in (read_only_dir / "b.txt", tmp_path, seq / "visible.txt"):
        outcome = run_cli(["track", seq, "--init", "40,40,10,10", "--out", out, "--tracker", "kcf"])
        assert outcome.clear_error, outcome
    assert not called


# 8. --init 0,0,100000,100000 tried to allocate 112 GiB
def test_8_init_box_larger_than_the_frame_is_refused(seq, tmp_path):
    outcome = run_cli(["track", seq, "--init", "0,0,100000,100000", "--out", tmp_path / "b.txt", "--tracker", "kcf"])
    assert outcome.clear_error and "larger than the frame (96x80)" in outcome.err


# 9. --weights my.pt with a corrupt my.onnx beside it was refused naming the .onnx
def test_9_broken_onnx_beside_the_checkpoint_is_skipped(seq, tmp_path):
    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    weights = save_checkpoint(tmp_path / "my.pt", random_model("student"))
    (tmp_path / "my.onnx").write_bytes(b"not an onnx file")
    out = tmp_path / "b.txt"
    outcome = run_cli(["track", seq, "--init", "40,40,10,10", "--out", out, "--weights", weights, "--threads", "1"])
    assert outcome.code == 0, outcome
    assert "note: skipped" in outcome.err and "my.onnx" in outcome.err
    assert len(out.read_text().splitlines()) == 8


# 10. a store row with a negative frame or width: ValueError traceback without the file
@pytest.mark.parametrize("row", [(-1, 1, 1, 5, 5, "manual"), (3, 1, 1, -5, 5, "manual"), (3, 1, 1, 5, 5, "bogus"),
                                 (3, "x", 1, 5, 5, "manual")])
def test_10_invalid_store_rows_name_the_file(tmp_path, row):
    path = tmp_path / "s.rgbt.sqlite"
    AnnotationStore.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO annotations (frame, x, y, w, h, provenance) VALUES (?, ?, ?, ?, ?, ?)", row)
    raw.commit()
    raw.close()
    with AnnotationStore.open(path) as store:
        with pytest.raises(StoreError, match=str(path).replace("\\", "\\\\")):
            store.records()


# 11. import-weights: random bytes, empty and ONNX files all steered to trust_pickle; 0 keys wrote a file
@pytest.mark.parametrize("kind,content,expected", [
    ("random", os.urandom(3000), "not a PyTorch checkpoint"),
    ("empty", b"", "is empty"),
    ("onnx", None, "is an ONNX model"),
])
def test_11_import_weights_names_what_the_file_is(tmp_path, kind, content, expected):
    src = tmp_path / f"{kind}.pth.tar"
    if content is None:
        src.write_bytes((PROJECT / "assets" / "models" / "student_bundled.onnx").read_bytes())
    else:
        src.write_bytes(content)
    outcome = run_cli(["import-weights", src, tmp_path / "x.pt", "--kind", "mplt"])
    assert outcome.clear_error and expected in outcome.err, outcome
    assert "trust" not in outcome.err
    assert not (tmp_path / "x.pt").exists()


def test_11_ostrack_without_any_fitting_key_writes_nothing(tmp_path):
    import torch

    config = tmp_path / "student.json"
    config.write_text(json.dumps(TINY_STUDENT))
    src = tmp_path / "other.pth.tar"
    torch.save({"net": {"something.else": torch.zeros(3), "more.weights": torch.ones(2)}}, src)
    outcome = run_cli(["import-weights", src, tmp_path / "x.pt", "--kind", "ostrack", "--factory", "student",
                       "--config", config])
    assert outcome.clear_error and "none of its 2 weights fit" in outcome.err, outcome
    assert not (tmp_path / "x.pt").exists()


# 12. killed exports left .export.* folders and .*.h5.*.tmp files; full-disk runs left empty folders / 0-byte stores
def test_12_stale_temporaries_are_removed_on_the_next_run(tmp_path):
    out = tmp_path / "boxes.txt"
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    stale = [tmp_path / f".boxes.txt.{dead}.abcd1234.tmp", tmp_path / ".boxes.txt.zz9yy8xx.tmp"]
    for path in stale:
        path.write_text("partial")
    old = time.time() - 7200
    os.utime(stale[1], (old, old))
    fresh_legacy = tmp_path / ".boxes.txt.qq1ww2ee.tmp"  # no pid, recent: maybe another run, only reported
    fresh_legacy.write_text("maybe in use")
    unrelated = tmp_path / ".boxes.txt.backup"
    unrelated.write_text("the user's")
    from core.fileio import CleanupNote, write_text_atomic

    with pytest.warns(CleanupNote) as notes:
        write_text_atomic(out, "1,2,3,4\n")
    assert not any(p.exists() for p in stale)
    assert fresh_legacy.exists() and unrelated.exists()
    assert len(notes) == 3


def test_12_killed_export_folder_and_old_copy_are_repaired(tmp_path, seq):
    from core.annotations.formats import exporter
    from core.fileio import CleanupNote
    from core.progress import run_to_end
    from core.sequences import open_sequence

    target = tmp_path / "export"
    dead = 2**22 + 54321
    leftover = tmp_path / f".export.{dead}.k1ll3d00"
    (leftover / "visible").mkdir(parents=True)
    previous = tmp_path / ".export.old"  # killed between its two renames: the earlier export
    (previous / "visible").mkdir(parents=True)
    (previous / ".rgbt-studio-export").write_text("seq\n")
    sequence = open_sequence(seq)
    try:
        with pytest.warns(CleanupNote, match="restored"):
            run_to_end(exporter("lasher")(sequence, sequence.ground_truth(), target))
    finally:
        sequence.close()
    assert not leftover.exists() and not previous.exists()
    assert len(list((target / "visible").iterdir())) == 8


def test_12_failed_store_open_leaves_no_empty_file_or_folder(full_disk):
    path = full_disk / "new" / "deeper" / "s.rgbt.sqlite"
    with pytest.raises(StoreError):
        AnnotationStore.open(path)
    assert not (full_disk / "new").exists()
    with pytest.raises(OutputError, match="no space left"):
        from core.fileio import write_text_atomic

        write_text_atomic(full_disk / "a" / "b" / "c.txt", "x" * 100000)
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


# 13. track on a shorter thermal stream gave no note; --init -100,...; open_pair on text; --frames -5
def test_13_shorter_thermal_stream_is_noted(tmp_path, seq):
    import shutil

    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for path in sorted((seq / "infrared").iterdir())[:5]:
        shutil.copy(path, fewer / path.name)
    out = tmp_path / "b.txt"
    outcome = run_cli(["track", seq / "visible", fewer, "--init", "40,40,10,10", "--out", out, "--tracker", "kcf"])
    assert outcome.code == 0, outcome
    assert "frame counts differ: visible 8, thermal 5" in outcome.err
    assert len(out.read_text().splitlines()) == 5


def test_13_negative_init_values_are_read_as_values(seq, tmp_path):
    outcome = run_cli(["track", seq, "--init", "-100,-100,20,20", "--out", tmp_path / "b.txt", "--tracker", "kcf"])
    assert outcome.clear_error and "lies outside the frame" in outcome.err, outcome
    outcome = run_cli(["track", seq, "--init", "-5,-5,20,20", "--out", tmp_path / "c.txt", "--tracker", "kcf"])
    assert outcome.code == 0, outcome  # partly inside: a valid start


def test_13_open_pair_refuses_text_files(seq):
    from core.sequences import open_pair

    with pytest.raises(SequenceError, match="text file, not a video") as caught:
        open_pair(seq / "visible.txt", seq / "infrared.txt")
    assert "visible.txt" in str(caught.value)


@pytest.mark.parametrize("frames", ["-5", "0"])
def test_13_convert_negative_frames(seq, tmp_path, frames):
    outcome = run_cli(["convert", seq, tmp_path / "o", "--to", "got10k", "--frames", frames])
    assert outcome.clear_error and "--frames must be >= 1" in outcome.err, outcome
