"""A small thread-safe LRU cache of decoded frames, and frame-index checking.

Every ``RGBTSequence`` keeps at most ``capacity`` decoded frame pairs, and at most
``max_bytes`` of them (the newest is always kept), so memory stays flat on long footage
whatever the access pattern, and small on large frames: 16 pairs of 4K frames are about 530 MB.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def check_index(index: int, num_frames: int) -> int:
    """``index`` as a 0-based frame index (negative counts from the end); IndexError outside."""
    index = int(index)
    if index < 0:
        index += num_frames
    if not 0 <= index < num_frames:
        raise IndexError(f"frame {index} out of range for {num_frames} frames")
    return index


class FrameCache(Generic[T]):
    """LRU cache ``index -> value`` holding at most ``capacity`` values (0 = no caching) and, with
    ``max_bytes``, values of at most that many bytes together as ``size_of`` counts them (the
    newest value is kept whatever its size)."""

    def __init__(self, capacity: int, max_bytes: int | None = None, size_of: Callable[[T], int] | None = None):
        self.capacity = max(0, int(capacity))
        self.max_bytes = max_bytes
        self._size_of = size_of if size_of is not None else (lambda _value: 0)
        self._items: OrderedDict[int, T] = OrderedDict()
        self._sizes: dict[int, int] = {}
        self._bytes = 0
        self._lock = threading.RLock()

    def get_or_make(self, index: int, make: Callable[[int], T], *, lock_while_making: bool = True) -> T:
        """The cached value of ``index``, or ``make(index)`` stored as the newest entry.

        ``lock_while_making``: hold the cache lock during ``make`` (for sources that are not
        thread-safe, e.g. one video decoder); False lets several threads render at once.
        """
        with self._lock:
            value = self._items.get(index)
            if value is not None:
                self._items.move_to_end(index)
                return value
            if lock_while_making:
                value = make(index)
                self._store(index, value)
                return value
        value = make(index)
        with self._lock:
            self._store(index, value)
        return value

    def _store(self, index: int, value: T) -> None:
        if not self.capacity:
            return
        if index in self._items:  # made twice by two threads: the newer value replaces it
            self._bytes -= self._sizes.pop(index)
        self._items[index] = value
        self._items.move_to_end(index)
        self._sizes[index] = size = int(self._size_of(value))
        self._bytes += size
        while len(self._items) > self.capacity or (
                self.max_bytes is not None and self._bytes > self.max_bytes and len(self._items) > 1):
            oldest, _ = self._items.popitem(last=False)
            self._bytes -= self._sizes.pop(oldest)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self._bytes = 0

    @property
    def bytes(self) -> int:
        """The bytes the cached values hold, as ``size_of`` counts them."""
        return self._bytes

    def indices(self) -> list[int]:
        """Cached indices, oldest first."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)
