"""Worker processes of ``bench accuracy --real --jobs N``: sequences shared out to
spawned processes (no forked torch / OpenCV state), each with its own contenders."""
from __future__ import annotations

from collections.abc import Sequence

from core.bench.code_hashes import code_hashes, use_code_hashes
from core.bench.contenders import Contender
from core.bench.real_items import RealItem
from core.bench.real_track import track_real_item
from core.bench.result_cache import ResultCache
from core.progress import Job, Progress
from core.worker_processes import exit_with_parent

_WORKER_CONTENDERS: list[Contender] | None = None
_WORKER_PROGRESS = None  # a multiprocessing queue of (sequence name, frames done)
PROGRESS_EVERY = 5  # frames between a worker's progress messages


def _worker_start(build, threads: int | None, progress, hashes: dict[str, str]) -> None:
    """Process initialiser: the worker ends with its parent (``exit_with_parent``), threads, the
    progress queue, the parent's tracking-code hash, then the contenders (once per worker)."""
    global _WORKER_CONTENDERS, _WORKER_PROGRESS
    exit_with_parent()  # a killed bench left its workers waiting, models loaded, for good
    use_code_hashes(hashes)
    if threads:
        import cv2
        import torch

        torch.set_num_threads(int(threads))
        cv2.setNumThreads(int(threads))
    _WORKER_PROGRESS = progress
    if progress is not None:
        progress.cancel_join_thread()  # progress left unread never holds up the worker's exit
    _WORKER_CONTENDERS = list(build())


def _worker_track(item: RealItem, one_step_every: int, cache_dir: str | None, threads: int | None) -> dict:
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    assert _WORKER_CONTENDERS is not None, "worker not initialised"
    job = track_real_item(item, _WORKER_CONTENDERS, 0, item.num_frames, one_step_every=one_step_every,
                          cache=cache, threads=threads)
    while True:
        try:
            report = next(job)
        except StopIteration as stop:
            return stop.value
        if _WORKER_PROGRESS is not None and (report.done % PROGRESS_EVERY == 0 or report.done >= item.num_frames):
            _WORKER_PROGRESS.put((item.name, report.done))


def run_parallel(items: Sequence[RealItem], build, jobs: int, total: int, *, one_step_every: int,
                 cache: ResultCache | None, threads: int | None) -> Job[dict]:
    """``{item name: track_real_item's result}`` for every item, run in ``jobs`` spawned
    worker processes (longest sequences first), each building its contenders once with
    ``build()``. Progress comes from the workers every ``PROGRESS_EVERY`` frames."""
    import multiprocessing
    import queue
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")  # no forked torch / OpenCV state
    progress = context.Queue()
    cache_dir = str(cache.folder) if cache is not None else None
    results: dict[str, dict] = {}
    done: dict[str, int] = {}
    yield Progress(0, total, f"starting {jobs} worker processes")
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start,
                                   initargs=(build, threads, progress, code_hashes()))
    try:
        order = sorted(items, key=lambda i: -i.num_frames)  # longest first: balanced workers
        pending = {executor.submit(_worker_track, item, one_step_every, cache_dir, threads): item for item in order}
        while pending:
            finished, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                results[item.name] = future.result()
                done[item.name] = item.num_frames
            latest = ""
            while True:
                try:
                    name, count = progress.get_nowait()
                except queue.Empty:
                    break
                if name not in results:
                    done[name] = max(done.get(name, 0), int(count))
                    latest = f"{name} {count}"
            yield Progress(sum(done.values()), total, latest or f"{len(results)}/{len(items)} sequences done")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        progress.close()
    return results
