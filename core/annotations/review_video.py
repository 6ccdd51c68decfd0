"""A review video: the footage with its boxes drawn, for checking labels or showing results.

An annotator sends a lead the sequence to check by eye; a researcher shows a tracker's
results beside the ground truth. :func:`render_review_video` writes one MP4 (``.mp4``,
MPEG-4 Part 2, which OpenCV's own FFmpeg writes on every platform; ``.avi`` gives Motion
JPEG) with, on every frame:

* the visible and the thermal frame side by side (``layout="side-by-side"``; one-stream
  footage shows its one stream), the thermal frame in a colormap (``thermal_colormap``);
* each :class:`BoxLayer`'s box on both views (a layer's separate thermal box on the thermal
  view), dashed where the layer marks it occluded, on a dark outline so each colour reads on
  any frame, and the layer's word for the frame ("drawn", "tracked 0.62", "absent");
* a header: the frame number and the layers' legend (on more lines when a narrow video needs them).

Boxes are ``x, y, w, h`` top-left float pixels on the visible grid (the thermal frame of a
pair lies on it too). Frames wider than ``max_width`` (a 4K pair side by side) are scaled
down; the video's sides are even. The job is a generator yielding ``core.progress.Progress``
(one per frame) and returning an ``ExportResult``; the file is written beside the target and
renamed into place at the end (``core.fileio.atomic_path``), so a cancelled or failed run
leaves an earlier video intact. Frames are read one at a time: memory stays flat.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.errors import ExportError
from core.fileio import atomic_path
from core.progress import Job, Progress
from core.wording import plural

#: the studio's box colours by provenance (``app.style.PROVENANCE_COLOURS``), as RGB
PROVENANCE_RGB = {Provenance.MANUAL: (46, 204, 64), Provenance.INTERPOLATED: (127, 219, 255),
                  Provenance.STUDENT: (255, 133, 27), Provenance.TEACHER: (240, 18, 190),
                  Provenance.IMPORTED: (170, 170, 170)}
#: how a frame's record is named on the video
PROVENANCE_WORDS = {Provenance.MANUAL: "drawn", Provenance.INTERPOLATED: "interpolated",
                    Provenance.STUDENT: "tracked", Provenance.TEACHER: "teacher (accepted)",
                    Provenance.IMPORTED: "imported"}
#: colours of extra layers (trackers' results), in turn: white, blue, yellow, red, lime, cyan
LAYER_RGB = ((255, 255, 255), (0, 116, 217), (255, 220, 0), (255, 65, 54), (1, 255, 112), (57, 204, 204))
LAYOUTS = ("side-by-side", "visible", "thermal")
#: OpenCV colormaps by the names the studio uses for them
COLORMAPS = {"gray": None, "inferno": cv2.COLORMAP_INFERNO, "magma": cv2.COLORMAP_MAGMA,
             "plasma": cv2.COLORMAP_PLASMA, "viridis": cv2.COLORMAP_VIRIDIS, "turbo": cv2.COLORMAP_TURBO}
_OUTLINE = (0, 0, 0)
_HEADER_PX = 22  # a header of one line; each more line of the legend adds _LINE_PX
_LINE_PX = 20
_FONT, _FONT_SIZE = cv2.FONT_HERSHEY_SIMPLEX, 0.45


@dataclass(frozen=True)
class FrameBox:
    """One layer's box on one frame: ``box`` (4,) x, y, w, h or None (absent), the thermal
    view's own box or None (the same), the RGB colour, dashed or not, and the word shown."""

    box: np.ndarray | None
    thermal_box: np.ndarray | None = None
    colour: tuple[int, int, int] = (255, 255, 255)
    dashed: bool = False
    word: str = ""


@dataclass(frozen=True)
class BoxLayer:
    """A named series of boxes: ``boxes`` maps the 0-based frame to its :class:`FrameBox`;
    ``colour`` is the legend's (RGB)."""

    name: str
    colour: tuple[int, int, int]
    boxes: Mapping[int, FrameBox] = field(default_factory=dict)


