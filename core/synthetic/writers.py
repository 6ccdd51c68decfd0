"""Write synthetic sequences to disk: LasHeR layout or a pair of video files (jobs).

Both writers are generators yielding :class:`core.progress.Progress` (one unit per
frame) and returning the output path; output is atomic (temporary then rename), so a
cancelled job (``job.close()``) leaves nothing half-written.

Ground-truth text: one line per frame, ``x,y,w,h`` (visible grid, top-left + size,
2 decimals), ``0,0,0,0`` where the target is absent (the LasHeR convention). Frame files
count from 1 (``v000001.jpg``) as LasHeR does; indices inside the project are 0-based.
A ``synthetic.json`` sidecar keeps the config, seed, occlusion flags and per-frame tags.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from core.config import to_dict
from core.errors import ExportError
from core.fileio import atomic_directory, atomic_path
from core.progress import Job, Progress
from core.synthetic.sequence import SyntheticSequence

#: fourcc per video suffix (both encode and decode with the opencv wheels the project uses)
VIDEO_CODECS = {".mp4": "mp4v", ".avi": "MJPG"}


def ground_truth_text(boxes: np.ndarray, absent: np.ndarray) -> str:
    """Lines ``x,y,w,h`` (2 decimals, trailing zeros trimmed) with ``0,0,0,0`` for absent frames."""
    lines = []
    for box, hidden in zip(np.asarray(boxes, np.float64), np.asarray(absent, bool), strict=True):
        if hidden or not np.all(np.isfinite(box)):
            lines.append("0,0,0,0")
        else:
            lines.append(",".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in box))
    return "\n".join(lines) + "\n"


def sidecar_json(sequence: SyntheticSequence) -> str:
    """JSON text with the generator's config, seed, flags and per-frame tags."""
    data = {
        "generator": "core.synthetic",
        "seed": sequence.seed,
        "config": to_dict(sequence.config),
        "thermal_offset": [float(v) for v in sequence.thermal_boxes[0, :2] - sequence.boxes[0, :2]],
        "absent": [int(v) for v in sequence.absent],
        "occluded": [int(v) for v in sequence.occluded],
        "distractor_cover": [round(float(v), 3) for v in sequence.distractor_cover],
        "frame_tags": [list(sequence.frame_tags(i)) for i in range(len(sequence))],
    }
    return json.dumps(data, indent=1)


def write_text_file(path: str | Path, text: str) -> Path:
    """Write ``text`` atomically, readable by everyone (mode 0644 like a plain file)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
    return path


def write_ground_truth(sequence: SyntheticSequence, path: str | Path, *, thermal: bool = False) -> Path:
    """Write the visible (or thermal) ground truth of ``sequence`` to ``path`` atomically."""
    boxes = sequence.thermal_boxes if thermal else sequence.boxes
    return write_text_file(path, ground_truth_text(boxes, sequence.absent))


def write_lasher(sequence: SyntheticSequence, out_dir: str | Path, *, quality: int = 95) -> Job[Path]:
    """Write ``sequence`` as a LasHeR sequence folder ``out_dir`` (replaced atomically).

    Layout: ``visible/v000001.jpg`` (RGB->BGR JPEG), ``infrared/i000001.jpg`` (grey JPEG),
    ``visible.txt`` (visible boxes), ``infrared.txt`` (thermal boxes), ``init.txt`` (= visible),
    ``synthetic.json``.
    """
    out_dir = Path(out_dir)
    n = len(sequence)
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    with atomic_directory(out_dir) as tmp:
        tmp.chmod(0o755)  # mkdtemp makes it private; a dataset folder should be readable
        (tmp / "visible").mkdir()
        (tmp / "infrared").mkdir()
        for i in range(n):
            pair = sequence[i]
            _write_jpeg(tmp / "visible" / f"v{i + 1:06d}.jpg", cv2.cvtColor(pair.visible, cv2.COLOR_RGB2BGR), params)
            _write_jpeg(tmp / "infrared" / f"i{i + 1:06d}.jpg", pair.thermal, params)
            yield Progress(i + 1, n, f"frame {i + 1}/{n}")
        visible = ground_truth_text(sequence.boxes, sequence.absent)
        (tmp / "visible.txt").write_text(visible, encoding="utf-8")
        (tmp / "init.txt").write_text(visible, encoding="utf-8")
        (tmp / "infrared.txt").write_text(ground_truth_text(sequence.thermal_boxes, sequence.absent), encoding="utf-8")
        (tmp / "synthetic.json").write_text(sidecar_json(sequence), encoding="utf-8")
    return out_dir


def _write_jpeg(path: Path, image: np.ndarray, params: list[int]) -> None:
    """Encode with OpenCV, write with Python: ``cv2.imwrite`` ends the process with a
    segmentation fault on a path that is not valid UTF-8 (a folder named with a Latin-1
    byte). ExportError naming the file when it cannot be encoded or written."""
    from core.fileio import describe_os_error

    ok, data = cv2.imencode(".jpg", image, params)
    if not ok:
        raise ExportError(path, "could not encode the frame as JPEG")
    try:
        path.write_bytes(data.tobytes())
    except OSError as error:
        raise ExportError(path, f"could not write the frame ({describe_os_error(error)})") from None


def _open_writer(path: Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    from core.fileio import not_utf8

    codec = VIDEO_CODECS.get(path.suffix.lower())
    if codec is None:
        raise ExportError(path, f"unsupported video suffix {path.suffix!r}; use one of {sorted(VIDEO_CODECS)}")
    if not_utf8(path.absolute()):  # cv2.VideoWriter ends the process (segmentation fault) on it
        raise ExportError(path, "the path is not valid UTF-8 text (a byte such as \\xff in a folder name), which "
                                "OpenCV cannot write a video to; choose another folder")
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), float(fps), size)
    if not writer.isOpened():
        raise ExportError(path, f"OpenCV cannot open a {codec} video writer here")
    return writer


def write_video_pair(
    sequence: SyntheticSequence,
    visible_path: str | Path,
    thermal_path: str | Path,
    fps: float | None = None,
    *,
    ground_truth_path: str | Path | None = None,
) -> Job[tuple[Path, Path]]:
    """Write the visible and thermal streams as two videos (``.mp4`` mp4v or ``.avi`` MJPG).

    The thermal video stores the grey frame in all three channels. ``fps`` defaults to
    the config's. With ``ground_truth_path`` the visible ground truth is written there
    too. Returns ``(visible_path, thermal_path)``.
    """
    visible_path, thermal_path = Path(visible_path), Path(thermal_path)
    fps = float(fps or sequence.config.fps)
    size = (sequence.config.width, sequence.config.height)
    n = len(sequence)
    with atomic_path(visible_path, suffix=visible_path.suffix) as tmp_v, atomic_path(thermal_path, suffix=thermal_path.suffix) as tmp_t:
        writer_v = _open_writer(tmp_v, fps, size)
        writer_t = _open_writer(tmp_t, fps, size)
        try:
            for i in range(n):
                pair = sequence[i]
                writer_v.write(cv2.cvtColor(pair.visible, cv2.COLOR_RGB2BGR))
                writer_t.write(cv2.cvtColor(pair.thermal, cv2.COLOR_GRAY2BGR))
                yield Progress(i + 1, n, f"frame {i + 1}/{n}")
        finally:
            writer_v.release()
            writer_t.release()
        tmp_v.chmod(0o644)
        tmp_t.chmod(0o644)
    if ground_truth_path is not None:
        write_ground_truth(sequence, ground_truth_path)
    return visible_path, thermal_path
