"""Dataset layouts of one sequence folder: which layout a folder (or a video given alone) holds,
and where its streams are. Opening one as a sequence is ``core.sequences.open_folder``.

| layout | visible | thermal | told apart by |
|---|---|---|---|
| ``gtot`` | ``v/`` | ``i/`` | folder names |
| ``lasher`` | ``visible/`` | ``infrared/`` | images named ``v…``/``i…`` (or ``visible.txt`` when names do not tell) |
| ``rgbt234`` | ``visible/`` | ``infrared/`` | images named ``…v``/``…i`` and ``visible.txt`` + ``infrared.txt`` |
| ``rgbt210`` | ``visible/`` | ``infrared/`` | images named ``…v``/``…i`` and one ``init.txt`` for both |
| ``vtuav`` | ``rgb/`` | ``ir/`` | folder names |
| ``vot-rgbt`` | ``color/`` | ``ir/`` | folder names |
| ``got10k`` | any pair above | | ``meta_info.ini`` / ``absence.label`` / ``cover.label`` |
| ``folder-pair`` | ``visual/`` or ``visible/`` | ``thermal/`` | folder names (e.g. TNO) |
| ``vot-tir`` | - | images in the folder, or only ``color/``, ``ir/`` or ``img/`` (LaSOT) | thermal-only |
| ``visible-only`` | images in the folder (or only ``color/``, ``img/``) | - | colour frames (or ``SOURCE.txt`` / ``meta_info.ini`` says ``modality: visible``) |
| ``got10k-tir`` / ``got10k-visible`` | images in the folder with ``absence.label`` ... | | gray / colour frames (GOT-10k itself is colour) |
| ``video-pair`` | ``visible.mp4`` (any video extension) | ``infrared.mp4`` | file names (``VISIBLE_STEMS`` / ``THERMAL_STEMS``); one of the two may be an image folder so named (``visible.mp4`` + ``thermal/``) |
| ``thermal-video`` | - | ``thermal.avi`` (any video extension) | one thermal video only |
| ``visible-video`` | ``visible.mp4`` | - | one visible video only |

A lone video of another name (``clip.mp4``: a video given on its own as the sequence, or the only
video of a folder with no frames) is ``visible-video`` or ``thermal-video`` too: its folder's
``SOURCE.txt`` says which, else its first frame (colour: visible; grey: thermal), as for images
(:func:`lone_video`). A video given on its own has no ground truth; one alone in its folder has
the folder's. A multi-page TIFF (a thermal camera's recording as one file) given alone, or the only
image of its folder, is such a lone video too: its pages are its frames.

Ground truth (``groundtruth.txt``, one ``x,y,w,h`` per frame, ``NaN`` rows = absent) is
read by ``core.annotations.formats.load_ground_truth`` for every layout.

**Single-modality sequences** (``vot-tir``, ``got10k-tir``, ``thermal-video``:
``info.thermal_only``; ``visible-only``, ``visible-video``: ``info.visible_only``) still
give both streams: the missing one is made from the present one (thermal replicated to
3 channels as visible; visible's luminance as thermal), so trackers get the present
stream as both inputs (``core.sequences.pair``).

Images directly in the folder are thermal (``vot-tir``) unless they are colour: the
first frame has 3 channels that differ (mean per-pixel channel spread above
``COLOUR_SPREAD``), or the folder's ``SOURCE.txt`` has a ``modality:`` line that says
so (``modality: visible`` / ``modality: thermal`` overrides the pixels, e.g. for gray
visible footage stored as 3 equal channels). Footage taken as thermal for its grey frames
alone says so in its notes, with how to say otherwise (:func:`grey_taken_as_thermal`).
"""
from __future__ import annotations

import os
from pathlib import Path

from core.errors import SequenceError
from core.sequences.declared import (
    SOURCE_FILE,
    declared_modality,
)
from core.sequences.image_files import first_image, has_images, natural_key
from core.sequences.image_sources import FolderSource, pages_file, tiff_pages
from core.sequences.sources import VIDEO_EXTENSIONS, open_source
from core.sequences.stream_checks import MODALITY_OF_WORD, THERMAL_STEMS, VISIBLE_STEMS
from core.sequences.thermal import channel_spread

