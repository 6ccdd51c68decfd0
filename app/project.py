"""What to open and where its annotations live (no Qt).

An :class:`OpenRequest` names a visible/thermal pair, a dataset sequence folder, an
existing project database, or an already-built sequence object (synthetic sequences,
benchmarks). ``open_job(request)`` is the job the open worker runs: it opens the
sequence, decodes the first frame, opens (or creates) the annotation store and records
the sources in the store's meta, so ``--project PATH`` alone can reopen everything.
A sequence in a folder the user cannot write to (a read-only dataset share) keeps its
project in the studio's home instead (:func:`default_project_path`).
"""
from __future__ import annotations

import dataclasses
import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.settings import Recent
from core.annotations.project_paths import (
    apply_stated_fps,
    earlier_store_path,
    made_on_same_streams,
    moved_project,
    own_project_path,
    project_store_path,
    read_only_footage_project,
    same_streams,
    stored_offset,
    stored_sources,
    stream_files,
)
from core.annotations.records import Provenance
from core.annotations.store import STORE_SUFFIX, AnnotationStore, StoreContents, StoreError, StoreNoSpace
from core.assets import demo_dir
from core.errors import RGBTError, SequenceError
from core.progress import Job, Progress
from core.trackers import tracker_names
from core.wording import plural, verb

DEMO_DIR = demo_dir()
DEMO_PAIR = (DEMO_DIR / "visible.mp4", DEMO_DIR / "thermal.mp4")


@dataclass
class OpenRequest:
    """kind: "pair" (paths = visible, thermal), "sequence" (paths = folder), "project"
    (store = an existing ``.rgbt.sqlite``), "object" (``sequence`` given). ``store``
    overrides where the annotations live. ``frame_offset`` (pairs): thermal frame = visible
    frame + offset; None = the offset the project already has (0 for a new one), so a
    drop or a command line without ``--frame-offset`` never shifts a project's pairing. ``read_only``: open the store without the
    writer lock and never write to it (another process holds it for editing)."""

    kind: str
    paths: tuple[str, ...] = ()
    frame_offset: int | None = None
    store: str | None = None
    read_only: bool = False
    sequence: object = field(default=None, repr=False)
    #: ``store`` comes from a File > Open recent entry (or the start's last project): an entry written
    #: before 2026-12-07 can name the project of a pair for one of its videos opened alone
    #: (:func:`open_job` then gives that video its own, :func:`footage_project_path`)
    recent_entry: bool = field(default=False, repr=False, compare=False)

    def recent(self) -> Recent | None:
        if self.kind in ("pair", "sequence"):
            return Recent(self.kind, tuple(str(p) for p in self.paths), self.frame_offset or 0, self.store or "")
        return None

    @classmethod
    def from_recent(cls, recent: Recent) -> OpenRequest:
        return cls(recent.kind, recent.paths, recent.frame_offset, store=recent.store or None, recent_entry=True)


@dataclass
class OpenedProject:
    sequence: object
    store: AnnotationStore
    first: object  # FramePair of frame 0
    request: OpenRequest
    contents: StoreContents | None = None  # the store's contents, read by the job (not on the GUI thread)
    store_note: str = ""  # why the store is not beside the sources ("" when it is, or was given)
    unimported_note: str = ""  # a ground truth shipped with the sequence that the project does not show yet
    fps_stated: bool = False  # the frame rate is the one the user stated in the project (View > Frame rate...)
    size_note: str = ""  # its boxes were drawn on frames of another size (``frame_size_note``): said first


def writable_folder(folder: str | Path) -> bool:
    """True when files can be created in ``folder`` (or, while it does not exist, in its
    nearest existing parent): permissions and read-only file systems both count. A folder
    whose mode lets no one write (``r-xr-xr-x``: a dataset kept read-only) counts as read-only
    also for root, whom ``os.access`` lets write anywhere: the studio run as root (a
    container) put its project, lock and journal files into such a dataset folder."""
    folder = Path(folder)
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    if not folder.stat().st_mode & 0o222:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


class ProjectReadOnly(StoreError):
    """The project's file cannot be written (its mode, the file system): the window asks to open it
    read-only. AnnotationStore.open took it for editing, and the first write of the open failed
    ("Cannot open ... write failed (attempt to write a readonly database)"): a project kept read-only
    (delivered, archived) could not even be looked at."""


