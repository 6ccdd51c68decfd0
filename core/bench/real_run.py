"""The job of ``bench accuracy --real``: every contender on the real split, side by side,
plus the one-step diagnostic, scored per sequence and per modality.

**Sequences** (:func:`real_items`): the folders of one part of the split file
(``core.bench.real_split``; the validation part by default) under the data root,
opened by ``core.sequences.open_sequence``. A folder listed as ``visible`` must open
visible-only, ``thermal`` thermal-only, ``rgbt`` as a pair (else ``ConfigError``: a
misdetected layout would silently change what is measured). Only the **first
``max_frames`` frames** of a longer sequence are used (the run must fit in 15 minutes
on 2 cores; the table says which sequences were cut). Absent folders are skipped with a
note.

**Streams.** Single-modality sequences give both streams (``core.sequences``): our
models and the floor get the present stream as both inputs (visible-only: the colour
frame and its luminance as thermal; thermal-only: the thermal frame as both); the
OpenCV peers see the present stream (the colour frame, or the thermal frame in 3
channels). On an RGB-T sequence the peers see the visible stream.

**Run.** Each sequence is opened once; all contenders start from the first valid
ground-truth box and then track frame by frame side by side. Only ``track`` calls are
timed: FPS = tracked frames / seconds in ``track`` (decoding and the one-step probes
excluded). Per frame the confidence (``step.confidence``) is kept.

**One-step diagnostic** (every ``one_step_every``-th frame ``t`` whose ground truth at
``t - 1`` and ``t`` is valid): the tracker is restarted from the ground-truth box of
frame ``t - 1`` and asked for frame ``t``. A branchable state (a dataclass with a
``box`` field, e.g. ``TrackerState`` or the floor's ``CorrelationState``) is the *init*
state of frame ``start`` (template from the first frame) with ``box`` = GT[t-1] via
``dataclasses.replace`` (also ``frame_index`` and a one-corner ``corner_history`` where
those fields exist, so a Kalman fallback starts from that box). Trackers that declare
``branchable = False`` (the OpenCV peers) are re-initialised on frame ``t - 1`` with
GT[t-1]. It separates "cannot locate or size the target at all" from "drifts".

**Scores** (:func:`score_real`): protocol ``lasher`` of ``core.metrics`` (PR at 20 px,
NPR at 0.2, SR = mean success over 21 IoU thresholds; frame 1 = GT; absent-target rows
(NaN in ``groundtruth.txt`` -> ``0,0,0,0``) are counted the toolkit's way), the runaway
share, confidence ROC AUC for IoU >= 0.5 and the one-step medians
(``core.bench.real_metrics``; absent frames left out). Means per modality are the mean
over sequences (PR/NPR/SR, runaway share, with its maximum over sequences too); FPS,
AUC and the one-step medians pool the frames of the modality's sequences.
"""
from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.bench.contenders import FLOOR_KEY, MODEL_FILES, Contender
from core.bench.eval_sets import ground_truth_rows
from core.bench.real_metrics import (
    confidence_auc,
    one_step_errors,
    one_step_summary,
    runaway_share,
    valid_rows,
)
from core.bench.real_split import RealSplit
from core.bench.result_cache import ResultCache, run_key
from core.errors import ConfigError, RGBTError
from core.geometry import as_box
from core.progress import Job, Progress

PROTOCOL = "lasher"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MAX_FRAMES = 300
DEFAULT_ONE_STEP_EVERY = 10
ALL = "all"
_CACHE_ARRAYS = ("boxes", "confidences", "one_step", "seconds", "tracked")


@dataclass(frozen=True)
class RealItem:
    """One run on a real sequence: ``modality`` (``visible`` | ``thermal`` | ``rgbt``),
    ``folder`` relative to the data root, ``name`` (its last component, or the folder when
    names clash; ``name@F`` for a run from frame F > 0), ``path``, ``length`` (frames in
    the sequence), ``num_frames`` (frames used from ``first_frame``), ``layout`` as
    detected, ``first_frame`` (the run starts at the first valid ground-truth box at or
    after it)."""

    modality: str
    folder: str
    name: str
    path: Path
    length: int
    num_frames: int
    layout: str
    first_frame: int = 0

    def open(self):
        from core.sequences import open_sequence

        return open_sequence(self.path, cache_frames=2)


