"""Studio settings persisted with QSettings (INI) in the studio's home folder.

The folder is ``$RGBT_STUDIO_HOME`` when set (tests set it per test), else
``~/.rgbt-studio``. Values: the live tracker (``core.trackers``), model weights
(student/teacher; empty = bundled), engine, device, thermal colormap and display levels, blend, zoom
following the target, the playback speed, recent files, the last folder a file picker used, the last
project, and whether the first run already happened. Unknown keys in the file are ignored; every value read is checked
and falls back to its default.
"""
from __future__ import annotations

import sys
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from core.annotations.project_paths import studio_home
from core.trackers import PEER_MODALITIES, tracker_names
from core.tracking.tracker_config import (
    DEFAULT_STREAMS,
    LOW_CONFIDENCE,
    PAIR_CORRELATION,
    PIXEL_MATCH,
    TRACKER_STREAMS,
)

ENGINES = ("auto", "torch", "onnx")
#: the playback speeds, slowest first (1.0: the source frame rate; ``app.views.transport.SPEEDS``)
PLAYBACK_SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
DEVICES = ("auto", "cpu", "cuda")
MAX_RECENT = 10


@dataclass
class ModelSettings:
    """What the tracking and refinement workers load (``core.trackers.build_tracker``).

    ``tracker``: the live tracker T runs (``core.trackers.tracker_names()``: student,
    teacher, csrt, kcf, ...); R always refines with the teacher. ``peer_modality``: the
    frame an OpenCV tracker sees ("auto": thermal, visible on visible-only sequences: ``core.trackers.peer_modality``).
    ``streams``: what the student and the teacher are fed ("both", or "thermal" / "visible"
    alone when the other stream is blind, or "auto": thermal alone while the visible stream
    is measured blind; ``TrackerConfig.streams``). ``hold_when_lost``: the student's and the
    teacher's box stays where the target was while their confidence says it is hidden
    (``TrackerConfig.hold_when_lost`` at ``HOLD_THRESHOLD``). ``pair_correlation``: on a real
    visible + thermal pair their box follows the change of size that a frozen-feature
    correlation of both streams measures (``TrackerConfig.pair_correlation``; default: the config's).
    ``pair_shape``: on such a pair their box keeps the drawn box's shape
    (``TrackerConfig.pair_max_aspect_change``; off: the looser bound of single-stream footage).
    ``pixel_match``: their reported centre moves to where the drawn target's own pixels fit best
    (``TrackerConfig.pixel_match``; default: the config's).
    """

    student_weights: str = ""  # "" = bundled assets/models/student_bundled.pt
    teacher_weights: str = ""
    engine: str = "auto"
    device: str = "auto"
    allow_random: bool = True  # run random weights (loudly) when no checkpoint exists
    tracker: str = "student"
    peer_modality: str = "auto"
    distractor_memory: bool = False  # the student's / teacher's loop passes over look-alikes
    online_filter: bool = True  # the student's / teacher's loop learns the target while tracking
    streams: str = DEFAULT_STREAMS  # what the student / teacher is fed: auto, both, thermal or visible alone
    hold_when_lost: bool = False  # the student's / teacher's box stays put while the target is hidden
    pair_correlation: bool = PAIR_CORRELATION > 0  # on real RGB-T pairs: the change of size by correlation
    pair_shape: bool = True  # on real RGB-T pairs: the box keeps the drawn box's shape
    pixel_match: bool = PIXEL_MATCH > 0  # the reported centre matched on the drawn target's pixels

    def weights(self, model: str) -> str | None:
        value = self.student_weights if model == "student" else self.teacher_weights
        return value or None

    def missing_weights(self, model: str):
        """A ``CheckpointError`` naming the weights file chosen for ``model`` ("student" or
        "teacher") when it is not there (moved, deleted, mistyped), else None; None for the
        bundled weights (an empty field) and for the OpenCV trackers. With "random weights
        allowed" (the default, for a demo without bundled weights) the loader ran RANDOM
        weights in place of a chosen file that is missing: a run of boxes off the target."""
        from core.errors import CheckpointError

        if model not in ("student", "teacher"):
            return None
        chosen = self.weights(model)
        if not chosen or Path(chosen).is_file():
            return None
        return CheckpointError(chosen, f"the {model} weights chosen in File > Settings are not there (moved, "
                                       "deleted or mistyped): choose them again there, or clear the field for "
                                       "the bundled ones")


#: Marks the annotation database's path in an encoded :class:`Recent` (after the sources).
STORE_TAG = "store:"


