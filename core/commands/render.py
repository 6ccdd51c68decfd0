"""``python main.py render``: a review video of a sequence with its boxes drawn.

The same job as the studio's File > Export > Review video
(``core.annotations.review_video.render_review_video``): the visible and thermal frames side
by side, the ground truth, trackers' results files and a studio project's annotations drawn
on both.
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.commands.arguments import input_text, int_at_least, output_file, positive_float
from core.errors import ConfigError
from core.progress import run_with_bar


def register(subparsers) -> None:
    from core.annotations.review_video import COLORMAPS, LAYOUTS

    parser = subparsers.add_parser(
        "render",
        help="write a review video (MP4) of a sequence with its ground truth, results and annotations drawn",
        description="Write a video of the footage, visible and thermal side by side, with boxes drawn on "
        "both: the sequence's ground truth (unless --no-ground-truth), each --boxes file (a tracker's results: "
        "one x,y,w,h line per frame as track --out writes, or frame-numbered / MOT rows) in its own colour, and "
        "with --store a studio project's annotations in the studio's colours (drawn, tracked, interpolated, "
        "accepted, imported; occluded dashed). The header names the frame and what each layer holds there. "
        "Example: render data/otb-couple --boxes results/student/otb-couple.txt --boxes "
        "results/csrt/otb-couple.txt --out couple.mp4",
    )
    parser.add_argument("source", nargs="+", type=input_text, help="a sequence folder, or VISIBLE THERMAL (videos or folders)")
    parser.add_argument("--out", type=output_file, required=True,
                        help="the video: .mp4 (MPEG-4, plays in VLC and most players; a name without a suffix "
                        "gets .mp4) or .avi (Motion JPEG)")
    parser.add_argument("--boxes", type=Path, action="append", default=[], metavar="FILE",
                        help="a results file to draw (repeat for several trackers); named by its folder when the "
                        "file is <sequence>.txt in a tracker's results folder, else by its name")
    parser.add_argument("--object", type=int, default=None, metavar="ID",
                        help="the object to draw of each --boxes file of MOT rows (frame,id,x,y,w,h,...) holding "
                        "several ids, as a CVAT export does")
    parser.add_argument("--store", type=Path, default=None,
                        help="also draw the annotations of this studio project (.rgbt.sqlite)")
    parser.add_argument("--no-ground-truth", action="store_true", help="leave the sequence's ground truth out")
    parser.add_argument("--layout", choices=LAYOUTS, default="side-by-side",
                        help="both views side by side (default) or one of them; one-stream footage shows its stream")
    parser.add_argument("--colormap", choices=tuple(COLORMAPS), default="inferno",
                        help="the thermal view's colormap (default inferno, as in the studio)")
    parser.add_argument("--fps", type=positive_float, default=None, help="frames per second (default: the footage's)")
    parser.add_argument("--max-width", type=int_at_least(64), default=1920,
                        help="wider videos are scaled down to this many pixels (at least 64; default 1920)")
    parser.add_argument("--force", action="store_true", help="replace --out when it exists (never an input)")
    parser.set_defaults(func=run)


def layer_name(path: Path, sequence_name: str) -> str:
    """A results file's name on the video: its folder's (the tracker's) when the file is
    ``<sequence>.txt`` in a results folder, else the file's stem."""
    return path.parent.name if path.stem == sequence_name and path.parent.name else path.stem


def run(args) -> int:
    from core.annotations.formats.gt_files import protected_inputs, protected_sources
    from core.annotations.review_video import (
        LAYER_RGB,
        VideoOptions,
        annotation_layer,
        render_review_video,
        rows_layer,
        shown_layout,
        video_path,
    )
    from core.commands.track_setup import open_input
    from core.fileio import check_output

    if len(args.source) not in (1, 2):
        raise ConfigError(f"render takes one sequence folder or two paths (visible, thermal), got {len(args.source)}")
    _refuse_a_project_as_source(Path(args.source[0]))
    try:
        options = VideoOptions(args.layout, args.colormap, args.fps, args.max_width)
    except ValueError as error:
        raise ConfigError(f"render: {error}") from None
    if args.object is not None and not args.boxes:  # it was left unused without a word
        raise ConfigError(f"--object {args.object} picks an object of a --boxes file of MOT rows; give the --boxes file")
    args.out = video_path(args.out)  # a bare name gets .mp4, as in the studio
    protected = protected_sources(*args.source) + [(p, "a --boxes file") for p in args.boxes]
    if args.store is not None:
        protected.append((args.store, "the annotation store"))
    check_output(args.out, protected=protected, force=args.force, option="--out")
    sequence = open_input(Path(args.source[0]), Path(args.source[-1]) if len(args.source) == 2 else None)
    try:
        # the frames of a sequence folder are known only once it is open (a video inside it)
        check_output(args.out, protected=protected + protected_inputs(sequence.info, args.store), force=args.force,
                     option="--out")
        frames = len(sequence)
        # what the sequence adapted on opening (frame counts that differ: the video ends with the shorter
        # stream; 16-bit thermal mapped to 8 bits), but not the stand-in of a one-stream sequence's missing
        # stream (the luminance as thermal): the video shows the one stream alone
        layers, notes = [], [note for note in sequence.info.notes if not note.startswith(STAND_IN_NOTES)]
        if not args.no_ground_truth:
            truth = sequence.ground_truth() or {}
            if truth:
                layers.append(rows_layer("ground truth", {f: r.box for f, r in truth.items()}, LAYER_RGB[0]))
        for k, path in enumerate(args.boxes):
            found = _read_boxes(path, frames, args.object)
            notes += [f"{path}: {note}" for note in found.notes]
            if args.object is not None and not found.holds.startswith("MOT rows"):  # it was drawn whole without a word
                notes.append(f"{path}: --object {args.object} applies to MOT rows (frame,id,x,y,w,h,...); the file "
                             f"holds {found.holds}, drawn whole")
            layers.append(rows_layer(layer_name(path, sequence.info.name), {f: r.box for f, r in found.records.items()},
                                     LAYER_RGB[1 + k % (len(LAYER_RGB) - 1)]))  # never the ground truth's
        if len(args.boxes) > len(LAYER_RGB) - 1:
            notes.append(f"{len(args.boxes)} --boxes files and {len(LAYER_RGB) - 1} colours: the colours repeat "
                         f"from the {len(LAYER_RGB)}th file on (white stays the ground truth's)")
        if args.store is not None:
            records, stated = _store_records(args.store, sequence)
            layers.append(annotation_layer(records, "annotations"))
            if stated and args.fps is None:  # its images record no rate: the one stated in the studio, not 30
                notes.append(f"{sequence.info.name}: {sequence.info.fps:g} fps, the frame rate stated in {args.store.name}")
        shown = shown_layout(sequence.info, args.layout)
        if args.layout != "side-by-side" and shown != args.layout:
            # it showed the one stream there is without a word, as if the layout asked had been drawn
            notes.append(f"--layout {args.layout}: {sequence.info.name} has only its {shown} stream, which the video "
                         "shows")
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        if not layers:
            print("note: no box to draw (no ground truth, --boxes or --store): the video shows the footage alone",
                  file=sys.stderr)
        existed = Path(args.out).exists()
        try:
            result = run_with_bar(render_review_video(sequence, layers, args.out, options),
                                  f"render {sequence.info.name}")
        except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): it said only that
            from core.progress import nothing_written_line

            print(nothing_written_line("render", [args.out], [existed]), file=sys.stderr)
            raise
    finally:
        sequence.close()
    print(f"wrote {result.path}: {result.summary}")
    return 0


