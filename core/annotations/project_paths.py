"""Where a sequence's project (annotation store) lives, shared by the studio and the
command line, so both find the same file.

- :func:`studio_home`: the studio's own folder, ``$RGBT_STUDIO_HOME`` or ``~/.rgbt-studio``
  (settings, the demo's projects, improved student weights).
- :func:`project_store_path`: beside the sequence's sources
  (:func:`core.annotations.store.default_store_path`), except for the bundled assets
  (read-only for the user, e.g. the demo pair), whose projects go to
  ``<studio home>/projects/``; a lone video named by a modality word keeps the project it
  had under its earlier name (:func:`earlier_name`), and footage whose folder was renamed
  or moved with its project keeps that project (:func:`moved_project`).

What a project records of its footage is read here too: the frame offset (:func:`stored_offset`),
the sources (:func:`stored_sources`), and the frame rate stated for footage that records none
(:func:`stated_fps`, :func:`apply_stated_fps`: the studio's View > Frame rate..., which ``render
--store`` follows too).
"""
from __future__ import annotations

import os
from pathlib import Path

from core.annotations.store import STORE_SUFFIX, default_store_path, store_file_name
from core.assets import assets_dir


def studio_home() -> Path:
    """The studio's folder: ``$RGBT_STUDIO_HOME`` or ``~/.rgbt-studio``."""
    env = os.environ.get("RGBT_STUDIO_HOME")
    return Path(env) if env else Path.home() / ".rgbt-studio"


def stored_offset(store) -> int:
    """The frame offset a project was made with (its meta entry ``frame_offset``; 0 when it has
    none). An entry that is no whole number (a project changed outside the studio: ``"abc"``,
    ``[1]``) stopped the opening with a ValueError; it reads as 0 now, and ``store.unreadable_meta``
    names it. ``store``: an ``AnnotationStore``."""
    value = store.get_meta("frame_offset", 0)
    if value is None:
        return 0
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TypeError(value)
        return int(value)
    except (TypeError, ValueError, OverflowError):
        store.ignore_meta("frame_offset")
        return 0


def stored_sources(store) -> list[str]:
    """The footage paths a project names (its meta entry ``sources``: the visible and thermal
    videos, or the sequence folder), or [] when none. An entry that is not a list of paths (a
    project changed outside the studio) reads as [] and ``store.unreadable_meta`` names it."""
    value = store.get_meta("sources", None)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        store.ignore_meta("sources")
        return []
    return list(value)


#: the project's meta entry holding the frame rate the user stated (View > Frame rate...) for footage
#: that records none (``SequenceInfo.fps_assumed``: image folders)
FPS_META = "fps"


def stated_fps(store) -> float | None:
    """The frame rate stated in the project ``store`` (:data:`FPS_META`), or None (none, or not a
    rate: a project edited outside the studio)."""
    value = store.get_meta(FPS_META, None)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1000:
        return None
    return float(value)


def apply_stated_fps(sequence, store) -> bool:
    """Give footage that records no frame rate the one stated in its project: the sequence's
    ``info.fps`` (which playback, the clock and exports read), no longer assumed. True when applied;
    a rate the footage records itself (a video, a folder's ``SOURCE.txt``) is left as it is."""
    fps = stated_fps(store)
    info = sequence.info
    if fps is None or not getattr(info, "fps_assumed", False):
        return False
    info.fps, info.fps_assumed = fps, False
    return True


def project_store_path(info) -> Path:
    """The annotation store of the sequence ``info`` (a ``SequenceInfo``) opens with: the
    project under its earlier name (:func:`earlier_project`) while none exists under its name."""
    path = default_store_path(info)
    try:
        path.resolve().relative_to(assets_dir().resolve())
    except ValueError:
        return path if path.exists() else earlier_project(info, path) or moved_project(info, path) or path
    return studio_home() / "projects" / path.name


