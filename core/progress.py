"""Progress reports yielded by long jobs.

Convention (house style): a long job is a generator that yields :class:`Progress` objects
and *returns* its result (``StopIteration.value``). The consumer cancels by calling
``generator.close()`` (raises ``GeneratorExit`` at the yield point, so ``finally`` blocks run
and partial files are removed). ``app/`` runs such generators in worker threads;
the CLI runs them with :func:`run_with_bar`.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """One progress report.

    done: units finished so far; total: units in all (None when unknown);
    message: short human text; payload: optional partial result (e.g. the box of the
    frame just tracked) for live display.
    """

    done: int
    total: int | None = None
    message: str = ""
    payload: Any = None

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


Job = Generator[Progress, None, T]


def run_to_end(job: Job[T]) -> T:
    """Run a job generator without showing progress and return its result."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value


def relay(job: Job[T], report_of: Callable[[Progress], Progress]) -> Job[T]:
    """``job`` run inside a larger job: each of its reports passed on through ``report_of`` (onto
    the larger job's scale or wording), its result returned; closing the relay closes ``job``."""
    try:
        while True:
            try:
                report = next(job)
            except StopIteration as stop:
                return stop.value
            yield report_of(report)
    finally:
        job.close()


PLAIN_INTERVAL_S = 10.0  # without a terminal: one progress line at most this often ...
PLAIN_COARSE_TOTAL = 50  # ... except for coarse jobs (at most this many units): every report


def _plain_line(description: str, report: Progress) -> str:
    total = "" if report.total is None else f"/{report.total}"
    message = f" {report.message}" if report.message else ""
    return f"{description or 'progress'}: {report.done}{total}{message}"


def run_with_bar(job: Job[T], description: str = "", *, disable: bool | None = None) -> T:
    """Run a job generator with a tqdm bar on stderr; Ctrl+C closes the job cleanly.

    When stderr is not a terminal (a log, a pipe) the bar is replaced by plain lines
    ("description: done/total message"): the first report, then one every
    ``PLAIN_INTERVAL_S`` seconds (every report for jobs of at most ``PLAIN_COARSE_TOTAL``
    units), so a long run is never silent. ``disable=True`` shows nothing."""
    import time

    from tqdm import tqdm

    plain = disable is None and not sys.stderr.isatty()
    if disable is None:
        disable = plain
    bar = tqdm(desc=description, total=None, disable=disable, dynamic_ncols=True, leave=True)
    last_line = None
    try:
        while True:
            try:
                report = next(job)
            except StopIteration as stop:
                return stop.value
            if plain:
                now = time.monotonic()
                coarse = report.total is not None and report.total <= PLAIN_COARSE_TOTAL
                if last_line is None or coarse or now - last_line >= PLAIN_INTERVAL_S:
                    print(_plain_line(description, report), file=sys.stderr, flush=True)
                    last_line = now
                continue
            if report.total is not None and bar.total != report.total:
                bar.total = report.total
            bar.n = report.done
            if report.message:
                bar.set_postfix_str(report.message, refresh=False)
            bar.refresh()
    except KeyboardInterrupt:
        job.close()
        raise
    finally:
        bar.close()


def nothing_written_line(command: str, outputs: list, existed: list[bool], how_far: str = "") -> str:
    """The line a command that writes its ``outputs`` once, at the end, says before 'cancelled'
    when Ctrl+C or SIGTERM stopped it: ``'<command>: stopped<how_far>; nothing was written (OUT
    is written when the run ends)'``, or ``'(OUT is as it was)'`` for an output that existed
    before the run (``existed``, one flag an output: replaced only at the end, with --force)."""
    kept = [str(path) for path, was in zip(outputs, existed, strict=True) if was]
    if kept:
        where = f"{' and '.join(kept)} {'are as they were' if len(kept) > 1 else 'is as it was'}"
    else:
        names = [str(path) for path in outputs]
        where = f"{' and '.join(names)} {'are' if len(names) > 1 else 'is'} written when the run ends"
    return f"{command}: stopped{how_far}; nothing was written ({where})"
