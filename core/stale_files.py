"""What killed writers left behind: their temporaries found, and swept with a note.

Every writer of :mod:`core.fileio` writes beside its target under a temporary name that carries
its process id (``.<name>.<pid>.<random><suffix>``, :func:`core.fileio.temp_name`):
:func:`sweep_stale` (called by every writer) removes what a killed run left beside one target
and reports it with a :class:`CleanupNote` warning; :func:`sweep_stale_kind` does it for every
file of one kind in a folder (a writer that names each run's file anew). A temporary folder of
``core.fileio.atomic_directory`` holds :data:`TEMP_OWNER_FILE` (:func:`owner_text`: the writer's
process id and host) until the rename, so a folder a killed export left beside ANOTHER target of
the same parent is found too (:func:`stale_temporary_folders`) and swept at the next export into
that parent (:func:`sweep_stale_folders`); a hidden folder without our mark, of a live process
or another host is never touched.
"""
from __future__ import annotations

import os
import re
import shutil
import time
import warnings
from pathlib import Path

# Old-style temporaries (no process id in the name) older than this are removed.
LEGACY_TEMP_AGE_S = 3600.0

#: written into every temporary folder of :func:`atomic_directory` (and removed before it
#: becomes the target): "rgbt-studio temporary of <target name>", "pid: <id>", "host: <name>"
TEMP_OWNER_FILE = ".rgbt-studio-temporary"
_TEMP_FOLDER = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[a-z0-9_]{8}")


class CleanupNote(UserWarning):
    """Something was cleaned up (or needs the user's attention) before a write."""


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else
    return True


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _temp_name_pattern(target: Path) -> re.Pattern[str]:
    # .<name>.<pid>.<random><suffix>  (new) or .<name>.<random><suffix> (old, no pid)
    # mkstemp / mkdtemp draw 8 characters from [a-z0-9_]; a writer may give the temporary the target's own
    # suffix (``atomic_path(..., suffix=".mp4")``: OpenCV picks the container by it), swept when its pid is gone
    return re.compile(re.escape(_temp_prefix(target))
                      + r"(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}(?P<suffix>\.tmp|\.pt|\.probe|\.[A-Za-z0-9]{1,8})?$")


#: the suffixes of temporaries without a process id in their name (earlier versions' writers)
_OLD_SUFFIXES = (".tmp", ".pt", ".probe")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep_stale(target: str | Path) -> list[str]:
    """Remove temporaries a killed run left beside ``target``; returns what was done.

    A temporary whose writer (the process id in its name) is gone is removed (whatever its
    suffix: before 2026-12-07 those given their target's, ``.mp4``, ``.npy``, ``.onnx``, a review
    video's or a quantised model's, were never swept); an
    old-style one (no process id) is removed when older than ``LEGACY_TEMP_AGE_S`` and
    reported otherwise. A ``.<name>.old`` folder (an export killed between its two
    renames) is put back when ``target`` is missing, else removed. Each action is also
    issued as a :class:`CleanupNote` warning (the CLI prints them as ``note:`` lines).
    """
    target = Path(target)
    folder = target.parent
    notes: list[str] = []
    if not folder.is_dir():
        return notes
    pattern = _temp_name_pattern(target)
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return notes
    for entry in entries:
        if entry.name == f".{target.name}.old":
            continue
        match = pattern.match(entry.name)
        if match is None:
            continue
        pid = match.group("pid")
        if match.group("suffix") is None and not entry.is_dir():
            continue  # temporaries without a suffix are folders
        if pid is None and match.group("suffix") not in (None, *_OLD_SUFFIXES):
            continue  # a suffix of the target's own: only writers that name their process wrote one
        try:
            age = now - entry.lstat().st_mtime
        except OSError:
            continue
        if pid is not None:
            if _pid_alive(int(pid)):
                continue
            _remove(entry)
            notes.append(f"removed {entry}, left by an earlier run that was stopped (process {pid})")
        elif age > LEGACY_TEMP_AGE_S:
            _remove(entry)
            notes.append(f"removed {entry}, left by an earlier run that was stopped")
        else:
            notes.append(f"{entry} looks like the temporary of another run that is still writing {target.name}; "
                         "remove it if no such run is going on")
    old = folder / f".{target.name}.old"
    if old.exists():
        if not target.exists():
            os.replace(old, target)
            notes.append(f"restored {target} from {old} (an earlier export was stopped while replacing it)")
        else:
            _remove(old)
            notes.append(f"removed {old}, left by an earlier export that was stopped")
    for note in notes:
        warnings.warn(note, CleanupNote, stacklevel=2)
    return notes