#: the opening notes of a one-stream sequence's stand-in for its missing stream
#: (``core.sequences.pair``), which a review video never shows
STAND_IN_NOTES = ("visible-only sequence:", "thermal-only sequence:")


def _refuse_a_project_as_source(path: Path) -> None:
    """ConfigError when ``path`` is a studio project (an SQLite file), naming the footage it
    records and --store: ``render project.rgbt.sqlite`` said only "is a file, not a sequence
    folder or a video"."""
    from core.annotations.store import AnnotationStore
    from core.errors import RGBTError
    from core.fileio import SQLITE_MAGIC, file_magic

    if not path.is_file() or file_magic(path, len(SQLITE_MAGIC)) != SQLITE_MAGIC:
        return
    try:
        with AnnotationStore.open(path, glance=True) as store:  # leaves no -wal / -shm beside it
            sources = [str(p) for p in (store.get_meta("sources", None) or [])]
    except (RGBTError, OSError):
        sources = []
    footage = " ".join(sources) if sources else "SEQUENCE"
    raise ConfigError(f"{path}: is a studio project, not footage: draw its annotations on its footage with "
                      f"render {footage} --store {path} --out ...")


def _read_boxes(path: Path, frames: int, object_id: int | None):
    """``read_box_file`` of a --boxes file (machine boxes); a MOT file of several objects without
    --object names the option (its error said "the studio labels one: choose its id", and the
    command line had no way to choose)."""
    from core.annotations.formats.box_import import SeveralObjectsError, read_box_file
    from core.errors import AnnotationFormatError

    try:
        return read_box_file(path, frames, checked=False, object_id=object_id)
    except SeveralObjectsError as several:
        listed = ", ".join(str(i) for i in several.ids[:8]) + (", ..." if len(several.ids) > 8 else "")
        raise AnnotationFormatError(path, f"holds {len(several.ids)} objects (ids {listed}): draw one with "
                                          "--object ID") from None
    except AnnotationFormatError as error:
        if error.problem.startswith("is a studio project"):
            raise AnnotationFormatError(path, f"{error.problem}: give it with --store") from None
        raise


