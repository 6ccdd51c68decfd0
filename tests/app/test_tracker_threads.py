"""The studio's tracker threads follow the cores the studio may use, not the machine's count."""
from __future__ import annotations

import os

import pytest


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity masks on this OS")
def test_a_studio_pinned_to_two_cores_runs_its_tracker_on_one_thread(monkeypatch):
    """Pinned to 2 of a 64-core machine's cores (taskset, docker --cpuset-cpus, a batch slot), the
    studio gave its tracker 63 threads (os.cpu_count() - 1), which then fought each other and the
    GUI for the 2 cores; it now gives it all the usable cores but one."""
    from app.track_process import default_threads

    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {4, 5})
    assert default_threads() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(8)))
    assert default_threads() == 7


def test_without_affinity_masks_the_machine_count_is_used(monkeypatch):
    from app.track_process import default_threads

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert default_threads() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_threads() == 1
