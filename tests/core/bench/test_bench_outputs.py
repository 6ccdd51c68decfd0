"""Every ``bench`` command checks its outputs before any work (``core.bench.outputs``)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bench import open_speed
from core.bench.outputs import is_bench_report
from core.cli import build_parser
from core.cli import main as cli_main
from core.commands.bench import BENCH_MODULES


@pytest.fixture(autouse=True)
def _no_long_work(monkeypatch):
    """A bench whose check let it through fails at once instead of benchmarking for minutes."""
    import importlib

    def refuse(*args, **kwargs):
        raise AssertionError("the benchmark started its work")

    # Import every module that binds ``run_with_bar`` by name first: one imported for the
    # first time while core.progress's is patched would keep ``refuse`` after the test,
    # and a later test in this worker (``track``, ``synth``) would fail with it.
    import pkgutil

    import core.bench
    import core.commands
    import core.training.run  # noqa: F401

    for package in (core.commands, core.bench):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    for name in ("core.progress", *BENCH_MODULES, "core.bench.real_accuracy"):
        module = importlib.import_module(name)
        if hasattr(module, "run_with_bar"):
            monkeypatch.setattr(module, "run_with_bar", refuse)


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    """A tiny visible/thermal video pair (10 frames, 48x32)."""
    folder = tmp_path_factory.mktemp("pair")
    return open_speed.generate_pair(folder, frames=10, width=48, height=32, codec="MJPG")


@pytest.fixture
def work(monkeypatch):
    """Counts the calls of ``bench open``'s work (generating a pair, measuring)."""
    calls = []
    measure, generate = open_speed.measure, open_speed.generate_pair
    monkeypatch.setattr(open_speed, "measure", lambda *a, **k: calls.append("measure") or measure(*a, **k))
    monkeypatch.setattr(open_speed, "generate_pair",
                        lambda *a, **k: calls.append("generate") or generate(*a, **k))
    return calls


def bench_open(pair, json_path, *extra) -> list[str]:
    visible, thermal = pair
    return ["bench", "open", "--visible", str(visible), "--thermal", str(thermal), "--random-samples", "2",
            "--json", str(json_path), *extra]


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line, no traceback
    return err[0]


def test_the_json_over_an_input_video_is_refused_and_the_video_untouched(pair, work, capsys):
    visible, thermal = pair
    before = thermal.read_bytes()
    assert cli_main(bench_open(pair, thermal)) == 2
    line = error_line(capsys)
    assert str(thermal) in line and "--json is the thermal input" in line
    assert thermal.read_bytes() == before and work == []
    # --force never replaces an input
    assert cli_main(bench_open(pair, thermal, "--force")) == 2
    assert "thermal input" in error_line(capsys) and thermal.read_bytes() == before and work == []