GOT10K_MARKERS = ("meta_info.ini", "absence.label", "cover.label")

# (visible folder, thermal folder, layout when no GT file decides)
_PAIR_FOLDERS = (
    ("v", "i", "gtot"),
    ("visible", "infrared", "rgbt"),
    ("rgb", "ir", "vtuav"),
    ("color", "ir", "vot-rgbt"),
    ("visual", "thermal", "folder-pair"),
    ("visible", "thermal", "folder-pair"),
)

# Video file stems (any case, any extension of VIDEO_EXTENSIONS) naming the modality.
# Mean per-pixel (max - min over the 3 channels) above which a frame counts as colour;
# gray frames stored as JPEG colour have a spread of about 0-1.
COLOUR_SPREAD = 3.0

EXPECTED = ("v/ + i/ (GTOT); visible/ + infrared/ (LasHeR, RGBT234, RGBT210); rgb/ + ir/ (VTUAV); "
            "color/ + ir/ (VOT-RGBT); visual/ or visible/ + thermal/ (folder pair); "
            "images directly in the folder, or only color/, ir/ or img/ (LaSOT) (thermal-only, VOT-TIR; colour images: "
            "visible-only); visible.mp4 and/or infrared.mp4 or thermal.avi (videos; one of a pair may be a frame folder, "
            "visible.mp4 + thermal/); or one video alone")


def _has_images(folder: Path) -> bool:
    return folder.is_dir() and has_images(folder)


def _subfolders(folder: Path) -> dict[str, str]:
    """Lower-cased name -> name of the folders directly in ``folder``, so that the stream folders
    of a layout are found in any case (``RGB/`` + ``IR/``, ``Visible/``; a sequence holding them was
    read as a dataset root of two sequences); a name written in lower case wins over its capitals."""
    found: dict[str, str] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.startswith(".") and entry.is_dir():
                    key = entry.name.lower()
                    if key not in found or entry.name == key:
                        found[key] = entry.name
    except OSError:
        return {}
    return found


def find_pair(folder: Path) -> tuple[str, str, str] | None:
    """(visible folder, thermal folder, layout) of the first pair of :data:`_PAIR_FOLDERS` in
    ``folder``, the folders' names as written (any case); None without one."""
    names = _subfolders(folder)
    for visible, thermal, layout in _PAIR_FOLDERS:
        if visible in names and thermal in names:
            return names[visible], names[thermal], layout
    return None


def _half_pair(folder: Path) -> tuple[str, list[str]] | None:
    """(present, the partners it lacks) when ``folder`` holds one image folder of a pair of
    :data:`_PAIR_FOLDERS` (``visible/`` with frames) and none of its partners; None otherwise."""
    names = _subfolders(folder)
    for visible, _, _ in _PAIR_FOLDERS:
        partners = list(dict.fromkeys(t for v, t, _ in _PAIR_FOLDERS if v == visible))
        if (visible in names and _has_images(folder / names[visible])
                and not any(t in names or (folder / t).exists() for t in partners)):
            return names[visible], partners
    return None