@dataclass
class Recent:
    """A recently opened project: ``kind`` "pair" (visible, thermal) or "sequence" (folder);
    ``store``: the annotation database it was opened with ("" = the default beside the
    sources), so reopening never starts an empty project next to the sources."""

    kind: str
    paths: tuple[str, ...]
    frame_offset: int = 0
    store: str = ""

    def label(self) -> str:
        """The menu's text: a sequence's folder name; a pair's two names with the folder
        they share ("0113_1714 (visible.mp4 + infrared.mp4)"), or with each one's folder,
        since datasets name every pair's files alike; one video its file name, or the name the
        studio gives it with the file's ("antiuav-4 (thermal.avi)") when the file is named only by
        its modality."""
        if self.kind == "pair":
            visible, thermal = Path(self.paths[0]), Path(self.paths[1])
            if visible.parent == thermal.parent:
                return f"{visible.parent.name} ({visible.name} + {thermal.name})"
            return f"{visible.parent.name}/{visible.name} + {thermal.parent.name}/{thermal.name}"
        path = Path(self.paths[0])
        if path.suffix and not path.is_dir():  # one video: named as the studio names it, the file beside it
            from core.sequences.names import named_by_folder  # (five antiuav-N read "thermal.avi (in ...)")

            name = named_by_folder(path, path.stem)
            return path.name if name == path.stem else f"{name} ({path.name})"
        return path.name

    def present(self) -> bool:
        """Whether its sources (the pair's two, the sequence's folder) are all still there, and its
        annotation database when one was named (opening the sources without it would start an
        empty project in its place, the boxes nowhere in sight)."""
        return all(Path(path).exists() for path in self.paths) and (not self.store or Path(self.store).exists())

    def encode(self) -> str:
        return "|".join([self.kind, str(self.frame_offset), *self.paths] + ([STORE_TAG + self.store] if self.store else []))

    @classmethod
    def decode(cls, text: str) -> Recent | None:
        parts = str(text).split("|")
        if len(parts) < 3 or parts[0] not in ("pair", "sequence"):
            return None
        try:
            offset = int(parts[1])
        except ValueError:
            return None
        store = parts.pop()[len(STORE_TAG):] if parts[-1].startswith(STORE_TAG) else ""
        paths = tuple(parts[2:])
        if (parts[0] == "pair") != (len(paths) == 2):
            return None
        return cls(parts[0], paths, offset, store)


