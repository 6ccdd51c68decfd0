"""The sequence's auto stretch (``sequence_stretch_job``) and a few frames' (``frames_stretch``) are one
sum of histograms: the job gives the same levels, a report per frame read, and reads nothing after
it is closed."""
from __future__ import annotations

import numpy as np

from app.display_levels import frames_stretch, sequence_stretch_job
from core.progress import run_to_end
from core.sequences.thermal import sample_indices


def _frames(count: int = 40) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [rng.integers(90 + i, 160 + 2 * i, size=(12, 16)).astype(np.uint8) for i in range(count)]


def test_the_job_gives_the_stretch_of_the_frames_it_samples_with_a_report_each():
    frames = _frames()
    read = []
    job = sequence_stretch_job(lambda i: read.append(i) or frames[i], len(frames), count=16)
    reports = []
    while True:
        try:
            reports.append(next(job))
        except StopIteration as stop:
            levels = stop.value
            break
    picked = sample_indices(len(frames), 16)
    assert read == picked
    assert levels == frames_stretch(frames[i] for i in picked)
    assert [(r.done, r.total, r.message) for r in reports] == [
        (k + 1, len(picked), f"thermal levels: frame {i + 1}") for k, i in enumerate(picked)]


def test_a_closed_job_reads_no_more_frames():
    frames = _frames()
    read = []
    job = sequence_stretch_job(lambda i: read.append(i) or frames[i], len(frames), count=16)
    next(job)
    job.close()
    assert read == [0]
    assert run_to_end(sequence_stretch_job(frames.__getitem__, len(frames), count=100)) == frames_stretch(frames)
