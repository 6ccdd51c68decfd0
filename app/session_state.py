"""Where the user was in a project: the frame on screen and the zoomed view, kept in the project.

The studio writes it into the store's meta table under ``META_KEY`` when the project is
closed (the window closes, or another project opens) and reads it back when the project
opens again, so a reopened project shows the frame the user left, zoomed as it was. A JSON
object ``{"frame": int, "view": [x0, y0, x1, y1] | null, "stopped": int | null,
"stopped_back": bool, "separate_thermal": bool}``: ``frame``
from 0 (the frame counter shows it + 1), ``view`` the visible view's range in visible-grid
pixels, ``stopped`` the frame a tracking run reached when closing the window stopped it, in its
direction (said once when the project opens again; absent in entries of earlier versions),
``stopped_back`` whether that run tracked back (Shift+T; absent: forward),
``separate_thermal`` whether Edit > Separate thermal box was on (a misaligned pair's
project reopens with it as it was left; absent: off). An entry
that does not read back is ignored, never an error: the records are the data, this is a
convenience. The last export's choice is kept beside it under ``EXPORT_KEY``
(``{"format": entry key, "target": path}``) when an export is asked for, so that the export
dialog offers it again instead of the default layout beside the project. Qt-free.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

META_KEY = "studio_session"
EXPORT_KEY = "studio_last_export"
#: A tracking run going on: ``{"start": int, "tracker": name, "last": int, "run": run id}`` (0-based frames;
#: ``run``: the id its raw outputs are stored under, ``tracker_outputs.run_id``; absent in notes of earlier
#: versions), written
#: when T starts, brought up to date about once a second and removed when the run ends; found when
#: the project opens, the studio ended during a run (killed, crashed, the machine went down).
RUN_KEY = "studio_run"


@dataclass(frozen=True)
class SessionState:
    """``frame``: 0-based frame; ``view``: (x0, y0, x1, y1) of the visible view, or None;
    ``stopped``: the last frame (0-based) of a tracking run the window's close stopped, or None;
    ``separate_thermal``: Edit > Separate thermal box was on; ``stopped_back``: that run tracked
    back (Shift+T), so ``stopped`` is the lowest frame it reached."""

    frame: int = 0
    view: tuple[float, float, float, float] | None = None
    stopped: int | None = None
    separate_thermal: bool = False
    stopped_back: bool = False


def _view(raw: Any, width: int, height: int) -> tuple[float, float, float, float] | None:
    """The view rectangle when it is four finite numbers with a positive size that overlaps
    the ``width`` x ``height`` frame, else None (a different footage, a hand-edited entry)."""
    if not isinstance(raw, (list, tuple)) or len(raw) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in raw)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 <= x0 or y1 <= y0:
        return None
    if x1 <= 0 or y1 <= 0 or x0 >= width or y0 >= height:
        return None
    return x0, y0, x1, y1


def read_session(store, num_frames: int, width: int, height: int) -> SessionState:
    """The state kept in ``store`` (an ``AnnotationStore``), its frame clamped to
    ``0 .. num_frames - 1`` (the footage may have changed length since) and its view dropped
    when it does not fit a ``width`` x ``height`` frame. Nothing kept: frame 0, no view."""
    try:
        raw = store.get_meta(META_KEY, None)
    except Exception:  # an unreadable entry (StoreError): start at the beginning
        return SessionState()
    if not isinstance(raw, dict):
        return SessionState()
    frame = raw.get("frame", 0)
    if isinstance(frame, bool) or not isinstance(frame, (int, float)) or not math.isfinite(frame):
        frame = 0
    frame = max(0, min(int(frame), max(int(num_frames) - 1, 0)))
    stopped = raw.get("stopped")
    if isinstance(stopped, bool) or not isinstance(stopped, int) or not 0 <= stopped < int(num_frames):
        stopped = None
    return SessionState(frame, _view(raw.get("view"), width, height), stopped,
                        raw.get("separate_thermal") is True,
                        stopped_back=stopped is not None and raw.get("stopped_back") is True)


def write_session(store, state: SessionState) -> None:
    """Keep ``state`` in ``store`` (nothing on a store opened read-only)."""
    if getattr(store, "read_only", False):
        return
    view = None if state.view is None else [round(float(v), 2) for v in state.view]
    entry = {"frame": int(state.frame), "view": view}
    if state.stopped is not None:
        entry["stopped"] = int(state.stopped)
        if state.stopped_back:
            entry["stopped_back"] = True
    if state.separate_thermal:
        entry["separate_thermal"] = True
    store.set_meta(META_KEY, entry)


def read_last_export(store) -> tuple[str, str] | None:
    """(export entry key, target path) of the last export asked for in this project, or None."""
    try:
        raw = store.get_meta(EXPORT_KEY, None)
    except Exception:  # an unreadable entry (StoreError): the dialog's defaults
        return None
    if not isinstance(raw, dict):
        return None
    key, target = raw.get("format"), raw.get("target")
    if not isinstance(key, str) or not isinstance(target, str) or not key or not target.strip():
        return None
    return key, target


def write_last_export(store, key: str, target) -> None:
    """Keep the export asked for (nothing on a store opened read-only)."""
    if getattr(store, "read_only", False):
        return
    store.set_meta(EXPORT_KEY, {"format": str(key), "target": str(target)})


def write_run(store, start: int, tracker: str, last: int, step: int = 1, *, run_id: str | None = None) -> None:
    """Keep "a tracking run from ``start`` with ``tracker`` goes on, written up to ``last``"
    (``step`` -1: a run tracking back, ``last`` <= ``start``); ``run_id``: the id the run stores its
    raw outputs under (``app.jobs.track_job``), which tells its boxes from an earlier run's of the
    same tracker."""
    if getattr(store, "read_only", False):
        return
    run = {"start": int(start), "tracker": str(tracker), "last": int(last)}
    if run_id is not None:
        run["run"] = str(run_id)
    if step < 0:
        run["step"] = -1
    store.set_meta(RUN_KEY, run)


def clear_run(store) -> None:
    """The run ended (nothing on a store opened read-only, or with no run kept)."""
    if getattr(store, "read_only", False) or store.get_meta(RUN_KEY, None) is None:
        return
    store.set_meta(RUN_KEY, None)


def read_run_id(store) -> str | None:
    """The run id the note of a run that never ended names (``write_run``), or None (no note, a note
    of an earlier version, an unreadable one)."""
    try:
        raw = store.get_meta(RUN_KEY, None)
    except Exception:  # an unreadable entry: nothing to say
        return None
    run = raw.get("run") if isinstance(raw, dict) else None
    return run if isinstance(run, str) and run else None


def read_run(store, num_frames: int) -> tuple[int, str, int, int] | None:
    """(start, tracker, last, step) of a run that never ended, frames clamped to the footage, or
    None; ``step`` -1 for a run that tracked back (``last`` <= ``start``), else 1."""
    try:
        raw = store.get_meta(RUN_KEY, None)
    except Exception:  # an unreadable entry: nothing to say
        return None
    if not isinstance(raw, dict):
        return None
    start, last, tracker = raw.get("start"), raw.get("last"), raw.get("tracker")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, last)) or num_frames < 1:
        return None
    top = int(num_frames) - 1
    start = max(0, min(start, top))
    if raw.get("step") == -1:
        return start, str(tracker or ""), min(start, max(last, 0)), -1
    return start, str(tracker or ""), max(start, min(last, top)), 1
