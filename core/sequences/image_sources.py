"""Frame sources of still images: an image folder (:class:`FolderSource`, one file per frame)
and a multi-page TIFF (:class:`PagesSource`, one page per frame), each frame decoded as stored
(``core.sequences.frame_source``)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from core.errors import SequenceError
from core.sequences.frame_source import ASSUMED_FPS, FrameSource
from core.sequences.image_files import IMAGE_EXTENSIONS, list_images, numbered_twice, only_image
from core.wording import plural

#: JPEG frames carry no alpha; a phone or camera stores them sideways with an EXIF orientation tag
JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg"})


def _decode_flags(file: Path) -> int:
    """``cv2.imdecode`` flags for an image frame: as stored (``IMREAD_UNCHANGED``: any dtype, grey,
    BGR or BGRA), but a JPEG turned upright by its EXIF orientation tag, which ``IMREAD_UNCHANGED``
    ignores (a phone's folder of 320x240 shots opened sideways, 240x320); ``IMREAD_ANYDEPTH |
    IMREAD_ANYCOLOR`` keeps its depth and grey / colour as stored."""
    if file.suffix.lower() in JPEG_EXTENSIONS:
        return cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR
    return cv2.IMREAD_UNCHANGED


def turned_by_exif(folder: str | Path) -> tuple[int, int] | None:
    """``(width, height)`` as stored of the first frame of image folder ``folder`` when it is a JPEG whose
    EXIF orientation tag turns it a quarter (a phone's shot stored sideways): the size the studio showed
    its frames at before 2026-12-07 (``IMREAD_UNCHANGED`` ignored the tag), the upright size transposed;
    None for any other folder or frame, or one that cannot be read."""
    try:
        images = list_images(Path(folder))
        first = images[0] if images else None
        if first is None or first.suffix.lower() not in JPEG_EXTENSIONS:
            return None
        data = np.fromfile(str(first), np.uint8)
        stored = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
        upright = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    except (OSError, ValueError, cv2.error, SequenceError):
        return None
    if stored is None or upright is None or stored.shape == upright.shape:
        return None
    return int(stored.shape[1]), int(stored.shape[0])


class FolderSource(FrameSource):
    """An image folder, natural sort (inconsistent zero padding is handled). Its frame rate is
    :data:`ASSUMED_FPS` (``fps_known`` False) until one is set (``source.fps = 25``: a rate the
    sequence folder declares, ``core.sequences.declared``)."""

    def __init__(self, folder: str | Path):
        self._fps = ASSUMED_FPS
        self.fps_known = False
        self.path = Path(folder)
        if not self.path.exists():
            raise SequenceError(self.path, "folder does not exist")
        if not self.path.is_dir():
            raise SequenceError(self.path, "is not a folder")
        self.files = list_images(self.path)
        if not self.files:
            raise SequenceError(self.path, "folder holds no images (expected "
                                + ", ".join(sorted(IMAGE_EXTENSIONS)) + ")")
        if len(self.files) == 1 and (pages := tiff_pages(self.files[0])) > 1:  # read as one frame: its first page
            raise SequenceError(self.path, f"holds one multi-page TIFF of {pages} pages ({self.files[0].name}), a "
                                           "stream of frames of its own, not a folder of frames: give the file")
        self.note: str | None = None
        twice = numbered_twice(self.files)
        if twice:  # a converted copy left beside the frames: silently one frame more per copy
            names = "; ".join(" and ".join(p.name for p in group) for group in twice[:3])
            extra = sum(len(group) - 1 for group in twice)
            self.note = (f"{self.path.name}: {plural(len(twice), 'frame number')} with more than one file "
                         f"({names}{'; ...' if len(twice) > 3 else ''}): each file is read as a frame, so "
                         f"{'the frames after it are' if extra == 1 else 'later frames are up to'} "
                         f"{plural(extra, 'frame')} further on than their numbers (remove the copies)")

    @property
    def fps(self) -> float:
        return self._fps

    @fps.setter
    def fps(self, value: float) -> None:
        self._fps = float(value)
        self.fps_known = True

    def __len__(self) -> int:
        return len(self.files)

    def read(self, index: int) -> np.ndarray:
        file = self.files[index]
        try:
            data = np.fromfile(file, dtype=np.uint8)
        except OSError as error:
            raise SequenceError(file, f"cannot read image (frame {index + 1}): {error}") from error
        image = cv2.imdecode(data, _decode_flags(file)) if data.size else None
        if image is None:
            raise SequenceError(file, f"cannot decode image (frame {index + 1}): empty, corrupt or not an image")
        return image


TIFF_EXTENSIONS = frozenset({".tif", ".tiff"})


def tiff_pages(path: Path) -> int:
    """How many pages the TIFF file ``path`` holds (0 for another file or one that cannot be read)."""
    from core.fileio import not_utf8

    if path.suffix.lower() not in TIFF_EXTENSIONS or not path.is_file() or not_utf8(path):
        return 0
    try:
        return int(cv2.imcount(str(path), cv2.IMREAD_UNCHANGED))
    except cv2.error:
        return 0


def pages_file(folder: Path) -> Path | None:
    """The multi-page TIFF that is the only image of ``folder`` (a thermal camera's recording
    exported as one file, put in a folder of its own): a stream of frames, as the file is; None
    otherwise."""
    image = only_image(folder)
    return image if image is not None and tiff_pages(image) > 1 else None


#: the most pages, and bytes of pages, a multi-page TIFF read in order decodes at once (:class:`PagesSource`)
READ_AHEAD_PAGES = 256
READ_AHEAD_BYTES = 32 * 1024 * 1024


class PagesSource(FrameSource):
    """A multi-page TIFF, one frame per page (a thermal camera's recording exported as one file,
    often 16-bit). OpenCV reaches page k by walking the pages before it (350 ms for page 3,000 of
    320x240), so a page asked for after the one before it comes with the next few
    (:data:`READ_AHEAD_PAGES`, at most :data:`READ_AHEAD_BYTES`) in that one walk, kept until asked
    for; a page asked for out of order is decoded alone."""

    fps_known = False  # TIFF pages carry no frame rate: ASSUMED_FPS

    def __init__(self, file: str | Path):
        self.path = Path(file)
        self._count = tiff_pages(self.path)
        if self._count <= 0:
            raise SequenceError(self.path, "cannot be read as a TIFF")
        self._next = -1  # the page after the one read last
        self._ahead: tuple[int, list[np.ndarray]] = (0, [])  # (first page, the pages read with it)

    def __len__(self) -> int:
        return self._count

    def read(self, index: int) -> np.ndarray:
        first, ahead = self._ahead
        if not first <= index < first + len(ahead):
            count = self._read_ahead_count() if index == self._next else 1
            ahead = self._pages(index, min(count, self._count - index)) if count > 1 else []
            ahead = ahead or self._pages(index, 1)  # read alone: a page that does not decode is named
            if not ahead:
                raise SequenceError(self.path, f"cannot decode page {index + 1} of {self._count} (frame {index + 1})")
            first = index
            self._ahead = (first, ahead if len(ahead) > 1 else [])
        self._next = index + 1
        return ahead[index - first].copy()

    def _read_ahead_count(self) -> int:
        """How many pages to decode with the next one: :data:`READ_AHEAD_PAGES`, fewer for large pages."""
        first, ahead = self._ahead
        size = ahead[0].nbytes if ahead else 0
        return max(1, min(READ_AHEAD_PAGES, READ_AHEAD_BYTES // size)) if size else READ_AHEAD_PAGES

    def _pages(self, start: int, count: int) -> list[np.ndarray]:
        """Pages ``start`` .. ``start + count - 1`` as stored; [] when they cannot all be decoded."""
        try:
            ok, pages = cv2.imreadmulti(str(self.path), start=start, count=count, flags=cv2.IMREAD_UNCHANGED)
        except cv2.error:
            return []
        return list(pages) if ok and len(pages) == count else []

    def close(self) -> None:
        self._ahead = (0, [])
        self._next = -1
