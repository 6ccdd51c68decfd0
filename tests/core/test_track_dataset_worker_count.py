"""track-dataset's first line named --jobs as it was given ('64 worker processes') also where it
starts fewer: one per sequence left to track, and none (this process tracks it) for one."""
from __future__ import annotations

from pathlib import Path

from core.cli import main


def _dataset(root: Path, names: list[str]) -> Path:
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    config = SyntheticConfig(width=64, height=48, num_frames=3)
    for seed, name in enumerate(names):
        run_to_end(write_lasher(SyntheticSequence(config, seed, name=name, cache_frames=0), root / name))
    return root


def test_one_sequence_with_many_jobs_names_no_worker_processes(tmp_path, capsys):
    root = _dataset(tmp_path / "ds", ["a"])
    assert main(["track-dataset", str(root), "--results", str(tmp_path / "r"), "--tracker", "kcf",
                 "--jobs", "64"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == f"{root}: 1 sequence, kcf tracker -> {tmp_path / 'r'}", first


def test_fewer_sequences_than_jobs_names_the_processes_started(tmp_path, capsys, monkeypatch):
    import core.commands.track_dataset as track_dataset
    from core.commands.dataset_tracking import Outcome

    started = []

    def in_workers(recipe, todo, jobs, on_progress):
        started.append(jobs)
        return iter([Outcome(folder.name, "skipped", "not tracked in this test") for folder, _ in todo])

    monkeypatch.setattr(track_dataset, "track_in_workers", in_workers)
    root = _dataset(tmp_path / "ds", ["a", "b", "c"])
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text("1,1,10,10\n")  # kept: two left to track
    main(["track-dataset", str(root), "--results", str(tmp_path / "r"), "--tracker", "kcf", "--jobs", "8"])
    first = capsys.readouterr().err.splitlines()[0]
    assert started == [2]
    assert first == (f"{root}: 3 sequences, kcf tracker, 2 worker processes (one per sequence to track) -> "
                     f"{tmp_path / 'r'}"), first
