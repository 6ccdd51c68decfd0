"""``python main.py convert SRC DST [--from FORMAT] --to FORMAT``: convert annotation files between formats.

Besides the files written, it says (``note:`` lines, as the studio's export does) what the
target reads differently from the source: frames with no annotation written as absent rows
(a sparse VTUAV file, ``--frames`` past the last row), and for ``lasher`` / ``rgbt234`` boxes
touching x = 0 or y = 0, which the LasHeR scorer takes for absent rows; for a sequence
folder whose frames open, boxes wholly outside the frames; and for a target of one box per
frame (got10k, lasot, vot, xywh), thermal boxes that differ from the visible ones and are
not written."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.commands.arguments import input_path, output_folder
from core.wording import plural, verb


def register(subparsers) -> None:
    from core.annotations.formats.convert import SOURCE_FORMATS, TARGET_FORMATS

    parser = subparsers.add_parser(
        "convert",
        help="convert annotation files between dataset formats (GTOT, RGBT234, LasHeR, VOT, GOT-10k, LaSOT, plain "
             "x,y,w,h; VTUAV, RGBT210 and VOT-TIR are read, not written)",
        description="SRC is a sequence folder of any supported layout (its ground truth is read) or one\n"
        "box file; DST is a folder (a file for --to xywh).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  rgbt-studio convert GTOT/BlackCar out/BlackCar --to lasher\n"
               "  rgbt-studio convert groundTruth_v.txt boxes.txt --from corners --to xywh",
    )
    parser.add_argument("src", type=input_path, metavar="SRC", help="sequence folder (its ground truth is read) or one box file")
    parser.add_argument("dst", type=output_folder, metavar="DST", help="output folder (with --to xywh: the output .txt file)")
    parser.add_argument("--from", dest="source_format", default="auto", choices=SOURCE_FORMATS,
                        help="SRC format: for a file xywh | corners (GTOT x1 y1 x2 y2) | polygon | vtuav "
                        "(one row per 10 frames) or a layout name (vot: vot-rgbt); for a folder auto (detected) or a layout "
                        "name; auto (default) reads a file's rows as x,y,w,h or as 8-value polygons by their count")
    parser.add_argument("--to", dest="target", required=True, choices=TARGET_FORMATS,
                        help="format to write: lasher / rgbt234 (visible.txt, infrared.txt, init.txt), gtot "
                        "(groundTruth_v.txt, groundTruth_i.txt as corners), got10k, lasot (groundtruth.txt and "
                        "their absence files), vot (groundtruth.txt of polygons, occlusion.label) or xywh (one x,y,w,h file)")
    parser.add_argument("--frames", type=int, default=None,
                        help="frame count (default: up to the last annotated frame); at most the footage's frames for "
                             f"a sequence folder, at most {MAX_FRAMES:,} for a box file")
    parser.add_argument("--force", action="store_true",
                        help="replace existing files in DST (never the source's own ground truth)")
    parser.set_defaults(func=run)


#: the most frames ``--frames`` may ask of a box file (about 9 hours at 30 frames/s): a typo with
#: extra zeros (100000000) ran for minutes without a word, writing 900 MB of absent rows per file
MAX_FRAMES = 1_000_000


def run(args) -> int:
    from core.annotations.formats.convert import (
        NAMED_FORMAT_WORDS,
        named_file_format,
        read_source,
        target_files,
        target_paths,
        thermal_dropped,
        write_target,
    )
    from core.annotations.formats.export_notes import export_warnings
    from core.annotations.formats.gt_files import ground_truth_files
    from core.annotations.formats.rows import outside_image
    from core.errors import ConfigError
    from core.fileio import check_output
    from core.sequences.image_files import folder_name

    if args.frames is not None and args.frames < 1:
        raise ConfigError(f"--frames must be >= 1, got {args.frames}")
    src = Path(args.src)
    protected = [(src, "the source of this conversion")]
    protected += [(p, "the source's ground truth") for p in ground_truth_files(src if src.is_dir() else src.parent)]
    name = src.stem if src.is_file() else folder_name(src)
    if src.is_dir() and Path(args.dst).resolve() == src.resolve():
        raise ConfigError(f"DST {args.dst} is the source folder; converted files would sit beside (or replace) "
                          "its ground truth: choose another folder")
    footage = _footage(src)
    image_size = footage[:2] if footage is not None else None
    if args.frames is not None and args.frames > MAX_FRAMES:
        raise ConfigError(f"--frames {args.frames} is more than {MAX_FRAMES:,} frames (about 9 hours at 30 frames/s); "
                          "give the footage's frame count")
    if args.target != "xywh" and Path(args.dst).is_file():  # it said 'DST/visible.txt: DST is a file, not a folder'
        from core.errors import OutputError

        raise OutputError(args.dst, f"DST is a file; --to {args.target} writes a folder of annotation files (give a "
                                    "folder; --to xywh writes one file)")
    for path in target_paths(args.dst, args.target, target_files({}, 0, args.target, name, image_size)):
        check_output(path, protected=protected, force=args.force,  # before reading
                     option="DST" if args.target == "xywh" else "the output")
    records, count = read_source(src, args.source_format)
    named = named_file_format(src, args.source_format)
    if named is not None:
        print(f"note: {src} read as {NAMED_FORMAT_WORDS[named]} (the file's name; --from xywh reads it as x,y,w,h rows)",
              file=sys.stderr)
    if not records:  # an empty (or blank) file: the outputs were written empty, status 0
        from core.errors import AnnotationFormatError

        raise AnnotationFormatError(src, "holds no box rows (the file is empty or blank): nothing to convert")
    if args.frames is not None and footage is not None and args.frames > max(footage[2], count):
        known = (f"the {footage[2]} frames of {args.src}" if footage[2] >= count else
                 f"the {count} annotated frames of {args.src} (its footage has {footage[2]})")
        raise ConfigError(f"--frames {args.frames} is more than {known}: the rows past them would be absent rows "
                          "of frames that do not exist")
    count = args.frames or count
    written = write_target(records, count, args.dst, args.target, name=name, protected=protected, force=args.force,
                           image_size=image_size if args.target == "got10k" else None)
    kept = {frame: record for frame, record in records.items() if frame < count}
    notes = export_warnings(kept, count, lasher_rows=args.target in ("lasher", "rgbt234"), target=args.target)
    outside = outside_image(kept, *image_size) if image_size is not None else []
    if outside:
        shown = ", ".join(str(f + 1) for f in outside[:10]) + (" ..." if len(outside) > 10 else "")
        notes.append(f"{plural(len(outside), 'box', 'boxes')} {verb(len(outside), 'lies', 'lie')} wholly outside the "
                     f"{image_size[0]}x{image_size[1]} frames of "
                     f"{args.src} (frames {shown}); written as they are")
    cut = len(records) - len(kept)
    if cut:
        notes.append(f"--frames {count} leaves out the {plural(cut, 'annotated frame')} after frame {count} "
                     "(not written)")
    dropped = thermal_dropped(kept, args.target)  # a one-box target: the thermal boxes are not written
    if dropped:
        notes.append(dropped)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.target == "got10k" and image_size is None:
        print(f"note: no cut_by_image.label: the frames' size is unknown (SRC {args.src} is not a sequence folder "
              "with frames); the got10k toolkit needs it for its metadata", file=sys.stderr)
    absent = sum(1 for r in records.values() if r.absent)
    print(f"{plural(len(records), 'frame')} read{f' ({absent} absent)' if absent else ''} from {args.src}")
    for path in written:
        print(f"wrote {path}")
    return 0


def _footage(src: Path) -> tuple[int, int, int] | None:
    """(width, height, frame count) of the sequence folder ``src``; None for a box file or a
    folder whose frames cannot be opened (annotations only)."""
    if not src.is_dir():
        return None
    from core.errors import FileProblem
    from core.sequences import open_sequence

    try:
        sequence = open_sequence(src)
    except (FileProblem, OSError):
        return None
    info = sequence.info
    sequence.close()
    return (info.width, info.height, info.num_frames) if info.width > 0 and info.height > 0 else None
