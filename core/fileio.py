"""Safe file writing: outputs checked before any work, written atomically, leftovers swept.

- :func:`check_output`: refuse an output path before the work starts (a folder where a
  file is meant, an input / annotation store / ground truth of the command, an existing
  file without ``force``, a place that cannot be written).
- :func:`atomic_path` / :func:`atomic_directory`: write to a temporary file or folder
  beside the target, then ``os.replace``; on any error nothing changes, and folders
  created for the target are removed again.
- Temporary names carry the writer's process id (``.<name>.<pid>.<random><suffix>``), and
  :func:`atomic_directory` marks its temporary folder as ours, so what a killed run left
  behind is swept by the next writer with a note (:mod:`core.stale_files`).
- :func:`safe_component`: a sequence name made safe to use as one path component.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from core.errors import ConfigError, FileProblem, OutputError
from core.stale_files import (
    LEGACY_TEMP_AGE_S,
    TEMP_OWNER_FILE,
    CleanupNote,
    owner_text,
    stale_temporary_folders,
    sweep_stale,
    sweep_stale_folders,
    sweep_stale_kind,
)

#: names other code imports from here (the sweeping of leftovers, ``core.stale_files``): kept importable
__all__ = ["LEGACY_TEMP_AGE_S", "TEMP_OWNER_FILE", "CleanupNote", "stale_temporary_folders", "sweep_stale",
           "sweep_stale_folders", "sweep_stale_kind"]

SQLITE_MAGIC = b"SQLite format 3\x00"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
PROBE_BYTES = 64 * 1024  # written (and removed) by check_output to find a full disk early


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def describe_os_error(error: OSError) -> str:
    """Short human text of an OSError: ``disk full``, ``permission denied`` ..."""
    code = getattr(error, "errno", None)
    known = {
        errno.ENOSPC: "no space left on the disk",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "read-only file system",
        errno.EISDIR: "is a folder",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENOENT: "no such file or folder",
        errno.ENAMETOOLONG: "file name too long",
    }
    if code in known:
        return known[code]
    return error.strerror or str(error) or type(error).__name__


def _nearest_existing(path: Path) -> Path:
    current = path
    while not current.exists():
        if current.parent == current:
            break
        current = current.parent
    return current


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks (memory stays flat on large weights).
    Identifies a checkpoint: the one an ONNX file was exported from, the weights a benchmark
    result or a distillation file came from. Raises OSError as ``open`` does."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_magic(path: Path, size: int = 16) -> bytes:
    """The first ``size`` bytes of ``path`` (b"" when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def check_output(
    path: str | Path,
    *,
    protected: Iterable[tuple[str | Path, str]] = (),
    force: bool = False,
    folder: bool = False,
    option: str = "output",
    free_bytes: int = 0,
) -> Path:
    """Check an output path before any work; OutputError naming the path and the problem.

    protected: ``(path, what)`` pairs the output must never be (or, for a folder output,
    contain), e.g. ``(input, "an input of this command")``. An annotation store (an
    SQLite file) is never overwritten. ``force``: allow replacing an existing file (a
    folder output may exist; its own checks are the writer's). ``folder``: the output is
    a folder. ``free_bytes``: least free disk space needed. ``option`` names the
    command-line option in messages. Returns ``Path(path)``.
    """
    path = Path(path)
    for other, what in protected:
        other = Path(other)
        if _same_file(path, other):
            raise OutputError(path, f"{option} is {what}; refusing to overwrite it (choose another path)")
        if folder and other.exists() and path.resolve() in other.resolve().parents:
            raise OutputError(path, f"{option} folder holds {what} ({other}); choose another folder")
        if other.is_dir() and other.resolve() in path.resolve().parents:
            raise OutputError(path, f"{option} lies inside the folder of {what} ({other}); choose another place")
    if path.is_symlink() and not path.exists():
        raise OutputError(path, f"{option} is a broken symbolic link")
    if folder:
        if path.exists() and not path.is_dir():
            raise OutputError(path, f"{option} is a file; a folder is needed here")
    else:
        if path.is_dir():
            raise OutputError(path, f"{option} is a folder; give a file name")
        if path.exists():
            if file_magic(path) == SQLITE_MAGIC:
                raise OutputError(path, f"{option} is an annotation database (SQLite); refusing to overwrite it")
            if not force:
                raise OutputError(path, f"{option} already exists (give --force to replace it)")
    base = _nearest_existing(path.parent if not folder else path)
    if not base.is_dir():
        raise OutputError(path, f"{base} is a file, not a folder")
    probe = None
    try:  # a small real write: a full disk or a read-only place is found before the work
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".probe", dir=base)
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise OutputError(path, f"cannot write in {base} ({describe_os_error(error)})") from None
    finally:
        if probe is not None:
            with contextlib.suppress(OSError):
                os.unlink(probe)
    if free_bytes:
        free = shutil.disk_usage(base).free
        if free < free_bytes:
            raise OutputError(path, f"only {free / 1e6:.1f} MB free in {base}, about {free_bytes / 1e6:.1f} MB "
                                    "are needed")
    return path


