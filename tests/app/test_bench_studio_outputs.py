"""``bench studio`` checks its ``--json`` before it opens a window (``core.bench.outputs``)."""
from __future__ import annotations

import pytest

import main


def test_bench_studio_refuses_an_unrelated_file_before_the_window(tmp_path, capsys, monkeypatch):
    import app.bench_studio

    monkeypatch.setattr(app.bench_studio, "wait_for", lambda *a, **k: pytest.fail("the studio started"))
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    assert main.main(["bench", "studio", "--frames", "5", "--json", str(notes)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an earlier bench report" in err[0] and str(notes) in err[0]
    assert notes.read_text() == "keep me\n"


def test_bench_studio_has_force(capsys):
    with pytest.raises(SystemExit):
        main.main(["bench", "studio", "--help"])
    assert "--force" in capsys.readouterr().out


def test_bench_studio_on_a_short_pair_steps_only_onto_frames_it_has(capsys, monkeypatch):
    """The frame-step timing walks 40 frames forward and back from the middle: on a pair shorter than
    80 frames each step past the last frame waited out its 10 s for a frame that never showed
    (``bench studio --frames 60``: 11 such steps, 2 minutes for a 15-second bench)."""
    import json

    import app.bench_studio

    original = app.bench_studio.wait_for
    missed = []

    def wait_for(app_, predicate, timeout_s):
        if timeout_s == 10:  # a step's wait for its frame: cut short here, counted when it times out
            shown = original(app_, predicate, 1.0)
            if not shown:
                missed.append(1)
            return shown
        return original(app_, predicate, timeout_s)

    monkeypatch.setattr(app.bench_studio, "wait_for", wait_for)
    assert main.main(["bench", "studio", "--frames", "12", "--size", "96x80", "--in-thread"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert not missed and report["step_ms"]["count"] == 5 + 11  # frame 6 -> 11 -> 0 (0-based), one step a frame


@pytest.mark.parametrize("option, value, said", [
    ("--frames", "0", "argument --frames: must be at least 2, got 0"),
    ("--frames", "1", "argument --frames: must be at least 2, got 1"),  # waited an hour for a run of no frame
    ("--size", "10x10", "argument --size: each side must be 32..4096 pixels, got 10x10"),
    ("--size", "320x5000", "argument --size: each side must be 32..4096 pixels, got 320x5000"),
    ("--size", "abc", "argument --size: must look like 320x256 (WxH in pixels), got 'abc'"),
])
def test_bench_studio_options_named_before_any_work(option, value, said, capsys, monkeypatch):
    """``--frames 0`` / ``--size 10x10`` said 'SyntheticConfig: ...' (no option named) after the
    window's app started; ``--size abc`` was a ValueError traceback: now argparse's one line."""
    import app.bench_studio

    monkeypatch.setattr(app.bench_studio, "run", lambda args: pytest.fail("the bench started"))
    with pytest.raises(SystemExit) as exit_:
        main.main(["bench", "studio", option, value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(said), err


def test_bench_studio_without_a_gpu_refuses_cuda_before_the_window(capsys, monkeypatch):
    """--device cuda where neither PyTorch nor ONNX Runtime can use a GPU wrote the synthetic pair and
    opened the window before the tracker's load said 'device 'cuda' requested but ...'."""
    import app.bench_studio
    from core.tracking import engines

    monkeypatch.setattr(engines, "torch_cuda_available", lambda: False)
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    monkeypatch.setattr(app.bench_studio, "wait_for", lambda *a, **k: pytest.fail("the studio started"))
    assert main.main(["bench", "studio", "--frames", "5", "--device", "cuda"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "device 'cuda' requested but PyTorch sees no CUDA GPU here" in err[0], err
    assert "writing the synthetic pair" not in captured.out + captured.err
