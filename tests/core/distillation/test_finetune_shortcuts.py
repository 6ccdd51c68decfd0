"""The fine-tune's shortcuts compute what its plain loop computed (the same seed gives the same
weights), with the stem run once on each row: a step took about 2.3 s on the 2-core VM, half of
it the frozen EfficientNet stem, which ran on the rehearsal rows twice (for the frozen initial
student's maps and for the student trained) and on the held-out items before and after.

- the frozen stem's features of each batch are made off the training graph, in a second thread
  with the rest of the next batch (``FinetuneConfig.prefetch``), and taken for the rehearsal rows
  from the frozen initial student;
- the held-out items' stem features are kept from the score before for the score after."""
from __future__ import annotations

import threading

import pytest
import torch

import core.distillation.finetune as finetune
from core.distillation.dataset import load_items
from core.distillation.finetune import FinetuneConfig, finetune_student
from core.distillation.held_out import StemFeatures, score_held_out
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.models.stem import Lite0Features
from core.progress import run_to_end
from tests.core.distillation.embedded_files import embedded_distillation_file

SEARCH = 128  # the bundled student's search crop side


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shortcuts")
    data, _teacher = embedded_distillation_file(tmp / "d.h5", 16)
    torch.manual_seed(1)
    init = save_checkpoint(tmp / "student.pt", build_model("student", student_config(
        "bundled", pretrained_stem=False, depth=1, correlation_prior=True)))
    return data, init, tmp


def _search_rows(monkeypatch) -> list[int]:
    """The search crops the EfficientNet stem computes features of, counted per call."""
    rows: list[int] = []
    real = Lite0Features.features

    def counted(self, image):
        if image.shape[-1] == SEARCH:
            rows.append(int(image.shape[0]))
        return real(self, image)

    monkeypatch.setattr(Lite0Features, "features", counted)
    return rows


def _weights(path):
    return load_checkpoint(path)[0].state_dict()


def test_the_same_seed_gives_the_weights_of_the_plain_loop(files, monkeypatch):
    data, init, tmp = files
    config = FinetuneConfig(steps=3, batch_size=4, threads=1, lr=1e-3)
    fast = run_to_end(finetune_student(init, [data], tmp / "fast.pt", config))
    with monkeypatch.context() as plain:  # the loop as it was: the model's own stem on every row, one thread
        plain.setattr(finetune, "_frozen_stem", lambda model, config: None)
        slow = run_to_end(finetune_student(init, [data], tmp / "plain.pt", FinetuneConfig(
            steps=3, batch_size=4, threads=1, lr=1e-3, prefetch=False)))
    assert fast.losses == pytest.approx(slow.losses, rel=1e-5)
    assert (fast.before, fast.after) == (slow.before, slow.after)
    ours, theirs, initial = _weights(fast.checkpoint), _weights(slow.checkpoint), _weights(init)  # loaded once each
    changed = [name for name, value in ours.items() if not torch.equal(value, initial[name])]
    assert any(".blocks." in name for name in changed)
    for name, value in theirs.items():
        torch.testing.assert_close(ours[name], value, rtol=1e-5, atol=1e-7, msg=name)


def test_prefetching_the_batches_changes_nothing(files):
    data, init, tmp = files
    runs = [run_to_end(finetune_student(init, [data], tmp / f"prefetch-{on}.pt", FinetuneConfig(
        steps=4, batch_size=4, threads=1, lr=1e-3, prefetch=on))) for on in (True, False)]
    assert runs[0].losses == runs[1].losses
    ours, theirs = _weights(runs[0].checkpoint), _weights(runs[1].checkpoint)
    assert all(torch.equal(ours[name], value) for name, value in theirs.items())


def test_the_stem_runs_once_on_each_row_and_each_held_out_item(files, monkeypatch):
    data, init, tmp = files
    held_out = [item for item in load_items([data]) if item.held_out and not item.absent]
    rows = _search_rows(monkeypatch)
    steps, batch = 3, 4
    run_to_end(finetune_student(init, [data], tmp / "counted.pt", FinetuneConfig(
        steps=steps, batch_size=batch, threads=1)))
    # both modalities of every row of every step, and of each held-out item once (before; after reads them)
    assert sum(rows) == 2 * batch * steps + 2 * len(held_out)


def test_an_unfrozen_stem_runs_in_the_student(files, monkeypatch):
    data, init, tmp = files
    rows = _search_rows(monkeypatch)
    run_to_end(finetune_student(init, [data], tmp / "unfrozen.pt", FinetuneConfig(
        steps=2, batch_size=4, threads=1, freeze_stem=False)))
    held_out = [item for item in load_items([data]) if item.held_out and not item.absent]
    # the trained rows (4 a step) and the rehearsal rows' maps (2 a step) and the held-out items twice
    assert sum(rows) == 2 * (4 * 2 + 2 * 2) + 2 * 2 * len(held_out)


def _batch_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "finetune-batches"]


def test_a_cancelled_fine_tune_stops_its_batches_thread(files):
    data, init, tmp = files
    job = finetune_student(init, [data], tmp / "cancelled.pt", FinetuneConfig(steps=50, batch_size=4, threads=1))
    report = next(job)
    while report.done < 2:
        report = next(job)
    assert _batch_threads()
    job.close()
    assert not _batch_threads() and not (tmp / "cancelled.pt").exists()


def test_an_error_making_a_batch_is_the_fine_tunes(files, monkeypatch):
    data, init, tmp = files
    made = []

    def failing(item, *args, **kwargs):
        made.append(item)
        if len(made) > 6:
            raise ValueError("a crop that cannot be augmented")
        return real(item, *args, **kwargs)

    real = finetune.random_augment
    monkeypatch.setattr(finetune, "random_augment", failing)
    with pytest.raises(ValueError, match="cannot be augmented"):
        run_to_end(finetune_student(init, [data], tmp / "failed.pt", FinetuneConfig(
            steps=20, batch_size=4, threads=1)))
    assert not _batch_threads() and not (tmp / "failed.pt").exists()


def test_the_held_out_stem_features_are_kept_for_the_score_after(files, monkeypatch):
    data, init, _tmp = files
    model = load_checkpoint(init)[0]
    items = [item for item in load_items([data]) if item.held_out]
    plain = score_held_out(model, items, batch_size=2)
    kept = StemFeatures(model.backbone.patch_embed)
    rows = _search_rows(monkeypatch)
    assert score_held_out(model, items, batch_size=2, stem=kept) == plain
    first = sum(rows)
    assert first == 2 * plain.items
    assert score_held_out(model, items, batch_size=2, stem=kept) == plain and sum(rows) == first
    small = StemFeatures(model.backbone.patch_embed, limit_bytes=1)  # over the limit: computed each time
    score_held_out(model, items, batch_size=2, stem=small)
    score_held_out(model, items, batch_size=2, stem=small)
    assert sum(rows) == first + 4 * plain.items and not small.kept
