"""Decode frames off the GUI thread, latest request wins.

The views ask for frame ``i`` (``request(i)``); a single background thread reads
``sequence[i]`` and hands the ``FramePair`` back through ``ready(request_id, pair)``.
While the user scrubs, intermediate requests are skipped (only the newest pending one
is decoded) and replies to superseded requests are dropped on the GUI thread.
``synchronous=True`` decodes on the calling thread (tests, screenshots).
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot


class FrameFetcher(QObject):
    """ready(int frame, object FramePair); failed(int frame, object exception)."""

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
        self._stop = False
        self._thread: threading.Thread | None = None
        self._deliver.connect(self._on_deliver)

    def set_sequence(self, sequence) -> None:
        """Switch to ``sequence`` (an ``RGBTSequence`` or None); pending requests are dropped."""
        with self._lock:
            self._sequence = sequence
            self._request_id += 1
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
        if request_id != self._request_id:
            return  # superseded while decoding
        if error is not None:
            self.failed.emit(frame, error)
        else:
            self.ready.emit(frame, pair)