def _host() -> str:
    import socket

    return socket.gethostname()


def owner_text(target: Path) -> str:
    """What :data:`TEMP_OWNER_FILE` holds for this process writing ``target``."""
    return f"rgbt-studio temporary of {target.name}\npid: {os.getpid()}\nhost: {_host()}\n"


def stale_temporary_folders(folder: str | Path) -> list[tuple[Path, str]]:
    """``(path, target name)`` of each temporary folder in ``folder`` that a killed
    :func:`atomic_directory` left: a hidden ``.<name>.<pid>.<random>`` folder (not a link) holding
    our :data:`TEMP_OWNER_FILE` that names that process id and this host, whose process is gone.
    Anything else (no mark, a mark that does not match its name, a live writer, another host
    sharing the folder) is not listed."""
    found: list[tuple[Path, str]] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return found
    for entry in entries:
        match = _TEMP_FOLDER.fullmatch(entry.name)
        if match is None:
            continue
        try:
            if entry.is_symlink() or not entry.is_dir():
                continue
            lines = (entry / TEMP_OWNER_FILE).read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        except OSError:
            continue
        pid = match.group("pid")
        if (len(lines) < 3 or lines[0] != f"rgbt-studio temporary of {match.group('name')}"
                or lines[1] != f"pid: {pid}" or lines[2] != f"host: {_host()}" or _pid_alive(int(pid))):
            continue
        found.append((entry, match.group("name")))
    return sorted(found)


def sweep_stale_folders(folder: str | Path) -> list[str]:
    """Remove the folders of :func:`stale_temporary_folders` in ``folder`` (an export killed midway
    beside any target there), each said in a :class:`CleanupNote` warning; returns the notes."""
    notes = []
    for path, name in stale_temporary_folders(folder):
        shutil.rmtree(path, ignore_errors=True)
        notes.append(f"removed {path}, the unfinished {name} of an earlier export that was stopped")
    for note in notes:
        warnings.warn(note, CleanupNote, stacklevel=2)
    return notes


def sweep_stale_kind(folder: str | Path, target_suffix: str, *, before: float) -> list[str]:
    """Remove the temporary files that killed writers left in ``folder`` for any target named
    ``*<target_suffix>`` (``.h5``): ``.<name><target_suffix>.<pid>.<random>.tmp`` (as
    :func:`atomic_path` and the distillation writer name them, :func:`temp_name`), whose writer
    process is gone and which were last changed before ``before`` (a ``time.time()``: when the
    current run started). :func:`sweep_stale` finds only the temporaries of one target's name; a
    writer that names each run's file anew (the studio's Improve) needs this. Nothing else is
    touched: other names, folders, a live writer's temporary. Each removal is also a
    :class:`CleanupNote` warning; returns the notes."""
    folder = Path(folder)
    pattern = re.compile(r"\.(?P<name>.+" + re.escape(target_suffix) + r")\.(?P<pid>\d+)\.[a-z0-9_]{8}\.tmp")
    notes: list[str] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return notes
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _pid_alive(int(match.group("pid"))):
            continue
        try:
            if not entry.is_file() or entry.is_symlink() or entry.lstat().st_mtime >= before:
                continue
            entry.unlink()
        except OSError:
            continue
        notes.append(f"removed {entry}, left by an earlier run that was stopped while writing {match.group('name')} "
                     f"(process {match.group('pid')})")
    for note in notes:
        warnings.warn(note, CleanupNote, stacklevel=2)
    return notes


# -- checks before any work ---------------------------------------------------------------