def _opened_modality(info) -> str:
    return "visible" if info.visible_only else "thermal" if info.thermal_only else "rgbt"


def start_frames(length: int, starts: int) -> list[int]:
    """``starts`` evenly spaced first frames of runs on a sequence of ``length`` frames
    (``[0]`` for one; the OTB toolkit's temporal robustness evaluation, TRE, in spirit)."""
    return sorted({int(round(k * length / starts)) for k in range(starts)})


def real_items(split: RealSplit, part: str, data_root: str | Path,
               max_frames: int | None = DEFAULT_MAX_FRAMES, starts: int = 1) -> tuple[list[RealItem], list[str]]:
    """(items, notes) of ``part`` of ``split`` under ``data_root`` (see the module docstring).

    ``starts`` > 1: that many runs per sequence, from evenly spaced first frames
    (:func:`start_frames`), each over at most ``max_frames`` frames; a tracker that
    loses the target early in one run still shows what it does on the rest, so the
    mean depends less on one unlucky jump."""
    from core.sequences import open_sequence

    root = Path(data_root)
    if max_frames is not None and max_frames < 2:
        raise ConfigError("--max-frames must be >= 2 (the first frame initialises the trackers)")
    if starts < 1:
        raise ConfigError("--starts must be >= 1")
    listed = split.sequences(part)
    names = [folder.rstrip("/").rsplit("/", 1)[-1] for _, folder in listed]
    items, notes, cut = [], [], []
    for (modality, folder), name in zip(listed, names, strict=True):
        path = root / folder
        if names.count(name) > 1:
            name = folder
        if not path.is_dir():
            notes.append(f"{folder} skipped: no folder {path}")
            continue
        try:
            sequence = open_sequence(path, cache_frames=1)
        except RGBTError as error:
            raise ConfigError(f"{folder} (in {split.path}) cannot be opened: {error}") from None
        try:
            info = sequence.info
            opened = _opened_modality(info)
            length = len(sequence)
            records = sequence.ground_truth()
        finally:
            sequence.close()
        if opened != modality:
            raise ConfigError(f"{folder} is listed as {modality} in {split.path} but opens as {opened} "
                              f"(layout {info.layout})")
        valid = valid_rows(ground_truth_rows(records, length)) if records else np.zeros(length, bool)
        for first in start_frames(length, starts):
            count = length - first if max_frames is None else min(length - first, int(max_frames))
            label = name if first == 0 else f"{name}@{first}"
            if count < 2 or not valid[first:first + count].any():
                notes.append(f"{label} skipped: no ground-truth box in its {count} frames from frame {first}")
                continue
            if first == 0 and count < length:
                cut.append(f"{name} {length}")
            items.append(RealItem(modality, folder, label, path, length, count, info.layout, first))
    if cut:
        notes.append(f"first {max_frames} frames of each longer sequence (of {', '.join(cut)} frames)")
    if starts > 1:
        notes.append(f"{starts} runs per sequence from evenly spaced first frames (name@frame), "
                     f"each over at most {max_frames or 'all'} frames; means are over runs")
    if part == "train" and split.parts[part].get("rgbt_unlabeled"):
        notes.append(f"{len(split.parts[part]['rgbt_unlabeled'])} unlabeled RGB-T sequences of the train part "
                     "skipped (no boxes)")
    return items, notes


# --- the run ---------------------------------------------------------------------------

@dataclass
class RealRun:
    """One contender on one sequence, rows for frames ``start`` .. ``start + M - 1``:
    boxes (M, 4) float64 (row 0 = the init box), confidences (M,) float64 (row 0 NaN),
    one_step (M, 4) float64 one-step boxes (NaN where not probed), ``seconds`` in
    ``track`` for ``tracked`` frames."""

    boxes: np.ndarray
    confidences: np.ndarray
    one_step: np.ndarray
    seconds: float
    tracked: int
    start: int = 0
    cached: bool = False


