"""A tiny stand-in for ``../shared/data`` (written into tmp_path) and its split file.

Layouts as in the shared data: visible image folders + ``groundtruth.txt``, a thermal AVI
+ ``groundtruth.txt``, an unlabeled ``visible.mp4`` + ``infrared.mp4`` pair and a TNO-style
folder pair. Frame ``i`` of every stream is filled with a level that encodes the
sequence and the frame (see :func:`level`), so tests can tell which frame they got.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

W, H = 96, 72
TRAIN = {
    "visible": ["real/rgb/seq-a", "real/rgb/seq-b"],
    "thermal": ["real/thermal/th-a"],
    "rgbt_unlabeled": ["real/rgbt-unlabeled/pair-a", "tno/pair-b"],
}
VALIDATION = {"visible": ["real/rgb/val-v"], "thermal": ["real/thermal/val-t"], "rgbt": []}
FRAMES = 6


def level(sequence: int, frame: int) -> int:
    return 20 + 22 * sequence + 4 * frame


def _scene(value: int, rng: np.random.Generator) -> np.ndarray:
    """(H, W, 3) uint8 BGR: a flat background at ``value``, a textured patch on the right."""
    image = np.full((H, W, 3), value, np.uint8)
    image[10:50, 50:90] = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
    return image


def _gt(folder: Path, rows: list[str]) -> None:
    (folder / "groundtruth.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _video(path: Path, fourcc: str, frames: list[np.ndarray]) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (W, H))
    for frame in frames:
        writer.write(frame)
    writer.release()


def make_data_root(root: Path) -> tuple[Path, Path]:
    """Write the fixture under ``root``; returns (data_root, split_file)."""
    rng = np.random.default_rng(0)
    data = root / "data"
    boxes = [f"{10 + i},{12 + i},20,16" for i in range(FRAMES)]
    for k, name in enumerate(["real/rgb/seq-a", "real/rgb/seq-b", "real/rgb/val-v"]):
        folder = data / name
        folder.mkdir(parents=True)
        for i in range(FRAMES):
            cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), _scene(level(k, i), rng), [cv2.IMWRITE_JPEG_QUALITY, 98])
        rows = list(boxes)
        rows[2] = "NaN,NaN,NaN,NaN"
        _gt(folder, rows)
    for k, name in enumerate(["real/thermal/th-a", "real/thermal/val-t"]):
        folder = data / name
        folder.mkdir(parents=True)
        _video(folder / "thermal.avi", "MJPG", [_scene(level(3 + k, i), rng) for i in range(FRAMES)])
        _gt(folder, boxes)
    pair = data / "real/rgbt-unlabeled/pair-a"
    pair.mkdir(parents=True)
    _video(pair / "visible.mp4", "mp4v", [_scene(level(5, i), rng) for i in range(FRAMES)])
    _video(pair / "infrared.mp4", "mp4v", [_scene(level(6, i), rng) for i in range(FRAMES)])
    tno = data / "tno/pair-b"
    (tno / "visual").mkdir(parents=True)
    (tno / "thermal").mkdir(parents=True)
    for i in range(4):
        cv2.imwrite(str(tno / "visual" / f"{7400 + i}v.png"), _scene(level(7, i), rng)[..., 0])
        cv2.imwrite(str(tno / "thermal" / f"{7400 + i}i.png"), _scene(level(8, i), rng)[..., 0])
    split = root / "split.json"
    split.write_text(json.dumps({"train": TRAIN, "validation": VALIDATION}), encoding="utf-8")
    return data, split


def options(data: Path, split: Path, cache: Path, **more) -> dict:
    return {"split": str(split), "data_root": str(data), "cache_dir": str(cache), **more}