@dataclass(frozen=True)
class VideoOptions:
    """``layout``: one of :data:`LAYOUTS` (one-stream footage always shows its stream);
    ``thermal_colormap``: a key of :data:`COLORMAPS`; ``fps``: None for the footage's own
    rate (25 when unknown); ``max_width``: wider frames are scaled down (pixels)."""

    layout: str = "side-by-side"
    thermal_colormap: str = "inferno"
    fps: float | None = None
    max_width: int = 1920

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        if self.thermal_colormap not in COLORMAPS:
            raise ValueError(f"thermal_colormap must be one of {', '.join(COLORMAPS)}, got {self.thermal_colormap!r}")
        if self.fps is not None and not self.fps > 0:
            raise ValueError(f"fps must be > 0, got {self.fps}")
        if self.max_width < 64:
            raise ValueError(f"max_width must be at least 64, got {self.max_width}")


#: the suffixes a review video may have, and the codec each gets
VIDEO_SUFFIXES = {".mp4": "mp4v", ".avi": "MJPG"}


def video_path(path: str | Path) -> Path:
    """The file a review video named ``path`` writes: ``path`` with ``.mp4`` appended when its
    name has no suffix (what a file dialog's bare name means); any other name as given."""
    path = Path(path)
    return path if path.suffix or path.is_dir() else path.with_name(path.name + ".mp4")


def is_review_video(path: str | Path) -> bool:
    """Whether the file ``path`` is a video of the kinds this module writes (an MP4 file: ``ftyp``
    at byte 4; an AVI file: ``RIFF`` .... ``AVI ``): an earlier review video may be replaced,
    any other file is never overwritten."""
    from core.fileio import file_magic

    head = file_magic(Path(path), 12)
    return head[4:8] == b"ftyp" or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")


def shown_layout(info, layout: str) -> str:
    """The layout a video of footage ``info`` (a ``SequenceInfo``) asked for ``layout`` shows:
    one-stream footage shows its one stream, whatever was asked."""
    if getattr(info, "visible_only", False):
        return "visible"
    return "thermal" if getattr(info, "thermal_only", False) else layout


def annotation_layer(records: Mapping[int, FrameAnnotation], name: str = "annotations") -> BoxLayer:
    """The studio's records as a layer: each box in its provenance's colour, occluded ones
    dashed, the word its kind ("drawn", "tracked 0.62", "drawn (occluded)"); absent frames say
    "absent" ("absent (occluded)" where fully occluded)."""
    boxes = {}
    for frame, record in records.items():
        provenance = Provenance(record.provenance)
        if record.absent or record.box is None:
            boxes[frame] = FrameBox(None, word="absent (occluded)" if record.occluded else "absent")
            continue
        word = PROVENANCE_WORDS[provenance] + (" keyframe" if record.keyframe and provenance != Provenance.MANUAL
                                               else "")
        if record.confidence is not None:
            word += f" {record.confidence:.2f}"
        if record.occluded:  # said as on an absent frame: a partly hidden box's header read "drawn" alone
            word += " (occluded)"
        boxes[frame] = FrameBox(record.box, record.thermal_box, PROVENANCE_RGB[provenance], record.occluded, word)
    return BoxLayer(name, PROVENANCE_RGB[Provenance.MANUAL], boxes)


def rows_layer(name: str, rows: Mapping[int, np.ndarray | None], colour: tuple[int, int, int]) -> BoxLayer:
    """A tracker's results or a ground truth (frame -> (4,) box or None) as a layer of one colour."""
    return BoxLayer(name, colour, {f: FrameBox(None if b is None else np.asarray(b, dtype=np.float64), None, colour)
                                   for f, b in rows.items()})


