"""Real footage for training: the split file, ground truth, and fast frame access.

Layouts read here (``../shared/data/real``, see its README):

- visible image folder: ``<seq>/00000001.jpg ...`` + ``groundtruth.txt``;
- thermal video: ``<seq>/thermal.avi`` (640x512, grey stored in 3 channels) + ``groundtruth.txt``;
- registered RGB-T video pair without boxes: ``<seq>/visible.mp4`` + ``<seq>/infrared.mp4``;
- registered RGB-T folder pair without boxes (TNO): ``<seq>/visual/`` or ``visible/`` +
  ``<seq>/thermal/`` or ``infrared/`` image folders.

``groundtruth.txt``: one ``x,y,w,h`` row per frame (top-left, pixels), ``NaN,NaN,NaN,NaN``
where the target is absent (read with ``core.annotations.formats.text.read_boxes``).

:func:`core.real_split.load_split` reads ``configs/real_split.json`` (the one reader the
benchmark uses too); training takes **only its ``train`` part**
(:meth:`~core.real_split.RealSplit.train_folders`, which refuses a labelled view, the
project's boxes for a window of a folder, with a ConfigError: training reads a folder's
own ``groundtruth.txt`` over all its frames). Relative paths (split file, data root)
resolve against the working directory when they exist there, else against the project
root (:func:`core.real_split.resolve_path`).

Frames: videos are decoded **once** into an uncompressed ``.npy`` file under
``<cache_dir>/training-frames/`` (default ``~/.cache/rgbt-studio``, outside git; keyed by
the video's path, size and modification time; written atomically) and read back as a
read-only memory map, so a frame costs a page-cache copy, no decode, and the process'
memory stays bounded by the OS page cache. Visible image folders are decoded once the same
way (``decode_cache``, default on; off: decoded on each read). Frame pairs go through a
byte-bounded LRU (:class:`FrameLRU`), so a template and a search on the same frame decode
(or convert) it once. Disk use of the whole train part: about 5 GB.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

import cv2
import numpy as np

from core.errors import AnnotationFormatError, SequenceError
from core.fileio import atomic_path, not_utf8
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.cache import check_index
from core.sequences.image_files import list_images

DEFAULT_CACHE_DIR = "~/.cache/rgbt-studio"
CACHE_VERSION = "v1"
TRAIN_GROUPS = ("visible", "thermal", "rgbt_unlabeled")


# -- ground truth --------------------------------------------------------------------------
def read_groundtruth(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``groundtruth.txt`` -> (boxes (N, 4) float64 x, y, w, h with NaN rows, usable (N,) bool:
    finite with w, h > 0). AnnotationFormatError naming the file and line when malformed."""
    from core.annotations.formats.text import read_boxes
    from core.training.sources import usable_frames

    boxes = read_boxes(path)
    if boxes.shape[0] == 0:
        raise AnnotationFormatError(Path(path), "no box rows")
    usable = usable_frames(boxes)
    boxes = boxes.copy()
    boxes[~usable] = np.nan
    return boxes, usable


# -- frame cache ---------------------------------------------------------------------------
class FrameLRU:
    """Thread-safe LRU ``key -> FramePair`` bounded by bytes (``capacity_mb``; 0 = off)."""

    def __init__(self, capacity_mb: float = 256.0):
        self.capacity = int(max(0.0, float(capacity_mb)) * 2**20)
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, tuple[FramePair, int]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _bytes(pair: FramePair) -> int:
        return int(pair.visible.nbytes + pair.thermal.nbytes)

    def get_or_make(self, key: Hashable, make: Callable[[], FramePair]) -> FramePair:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return item[0]
            self.misses += 1
        pair = make()
        size = self._bytes(pair)
        if self.capacity and size <= self.capacity:
            with self._lock:
                if key not in self._items:
                    self._items[key] = (pair, size)
                    self.size += size
                while self.size > self.capacity:
                    _, (_, old) = self._items.popitem(last=False)
                    self.size -= old
        return pair


