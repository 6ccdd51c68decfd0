"""Reading and validating distillation HDF5 files (schema in ``core.distillation.schema``).

``DistillationFile(path)`` checks the format name, the schema version and every
dataset's shape up front and raises :class:`DistillationDataError` naming the file and
what is wrong. Samples are read lazily, one row at a time.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np

from core.distillation import schema
from core.distillation.writer import Sample, SequenceAttrs
from core.errors import DistillationDataError


def resolve_source(source: str, data_path: str | Path) -> Path | None:
    """Where a sequence's ``visible_source`` / ``thermal_source`` is: an absolute path as
    stored; a relative one (files written before sources were stored absolute) against
    the folder of the distillation file ``data_path`` first, then the current folder.
    None when ``source`` is empty or found in neither place."""
    if not source:
        return None
    path = Path(source)
    if path.is_absolute():
        return path if path.exists() else None
    for base in (Path(data_path).absolute().parent, Path.cwd()):
        if (base / path).exists():
            return base / path
    return None


def _text(value) -> str:
    """A string attribute as text: h5py returns fixed-length strings (as MATLAB's
    ``h5writeatt`` and many other writers store them) as bytes."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bytes | np.bytes_):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def other_file_kind(path: str | Path) -> str | None:
    """What ``path`` is when its first bytes say it is another of the project's files (a
    checkpoint, an annotation store) or empty, not distillation data; None otherwise (h5py
    then judges it). ``distill --data student.pt`` said 'not a readable HDF5 file (Unable to
    synchronously open file (file signature not found))'."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None  # h5py says why
    fix = "give the .h5 file that export-distill or the studio's File > Export wrote"
    if not head:
        return f"is empty (0 bytes), not distillation data; {fix}"
    if head.startswith(b"PK\x03\x04") or head[:1] == b"\x80":
        return f"is a PyTorch checkpoint, not distillation data; {fix}"
    if head.startswith(b"SQLite format 3\x00"):
        return f"is an annotation store, not distillation data; {fix} from it"
    return None


#: what h5py raises for a damaged file's structure (a broken object header, local heap or
#: symbol table: 'Unable to synchronously check link existence (bad datablock address)'),
#: naming no file
H5_DAMAGE = (OSError, RuntimeError, KeyError)


def _h5_detail(error: BaseException) -> str:
    """The innermost parenthesised part of an h5py message (its cause), or the message."""
    found = re.findall(r"\(([^()]*)\)", str(error))
    return found[-1] if found else (str(error).splitlines()[0] if str(error) else type(error).__name__)


def _damage_is_one_line(method):
    """``method`` of :class:`DistillationFile` with h5py's errors of a damaged file
    (:data:`H5_DAMAGE`: a traceback, or a line naming no file) as one DistillationDataError
    naming the file."""
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except H5_DAMAGE as error:
            raise self._damaged(error) from error
    return checked


#: rows :meth:`DistillationFile.iter_samples` reads at once: the writer's chunk of the sample datasets
BLOCK_ROWS = 16


class DistillationFile:
    """An open, validated distillation file. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.is_dir():
            raise DistillationDataError(self.path, "is a folder; give the distillation .h5 file(s) in it")
        if not self.path.is_file():
            raise DistillationDataError(self.path, "file not found")
        problem = other_file_kind(self.path)
        if problem is not None:
            raise DistillationDataError(self.path, problem)
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as error:
            cut = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", str(error))
            if cut:
                raise DistillationDataError(self.path, f"is cut short: {cut.group(1)} of its {cut.group(2)} bytes (a "
                                                       "copy or download that stopped, or a full disk); export it "
                                                       "again") from error
            raise DistillationDataError(self.path, f"not a readable HDF5 file ({error})") from error
        try:
            self._validate()
        except DistillationDataError:
            self._file.close()
            raise
        except H5_DAMAGE as error:
            self._file.close()
            raise self._damaged(error) from error

    def _damaged(self, error: BaseException) -> DistillationDataError:
        return DistillationDataError(self.path, f"cannot be read: the file is damaged ({_h5_detail(error)}); export "
                                                "it again")

    # -- validation ---------------------------------------------------------------------
    def _fail(self, problem: str) -> None:
        raise DistillationDataError(self.path, problem)

    def _read(self, group, key: str, where: str, index=Ellipsis) -> np.ndarray:
        """``group[key][index]``; a chunk that cannot be decoded (bad sectors, a bad copy: h5py's
        OSError, which names no file) is a DistillationDataError naming the dataset."""
        try:
            return group[key][index]
        except OSError as error:
            if isinstance(index, slice):
                row = f" rows {index.start}..{index.stop - 1}"
            else:
                row = "" if index is Ellipsis else f" row {index}"
            found = re.findall(r"\(([^()]*)\)", str(error))
            self._fail(f"{where}: {group.name.rsplit('/', 1)[-1]}/{key}{row} cannot be read: the file is damaged "
                       f"({found[-1] if found else error})")

    def _whole(self, value, what: str) -> int:
        """``value`` of the attribute ``what`` as an int; DistillationDataError when it is not one."""
        try:
            number = float(_text(value))
        except (TypeError, ValueError):
            number = float("nan")
        if not number.is_integer():
            self._fail(f"{what} is {value!r}, expected a whole number")
        return int(number)

    def _validate(self) -> None:
        attrs = self._file.attrs
        if _text(attrs.get("format")) != schema.FORMAT_NAME:
            self._fail(f"not a distillation file (format attribute is {attrs.get('format')!r}, expected {schema.FORMAT_NAME!r})")
        version = attrs.get("schema_version")
        if version is None:
            self._fail("missing the schema_version attribute")
        version = self._whole(version, "the schema_version attribute")
        if version > schema.SCHEMA_VERSION:
            self._fail(f"schema version {version} is newer than this program reads ({schema.SCHEMA_VERSION}); update rgbt-studio")
        if version < 1:
            self._fail(f"invalid schema version {version!r}")
        missing = [key for key in schema.ROOT_ATTRS if key not in attrs and key not in schema.ROOT_ATTR_DEFAULTS]
        if missing:
            self._fail(f"missing root attributes {missing}")
        if self.frames_mode not in schema.FRAMES_MODES:
            self._fail(f"frames_mode {attrs['frames_mode']!r} is not one of {schema.FRAMES_MODES}")
        if not isinstance(self._file.get("sequences"), h5py.Group):
            self._fail("missing the /sequences group")
        z, x, f = (self._whole(attrs[key], f"the {key} attribute") for key in ("template_size", "search_size", "feature_size"))
        for name, group in self._file["sequences"].items():
            where = f"sequence {name!r}"
            if not isinstance(group, h5py.Group):
                self._fail(f"{where}: is not a group")
            missing = [key for key in schema.SEQUENCE_ATTRS if key not in group.attrs]
            if missing:
                self._fail(f"{where}: missing attributes {missing}")
            n = self._whole(group.attrs["num_frames"], f"{where}: num_frames")
            if "labels" not in group or "samples" not in group:
                self._fail(f"{where}: needs 'labels' and 'samples' groups")
            for label, row_shape in schema.LABEL_DATASETS.items():
                if label not in group["labels"]:
                    self._fail(f"{where}: missing labels/{label}")
                if group["labels"][label].shape != (n,) + row_shape:
                    self._fail(f"{where}: labels/{label} has shape {group['labels'][label].shape}, expected {(n,) + row_shape}")
            for label, row_shape in schema.OPTIONAL_LABEL_DATASETS.items():
                if label in group["labels"] and group["labels"][label].shape != (n,) + row_shape:
                    self._fail(f"{where}: labels/{label} has shape {group['labels'][label].shape}, expected {(n,) + row_shape}")
            samples = group["samples"]
            expected = {
                "frame": (),
                "template_frame": (),
                "template_box": (4,),
                "search_geometry": (4,),
                "score_map": (1, f, f),
                "size_map": (2, f, f),
                "offset_map": (2, f, f),
            }
            if self.frames_mode == "embedded":
                expected.update(
                    {"template_visible": (z, z, 3), "template_thermal": (z, z), "search_visible": (x, x, 3), "search_thermal": (x, x)}
                )
            counts = set()
            for dataset, row_shape in expected.items():
                if dataset not in samples:
                    self._fail(f"{where}: missing samples/{dataset}")
                if samples[dataset].shape[1:] != row_shape:
                    self._fail(f"{where}: samples/{dataset} rows have shape {samples[dataset].shape[1:]}, expected {row_shape}")
                counts.add(samples[dataset].shape[0])
            if len(counts) > 1:
                self._fail(f"{where}: sample datasets have different lengths {sorted(counts)}")
            for dataset in ("frame", "template_frame"):
                frames = self._read(samples, dataset, where)
                if frames.dtype.kind not in "iu":
                    self._fail(f"{where}: samples/{dataset} holds {frames.dtype}, expected integers")
                if frames.size and (frames.min() < 0 or frames.max() >= n):
                    self._fail(f"{where}: samples/{dataset} has frame indices outside 0..{n - 1}")
            self._check_values(samples, where, x)

    def _check_values(self, samples, where: str, search_size: int) -> None:
        """The sample values a crop is made of: ``search_geometry`` rows finite, with a scale
        above 0 and the search crop's output size; ``template_box`` rows finite boxes with w, h
        above 0; the teacher maps finite (rows are 0-based)."""
        geometry = np.asarray(self._read(samples, "search_geometry", where), dtype=np.float64)
        rows = np.flatnonzero(~np.isfinite(geometry).all(axis=1))
        if rows.size:
            self._fail(f"{where}: samples/search_geometry row {rows[0]} is not finite")
        rows = np.flatnonzero(geometry[:, 2] <= 0)
        if rows.size:
            self._fail(f"{where}: samples/search_geometry row {rows[0]} has scale {geometry[rows[0], 2]}, expected > 0")
        rows = np.flatnonzero(geometry[:, 3] != search_size)
        if rows.size:
            self._fail(f"{where}: samples/search_geometry row {rows[0]} has output size {geometry[rows[0], 3]}, "
                       f"expected the search crop's {search_size}")
        boxes = np.asarray(self._read(samples, "template_box", where), dtype=np.float64)
        rows = np.flatnonzero(~(np.isfinite(boxes).all(axis=1) & (boxes[:, 2] > 0) & (boxes[:, 3] > 0)))
        if rows.size:
            self._fail(f"{where}: samples/template_box row {rows[0]} is not a box (x, y, w, h finite, w and h > 0)")
        for dataset in ("score_map", "size_map", "offset_map"):
            values = self._read(samples, dataset, where)
            rows = np.flatnonzero(~np.isfinite(values).reshape(len(values), -1).all(axis=1)) if len(values) else np.empty(0, int)
            if rows.size:
                self._fail(f"{where}: samples/{dataset} holds NaN or infinite values (row {rows[0]})")

    # -- access -------------------------------------------------------------------------
    @property
    @_damage_is_one_line
    def header(self) -> dict:
        """The root attributes (schema.ROOT_ATTRS); those a file predates
        (schema.ROOT_ATTR_DEFAULTS: a file written before 2026-11-24 has no crop factors,
        and was refused as 'missing root attributes') with the value such files had."""
        header = {key: (v.item() if isinstance(v, np.generic) else v) for key, v in self._file.attrs.items()}
        return {**schema.ROOT_ATTR_DEFAULTS, **header}

    @property
    @_damage_is_one_line
    def frames_mode(self) -> str:
        return _text(self._file.attrs["frames_mode"])

    @_damage_is_one_line
    def sequence_names(self) -> list[str]:
        return list(self._file["sequences"].keys())

    @_damage_is_one_line
    def sequence_attrs(self, name: str) -> SequenceAttrs:
        a = self._file["sequences"][name].attrs
        return SequenceAttrs(
            name=_text(a["name"]),
            visible_source=_text(a["visible_source"]),
            thermal_source=_text(a["thermal_source"]),
            width=int(a["width"]),
            height=int(a["height"]),
            num_frames=int(a["num_frames"]),
            frame_offset=int(a["frame_offset"]),
            layout=_text(a["layout"]),
        )

    @_damage_is_one_line
    def labels(self, name: str) -> dict[str, np.ndarray]:
        """Per-frame label arrays of a sequence: schema.LABEL_DATASETS and
        schema.OPTIONAL_LABEL_DATASETS, the latter filled in where the file predates them.

        ``tracker`` (N,) uint8 (schema.TRACKER_CODES): in a file without it, every
        machine-tracked frame (provenance "student") is TRACKER_UNKNOWN, the rest TRACKER_NONE.
        """
        group = self._file["sequences"][name]["labels"]
        where = f"sequence {name!r}"
        labels = {key: self._read(group, key, where) for key in schema.LABEL_DATASETS}
        if "tracker" in group:
            labels["tracker"] = self._read(group, "tracker", where).astype(np.uint8)
        else:
            machine = labels["provenance"] == schema.PROVENANCE_CODES["student"]
            labels["tracker"] = np.where(machine, schema.TRACKER_UNKNOWN, schema.TRACKER_NONE).astype(np.uint8)
        return labels

    @_damage_is_one_line
    def sample_frames(self, name: str) -> np.ndarray:
        """(M,) int: the search frame of each sample of sequence ``name`` (0-based)."""
        return np.asarray(self._read(self._file["sequences"][name]["samples"], "frame", f"sequence {name!r}"))

    @_damage_is_one_line
    def num_samples(self, name: str) -> int:
        return int(self._file["sequences"][name]["samples"]["frame"].shape[0])

    @_damage_is_one_line
    def sample(self, name: str, row: int) -> Sample:
        """Sample ``row`` of sequence ``name``; crops are None in "referenced" mode."""
        g = self._file["sequences"][name]["samples"]
        where = f"sequence {name!r}"

        def read(key: str) -> np.ndarray:
            return self._read(g, key, where, row)

        crops = {}
        if self.frames_mode == "embedded":
            crops = {key: read(key) for key in schema.EMBEDDED_DATASETS}
        return Sample(
            frame=int(read("frame")),
            template_frame=int(read("template_frame")),
            template_box=read("template_box").astype(np.float64),
            search_geometry=read("search_geometry"),
            score_map=read("score_map").astype(np.float32),
            size_map=read("size_map").astype(np.float32),
            offset_map=read("offset_map").astype(np.float32),
            **crops,
        )

    def iter_samples(self, name: str) -> Iterator[Sample]:
        """The samples of sequence ``name`` in order, read :data:`BLOCK_ROWS` rows at a time (a
        row at a time, each compressed chunk was decompressed for every row it holds: 13 s for
        the 750 samples of an antiuav-7 export, most of it in h5py)."""
        count = self.num_samples(name)
        for start in range(0, count, BLOCK_ROWS):
            yield from self._block(name, start, min(start + BLOCK_ROWS, count))

    @_damage_is_one_line
    def _block(self, name: str, start: int, stop: int) -> list[Sample]:
        """Samples ``start`` .. ``stop`` - 1 of sequence ``name`` (as :meth:`sample` reads one)."""
        g = self._file["sequences"][name]["samples"]
        where = f"sequence {name!r}"
        keys = schema.SAMPLE_DATASETS + (schema.EMBEDDED_DATASETS if self.frames_mode == "embedded" else ())
        block = {key: self._read(g, key, where, slice(start, stop)) for key in keys}
        crops = [key for key in schema.EMBEDDED_DATASETS if key in block]
        return [Sample(frame=int(block["frame"][i]), template_frame=int(block["template_frame"][i]),
                       template_box=block["template_box"][i].astype(np.float64),
                       search_geometry=block["search_geometry"][i],
                       score_map=block["score_map"][i].astype(np.float32),
                       size_map=block["size_map"][i].astype(np.float32),
                       offset_map=block["offset_map"][i].astype(np.float32),
                       **{key: block[key][i] for key in crops})
                for i in range(stop - start)]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DistillationFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
