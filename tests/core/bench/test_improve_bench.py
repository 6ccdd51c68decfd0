"""``bench improve``: the parts of an Improve timed from the fine-tune's own progress reports."""
from __future__ import annotations

import pytest

from core.bench.improve import _table, time_finetune
from core.cli import main
from core.progress import run_to_end
from tests.core.distillation.embedded_files import embedded_distillation_file


@pytest.mark.parametrize("prefetch", [True, False])  # False: what --profile runs (one thread to profile)
def test_the_fine_tune_is_timed_by_part(tmp_path, prefetch):
    data, _teacher = embedded_distillation_file(tmp_path / "d.h5", 12)
    timing = run_to_end(time_finetune(data, tmp_path / "ft.pt", steps=3, batch_size=4, threads=1, prefetch=prefetch))
    assert (timing.steps, timing.batch_size, timing.threads) == (3, 4, 1)
    assert timing.train_items > 0 and timing.held_out_items > 0
    parts = (timing.load_s, timing.before_s, timing.first_step_s, timing.after_s)
    assert all(part >= 0 for part in parts) and 0 < timing.step_median_s <= timing.step_max_s
    assert sum(parts) + 2 * timing.step_mean_s <= timing.finetune_s + 0.1
    assert len(timing.load_average_start) == 3 and timing.finetune_cpu_s > 0
    table = _table(timing)
    assert "steps 2..3: mean / median / max" in table and "export (teacher on every checked frame)  reused" in table


def test_the_bench_refuses_a_report_over_an_input_before_any_work(tmp_path, capsys):
    from core.tracking.factory import default_weights

    weights = default_weights("student")
    before = weights.read_bytes()
    assert main(["bench", "improve", "--steps", "1", "--out", str(tmp_path), "--json", str(weights)]) == 2
    assert weights.read_bytes() == before and not (tmp_path / "demo-improve.h5").exists()
    assert "student_bundled.pt" in capsys.readouterr().err


def test_the_bench_writes_nothing_into_the_bundled_demo(capsys):
    from core.assets import demo_dir

    before = sorted(path.name for path in demo_dir().iterdir())
    assert main(["bench", "improve", "--steps", "1", "--out", str(demo_dir() / "improve")]) == 2
    assert "lies inside the folder of the bundled demo pair" in capsys.readouterr().err
    assert sorted(path.name for path in demo_dir().iterdir()) == before