def render_review_video(sequence, layers: Sequence[BoxLayer], out_path: str | Path,
                        options: VideoOptions = VideoOptions()) -> Job:
    """Write the review video of ``sequence`` (``core.sequences`` footage: ``len``, ``[i]`` ->
    FramePair, ``info``) with ``layers`` drawn to ``out_path`` (``.mp4`` or ``.avi``).

    Returns ``core.annotations.formats.export.ExportResult``. ExportError naming the file when
    the suffix is neither or the writer cannot open it; OutputError when it cannot be written.
    """
    from core.annotations.formats.export import ExportResult

    out_path = Path(out_path)
    fourcc = VIDEO_SUFFIXES.get(out_path.suffix.lower())
    if fourcc is None:
        raise ExportError(out_path, "a review video is .mp4 or .avi")
    info = sequence.info
    layout = shown_layout(info, options.layout)
    count = len(sequence)
    fps = options.fps or (float(info.fps) if getattr(info, "fps", None) else 25.0)
    panels = 2 if layout == "side-by-side" else 1
    scale = min(1.0, options.max_width / float(panels * info.width))
    panel_w, panel_h = _even(info.width * scale), _even(info.height * scale)
    slots, header = legend_layout(f"frame {count}/{count}", layers, panel_w * panels)
    size = (panel_w * panels, panel_h + header)
    with atomic_path(out_path, suffix=out_path.suffix) as temporary:
        writer = cv2.VideoWriter(str(temporary), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        try:
            if not writer.isOpened():
                raise ExportError(out_path, f"OpenCV cannot write {fourcc} video here")
            for index in range(count):
                pair = sequence[index]
                canvas = _compose(pair, index, count, layers, layout, options.thermal_colormap,
                                  (panel_w, panel_h), scale, slots, header)
                writer.write(cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
                yield Progress(index + 1, count, f"frame {index + 1}/{count}")
        finally:
            writer.release()
    # boxes on the video's frames only: a layer's boxes past its end were counted as drawn
    drawn = sum(1 for layer in layers for f, b in layer.boxes.items() if b.box is not None and 0 <= f < count)
    summary = (f"{plural(count, 'frame')} at {fps:g} fps, {size[0]}x{size[1]}, {plural(len(layers), 'box layer')} "
               f"({plural(drawn, 'box', 'boxes')} drawn)")
    return ExportResult(out_path, count, [], summary)


def _even(value: float) -> int:
    return max(2, int(round(value / 2.0)) * 2)


def _compose(pair, index: int, count: int, layers: Sequence[BoxLayer], layout: str, colormap: str,
             panel: tuple[int, int], scale: float, slots: list[tuple[int, int, int]], header: int) -> np.ndarray:
    """(H + header, W * panels, 3) uint8 RGB: the header (``header`` pixels, each layer's word
    at its ``slots`` place: :func:`legend_layout`) and the panels with the boxes drawn."""
    views = []
    if layout in ("side-by-side", "visible"):
        views.append((_fit(pair.visible, panel), "visible"))
    if layout in ("side-by-side", "thermal"):
        views.append((_fit(_thermal_rgb(pair.thermal, colormap), panel), "thermal"))
    words = []
    for image, view in views:
        for layer in layers:
            mark = layer.boxes.get(index)
            if mark is None:
                continue
            box = mark.thermal_box if view == "thermal" and mark.thermal_box is not None else mark.box
            if box is not None:
                _draw_box(image, np.asarray(box, dtype=np.float64) * scale, mark.colour, mark.dashed)
    for layer in layers:
        mark = layer.boxes.get(index)
        word = _word(mark)
        colour = mark.colour if mark is not None and mark.box is not None else layer.colour
        words.append((_label(layer.name, word), colour))
    canvas = np.zeros((panel[1] + header, panel[0] * len(views), 3), dtype=np.uint8)
    for k, (image, _view) in enumerate(views):
        canvas[header:, k * panel[0]:(k + 1) * panel[0]] = image
    _header(canvas, f"frame {index + 1}/{count}", words, slots)
    return canvas


def _word(mark: FrameBox | None) -> str:
    """What the legend says of a layer's ``mark`` on a frame: its word, "no box" where it has
    no box and no word (or no mark), "" for a box without a word (the layer's name alone)."""
    if mark is None:
        return "no box"
    return mark.word or ("" if mark.box is not None else "no box")


def _label(name: str, word: str) -> str:
    return f"{name}: {word}" if word else name


def _text_width(text: str) -> int:
    return cv2.getTextSize(text, _FONT, _FONT_SIZE, 1)[0][0]


def legend_layout(title: str, layers: Sequence[BoxLayer], width: int) -> tuple[list[tuple[int, int, int]], int]:
    """Where the header puts each layer's legend on a video ``width`` pixels wide: ``(x, baseline
    y, width)`` per layer, and the header's height in pixels. Each layer keeps one place for the
    whole video, as wide as its longest word ("csrt: no box"), after ``title`` (the widest frame
    number); a layer that does not fit on the line goes to the next: the legend ran past the
    right edge of a narrow video (five trackers on a 320-pixel sequence named two and a half)."""
    x, y, slots = 6 + _text_width(title) + 16, 15, []
    for layer in layers:
        words = {_word(None)} | {_word(mark) for mark in layer.boxes.values()}
        needed = max(_text_width(_label(layer.name, word)) for word in words)
        if x + needed > width - 6 and x > 6:
            x, y = 6, y + _LINE_PX
        slots.append((x, y, min(needed, max(width - x, 0))))
        x += needed + 16
    return slots, _HEADER_PX + (y - 15)


def _fit(image: np.ndarray, panel: tuple[int, int]) -> np.ndarray:
    """(H, W, 3) uint8 RGB at the panel's (width, height), a private copy to draw on."""
    if (image.shape[1], image.shape[0]) == panel:
        return np.array(image, dtype=np.uint8, copy=True)
    shrink = image.shape[1] > panel[0]
    return cv2.resize(image, panel, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def _thermal_rgb(thermal: np.ndarray, colormap: str) -> np.ndarray:
    """(H, W) uint8 -> (H, W, 3) uint8 RGB in ``colormap`` ("gray": the grey levels)."""
    code = COLORMAPS[colormap]
    if code is None:
        return cv2.cvtColor(thermal, cv2.COLOR_GRAY2RGB)
    return cv2.cvtColor(cv2.applyColorMap(thermal, code), cv2.COLOR_BGR2RGB)


def _draw_box(image: np.ndarray, box: np.ndarray, colour: tuple[int, int, int], dashed: bool) -> None:
    """``box`` (x, y, w, h in the image's pixels) in ``colour`` on a dark outline, in place."""
    x, y, w, h = box.tolist()
    if not all(np.isfinite([x, y, w, h])) or w <= 0 or h <= 0:
        return
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    for width, paint in ((4, _OUTLINE), (2, colour)):
        for k in range(4):
            _line(image, corners[k], corners[(k + 1) % 4], paint, width, dashed)


def _line(image, start, end, colour, width: int, dashed: bool) -> None:
    a, b = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    length = float(np.hypot(*(b - a)))
    if not dashed or length < 1:
        cv2.line(image, _point(a), _point(b), colour, width, cv2.LINE_AA)
        return
    dash = 6.0
    for t in np.arange(0.0, length, 2 * dash):
        cv2.line(image, _point(a + (b - a) * (t / length)), _point(a + (b - a) * (min(t + dash, length) / length)),
                 colour, width, cv2.LINE_AA)


def _point(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _header(canvas: np.ndarray, title: str, words: list[tuple[str, tuple[int, int, int]]],
            slots: list[tuple[int, int, int]]) -> None:
    """The frame number and each layer's word for the frame, in its colour, at its place
    (:func:`legend_layout`) along the top."""
    cv2.putText(canvas, title, (6, 15), _FONT, _FONT_SIZE, (255, 255, 255), 1, cv2.LINE_AA)
    for (text, colour), (x, y, _width) in zip(words, slots, strict=True):
        cv2.putText(canvas, text, (x, y), _FONT, _FONT_SIZE, colour, 1, cv2.LINE_AA)