def read_image(path: Path, *, grey: bool = False) -> np.ndarray:
    """An image file as (H, W, 3) uint8 RGB (or (H, W) uint8 with ``grey``); SequenceError
    naming the file when it cannot be decoded."""
    data = np.fromfile(path, dtype=np.uint8) if path.is_file() else np.zeros(0, np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise SequenceError(path, "cannot read or decode the image")
    return image if grey else cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _cache_file(files: list[Path], cache_dir: Path, kind: str, label: str) -> Path:
    """The cache file of ``files`` decoded as ``kind``: keyed by their paths, sizes and
    modification times, so a changed input gets a new file."""
    digest = hashlib.sha1(f"{kind}|{CACHE_VERSION}".encode())
    for file in files:
        stat = file.stat()
        # the path as the file system's bytes: a name with a byte that is not valid UTF-8 (a
        # Latin-1 folder name) holds a surrogate, which str.encode refuses
        digest.update(b"|" + os.fsencode(file.resolve()) + f"|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache_dir / "training-frames" / f"{label}-{kind}-{digest.hexdigest()[:16]}.npy"


def _load_cached(target: Path) -> np.ndarray | None:
    if target.is_file():
        try:
            return np.load(target, mmap_mode="r")
        except (OSError, ValueError):
            target.unlink(missing_ok=True)  # a damaged cache file: decode again
    return None


def decoded_images(files: list[Path], cache_dir: str | Path = DEFAULT_CACHE_DIR, *, grey: bool = False,
                   label: str = "images") -> np.ndarray:
    """Image files of one sequence (one frame size) as a read-only memory map (N, H, W, 3)
    uint8 RGB (or (N, H, W) grey), decoded once into the frame cache (see
    :func:`decoded_video`). SequenceError naming the file that cannot be decoded or whose
    size differs from the first frame's."""
    if not files:
        raise SequenceError(None, "no image files to decode")
    target = _cache_file(files, resolve_cache_dir(cache_dir), "grey" if grey else "rgb", label)
    cached = _load_cached(target)
    if cached is not None:
        return cached
    first = read_image(files[0], grey=grey)
    with atomic_path(target, suffix=".npy") as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(len(files),) + first.shape)
        for i, file in enumerate(files):
            image = first if i == 0 else read_image(file, grey=grey)
            if image.shape != first.shape:
                raise SequenceError(file, f"frame is {image.shape[1]}x{image.shape[0]}, "
                                          f"the sequence's first frame {first.shape[1]}x{first.shape[0]}")
            out[i] = image
        out.flush()
        del out
    return np.load(target, mmap_mode="r")


def decoded_video(video: str | Path, cache_dir: str | Path = DEFAULT_CACHE_DIR, *, grey: bool) -> np.ndarray:
    """Every frame of ``video`` as a read-only memory map: (N, H, W) uint8 grey (``grey``:
    OpenCV's BGR->grey of the stored frame) or (N, H, W, 3) uint8 RGB.

    Decoded once into ``<cache_dir>/training-frames/*.npy`` (see the module docstring);
    later calls (and later runs) only map the file. SequenceError naming the video when it
    cannot be opened or holds no frame.
    """
    video = Path(video)
    if not video.is_file():
        raise SequenceError(video, "video file not found")
    target = _cache_file([video], resolve_cache_dir(cache_dir), "grey" if grey else "rgb",
                         f"{video.parent.name}-{video.stem}")
    cached = _load_cached(target)
    if cached is not None:
        return cached
    if not_utf8(video.absolute()):  # cv2.VideoCapture ends the process (segmentation fault) on it
        raise SequenceError(video, "the path is not valid UTF-8 text (a byte such as \\xff in a folder or file "
                                   "name), which OpenCV cannot open; rename it")
    capture = cv2.VideoCapture(str(video))
    try:
        if not capture.isOpened():
            raise SequenceError(video, "cannot open as a video (unknown container/codec or corrupt file)")
        claimed = int(round(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
        ok, frame = capture.read()
        if not ok or frame is None:
            raise SequenceError(video, "video has no decodable frame")
        shape = frame.shape[:2] if grey else frame.shape[:2] + (3,)
        capacity = max(claimed, 1)
        with atomic_path(target, suffix=".npy") as tmp:
            out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(capacity,) + shape)
            count = 0
            while ok and frame is not None and count < capacity:
                if frame.shape[:2] != shape[:2]:
                    raise SequenceError(video, f"frame {count} is {frame.shape[1]}x{frame.shape[0]}, "
                                               f"the first frame {shape[1]}x{shape[0]}")
                out[count] = (cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if grey
                              else cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
                count += 1
                ok, frame = capture.read()
            out.flush()
            del out
            if count < capacity:  # the container claimed more frames than decode
                full = np.load(tmp, mmap_mode="r")
                short = np.ascontiguousarray(full[:count])
                del full
                np.save(tmp, short)
    finally:
        capture.release()
    return np.load(target, mmap_mode="r")


def resolve_cache_dir(cache_dir: str | Path) -> Path:
    """The cache folder (``~`` expanded; relative paths from the working directory)."""
    return Path(cache_dir).expanduser()


# -- sequences -----------------------------------------------------------------------------
class FrameSequence(RGBTSequence):
    """A read-only :class:`RGBTSequence` over a frame loader ``load(i) -> FramePair``,
    memoised in a shared :class:`FrameLRU` under ``(name, i)``."""

    def __init__(self, name: str, layout: str, count: int, size: tuple[int, int], load: Callable[[int], FramePair],
                 lru: FrameLRU, *, source: Path | None = None, thermal_only: bool = False):
        self._info = SequenceInfo(name=name, layout=layout, num_frames=int(count), width=int(size[0]),
                                  height=int(size[1]), visible_source=source, thermal_source=source,
                                  thermal_only=thermal_only)
        self._load = load
        self._lru = lru

    @property
    def info(self) -> SequenceInfo:
        return self._info

    def __len__(self) -> int:
        return self._info.num_frames

    def __getitem__(self, index: int) -> FramePair:
        index = check_index(index, len(self))
        return self._lru.get_or_make((self._info.name, index), lambda: self._load(index))


def visible_folder_sequence(name: str, folder: Path, lru: FrameLRU, cache_dir: str | Path | None = None) -> FrameSequence:
    """A visible-only image folder: ``visible`` the RGB frame, ``thermal`` its luminance
    (what ``second_stream: same`` trains on; ``pseudo`` replaces it on the crops).
    ``cache_dir``: decode every frame once into the frame cache (a memory map; None:
    decode the file on each read, through the LRU)."""
    files = list_images(folder)
    if not files:
        raise SequenceError(folder, "holds no images")
    if cache_dir is not None:
        frames = decoded_images(files, cache_dir, label=folder.name)

        def load_cached(i: int) -> FramePair:
            rgb = np.asarray(frames[i])
            return FramePair(i, rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))

        return FrameSequence(name, "real-visible", len(files), (frames.shape[2], frames.shape[1]), load_cached, lru,
                             source=folder)
    first = read_image(files[0])

    def load(i: int) -> FramePair:
        rgb = read_image(files[i])
        return FramePair(i, rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))

    return FrameSequence(name, "real-visible", len(files), (first.shape[1], first.shape[0]), load, lru, source=folder)


def thermal_sequence(name: str, folder: Path, lru: FrameLRU, cache_dir: str | Path, *,
                     decode_images: bool = True) -> FrameSequence:
    """A thermal-only sequence: ``thermal.avi`` (decoded once, cached) or an image folder
    (decoded once too with ``decode_images``); ``visible`` is the grey replicated to 3
    channels (``second_stream: same``)."""
    video = folder / "thermal.avi"
    if video.is_file():
        frames = decoded_video(video, cache_dir, grey=True)
        count, size = frames.shape[0], (frames.shape[2], frames.shape[1])

        def load(i: int) -> FramePair:
            grey = np.asarray(frames[i])  # a view of the memory map: no copy
            return FramePair(i, cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB), grey)

        return FrameSequence(name, "real-thermal", count, size, load, lru, source=video, thermal_only=True)
    files = list_images(folder)
    if not files:
        raise SequenceError(folder, "expected thermal.avi or thermal images in the folder")
    if decode_images:
        stack = decoded_images(files, cache_dir, grey=True, label=folder.name)

        def load_stack(i: int) -> FramePair:
            grey = np.asarray(stack[i])
            return FramePair(i, cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB), grey)

        return FrameSequence(name, "real-thermal", len(files), (stack.shape[2], stack.shape[1]), load_stack, lru,
                             source=folder, thermal_only=True)
    first = read_image(files[0], grey=True)

    def load_image(i: int) -> FramePair:
        grey = read_image(files[i], grey=True)
        return FramePair(i, cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB), grey)

    return FrameSequence(name, "real-thermal", len(files), (first.shape[1], first.shape[0]), load_image, lru,
                         source=folder, thermal_only=True)


