"""Which frame source opens a path (:func:`open_source`): a folder of images, a multi-page TIFF
or a video file (``core.sequences.frame_source`` for the interface), and the suffixes taken as video.
"""
from __future__ import annotations

from pathlib import Path

from core.errors import SequenceError
from core.sequences.frame_source import FrameSource
from core.sequences.image_sources import FolderSource, PagesSource, pages_file, tiff_pages
from core.sequences.video_source import VideoSource

VIDEO_EXTENSIONS = frozenset({".mp4", ".avi", ".mkv", ".mov", ".m4v", ".mpg", ".mpeg", ".wmv", ".webm", ".ts"})


def open_source(path: str | Path) -> FrameSource:
    """A folder -> :class:`FolderSource` (:class:`PagesSource` when its only image is a multi-page
    TIFF: ``pages_file``); a multi-page TIFF -> :class:`PagesSource`; another file -> :class:`VideoSource`."""
    path = Path(path)
    if not path.exists():
        raise SequenceError(path, "does not exist")
    if path.is_dir():
        pages = pages_file(path)
        return PagesSource(pages) if pages is not None else FolderSource(path)
    if tiff_pages(path) > 1:
        return PagesSource(path)
    return VideoSource(path)
