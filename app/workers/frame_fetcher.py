"""Decode frames off the GUI thread, latest request wins.

The views ask for frame ``i`` (``request(i)``); a single background thread reads
``sequence[i]`` and hands the ``FramePair`` back through ``ready(frame, pair)``.
While the user scrubs, intermediate requests are skipped (only the newest pending one
is decoded). A reply to a request superseded while it was decoded is handed on as a
preview (``ready`` with a frame other than the newest asked for), at most one every
``preview_interval_s``, so the picture follows a fast drag instead of standing still until
the drag stops (1080p, a request every 10 ms: 0 frames shown in 2 s); the newest
request's reply always comes. ``synchronous=True`` decodes on the calling thread (tests,
screenshots).
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot


class FrameFetcher(QObject):
    """ready(int frame, object FramePair): the newest request's frame, or a preview of an
    older one while a newer is pending (the receiver tells them apart by the frame it asked
    for last); failed(int frame, object exception): the newest request's frame only."""

    preview_interval_s = 0.05  # at most ~20 previews a second while scrubbing

    ready = Signal(int, object)
    failed = Signal(int, object)
    _deliver = Signal(int, int, object, object)  # request id, frame, pair, error

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.synchronous = synchronous
        self._sequence = None
        self._lock = threading.Condition()
        self._pending: tuple[int, int] | None = None  # (request id, frame)
        self._request_id = 0
        self._first_of_sequence = 1  # request ids below it asked the sequence before (no preview)
        self._last_shown = float("-inf")  # time.monotonic() of the last ready
        self._stop = False
        self._thread: threading.Thread | None = None
        self._deliver.connect(self._on_deliver)

    def set_sequence(self, sequence) -> None:
        """Switch to ``sequence`` (an ``RGBTSequence`` or None); pending requests are dropped."""
        with self._lock:
            self._sequence = sequence
            self._request_id += 1
            self._first_of_sequence = self._request_id + 1
            self._pending = None

    def request(self, frame: int) -> None:
        """Ask for ``frame``; only the newest request is answered."""
        with self._lock:
            self._request_id += 1
            request = (self._request_id, int(frame))
            if self.synchronous:
                sequence = self._sequence
            else:
                self._pending = request
                self._ensure_thread()
                self._lock.notify()
                return
        self._fetch(sequence, *request, self._on_deliver)

    def shutdown(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- worker thread ----------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop = False
            self._thread = threading.Thread(target=self._loop, name="frame-fetcher", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._stop:
                    self._lock.wait()
                if self._stop:
                    return
                request_id, frame = self._pending
                self._pending = None
                sequence = self._sequence
            self._fetch(sequence, request_id, frame, self._deliver.emit)

    @staticmethod
    def _fetch(sequence, request_id: int, frame: int, deliver) -> None:
        if sequence is None:
            return
        try:
            pair = sequence[frame]
        except Exception as error:  # shown in the status bar / a dialog by the window
            deliver(request_id, frame, None, error)
            return
        deliver(request_id, frame, pair, None)

    # -- GUI thread ---------------------------------------------------------------------
    @Slot(int, int, object, object)
    def _on_deliver(self, request_id: int, frame: int, pair, error) -> None:
        now = time.monotonic()
        if request_id != self._request_id:  # superseded while decoding: a preview, now and then
            if (error is None and request_id >= self._first_of_sequence
                    and now - self._last_shown >= self.preview_interval_s):
                self._last_shown = now
                self.ready.emit(frame, pair)
            return
        if error is not None:
            self.failed.emit(frame, error)
        else:
            self._last_shown = now
            self.ready.emit(frame, pair)