def read_only_file(path: str | Path) -> bool:
    """True when the existing file ``path`` cannot be written: a mode that lets no one write
    (``r--r--r--``, also for root, as ``writable_folder``), or no write access."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(path, os.W_OK)


def _check_writable(path: str | Path, request: OpenRequest) -> None:
    """ProjectReadOnly when the existing project at ``path`` cannot be edited: its file, or its folder
    (SQLite keeps its working files ``-wal`` and ``-shm``, and the studio its writer lock, beside
    it: a project in a folder made read-only failed to open with "cannot open (permission
    denied)", and as root the studio wrote them into a folder whose mode lets no one write)."""
    if request.read_only:
        return
    if read_only_file(path):
        raise ProjectReadOnly(path, "its file is read-only (it cannot be written); open it read-only to look at "
                                    "and export the annotations, or make the file writable to edit them")
    folder = Path(path).parent
    if Path(path).exists() and not writable_folder(folder):
        raise ProjectReadOnly(path, f"its folder {folder} is read-only (the project's working files go beside "
                                    "it); open it read-only to look at and export the annotations, or make the "
                                    "folder writable to edit them")


def _open_store(path: str | Path, request: OpenRequest) -> AnnotationStore:
    """The request's store at ``path``, opened as it asks; a disk with no room for SQLite's working
    files (``StoreNoSpace``) is ProjectReadOnly, so the window asks to open it read-only: the
    open failed with "not a readable annotation database (disk I/O error)", as if it were damaged,
    and nothing offered a look at it."""
    try:
        return AnnotationStore.open(path, read_only=request.read_only)
    except StoreNoSpace as error:
        if request.read_only or not Path(path).exists():  # a new project: nothing to look at
            raise
        raise ProjectReadOnly(path, f"{error.problem}; free some space on that disk to edit it, or open it "
                                    "read-only to look at and export the annotations") from error


def default_project_path(info) -> tuple[Path, str]:
    """(store path, note) of a sequence (``info``: its ``SequenceInfo``) opened without a
    project: beside its sources (``core.annotations.project_paths.project_store_path``),
    or, when that folder cannot be written and holds no project yet, in
    ``<studio home>/projects/<name>-<8 hex digits of the folder>.rgbt.sqlite``, so the same
    sequence always finds the same project; the note then says where it is and why. There too,
    a project kept under the footage's earlier name (``project_paths.earlier_name``) is found
    while none exists under its name, and so is the project of the footage before it moved
    (``project_paths.moved_project``: the digest names the folder it was in)."""
    path = project_store_path(info)
    if path.exists() or writable_folder(path.parent):
        return path, ""
    fallback = read_only_footage_project(path)
    earlier = earlier_store_path(info, path)
    if not fallback.exists() and earlier is not None and made_on_same_streams(read_only_footage_project(earlier), info):
        fallback = read_only_footage_project(earlier)
    if not fallback.exists():  # the read-only footage moved (a share mounted elsewhere): its project stays its own
        stem = fallback.name[: -len(STORE_SUFFIX)].rsplit("-", 1)[0]
        fallback = moved_project(info, fallback, f"{glob.escape(stem)}-{'[0-9a-f]' * 8}{STORE_SUFFIX}") or fallback
    return fallback, f"{path.parent} is read-only: the annotations are kept in {fallback}"


def footage_project_path(info, paths) -> tuple[Path, str]:
    """(store path, note) of footage opened without a project: :func:`default_project_path`, unless
    that file is the project of other footage still in the same folder
    (``core.annotations.project_paths.own_project_path``: a pair and one of its own videos opened
    alone are named after that folder); then ``<name>-<video stem>.rgbt.sqlite`` (``<name>-pair``
    for the pair) beside it, and the note says why."""
    path, note = default_project_path(info)
    own, why = own_project_path(Path(path), paths, info)
    return (own, why) if why else (path, note)


def demo_request() -> OpenRequest | None:
    """The bundled demo pair, when present."""
    if all(p.is_file() for p in DEMO_PAIR):
        return OpenRequest("pair", tuple(str(p) for p in DEMO_PAIR))
    return None


