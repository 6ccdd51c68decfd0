"""Counts in the words of messages: "1 frame", "3 frames", "1 box", "2 boxes"."""
from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural (``many``, default ``word`` + "s") unless it is 1."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
