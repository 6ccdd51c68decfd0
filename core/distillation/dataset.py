"""Distillation files as training items for fine-tuning the student.

Each sample of a distillation file (``core.distillation.schema``) becomes one item: the
template and search crops (stored, or recut from the source frames with the stored
geometry), the human-checked label box of the search frame in crop units, its Gaussian
heatmap, and the teacher's stored maps (soft targets). Samples of frames a person
flagged absent become *negatives* (``absent=True``: an all-zero heatmap, no box).
Items of the last
``holdout_fraction`` of each sequence's frames are held out for before/after
evaluation (a temporal split: no held-out frame sits between two training frames).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.distillation.reader import DistillationFile, resolve_source
from core.errors import DistillationDataError, RGBTError
from core.geometry import is_valid_box, xywh_to_cxcywh
from core.tracking.crop import CropGeometry, crop_square, normalize_thermal, normalize_visible, sample_target
from core.training.targets import gaussian_heatmap


@dataclass
class Item:
    """One fine-tuning item. Crops normalised (3,Z,Z) / (3,X,X) float32; target (4,)
    cx, cy, w, h in search-crop units [0, 1]; heatmap (1,F,F); teacher_* maps as stored.
    absent: a negative (the target is not visible): heatmap all zero, ``target`` is the
    crop centre with zero size and carries no meaning."""

    z_v: np.ndarray
    z_t: np.ndarray
    x_v: np.ndarray
    x_t: np.ndarray
    target: np.ndarray
    heatmap: np.ndarray
    teacher_score: np.ndarray
    teacher_size: np.ndarray
    teacher_offset: np.ndarray
    held_out: bool
    sequence: str
    frame: int
    absent: bool = False


def _open_sources(path: Path, attrs):
    """Open the sequence a referenced file points at (video pair, folder pair or dataset
    folder), relative sources resolved by ``core.distillation.reader.resolve_source``."""
    from core.sequences import open_pair, open_sequence

    visible = resolve_source(attrs.visible_source, path)
    thermal = resolve_source(attrs.thermal_source, path)
    if visible is None or thermal is None:
        raise DistillationDataError(
            path,
            f"sequence {attrs.name!r} references frames at {attrs.visible_source!r} / {attrs.thermal_source!r} "
            "that are not found (relative paths are looked up beside the file and in the current folder); "
            "re-export with embedded crops (--embed-crops)",
        )
    try:
        if visible.is_dir() and visible.parent == thermal.parent:
            try:
                return open_sequence(visible.parent, frame_offset=attrs.frame_offset)
            except RGBTError:
                pass
        return open_pair(visible, thermal, frame_offset=attrs.frame_offset)
    except RGBTError as error:
        raise DistillationDataError(path, f"cannot open the referenced frames of {attrs.name!r}: {error}") from error


def load_items(paths, holdout_fraction: float = 0.25) -> list[Item]:
    """All items of the distillation files ``paths`` (crops recut when referenced)."""
    items: list[Item] = []
    for path in map(Path, paths):
        with DistillationFile(path) as data:
            header = data.header
            z, x, f = int(header["template_size"]), int(header["search_size"]), int(header["feature_size"])
            template_factor = float(header["template_factor"])
            for name in data.sequence_names():
                attrs = data.sequence_attrs(name)
                labels = data.labels(name)
                samples = list(data.iter_samples(name))
                if not samples:
                    continue
                frames = sorted({s.frame for s in samples})
                cut = frames[int(np.floor(len(frames) * (1.0 - holdout_fraction)))] if holdout_fraction > 0 else None
                sequence = None if data.frames_mode == "embedded" else _open_sources(path, attrs)
                try:
                    template_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
                    for sample in samples:
                        box = labels["box"][sample.frame].astype(np.float64)
                        absent = bool(labels["absent"][sample.frame])
                        if not absent and not is_valid_box(box):
                            continue
                        geometry = CropGeometry(*sample.search_geometry[:3], int(sample.search_geometry[3]))
                        if sequence is None:
                            zv, zt = sample.template_visible, sample.template_thermal
                            xv, xt = sample.search_visible, sample.search_thermal
                        else:
                            if sample.template_frame not in template_cache:
                                template_cache.clear()
                                pair = sequence[sample.template_frame]
                                zv, _ = sample_target(pair.visible, sample.template_box, template_factor, z)
                                zt, _ = sample_target(pair.thermal, sample.template_box, template_factor, z)
                                template_cache[sample.template_frame] = (zv, zt)
                            zv, zt = template_cache[sample.template_frame]
                            pair = sequence[sample.frame]
                            side = geometry.output_size / geometry.scale
                            center = (geometry.origin_x + side / 2.0, geometry.origin_y + side / 2.0)
                            xv, _ = crop_square(pair.visible, center, side, x)
                            xt, _ = crop_square(pair.thermal, center, side, x)
                        if absent:
                            target = np.array([0.5, 0.5, 0.0, 0.0])
                            heatmap = np.zeros((1, f, f), dtype=np.float32)
                        else:
                            target = xywh_to_cxcywh(geometry.image_to_crop(box)) / x
                            heatmap = gaussian_heatmap(target, f)
                        items.append(
                            Item(
                                z_v=normalize_visible(zv),
                                z_t=normalize_thermal(zt),
                                x_v=normalize_visible(xv),
                                x_t=normalize_thermal(xt),
                                target=target.astype(np.float32),
                                heatmap=heatmap,
                                teacher_score=sample.score_map,
                                teacher_size=sample.size_map,
                                teacher_offset=sample.offset_map,
                                held_out=cut is not None and sample.frame >= cut,
                                sequence=name,
                                frame=sample.frame,
                                absent=absent,
                            )
                        )
                finally:
                    if sequence is not None:
                        sequence.close()
    return items