PAIR_FOLDERS = (("visual", "thermal"), ("visible", "thermal"), ("visible", "infrared"))


def rgbt_pair_sequence(name: str, folder: Path, lru: FrameLRU, cache_dir: str | Path) -> FrameSequence:
    """A registered RGB-T pair without boxes: ``visible.mp4`` + ``infrared.mp4`` (decoded
    once, cached) or a folder pair (``visual|visible/`` + ``thermal|infrared/``). Frame
    counts that differ are cut to the shorter stream; frame sizes must match."""
    if (folder / "visible.mp4").is_file() and (folder / "infrared.mp4").is_file():
        visible = decoded_video(folder / "visible.mp4", cache_dir, grey=False)
        thermal = decoded_video(folder / "infrared.mp4", cache_dir, grey=True)
        if visible.shape[1:3] != thermal.shape[1:3]:
            raise SequenceError(folder, f"visible {visible.shape[2]}x{visible.shape[1]} and infrared "
                                        f"{thermal.shape[2]}x{thermal.shape[1]} frames differ in size")
        count = min(visible.shape[0], thermal.shape[0])

        def load(i: int) -> FramePair:
            return FramePair(i, np.asarray(visible[i]), np.asarray(thermal[i]))  # views of the memory maps

        return FrameSequence(name, "real-rgbt", count, (visible.shape[2], visible.shape[1]), load, lru, source=folder)
    for vis_name, th_name in PAIR_FOLDERS:
        if (folder / vis_name).is_dir() and (folder / th_name).is_dir():
            vis_files, th_files = list_images(folder / vis_name), list_images(folder / th_name)
            count = min(len(vis_files), len(th_files))
            if count == 0:
                raise SequenceError(folder, f"{vis_name}/ or {th_name}/ holds no images")
            first_v, first_t = read_image(vis_files[0]), read_image(th_files[0], grey=True)
            if first_v.shape[:2] != first_t.shape[:2]:
                raise SequenceError(folder, f"{vis_name}/ and {th_name}/ frames differ in size")

            def load_images(i: int, vf=vis_files, tf=th_files) -> FramePair:
                return FramePair(i, read_image(vf[i]), read_image(tf[i], grey=True))

            return FrameSequence(name, "real-rgbt", count, (first_v.shape[1], first_v.shape[0]), load_images, lru,
                                 source=folder)
    raise SequenceError(folder, "expected visible.mp4 + infrared.mp4, or visual/ (visible/) + thermal/ (infrared/) "
                                "image folders")
