"""Streamed, atomic writer of distillation HDF5 files (schema in ``core.distillation.schema``).

Usage::

    with DistillationWriter(path, header) as writer:
        seq = writer.begin_sequence(attrs, labels)
        for sample in samples:
            seq.add_sample(sample)        # appended in chunks; never all in memory

The file is written under a temporary name beside ``path`` and renamed into place only
when the ``with`` block ends without an exception; on error or cancel (a ``GeneratorExit``
raised through the block) the partial file is deleted and any previous ``path`` is kept.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import h5py
import numpy as np

from core.distillation import schema
from core.errors import ExportError

_CHUNK_ROWS = 16


@dataclass(frozen=True)
class FileHeader:
    """Root attributes of a distillation file. Sizes are the model's crop sizes in pixels."""

    frames_mode: str
    template_size: int
    search_size: int
    feature_size: int
    template_factor: float = 2.0
    search_factor: float = 4.0
    teacher_model: str = ""
    teacher_sha256: str = ""
    student_model: str = ""
    student_sha256: str = ""
    producer: str = "rgbt-studio 0.1.0"


@dataclass(frozen=True)
class SequenceAttrs:
    """Per-sequence attributes; paths are stored as strings."""

    name: str
    visible_source: str
    thermal_source: str
    width: int
    height: int
    num_frames: int
    frame_offset: int = 0
    layout: str = ""


@dataclass
class Sample:
    """One distillation sample: the teacher's outputs on a search crop of ``frame``.

    score_map (1,F,F), size_map (2,F,F), offset_map (2,F,F) float; template_box (4,)
    x,y,w,h; search_geometry (4,) = CropGeometry.as_array(). Crops are needed only in
    "embedded" mode: template_visible (Z,Z,3) uint8 RGB, template_thermal (Z,Z) uint8,
    search_visible (X,X,3), search_thermal (X,X).
    """

    frame: int
    template_frame: int
    template_box: np.ndarray
    search_geometry: np.ndarray
    score_map: np.ndarray
    size_map: np.ndarray
    offset_map: np.ndarray
    template_visible: np.ndarray | None = None
    template_thermal: np.ndarray | None = None
    search_visible: np.ndarray | None = None
    search_thermal: np.ndarray | None = None


def file_sha256(path: str | Path | None) -> str:
    """SHA-256 hex digest of a file (model weights), or "" when there is no file."""
    if not path or not Path(path).is_file():
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SequenceWriter:
    """Appends samples of one sequence group; created by :meth:`DistillationWriter.begin_sequence`."""

    def __init__(self, group: h5py.Group, header: FileHeader):
        self._group = group.create_group("samples")
        self._header = header
        self._count = 0
        z, x, f = header.template_size, header.search_size, header.feature_size
        specs: dict[str, tuple[tuple[int, ...], str]] = {
            "frame": ((), "i4"),
            "template_frame": ((), "i4"),
            "template_box": ((4,), "f4"),
            "search_geometry": ((4,), "f8"),
            "score_map": ((1, f, f), "f2"),
            "size_map": ((2, f, f), "f2"),
            "offset_map": ((2, f, f), "f2"),
        }
        if header.frames_mode == "embedded":
            specs.update(
                {
                    "template_visible": ((z, z, 3), "u1"),
                    "template_thermal": ((z, z), "u1"),
                    "search_visible": ((x, x, 3), "u1"),
                    "search_thermal": ((x, x), "u1"),
                }
            )
        self._datasets = {}
        for name, (shape, dtype) in specs.items():
            compress = {"compression": "gzip", "compression_opts": 4} if len(shape) >= 2 else {}
            self._datasets[name] = self._group.create_dataset(
                name,
                shape=(0,) + shape,
                maxshape=(None,) + shape,
                dtype=dtype,
                chunks=(_CHUNK_ROWS,) + shape,
                shuffle=bool(compress),
                **compress,
            )

    @property
    def count(self) -> int:
        return self._count

    def add_sample(self, sample: Sample) -> None:
        values = {
            "frame": sample.frame,
            "template_frame": sample.template_frame,
            "template_box": np.asarray(sample.template_box, dtype=np.float32),
            "search_geometry": np.asarray(sample.search_geometry, dtype=np.float64),
            "score_map": np.asarray(sample.score_map, dtype=np.float32).reshape(self._datasets["score_map"].shape[1:]),
            "size_map": np.asarray(sample.size_map, dtype=np.float32),
            "offset_map": np.asarray(sample.offset_map, dtype=np.float32),
        }
        if self._header.frames_mode == "embedded":
            for name in schema.EMBEDDED_DATASETS:
                crop = getattr(sample, name)
                if crop is None:
                    raise ValueError(f"embedded mode needs the crop {name!r} in every sample")
                values[name] = crop
        row = self._count
        for name, dataset in self._datasets.items():
            if dataset.shape[0] <= row:
                dataset.resize(row + _CHUNK_ROWS, axis=0)
            dataset[row] = values[name]
        self._count += 1

    def finish(self) -> None:
        for dataset in self._datasets.values():
            dataset.resize(self._count, axis=0)


class DistillationWriter:
    """Context manager writing one distillation file atomically (see module docstring)."""

    def __init__(self, path: str | Path, header: FileHeader):
        if header.frames_mode not in schema.FRAMES_MODES:
            raise ValueError(f"frames_mode must be one of {schema.FRAMES_MODES}, got {header.frames_mode!r}")
        self.path = Path(path)
        self.header = header
        self._tmp: Path | None = None
        self._file: h5py.File | None = None
        self._open_sequence: SequenceWriter | None = None

    def __enter__(self) -> DistillationWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        try:
            self._file = h5py.File(self._tmp, "w")
        except OSError as error:
            self._tmp.unlink(missing_ok=True)
            raise ExportError(self.path, f"cannot create the HDF5 file ({error})") from error
        attrs = self._file.attrs
        attrs["schema_version"] = schema.SCHEMA_VERSION
        attrs["format"] = schema.FORMAT_NAME
        attrs["created"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        for key, value in asdict(self.header).items():
            attrs[key] = value
        self._file.create_group("sequences")
        return self

    def begin_sequence(self, attrs: SequenceAttrs, labels: dict[str, np.ndarray]) -> SequenceWriter:
        """Start a sequence group with its per-frame label arrays (see schema.LABEL_DATASETS)."""
        assert self._file is not None, "use DistillationWriter as a context manager"
        if self._open_sequence is not None:
            self._open_sequence.finish()
        sequences = self._file["sequences"]
        if attrs.name in sequences:
            raise ValueError(f"sequence {attrs.name!r} is already in {self.path}")
        group = sequences.create_group(attrs.name)
        for key, value in asdict(attrs).items():
            group.attrs[key] = value
        label_group = group.create_group("labels")
        n = attrs.num_frames
        for name, row_shape in schema.LABEL_DATASETS.items():
            if name not in labels:
                raise ValueError(f"labels is missing {name!r}")
            array = np.asarray(labels[name])
            if array.shape != (n,) + row_shape:
                raise ValueError(f"labels[{name!r}] has shape {array.shape}, expected {(n,) + row_shape}")
            label_group.create_dataset(name, data=array, compression="gzip", compression_opts=4)
        label_group.attrs["provenance_codes"] = str({k or "": v for k, v in schema.PROVENANCE_CODES.items()})
        self._open_sequence = SequenceWriter(group, self.header)
        return self._open_sequence

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._file is not None and self._tmp is not None
        try:
            if exc_type is None and self._open_sequence is not None:
                self._open_sequence.finish()
        finally:
            self._file.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)