@dataclass
class StudioSettings:
    models: ModelSettings = field(default_factory=ModelSettings)
    colormap: str = "inferno"
    blend: bool = False
    blend_opacity: float = 0.5
    # the thermal frame's display levels (``app.display_levels``): "full" 0-255, "auto" (the sequence's
    # stretch) or "manual" (levels_low-levels_high); levels_stretch: what L goes back to from "full"
    levels_mode: str = "full"
    levels_stretch: str = "auto"
    levels_low: float = 0.0
    levels_high: float = 255.0
    low_confidence: float = LOW_CONFIDENCE
    low_confidence_chosen: bool = False  # the user set the threshold (Refine); else it follows the default
    recent: list[Recent] = field(default_factory=list)
    first_run_done: bool = False
    last_folder: str = ""  # where the last file picker ended ("" = none yet)
    follow_target: bool = False  # View > Follow the target: keep the box centred while playing/tracking
    thermal_shown: bool = True  # View > Show thermal view (the twin beside the visible view)
    playback_speed: float = 1.0  # the speed button / View > Play faster, slower (one of PLAYBACK_SPEEDS)
    shortcuts: dict[str, str] = field(default_factory=dict)  # action name -> key the user chose ("" = none)
    window_geometry: bytes = b""  # QMainWindow.saveGeometry() at the last close (b"" = none yet)
    window_maximized: bool = False  # the window was maximised at the last close (kept apart: see app.main_window)
    splitter_state: bytes = b""  # the views / timeline split (QSplitter.saveState()) at the last close
    # the values as read from or last written to studio.ini (``save`` writes only what differs);
    # None: never loaded, ``save`` writes every value
    _stored: dict | None = field(default=None, repr=False, compare=False)

    # -- persistence --------------------------------------------------------------------
    @staticmethod
    def qsettings() -> QSettings:
        """The studio's ``studio.ini`` in its home folder (created if needed). A home that cannot
        be created (a read-only ``$HOME``, a mistyped ``$RGBT_STUDIO_HOME``) made the studio exit
        at start with a traceback: the settings are then read as defaults and not saved, which
        ``unsaved_settings`` (and one line on stderr) says once."""
        home = studio_home()
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _cannot_save(f"its folder {home} cannot be created ({error.strerror or error})")
        return QSettings(str(home / "studio.ini"), QSettings.Format.IniFormat)

    @classmethod
    def load(cls) -> StudioSettings:
        settings = cls._read(cls.qsettings())
        settings._stored = settings._values()
        return settings

    @classmethod
    def _read(cls, q: QSettings) -> StudioSettings:
        default = cls()
        m = ModelSettings(
            tracker=_choice(q.value("models/tracker"), tracker_names(), "student"),
            peer_modality=_choice(q.value("models/peer_modality"), PEER_MODALITIES, "auto"),
            student_weights=str(q.value("models/student_weights", "") or ""),
            teacher_weights=str(q.value("models/teacher_weights", "") or ""),
            engine=_choice(q.value("models/engine"), ENGINES, "auto"),
            device=_choice(q.value("models/device"), DEVICES, "auto"),
            allow_random=_bool(q.value("models/allow_random"), True),
            distractor_memory=_bool(q.value("models/distractor_memory"), False),
            online_filter=_bool(q.value("models/online_filter"), True),
            streams=_choice(q.value("models/streams"), TRACKER_STREAMS, DEFAULT_STREAMS),
            hold_when_lost=_bool(q.value("models/hold_when_lost"), False),
            pair_correlation=_bool(q.value("models/pair_correlation"), PAIR_CORRELATION > 0),
            pair_shape=_bool(q.value("models/pair_shape"), True),
            pixel_match=_bool(q.value("models/pixel_match"), PIXEL_MATCH > 0),
        )
        recent = [r for r in (Recent.decode(t) for t in _list(q.value("recent"))) if r is not None]
        # A threshold the user never chose follows the default (0.5 before the twelfth session).
        chosen = _bool(q.value("review/low_confidence_chosen"), False)
        levels_low = _float(q.value("view/levels_low"), 0.0, 0.0, 255.0)
        levels_high = _float(q.value("view/levels_high"), 255.0, 0.0, 255.0)
        if levels_high <= levels_low:  # a hand-edited pair the wrong way round: the full range
            levels_low, levels_high = 0.0, 255.0
        return cls(
            models=m,
            colormap=str(q.value("view/colormap", default.colormap) or default.colormap),
            blend=_bool(q.value("view/blend"), False),
            blend_opacity=_float(q.value("view/blend_opacity"), 0.5, 0.0, 1.0),
            levels_mode=_choice(q.value("view/levels_mode"), ("full", "auto", "manual"), "full"),
            levels_stretch=_choice(q.value("view/levels_stretch"), ("auto", "manual"), "auto"),
            levels_low=levels_low,
            levels_high=levels_high,
            low_confidence=(_float(q.value("review/low_confidence"), LOW_CONFIDENCE, 0.0, 1.0) if chosen
                            else LOW_CONFIDENCE),
            low_confidence_chosen=chosen,
            recent=recent[:MAX_RECENT],
            first_run_done=_bool(q.value("first_run_done"), False),
            last_folder=str(q.value("files/last_folder", "") or ""),
            follow_target=_bool(q.value("view/follow_target"), False),
            thermal_shown=_bool(q.value("view/thermal_shown"), True),
            playback_speed=_choice(_float(q.value("view/playback_speed"), 1.0, 0.0, 64.0), PLAYBACK_SPEEDS, 1.0),
            shortcuts=_shortcuts(q),
            window_geometry=_bytes(q.value("view/window_geometry")),
            window_maximized=_bool(q.value("view/window_maximized"), False),
            splitter_state=_bytes(q.value("view/splitter_state")),
        )

    def _values(self) -> dict[str, object]:
        """Every value ``save`` keeps, by its key in studio.ini."""
        m = self.models
        values: dict[str, object] = {
            "models/tracker": m.tracker, "models/peer_modality": m.peer_modality,
            "models/student_weights": m.student_weights, "models/teacher_weights": m.teacher_weights,
            "models/engine": m.engine, "models/device": m.device, "models/allow_random": m.allow_random,
            "models/distractor_memory": m.distractor_memory, "models/online_filter": m.online_filter,
            "models/streams": m.streams, "models/hold_when_lost": m.hold_when_lost,
            "models/pair_correlation": m.pair_correlation, "models/pair_shape": m.pair_shape,
            "models/pixel_match": m.pixel_match,
            "view/colormap": self.colormap, "view/blend": self.blend, "view/blend_opacity": self.blend_opacity,
            "view/levels_mode": self.levels_mode, "view/levels_stretch": self.levels_stretch,
            "view/levels_low": float(self.levels_low), "view/levels_high": float(self.levels_high),
            "review/low_confidence": self.low_confidence, "review/low_confidence_chosen": self.low_confidence_chosen,
            "recent": [r.encode() for r in self.recent[:MAX_RECENT]], "first_run_done": self.first_run_done,
            "files/last_folder": self.last_folder, "view/follow_target": self.follow_target,
            "view/thermal_shown": self.thermal_shown, "view/window_maximized": self.window_maximized,
            "view/playback_speed": float(self.playback_speed),
        }
        if self.window_geometry:
            values["view/window_geometry"] = bytes(self.window_geometry)
        if self.splitter_state:
            values["view/splitter_state"] = bytes(self.splitter_state)
        for name, key in sorted(self.shortcuts.items()):
            values[f"shortcuts/{name}"] = key
        return values

    def save(self) -> None:
        """Write the values changed since they were loaded (or last saved). Two studios sharing
        one studio.ini (two windows on two projects) each keep what the other changed: the one
        closed last wrote all its values, the other's rebound keys and settings included."""
        q = self.qsettings()
        values = self._values()
        stored = self._stored
        if stored is None:  # never loaded: the file's own keys are not known, write them all
            q.remove("shortcuts")
            stored = {}
        if stored and stored.get("recent") != values["recent"]:
            # another studio's projects opened meanwhile stay in the list, after this one's
            mine = {(r.kind, r.paths) for r in self.recent}
            others = [r for r in (Recent.decode(t) for t in _list(q.value("recent"))) if r is not None
                      and (r.kind, r.paths) not in mine]
            self.recent = (self.recent + others)[:MAX_RECENT]
            values["recent"] = [r.encode() for r in self.recent]
        for key, value in values.items():
            if key not in stored or stored[key] != value:
                q.setValue(key, QByteArray(value) if isinstance(value, bytes) else value)
        for key in stored:
            if key.startswith("shortcuts/") and key not in values:  # a key restored to its default
                q.remove(key)
        q.sync()
        if q.status() == QSettings.Status.AccessError:  # a read-only home or studio.ini: nothing written
            _cannot_save(f"{q.fileName()} cannot be written")
        self._stored = values

    def add_recent(self, recent: Recent) -> None:
        """Put ``recent`` first (deduplicated) and keep at most ``MAX_RECENT``."""
        self.recent = [recent] + [r for r in self.recent if (r.kind, r.paths) != (recent.kind, recent.paths)]
        del self.recent[MAX_RECENT:]

    def start_folder(self) -> str:
        """Where a file picker opens: the folder the last one ended in, else the user's home
        (never the application's folder)."""
        if self.last_folder and Path(self.last_folder).is_dir():
            return self.last_folder
        return str(Path.home())

    def remember_folder(self, path: str | Path) -> None:
        """Note the folder of ``path`` (the folder itself when it is one) for the next picker."""
        if not str(path):
            return
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        if folder.is_dir():
            self.last_folder = str(folder.resolve())

    @property
    def last_project(self) -> Recent | None:
        return self.recent[0] if self.recent else None