def _store_records(path: Path, sequence) -> tuple[dict, bool]:
    """``(records, stated)``: the records of the studio project ``path`` (0-based frame ->
    FrameAnnotation), refused (ConfigError) when it is the project of another sequence
    (:func:`check_store_fits`); ``stated``: the project's stated frame rate was given to
    ``sequence`` (image folders record none: the video was written at the assumed 30 fps where
    the studio, the clock and its exports used the rate stated with View > Frame rate...)."""
    from core.annotations.project_paths import apply_stated_fps
    from core.annotations.store import AnnotationStore, StoreError

    if not path.is_file():
        raise StoreError(path, "annotation store not found")
    store = AnnotationStore.open(path, glance=True)  # read whole at once: no -wal / -shm left beside it
    try:
        check_store_fits(store, path, sequence)
        return dict(store.records()), apply_stated_fps(sequence, store)
    finally:
        store.close()


def check_store_fits(store, path: Path, sequence) -> None:
    """ConfigError when ``store`` is the studio's project of another sequence: the name and the
    frame count it recorded (``sequence_name``, ``num_frames``) both differ from ``sequence``'s
    (the demo's project given with a 140-frame sequence drew the demo's boxes on it without a
    word), unless the store pairs the streams with another frame offset. The name alone
    differing (a renamed folder) is a note; the count alone, or a store without them, passes.
    The rule is ``core.annotations.project_paths.other_footage``, as for ``export-distill --store``."""
    from core.annotations.project_paths import other_footage

    other = other_footage(store, sequence)
    if other is None:
        return
    name, count, refuse = other
    here = f"{sequence.info.name} ({len(sequence)} frames)"
    if refuse:
        raise ConfigError(f"{path}: is the project of {name} ({count} frames), not of {here}: its boxes would be "
                          "drawn on other footage; give this sequence's own project with --store")
    print(f"note: {path} was made for {name} ({count} frames); drawing it on {here}", file=sys.stderr)