def read_only_footage_project(path: Path) -> Path:
    """Where the project whose place beside the footage, ``path`` (a store path), is in a folder that
    cannot be written (a read-only dataset share) is kept: ``<studio home>/projects/<stem>-<8 hex
    digits of the resolved path>.rgbt.sqlite``, so the same footage always finds the same project.
    The rule of the studio and of ``export-distill``'s default store."""
    import hashlib

    path = Path(path)
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    stem = path.name[: -len(STORE_SUFFIX)] if path.name.endswith(STORE_SUFFIX) else path.name
    return studio_home() / "projects" / f"{stem}-{digest}{STORE_SUFFIX}"


def moved_project(info, path: Path, pattern: str = f"*{STORE_SUFFIX}") -> Path | None:
    """The one project in ``path``'s folder (files matching ``pattern``, ``path`` aside) that is
    the footage of ``info``'s, when none exists at ``path``: made on the streams ``info`` reads
    (:func:`same_streams`), or on streams of the same file names and frame count that are all
    gone now (the footage's folder renamed or moved, with its project). A renamed folder names
    the sequence, and so its project, anew: ``walk-1/`` (was ``0111_1716/``) opened a new, empty
    ``walk-1.rgbt.sqlite`` beside ``0111_1716.rgbt.sqlite`` and its boxes, without a word. None
    when no project, or more than one, fits."""
    try:
        candidates = sorted(p for p in path.parent.glob(pattern) if p.name != path.name and p.is_file())
    except OSError:
        return None
    found = [p for p in candidates if _project_of(p, info)]
    return found[0] if len(found) == 1 else None


def _project_of(path: Path, info) -> bool:
    """Whether the project file ``path`` was made on the footage of ``info`` (:func:`moved_project`)."""
    streams = stream_files(info)
    if not streams:
        return False

    def read(store):
        if same_streams(store, info):
            return True
        return store.get_meta("streams", None) or store.get_meta("sources", None), store.get_meta("num_frames", None)

    answer = _glance(path, read)
    if answer is None or answer is True:
        return bool(answer)
    recorded, frames = answer
    if not isinstance(recorded, list) or not all(isinstance(p, str) for p in recorded) or frames != info.num_frames:
        return False
    return ([Path(p).name for p in recorded] == [Path(p).name for p in streams]
            and not any(Path(p).exists() for p in recorded))


def earlier_name(info) -> str | None:
    """The other name the footage of ``info`` (a ``SequenceInfo``) of one stream file had, when
    it differs from today's: its file's stem. Until 2026-12-07 a video opened alone was named
    after its file, so every ``<clip>/thermal.avi`` was "thermal"; it now takes its folder's name
    (``core.sequences.open_folder.lone_video_name``), as the folder ``<clip>/`` opened as a sequence
    does. None for footage of two streams or of a frame folder."""
    sources = {str(p) for p in (info.visible_source, info.thermal_source) if p is not None}
    if len(sources) != 1:
        return None
    source = Path(sources.pop())
    return None if source.is_dir() or source.stem == info.name else source.stem


def earlier_project(info, path: Path) -> Path | None:
    """The project beside ``path`` (the store path of ``info``'s name) under the footage's
    :func:`earlier_name`, when it exists and was made on the streams ``info`` reads
    (:func:`same_streams`); else None."""
    earlier = earlier_store_path(info, path)
    return earlier if earlier is not None and made_on_same_streams(earlier, info) else None


def earlier_store_path(info, path: Path) -> Path | None:
    """``path`` (a store path of ``info``'s name) with the file name the footage's
    :func:`earlier_name` gave it, or None when it had no other name."""
    name = earlier_name(info)
    return None if name is None else path.with_name(store_file_name(name))


def made_on_same_streams(path: Path, info) -> bool:
    """Whether the project file ``path`` exists and records the streams ``info`` reads; a file
    that cannot be read as a project counts as no."""
    return path.is_file() and bool(_glance(path, lambda store: same_streams(store, info)))


def _glance(path: Path, read):
    """``read(store)`` of the project file ``path`` opened for a glance (closed after), or None
    when it cannot be opened or read as a project."""
    import sqlite3

    from core.annotations.store import AnnotationStore, StoreError

    try:
        store = AnnotationStore.open(path, glance=True)
    except (StoreError, sqlite3.Error, OSError):
        return None
    try:
        return read(store)
    except (StoreError, sqlite3.Error):
        return None
    finally:
        store.close()


