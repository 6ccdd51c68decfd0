"""``python main.py convert SRC DST [--from FORMAT] --to FORMAT``: convert annotation files between formats."""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from core.annotations.formats.convert import SOURCE_FORMATS, TARGET_FORMATS

    parser = subparsers.add_parser(
        "convert",
        help="convert annotation files between dataset formats (GTOT, RGBT234, LasHeR, VTUAV, VOT, GOT-10k, LaSOT)",
        description="SRC is a sequence folder of any supported layout (its ground truth is read) or one "
        "box file; DST is a folder (a file for --to xywh).",
    )
    parser.add_argument("src", type=Path)
    parser.add_argument("dst", type=Path)
    parser.add_argument("--from", dest="source_format", default="auto", choices=SOURCE_FORMATS,
                        help="SRC format: for a file xywh | corners (GTOT x1 y1 x2 y2) | polygon | vtuav "
                        "(one row per 10 frames) or a layout name; for a folder auto (detected) or a layout name")
    parser.add_argument("--to", dest="target", required=True, choices=TARGET_FORMATS)
    parser.add_argument("--frames", type=int, default=None, help="frame count (default: up to the last annotated frame)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from core.annotations.formats.convert import read_source, write_target

    records, count = read_source(args.src, args.source_format)
    count = args.frames or count
    name = args.src.stem if args.src.is_file() else args.src.name
    written = write_target(records, count, args.dst, args.target, name=name)
    absent = sum(1 for r in records.values() if r.absent)
    print(f"{len(records)} frames read ({absent} absent) from {args.src}")
    for path in written:
        print(f"wrote {path}")
    return 0