@dataclass
class RealBench:
    """Raw results: ``runs[(label, sequence name)]``, ground truth ``(M, 4)`` per sequence
    name (rows from the init frame on), the contenders and items."""

    contenders: list[Contender]
    items: list[RealItem]
    one_step_every: int
    runs: dict[tuple[str, str], RealRun] = field(default_factory=dict)
    ground_truth: dict[str, np.ndarray] = field(default_factory=dict)


def restart_state(state, box, frame_index: int):
    """A copy of a branchable ``state`` moved to ``box`` (x, y, w, h) on frame ``frame_index``
    (``dataclasses.replace`` of ``box``, and of ``frame_index`` / ``corner_history`` where
    the state has them). Everything else (the template) is kept."""
    box = as_box(box)
    names = {f.name for f in dataclasses.fields(state)}
    changes = {"box": box.copy()}
    if "frame_index" in names:
        changes["frame_index"] = int(frame_index)
    if "corner_history" in names:
        changes["corner_history"] = ((int(getattr(state, "step", 0)), float(box[0]), float(box[1])),)
    return dataclasses.replace(state, **changes)


def _branchable(tracker, state) -> bool:
    return (getattr(tracker, "branchable", True) and dataclasses.is_dataclass(state)
            and any(f.name == "box" for f in dataclasses.fields(state)))


def _one_step(tracker, init_state, previous, pair, box) -> np.ndarray:
    if _branchable(tracker, init_state):
        state = restart_state(init_state, box, previous.index)
    else:
        state = tracker.init(previous, box)
    return np.asarray(tracker.track(pair, state).box, dtype=np.float64)


#: the module whose import closure (within ``core``) a contender's cached runs depend on
CODE_ROOTS = {"models": "core.tracking.factory", "floor": "core.tracking.correlation"}
_CODE_HASHES: dict[str, str] | None = None


def _module_file(name: str) -> Path | None:
    base = PROJECT_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def core_sources(module: str) -> list[Path]:
    """Source files of the ``core`` module ``module`` and of every ``core`` module it imports,
    at any depth (imports inside functions included; read with ``ast``, nothing imported)."""
    import ast

    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(2, len(parts))]  # parent packages' __init__
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("core.")]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.startswith("core"):
                todo.append(node.module)
                todo += [f"{node.module}.{a.name}" for a in node.names]  # submodules imported by name
    return sorted(set(seen.values()))


def code_hashes() -> dict[str, str]:
    """``{"models" | "floor": SHA-256}`` over :func:`core_sources` of ``CODE_ROOTS``: a changed
    test loop or network invalidates cached runs of our models, a changed floor (or what it
    imports) those of the floor only. Computed once per process, as early as possible
    (``bench accuracy --real`` calls it before it loads any tracker and hands the values to
    its worker processes), so they name the code that was imported even when files change
    during a run."""
    global _CODE_HASHES
    if _CODE_HASHES is None:
        out = {}
        for key, module in CODE_ROOTS.items():
            digest = hashlib.sha256()
            for path in core_sources(module):
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
            out[key] = digest.hexdigest()
        _CODE_HASHES = out
    return _CODE_HASHES


def real_fingerprint(contender: Contender, one_step_every: int) -> str:
    """The cache fingerprint of ``contender`` in the real benchmark: the synthetic one plus,
    for our models and the floor, the hash of their code (:func:`code_hashes`) and the
    tracker's config."""
    parts = [contender.fingerprint, f"one-step {one_step_every}"]
    if contender.key in MODEL_FILES or contender.key == FLOOR_KEY:
        parts += [code_hashes()["floor" if contender.key == FLOOR_KEY else "models"],
                  repr(getattr(contender.tracker, "config", None))]
    return "|".join(parts)