def own_project_path(path: Path, paths, info) -> tuple[Path, str]:
    """``(path, "")``, or ``(<stem>-<part>.rgbt.sqlite beside path, note)`` when the project file
    ``path`` (the default project of the footage ``info`` opened from ``paths``, the files or folder
    the user gave) is the project of other footage still in the same folder: a pair and one of its
    own videos opened alone are named after that folder, hence share a default path. ``part`` is
    ``pair`` for two paths, else the video's stem (``1230_1202-infrared.rgbt.sqlite``). The thermal
    video of 1230_1202 opened alone took the pair's project: the pair's boxes showed on it (off the
    target on a misaligned pair). The rule of the studio and of ``export-distill``'s default store."""
    path = Path(path)
    other = _other_footage_here(path, paths, info)
    if other is None:
        return path, ""
    stem = path.name[: -len(STORE_SUFFIX)] if path.name.endswith(STORE_SUFFIX) else path.name
    part = "pair" if len(paths) > 1 else Path(paths[0]).stem
    own = path.with_name(f"{stem}-{part}{STORE_SUFFIX}")
    return own, f"{path.name} is the project of {other}: this footage's annotations are kept in {own}"


def _other_footage_here(path: Path, paths, info) -> str | None:
    """The footage the existing project ``path`` was made on (" + "-joined), when that is other
    footage than ``paths`` and all of it is still in their folder; None otherwise (no project there, an
    empty one, the same streams, or footage gone or elsewhere: moved, renamed or copied with its
    project, which then follows this footage)."""
    if not paths or not path.is_file():
        return None

    def read(store):
        if store.count() == 0 or same_streams(store, info):
            return None
        return stored_sources(store)

    stored = _glance(path, read)
    mine = [Path(p).resolve() for p in paths]
    if not stored or [Path(p).resolve() for p in stored] == mine:
        return None
    if len(mine) > 1 and {Path(p).resolve() for p in stored} < set(mine):
        # one video of this very pair: the pair's project, which the studio re-linked to that video when
        # it was opened alone before 2026-12-07; the pair takes it back (and says so), not a new empty one
        return None
    here = {p.parent for p in mine}
    if not all(Path(p).exists() and Path(p).resolve().parent in here for p in stored):
        return None
    return " + ".join(stored)


def stream_files(info) -> list[str]:
    """The resolved paths of the streams ``info`` (a ``SequenceInfo``) reads: its videos, frame
    folders or files, visible first; what makes footage the same whatever path opened it (a
    folder, or the one video in it). The studio records them in a project as ``streams``."""
    return [str(Path(p).resolve()) for p in (info.visible_source, info.thermal_source) if p is not None]


def same_streams(store, info) -> bool:
    """Whether the studio project ``store`` was made on the streams ``info`` reads: the stream
    files it recorded (``streams``), or its ``sources`` when they are those files (a project of
    ``clip/thermal.avi`` and the folder ``clip/`` that holds it)."""
    streams = stream_files(info)
    return bool(streams) and streams in (store.get_meta("sources", None), store.get_meta("streams", None))


def other_footage(store, sequence) -> tuple[str, int, bool] | None:
    """Whether the studio project ``store`` (an ``AnnotationStore``) was made for other footage
    than ``sequence``: None when the name it recorded on opening (``sequence_name``) is the
    sequence's, or when it recorded no name and frame count (not written by the studio); else
    ``(name, frame count, refuse)``. ``refuse``: the frame count differs too while the store
    pairs the streams with the sequence's frame offset, so its boxes belong to other footage.
    A differing name alone is a renamed folder; a differing count alone, or with another
    offset, another pairing of the same footage. A store made on the streams the sequence reads
    (:func:`same_streams`) is its own whatever the name. The rule of ``export-distill --store``
    and ``render --store``."""
    name, count = store.get_meta("sequence_name"), store.get_meta("num_frames")
    if name is None or count is None or str(name) == sequence.info.name or same_streams(store, sequence.info):
        return None
    try:
        count = int(count)
    except (TypeError, ValueError):
        return None
    same_pairing = stored_offset(store) == int(getattr(sequence, "frame_offset", 0) or 0)
    return str(name), count, count != len(sequence) and same_pairing
