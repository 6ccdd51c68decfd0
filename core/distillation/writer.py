"""Streamed, atomic writer of distillation HDF5 files (schema in ``core.distillation.schema``).

Usage::

    with DistillationWriter(path, header) as writer:
        seq = writer.begin_sequence(attrs, labels)
        for sample in samples:
            seq.add_sample(sample)        # appended in chunks; never all in memory

The file is written under a temporary name beside ``path`` and renamed into place only
when the ``with`` block ends without an exception; on error or cancel (a ``GeneratorExit``
raised through the block) the partial file is deleted and any previous ``path`` is kept.
A killed process leaves only its temporary (``.<name>.<pid>.<random>.tmp``), never a
``path``; the next writer into the folder removes the temporaries of killed writers of any
file with ``path``'s suffix (``core.fileio.sweep_stale_kind``), each with a note.

HDF5 writes through :class:`_GuardedFile`, a Python file object that records the first
write error (disk full, quota, I/O error) instead of handing it to the HDF5 library: a
failed write inside HDF5 leaves its state broken and its close crashes the process
(SIGSEGV). The writer checks the recorded error after every sample and at the end and
raises ExportError naming ``path``; the temporary file is removed.
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import h5py
import numpy as np

from core.distillation import schema
from core.errors import ExportError, first_line
from core.fileio import (
    describe_os_error,
    file_sha256,
    make_parents,
    remove_empty,
    sweep_stale,
    sweep_stale_kind,
    temp_name,
)

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


def group_name(name: str) -> str:
    """The HDF5 group name of a sequence called ``name`` under ``/sequences``: ``/``
    separates groups and ``.`` is the group itself, so a ``/`` becomes ``_`` and an empty
    name or ``.`` gets a ``sequence`` prefix. The ``name`` attribute keeps ``name`` as it is."""
    key = name.replace("/", "_")
    return key if key not in ("", ".") else f"sequence{key}"


def weights_sha256(path: str | Path | None) -> str:
    """SHA-256 hex digest of a file (model weights), or "" when there is no file."""
    return file_sha256(path) if path and Path(path).is_file() else ""


class _GuardedFile(io.RawIOBase):
    """Unbuffered read/write file for h5py whose writes never raise: the first OSError is
    kept in ``error`` and later writes are dropped (the file is discarded anyway)."""

    def __init__(self, path: Path):
        super().__init__()
        self._file = open(path, "w+b", buffering=0)  # noqa: SIM115 - closed in close()
        self.error: OSError | None = None

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer) -> int:
        return self._file.readinto(buffer)

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        if self.error is None:
            try:
                done = 0
                while done < size:
                    written = self._file.write(view[done:])
                    if not written:
                        raise OSError(28, "No space left on device")
                    done += written
                return size
            except OSError as error:
                self.error = error
        self._file.seek(size, os.SEEK_CUR)
        return size

    def truncate(self, size: int | None = None) -> int:
        try:
            return self._file.truncate(size)
        except OSError as error:
            self.error = self.error or error
            return self._file.tell() if size is None else size

    def flush(self) -> None:
        if self._file.closed:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as error:
            self.error = self.error or error

    def close(self) -> None:
        if not self._file.closed:
            self.flush()
            self._file.close()
        super().close()


class SequenceWriter:
    """Appends samples of one sequence group; created by :meth:`DistillationWriter.begin_sequence`."""

    def __init__(self, group: h5py.Group, header: FileHeader, check=None):
        self._check = check or (lambda: None)
        self._group = group.create_group("samples")
        self._header = header
        self._count = 0
        z, x, f = header.template_size, header.search_size, header.feature_size
        specs: dict[str, tuple[tuple[int, ...], str]] = {
            "frame": ((), "i4"),
            "template_frame": ((), "i4"),
            "template_box": ((4,), "f8"),  # exact: a referenced file recuts the template from it
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
            "template_box": np.asarray(sample.template_box, dtype=np.float64),
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
        self._check()

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
        self._raw: _GuardedFile | None = None
        self._created: list[Path] = []
        self._open_sequence: SequenceWriter | None = None

    def _fail(self, error: OSError) -> ExportError:
        return ExportError(self.path, f"cannot write the distillation file ({describe_os_error(error)}); "
                                      "the partial file was removed" +
                           ("" if not self.path.exists() else f" and the earlier {self.path.name} kept"))

    def check_write_errors(self) -> None:
        """Raise ExportError when a write to the file has failed (disk full, ...)."""
        if self._raw is not None and self._raw.error is not None:
            raise self._fail(self._raw.error)

    def __enter__(self) -> DistillationWriter:
        try:
            started = time.time()
            self._created = make_parents(self.path.parent)
            sweep_stale(self.path)
            if self.path.suffix:  # the studio's Improve names each run's file anew: its killed runs' too
                sweep_stale_kind(self.path.parent, self.path.suffix, before=started)
            fd, tmp = tempfile.mkstemp(prefix=temp_name(self.path), suffix=".tmp", dir=self.path.parent)
            os.close(fd)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; a normal file for the user
        except OSError as error:
            remove_empty(self._created)
            raise ExportError(self.path, f"cannot create the HDF5 file ({describe_os_error(error)})") from error
        self._tmp = Path(tmp)
        try:
            self._raw = _GuardedFile(self._tmp)
            self._file = h5py.File(self._raw, "w")
        except OSError as error:
            self._discard()
            raise ExportError(self.path, f"cannot create the HDF5 file ({describe_os_error(error)})") from error
        attrs = self._file.attrs
        attrs["schema_version"] = schema.SCHEMA_VERSION
        attrs["format"] = schema.FORMAT_NAME
        attrs["created"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        for key, value in asdict(self.header).items():
            attrs[key] = value
        self._file.create_group("sequences")
        return self

    def begin_sequence(self, attrs: SequenceAttrs, labels: dict[str, np.ndarray]) -> SequenceWriter:
        """Start a sequence group with its per-frame label arrays: every one of
        schema.LABEL_DATASETS, and those of schema.OPTIONAL_LABEL_DATASETS that ``labels`` has."""
        assert self._file is not None, "use DistillationWriter as a context manager"
        if self._open_sequence is not None:
            self._open_sequence.finish()
        sequences = self._file["sequences"]
        key = group_name(attrs.name)
        if key in sequences:
            raise ValueError(f"sequence {attrs.name!r} is already in {self.path}")
        group = sequences.create_group(key)
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
            dataset = label_group.create_dataset(name, data=array, compression="gzip", compression_opts=4)
            if name in schema.LABEL_CODE_TABLES:
                dataset.attrs["codes"] = json.dumps(schema.LABEL_CODE_TABLES[name])
        for name, row_shape in schema.OPTIONAL_LABEL_DATASETS.items():
            if name not in labels:
                continue
            array = np.asarray(labels[name])
            if array.shape != (n,) + row_shape:
                raise ValueError(f"labels[{name!r}] has shape {array.shape}, expected {(n,) + row_shape}")
            dataset = label_group.create_dataset(name, data=array, compression="gzip", compression_opts=4)
            if name in schema.LABEL_CODE_TABLES:
                dataset.attrs["codes"] = json.dumps(schema.LABEL_CODE_TABLES[name])
        label_group.attrs["provenance_codes"] = json.dumps(schema.LABEL_CODE_TABLES["provenance"])
        self._open_sequence = SequenceWriter(group, self.header, self.check_write_errors)
        self.check_write_errors()
        return self._open_sequence

    def _discard(self) -> None:
        if self._raw is not None:
            self._raw.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
        remove_empty(self._created)

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._file is not None and self._tmp is not None and self._raw is not None
        try:
            if exc_type is None and self._open_sequence is not None:
                self._open_sequence.finish()
        finally:
            try:
                self._file.close()
            except (OSError, RuntimeError) as error:  # HDF5 reports what _GuardedFile kept
                if self._raw.error is None:
                    self._raw.error = OSError(getattr(error, "errno", None) or 5, first_line(error))
            self._raw.close()
        if exc_type is None and self._raw.error is None:
            try:
                os.replace(self._tmp, self.path)
                return
            except OSError as error:
                self._raw.error = error
        error = self._raw.error
        self._discard()
        if exc_type is None and error is not None:
            raise self._fail(error)
