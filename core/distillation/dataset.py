"""Distillation files as training items for fine-tuning the student.

Each sample of a distillation file (``core.distillation.schema``) becomes one item: the
template and search crops (stored, or recut from the source frames with the stored
geometry), the human-checked label box of the search frame in crop units, its Gaussian
heatmap, and the teacher's stored maps (soft targets). Samples of frames a person
flagged absent become *negatives* (``absent=True``: an all-zero heatmap, no box).
Items of the last
``holdout_fraction`` of each sequence's frames are held out for before/after
evaluation (a temporal split: no held-out frame sits between two training frames), the
sequence's samples of every file given taken together: two exports of one sequence (the
studio's Improve writes one each time) held out each its own end, so the longer one trained on
the frames the shorter one held out and its "after" score was of frames it had learned. A frame
of a sequence in several files is taken once, from the last of them.
The rule is :func:`holdout_cut`; :func:`check_holdout` says from the labels alone whether a
run can judge itself (some held-out sample has a box to score, some sample is left to train
on) and, when not, why and how many more labelled frames it needs.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.distillation.reader import DistillationFile, resolve_source
from core.errors import DistillationDataError, RGBTError
from core.fileio import CleanupNote
from core.geometry import is_valid_box, xywh_to_cxcywh
from core.tracking.crop import CropGeometry, crop_square, normalize_thermal, normalize_visible, sample_target
from core.training.targets import gaussian_heatmap
from core.wording import plural


@dataclass
class Item:
    """One fine-tuning item. Crops as stored, uint8: z_v (Z,Z,3) RGB, z_t (Z,Z) grey, x_v
    (X,X,3), x_t (X,X); the items of one template share its two arrays. :func:`normalized`
    gives the (3,Z,Z) / (3,X,X) float32 the network reads (what ``core.distillation.augment``
    returns, and what an item made with them holds). Stored as uint8, a long sequence's items
    take about a ninth of the memory (``load_items`` held 0.5 MB of float crops per labelled
    frame: 5 GB for 10,000 frames). target (4,) cx, cy, w, h in search-crop units [0, 1];
    heatmap (1,F,F); teacher_* maps as stored. absent: a negative (the target is not
    visible): heatmap all zero, ``target`` is the crop centre with zero size and carries no
    meaning."""

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


def normalized(item: Item) -> Item:
    """``item`` with its crops as the network reads them: (3,S,S) float32, normalised as the
    tracker normalises its crops (``core.tracking.crop``); crops already normalised are kept."""
    crops = {}
    for name, normalize in (("z_v", normalize_visible), ("z_t", normalize_thermal),
                            ("x_v", normalize_visible), ("x_t", normalize_thermal)):
        crop = getattr(item, name)
        if crop.dtype == np.uint8:
            crops[name] = normalize(crop)
    return replace(item, **crops) if crops else item


def _first_held_out(count: int, holdout_fraction: float) -> int:
    """The index, among ``count`` samples in frame order, of the first held-out one (the last
    ``holdout_fraction`` of them are held out); ``count`` when nothing is held out."""
    return int(np.floor(count * (1.0 - holdout_fraction))) if holdout_fraction > 0 else count


def holdout_cut(frames: Sequence[int], holdout_fraction: float) -> int | None:
    """The first held-out frame of a sequence whose samples are at ``frames``: the samples
    at this frame and later (the last ``holdout_fraction`` of them) are held out. None when
    nothing is held out (``holdout_fraction`` 0 or no sample)."""
    frames = sorted(set(int(f) for f in frames))
    first = _first_held_out(len(frames), holdout_fraction)
    return frames[first] if first < len(frames) else None


def _split_counts(absent: Sequence[bool], holdout_fraction: float) -> tuple[int, int]:
    """(training samples, held-out samples with a box) of samples in frame order whose
    absent flags are ``absent`` (the rule of :func:`holdout_cut`)."""
    first = _first_held_out(len(absent), holdout_fraction)
    return first, sum(1 for flag in absent[first:] if not flag)


@dataclass(frozen=True)
class HoldOutCheck:
    """Whether a fine-tuning run can say if the student got better, from its samples alone.

    samples: the sequence's samples (checked frames after the first human keyframe, boxes
    and frames marked absent); train / held_out: how the rule of :func:`holdout_cut` splits
    them; scored: held-out samples with a box (the before/after scores are computed on
    these; an absent frame has no box to score); first_held_out: the 0-based frame where the
    held-out part begins (None: nothing held out); last_frame: the last sample's frame;
    more_needed: how many more frames with a box after ``last_frame`` make ``can_judge``
    true (0 when it already is); boxes: samples with a box (0: only frames marked absent,
    from which a run, held-out check or not, learns only that the target is not there);
    num_frames: the footage's length when known (then ``problem`` does not ask for frames
    past its end)."""

    samples: int
    train: int
    held_out: int
    scored: int
    first_held_out: int | None
    last_frame: int | None
    more_needed: int
    holdout_fraction: float
    boxes: int = 0
    num_frames: int | None = None

    @property
    def can_judge(self) -> bool:
        return self.train > 0 and self.scored > 0

    def problem(self, otherwise: str = "fine-tune without a held-out check") -> str | None:
        """One line: what is missing for the before/after check and what to do (label more
        frames, or ``otherwise``); None when
        the run can judge itself, when nothing is held out on purpose (``holdout_fraction``
        0) and when there is no sample at all (too few labels to fine-tune, said elsewhere).
        Frames 1-based, as the studio shows them."""
        if self.can_judge or self.holdout_fraction <= 0 or self.samples == 0:
            return None
        following = None if self.num_frames is None else self.num_frames - self.last_frame - 1
        if following is not None and following < self.more_needed:
            more = (f"frame {self.last_frame + 1} is the footage's last, so draw or accept the target's box on more "
                    f"frames before it (the check holds out the last {self.holdout_fraction:.0%} of the checked frames)")
        else:
            more = (f"draw or accept the target's box on at least {self.more_needed} more "
                    f"frame{'s' if self.more_needed != 1 else ''} after frame {self.last_frame + 1}")
        checked = f"{self.samples} checked frame{'s' if self.samples != 1 else ''} after the first keyframe"
        share = f"{self.holdout_fraction:.0%}"
        if self.train == 0:
            taken = "it" if self.samples == 1 else "all of them"
            why = f"only {checked}: the held-out share ({share}) takes {taken} and leaves nothing to train on"
        else:
            why = (f"no held-out frame has a box to score: the last {share} of the {checked} ({self.held_out} "
                   f"frame{'s' if self.held_out != 1 else ''}, from frame {self.first_held_out + 1} on) "
                   "are all marked absent")
        return f"{why}; {more} (more makes a surer check), or {otherwise}"


def check_holdout(samples: Sequence[tuple[int, bool]], holdout_fraction: float,
                  num_frames: int | None = None) -> HoldOutCheck:
    """The before/after check a fine-tuning run on one sequence would have: ``samples`` are
    its samples as (frame, absent) pairs, 0-based frames (``core.distillation.export.holdout_check``
    gives them for annotation records; the items ``load_items`` returns for a file);
    ``num_frames``: the footage's length when known. Pure: the same rule as :func:`load_items`."""
    ordered = sorted({int(f): bool(a) for f, a in samples}.items())
    absent = [a for _f, a in ordered]
    train, scored = _split_counts(absent, holdout_fraction)
    n = len(ordered)
    more = 0
    if not (train > 0 and scored > 0) and holdout_fraction > 0:
        more = next((k for k in range(1, 2 * n + 1000)
                     if all(v > 0 for v in _split_counts(absent + [False] * k, holdout_fraction))), 2 * n + 1000)
    return HoldOutCheck(
        samples=n,
        train=train,
        held_out=n - train,
        scored=scored,
        first_held_out=holdout_cut([f for f, _a in ordered], holdout_fraction),
        last_frame=ordered[-1][0] if ordered else None,
        more_needed=more,
        holdout_fraction=float(holdout_fraction),
        boxes=n - sum(absent),
        num_frames=None if num_frames is None else int(num_frames),
    )