def classify_drop(paths: list[Path]) -> OpenRequest | None:
    """What a drag-and-drop of ``paths`` opens: a project database, one folder (a dataset
    sequence) or one video (a one-stream sequence, ``core.sequences.open_sequence``), or two
    files/folders (a pair; the one whose name says thermal/infrared/ir goes to the thermal side,
    else the given order)."""
    from core.sequences.sources import VIDEO_EXTENSIONS

    if len(paths) == 1:
        p = paths[0]
        if p.name.endswith(STORE_SUFFIX):
            return OpenRequest("project", store=str(p))
        if p.is_dir() or (p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS):
            return OpenRequest("sequence", (str(p),))
        return None
    if len(paths) == 2:
        a, b = paths

        def thermalish(path: Path) -> bool:
            name = path.stem.lower()
            return any(k in name for k in ("thermal", "infrared", "_ir", "ir_", "tir", "lwir")) or name in ("i", "ir", "t")

        if thermalish(a) and not thermalish(b):
            a, b = b, a
        return OpenRequest("pair", (str(a), str(b)))
    return None


def check_offset_change(store: AnnotationStore, offset: int, first_visible_frame=None) -> None:
    """Refuse (StoreError naming the project) a frame offset that would move the project's
    annotations: frames are numbered from the first visible frame that has a thermal
    partner (``first_visible_frame(offset)``: the sequence's, default ``max(0, -offset)``; a pair
    of videos at different rates is paired by time), and the store keys every record by that
    number, so a project annotated at offset -3 and opened at 0 showed each box 3 frames early,
    and kept it so. An offset that keeps the first visible frame (any two offsets >= 0) only
    re-pairs the thermal stream and is allowed; so is any offset on a project without
    annotations."""
    first = first_visible_frame or (lambda value: max(0, -value))
    kept = stored_offset(store)
    shift = first(kept) - first(offset)
    if shift == 0 or store.count() == 0:
        return
    direction = "earlier" if shift > 0 else "later"

    def signed(value: int) -> str:
        return f"{value:+d}" if value else "0"

    raise StoreError(store.path, f"its {store.count()} annotated frames were made with frame offset {signed(kept)}; "
                                 f"offset {signed(offset)} would show each box {plural(abs(shift), 'frame')} {direction} in the "
                                 "visible video. Open it with the project's own offset (Open pair: leave Frame "
                                 "offset at its lowest setting; command line: no --frame-offset), or give the pair "
                                 "another project to annotate it at the new offset")


def check_sources_change(store: AnnotationStore, paths, length: int, *, beside: bool, info=None) -> str:
    """Footage opened with a project (``--project``) that holds annotations of other footage: the
    boxes were shown over frames they were never drawn on and the project was rebound to the new
    footage without a word (``studio walk-4/ --project walk-3.rgbt.sqlite``, a name mistyped).
    Refused, with one message naming both, while the project's own footage is still there; when it
    is gone (moved or renamed), the project follows the footage, if the frame counts match. A project
    where this footage keeps its own (``beside``: its folder, or the studio's projects folder for a
    read-only one: a folder copied or moved with its project) always follows it. Returns the note the
    status bar shows when the project now names other footage ("" when nothing changed).
    ``info``: the footage's ``SequenceInfo``; footage reading the streams the project was made on
    (``core.annotations.project_paths.same_streams``) is its own, opened by another path
    (``clip/thermal.avi`` alone, then the folder ``clip/`` holding it and its ground truth: that was
    refused as other footage)."""
    stored = stored_sources(store)
    new = " + ".join(str(Path(p).resolve()) for p in paths)
    if not stored or stored == [str(Path(p).resolve()) for p in paths] or store.count() == 0:
        return ""
    if info is not None and same_streams(store, info):
        return ""
    count, own = store.count(), " + ".join(stored)
    gone = not all(Path(p).exists() for p in stored)
    if not beside and not gone:
        raise StoreError(store.path, f"is the project of {own}: its {count} annotated frames were made on that "
                                     f"footage, not on {new}; open {own} with it, or give the new footage a "
                                     "project of its own")
    frames = store.get_meta("num_frames", None)
    if not beside and isinstance(frames, int) and frames != length:
        raise StoreError(store.path, f"is the project of {own} ({frames} frames), which is no longer there; "
                                     f"{new} has {length} frames, so its {count} annotated frames would not fit: "
                                     "open the moved footage itself with it")
    return f"project re-linked to this footage from {own}{' (gone)' if gone else ''}"