def track_real_item(item: RealItem, contenders: Sequence[Contender], done: int, total: int, *,
                    one_step_every: int = DEFAULT_ONE_STEP_EVERY, cache: ResultCache | None = None,
                    threads: int | None = None) -> Job[dict]:
    """Run every available contender on ``item``; returns ``{label: RealRun, "__gt__": (M, 4)}``.
    Yields one Progress per frame."""
    sequence = item.open()
    try:
        first_frame = int(item.first_frame)
        n = min(len(sequence), first_frame + item.num_frames)
        gt = ground_truth_rows(sequence.ground_truth(), n)[first_frame:]
        valid = valid_rows(gt)
        offset = int(np.argmax(valid))  # the first valid ground-truth box starts the run
        start = first_frame + offset
        gt, valid = gt[offset:], valid[offset:]
        available = [c for c in contenders if c.available]
        keys = {c.label: run_key(real_fingerprint(c, one_step_every), item.modality, item.folder, gt, threads)
                for c in available}
        runs: dict[str, RealRun] = {}
        if cache is not None:
            for c in available:
                hit = cache.get_arrays(keys[c.label], _CACHE_ARRAYS)
                if hit is not None and hit["boxes"].shape == (len(gt), 4):
                    runs[c.label] = RealRun(hit["boxes"].astype(np.float64), hit["confidences"].astype(np.float64),
                                            hit["one_step"].astype(np.float64), float(hit["seconds"]),
                                            int(hit["tracked"]), start, cached=True)
        active = [c for c in available if c.label not in runs]
        if not active:
            yield Progress(done + item.num_frames, total, f"{item.name} (cached)")
            return {**runs, "__gt__": gt}
        m = len(gt)
        boxes = {c.label: np.full((m, 4), np.nan) for c in active}
        confidences = {c.label: np.full(m, np.nan) for c in active}
        one_step = {c.label: np.full((m, 4), np.nan) for c in active}
        seconds = {c.label: 0.0 for c in active}
        first = sequence[start]
        init_states, states = {}, {}
        for c in active:
            init_states[c.label] = states[c.label] = c.tracker.init(first, gt[0])
            boxes[c.label][0] = gt[0]
        yield Progress(done + start - first_frame + 1, total, f"{item.name} {start + 1}/{n}")
        previous = first
        for index in range(start + 1, n):
            row = index - start
            pair = sequence[index]
            for c in active:
                begin = time.perf_counter()
                step = c.tracker.track(pair, states[c.label])
                seconds[c.label] += time.perf_counter() - begin
                states[c.label] = step.state
                boxes[c.label][row] = step.box
                confidences[c.label][row] = float(step.confidence)
            if one_step_every and row % one_step_every == 0 and valid[row] and valid[row - 1]:
                for c in active:
                    one_step[c.label][row] = _one_step(c.tracker, init_states[c.label], previous, pair, gt[row - 1])
            previous = pair
            yield Progress(done + index - first_frame + 1, total, f"{item.name} {index + 1}/{n}")
    finally:
        sequence.close()
    for c in active:
        run = RealRun(boxes[c.label], confidences[c.label], one_step[c.label], seconds[c.label], m - 1, start)
        runs[c.label] = run
        if cache is not None:
            cache.put_arrays(keys[c.label], boxes=run.boxes, confidences=run.confidences, one_step=run.one_step,
                             seconds=np.float64(run.seconds), tracked=np.int64(run.tracked))
    return {**runs, "__gt__": gt}


def run_real_bench(contenders: Sequence[Contender], items: Sequence[RealItem], *,
                   one_step_every: int = DEFAULT_ONE_STEP_EVERY, cache: ResultCache | None = None,
                   threads: int | None = None, jobs: int = 1, build=None) -> Job[RealBench]:
    """Track every item with every available contender. Progress counts frames (each frame
    = all contenders); cancel with ``job.close()`` between frames.

    ``jobs > 1``: sequences are shared out to ``jobs`` worker processes (longest first),
    each building its own contenders with ``build()`` (a picklable zero-argument callable
    returning contenders with the same labels, e.g. ``functools.partial`` of a module-level
    function) and running them with ``threads`` threads; every contender still sees every
    frame of a sequence in order, and its FPS is measured inside its worker (progress comes
    from the workers every ``PROGRESS_EVERY`` frames).
    """
    if one_step_every < 0:
        raise ConfigError("--one-step-every must be >= 0 (0 = no one-step diagnostic)")
    if jobs < 1:
        raise ConfigError("--jobs must be >= 1")
    bench = RealBench(list(contenders), list(items), one_step_every)
    total = sum(item.num_frames for item in items)
    if jobs > 1 and len(items) > 1:
        if build is None:
            raise ConfigError("parallel runs need a contender builder")
        results = yield from _run_parallel(items, build, jobs, total, one_step_every=one_step_every,
                                           cache=cache, threads=threads)
    else:
        results, done = {}, 0
        for item in items:
            results[item.name] = yield from track_real_item(item, contenders, done, total,
                                                            one_step_every=one_step_every, cache=cache,
                                                            threads=threads)
            done += item.num_frames
    for item in items:
        out = dict(results[item.name])
        bench.ground_truth[item.name] = out.pop("__gt__")
        for label, run in out.items():
            bench.runs[(label, item.name)] = run
    return bench