def _open_sources(path: Path, attrs):
    """Open the sequence a referenced file points at (video pair, folder pair or dataset
    folder), relative sources resolved by ``core.distillation.reader.resolve_source``."""
    from core.sequences import open_pair, open_sequence

    visible = resolve_source(attrs.visible_source, path)
    thermal = resolve_source(attrs.thermal_source, path)
    one_stream = (not attrs.visible_source) != (not attrs.thermal_source)  # a thermal- or visible-only sequence
    if one_stream and (visible or thermal) is not None:
        return _open_one_stream(path, attrs, visible, thermal)
    if visible is None or thermal is None:
        raise DistillationDataError(
            path,
            f"sequence {attrs.name!r} references frames at {attrs.visible_source!r} / {attrs.thermal_source!r} "
            "that are not found (relative paths are looked up beside the file and in the current folder); "
            "re-export with embedded crops (--embed-crops)",
        )
    try:
        sequence = None
        if visible.is_dir() and visible.parent == thermal.parent:
            try:
                sequence = open_sequence(visible.parent, frame_offset=attrs.frame_offset)
            except RGBTError:
                pass
        if sequence is None:
            sequence = open_pair(visible, thermal, frame_offset=attrs.frame_offset)
    except RGBTError as error:
        raise DistillationDataError(path, f"cannot open the referenced frames of {attrs.name!r}: {error}") from error
    _check_unchanged(path, attrs, sequence)
    return sequence


def _open_one_stream(path: Path, attrs, visible: Path | None, thermal: Path | None):
    """The thermal-only (no visible source recorded) or visible-only (no thermal source) sequence
    of a referenced file, opened as the export saw it: the one stream, with the other made from
    it (``core.sequences.pair.PairSequence``). Such a file was refused as 'references frames at
    '' / ... that are not found'."""
    from core.sequences.pair import PairSequence
    from core.sequences.sources import open_source

    try:
        source = open_source(visible if visible is not None else thermal)
        sequence = PairSequence(source if visible is not None else None, source if thermal is not None else None,
                                name=attrs.name, layout=attrs.layout or "referenced")
    except RGBTError as error:
        raise DistillationDataError(path, f"cannot open the referenced frames of {attrs.name!r}: {error}") from error
    _check_unchanged(path, attrs, sequence)
    return sequence