def open_job(request: OpenRequest) -> Job[OpenedProject]:
    """Open the request's sequence and store (see module doc)."""
    from core.sequences import open_pair, open_sequence

    yield Progress(0, 3, "opening the sequence")
    store = None
    if request.kind == "project":
        if not Path(request.store).exists():  # a mistyped --project or a deleted project: no empty file left behind
            raise StoreError(request.store, "no such project (the file does not exist)")
        _check_writable(request.store, request)
        store = _open_store(request.store, request)
        meta = store.meta()
        kind, paths = meta.get("source_kind"), tuple(stored_sources(store))
        if kind not in ("pair", "sequence") or not paths:
            ignored = unreadable_meta_note(store)
            store.close()
            raise SequenceError(request.store, "the project names no video pair or sequence folder to open "
                                               "(open the footage itself, with this file as its project)"
                                               + (f"; {ignored}" if ignored else ""))
        missing = [str(path) for path in paths if not Path(path).exists()]
        if missing:  # it said "<visible.mp4>: does not exist", as if the project named no footage of its own
            count = store.count()
            store.close()
            raise SequenceError(request.store, f"its footage is no longer at {' + '.join(missing)} (moved, renamed "
                                               f"or deleted); its {plural(count, 'annotated frame')} {verb(count, 'is', 'are')} kept in it: "
                                               "open the footage where it is now with this file as its project "
                                               f"(rgbt-studio studio <footage> --project {request.store}), and the "
                                               "project follows it")
        request = OpenRequest(kind, paths, stored_offset(store), store=request.store,
                              read_only=request.read_only)
    if request.kind == "pair":
        sequence = open_pair(request.paths[0], request.paths[1], frame_offset=request.frame_offset or 0)
    elif request.kind == "sequence":
        sequence = open_sequence(request.paths[0])
    elif request.kind == "object":
        sequence = request.sequence
    else:
        raise ValueError(f"unknown open request kind {request.kind!r}")
    try:
        if len(sequence) < 1:
            raise SequenceError(request.paths[0] if request.paths else None, "the sequence has no frames")
        yield Progress(1, 3, "decoding the first frame")
        first = sequence[0]
        yield Progress(2, 3, "opening the annotations")
        store_note = ""
        if request.kind in ("pair", "sequence"):
            own, own_note = footage_project_path(sequence.info, request.paths)
            default = Path(default_project_path(sequence.info)[0]).resolve()
            # the default file is this footage's own unless it is the project of other footage here
            mine = {Path(own).resolve()} | ({default} if Path(own).resolve() == default else set())
        if store is None:
            path = request.store
            if not path:
                path, store_note = own, own_note
            elif request.recent_entry and Path(path).resolve() == default and default not in mine:
                # an Open recent entry written before 0c1d805 (2026-12-07): one video of a pair opened alone
                # took the pair's project, and its entry names that file; opened so, the pair's boxes showed
                # on the one stream and the project was re-linked to it again
                path, store_note = own, (f"{own_note} (the Open recent entry named {default.name}, as the studio "
                                         "did before 2026-12-07)")
            _check_writable(path, request)
            store = _open_store(path, request)
        if request.kind in ("pair", "sequence"):
            beside = Path(store.path).resolve() in mine
            relinked = check_sources_change(store, request.paths, len(sequence), beside=beside,
                                            info=sequence.info)
            store_note = store_note or relinked
        ignored = unreadable_meta_note(store)  # before the entries below are written again
        size_note = frame_size_note(store, sequence.info)
        store_note = "; ".join(note for note in (store_note, ignored) if note)
        if request.kind == "pair" and request.frame_offset is not None:
            check_offset_change(store, int(request.frame_offset), getattr(sequence, "first_visible_frame", None))
        if request.kind == "pair" and request.frame_offset is None:  # keep the project's pairing
            kept = stored_offset(store)
            if kept:  # re-paired in place: the streams are opened once
                sequence.frame_offset = kept
                first = sequence[0]
            request = dataclasses.replace(request, frame_offset=kept)
        if request.read_only:
            pass  # nothing is written to a store opened read-only
        elif request.kind in ("pair", "sequence"):
            store.set_meta("source_kind", request.kind)
            store.set_meta("sources", [str(Path(p).resolve()) for p in request.paths])
            store.set_meta("streams", stream_files(sequence.info))
            store.set_meta("frame_offset", request.frame_offset or 0)
        if not request.read_only:
            store.set_meta("sequence_name", sequence.info.name)
            store.set_meta("num_frames", len(sequence))
            store.set_meta(FRAME_SIZE_KEY, [int(sequence.info.width), int(sequence.info.height)])
        # read here, on the job's thread: on a 25,000-frame project the window froze 0.4 s for it
        contents = store.contents(tracker_names())
        unimported_note = "" if any(r.provenance == Provenance.IMPORTED for r in contents.records.values()) \
            else shipped_ground_truth_note(sequence)
    except BaseException:
        if store is not None:
            store.close()
        sequence.close()
        raise
    fps_stated = apply_stated_fps(sequence, store)
    yield Progress(3, 3, "opened")
    return OpenedProject(sequence, store, first, dataclasses.replace(request, store=str(store.path)), contents,
                         store_note, unimported_note, fps_stated, size_note)


