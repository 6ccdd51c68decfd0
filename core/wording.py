"""Counts in the words of messages: "1 frame", "3 frames", "1 box", "2 boxes"; and the verb
that agrees with a count: "1 frame has", "3 frames have"."""
from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural (``many``, default ``word`` + "s") unless it is 1."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def verb(count: int, one: str, many: str) -> str:
    """The verb that agrees with ``count`` things: ``one`` (its singular form, "has", "is",
    "touches") when ``count`` is 1, else ``many`` ("have", "are", "touch"); the same rule as
    :func:`plural`, so ``f"{plural(n, 'frame')} {verb(n, 'has', 'have')} no box"`` reads
    "1 frame has no box", "0 frames have no box", "3 frames have no box"."""
    return one if count == 1 else many