def _check_unchanged(path: Path, attrs, sequence) -> None:
    """DistillationDataError (``sequence`` closed) when the referenced frames are no longer
    those of the export: another frame count or frame size than the file recorded. A frame
    added to or removed from the folder shifted every later frame, and the crops were cut
    around each label on the wrong frame without a word."""
    info = sequence.info
    now = (len(sequence), int(info.width), int(info.height))
    then = (int(attrs.num_frames), int(attrs.width), int(attrs.height))
    if now == then or then[0] <= 0:
        return
    sequence.close()
    raise DistillationDataError(path, f"the referenced frames of {attrs.name!r} changed since the export: "
                                      f"{now[0]} frames of {now[1]}x{now[2]} now, {then[0]} of {then[1]}x{then[2]} "
                                      "in the file (the labels would fall on other frames); export the sequence "
                                      "again, or with embedded crops (--embed-crops) to keep a copy")


def _grey(crop: np.ndarray) -> np.ndarray:
    """A thermal crop as (S,S) uint8 (a three-channel one reduced to its first channel, as
    ``normalize_thermal`` reads it)."""
    return crop[..., 0] if crop.ndim == 3 else crop


def _kept(crop: np.ndarray, normalize) -> np.ndarray:
    """A crop as an item keeps it: uint8 as stored; another dtype (a file of another writer)
    normalised at once, as :func:`normalized` would (it converts only uint8)."""
    return crop if crop.dtype == np.uint8 else normalize(crop)


class RepeatedFrames(CleanupNote):
    """Warned by :func:`load_items` when files hold samples of the same frames of one sequence
    (exports of one project made at different times): each such frame is read once (the
    command line shows it as a ``note:``)."""


def _sequence_key(attrs) -> tuple[str, str, str]:
    """What tells one footage from another across files: its name and both sources."""
    return (attrs.name, attrs.visible_source, attrs.thermal_source)


def _cuts(paths, holdout_fraction: float) -> tuple[dict, dict]:
    """(sequence key -> first held-out frame or None, (sequence key, frame) -> index of the last
    file of ``paths`` holding a sample of it), over the samples of all the files."""
    frames: dict[tuple, set[int]] = {}
    last: dict[tuple, int] = {}
    for index, path in enumerate(map(Path, paths)):
        with DistillationFile(path) as data:
            for name in data.sequence_names():
                key = _sequence_key(data.sequence_attrs(name))
                for frame in data.sample_frames(name).tolist():
                    frames.setdefault(key, set()).add(int(frame))
                    last[(key, int(frame))] = index
    return {key: holdout_cut(sorted(found), holdout_fraction) for key, found in frames.items()}, last


def load_items(paths, holdout_fraction: float = 0.25) -> list[Item]:
    """All items of the distillation files ``paths`` (crops recut when referenced), their
    crops as stored (uint8; :func:`normalized` gives the network's). The hold-out is cut per
    sequence over all the files, and a frame held by several files is read from the last
    (module docstring; :class:`RepeatedFrames` says so)."""
    paths = [Path(p) for p in paths]
    cuts, last = _cuts(paths, holdout_fraction)
    repeated: dict[str, int] = {}
    items: list[Item] = []
    for index, path in enumerate(paths):
        with DistillationFile(path) as data:
            header = data.header
            z, x, f = int(header["template_size"]), int(header["search_size"]), int(header["feature_size"])
            template_factor = float(header["template_factor"])
            for name in data.sequence_names():
                attrs = data.sequence_attrs(name)
                labels = data.labels(name)
                samples = list(data.iter_samples(name))
                key = _sequence_key(attrs)
                later = [s for s in samples if last[(key, s.frame)] != index]
                if later:  # read from a later file
                    repeated[attrs.name] = repeated.get(attrs.name, 0) + len(later)
                    samples = [s for s in samples if last[(key, s.frame)] == index]
                if not samples:
                    continue
                cut = cuts[key]
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
                            kept = template_cache.get(sample.template_frame)
                            if kept is not None and np.array_equal(kept[0], zv) and np.array_equal(kept[1], zt):
                                zv, zt = kept  # one template's items share its arrays
                            else:
                                template_cache = {sample.template_frame: (zv, zt)}
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
                                z_v=_kept(zv, normalize_visible),
                                z_t=_kept(_grey(zt), normalize_thermal),
                                x_v=_kept(xv, normalize_visible),
                                x_t=_kept(_grey(xt), normalize_thermal),
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
    if repeated:
        import warnings

        said = ", ".join(f"{plural(count, 'frame')} of {name}" for name, count in repeated.items())
        warnings.warn(RepeatedFrames(f"the distillation files hold the same frames more than once ({said}); "
                                     "each is read once, from the last file given"), stacklevel=2)
    return items