def _listed_sequences(folder: Path) -> list[str]:
    """The sequence folders in a dataset root such as the studio's own GOT-10k or LaSOT export
    (``walk/`` and ``walk-thermal/``): those ``folder/list.txt`` names, else the subfolders,
    each holding frames directly or in ``img/`` (``ir/``, ...)."""
    try:
        lines = (folder / "list.txt").read_text(encoding="utf-8-sig", errors="replace").splitlines()
        names = [line.strip() for line in lines if line.strip()]
    except OSError:
        names = sorted((p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")), key=natural_key)
    # the first few only: this is an error message, and a dataset root may hold thousands
    return [name for name in names[:8] if (folder / name).is_dir() and thermal_only_folder(folder / name) is not None]


def _rgbt_flavour(folder: Path, visible: str = "visible") -> str:
    """Tell LasHeR, RGBT234 and RGBT210 apart (all use visible/ + infrared/).

    LasHeR names frames ``v000001.jpg`` (prefix); RGBT234 and RGBT210 ``00001v.jpg``
    (suffix), RGBT234 with per-modality ``visible.txt``/``infrared.txt``, RGBT210 with one
    ``init.txt``. Without telling names, the GT files decide (``visible.txt`` -> LasHeR).
    """
    image = first_image(folder / visible)  # the visible folder's name as written (Visible/)
    stem = image.stem.lower() if image is not None else ""
    per_modality_gt = (folder / "visible.txt").is_file() or (folder / "infrared.txt").is_file()
    if stem.startswith("v"):
        return "lasher"
    if stem.endswith("v"):
        return "rgbt234" if per_modality_gt else "rgbt210"
    if per_modality_gt:
        return "lasher"
    return "rgbt210" if (folder / "init.txt").is_file() else "lasher"


def thermal_only_folder(folder: Path) -> Path | None:
    if _has_images(folder) and pages_file(folder) is None:  # one multi-page TIFF: a stream (lone_video_file)
        return folder
    names = _subfolders(folder)
    candidates = [folder / names[name] for name in ("ir", "color", "infrared", "thermal", "img")
                  if name in names and _has_images(folder / names[name])]
    return candidates[0] if len(candidates) == 1 else None


def _video_candidates(folder: Path) -> dict[str, list[Path]]:
    """``{"visible": [...], "thermal": [...]}``: the videos directly in ``folder`` whose stem names
    the modality (a multi-page TIFF counts as a video: ``thermal.tiff``), sorted."""
    found: dict[str, list[Path]] = {"visible": [], "thermal": []}
    for path in folder.iterdir():
        stem = path.stem.lower()
        kind = "visible" if stem in VISIBLE_STEMS else "thermal" if stem in THERMAL_STEMS else None
        if kind is None or path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() in VIDEO_EXTENSIONS or tiff_pages(path) > 1:  # a multi-page TIFF is a stream
            found[kind].append(path)
    return {kind: sorted(paths) for kind, paths in found.items()}


def _videos(folder: Path) -> tuple[Path | None, Path | None]:
    """(visible video, thermal video) of :func:`_video_candidates`; None each when absent or
    ambiguous (two candidates, which :func:`detect_layout` refuses)."""
    found = _video_candidates(folder)
    return tuple(v[0] if len(v) == 1 else None for v in found.values())  # type: ignore[return-value]


def video_streams(folder: Path) -> tuple[Path | None, Path | None]:
    """(visible, thermal) stream of a video layout: the videos :func:`_videos` finds and, beside
    one of them, the other stream's image folder when the video lacks its partner (``visible.mp4`` +
    ``thermal/`` of 16-bit PNG frames, ``visible/`` + ``infrared.avi``: a folder named by a stem of
    ``THERMAL_STEMS`` / ``VISIBLE_STEMS`` that holds images, the only one). Such a folder opened as a
    visible-only (thermal-only) video, its other stream left out without a word. (None, None)
    without a video; SequenceError naming them for two such folders (``thermal/`` and ``ir/``)."""
    visible, thermal = _videos(folder)
    if (visible is None) == (thermal is None):
        return visible, thermal
    stems = THERMAL_STEMS if thermal is None else VISIBLE_STEMS
    partners = sorted(path for path in folder.iterdir()
                      if path.name.lower() in stems and not path.name.startswith(".") and _has_images(path))
    if len(partners) > 1:  # it opened as one stream, both folders left out without a word
        video = visible if thermal is None else thermal
        kind = "thermal" if thermal is None else "visible"
        raise SequenceError(folder, f"holds {len(partners)} {kind} frame folders beside {video.name} "
                                    f"({', '.join(p.name + '/' for p in partners)}): which one is its partner is not "
                                    "known; open the two you mean as a pair (visible, thermal), or move the other out")
    partner = partners[0] if partners else None
    return (visible, partner) if thermal is None else (partner, thermal)


def is_colour(image) -> bool:
    """True when a frame as stored (OpenCV order) has 3+ channels that differ: the mean
    per-pixel channel spread (``core.sequences.thermal.channel_spread``) exceeds ``COLOUR_SPREAD``."""
    spread = channel_spread(image)
    return spread is not None and spread > COLOUR_SPREAD


def _images_are_visible(folder: Path, images: Path | None = None) -> bool:
    """Whether the frames in ``images`` (default ``folder``; an ``img/`` or ``color/`` in it) are
    visible: declared so in ``folder`` or ``images`` (``declared_modality``), else, for images
    directly in ``folder``, named so (``folder`` is called ``visual``, ``visible``, ``rgb``, ... or
    ``thermal``, ``infrared``, ``ir``, ...: TNO's gray ``visual/`` given alone opened as
    thermal-only; a ``color/`` inside is not a name: the VOT toolkit keeps thermal-only
    sequences there), else colour."""
    images = folder if images is None else images
    for place in dict.fromkeys((folder, images)):
        declared = declared_modality(place)
        if declared is not None:
            return declared == "visible"
    named = MODALITY_OF_WORD.get(folder.name.lower()) if images == folder else None
    if named is not None:
        return named == "visible"
    source = FolderSource(images)
    try:
        first = source.read(0)
    except SequenceError:
        return False  # opening reports the undecodable frame
    return is_colour(first)


def lone_video_file(path: Path) -> Path | None:
    """The video of :func:`lone_video` (``path`` itself, or a folder's only video), found by name
    alone, or a multi-page TIFF (``path``, or a folder's only image: ``pages_file``), a stream as a
    video is; None without one."""
    if path.is_file():
        return path if path.suffix.lower() in VIDEO_EXTENSIONS or tiff_pages(path) > 1 else None
    videos = [p for p in path.iterdir()
              if p.suffix.lower() in VIDEO_EXTENSIONS and p.is_file() and not p.name.startswith(".")]
    if not videos:
        return pages_file(path)
    return videos[0] if len(videos) == 1 else None


def lone_video(path: Path) -> tuple[Path, str] | None:
    """``(video, "visible" | "thermal")`` when ``path`` is a video file, or a folder whose only
    stream is one video of a name that says nothing (``clip.mp4``: :func:`_video_candidates` finds
    named ones); else None. The modality: the video's name when it says it, else what ``SOURCE.txt``
    of its folder declares, else its first frame's colour (:func:`is_colour`; a frame that does not
    decode counts as visible, and opening then names the problem)."""
    video = lone_video_file(path)
    if video is None:
        return None
    named = MODALITY_OF_WORD.get(video.stem.lower())
    declared = named or declared_modality(video.parent)
    if declared is not None:
        return video, declared
    try:
        first = open_source(video).read(0)
    except SequenceError:
        return video, "visible"
    return video, "visible" if is_colour(first) else "thermal"


def missing_input(path: Path) -> str:
    """What a path that does not exist was meant to be, by its name: a video (``clip.mp4``:
    it was called a missing 'sequence folder'), another file (a name with a suffix), else a
    sequence folder."""
    if path.suffix.lower() in VIDEO_EXTENSIONS:
        return "video file does not exist"
    if path.suffix and not path.name.startswith("."):
        return "file does not exist (nor a sequence folder of that name)"
    return "sequence folder does not exist"


def detect_layout(folder: str | Path) -> str:
    """Layout name of a sequence folder, or of a video given on its own (see the module table).

    Raises SequenceError naming the folder when it is missing or matches no layout.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SequenceError(folder, missing_input(folder))
    if not folder.is_dir():
        lone = lone_video(folder)
        if lone is not None:
            return f"{lone[1]}-video"
        raise SequenceError(folder, "is a file, not a sequence folder or a video: give a sequence folder, a video, "
                                    "or a visible and a thermal video")
    pair = find_pair(folder)
    if pair is not None:
        if any((folder / m).is_file() for m in GOT10K_MARKERS):
            return "got10k"
        return _rgbt_flavour(folder, pair[0]) if pair[2] == "rgbt" else pair[2]
    for kind, videos in _video_candidates(folder).items():
        if len(videos) > 1:  # both were left out without a word (an original and a converted copy)
            raise SequenceError(folder, f"holds {len(videos)} {kind} videos ({', '.join(p.name for p in videos)}): "
                                        "which one belongs to the pair is not known; open the two you mean as a "
                                        "pair (visible, thermal), or move the others out")
    visible_stream, thermal_stream = video_streams(folder)
    if visible_stream is not None or thermal_stream is not None:
        if visible_stream is not None and thermal_stream is not None:
            return "video-pair"
        return "thermal-video" if thermal_stream is not None else "visible-video"
    images = thermal_only_folder(folder)
    if images is not None:
        visible = _images_are_visible(folder, images)
        if any((folder / m).is_file() for m in GOT10K_MARKERS):  # GOT-10k itself is colour footage
            return "got10k-visible" if visible else "got10k-tir"
        return "visible-only" if visible else "vot-tir"
    lone = lone_video(folder)
    if lone is not None:
        return f"{lone[1]}-video"
    half = _half_pair(folder)
    if half is not None:  # it was the whole 'unknown sequence layout; expected ...' list
        missing = " or ".join(f"{name}/" for name in half[1])
        raise SequenceError(folder, f"has {half[0]}/ but no {missing} beside it: a visible + thermal pair needs "
                                    f"both (add it, or open {folder / half[0]} alone as one stream)")
    listed = _listed_sequences(folder)
    if listed:  # the GOT-10k export's own folder said 'unknown sequence layout; expected ...'
        names = ", ".join(listed[:4]) + (", ..." if len(listed) > 4 else "")  # of the first 8
        one_stream = {declared_modality(folder / name) for name in listed[:2]} in ({"visible"}, {"thermal"})
        pair = (f", or {folder / listed[0]} and {folder / listed[1]} as a visible + thermal pair"
                if len(listed) == 2 and listed[1] == f"{listed[0]}-thermal" and not one_stream else "")
        raise SequenceError(folder, f"is a dataset root, not a sequence: it holds the sequence folders {names}; open one "
                                    f"sequence folder in it ({folder / listed[0]}){pair}")
    present = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())[:12]
    raise SequenceError(folder, "unknown sequence layout; expected " + EXPECTED
                        + ". Found: " + (", ".join(present) if present else "an empty folder"))


def grey_taken_as_thermal(folder: Path, layout: str) -> str | None:
    """The note for footage taken as thermal for its grey frames alone (``layout`` ``vot-tir``,
    ``got10k-tir`` or ``thermal-video``; no ``SOURCE.txt`` declaring it, no name saying it): a
    grey visible camera's frames look the same, and opened as thermal-only without a word on
    why or how to say otherwise. None when a declaration or a name decided."""
    if layout in ("vot-tir", "got10k-tir"):
        images = thermal_only_folder(folder)
        if images is None or any(declared_modality(p) is not None for p in dict.fromkeys((folder, images))):
            return None
        if images.name.lower() in ("ir", "infrared", "thermal") and images != folder:  # named by its folder
            return None
        if images == folder and folder.name.lower() in MODALITY_OF_WORD:
            return None
    elif layout == "thermal-video":
        if folder.is_dir() and video_streams(folder) != (None, None):  # named thermal.mp4 (or beside visible/)
            return None
        video = lone_video_file(folder)
        if video is None or video.stem.lower() in MODALITY_OF_WORD or declared_modality(video.parent) is not None:
            return None
        folder = video.parent
    else:
        return None
    return (f"the frames are grey, so taken as thermal; if they are a visible camera's, write 'modality: visible' "
            f"in {folder / SOURCE_FILE}")
