"""Bad-input corpus (issue 13): every command against bad outputs and inputs, counted.

Each case runs ``core.cli.main`` in this process on a fresh copy of an annotated
sequence and is classified:

- *clear error*: exit 2, exactly one ``error:`` line, no traceback;
- *traceback*: an exception escaped ``main``;
- *accepted*: exit 0 although the case is bad (counted as unclear);
- *files lost*: a file of the sequence, its ground truth, its store, a model file or an
  earlier output changed or vanished (SHA-256 before and after), or a partial output /
  temporary was left where the case failed.

Crashes (a signal) can only be seen from a child process: the cases marked ``child``
run ``python main.py`` in one. Outputs: a read-only folder, a full disk (tmpfs, root on
Linux only; skipped otherwise), an existing folder where a file is meant, for every
command that writes. ``python -m tests.core.safety.test_bad_input_corpus`` prints the
counts.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import PROJECT, fingerprint, run_cli, run_cli_process

TINY_STUDENT = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}


@dataclass
class Case:
    """``argv`` uses placeholders filled per run: {seq} {store} {ro} {full} {dir} {tmp} {h5} {pt} {onnx} {res} {gt}."""

    name: str
    argv: list[str]
    needs: tuple[str, ...] = ()  # "ro", "full"
    child: bool = False  # run in a child process (crash check)
    ok: bool = False  # a valid call (e.g. --force over an earlier output): exit 0 expected
    outputs: tuple[str, ...] = ()  # paths that must not exist after a failed case


# Each command x each kind of bad output, then the numbered items' inputs.
TRACK = ["track", "{seq}", "--init", "40,40,10,10", "--tracker", "kcf"]
EVAL = ["eval", "{res}", "--gt", "{gt}", "--protocol", "rgbt234"]
EXPORT = ["export-distill", "{seq}", "--random-weights", "--device", "cpu"]
DISTILL = ["distill", "--data", "{h5}", "--init", "{pt}", "--steps", "1"]
IMPORT = ["import-weights", "{src_ostrack}", "--kind", "ostrack", "--factory", "student", "--config", "{tiny}"]
ONNX = ["export-onnx", "--model", "student", "--weights", "{pt}"]

CASES: list[Case] = [
    # track
    Case("track --out read-only", TRACK + ["--out", "{ro}/b.txt"], needs=("ro",)),
    Case("track --out full disk", TRACK + ["--out", "{full}/b.txt"], needs=("full",), outputs=("{full}/b.txt",)),
    Case("track --out folder", TRACK + ["--out", "{dir}"]),
    Case("track --scores folder", TRACK + ["--out", "{tmp}/b.txt", "--scores", "{dir}"], outputs=("{tmp}/b.txt",)),
    Case("track --out = ground truth", TRACK + ["--out", "{seq}/visible.txt", "--force"]),
    Case("track --out = store", TRACK + ["--out", "{store}", "--force"]),
    Case("track --out inside frames", TRACK + ["--out", "{seq}/visible/x.jpg"], outputs=("{seq}/visible/x.jpg",)),
    Case("track --out = weights", ["track", "{seq}", "--init", "40,40,10,10", "--weights", "{pt}", "--out", "{pt}",
                                   "--force"]),
    Case("track --out exists", TRACK + ["--out", "{earlier}"]),
    Case("track --out exists --force", TRACK + ["--out", "{earlier}", "--force"], ok=True),
    Case("track --out missing parent is a file", TRACK + ["--out", "{earlier}/b.txt"]),
    Case("track --init huge", TRACK + ["--out", "{tmp}/b.txt", "--init", "0,0,100000,100000"]),
    Case("track --init outside", TRACK + ["--out", "{tmp}/b.txt", "--init", "-100,-100,20,20"]),
    Case("track --init nan", TRACK + ["--out", "{tmp}/b.txt", "--init", "nan,1,2,3"]),
    Case("track --init 3 values", TRACK + ["--out", "{tmp}/b.txt", "--init", "1,2,3"]),
    Case("track --init zero size", TRACK + ["--out", "{tmp}/b.txt", "--init", "1,2,0,3"]),
    Case("track text file as video", ["track", "{seq}/visible.txt", "{seq}/infrared.txt", "--init", "1,1,5,5",
                                      "--out", "{tmp}/b.txt"]),
    Case("track missing input", ["track", "{tmp}/nope", "--init", "1,1,5,5", "--out", "{tmp}/b.txt"]),
    Case("track --start-frame 0", TRACK + ["--out", "{tmp}/b.txt", "--start-frame", "0"]),
    Case("track --weights corrupt", ["track", "{seq}", "--init", "40,40,10,10", "--weights", "{bad_pt}",
                                     "--out", "{tmp}/b.txt"]),
    # eval
    Case("eval --json read-only", EVAL + ["--json", "{ro}/r.json"], needs=("ro",)),
    Case("eval --json full disk", EVAL + ["--json", "{full}/r.json"], needs=("full",), outputs=("{full}/r.json",)),
    Case("eval --json folder", EVAL + ["--json", "{dir}"]),
    Case("eval --json = result file", EVAL + ["--json", "{res}/seq.txt", "--force"]),
    Case("eval --plots read-only", EVAL + ["--plots", "{ro}/p"], needs=("ro",)),
    Case("eval --plots full disk", EVAL + ["--plots", "{full}/p"], needs=("full",)),
    Case("eval --plots is a file", EVAL + ["--plots", "{earlier}"]),
    Case("eval missing results", ["eval", "{tmp}/nope", "--gt", "{gt}", "--protocol", "lasher"]),
    Case("eval binary result", ["eval", "{binres}", "--gt", "{gt}", "--protocol", "lasher"]),
    # convert
    Case("convert DST read-only", ["convert", "{seq}", "{ro}/o", "--to", "got10k"], needs=("ro",)),
    Case("convert DST full disk", ["convert", "{seq}", "{full}/o", "--to", "got10k"], needs=("full",),
         outputs=("{full}/o",)),
    Case("convert DST is a file", ["convert", "{seq}", "{earlier}", "--to", "got10k"]),
    Case("convert xywh DST folder", ["convert", "{seq}/visible.txt", "{dir}", "--to", "xywh"]),
    Case("convert SEQ SEQ", ["convert", "{seq}", "{seq}", "--to", "got10k", "--force"]),
    Case("convert file onto itself", ["convert", "{seq}/visible.txt", "{seq}/visible.txt", "--to", "xywh",
                                      "--force"]),
    Case("convert --frames -5", ["convert", "{seq}", "{tmp}/o", "--to", "got10k", "--frames", "-5"]),
    Case("convert bad box file", ["convert", "{binres}/seq.txt", "{tmp}/o.txt", "--to", "xywh"]),
    # export-distill
    Case("export-distill --out read-only", EXPORT + ["--out", "{ro}/d.h5"], needs=("ro",)),
    Case("export-distill --out full disk", EXPORT + ["--out", "{full}/d.h5"], needs=("full",), child=True,
         outputs=("{full}/d.h5",)),
    Case("export-distill --out small disk (mid-write)", EXPORT + ["--out", "{small}/d.h5", "--embed-crops"],
         needs=("small",), child=True, outputs=("{small}/d.h5",)),
    Case("export-distill --out folder", EXPORT + ["--out", "{dir}"]),
    Case("export-distill --out = store", ["export-distill", "{seq}/visible", "{seq}/infrared", "--store", "{store}",
                                          "--out", "{store}", "--random-weights", "--force"]),
    Case("export-distill --out = ground truth", EXPORT + ["--out", "{seq}/init.txt", "--force"]),
    Case("export-distill --out inside frames", EXPORT + ["--out", "{seq}/infrared/000001.jpg"],
         outputs=("{seq}/infrared/000001.jpg",)),
    Case("export-distill store locked", EXPORT + ["--out", "{tmp}/d.h5"], ok=True),
    Case("export-distill corrupt store", ["export-distill", "{seq}", "--store", "{bad_store}", "--out",
                                          "{tmp}/d.h5", "--random-weights"], outputs=("{tmp}/d.h5",)),
    # distill --data
    Case("distill --out read-only", DISTILL + ["--out", "{ro}/s.pt"], needs=("ro",)),
    Case("distill --out full disk", DISTILL + ["--out", "{full}/s.pt"], needs=("full",), outputs=("{full}/s.pt",)),
    Case("distill --out folder", DISTILL + ["--out", "{dir}"]),
    Case("distill --out = data", DISTILL + ["--out", "{h5}", "--force"]),
    Case("distill --out = init", DISTILL + ["--out", "{pt}", "--force"]),
    Case("distill --out exists", DISTILL + ["--out", "{earlier}"]),
    # import-weights
    Case("import-weights DST read-only", IMPORT[:2] + ["{ro}/x.pt"] + IMPORT[2:], needs=("ro",)),
    Case("import-weights DST full disk", IMPORT[:2] + ["{full}/x.pt"] + IMPORT[2:], needs=("full",),
         outputs=("{full}/x.pt",)),
    Case("import-weights DST small disk", IMPORT[:2] + ["{small}/x.pt"] + ["--kind", "ostrack", "--factory",
                                                                          "teacher"], needs=("small",),
         outputs=("{small}/x.pt",)),
    Case("import-weights DST folder", IMPORT[:2] + ["{dir}"] + IMPORT[2:]),
    Case("import-weights DST = SRC", IMPORT[:2] + ["{src_ostrack}", "--force"] + IMPORT[2:]),
    Case("import-weights random bytes", ["import-weights", "{random}", "{tmp}/x.pt", "--kind", "mplt"],
         outputs=("{tmp}/x.pt",)),
    Case("import-weights empty", ["import-weights", "{empty}", "{tmp}/x.pt", "--kind", "mplt"],
         outputs=("{tmp}/x.pt",)),
    Case("import-weights onnx", ["import-weights", "{onnx}", "{tmp}/x.pt", "--kind", "mplt"], outputs=("{tmp}/x.pt",)),
    Case("import-weights 0 keys", ["import-weights", "{src_nothing}", "{tmp}/x.pt", "--kind", "ostrack", "--factory",
                                   "student", "--config", "{tiny}"], outputs=("{tmp}/x.pt",)),
    # export-onnx
    Case("export-onnx --out read-only", ONNX + ["--out", "{ro}/o"], needs=("ro",)),
    Case("export-onnx --out full disk", ONNX + ["--out", "{full}/o"], needs=("full",)),
    Case("export-onnx --out is a file", ONNX + ["--out", "{earlier}"]),
    Case("export-onnx over the checkpoint's own export", ONNX + ["--out", "{pt_dir}"]),
    # synth
    Case("synth OUT_DIR read-only", ["synth", "{ro}/s", "--frames", "3", "--size", "64x48"], needs=("ro",)),
    Case("synth OUT_DIR full disk", ["synth", "{full}/s", "--frames", "3", "--size", "64x48"], needs=("full",)),
    Case("synth OUT_DIR is a file", ["synth", "{earlier}", "--frames", "3", "--size", "64x48"]),
    Case("synth over an annotated sequence", ["synth", "{data}", "--name", "seq", "--frames", "3", "--size",
                                              "64x48", "--force"]),
    Case("synth over a dataset folder", ["synth", "{tmp}", "--name", "..", "--frames", "3", "--size", "64x48"]),
    Case("synth --name traversal", ["synth", "{tmp}/s", "--name", "../escape", "--frames", "3", "--size", "64x48"]),
]


@dataclass
class Tally:
    tried: int = 0
    clear: int = 0
    tracebacks: int = 0
    crashes: int = 0
    accepted: int = 0
    files_lost: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _prepare(root: Path, seq_source: Path) -> dict[str, str]:
    """Build the corpus fixtures under ``root``; returns the placeholder values."""
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    data = root / "data"
    seq = data / "seq"
    shutil.copytree(seq_source, seq)
    models = root / "models"
    models.mkdir()
    pt = save_checkpoint(models / "my.pt", random_model("student"))
    (models / "bad.pt").write_bytes(os.urandom(2000))
    shutil.copy(PROJECT / "assets" / "models" / "student_bundled.onnx", models / "my.onnx")  # an earlier export
    tmp = root / "work"
    tmp.mkdir()
    (root / "a_folder").mkdir()
    earlier = root / "earlier.txt"
    earlier.write_text("an earlier output\n")
    res, gt, binres = root / "res", root / "gt", root / "binres"
    for folder in (res, gt / "seq", binres):
        folder.mkdir(parents=True)
    rows = (seq / "visible.txt").read_text()
    (res / "seq.txt").write_text(rows)
    (gt / "seq" / "visible.txt").write_text(rows)
    (gt / "seq" / "infrared.txt").write_text(rows)
    (binres / "seq.txt").write_bytes(b"\x00\xff\xfe" * 50)
    h5 = root / "d.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    bad_store = root / "bad.rgbt.sqlite"
    bad_store.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    random_file, empty = root / "random.pth.tar", root / "empty.pth.tar"
    random_file.write_bytes(os.urandom(4000))
    empty.write_bytes(b"")
    onnx = root / "model.pth.tar"
    onnx.write_bytes((PROJECT / "assets" / "models" / "student_bundled.onnx").read_bytes())
    tiny = root / "tiny.json"
    tiny.write_text(json.dumps(TINY_STUDENT))
    from core.models import build_model
    from core.models.config import StudentConfig

    model = build_model("student", StudentConfig(**{**TINY_STUDENT, "head_widths": (16, 8, 8, 4)}))
    src_ostrack = root / "OSTrack.pth.tar"
    torch.save({"net": {k: v.clone() for k, v in model.state_dict().items()}}, src_ostrack)
    src_nothing = root / "nothing.pth.tar"
    torch.save({"net": {"unrelated.weight": torch.zeros(3)}}, src_nothing)
    return {"seq": str(seq), "store": str(seq / "seq.rgbt.sqlite"), "tmp": str(tmp), "dir": str(root / "a_folder"),
            "earlier": str(earlier), "res": str(res), "gt": str(gt), "binres": str(binres), "h5": str(h5),
            "pt": str(pt), "pt_dir": str(models), "bad_pt": str(models / "bad.pt"), "bad_store": str(bad_store),
            "random": str(random_file), "empty": str(empty), "onnx": str(onnx), "tiny": str(tiny),
            "src_ostrack": str(src_ostrack), "src_nothing": str(src_nothing), "data": str(data)}


def _digest(path: Path):
    import hashlib

    if path.is_dir():
        return fingerprint(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def run_case(case: Case, root: Path, seq_source: Path, places: dict[str, Path | None]) -> tuple[str, str]:
    """Run one case; returns (verdict, detail). verdict: clear | ok | traceback | crash |
    accepted | lost | skipped."""
    for need in case.needs:
        if places.get(need) is None:
            return "skipped", f"no {need} folder on this machine"
    values = _prepare(root, seq_source)
    values.update({k: str(v) for k, v in places.items() if v is not None})
    argv = [_fill(a, values) for a in case.argv]
    watched = [Path(values[k]) for k in ("data", "earlier", "res", "gt", "h5", "pt_dir", "random", "empty", "onnx",
                                         "src_ostrack", "tiny", "bad_store")]
    before = {str(p): _digest(p) for p in watched}
    lock_holder = None
    if case.name == "export-distill store locked":
        from core.annotations.store import AnnotationStore

        lock_holder = AnnotationStore.open(values["store"])  # the studio has it open: export reads it anyway
    try:
        if case.child:
            done = run_cli_process(argv)
            if done.returncode < 0:
                return "crash", f"signal {-done.returncode}"
            err_lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
            if "Traceback" in done.stderr:
                verdict = "traceback"
            elif done.returncode == 0:
                verdict = "ok" if case.ok else "accepted"
            elif done.returncode == 2 and len(err_lines) == 1:
                verdict = "clear"
            else:
                verdict = "unclear"
            detail = (err_lines or done.stderr.splitlines()[-1:] or [""])[0]
        else:
            outcome = run_cli(argv)
            if outcome.traceback is not None:
                return "traceback", outcome.traceback.strip().splitlines()[-1]
            if outcome.code == 0:
                verdict = "ok" if case.ok else "accepted"
            elif outcome.clear_error:
                verdict = "clear"
            else:
                verdict = "unclear"
            detail = (outcome.error_lines or outcome.err.strip().splitlines()[-1:] or [""])[0]
    finally:
        if lock_holder is not None:
            lock_holder.close()
    after = {str(p): _digest(p) for p in watched}
    changed = [k for k in before if before[k] != after[k] and not (case.ok and k == values["earlier"])]
    left = [o for o in (_fill(o, values) for o in case.outputs) if Path(o).exists()] if verdict != "ok" else []
    temps = [p for place in places.values() if place is not None and place.exists()
             for p in place.rglob(".*") if p.suffix in (".tmp", ".probe") or ".old" in p.name]
    if changed or left or temps:
        return "lost", f"changed {changed} left {left} temporaries {temps}; {detail}"
    return verdict, detail


@pytest.fixture
def places(tmp_path, request):
    """read-only / full / small folders where this machine can make them (else None)."""
    found: dict[str, Path | None] = {}
    for name, fixture in (("ro", "read_only_dir"), ("full", "full_disk"), ("small", "small_disk")):
        try:
            found[name] = request.getfixturevalue(fixture)
        except pytest.skip.Exception:
            found[name] = None
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_error_and_nothing_is_lost(case, tmp_path, pristine_sequence, places):
    verdict, detail = run_case(case, tmp_path / "corpus", pristine_sequence, places)
    if verdict == "skipped":
        pytest.skip(detail)
    expected = "ok" if case.ok else "clear"
    assert verdict == expected, f"{case.name}: {verdict}: {detail}"


def tally(cases: list[Case], root: Path, seq_source: Path, places: dict[str, Path | None]) -> Tally:
    """Run every case; the corpus counts (the ``__main__`` report)."""
    result = Tally()
    for k, case in enumerate(cases):
        verdict, detail = run_case(case, root / f"c{k}", seq_source, places)
        if verdict == "skipped":
            result.skipped += 1
            continue
        result.tried += 1
        if verdict in ("clear", "ok"):
            result.clear += 1
        elif verdict == "traceback":
            result.tracebacks += 1
        elif verdict == "crash":
            result.crashes += 1
        elif verdict == "lost":
            result.files_lost += 1
        else:
            result.accepted += 1
        if verdict not in ("clear", "ok"):
            result.problems.append(f"{case.name}: {verdict}: {detail}")
        print(f"{verdict:9s} {case.name}: {detail}", flush=True)
    return result


if __name__ == "__main__":  # python -m tests.core.safety.test_bad_input_corpus
    import tempfile

    from tests.core.safety import conftest as c

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        seq_source = c.make_sequence(work / "pristine" / "seq")
        places: dict[str, Path | None] = {}
        mounted = []
        for name, options in (("full", "size=256k"), ("small", "size=256k"), ("ro", "ro,size=64k")):
            folder = work / name
            places[name] = folder if c._mount_tmpfs(folder, options) else None
            if places[name] is not None:
                mounted.append(folder)
        if places["full"] is not None:
            with open(places["full"] / "filler", "wb", buffering=0) as handle:
                try:
                    while True:
                        handle.write(b"\0" * 4096)
                except OSError:
                    pass
        try:
            counts = tally(CASES, work / "runs", seq_source, places)
        finally:
            for folder in mounted:
                c._umount(folder)
    print(json.dumps({k: v for k, v in counts.__dict__.items() if k != "problems"}))
    sys.exit(1 if counts.problems else 0)
