"""Test helpers reading the EBML elements of a Matroska / WebM file as OpenCV writes it (known
sizes), to find or damage its blocks: the element id and size variable-length integers, and
the elements between two byte offsets."""
from __future__ import annotations


def vint(data: bytes, position: int, marker: bool) -> tuple[int, int]:
    """(value, length in bytes) of the variable-length integer at ``position``; with ``marker``
    the length marker bit is kept (an element id), without it cleared (an element size)."""
    length = 9 - data[position].bit_length()
    value = int.from_bytes(data[position:position + length], "big")
    return (value if marker else value & ((1 << (7 * length)) - 1)), length


def elements(data: bytes, start: int, end: int):
    """Yields (id, payload start, payload size) of each element from ``start`` up to ``end``."""
    position = start
    while position < end:
        ident, a = vint(data, position, True)
        size, b = vint(data, position + a, False)
        yield ident, position + a + b, size
        position += a + b + size