# --- worker processes (``--jobs``) ----------------------------------------------------------

_WORKER_CONTENDERS: list[Contender] | None = None
_WORKER_PROGRESS = None  # a multiprocessing queue of (sequence name, frames done)
PROGRESS_EVERY = 5  # frames between a worker's progress messages


def _worker_start(build, threads: int | None, progress, hashes: dict[str, str]) -> None:
    """Process initialiser: threads, the progress queue, the parent's tracking-code hash,
    then the contenders (once per worker)."""
    global _WORKER_CONTENDERS, _WORKER_PROGRESS, _CODE_HASHES
    _CODE_HASHES = dict(hashes)
    if threads:
        import cv2
        import torch

        torch.set_num_threads(int(threads))
        cv2.setNumThreads(int(threads))
    _WORKER_PROGRESS = progress
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


def _run_parallel(items: Sequence[RealItem], build, jobs: int, total: int, *, one_step_every: int,
                  cache: ResultCache | None, threads: int | None) -> Job[dict]:
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


# --- scoring ---------------------------------------------------------------------------

def stream_text(contender: Contender, modality: str) -> str:
    """What the contender sees on a sequence of ``modality`` (the table's note column)."""
    if contender.key in MODEL_FILES or contender.key == FLOOR_KEY:
        mode = getattr(getattr(contender.tracker, "config", None), "modalities", "both")
        if contender.key == FLOOR_KEY and mode == "visible":
            return {"visible": "RGB", "thermal": "T", "rgbt": "RGB only"}.get(modality, "-")
        if contender.key == FLOOR_KEY and mode == "thermal":
            return {"visible": "gray of RGB", "thermal": "T", "rgbt": "T only"}.get(modality, "-")
        return {"visible": "RGB + its gray as T", "thermal": "T as both", "rgbt": "RGB + T"}.get(modality, "-")
    return {"visible": "RGB", "thermal": "T (3 channels)", "rgbt": "RGB only"}.get(modality, "-")


def _num(value, digits: int = 4):
    if value is None:
        return None
    value = float(value)
    return None if not np.isfinite(value) else round(value, digits)


def _fps(runs: Sequence[RealRun]) -> float | None:
    seconds = sum(r.seconds for r in runs)
    frames = sum(r.tracked for r in runs)
    return round(frames / seconds, 2) if seconds > 0 and frames > 0 else None


def _pooled(runs: Sequence[RealRun], gts: Sequence[np.ndarray]):
    """Frames 1.. of every run concatenated: (boxes, confidences, one-step boxes, gt)."""
    boxes = np.concatenate([r.boxes[1:] for r in runs]) if runs else np.zeros((0, 4))
    conf = np.concatenate([r.confidences[1:] for r in runs]) if runs else np.zeros(0)
    probe = np.concatenate([r.one_step[1:] for r in runs]) if runs else np.zeros((0, 4))
    gt = np.concatenate([g[1:] for g in gts]) if gts else np.zeros((0, 4))
    return boxes, conf, probe, gt