# -- atomic writers -----------------------------------------------------------------------
def make_parents(folder: Path) -> list[Path]:
    """``mkdir -p folder``; returns the folders it created (deepest last)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) where they are empty; errors ignored."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            break


def temp_name(target: Path, suffix: str = "") -> str:
    """Prefix for ``mkstemp``/``mkdtemp`` beside ``target``, tagged with this process id."""
    return f".{target.name}.{os.getpid()}."


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    On any exception (or generator close) the temporary file is removed, folders made
    for ``target`` are removed again and ``target`` keeps its previous content. An
    OSError (disk full, no permission, ...) becomes an OutputError naming ``target``.
    """
    target = Path(target)
    created: list[Path] = []
    tmp_path: Path | None = None
    done = False
    try:
        created = make_parents(target.parent)
        sweep_stale(target)
        fd, tmp = tempfile.mkstemp(prefix=temp_name(target), suffix=suffix or ".tmp", dir=target.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        yield tmp_path
        os.replace(tmp_path, target)
        done = True
    except OSError as error:
        raise OutputError(target, f"cannot write ({describe_os_error(error)}); nothing was changed") from error
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()
        if not done:
            remove_empty(created)


def write_text_atomic(target: str | Path, text: str, *, newline: str = "\n") -> None:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; on success it replaces ``target``.

    An existing ``target`` is moved aside (``.<name>.old``) and deleted only after the
    new one is in place (a run killed in between is repaired by :func:`sweep_stale`). The
    temporary folder holds :data:`TEMP_OWNER_FILE` until the rename (the writer may ignore it),
    and the temporaries killed runs left in the parent are swept first (:func:`sweep_stale_folders`).
    OSError becomes OutputError naming ``target``, and a FileProblem about a file in the
    temporary directory names that file's place in ``target`` (the user never sees the hidden
    folder); created parent folders are removed again on failure.
    """
    target = Path(target)
    created: list[Path] = []
    tmp: Path | None = None
    done = False
    try:
        created = make_parents(target.parent)
        sweep_stale(target)
        sweep_stale_folders(target.parent)  # those killed exports left beside other targets here
        tmp = Path(tempfile.mkdtemp(prefix=temp_name(target), dir=target.parent))
        os.chmod(tmp, 0o777 & ~_umask())
        (tmp / TEMP_OWNER_FILE).write_text(owner_text(target), encoding="utf-8", errors="surrogateescape")
        yield tmp
        (tmp / TEMP_OWNER_FILE).unlink(missing_ok=True)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(tmp, target)
        done = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        raise OutputError(target, f"cannot write ({describe_os_error(error)}); nothing was changed") from error
    except FileProblem as error:  # about a file in the hidden folder: name its place in target instead
        if (tmp is None or error.path is None or not inside(tmp, error.path)
                or type(error).__init__ is not FileProblem.__init__):  # a subclass with its own fields keeps them
            raise
        raise type(error)(target / error.path.resolve().relative_to(tmp.resolve()),
                          f"{error.problem}; nothing was changed", line=error.line) from error
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if not done:
            remove_empty(created)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]')


def not_utf8(path: str | Path) -> bool:
    """Whether ``path`` is not valid UTF-8 text: a name with a byte such as ``\\xff`` (Latin-1 on
    Linux) holds a surrogate (``\\udcff``), which OpenCV cannot take: ``cv2.VideoCapture`` and
    ``cv2.imwrite`` end the process with a segmentation fault on such a path."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: a byte that is not valid UTF-8 in a file name, as Python holds it (surrogateescape)
_SURROGATES = re.compile("[\udc80-\udcff]")


def safe_component(name: str, default: str = "sequence") -> str:
    """``name`` as ONE safe path component: path separators, control characters,
    characters Windows forbids and bytes that are not valid UTF-8 become ``_``; no leading
    dot (so never ``.`` / ``..`` or a hidden file), no trailing dot or space, at most 100
    characters."""
    text = _SURROGATES.sub("_", _UNSAFE.sub("_", str(name))).strip()
    text = text.lstrip(".").strip().rstrip(". ") or default
    return text[:100]


def inside(folder: Path, path: Path) -> bool:
    """True when ``path`` lies inside ``folder`` (after resolving links and ``..``)."""
    folder, path = Path(folder).resolve(), Path(path).resolve()
    return path == folder or folder in path.parents


def read_json_object(path: str | Path, what: str, missing_hint: str = "") -> dict:
    """The JSON object in the file at ``path``, or one ConfigError line naming the file:
    ``<path>: <what> not found<missing_hint>``, ``<path>: not a readable JSON <what>
    (<reason>)`` (unreadable, not UTF-8, invalid JSON) or ``<path>: <what> must be a JSON
    object``. ``what`` names the kind of file for the user (``"split file"``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found{missing_hint}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(f"{path}: not a readable JSON {what} ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {what} must be a JSON object")
    return data