def test_an_unrelated_file_is_refused_without_force_and_replaced_with_it(pair, work, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a report\n")
    assert cli_main(bench_open(pair, notes)) == 2
    line = error_line(capsys)
    assert str(notes) in line and "not an earlier bench report" in line and "--force" in line
    assert notes.read_text() == "not a report\n" and work == []
    assert cli_main(bench_open(pair, notes, "--force")) == 0
    assert json.loads(notes.read_text())["frames"] == 10 and work == ["measure"]


@pytest.mark.parametrize("text", ['"a string"', "[1, 2]", "{broken", ""])
def test_json_that_is_not_a_report_needs_force(tmp_path, text):
    path = tmp_path / "x.json"
    path.write_text(text)
    assert not is_bench_report(path)


def test_an_earlier_bench_report_is_replaced(pair, work, tmp_path, capsys):
    report = tmp_path / "open.json"
    report.write_text(json.dumps([{"tracker": "student", "sr": 0.5}]))  # e.g. an earlier bench accuracy
    assert cli_main(bench_open(pair, report)) == 0
    assert json.loads(report.read_text())["frames"] == 10
    assert cli_main(bench_open(pair, report)) == 0  # its own earlier report
    assert work == ["measure", "measure"]


def test_an_unwritable_place_is_refused_before_any_work(work, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    # no --visible/--thermal: the first work would be generating the pair
    assert cli_main(["bench", "open", "--frames", "5", "--size", "32x32", "--json", str(blocker / "sub" / "o.json")]) == 2
    assert "is a file, not a folder" in error_line(capsys) and work == []
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)  # read-only: refused by its permission bits, for a superuser too
    places = [locked / "o.json", locked / "new" / "o.json"]
    try:
        for place in places:
            assert cli_main(["bench", "open", "--frames", "5", "--size", "32x32", "--json", str(place)]) == 2
            line = error_line(capsys)
            assert str(place) in line and f"cannot write in {locked}" in line and work == []
        assert not list(locked.iterdir())  # not even check_output's probe
    finally:
        locked.chmod(0o700)


def test_a_missing_folder_is_made(pair, work, tmp_path):
    out = tmp_path / "new" / "deeper" / "open.json"
    assert cli_main(bench_open(pair, out)) == 0
    assert json.loads(out.read_text())["frames"] == 10


def test_every_bench_registered_is_covered():
    bench = build_parser()._subparsers._group_actions[0].choices["bench"]
    names = set(bench._subparsers._group_actions[0].choices)
    assert names == set(BENCH_CASES) and len(names) == len(BENCH_MODULES)


#: bench -> extra arguments that make its inputs explicit
BENCH_CASES = {"open": [], "speed": [], "accuracy": [], "memory": [], "loop": [], "loop-real": [], "heuristics": [],
               "safeguards": [], "size-response": [], "annotate": [], "improve": []}


@pytest.mark.parametrize("name", sorted(BENCH_CASES))
def test_every_bench_refuses_an_unrelated_file_before_any_work(name, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    args = ["bench", name, "--json", str(notes)] + (["--out", str(tmp_path / "loop")] if name.startswith("loop") else [])
    assert cli_main(args) == 2
    line = error_line(capsys)
    assert "not an earlier bench report" in line and str(notes) in line
    assert notes.read_text() == "keep me\n"
    assert not (tmp_path / "loop").exists()


@pytest.mark.parametrize("name", sorted(BENCH_CASES))
def test_every_bench_has_force_and_states_the_rule(name, capsys):
    with pytest.raises(SystemExit):
        cli_main(["bench", name, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text and "earlier bench report" in text


@pytest.mark.parametrize("args, needle", [
    (["bench", "heuristics", "--weights", "{w}", "--json", "{w}"], "the checkpoint (--weights)"),
    (["bench", "heuristics", "--weights", "{w}", "--json", "{onnx}"], "the checkpoint (--weights) (.onnx beside it)"),
    (["bench", "safeguards", "--split-file", "{split}", "--json", "{split}"], "the split file"),
    (["bench", "accuracy", "--real", "--split-file", "{split}", "--json", "{split}", "--force"], "the split file"),
    (["bench", "annotate", "--data-root", "{root}", "--json", "{root}/seq/r.json"], "--data-root"),
    (["bench", "loop", "--student", "{w}", "--json", "{w}"], "the student's checkpoint"),
    (["bench", "loop", "--student", "{loop}/student_loop.pt", "--out", "{loop}"], "written over the student"),
    (["bench", "loop-real", "--teacher", "{w}", "--json", "{onnx}"], "the teacher's checkpoint (--teacher) (.onnx beside it)"),
    (["bench", "loop-real", "--student", "{loop}/student_loop_real.pt", "--out", "{loop}"], "written over the student"),
    (["bench", "loop-real", "--data-root", "{root}", "--out", "{root}/seq/loop"], "--data-root"),
    (["bench", "accuracy", "--data-root", "{root}", "--plots", "{root}/seq/plots"], "--plots lies inside"),
    (["bench", "accuracy", "--json", "{same}", "--plots", "{same}"], "the same path"),
])
def test_inputs_of_each_bench_are_refused(args, needle, tmp_path, capsys):
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"PK\x03\x04 checkpoint")
    (tmp_path / "w.onnx").write_bytes(b"onnx")
    split = tmp_path / "split.json"
    split.write_text('{"validation": []}')  # a JSON object, but an input
    root = tmp_path / "data"
    (root / "seq").mkdir(parents=True)
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "student_loop.pt").write_bytes(b"earlier student")
    (loop / "student_loop_real.pt").write_bytes(b"earlier student")
    names = {"w": weights, "onnx": tmp_path / "w.onnx", "split": split, "root": root, "loop": loop,
             "same": tmp_path / "same"}
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert cli_main([a.format(**names) for a in args]) == 2
    assert needle in error_line(capsys)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_data_root_takes_reports_beside_its_datasets_never_inside(tmp_path, capsys):
    root = tmp_path / "data"
    (root / "lasher" / "seq").mkdir(parents=True)
    inside = root / "lasher" / "r.json"
    base = ["bench", "heuristics", "--data-root", str(root)]
    assert cli_main(base + ["--json", str(inside)]) == 2
    line = error_line(capsys)
    assert "--json lies inside the folder of the sequences under --data-root" in line and not inside.exists()
    assert cli_main(["bench", "accuracy", "--data-root", str(root), "--plots", str(root)]) == 2
    assert "--plots is the folder of sequences (--data-root)" in error_line(capsys)
    assert cli_main(["bench", "accuracy", "--data-root", str(root), "--cache", str(root / "lasher" / "c")]) == 2
    assert "--cache lies inside the folder of the sequences" in error_line(capsys)


def test_a_read_only_folder_is_refused_without_a_write(tmp_path, capsys):
    """A report aimed into a read-only folder (a shared dataset mount) is one line before any work.

    The folder is made here: a test must never aim a write at the real shared data, whose mode
    does not stop a root process."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o555)
    try:
        target = shared / "bench-report.json"
        assert cli_main(["bench", "accuracy", "--json", str(target)]) == 2
        assert "a read-only folder" in error_line(capsys)
        assert list(shared.iterdir()) == []
    finally:
        shared.chmod(0o755)


@pytest.mark.parametrize("extra", [[], ["--real"]])
def test_a_data_root_given_that_does_not_exist_is_one_line_before_any_work(extra, tmp_path, capsys):
    """It ran the whole synthetic split (minutes) without a word about the folder."""
    missing = tmp_path / "no-such-data"
    assert cli_main(["bench", "accuracy", "--data-root", str(missing)] + extra) == 2
    line = error_line(capsys)
    assert str(missing) in line and "real data root does not exist (--data-root" in line