def _extras(runs: Sequence[RealRun], gts: Sequence[np.ndarray], per_sequence: bool) -> dict:
    boxes, conf, probe, gt = _pooled(runs, gts)
    probed = np.isfinite(probe).all(axis=1)
    steps = one_step_summary(one_step_errors(probe[probed], gt[probed]))
    out = {"auc": _num(confidence_auc(conf, boxes, gt)),
           "auc_frames": int(valid_rows(gt).sum()),
           "one_step": {k: (v if k == "frames" else _num(v)) for k, v in steps.items()},
           "fps": _fps(runs)}
    shares = [runaway_share(r.boxes[1:], g[1:]) for r, g in zip(runs, gts, strict=True)]
    finite = [s[0] for s in shares if np.isfinite(s[0])]
    if per_sequence:
        out.update(runaway=_num(shares[0][0]), runaway_frames=shares[0][1], valid_frames=shares[0][2])
    else:
        out.update(runaway=_num(np.mean(finite)) if finite else None,
                   runaway_max=_num(max(finite)) if finite else None,
                   runaway_frames=int(sum(s[1] for s in shares)), valid_frames=int(sum(s[2] for s in shares)))
    return out


def score_real(bench: RealBench) -> tuple[list[dict], dict[str, list]]:
    """Rows and plot reports from raw runs.

    Rows (dicts, JSON-ready, ``None`` for undefined values): ``kind`` ``sequence``
    (``sequence`` = name, ``folder``, ``modality``, ``frames`` evaluated, ``length`` of the
    sequence, ``start_frame``), ``mean`` (``sequence`` = ``"mean"``, ``modality`` one of
    the modalities or ``"all"``, ``sequences``) or ``missing`` (``reason``). Every scored
    row has ``tracker``, ``key``, ``stream``, ``pr``, ``npr``, ``sr``, ``fps``, ``runaway``,
    ``runaway_frames``, ``valid_frames``, ``auc``, ``auc_frames``, ``one_step`` (``frames``,
    ``centre_px``, ``centre_norm``, ``width_ratio``, ``height_ratio``: medians) and
    ``weights``; mean rows add ``runaway_max`` (the worst sequence).
    Reports: ``{modality or "all": [EvalReport per available contender]}``.
    """
    from core.metrics import evaluate_arrays, get_protocol

    protocol = get_protocol(PROTOCOL)
    groups: dict[str, list[RealItem]] = {}
    for item in bench.items:
        groups.setdefault(item.modality, []).append(item)
    if len(groups) > 1:
        groups[ALL] = list(bench.items)
    rows: list[dict] = []
    reports: dict[str, list] = {}
    for c in (c for c in bench.contenders if c.available):
        for modality, items in groups.items():
            runs = {i.name: bench.runs[(c.label, i.name)] for i in items}
            gts = {i.name: bench.ground_truth[i.name] for i in items}
            report = evaluate_arrays(protocol, {n: r.boxes for n, r in runs.items()},
                                     {n: (g, None) for n, g in gts.items()}, tracker=c.label)
            reports.setdefault(modality, []).append(report)
            base = {"tracker": c.label, "key": c.key, "weights": c.weights, "protocol": PROTOCOL}
            if modality != ALL:
                by_name = {s.name: s for s in report.sequences}
                for i in items:
                    s = by_name[i.name]
                    rows.append({**base, "kind": "sequence", "modality": modality, "sequence": i.name,
                                 "folder": i.folder, "stream": stream_text(c, modality),
                                 "frames": int(s.frames), "length": i.length, "start_frame": runs[i.name].start,
                                 "cached": runs[i.name].cached,
                                 **{k.lower(): _num(s.scores.get(k)) for k in ("PR", "NPR", "SR")},
                                 **_extras([runs[i.name]], [gts[i.name]], per_sequence=True)})
            stream = stream_text(c, modality) if modality != ALL else "-"
            rows.append({**base, "kind": "mean", "modality": modality, "sequence": "mean", "stream": stream,
                         "sequences": len(items), "frames": int(sum(len(g) for g in gts.values())),
                         **{k.lower(): _num(report.scores.get(k)) for k in ("PR", "NPR", "SR")},
                         **_extras([runs[n] for n in gts], list(gts.values()), per_sequence=False)})
    for c in bench.contenders:
        if not c.available:
            rows.append({"tracker": c.label, "key": c.key, "kind": "missing", "modality": "-", "sequence": "-",
                         "reason": c.reason, "weights": c.weights})
    return rows, reports