#: the project's meta entry of the frame size its boxes are drawn on, ``[width, height]`` (written on
#: every open since 2026-12-08; :func:`frame_size_note`)
FRAME_SIZE_KEY = "frame_size"


def frame_size_note(store: AnnotationStore, info) -> str:
    """The opening note for a project whose boxes were drawn on frames of another size than the
    footage (``info``, its ``SequenceInfo``) opens at now, "" otherwise or without boxes. The boxes
    stay where they were drawn: nothing said so. A project that recorded no size (before
    2026-12-08) on an image folder of JPEG frames turned by an EXIF tag (``turned_by_exif``) may hold
    boxes drawn on them sideways: until 2026-12-07 such frames opened as stored (240x320 for 320x240
    footage), and its boxes then lie across the upright picture."""
    if store.count() == 0:
        return ""
    now = [int(info.width), int(info.height)]
    drawn = store.get_meta(FRAME_SIZE_KEY, None)
    if isinstance(drawn, list) and len(drawn) == 2 and all(isinstance(v, int) for v in drawn):
        if drawn == now:
            return ""
        turned = " (turned a quarter)" if drawn == now[::-1] else ""
        return (f"its boxes were drawn on frames of {drawn[0]}x{drawn[1]}, and the footage opens at {now[0]}x{now[1]} "
                f"now{turned}: the boxes stay where they were drawn, so they may not lie on the target")
    if drawn is not None:
        return ""
    from core.sequences.image_sources import turned_by_exif

    for source in (info.visible_source, info.thermal_source):
        if source is None or not Path(source).is_dir():
            continue
        stored = turned_by_exif(source)
        if stored is not None:
            return (f"{Path(source).name}'s JPEG frames are stored sideways with an EXIF rotation: until 2026-12-07 "
                    f"the studio opened them so ({stored[0]}x{stored[1]}), upright now ({now[0]}x{now[1]}), so boxes "
                    "drawn before then lie across the picture, where they were drawn")
    return ""


def unreadable_meta_note(store: AnnotationStore) -> str:
    """Words naming the project's meta entries that are not valid JSON, or not of a value their
    reader can use (a project edited outside the studio), which are ignored, or "" when none. Such an entry made the whole project
    unopenable ("meta entry 'session' is not valid JSON"), its boxes with it."""
    store.meta()  # reads every entry once: each that is not valid JSON is named
    stored_offset(store), stored_sources(store)  # and these, when not of their kind
    keys = store.unreadable_meta
    if not keys:
        return ""
    names = ", ".join(repr(key) for key in keys)
    return (f"ignored the {'entry' if len(keys) == 1 else 'entries'} {names} of {Path(store.path).name} "
            "(unreadable: changed outside rgbt-studio); its boxes are all kept")


def shipped_ground_truth_note(sequence) -> str:
    """Words for a sequence that ships a ground truth (a dataset's, or an export of the studio's
    opened again), or "": its boxes show only once imported, and an export opened again showed an
    empty timeline and "opened 0117_1605: 407 frames", as if it held no box. A ground-truth file
    that cannot be read says nothing here; the import names the file and the line. It names View >
    Compare with the sequence's ground truth too: pointed only to the import, which replaces the
    project's boxes, an annotator opening antiuav-4 to see how the tracker did was not told of it."""
    try:
        ground_truth = sequence.ground_truth()
    except (RGBTError, OSError):
        return ""
    if not ground_truth:
        return ""
    return (f"its ground truth ({plural(len(ground_truth), 'frame')}) is not shown: "
            "File > Import the sequence's ground truth (as the boxes) or View > Compare with the sequence's "
            "ground truth (beside them)")
