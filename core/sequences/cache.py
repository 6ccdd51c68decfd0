"""A small thread-safe LRU cache of decoded frames, and frame-index checking.

Every ``RGBTSequence`` keeps at most ``capacity`` decoded frame pairs, so memory stays
flat on long footage whatever the access pattern.
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
    """LRU cache ``index -> value`` holding at most ``capacity`` values (0 = no caching)."""

    def __init__(self, capacity: int):
        self.capacity = max(0, int(capacity))
        self._items: OrderedDict[int, T] = OrderedDict()
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
        self._items[index] = value
        self._items.move_to_end(index)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def indices(self) -> list[int]:
        """Cached indices, oldest first."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)
