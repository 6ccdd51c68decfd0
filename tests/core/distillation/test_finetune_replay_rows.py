"""Rehearsal at small batches: ``--replay`` is the share of rehearsed rows over the run, also
where one batch cannot hold it (``distill --data --batch-size 1 --replay 0.5`` rehearsed
nothing: round(0.5) rows per batch is 0)."""
from __future__ import annotations

import pytest

from core.distillation.finetune import FinetuneConfig, finetune_student
from core.distillation.replay import ReplayStream, replay_rows_at
from core.models.checkpoint import save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from tests.core.distillation.embedded_files import embedded_distillation_file


@pytest.mark.parametrize(("batch_size", "replay", "steps", "rows"), [
    (1, 0.5, 100, 50),     # every other batch is one rehearsed row
    (1, 0.25, 100, 25),
    (16, 0.02, 100, 32),   # 0.32 rows a batch: one row about every third batch
    (16, 0.5, 10, 80),     # 8 in every batch, as before
    (4, 0.0, 10, 0),
])
def test_the_rehearsed_rows_add_up_to_the_share(batch_size, replay, steps, rows):
    per_step = [replay_rows_at(step, batch_size, replay) for step in range(1, steps + 1)]
    assert sum(per_step) == rows
    if batch_size > 1:  # every batch keeps an annotated row
        assert max(per_step) <= batch_size - 1


def test_a_batch_of_2_keeps_an_annotated_row():
    assert {replay_rows_at(step, 2, 0.9) for step in range(1, 20)} == {1}


def test_a_fine_tune_at_batch_1_rehearses_half_its_steps(tmp_path, monkeypatch):
    data, _teacher = embedded_distillation_file(tmp_path / "d.h5", 10)
    init = save_checkpoint(tmp_path / "student.pt", build_model("student", student_config(
        "bundled", pretrained_stem=False, depth=1)))
    asked: list[tuple[int, int]] = []
    real_batch = ReplayStream.batch

    def counted(self, size, step, **kwargs):
        asked.append((step, size))
        return real_batch(self, size, step, **kwargs)

    monkeypatch.setattr(ReplayStream, "batch", counted)
    config = FinetuneConfig(steps=4, batch_size=1, replay=0.5, holdout_fraction=0.0, threads=1)
    result = run_to_end(finetune_student(init, [data], tmp_path / "ft.pt", config))
    assert result.steps == 4 and len(result.losses) == 4
    assert sum(size for _, size in asked) == 2 and [step for step, _ in asked] == [1, 3]