# Why this session's settings are not saved ("" while they are): said once (``_cannot_save``).
_unsaved = ""


def unsaved_settings() -> str:
    """"settings are not saved this session: <why>" once the studio found it cannot save its
    settings (its home folder cannot be created, its studio.ini cannot be written), else ""."""
    return _unsaved


# Called once with ``unsaved_settings()``'s text when it is first found (a studio window's status
# bar: a settings save that fails after the window opened); weak, so a closed window is not kept.
_listeners: list[weakref.WeakMethod] = []


def when_unsaved(method) -> None:
    """Have the bound ``method(text)`` called once, with ``unsaved_settings()``'s text, when the
    studio first finds it cannot save its settings (later than now; check ``unsaved_settings()``
    for now). Held weakly: an object gone by then is not called."""
    _listeners.append(weakref.WeakMethod(method))


def _cannot_save(reason: str) -> None:
    """Note that settings are not saved, for ``reason``; the first time only, one line on stderr
    and the ``when_unsaved`` listeners called."""
    global _unsaved
    if _unsaved:
        return
    _unsaved = (f"settings are not saved this session: {reason}; "
                "set RGBT_STUDIO_HOME to a folder you can write to keep them")
    print(f"rgbt-studio: {_unsaved}", file=sys.stderr)
    listeners = list(_listeners)
    _listeners.clear()
    for listener in listeners:
        method = listener()
        if method is not None:
            method(_unsaved)


def _choice(value, choices, default):
    return value if value in choices else default


def _bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return default


def _float(value, default: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _bytes(value) -> bytes:
    """A stored QByteArray (or bytes) as bytes; anything else (a hand-edited INI) as b""."""
    if isinstance(value, QByteArray):
        return bytes(value.data())
    return bytes(value) if isinstance(value, (bytes, bytearray)) else b""


def _list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _shortcuts(q: QSettings) -> dict[str, str]:
    """The user's key overrides (``shortcuts/<action>``), unknown actions and values that are
    not key texts dropped."""
    # imported here: QtGui needs the display libraries this module (QtCore only) does not
    from PySide6.QtGui import QKeySequence

    from app.actions import DEFAULT_KEYS

    q.beginGroup("shortcuts")
    try:
        out = {}
        for name in q.childKeys():
            value = q.value(name)
            if name in DEFAULT_KEYS and isinstance(value, str) and (value == "" or not QKeySequence(value).isEmpty()):
                out[name] = value
        return out
    finally:
        q.endGroup()
