"""Whether a video file ends before its own container structure says it does (a copy or
download that stopped), read from a few bytes per chunk, no frame decoded."""
from __future__ import annotations

from pathlib import Path


def container_cut_short(path: Path) -> bool:
    """Whether an AVI (RIFF chunks) or MP4 / MOV (top-level boxes) file ends before its own
    chunk sizes say it does: a truncated copy whose header still counts every frame. Reads
    a few bytes per chunk, no frame; False for any other file or a layout it cannot walk."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            position = 0
            while position + 8 <= size:
                handle.seek(position)
                head = handle.read(16)
                if suffix == ".avi":
                    if head[:4] != b"RIFF":
                        return False
                    length = 8 + int.from_bytes(head[4:8], "little")
                    length += length % 2
                else:
                    length = int.from_bytes(head[:4], "big")
                    if length == 1 and len(head) >= 16:
                        length = int.from_bytes(head[8:16], "big")
                    if length < 8:  # 0: the box runs to the end of the file
                        return False
                if position + length > size:
                    return True
                position += length
    except OSError:
        return False
    return False
